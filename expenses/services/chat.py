"""The chat: a member's message kept, read by the household's parser into drafts, and answered."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from expenses.models import (
    Category,
    ChatMessage,
    ExpenseDraft,
    Source,
)
from expenses.services.drafts import DraftData, draft_create
from expenses.services.learning import learned_pairs, proposal
from households import background
from households.live import publish
from households.models import Household, User
from households.money import format_money
from households.problems import problem_message
from llmsettings.calls import provider_for
from llmsettings.models import ParseLog, Task
from llmsettings.parser import ParseContext
from llmsettings.providers import BuiltinProvider
from llmsettings.services import parse_message

# ---------------------------------------------------------------- chat


CHAT_MAX_CHARS = 2000


def chat_text_problem(text: str) -> str:
    """What is wrong with a chat message's length, or "" (the form and the service say the same)."""
    if len(text) > CHAT_MAX_CHARS:
        return (
            f"That message is {len(text):,} characters long; Hearth reads up to {CHAT_MAX_CHARS:,} "
            "at a time. Shorten it or send it in parts: your text is still in the box."
        )
    return ""


def _describe(draft: ExpenseDraft, household: Household) -> str:
    amount = format_money(draft.amount, household) if draft.amount is not None else "no amount"
    what = draft.description or (draft.category.name.lower() if draft.category else "expense")
    return f"{amount} {what}"


# A message still unread this long after it was sent was lost with a restarted server: the chat
# page reads it offline (a provider call gives up after its timeouts and retries well before).
STALE_AFTER = datetime.timedelta(minutes=2)


@transaction.atomic
def chat_message_post(*, household: Household, user: User, text: str) -> ChatMessage:
    """Keep the member's message, then read it into drafts and reply. Returns the member's message.

    With the builtin parser the message is read at once. With an LLM provider it is read in the
    background (``households.background``) once the message is saved: the member sees "Reading…"
    (the page polls it) and the drafts arrive when the provider answers or Hearth falls back.
    """
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Type what you spent, like “450 groceries yesterday”."})
    if problem := chat_text_problem(text):
        raise ValidationError({"text": problem})
    message = ChatMessage.objects.create(
        household=household, role=ChatMessage.Role.MEMBER, author=user, text=text
    )
    if _reads_in_background(household):
        background.submit(chat_message_read, message.pk)
        publish(household, "chat")
    else:
        _read(message, offline=True)
    return message


def _reads_in_background(household: Household) -> bool:
    return not isinstance(provider_for(household, Task.CHAT), BuiltinProvider)


def chat_message_read(message_pk, *, offline: bool = False, notice: str = "") -> ChatMessage | None:
    """Read a member's message into drafts and Hearth's reply, unless it has been read already.

    Called in the background for an LLM provider: the provider call holds no transaction and no
    database connection (``llmsettings.calls``); the reply and drafts are written in one
    transaction that first locks the message, so a message is never read twice.
    """
    message = (
        ChatMessage.objects.select_related("household", "author")
        .filter(pk=message_pk, role=ChatMessage.Role.MEMBER)
        .first()
    )
    if message is None or ChatMessage.objects.filter(reply_to=message).exists():
        return None
    return _read(message, offline=offline, notice=notice)


def chat_read_stale(*, household: Household, now=None) -> int:
    """Read offline the household's messages left unread by a stopped server; how many."""
    now = now or timezone.now()
    stale = ChatMessage.objects.for_household(household).filter(
        role=ChatMessage.Role.MEMBER,
        reply__isnull=True,
        created_at__lt=now - STALE_AFTER,
        created_at__gte=now - datetime.timedelta(days=7),
    )
    count = 0
    for message in stale.order_by("created_at")[:20]:
        if chat_message_read(
            message.pk,
            offline=True,
            notice="Hearth was interrupted while reading this — read offline instead.",
        ):
            count += 1
    return count


def _context(household: Household, user: User | None, members, categories) -> ParseContext:
    return ParseContext(
        today=household.today(),
        speaker=user.name if user else "",
        members=[m.name for m in members],
        categories=[c.name for c in categories],
        currency=household.currency,
        decimal_comma=household.decimal_comma,
        month_first=household.month_first,
        household_ref=household.pk.hex[:8],
        learned=learned_pairs(household),
    )


def _read(message: ChatMessage, *, offline: bool, notice: str = "") -> ChatMessage | None:
    household, user, text = message.household, message.author, message.text
    members = list(User.objects.filter(membership__household=household))
    categories = list(Category.objects.for_household(household).filter(archived=False))
    context = _context(household, user, members, categories)
    started = time.perf_counter()
    if offline:
        result = BuiltinProvider().parse_expenses(text, context)
    else:
        result = parse_message(household=household, user=user, text=text, context=context)
    elapsed_ms = (time.perf_counter() - started) * 1000
    with transaction.atomic():
        ChatMessage.objects.select_for_update().filter(pk=message.pk).first()
        if ChatMessage.objects.filter(reply_to=message).exists():
            return None
        reply = _reply(message, result, members, categories, elapsed_ms, notice=notice)
    publish(household, "chat", "drafts")
    return reply


def _reply(message, result, members, categories, elapsed_ms, *, notice: str = "") -> ChatMessage:
    household, user, text = message.household, message.author, message.text
    by_category = {c.name.lower(): c for c in categories}
    by_member = {m.name.lower(): m for m in members}
    reply = ChatMessage.objects.create(
        household=household, role=ChatMessage.Role.HEARTH, text="", reply_to=message
    )
    drafts = []
    for item in result.items:
        problems = list(item.problems)
        category = by_category.get((item.category or "").lower())
        fallback = category is None or category.name.lower() == "other"
        if category is None:
            category = by_category.get("other")
            if item.category and item.category.lower() != "other":
                problems.append(problem_message("not_a_category", name=item.category))
        paid_by = by_member.get((item.paid_by or "").lower())
        if paid_by is None:
            if item.paid_by and user and item.paid_by.lower() != user.name.lower():
                problems.append(problem_message("not_a_member", name=item.paid_by))
            paid_by = user
        drafts.append(
            draft_create(
                household=household,
                user=user,
                data=DraftData(
                    amount=item.amount,
                    category=category,
                    date=item.date,
                    description=item.description,
                    paid_by=paid_by,
                    problems=problems,
                ),
                source=Source.CHAT,
                raw_text=text,
                chat_message=reply,
                proposed=proposal(
                    category=category, description=item.description, paid_by=paid_by, fallback=fallback
                ),
            )
        )
    ParseLog.objects.create(
        household=household,
        user=user,
        provider=result.provider,
        input_text=text,
        raw_output=result.raw_output,
        problems=[p for d in drafts for p in d.problems],
        duration_ms=Decimal(f"{elapsed_ms:.3f}"),
        error=result.error,
    )
    review = sum(1 for d in drafts if d.problems)
    if not drafts:
        reply.text = "I couldn't find an expense in that. Try “450 groceries yesterday”."
    else:
        listed = "; ".join(_describe(d, household) for d in drafts)
        noun = "draft" if len(drafts) == 1 else "drafts"
        reply.text = f"I made {len(drafts)} {noun}: {listed}."
        if review:
            reply.text += f" {review} need{'s' if review == 1 else ''} a look before you confirm."
    if notice := notice or result.notice:
        reply.text = f"{notice} {reply.text}"
    reply.save(update_fields=["text", "updated_at"])
    return reply
