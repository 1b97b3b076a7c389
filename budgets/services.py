"""Writes on budgets, and the threshold alerts that ledger writes raise."""

from __future__ import annotations

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from simple_history.utils import bulk_update_with_history

from budgets.models import AI_TASKS, Budget, BudgetAlert
from budgets.selectors import root_of, statuses
from expenses.models import Recipient
from expenses.services import check_amount
from households.live import publish
from households.models import Household, Membership, Role, User
from households.money import format_money

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
WIDE = Context(prec=60)


def _check_owned(household: Household, **objects) -> None:
    for field_name, obj in objects.items():
        if obj is not None and obj.household_id != household.pk:
            raise ValidationError({field_name: "Pick one of this household's."})


def _check_thresholds(thresholds) -> list[int]:
    try:
        values = sorted({int(t) for t in thresholds})
    except (TypeError, ValueError):
        raise ValidationError(
            {"thresholds": "Thresholds are whole percentages, like 50, 75, 90, 100."}
        ) from None
    if not values or any(t < 1 or t > 1000 for t in values):
        raise ValidationError({"thresholds": "Thresholds are whole percentages from 1 to 1000."})
    return values


EXPENSE_FILTERS = ("category", "recipient", "occasion")
NOT_FOR_AI = "An AI usage budget counts provider calls, not expenses: leave this empty."


def _check_measure(budget: Budget, fields: dict) -> None:
    """What a budget counts decides which filters it may have, and where it may sit: an AI budget
    filters by member and task only, and an AI tree holds AI budgets only."""
    parent = fields.get("parent", budget.parent if budget.parent_id else None)
    measure = fields.get("measure") or budget.measure
    if parent is not None and parent.is_ai:
        measure = Budget.Measure.AI_USAGE  # a sub-budget counts what its parent counts
    elif parent is not None and measure == Budget.Measure.AI_USAGE:
        raise ValidationError({"parent": "An AI usage budget can sit only inside another AI usage budget."})
    if measure not in Budget.Measure.values:
        raise ValidationError({"measure": "Choose expenses or AI usage cost."})
    if budget.pk and measure != budget.measure and Budget.objects.filter(parent_id=budget.pk).exists():
        has_children = "This budget has sub-budgets: what it counts can't change. Move or delete them first."
        raise ValidationError({"measure": has_children})
    if measure == Budget.Measure.AI_USAGE:
        errors = {
            name: NOT_FOR_AI
            for name in EXPENSE_FILTERS
            if fields.get(name, getattr(budget, name) if budget.pk else None) is not None
        }
        if errors:
            raise ValidationError(errors)
        task = fields.get("ai_task", budget.ai_task) or ""
        if task and task not in {value for value, _ in AI_TASKS}:
            raise ValidationError({"ai_task": "Choose chat, analysis, or any task."})
        fields["ai_task"] = task
    elif fields.get("ai_task", budget.ai_task):
        raise ValidationError({"ai_task": "Only an AI usage budget counts calls by task: leave this empty."})
    fields["measure"] = measure


def _apply(household: Household, budget: Budget, fields: dict) -> None:
    parent = fields.get("parent")
    _check_owned(
        household,
        parent=parent,
        category=fields.get("category"),
        recipient=fields.get("recipient"),
        occasion=fields.get("occasion"),
    )
    member = fields.get("member")
    if (
        member is not None
        and member.pk != budget.member_id  # a former member the budget already counts stays
        and not Membership.objects.filter(household=household, user=member).exists()
    ):
        raise ValidationError({"member": "Pick a member of this household."})
    fields["amount"] = check_amount(fields.get("amount"), allow_zero=True)
    _check_measure(budget, fields)
    if budget.pk and parent is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == budget.pk:
                raise ValidationError({"parent": "A budget cannot sit inside itself."})
            ancestor = ancestor.parent
    for name, value in fields.items():
        setattr(budget, name, value)
    budget.name = " ".join(budget.name.split())
    if not budget.name:
        raise ValidationError({"name": "Give the budget a name."})
    budget.thresholds = _check_thresholds(budget.thresholds)
    if parent is not None:  # a child takes its parent's period
        budget.period, budget.start_date, budget.end_date = parent.period, parent.start_date, parent.end_date
    elif budget.period != Budget.Period.ONCE:
        budget.start_date = budget.end_date = None
    budget.full_clean(exclude=["household"], validate_constraints=False)


@transaction.atomic
def budget_create(*, household: Household, user: User, **fields) -> Budget:
    budget = Budget(household=household)
    fields.setdefault("thresholds", [50, 75, 90, 100])
    _apply(household, budget, fields)
    budget._history_user = user
    budget.save()
    publish(household, "budgets", "dashboard")
    return budget


@transaction.atomic
def budget_update(*, household: Household, user: User, budget: Budget, **fields) -> Budget:
    budget = Budget.objects.select_for_update().get(pk=budget.pk, household=household)
    _apply(household, budget, fields)
    budget._history_user = user
    budget.save()
    # Children follow their parent's period.
    for child in Budget.objects.for_household(household).filter(parent=budget):
        if (child.period, child.start_date, child.end_date) != (
            budget.period,
            budget.start_date,
            budget.end_date,
        ):
            child.period, child.start_date, child.end_date = budget.period, budget.start_date, budget.end_date
            child.save(update_fields=["period", "start_date", "end_date", "updated_at"])
    publish(household, "budgets", f"budget-{budget.pk}", "dashboard")
    return budget


