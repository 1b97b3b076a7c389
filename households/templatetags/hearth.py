"""Template helpers every page uses: money in the household's currency and locale, members' names."""

from django import template

from households.members import member_label
from households.money import format_money, format_money_short

register = template.Library()


@register.filter
def money(amount, household):
    """{{ expense.amount|money:household }} → ₹1,20,000.00 for an en_IN household."""
    return format_money(amount, household)


@register.filter
def money_short(amount, household):
    """{{ bar.amount|money_short:household }} → ₹39.4K, ₹1.2L: a chart's label, rounded."""
    return format_money_short(amount, household)


@register.filter
def member_name(user, household):
    """{{ expense.paid_by|member_name:household }} → "Ravi", "Ravi (former member)", "former member"."""
    return member_label(user, household)


@register.filter
def overdue_on(expense, today):
    """{% if expense|overdue_on:today %}: planned, with a due date that has passed."""
    return expense.is_overdue(today)


@register.filter(name="abs")
def absolute(value):
    """{{ change|abs|money:household }}: the size of a change, its direction said in words."""
    return abs(value) if value is not None else value
