"""Writes on expenses: create, change, mark paid, trash and restore; the rules an expense's
fields follow (amount, member, category); and the announcement every write that moves money makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from expenses.models import (
    Category,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
    Source,
    Stage,
)
from expenses.signals import ledger_changed
from households.live import publish
from households.models import Household, Membership, User
from households.money import AmountError
from households.money import check_amount as _amount_rule

TRASH_DAYS = 30
LEDGER_TOPICS = ("expenses", "budgets", "dashboard")


def ledger_change_announce(household: Household, *dates: date) -> None:
    """After a write that moves money: refresh every screen and say so (budgets raise the alerts it
    crossed)."""
    publish(household, *LEDGER_TOPICS)
    ledger_changed.send(sender=Expense, household=household, dates=[d for d in dates if d is not None])


# ---------------------------------------------------------------- expenses


def check_amount(amount: Decimal | None, field_name: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """households.money's amount rule, as a ValidationError on `field_name`."""
    try:
        return _amount_rule(amount, allow_zero=allow_zero)
    except AmountError as exc:
        raise ValidationError({field_name: exc.message}, code=exc.code) from None


def check_member(
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


def check_category(household: Household, category: Category | None) -> None:
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


def expense_fields_apply(household: Household, expense: Expense, data: ExpenseData, *, members=None) -> None:
    check_category(household, data.category)
    check_member(household, data.paid_by, kept_id=expense.paid_by_id, members=members)
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
    expense_fields_apply(household, expense, data)
    expense.full_clean(exclude=["household", "logged_by"], validate_constraints=False)
    expense._history_user = user
    expense.save()
    ledger_change_announce(household, expense.date)
    return expense


@transaction.atomic
def expense_update(*, household: Household, user: User, expense: Expense, data: ExpenseData) -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk, household=household)
    previous_date = expense.date
    expense_fields_apply(household, expense, data)
    expense.full_clean(exclude=["household", "logged_by"], validate_constraints=False)
    expense._history_user = user
    expense.save()
    ledger_change_announce(household, previous_date, expense.date)
    return expense


@transaction.atomic
def expense_mark_paid(*, household: Household, user: User, expense: Expense) -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk, household=household)
    if expense.status != ExpenseStatus.PAID:
        expense.status = ExpenseStatus.PAID
        expense.due_date = None
        expense.stage = Stage.moved_to(expense.stage, expense.status)  # a paid gift has been bought
        expense._history_user = user
        expense.save(update_fields=["status", "due_date", "stage", "updated_at"])
        ledger_change_announce(household, expense.date)
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
        ledger_change_announce(household, expense.date)
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
