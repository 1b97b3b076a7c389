"""Writes on drafts: what the chat, a recurring rule or an import proposes, until a member
confirms it into an expense or discards it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from expenses import selectors
from expenses.models import (
    Category,
    DraftState,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
)
from expenses.services.learning import corrected, draft_description, words_learn
from expenses.services.ledger import (
    ExpenseData,
    check_member,
    expense_create,
    expense_fields_apply,
    ledger_change_announce,
)
from households.live import publish
from households.models import Household, User
from households.money import MESSAGES, proposed_amount
from households.problems import problem_message

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
        add(problem_message("no_date"))
    elif data.date < today - timedelta(days=366):
        add(problem_message("date_long_ago"))
    elif data.date > today + timedelta(days=31):
        add(problem_message("date_far_ahead"))
    if data.category is None:
        add(problem_message("no_category"))
    return problems


def draft_fields_apply(household: Household, draft: ExpenseDraft, data: DraftData) -> None:
    if data.category is not None and data.category.household_id != household.pk:
        data.category = None
    if data.paid_by is not None:
        check_member(household, data.paid_by)
    # An amount that can't be stored is left empty with the reason; the raw text keeps what was said.
    draft.amount, amount_problems = proposed_amount(data.amount)
    draft.category = data.category
    draft.date = data.date
    draft.description = draft_description(data.description)
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
    draft_fields_apply(household, draft, data)
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
    draft_fields_apply(household, draft, data)
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
        draft_fields_apply(household, draft, data)
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
    if corrected(draft):
        words_learn(
            household=household,
            user=user,
            drafts=[draft],
            categories=list(Category.objects.for_household(household)),
            members=list(User.objects.filter(membership__household=household)),
        )
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
            expense_fields_apply(
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
    words_learn(
        household=household,
        user=user,
        drafts=[draft for draft in confirmed if corrected(draft)],
        categories=list(categories.values()),
        members=list(members.values()),
    )
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
            ledger_change_announce(household, *sorted(dates))
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
