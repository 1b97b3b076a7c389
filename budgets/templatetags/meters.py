"""Template helpers of the budget meters (a builtin library, like households' `hearth`)."""

from django import template

from budgets.selectors import expenses_url_params, usage_filter
from households.money import format_money

register = template.Library()


@register.filter
def expenses_params(status, segment=""):
    """{{ status|expenses_params:"paid" }}: the expense list's query string behind a meter's segment."""
    return expenses_url_params(status, segment)


@register.filter
def usage_params(status):
    """{{ status|usage_params }}: the usage page's query string for the calls behind an AI meter."""
    return usage_filter(status).query()


@register.filter
def cost(amount, household):
    """{{ record.cost|cost:household }} → ₹0.0361: a call's cost or a price, past the smallest coin."""
    return format_money(amount, household, exact=True)
