"""The dashboard at /: where the money went this month, from analysis.selectors only."""

from datetime import date

from django.shortcuts import render
from django.views.decorators.http import require_GET

from analysis import selectors
from expenses.models import ExpenseStatus
from expenses.selectors import ExpenseFilter
from households.access import wants_fragment
from households.periods import month_param, month_period


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
            "link": _paid_in(period, **{by: s.key}),
        }
        for s in slices
    ]


def dashboard_context(request) -> dict:
    household = request.household
    month = _chosen_month(request)
    period = month_period(month)
    comparison = selectors.month_over_month(household=household, month=month)
    trend = selectors.monthly_trend(
        household=household, last_month=max(month, household.today().replace(day=1))
    )
    trend_top = max((m.amount for m in trend), default=0)
    statuses = [s for s in selectors.budget_statuses(household=household, on=month) if s.depth <= 1]
    return {
        "month": month,
        "period": period,
        "previous_month": selectors.previous_month(month),
        "next_month": selectors.shift_months(month, 1),
        "is_current_month": month == household.today().replace(day=1),
        "totals": selectors.total_for_period(household=household, period=period),
        "comparison": comparison,
        "categories": _bars(
            selectors.spend_by_category(household=household, period=period), period, "category"
        ),
        "members": _bars(selectors.spend_by_member(household=household, period=period), period, "member"),
        "month_link": ExpenseFilter(start=period.start, end=period.end).link(),
        "overdue_link": ExpenseFilter(overdue=True).link(),
        "trend": [
            {
                "month": m.month,
                "amount": m.amount,
                "x": i * 30,
                "h": (h := round(float(m.amount / trend_top * 115), 1) if trend_top else 0),
                "y": round(120 - h, 1),
                "selected": m.month == month,
                "link": _paid_in(month_period(m.month)),
            }
            for i, m in enumerate(trend)
        ],
        "statuses": statuses,
        "on": month if month != household.today().replace(day=1) else household.today(),
        "upcoming": selectors.upcoming_payments(household=household),
        "overdue": selectors.overdue_payments(household=household),
        "due": selectors.due_counts(household=household),
        "recent": selectors.recent_expenses(household=household),
        "today": household.today(),
    }


@require_GET
def dashboard(request):
    context = dashboard_context(request)
    if wants_fragment(request):
        return render(request, "analysis/dashboard.html#dashboard-body", context)
    return render(request, "analysis/dashboard.html", context)
