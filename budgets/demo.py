"""Demo occasions for seed_demo: Diwali with a gift board and sub-budgets per person, and a wedding
from the template. Idempotent: a household that has an occasion already is left alone."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from budgets.occasions.services import (
    ItemData,
    item_create,
    occasion_create,
    subbudget_create,
    wedding_template_apply,
)
from budgets.occasions.wedding import template_rows
from budgets.services import recipient_create
from expenses.models import Category, Occasion, Recipient

PEOPLE = [("Meera", "daughter", "5000"), ("Nani", "grandmother", "4500"), ("Arjun", "nephew", "2500")]

# (description, amount, person or None, category, stage, days before Diwali it is dated)
DIWALI_ITEMS = [
    ("Silver anklets", "2400", "Meera", "Gifts", "idea", 0),
    ("Board game", "900", "Arjun", "Gifts", "idea", 0),
    ("Silk saree", "3200", "Nani", "Gifts", "to_buy", 0),
    ("Diyas and rangoli colours", "650", None, "Shopping", "to_buy", 0),
    ("Kurta set", "1800", "Meera", "Gifts", "bought", None),
    ("Sweets for the neighbours", "1200", None, "Gifts", "bought", None),
    ("Pashmina shawl", "1500", "Nani", "Gifts", "given", None),
    ("Remote-control car", "1100", "Arjun", "Gifts", "given", None),
]


@transaction.atomic
def seed(*, household, members) -> None:
    if Occasion.objects.for_household(household).exists():
        return
    admin = members[0]
    today = household.today()

    people = {}
    for name, relationship, _ in PEOPLE:
        person = Recipient.objects.for_household(household).filter(name__iexact=name).first()
        people[name] = person or recipient_create(
            household=household, user=admin, name=name, relationship=relationship
        )

    diwali = occasion_create(
        household=household,
        user=admin,
        name="Diwali",
        kind=Occasion.Kind.FESTIVAL,
        date=today + timedelta(days=21),
        amount=Decimal("15000"),
        notes="Gifts for the family, sweets for the neighbours, lights for the balcony.",
    )
    for name, _, amount in PEOPLE:
        subbudget_create(
            household=household, user=admin, occasion=diwali, amount=Decimal(amount), recipient=people[name]
        )
    categories = {c.name: c for c in Category.objects.for_household(household)}
    for index, (description, amount, person, category, stage, days_before) in enumerate(DIWALI_ITEMS):
        bought_on = today - timedelta(days=index % 5)
        item_create(
            household=household,
            user=members[index % len(members)],
            occasion=diwali,
            data=ItemData(
                description=description,
                amount=Decimal(amount),
                category=categories[category],
                stage=stage,
                date=diwali.date - timedelta(days=days_before) if days_before is not None else bought_on,
                recipient=people[person] if person else None,
            ),
        )

    wedding = occasion_create(
        household=household,
        user=admin,
        name="Priya's wedding",
        kind=Occasion.Kind.WEDDING,
        date=today + timedelta(days=150),
        amount=Decimal("800000"),
        notes="Ravi's sister. Sangeet the evening before.",
    )
    rows = template_rows(Decimal("800000"))
    wedding_template_apply(
        household=household,
        user=admin,
        occasion=wedding,
        amounts={row.category: row.amount for row in rows},
    )
