"""Template helpers every page uses: money in the household's currency and locale."""

from decimal import Decimal, localcontext

from babel.numbers import format_currency
from django import template

register = template.Library()


def format_money(amount, household, *, currency: str | None = None) -> str:
    if amount is None:
        amount = Decimal("0")
    # Babel rounds in the current decimal context: give it room for any sum of legal amounts
    # (a total of 10^25 with three decimal places has more digits than the default 28).
    with localcontext(prec=60):
        return format_currency(Decimal(amount), currency or household.currency, locale=household.locale)


@register.filter
def money(amount, household):
    """{{ expense.amount|money:household }} → ₹1,20,000.00 for an en_IN household."""
    return format_money(amount, household)


@register.filter
def overdue_on(expense, today):
    """{% if expense|overdue_on:today %}: planned, with a due date that has passed."""
    return expense.is_overdue(today)


@register.filter
def expenses_params(status, segment=""):
    """The expense list's query string behind a budget meter's segment."""
    from budgets.selectors import expenses_url_params

    return expenses_url_params(status, segment)


@register.filter(name="abs")
def absolute(value):
    """{{ change|abs|money:household }}: the size of a change, its direction said in words."""
    return abs(value) if value is not None else value
