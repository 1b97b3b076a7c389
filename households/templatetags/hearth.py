"""Template helpers every page uses: money in the household's currency and locale, members' names."""

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


FORMER_MEMBER = "former member"


def household_member_ids(household) -> frozenset:
    """The ids of the household's members now, read once per household object (one per request)."""
    ids = household.__dict__.get("_member_ids")
    if ids is None:
        from households.models import Membership

        ids = frozenset(Membership.objects.filter(household=household).values_list("user_id", flat=True))
        household.__dict__["_member_ids"] = ids
    return ids


def member_label(user, household) -> str:
    """A person as the household's pages name them.

    Rows keep pointing at people who left (removed, or their account deleted: `account_delete`
    empties the account but keeps the row), so every page says who it was without losing the
    row: the name while they are a member, "Ravi (former member)" after they left, "former
    member" when the account was deleted (no name) or nobody is linked any more.
    """
    if user is None or not user.name:
        return FORMER_MEMBER
    if household is None or user.pk in household_member_ids(household):
        return user.name
    return f"{user.name} ({FORMER_MEMBER})"


@register.filter
def member_name(user, household):
    """{{ expense.paid_by|member_name:household }} → "Ravi", "Ravi (former member)", "former member"."""
    return member_label(user, household)


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
