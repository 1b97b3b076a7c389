"""What the ledger does when the kernel below it announces something (households.signals)."""

from django.dispatch import receiver

from expenses.services import categories_create_defaults
from households.signals import household_created


@receiver(household_created, dispatch_uid="expenses.seed_categories")
def seed_categories(sender, *, household, **kwargs):
    """A new household gets the default categories, in the transaction that created it."""
    categories_create_defaults(household=household)
