from django.utils.functional import SimpleLazyObject

from budgets.models import BudgetAlert


def alerts(request):
    """The signed-in member's own unread-alert count for the bell in the navigation: one query on
    their index of unread alerts, made only if a page shows the bell."""
    household = getattr(request, "household", None)
    if household is None:
        return {}

    def count():
        return BudgetAlert.objects.for_household(household).unread_by(request.user).count()

    return {"unread_alerts": SimpleLazyObject(count)}
