"""The one range of dates Hearth accepts, and the readers of dates and months people send.

Every date a person types (a form field, a CSV cell) or sends in a query string (?month=, ?on=)
goes through this module, so a year 1 or 9999 is a clear error or a fallback, never a page that
fails later when a month is added to it or the database is asked for it.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q

MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(2099, 12, 31)
RANGE_TEXT = f"{MIN_DATE.year} and {MAX_DATE.year}"
OUT_OF_RANGE = f"Pick a date between {RANGE_TEXT}."

_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included (either may be open), and how pages name them."""

    start: date | None
    end: date | None
    label: str

    def q(self) -> Q:
        q = Q()
        if self.start:
            q &= Q(date__gte=self.start)
        if self.end:
            q &= Q(date__lte=self.end)
        return q


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_period(on: date) -> Period:
    return Period(on.replace(day=1), month_end(on), on.strftime("%B %Y"))


def same_days_month_before(today: date) -> Period:
    """The days of the month before that a month in progress is fairly compared with: 1–4 November
    on 4 December (all of November on 31 December, when this month has run past its length)."""
    first = shift_months(today, -1)
    end = first.replace(day=min(today.day, month_end(first).day))
    return Period(first, end, f"by {end:%-d %b}")


def month_in_progress(month: date, today: date) -> bool:
    """Whether `month` (its first day) is the month `today` is in and has days still to come."""
    return month == today.replace(day=1) and today < month_end(today)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def shift_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_month(day: date) -> date:
    return shift_months(day, -1)


def in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def validate_date(value: date) -> None:
    """The validator of every date field."""
    if value is not None and not in_range(value):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


def parse_day(raw) -> date | None:
    """YYYY-MM-DD in range, else None."""
    match = _DAY.fullmatch(str(raw or "").strip())
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if in_range(day) else None


def parse_month(raw) -> date | None:
    """YYYY-MM (the value of an <input type=month>) in range: its first day, else None."""
    match = _MONTH.fullmatch(str(raw or "").strip())
    if not match:
        return None
    try:
        first = date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return first if in_range(first) else None


def _fall_back(request, what: str, default: date, shown: str) -> date:
    # A message for a page; a fragment (htmx) just shows the default, the page around it has said so.
    if not getattr(request, "htmx", False):
        messages.warning(
            request,
            f"That {what} can't be shown (Hearth covers the years between {RANGE_TEXT}): showing {shown}.",
        )
    return default


def month_param(request, default: date, name: str = "month") -> date:
    """?month=YYYY-MM of a GET request, or `default` (with a message when one was given but is bad)."""
    raw = request.GET.get(name)
    if not raw:
        return default
    month = parse_month(raw)
    if month is None:
        return _fall_back(request, "month", default, f"{default:%B %Y}")
    return month


def day_param(request, default: date, name: str = "on") -> date:
    """?on=YYYY-MM-DD of a GET request, or `default` (with a message when one was given but is bad)."""
    raw = request.GET.get(name)
    if not raw:
        return default
    day = parse_day(raw)
    if day is None:
        return _fall_back(request, "date", default, f"{default:%-d %B %Y}")
    return day


class DateField(forms.DateField):
    """A form's date: what DateField reads, within MIN_DATE..MAX_DATE (also as the input's min/max)."""

    default_validators = [validate_date]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update({"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()})
        return attrs


class MonthField(forms.CharField):
    """A form's month (YYYY-MM, an <input type=month>): the first day of it, within range."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"min": f"{MIN_DATE:%Y-%m}", "max": f"{MAX_DATE:%Y-%m}"})
        return attrs

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            if _MONTH.fullmatch(text):
                raise ValidationError(f"Pick a month between {RANGE_TEXT}.", code="month_out_of_range")
            raise ValidationError("Pick a month like 2026-03.", code="invalid")
        return month
