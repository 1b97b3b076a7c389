"""The chat: a member's message kept, read by the household's parser into drafts, and answered."""

from __future__ import annotations

import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from expenses.models import (
    Category,
    ChatMessage,
    ExpenseDraft,
    Source,
)
from expenses.services.drafts import DraftData, draft_create
from households.live import publish
from households.models import Household, User
from households.money import format_money
from households.problems import problem_message
from llmsettings.models import ParseLog
from llmsettings.parser import ParseContext
from llmsettings.providers import parser_for

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


@transaction.atomic
def chat_message_post(*, household: Household, user: User, text: str) -> ChatMessage:
    """Keep the member's message, parse it into drafts, and reply. Returns Hearth's reply."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Type what you spent, like “450 groceries yesterday”."})
    if problem := chat_text_problem(text):
        raise ValidationError({"text": problem})
    message = ChatMessage.objects.create(
        household=household, role=ChatMessage.Role.MEMBER, author=user, text=text
    )

    members = list(User.objects.filter(membership__household=household))
    categories = list(Category.objects.for_household(household).filter(archived=False))
    context = ParseContext(
        today=household.today(),
        speaker=user.name,
        members=[m.name for m in members],
        categories=[c.name for c in categories],
        currency=household.currency,
        decimal_comma=household.decimal_comma,
        month_first=household.month_first,
    )
    parser = parser_for(household)
    started = time.perf_counter()
    result = parser.parse_expenses(text, context)
    elapsed_ms = (time.perf_counter() - started) * 1000

    by_category = {c.name.lower(): c for c in categories}
    by_member = {m.name.lower(): m for m in members}
    reply = ChatMessage.objects.create(
        household=household, role=ChatMessage.Role.HEARTH, text="", reply_to=message
    )
    drafts = []
    for item in result.items:
        problems = list(item.problems)
        category = by_category.get((item.category or "").lower())
        if category is None:
            category = by_category.get("other")
            if item.category and item.category.lower() != "other":
                problems.append(problem_message("not_a_category", name=item.category))
        drafts.append(
            draft_create(
                household=household,
                user=user,
                data=DraftData(
                    amount=item.amount,
                    category=category,
                    date=item.date,
                    description=item.description,
                    paid_by=by_member.get((item.paid_by or "").lower(), user),
                    problems=problems,
                ),
                source=Source.CHAT,
                raw_text=text,
                chat_message=reply,
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
    if result.notice:
        reply.text = f"{result.notice} {reply.text}"
    reply.save(update_fields=["text", "updated_at"])
    publish(household, "chat", "drafts")
    return reply
