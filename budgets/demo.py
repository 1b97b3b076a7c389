"""Demo occasions for seed_demo: the coming festival (Diwali on its real date, or Christmas when
Diwali is far off) with a gift board and sub-budgets per person, and a wedding from the template.
Idempotent: a household that has an occasion already is left alone."""

from datetime import date, timedelta
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

# Diwali's dates (it follows the lunar calendar); Christmas is the demo's festival when none is near.
DIWALI = [date(2026, 11, 8), date(2027, 10, 29), date(2028, 10, 17), date(2029, 11, 5), date(2030, 10, 26)]
NEAR = timedelta(days=120)
DECORATIONS = {"Diwali": "Diyas and rangoli colours", "Christmas": "Tree lights and ornaments"}


def coming_festival(today: date) -> tuple[str, date]:
    """The festival the demo household is shopping for: the next Diwali if it is near, else Christmas."""
    diwali = next((day for day in DIWALI if day >= today + timedelta(days=7)), None)
    if diwali and diwali - today <= NEAR:
        return "Diwali", diwali
    christmas = date(today.year, 12, 25)
    return "Christmas", christmas if christmas >= today + timedelta(days=7) else christmas.replace(
        year=today.year + 1
    )


# (description, amount, person or None, category, stage, days before the festival it is dated)
FESTIVAL_ITEMS = [
    ("Silver anklets", "2400", "Meera", "Gifts", "idea", 0),
    ("Board game", "900", "Arjun", "Gifts", "idea", 0),
    ("Silk saree", "3200", "Nani", "Gifts", "to_buy", 0),
    ("{decorations}", "650", None, "Shopping", "to_buy", 0),
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

    festival_name, day = coming_festival(today)
    festival = occasion_create(
        household=household,
        user=admin,
        name=festival_name,
        kind=Occasion.Kind.FESTIVAL,
        date=day,
        amount=Decimal("15000"),
        notes="Gifts for the family, sweets for the neighbours, lights for the balcony.",
    )
    for name, _, amount in PEOPLE:
        subbudget_create(
            household=household, user=admin, occasion=festival, amount=Decimal(amount), recipient=people[name]
        )
    categories = {c.name: c for c in Category.objects.for_household(household)}
    for index, (description, amount, person, category, stage, days_before) in enumerate(FESTIVAL_ITEMS):
        bought_on = today - timedelta(days=index % 5)
        item_create(
            household=household,
            user=members[index % len(members)],
            occasion=festival,
            data=ItemData(
                description=description.format(decorations=DECORATIONS[festival_name]),
                amount=Decimal(amount),
                category=categories[category],
                stage=stage,
                date=festival.date - timedelta(days=days_before) if days_before is not None else bought_on,
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
