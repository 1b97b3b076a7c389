"""Writes on the ledger: categories, expenses, drafts. Each takes the household and the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from expenses import selectors
from expenses.models import (
    DEFAULT_CATEGORIES,
    Category,
    ChatMessage,
    DraftState,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
    Source,
)
from households.live import publish
from households.models import Household, Membership, User
from households.money import MESSAGES, AmountError, proposed_amount
from households.money import check_amount as _amount_rule
from llmsettings.parser import ParseContext

TRASH_DAYS = 30
LEDGER_TOPICS = ("expenses", "budgets", "dashboard")


def _ledger_changed(household: Household, *dates: date) -> None:
    """After a write that moves money: refresh every screen and raise the budget alerts it crossed."""
    from budgets.services import alerts_check

    publish(household, *LEDGER_TOPICS)
    alerts_check(household=household, dates=[d for d in dates if d is not None])


# ---------------------------------------------------------------- categories


@transaction.atomic
def categories_create_defaults(*, household: Household) -> None:
    """Give a household the default categories it lacks (safe to repeat)."""
    have = {n.lower() for n in Category.objects.for_household(household).values_list("name", flat=True)}
    Category.objects.bulk_create(
        Category(household=household, name=name, colour=colour)
        for name, colour in DEFAULT_CATEGORIES
        if name.lower() not in have
    )


def _check_category_name(household: Household, name: str, exclude=None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the category a name."})
    clash = Category.objects.for_household(household).filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a category called “{name}”."})
    return name


@transaction.atomic
def category_create(*, household: Household, user: User, name: str, colour: str) -> Category:
    category = Category(household=household, name=_check_category_name(household, name), colour=colour)
    category.full_clean(validate_unique=False, validate_constraints=False)
    category.save()
    publish(household, "categories")
    return category


@transaction.atomic
def category_update(
    *, household: Household, user: User, category: Category, name: str, colour: str
) -> Category:
    category.name = _check_category_name(household, name, exclude=category)
    category.colour = colour
    category.full_clean(validate_unique=False, validate_constraints=False)
    category.save(update_fields=["name", "colour", "updated_at"])
    publish(household, "categories", *LEDGER_TOPICS)
    return category


@transaction.atomic
def category_set_archived(
    *, household: Household, user: User, category: Category, archived: bool
) -> Category:
    category.archived = archived
    category.save(update_fields=["archived", "updated_at"])
    publish(household, "categories")
    return category


def _category_links():
    """Every foreign key to Category from a row the household owns (expenses, drafts, rules,
    budgets, and whatever points at a category next), read from the models, not listed by hand."""
    for relation in Category._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue  # only the reverse side of foreign keys pointing here
        model = relation.related_model
        if relation.many_to_many or _is_history(model):
            continue  # history rows keep naming the category they were written with
        yield model, relation.field.name


def _is_history(model) -> bool:
    return hasattr(model, "instance_type")  # simple-history's Historical* models


@transaction.atomic
def category_merge(*, household: Household, user: User, source: Category, target: Category) -> int:
    """Move everything that points at `source` to `target`, then remove `source`.

    Expenses, budgets and every other row with history get a history entry for the move;
    drafts and rules are moved in place. Returns how many expenses moved.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": "Pick a different category to merge into."})
    if source.household_id != household.pk or target.household_id != household.pk:
        raise ValidationError({"target": "Pick one of this household's categories."})
    reason = f"Category {source.name} merged into {target.name}"
    moved_expenses = 0
    for model, field_name in _category_links():
        rows = model._default_manager.filter(household=household, **{field_name: source})
        if hasattr(model, "history"):
            rows = list(rows)
            for row in rows:
                setattr(row, field_name, target)
                row._change_reason = reason
            bulk_update_with_history(rows, model, [field_name], batch_size=500, default_user=user)
            count = len(rows)
        else:
            count = rows.update(**{field_name: target})
        if model is Expense:
            moved_expenses = count
    source._history_user = user
    source._change_reason = reason
    source.delete()  # nothing points at it now; a link missed would be PROTECT's error, not a loss
    publish(household, "categories", *LEDGER_TOPICS)
    return moved_expenses


# ---------------------------------------------------------------- expenses


