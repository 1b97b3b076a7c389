"""What the budgets app does when the ledger below it announces a change (expenses.signals)."""

from django.dispatch import receiver

from budgets.services import alerts_check
from expenses.signals import ledger_changed


@receiver(ledger_changed, dispatch_uid="budgets.raise_alerts")
def raise_alerts(sender, *, household, dates, **kwargs):
    """A write moved money on `dates`: raise the alerts it crossed, in the same transaction."""
    alerts_check(household=household, dates=dates)
