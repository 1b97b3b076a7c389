"""Template helpers of the budget meters (a builtin library, like households' `hearth`)."""

from django import template

from budgets.selectors import expenses_url_params

register = template.Library()


@register.filter
def expenses_params(status, segment=""):
    """{{ status|expenses_params:"paid" }}: the expense list's query string behind a meter's segment."""
    return expenses_url_params(status, segment)