def check_amount(amount: Decimal | None, field_name: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """households.money's amount rule, as a ValidationError on `field_name`."""
    try:
        return _amount_rule(amount, allow_zero=allow_zero)
    except AmountError as exc:
        raise ValidationError({field_name: exc.message}, code=exc.code) from None


def _check_member(
    household: Household,
    user: User | None,
    field_name: str = "paid_by",
    *,
    kept_id=None,
    members=None,
) -> None:
    """`user` must be a member now, unless it is `kept_id`: the former member a row already names.
    `members`, the ids of the household's members loaded once, spares a query per row in bulk."""
    if user is None or user.pk == kept_id:
        return
    if members is not None:
        known = user.pk in members
    else:
        known = Membership.objects.filter(household=household, user=user).exists()
    if not known:
        raise ValidationError({field_name: "Pick a member of this household."})


def _check_category(household: Household, category: Category | None) -> None:
    if category is None or category.household_id != household.pk:
        raise ValidationError({"category": "Pick one of this household's categories."})


@dataclass
class ExpenseData:
    """The fields a person (or a draft) gives an expense."""

    amount: Decimal
    category: Category
    date: date
    description: str = ""
    status: str = ExpenseStatus.PAID
    due_date: date | None = None
    paid_by: User | None = None
    extra: dict = field(default_factory=dict)  # occasion, recipient, stage… (the budgets app's fields)


def _apply(household: Household, expense: Expense, data: ExpenseData, *, members=None) -> None:
    _check_category(household, data.category)
    _check_member(household, data.paid_by, kept_id=expense.paid_by_id, members=members)
    if data.status not in ExpenseStatus.values:
        raise ValidationError({"status": "Choose planned or paid."})
    expense.amount = check_amount(data.amount)
    expense.category = data.category
    expense.date = data.date
    expense.description = " ".join((data.description or "").split())[:200]
    expense.status = data.status
    expense.due_date = data.due_date if data.status == ExpenseStatus.PLANNED else None
    expense.paid_by = data.paid_by
    for name, value in data.extra.items():
        setattr(expense, name, value)


@transaction.atomic
def expense_create(
    *, household: Household, user: User, data: ExpenseData, source: str = Source.MANUAL
) -> Expense:
    expense = Expense(household=household, currency=household.currency, logged_by=user, source=source)
    _apply(household, expense, data)
    expense.full_clean(exclude=["household", "logged_by"], validate_constraints=False)
    expense._history_user = user
    expense.save()
    _ledger_changed(household, expense.date)
    return expense


@transaction.atomic
def expense_update(*, household: Household, user: User, expense: Expense, data: ExpenseData) -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk, household=household)
    previous_date = expense.date
    _apply(household, expense, data)
    expense.full_clean(exclude=["household", "logged_by"], validate_constraints=False)
    expense._history_user = user
    expense.save()
    _ledger_changed(household, previous_date, expense.date)
    return expense


@transaction.atomic
def expense_mark_paid(*, household: Household, user: User, expense: Expense) -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk, household=household)
    if expense.status != ExpenseStatus.PAID:
        expense.status = ExpenseStatus.PAID
        expense.due_date = None
        if expense.stage in ("idea", "to_buy"):  # a gift-board item that is paid has been bought
            expense.stage = "bought"
        expense._history_user = user
        expense.save(update_fields=["status", "due_date", "stage", "updated_at"])
        _ledger_changed(household, expense.date)
    return expense


@transaction.atomic
def expense_delete(*, household: Household, user: User, expense: Expense) -> Expense:
    """Move an expense to the trash (restorable for TRASH_DAYS days)."""
    expense = Expense.objects.select_for_update().get(pk=expense.pk, household=household)
    if expense.deleted_at is None:
        expense.deleted_at = timezone.now()
        expense._history_user = user
        expense._change_reason = "Moved to trash"
        expense.save(update_fields=["deleted_at", "updated_at"])
        publish(household, *LEDGER_TOPICS)
    return expense


@transaction.atomic
def expense_restore(*, household: Household, user: User, expense: Expense) -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk, household=household)
    if expense.deleted_at is not None:
        expense.deleted_at = None
        expense._history_user = user
        expense._change_reason = "Restored from trash"
        expense.save(update_fields=["deleted_at", "updated_at"])
        _ledger_changed(household, expense.date)
    return expense


def trash_purge(*, now=None) -> int:
    """Delete for good what has been in the trash for TRASH_DAYS days; nothing else."""
    cutoff = (now or timezone.now()) - timedelta(days=TRASH_DAYS)
    doomed = Expense.objects.filter(deleted_at__lt=cutoff)
    ExpenseDraft.objects.filter(Q(expense__in=doomed) | Q(duplicate_of__in=doomed)).update(
        expense=None, duplicate_of=None
    )
    count, _ = doomed.delete()
    return count


# ---------------------------------------------------------------- drafts


@dataclass
class DraftData:
    """What a provider, a rule or an import proposes. Any field may be missing."""

    amount: Decimal | None = None
    category: Category | None = None
    date: date | None = None
    description: str = ""
    status: str = ExpenseStatus.PAID
    due_date: date | None = None
    paid_by: User | None = None
    problems: list[str] = field(default_factory=list)


