"""Demo budgets for seed_demo: a monthly household total with a sub-budget per everyday category."""

from decimal import Decimal

from budgets.models import Budget, BudgetAlert
from budgets.services import budget_create
from expenses.models import Category

CHILDREN = [
    ("Groceries", "12000"),
    ("Dining", "3500"),
    ("Transport", "6000"),
    ("Utilities", "4500"),
    ("Shopping", "5000"),
    ("Entertainment", "1500"),
]


def seed(*, household, members) -> None:
    if Budget.objects.for_household(household).filter(occasion__isnull=True, parent__isnull=True).exists():
        return
    admin = members[0]
    total = budget_create(
        household=household,
        user=admin,
        name="Household",
        amount=Decimal("75000"),
        period=Budget.Period.MONTHLY,
    )
    categories = {c.name: c for c in Category.objects.for_household(household)}
    for position, (name, amount) in enumerate(CHILDREN):
        budget_create(
            household=household,
            user=admin,
            name=name,
            amount=Decimal(amount),
            period=Budget.Period.MONTHLY,
            parent=total,
            category=categories[name],
            position=position,
        )


def settle_alerts(*, household, members) -> None:
    """Leave the demo's few newest alerts unread, as if every member had seen the older ones."""
    alerts = BudgetAlert.objects.for_household(household)
    keep = list(alerts.order_by("-created_at", "-threshold").values_list("pk", flat=True)[:3])
    BudgetAlert.unread_by.through.objects.filter(budgetalert__household=household).exclude(
        budgetalert_id__in=keep
    ).delete()
