"""Writes on the ledger: categories, expenses, drafts."""

from django.db import transaction

from expenses.models import DEFAULT_CATEGORIES, Category
from households.models import Household


@transaction.atomic
def categories_create_defaults(*, household: Household) -> None:
    """Give a new household the default categories (those it lacks, so it is safe to repeat)."""
    have = {
        n.lower() for n in Category.objects.for_household(household).values_list("name", flat=True)
    }
    Category.objects.bulk_create(
        Category(household=household, name=name, colour=colour)
        for name, colour in DEFAULT_CATEGORIES
        if name.lower() not in have
    )
