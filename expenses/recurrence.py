"""When recurring rules fall due: pure date arithmetic, and how a rule's cadence reads."""

import calendar
from datetime import date, timedelta

from expenses.models import Cadence
from households.periods import shift_months

WEEKDAYS = list(calendar.day_name)  # Monday … Sunday (English, as the rest of the UI)
MONTHS = list(calendar.month_name)[1:]  # January … December

# ---------------------------------------------------------------- dates


def _on_day(year: int, month: int, day: int) -> date:
    """`day` of that month, or the month's last day when it is shorter (31 → 30 April, 28/29 Feb)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrences(rule, start: date, end: date) -> list[date]:
    """Every date from `start` to `end` (both included) on which `rule` falls due.

    Never before the rule's start date, never after its end date. Monthly on 29–31 falls on the
    last day of shorter months; yearly on 29 February falls on 28 February in other years.
    Ignores `paused`: whether a paused rule makes drafts is the job's business.
    """
    start = max(start, rule.start_date)
    if rule.end_date is not None:
        end = min(end, rule.end_date)
    if start > end:
        return []

    if rule.cadence == Cadence.WEEKLY:
        if rule.weekday is None:
            return []
        first = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]

    if rule.cadence == Cadence.MONTHLY:
        if not rule.day_of_month:
            return []
        found = []
        month = start.replace(day=1)
        while month <= end:
            day = _on_day(month.year, month.month, rule.day_of_month)
            if start <= day <= end:
                found.append(day)
            month = shift_months(month, 1)
        return found

    if rule.cadence == Cadence.YEARLY:
        if not rule.month or not rule.day_of_month:
            return []
        found = []
        for year in range(start.year, end.year + 1):
            day = _on_day(year, rule.month, rule.day_of_month)
            if start <= day <= end:
                found.append(day)
        return found

    return []


def next_occurrence(rule, today: date) -> date | None:
    """The first occurrence on or after `today` (None when the rule has ended)."""
    # Any cadence falls due at least once in 366 days (yearly on 29 Feb falls on 28 Feb).
    upcoming = occurrences(rule, today, today + timedelta(days=366))
    return upcoming[0] if upcoming else None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_cadence(rule) -> str:
    """The cadence in words: “Monthly on the 31st (last day in shorter months)”."""
    if rule.cadence == Cadence.MONTHLY and rule.day_of_month:
        text = f"Monthly on the {_ordinal(rule.day_of_month)}"
        if rule.day_of_month >= 29:
            text += " (last day in shorter months)"
        return text
    if rule.cadence == Cadence.WEEKLY and rule.weekday is not None and 0 <= rule.weekday <= 6:
        return f"Weekly on {WEEKDAYS[rule.weekday]}"
    if rule.cadence == Cadence.YEARLY and rule.month and rule.day_of_month:
        text = f"Yearly on {rule.day_of_month} {MONTHS[rule.month - 1]}"
        if rule.month == 2 and rule.day_of_month == 29:
            text += " (28 February in other years)"
        return text
    return rule.get_cadence_display()


def schedule_errors(
    *,
    cadence: str | None,
    day_of_month: int | None,
    weekday: int | None,
    month: int | None,
    start_date: date | None,
    end_date: date | None,
) -> dict[str, str]:
    """What is missing or wrong in a cadence, by field name (the form and the services share it)."""
    errors: dict[str, str] = {}
    if cadence not in Cadence.values:
        errors["cadence"] = "Choose monthly, weekly or yearly."
    if cadence in (Cadence.MONTHLY, Cadence.YEARLY):
        if day_of_month is None:
            errors["day_of_month"] = (
                "Pick the day of the month it falls due."
                if cadence == Cadence.MONTHLY
                else "Pick the day of the date it falls due."
            )
        elif not 1 <= day_of_month <= 31:
            errors["day_of_month"] = "Pick a day from 1 to 31."
    if cadence == Cadence.WEEKLY:
        if weekday is None:
            errors["weekday"] = "Pick the day of the week it falls due."
        elif not 0 <= weekday <= 6:
            errors["weekday"] = "Pick a day from Monday to Sunday."
    if cadence == Cadence.YEARLY:
        if month is None:
            errors["month"] = "Pick the month it falls due."
        elif not 1 <= month <= 12:
            errors["month"] = "Pick a month from January to December."
        elif "day_of_month" not in errors:
            longest = calendar.monthrange(2000, month)[1]  # a leap year: 29 February is fine
            if day_of_month > longest:
                errors["day_of_month"] = f"{MONTHS[month - 1]} has only {longest} days."
    if start_date is None:
        errors["start_date"] = "Pick the date it starts."
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be on or after the start date."
    return errors