def _draft_problems(household: Household, data: DraftData, amount_problems: list[str]) -> list[str]:
    """Validate a draft like user input; every problem is named, nothing is dropped."""
    problems = list(dict.fromkeys(data.problems))

    def add(problem: str) -> None:
        if problem not in problems:
            problems.append(problem)

    if not (data.amount is None and set(problems) & set(MESSAGES.values())):  # said once is enough
        for problem in amount_problems:
            add(problem)
    today = household.today()
    if data.date is None:
        add("No date: check it.")
    elif data.date < today - timedelta(days=366):
        add("The date is more than a year ago: check it.")
    elif data.date > today + timedelta(days=31):
        add("The date is more than a month ahead: check it.")
    if data.category is None:
        add("No category: pick one.")
    return problems


def _draft_apply(household: Household, draft: ExpenseDraft, data: DraftData) -> None:
    if data.category is not None and data.category.household_id != household.pk:
        data.category = None
    if data.paid_by is not None:
        _check_member(household, data.paid_by)
    # An amount that can't be stored is left empty with the reason; the raw text keeps what was said.
    draft.amount, amount_problems = proposed_amount(data.amount)
    draft.category = data.category
    draft.date = data.date
    draft.description = " ".join((data.description or "").split())[:200]
    draft.status = data.status if data.status in ExpenseStatus.values else ExpenseStatus.PAID
    draft.due_date = data.due_date if draft.status == ExpenseStatus.PLANNED else None
    draft.paid_by = data.paid_by
    draft.problems = _draft_problems(household, data, amount_problems)


@transaction.atomic
def draft_create(
    *,
    household: Household,
    user: User | None,
    data: DraftData,
    source: str,
    raw_text: str = "",
    **links,
) -> ExpenseDraft:
    """Propose an expense. `links` are rule/occurrence_date, import_batch/import_row, duplicate_of…"""
    draft = ExpenseDraft(household=household, source=source, raw_text=raw_text, created_by=user, **links)
    _draft_apply(household, draft, data)
    draft.save()
    publish(household, "drafts")
    return draft


def _locked_draft(household: Household, draft: ExpenseDraft) -> ExpenseDraft:
    return ExpenseDraft.objects.select_for_update().get(pk=draft.pk, household=household)


class DraftNotPending(ValidationError):
    pass


def _require_pending(draft: ExpenseDraft) -> None:
    if draft.state == DraftState.CONFIRMED:
        raise DraftNotPending("This draft was already confirmed; nothing new was saved.")
    if draft.state == DraftState.DISCARDED:
        raise DraftNotPending("This draft was discarded; nothing was saved.")


@transaction.atomic
def draft_update(*, household: Household, user: User, draft: ExpenseDraft, data: DraftData) -> ExpenseDraft:
    draft = _locked_draft(household, draft)
    _require_pending(draft)
    _draft_apply(household, draft, data)
    draft.save()
    publish(household, "drafts")
    return draft


@transaction.atomic
def draft_confirm(
    *, household: Household, user: User, draft: ExpenseDraft, data: DraftData | None = None
) -> Expense:
    """Turn a pending draft into exactly one expense. A second confirm creates nothing."""
    draft = _locked_draft(household, draft)
    _require_pending(draft)
    if data is not None:
        _draft_apply(household, draft, data)
    expense = expense_create(
        household=household,
        user=user,
        data=ExpenseData(
            amount=draft.amount,
            category=draft.category,
            date=draft.date or household.today(),
            description=draft.description,
            status=draft.status,
            due_date=draft.due_date,
            paid_by=draft.paid_by,
        ),
        source=draft.source,
    )
    draft.state = DraftState.CONFIRMED
    draft.expense = expense
    draft.save()
    publish(household, "drafts")
    return expense


@transaction.atomic
def draft_discard(*, household: Household, user: User, draft: ExpenseDraft) -> ExpenseDraft:
    draft = _locked_draft(household, draft)
    _require_pending(draft)
    draft.state = DraftState.DISCARDED
    draft.save(update_fields=["state", "updated_at"])
    publish(household, "drafts")
    return draft


CONFIRM_BATCH = 200  # drafts per transaction when many are confirmed at once


