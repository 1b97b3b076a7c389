from django.utils.functional import SimpleLazyObject

from budgets.models import BudgetAlert


def alerts(request):
    """The unread-alert count for the bell in the navigation (queried only if a page shows it)."""
    household = getattr(request, "household", None)
    if household is None:
        return {}

    def count():
        return BudgetAlert.objects.for_household(household).filter(read=False).count()

    return {"unread_alerts": SimpleLazyObject(count)}
