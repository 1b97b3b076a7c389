"""Every number a page shows comes from here, so the dashboard, the meters and the chat agree.

Each function takes the household and typed parameters, computes in the database, and costs a
constant number of queries whatever the number of expenses.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import CharField, Count, Sum
from django.db.models.functions import Cast, Substr

from budgets.selectors import budget_tree
from expenses.models import Category, Expense, Occasion, due_soon_q, overdue_q
from expenses.selectors import spend_totals
from households.models import Household, User
from households.money import ZERO
from households.periods import (
    Period,
    month_in_progress,
    month_period,
    previous_month,
    same_days_month_before,
    shift_months,
)

HUNDRED = Decimal("100")


def _ledger(household: Household):
    return Expense.objects.for_household(household).alive()


def _in(period: Period):
    return period.q()


def total_for_period(*, household: Household, period: Period) -> dict:
    """Paid, planned and how many, for a period."""
    return spend_totals(_ledger(household).filter(_in(period)))


def _share(amount: Decimal, whole: Decimal) -> Decimal:
    return (amount * HUNDRED / whole).quantize(Decimal("0.1")) if whole > 0 else Decimal("0.0")


@dataclass
class Slice:
    key: str  # the id behind the slice (category or member pk), for links
    label: str
    amount: Decimal
    percent: Decimal
    colour: str = ""


def spend_by_category(
    *, household: Household, period: Period, limit: int | None = None, member: User | None = None
) -> list[Slice]:
    """Paid spending per category, largest first (only what `member` paid, when given)."""
    ledger = _ledger(household).paid().filter(_in(period))
    if member is not None:
        ledger = ledger.filter(paid_by=member)
    rows = list(
        ledger.values("category_id", "category__name", "category__colour")
        .annotate(total=Sum("amount"))
        .order_by("-total", "category__name")
    )
    whole = sum((r["total"] for r in rows), ZERO)
    slices = [
        Slice(
            str(r["category_id"]),
            r["category__name"],
            r["total"],
            _share(r["total"], whole),
            r["category__colour"],
        )
        for r in rows
    ]
    return slices[:limit] if limit else slices


def spend_by_member(*, household: Household, period: Period) -> list[Slice]:
    """Paid spending per member who paid, largest first (members who paid nothing included)."""
    rows = {
        r["paid_by_id"]: r["total"]
        for r in _ledger(household)
        .paid()
        .filter(_in(period))
        .values("paid_by_id")
        .annotate(total=Sum("amount"))
    }
    members = list(User.objects.filter(membership__household=household).order_by("name"))
    whole = sum(rows.values(), ZERO)
    slices = [
        Slice(str(m.pk), m.name, rows.get(m.pk, ZERO), _share(rows.get(m.pk, ZERO), whole)) for m in members
    ]
    # What people who left paid (removed, account deleted, or no one linked) stays in the picture.
    current = {m.pk for m in members}
    former = sum((total for pk, total in rows.items() if pk not in current), ZERO)
    if former:
        slices.append(Slice("", "Former members", former, _share(former, whole)))
    return sorted(slices, key=lambda s: (-s.amount, s.label))


@dataclass
class MonthTotal:
    month: date
    amount: Decimal

    @property
    def period(self) -> Period:
        return month_period(self.month)


def monthly_trend(
    *, household: Household, last_month: date, months: int = 12, category: Category | None = None
) -> list[MonthTotal]:
    """Paid spending per month for the `months` months ending with `last_month` (zeros included),
    on one `category` when given.

    One query grouped by "YYYY-MM" (the date cast to text on every database), over an index range
    scan by date; no per-row date function that SQLite would have to call back into Python for.
    """
    first = shift_months(last_month.replace(day=1), -(months - 1))
    end = month_period(last_month).end
    ledger = _ledger(household).paid().filter(date__gte=first, date__lte=end)
    if category is not None:
        ledger = ledger.filter(category=category)
    rows = (
        ledger.annotate(month=Substr(Cast("date", output_field=CharField()), 1, 7))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = {row["month"]: row["total"] for row in rows}
    starts = [shift_months(first, i) for i in range(months)]
    return [MonthTotal(start, totals.get(start.strftime("%Y-%m"), ZERO)) for start in starts]


@dataclass
class Comparison:
    this: Decimal
    last: Decimal
    this_label: str
    last_label: str
    partial: bool = False  # a month in progress, against the same days of the month before
    last_period: Period | None = None

    @property
    def change(self) -> Decimal:
        return self.this - self.last

    @property
    def change_percent(self) -> Decimal | None:
        if self.last == 0:
            return None
        return (self.change * HUNDRED / self.last).quantize(Decimal("0.1"))


def compare_periods(*, household: Household, this: Period, last: Period) -> Comparison:
    """Paid totals of two periods, in one query."""
    ledger = _ledger(household).paid()
    if this.start and last.start and this.end and last.end:  # bound the scan to the two periods
        ledger = ledger.filter(date__gte=min(this.start, last.start), date__lte=max(this.end, last.end))
    sums = ledger.aggregate(
        this=Sum("amount", filter=_in(this)),
        last=Sum("amount", filter=_in(last)),
    )
    return Comparison(sums["this"] or ZERO, sums["last"] or ZERO, this.label, last.label)


def month_over_month(*, household: Household, month: date) -> Comparison:
    """A month against the month before. A month in progress is `partial`: what it has paid so far
    against the same days of the month before ("by 4 Nov"), never against a whole month."""
    this, today = month_period(month), household.today()
    partial = month_in_progress(month, today)
    last = same_days_month_before(today) if partial else month_period(previous_month(month))
    comparison = compare_periods(household=household, this=this, last=last)
    comparison.partial, comparison.last_period = partial, last
    return comparison


def largest_expenses(*, household: Household, period: Period, limit: int = 5):
    return list(
        _ledger(household)
        .paid()
        .filter(_in(period))
        .select_related("category", "paid_by")
        .order_by("-amount")[:limit]
    )


def average_daily_spend(*, household: Household, period: Period) -> dict:
    """Paid total divided by the days of the period that have passed (all of them for a past period)."""
    today = household.today()
    start = period.start
    if start is None:
        first = _ledger(household).paid().order_by("date").values_list("date", flat=True).first()
        start = first or today
    end = min(period.end or today, today)
    days = max(1, (end - start).days + 1) if end >= start else 1
    total = total_for_period(household=household, period=Period(start, period.end, period.label))["paid"]
    return {"total": total, "days": days, "average": (total / days).quantize(Decimal("0.01"))}


def upcoming_payments(*, household: Household, days: int = 14, limit: int = 8):
    """Planned payments due from today to `days` ahead, soonest first (the first `limit`)."""
    today = household.today()
    return list(
        _ledger(household)
        .planned()
        .due_soon(today, days)
        .select_related("category", "paid_by")
        .order_by("due_date", "-amount")[:limit]
    )


def overdue_payments(*, household: Household, limit: int = 8):
    """Planned payments past their due date, oldest first (the first `limit`)."""
    today = household.today()
    return list(
        _ledger(household).overdue(today).select_related("category", "paid_by").order_by("due_date")[:limit]
    )


def due_counts(*, household: Household, days: int = 14) -> dict:
    """How many planned payments are overdue and due soon, and their totals, in one query."""
    today = household.today()
    soon, late = due_soon_q(today, days), overdue_q(today)
    sums = (
        _ledger(household)
        .planned()
        .filter(due_date__isnull=False, due_date__lte=today + timedelta(days=days))
        .aggregate(
            overdue=Count("id", filter=late),
            overdue_total=Sum("amount", filter=late),
            upcoming=Count("id", filter=soon),
            upcoming_total=Sum("amount", filter=soon),
        )
    )
    return {
        "overdue": sums["overdue"],
        "overdue_total": sums["overdue_total"] or ZERO,
        "upcoming": sums["upcoming"],
        "upcoming_total": sums["upcoming_total"] or ZERO,
    }


def due_soon_payments(*, household: Household, days: int = 14, limit: int = 8):
    """Planned payments overdue or due from today to `days` ahead (the dashboard's two rules
    together), by due date, the oldest overdue first (the first `limit`)."""
    today = household.today()
    return list(
        _ledger(household)
        .filter(overdue_q(today) | due_soon_q(today, days))
        .select_related("category", "paid_by")
        .order_by("due_date", "-amount")[:limit]
    )


def occasion_spend(*, household: Household, occasion: Occasion) -> dict:
    """Paid, planned and how many, of the expenses tagged with `occasion` (whatever their date)."""
    return spend_totals(_ledger(household).filter(occasion=occasion))


def recent_expenses(*, household: Household, limit: int = 8):
    # Prefetched, not joined: with a join SQLite's planner sorts the whole ledger instead of
    # walking the date index.
    # What happened: a payment planned for later is not recent (it is in "Needs attention").
    return list(
        _ledger(household)
        .filter(date__lte=household.today())
        .prefetch_related("category", "paid_by")
        .order_by("-date", "-created_at")[:limit]
    )


def budget_statuses(*, household: Household, on: date):
    """The budget meters, through the budgets selector (the same numbers as /budgets/)."""
    return budget_tree(household=household, on=on)
