"""The wedding template's categories made before they knew their occasion learn it, so the pickers
offer them only for that wedding. Only where it is plain: a category named as one of the template's
new rows (not a default category), budgeted under exactly one occasion, and used by nothing outside
it (no other budget, expense or recurring rule). Anything else stays offered everywhere."""

from django.db import migrations
from django.db.models import Q

# Frozen copies: a migration does not follow later changes of the template or the defaults.
WEDDING_TEMPLATE = [
    "Venue",
    "Catering",
    "Photography",
    "Videography",
    "Flowers",
    "Music",
    "Transport",
    "Attire",
    "Rings",
    "Stationery",
    "Decorations",
    "Cake",
    "Hair and makeup",
    "Favours",
    "Miscellaneous",
]
DEFAULTS = [
    "Groceries",
    "Dining",
    "Housing",
    "Utilities",
    "Transport",
    "Health",
    "Education",
    "Shopping",
    "Entertainment",
    "Travel",
    "Gifts",
    "Personal care",
    "Kids",
    "Other",
]


def link(apps, schema_editor):
    Category = apps.get_model("expenses", "Category")
    Budget = apps.get_model("budgets", "Budget")
    Expense = apps.get_model("expenses", "Expense")
    RecurringRule = apps.get_model("expenses", "RecurringRule")
    template = {name.lower() for name in WEDDING_TEMPLATE} - {name.lower() for name in DEFAULTS}
    for category in Category.objects.filter(occasion__isnull=True, archived=False):
        if category.name.lower() not in template:
            continue
        budgets = Budget.objects.filter(category=category).values_list("occasion_id", "parent__occasion_id")
        occasions = {own or parents for own, parents in budgets}
        if len(occasions) != 1 or None in occasions:
            continue
        occasion_id = occasions.pop()
        elsewhere = Expense.objects.filter(category=category).filter(
            Q(occasion__isnull=True) | ~Q(occasion_id=occasion_id)
        )
        if elsewhere.exists() or RecurringRule.objects.filter(category=category).exists():
            continue
        category.occasion_id = occasion_id
        category.save(update_fields=["occasion"])


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0006_alerts_read_per_member_name_their_period"),
        ("expenses", "0011_category_occasion_only"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
