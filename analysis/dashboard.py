"""The dashboard at /: where the money went this month, from analysis.selectors only."""

from datetime import date
from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.http import require_GET

from analysis import selectors
from expenses.models import ExpenseStatus
from expenses.selectors import ExpenseFilter
from households.access import wants_fragment
from households.money import ZERO
from households.periods import month_param, month_period
from households.selectors import first_run_steps


def _chosen_month(request) -> date:
    return month_param(request, request.household.today().replace(day=1))


def _paid_in(period, **filters) -> str:
    return ExpenseFilter(start=period.start, end=period.end, status=ExpenseStatus.PAID, **filters).link()


def _bars(slices, period, by: str) -> list[dict]:
    """Bar widths (percent of the largest) for a list of slices, each with the list behind it."""
    top = max((s.amount for s in slices), default=0)
    return [
        {
            "slice": s,
            "width": round(float(s.amount / top * 100), 2) if top else 0,
            # "Former members" has no filter of its own: no link, rather than one to a wider list.
            "link": _paid_in(period, **{by: s.key}) if s.key else "",
        }
        for s in slices
    ]


TOP_CATEGORIES = 4  # the rest behind "N more categories"
# The 12-month chart's drawing, in viewBox units: an axis column, then twelve bars on a baseline.
AXIS_WIDTH, BAR_STEP, BAR_HEIGHT, BASELINE = 44, 26, 96, 118


def _axis_top(amount: Decimal) -> Decimal:
    """A round number at or above the largest bar, so the axis reads ₹0, ₹25K, ₹50K."""
    if amount <= 0:
        return ZERO
    step = Decimal(10) ** (len(str(int(amount))) - 1)
    for nice in (1, 2, 2.5, 4, 5, 10):
        if amount <= step * Decimal(str(nice)):
            return step * Decimal(str(nice))
    return step * 10


def _first_run(request) -> list:
    """The getting-started checklist while any step is still to do (nothing once all are done)."""
    steps = first_run_steps(household=request.household, membership=getattr(request, "membership", None))
    return steps if not all(step.done for step in steps) else []


def dashboard_context(request) -> dict:
    household = request.household
    month = _chosen_month(request)
    period = month_period(month)
    comparison = selectors.month_over_month(household=household, month=month)
    trend = selectors.monthly_trend(
        household=household, last_month=max(month, household.today().replace(day=1))
    )
    trend_top = _axis_top(max((m.amount for m in trend), default=ZERO))
    on = month if month != household.today().replace(day=1) else household.today()
    tree = selectors.budget_statuses(household=household, on=on)
    categories = _bars(selectors.spend_by_category(household=household, period=period), period, "category")
    return {
        "month": month,
        "period": period,
        "previous_month": selectors.previous_month(month),
        "next_month": selectors.shift_months(month, 1),
        "is_current_month": month == household.today().replace(day=1),
        "totals": selectors.total_for_period(household=household, period=period),
        "comparison": comparison,
        "categories": categories[:TOP_CATEGORIES],
        "more_categories": categories[TOP_CATEGORIES:],
        "all_categories": categories,
        "members": _bars(selectors.spend_by_member(household=household, period=period), period, "member"),
        "month_link": ExpenseFilter(start=period.start, end=period.end).link(),
        "overdue_link": ExpenseFilter(overdue=True).link(),
        "trend": [
            {
                "month": m.month,
                "amount": m.amount,
                "x": AXIS_WIDTH + i * BAR_STEP,
                "h": (h := round(float(m.amount / trend_top * BAR_HEIGHT), 1) if trend_top else 0),
                "y": round(BASELINE - h, 1),
                "selected": m.month == month,
                "link": _paid_in(month_period(m.month)),
            }
            for i, m in enumerate(trend)
        ],
        "trend_ticks": [
            {"amount": trend_top * share / 2, "y": round(BASELINE - BAR_HEIGHT * share / 2, 1)}
            for share in ((0, 1, 2) if trend_top else (0,))  # nothing paid: one ₹0 line, not three
        ],
        # The family's budgets; AI usage budgets have their own page (and are admins' business).
        "roots": [s for s in tree if s.depth == 0 and not s.budget.is_ai],
        "over_budgets": [s for s in tree if s.is_over],
        "on": on,
        "comparison_link": _paid_in(comparison.last_period) if comparison.last_period else "",
        "upcoming": selectors.upcoming_payments(household=household),
        "overdue": selectors.overdue_payments(household=household),
        "due": selectors.due_counts(household=household),
        "recent": selectors.recent_expenses(household=household, limit=5),
        "first_run": _first_run(request),
        "today": household.today(),
    }


@require_GET
def dashboard(request):
    context = dashboard_context(request)
    if wants_fragment(request):
        return render(request, "analysis/dashboard.html#dashboard-body", context)
    return render(request, "analysis/dashboard.html", context)