def _confirm_batch(household: Household, user: User, ids, categories: dict, members: dict) -> list[date]:
    """Confirm the drafts `ids` that are still ready, in one transaction with their rows locked.

    A draft that an expense can't be made from keeps its state and gets the reason as a problem,
    so it leaves the ready set and waits for a person. Returns the dates of the expenses made.
    """
    now = timezone.now()
    drafts = list(
        selectors.ready_drafts(ExpenseDraft.objects.for_household(household))
        .select_for_update()
        .filter(pk__in=ids)
        .order_by("created_at")
    )
    made, confirmed, flagged = [], [], []
    for draft in drafts:
        expense = Expense(
            household=household, currency=household.currency, logged_by=user, source=draft.source
        )
        paid_by = members.get(draft.paid_by_id) if draft.paid_by_id else None
        try:
            if draft.paid_by_id and paid_by is None:
                raise ValidationError({"paid_by": "Who paid is no longer a member: pick who paid."})
            _apply(
                household,
                expense,
                ExpenseData(
                    amount=draft.amount,
                    category=categories.get(draft.category_id),
                    date=draft.date or household.today(),
                    description=draft.description,
                    status=draft.status,
                    due_date=draft.due_date,
                    paid_by=paid_by,
                ),
                members=members,
            )
            expense.full_clean(
                exclude=["household", "logged_by", "category", "paid_by"], validate_constraints=False
            )
        except ValidationError as exc:
            draft.problems = list(dict.fromkeys([*draft.problems, *exc.messages]))
            draft.updated_at = now
            flagged.append(draft)
            continue
        draft.state, draft.expense, draft.updated_at = DraftState.CONFIRMED, expense, now
        made.append(expense)
        confirmed.append(draft)
    bulk_create_with_history(made, Expense, default_user=user)
    ExpenseDraft.objects.bulk_update(confirmed, ["state", "expense", "updated_at"])
    ExpenseDraft.objects.bulk_update(flagged, ["problems", "updated_at"])
    return [expense.date for expense in made]


def drafts_confirm_ready(*, household: Household, user: User, drafts) -> int:
    """Confirm every ready draft of the queryset `drafts`, however many, and leave the rest.

    Works CONFIRM_BATCH drafts at a time, each batch its own transaction holding only its own row
    locks, so memory and lock time stay bounded and a batch that is saved stays saved. Each draft
    is locked and re-read as pending before it becomes exactly one expense: a second submit, or a
    confirm of the same draft running at the same time, makes nothing new. Budget alerts are
    checked and screens told once, at the end. Returns how many expenses were made.
    """
    categories = {c.pk: c for c in Category.objects.for_household(household)}
    members = {m.pk: m for m in User.objects.filter(membership__household=household)}
    ready = selectors.ready_drafts(drafts.filter(household=household)).order_by("created_at")
    dates: set[date] = set()
    saved = 0
    while ids := list(ready.values_list("pk", flat=True)[:CONFIRM_BATCH]):
        with transaction.atomic():
            made = _confirm_batch(household, user, ids, categories, members)
        saved += len(made)
        dates.update(made)
    if saved:
        with transaction.atomic():
            _ledger_changed(household, *sorted(dates))
            publish(household, "drafts")
    return saved


@transaction.atomic
def drafts_discard(*, household: Household, user: User, drafts) -> int:
    """Discard every pending draft of the queryset `drafts` in one statement.

    Nothing is deleted: a discarded draft keeps its text and fields and can be restored. Only rows
    still pending are touched, so a draft confirmed meanwhile stays confirmed. Returns the count.
    """
    count = (
        ExpenseDraft.objects.for_household(household)
        .filter(state=DraftState.PENDING, pk__in=drafts.filter(household=household).values("pk"))
        .update(state=DraftState.DISCARDED, updated_at=timezone.now())
    )
    if count:
        publish(household, "drafts")
    return count


@transaction.atomic
def drafts_restore(*, household: Household, user: User, drafts) -> int:
    """Bring discarded drafts of the queryset `drafts` back to the inbox. Returns the count."""
    count = (
        ExpenseDraft.objects.for_household(household)
        .filter(state=DraftState.DISCARDED, pk__in=drafts.filter(household=household).values("pk"))
        .update(state=DraftState.PENDING, updated_at=timezone.now())
    )
    if count:
        publish(household, "drafts")
    return count


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
    from households.templatetags.hearth import format_money

    amount = format_money(draft.amount, household) if draft.amount is not None else "no amount"
    what = draft.description or (draft.category.name.lower() if draft.category else "expense")
    return f"{amount} {what}"


@transaction.atomic
def chat_message_post(*, household: Household, user: User, text: str) -> ChatMessage:
    """Keep the member's message, parse it into drafts, and reply. Returns Hearth's reply."""
    import time

    from llmsettings.models import ParseLog
    from llmsettings.providers import parser_for

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
                problems.append(f"“{item.category}” is not one of your categories: check it.")
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