@transaction.atomic
def budget_delete(*, household: Household, user: User, budget: Budget) -> list[Budget]:
    """Delete one budget. Expenses are never touched, its alerts stay (they keep its name), and
    its sub-budgets move up to its parent (or to the top level), with history; returns them."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk, household=household)
    children = list(Budget.objects.for_household(household).filter(parent=budget))
    for child in children:
        child.parent = budget.parent
        child._change_reason = f"Moved up: the budget “{budget.name}” it sat in was deleted"
    bulk_update_with_history(children, Budget, ["parent"], default_user=user)
    budget_id = budget.pk
    budget._history_user = user
    budget.delete()
    publish(household, "budgets", f"budget-{budget_id}", "dashboard", "alerts")
    return children


@transaction.atomic
def recipient_create(*, household: Household, user: User, name: str, relationship: str = "") -> Recipient:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the person a name."})
    if Recipient.objects.for_household(household).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{name} is already on your list."})
    recipient = Recipient.objects.create(household=household, name=name, relationship=relationship.strip())
    publish(household, "recipients")
    return recipient


# ---------------------------------------------------------------- alerts


def _period_key(status) -> date:
    return status.period.start or status.budget.created_at.date()


def _period_label(status) -> str:
    """How an alert names the period it is about: the month, the year, the occasion (with its
    date) or the dates of a one-off budget — a sub-budget's period is its root's."""
    root = root_of(status.budget, status.by_id)
    if root.period == Budget.Period.ONCE and root.occasion_id:
        occasion = root.occasion
        return f"{occasion.name} ({occasion.date:%-d %b %Y})"
    return status.period.label


def alerts_check(*, household: Household, dates, measure: str = Budget.Measure.EXPENSES) -> list[BudgetAlert]:
    """Raise one alert per budget whose use crossed a threshold in the periods of `dates`: at the
    highest threshold it has reached, and only above what the period has already raised (one
    expense that takes a budget past 50 % and 75 % raises "75 %", once; falling back under and
    crossing again raises nothing new). Each alert names its period and is unread for every
    member of the household at that moment.

    `measure` says which budgets: the expense budgets after a ledger write, the AI budgets after
    a provider call was settled (``budgets.ai``).

    Each (budget, period, threshold) is raised once, however concurrently: the unique constraint
    decides, and a losing insert is simply skipped.
    """
    budgets = list(Budget.objects.for_household(household).filter(measure=measure).select_related("occasion"))
    if not budgets:
        return []
    raised = []
    for day in sorted(set(dates)):
        found = [
            s
            for s in statuses(household=household, budgets=budgets, on=day)
            if (s.total > 0 or s.used > 0) and any(s.percent >= t for t in s.budget.thresholds)
        ]
        if not found:
            continue
        raised_before = {
            (row["budget_id"], row["period_start"]): row["top"]
            for row in BudgetAlert.objects.filter(budget__in=[s.budget for s in found])
            .values("budget_id", "period_start")
            .annotate(top=Max("threshold"))
            .order_by()
        }
        for status in found:
            period_start = _period_key(status)
            threshold = max(t for t in status.budget.thresholds if status.percent >= t)
            if threshold <= raised_before.get((status.budget.pk, period_start), 0):
                continue
            try:
                with transaction.atomic():
                    alert, created = BudgetAlert.objects.get_or_create(
                        household=household,
                        budget=status.budget,
                        period_start=period_start,
                        threshold=threshold,
                        # An AI budget's use is in millionths: kept to the cent, as alerts are.
                        defaults={
                            "used": status.used.quantize(CENT, rounding=ROUND_HALF_UP, context=WIDE),
                            "total": status.total,
                            "period_label": _period_label(status),
                        },
                    )
            except IntegrityError:
                continue
            if created:
                raised.append((alert, status))
    if raised:
        members = list(Membership.objects.for_household(household).values_list("user_id", flat=True))
        Unread = BudgetAlert.unread_by.through
        Unread.objects.bulk_create(
            [Unread(budgetalert_id=alert.pk, user_id=user_id) for alert, _ in raised for user_id in members]
        )
        _notify(household, raised)
        publish(household, "alerts")
    return [alert for alert, _ in raised]


def _notify(household: Household, raised) -> None:
    admins = list(
        User.objects.filter(membership__household=household, membership__role=Role.ADMIN).values_list(
            "email", flat=True
        )
    )
    if not admins:
        return
    lines = [
        f"{alert.message}: {format_money(status.used, household)} of {format_money(status.total, household)}."
        for alert, status in raised
    ]
    top = max(raised, key=lambda pair: pair[0].threshold)
    subject = f"Hearth: {top[1].budget.name} budget reached {top[0].threshold}%"
    body = "\n".join(lines) + "\n\nOpen Hearth to see the budget and what is behind it.\n"

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, admins)
        except OSError:
            logger.exception("Could not email the budget alert to %s", admins)

    transaction.on_commit(send, robust=True)


@transaction.atomic
def alerts_mark_read(*, household: Household, user: User, alert: BudgetAlert | None = None) -> int:
    """Mark `alert` (or, without one, every alert of the household) read for `user` alone: the
    other members' unread alerts stay unread. Returns how many were unread."""
    unread = BudgetAlert.unread_by.through.objects.filter(user_id=user.pk, budgetalert__household=household)
    if alert is not None:
        _check_owned(household, alert=alert)
        unread = unread.filter(budgetalert_id=alert.pk)
    count, _ = unread.delete()
    if count:
        publish(household, "alerts")
    return count
