"""Every number a page shows comes from here, so the pages always agree."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from expenses.models import ExpenseStatus

ZERO = Decimal("0.00")


def spend_totals(expenses) -> dict:
    """Paid and planned totals of an expense queryset, summed by the database in one query."""
    totals = expenses.order_by().aggregate(
        paid=Sum("amount", filter=Q(status=ExpenseStatus.PAID)),
        planned=Sum("amount", filter=Q(status=ExpenseStatus.PLANNED)),
        count=Count("id"),
    )
    return {
        "paid": totals["paid"] or ZERO,
        "planned": totals["planned"] or ZERO,
        "count": totals["count"],
    }
