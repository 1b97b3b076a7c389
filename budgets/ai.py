"""The AI budget, checked before every paid provider call and settled after it.

``llmsettings.calls.call`` asks the guard registered in ``llmsettings.spend`` (`GUARD`, from
``BudgetsConfig.ready``) to reserve the most a call can cost before making it, and settles the
reservation with the real cost once the call's UsageRecord is written, in the same transaction.

A call's *path* is every AI budget whose filters match it — its member or none, its task or none,
and the same for each ancestor — whose period holds today: the household's limit and the matching
children. A reservation is made against the whole path or not at all: each budget on it must have
room for what its period's calls cost (UsageRecords), plus the reservations of calls still running,
plus this one. AI budgets are hard limits.

Two ways LiteLLM's budgets went wrong, and why they can't here:

* Concurrent calls that all pass the same check before any spend is recorded: `reserve` and
  `settle` both lock the household's AI budget rows (``SELECT … FOR UPDATE``, in pk order; on
  SQLite the IMMEDIATE transactions serialise writers), so each check sees every reservation made
  before it, and never a settle half done (the UsageRecord counted and its reservation too, or
  neither).
* Reservations that leak until the counter sits above real spend and refuses everyone: nothing is
  a running counter. Spend is always the sum of the UsageRecords; a reservation counts only while
  active and unexpired, a settled one not at all (its UsageRecord carries the cost), and one never
  settled (the process died mid-call) stops counting at `expires_at` and is marked expired by
  `reservations_expire`, at the start of every reserve and hourly (``budgets.tasks``). The books
  balance: reserved = settled + expired + active (``budgets.selectors.ai_reservation_books``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from babel.numbers import get_currency_precision
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from budgets.models import AIReservation, Budget
from budgets.selectors import BudgetStatus, ai_counts_call, ai_scope, in_period, period_of, statuses
from budgets.services import alerts_check
from households.live import publish
from households.models import Household
from households.money import format_money
from llmsettings.selectors import COST_ZERO
from llmsettings.spend import Hold, SpendRefused

# Longer than any call takes: three attempts of a provider's timeout, with backoff between them.
RESERVATION_TTL = timedelta(minutes=5)


def _locked_ai_budgets(household_id) -> list[Budget]:
    """The household's AI budgets, locked until the transaction ends (always in pk order, so two
    transactions never wait on each other's locks)."""
    return list(
        Budget.objects.filter(household_id=household_id, measure=Budget.Measure.AI_USAGE)
        .select_for_update()
        .order_by("pk")
    )


def call_path(budgets: list[Budget], *, user_id, task: str, on) -> list[Budget]:
    """The AI budgets a call by `user_id` for `task` on day `on` counts against."""
    by_id = {b.pk: b for b in budgets}
    return [
        b
        for b in budgets
        if ai_counts_call(b, by_id, user_id=user_id, task=task) and in_period(period_of(b, on, by_id), on)
    ]


def _reserved(household: Household, path_statuses: list[BudgetStatus], by_id: dict, now) -> dict:
    """What the calls still running hold on each budget of the path (one query)."""
    active = AIReservation.objects.for_household(household).filter(
        state=AIReservation.State.ACTIVE, expires_at__gt=now
    )
    sums = active.order_by().aggregate(
        **{
            str(s.budget.pk): Sum("amount", filter=ai_scope(household, s.budget, s.period, by_id))
            for s in path_statuses
        }
    )
    return {s.budget.pk: sums[str(s.budget.pk)] or COST_ZERO for s in path_statuses}


def _money(amount: Decimal, household: Household, rounding: str) -> str:
    """To the currency's smallest coin, rounded the safe way: what is left down, a cost up."""
    places = Decimal(1).scaleb(-get_currency_precision(household.currency))
    return format_money(amount.quantize(places, rounding=rounding), household)


def refusal(household: Household, status: BudgetStatus, left: Decimal, amount: Decimal) -> str:
    """Why a call is not made; completes "<Provider> …" (``ProviderError.reason``)."""
    budget = status.budget
    which = (
        "the household's AI budget"
        if budget.parent_id is None and not budget.has_filters
        else "the AI budget"
    )
    return (
        f"was not asked: {which} “{budget.name}” for {status.period.label} has "
        f"{_money(max(left, COST_ZERO), household, ROUND_FLOOR)} left, and this call could cost up to "
        f"{_money(amount, household, ROUND_CEILING)}"
    )


def reservations_expire(*, household: Household | None = None, now=None) -> int:
    """Mark the reservations whose call never reported back as expired (they stopped counting at
    their `expires_at` already): every household's, or one's. Returns how many."""
    rows = AIReservation.objects.filter(
        state=AIReservation.State.ACTIVE, expires_at__lte=now or timezone.now()
    )
    if household is not None:
        rows = rows.filter(household=household)
    return rows.update(state=AIReservation.State.EXPIRED, updated_at=timezone.now())


class BudgetGuard:
    """The ``llmsettings.spend.SpendGuard`` of the household's AI budgets."""

    def reserve(self, *, household: Household, user, task: str, amount: Decimal) -> Hold:
        refused = None
        with transaction.atomic():
            budgets = _locked_ai_budgets(household.pk)
            now = timezone.now()  # after the wait for the lock
            reservations_expire(household=household, now=now)
            on = household.today()
            path = call_path(budgets, user_id=getattr(user, "pk", None), task=task, on=on)
            if not path:  # no AI budget limits this call
                return Hold(id=None, amount=amount)
            by_id = {b.pk: b for b in budgets}
            path_statuses = statuses(household=household, budgets=path, on=on, all_budgets=budgets)
            reserved = _reserved(household, path_statuses, by_id, now)
            short = [
                (s.total - s.spent - reserved[s.budget.pk], s)
                for s in path_statuses
                if s.spent + reserved[s.budget.pk] + amount > s.total
            ]
            if short:
                left, status = min(short, key=lambda pair: pair[0])  # the tightest budget
                refused = refusal(household, status, left, amount)
            else:
                row = AIReservation.objects.create(
                    household=household,
                    user=user,
                    task=task,
                    amount=amount,
                    expires_at=now + RESERVATION_TTL,
                )
        if refused is not None:
            raise SpendRefused(refused)
        return Hold(id=row.pk, amount=amount)

    def settle(self, hold: Hold, *, cost: Decimal, usage_record) -> None:
        if hold.id is None:
            return
        with transaction.atomic():
            reservation = AIReservation.objects.select_related("household").filter(pk=hold.id).first()
            if reservation is None:
                return
            budgets = _locked_ai_budgets(reservation.household_id)  # waits for a reserve reading now
            now = timezone.now()
            AIReservation.objects.filter(pk=hold.id).update(
                state=AIReservation.State.SETTLED,
                cost=cost,
                usage_record=usage_record,
                settled_at=now,
                updated_at=now,
            )
            household = reservation.household
            if cost > 0 and budgets:
                on = household.today()
                path = call_path(budgets, user_id=reservation.user_id, task=reservation.task, on=on)
                alerts_check(household=household, dates=[on], measure=Budget.Measure.AI_USAGE)
                publish(household, *(f"budget-{b.pk}" for b in path))


GUARD = BudgetGuard()
