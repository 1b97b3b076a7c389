"""Dates: the phrases that name a day, each with the one function that reads it.

``DATE_PATTERNS`` lists them most specific first; each ``DatePattern`` is a compiled pattern, its
kind (a short name the analysis chat also uses to tell them apart) and its reader. A reader takes
the match, today and whether the household writes the month first (03/01 is 1 March), and
returns the date and where the phrase ends, a None date when it is written as a date but names
no real day ("31 April"), or None when the match is no date at all. ``read_date`` reads one
whole phrase; ``date_from_match`` reads a match of one of the patterns.

Kinds: "ymd" 2026-03-01, "numeric3" 1/3/2026, "numeric2" 1/3, "dm" 3 March, "md" March 3,
"ago" 3 days ago, "weekday" last Friday, "ordinal" the 5th, and for a day named by its distance
from today the distance itself: "-2" the day before yesterday, "-1" yesterday, "0" today,
"+1" tomorrow, "-7" last week.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import NamedTuple

from llmsettings.parser.amounts import MULTIPLIER, UNIT
from llmsettings.parser.text import NOT_LETTER, alternation
from llmsettings.parser.vocabulary import (
    AGO_WORDS,
    CHAR_MAP,
    DAYS_FROM_TODAY,
    DAYS_PER_UNIT,
    MONTHS,
    NOT_A_DAY_AFTER_ORDINAL,
    PARTS_OF_DAY,
    SMALL_NUMBERS,
    WEEKDAYS,
)

__all__ = [
    "DATE_PATTERNS",
    "MONTH",
    "MONTHS",
    "WEEKDAY",
    "WEEKDAYS",
    "DatePattern",
    "DateReader",
    "date_from_match",
    "read_date",
]

# A reader: (match, today, month_first) -> (date or None, end of the phrase), or None.
DateReader = Callable[[re.Match, datetime.date, str], tuple[datetime.date | None, int] | None]


class DatePattern(NamedTuple):
    pattern: re.Pattern[str]
    kind: str
    read: DateReader


MONTH = alternation(MONTHS)  # any month name, as a regex group
WEEKDAY = alternation(WEEKDAYS)  # any spelling of a weekday
# The full name of each day (its longest spelling) may stand alone: "Friday", not "sat".
FULL_WEEKDAY = alternation(
    max((name for name, day in WEEKDAYS.items() if day == number), key=len)
    for number in set(WEEKDAYS.values())
)

_ON = r"(?:\b(?:on|dated)\s+)?"
_PART_OF_DAY = rf"(?:\s+{alternation(PARTS_OF_DAY)})?"
_ONE_DAY = datetime.timedelta(days=1)


# ------------------------------------------------------------------------------ readers


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _recent(today: datetime.date, month: int, day: int) -> datetime.date | None:
    """This year's day and month, or last year's when that would be more than a day ahead."""
    found = _safe_date(today.year, month, day)
    if found is None or found > today + _ONE_DAY:
        found = _safe_date(today.year - 1, month, day) or found
    return found


def _year(raw: str | None, today: datetime.date) -> int | None:
    if not raw:
        return None
    digits = raw.lstrip("'")
    year = int(digits) + (2000 if len(digits) == 2 else 0)
    return year if today.year - 10 <= year <= today.year + 1 else None


def _read_ymd(m: re.Match, today: datetime.date, month_first: bool):
    found = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return (found, m.end()) if found else None


def _day_and_month(m: re.Match, month_first: bool) -> tuple[int, int] | None:
    """03/01: day first, unless the household writes the month first; 13/03 either way."""
    a, b = int(m.group("a")), int(m.group("b"))
    day, month = (b, a) if month_first else (a, b)
    if not (1 <= month <= 12) and 1 <= day <= 12:
        day, month = month, day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return day, month


def _read_numeric3(m: re.Match, today: datetime.date, month_first: bool):
    found = None
    if (day_month := _day_and_month(m, month_first)) and (year := _year(m.group("y"), today)):
        found = _safe_date(year, day_month[1], day_month[0])
    return (found, m.end()) if found else None


def _read_numeric2(m: re.Match, today: datetime.date, month_first: bool):
    day_month = _day_and_month(m, month_first)
    found = _recent(today, day_month[1], day_month[0]) if day_month else None
    return (found, m.end()) if found else None


def _read_named_month(m: re.Match, today: datetime.date, month_first: bool):
    """3 March, March 3, 3rd of Jan 2026."""
    month = MONTHS[m.group("m").lower()]
    day = int(m.group("d"))
    year = _year(m.group("y"), today)
    end = m.end()
    if m.group("y") and year is None:
        end = m.end("core")  # "March 3 2000": the 2000 is money, not a year
    found = _safe_date(year, month, day) if year else _recent(today, month, day)
    return found, end  # None: "31 April" names no real day, and is no amount either


def _reads_days_from_today(days: int) -> DateReader:
    def read(m: re.Match, today: datetime.date, month_first: bool):
        return today + _ONE_DAY * days, m.end()

    return read


def _read_ago(m: re.Match, today: datetime.date, month_first: bool):
    raw = " ".join(m.group("n").lower().split())
    n = SMALL_NUMBERS.get(raw) or int(raw)
    return today - _ONE_DAY * (n * DAYS_PER_UNIT[m.group("u").lower()]), m.end()


def _read_weekday(m: re.Match, today: datetime.date, month_first: bool):
    weekday = WEEKDAYS[m.group("wd").lower()]
    mode = (m.groupdict().get("mode") or "").lower()
    if mode == "next":
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + _ONE_DAY * ahead, m.end()
    back = (today.weekday() - weekday) % 7
    if back == 0 and mode in ("last", "past", "previous"):
        back = 7
    return today - _ONE_DAY * back, m.end()


def _read_ordinal(m: re.Match, today: datetime.date, month_first: bool):
    """The 5th: this month's, or the latest month's that has it and is not ahead."""
    day = int(m.group("d"))
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(3):
        found = _safe_date(year, month, day)
        if found is not None and found <= today:
            return found, m.end()
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


# ------------------------------------------------------------------------------ patterns


def _days_from_today() -> list[DatePattern]:
    """One pattern per distance from today. A distance whose phrases are longer comes first, so
    "the day before yesterday" is never read as "yesterday"."""
    by_days: dict[int, list[str]] = {}
    for phrase, days in DAYS_FROM_TODAY.items():
        by_days.setdefault(days, []).append(phrase)
    order = sorted(by_days, key=lambda days: -max(len(p.split()) for p in by_days[days]))
    return [
        DatePattern(
            re.compile(
                rf"\b(?:on\s+)?(?:the\s+)?(?:earlier\s+)?{alternation(by_days[days])}(?:'s)?"
                rf"{_PART_OF_DAY}{NOT_LETTER}",
                re.I,
            ),
            "0" if days == 0 else f"{days:+d}",
            _reads_days_from_today(days),
        )
        for days in order
    ]


_SMALL_NUMBER = alternation(SMALL_NUMBERS)

# Most specific first: a span one pattern takes is not read again by a later one.
DATE_PATTERNS: list[DatePattern] = [
    DatePattern(
        re.compile(
            rf"{_ON}(?<![0-9.,])(?P<y>(?:19|20)[0-9]{{2}})(?P<s>[-/.])(?P<m>[0-9]{{1,2}})(?P=s)"
            rf"(?P<d>[0-9]{{1,2}})(?![0-9])",
            re.I,
        ),
        "ymd",
        _read_ymd,
    ),
    DatePattern(
        re.compile(
            rf"{_ON}(?<![0-9.,/])(?P<a>[0-9]{{1,2}})(?P<s>[-/.])(?P<b>[0-9]{{1,2}})(?P=s)"
            rf"(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|[.,][0-9])",
            re.I,
        ),
        "numeric3",
        _read_numeric3,
    ),
    *_days_from_today(),
    DatePattern(
        re.compile(
            rf"\b(?P<n>[0-9]{{1,2}}|{_SMALL_NUMBER})\s+(?P<u>{alternation(DAYS_PER_UNIT)})"
            rf"\s+{alternation(AGO_WORDS)}\b",
            re.I,
        ),
        "ago",
        _read_ago,
    ),
    DatePattern(
        re.compile(
            rf"(?P<core>{_ON}(?:the\s+)?(?<![0-9.,])(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?"
            rf"[\s/-]*(?P<m>{MONTH})\.?{NOT_LETTER})"
            rf"(?:(?:\s*,\s*|\s+|[-/])(?P<y>'?[0-9]{{4}}|'[0-9]{{2}})(?![0-9]))?",
            re.I,
        ),
        "dm",
        _read_named_month,
    ),
    DatePattern(
        re.compile(
            rf"(?P<core>{_ON}\b(?P<m>{MONTH})\.?\s*(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?)"
            rf"(?![0-9]|[.,][0-9]|\s*(?:{MULTIPLIER}|{UNIT}|/-){NOT_LETTER})"
            r"(?:(?:\s*,\s*|\s+)(?P<y>[0-9]{4})(?![0-9]))?",
            re.I,
        ),
        "md",
        _read_named_month,
    ),
    DatePattern(
        re.compile(
            rf"\b(?:on\s+)?(?P<mode>last|past|previous|this|next)\s+(?P<wd>{WEEKDAY})\.?"
            rf"{NOT_LETTER}{_PART_OF_DAY}{NOT_LETTER}",
            re.I,
        ),
        "weekday",
        _read_weekday,
    ),
    DatePattern(
        re.compile(rf"\bon\s+(?P<wd>{WEEKDAY})\.?{NOT_LETTER}{_PART_OF_DAY}{NOT_LETTER}", re.I),
        "weekday",
        _read_weekday,
    ),
    DatePattern(
        re.compile(rf"\b(?P<wd>{FULL_WEEKDAY})(?:'s)?{NOT_LETTER}{_PART_OF_DAY}{NOT_LETTER}", re.I),
        "weekday",
        _read_weekday,
    ),
    DatePattern(
        re.compile(
            r"(?:\bon\s+)?\bthe\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)\b"
            rf"(?!\s+{alternation(NOT_A_DAY_AFTER_ORDINAL)})",
            re.I,
        ),
        "ordinal",
        _read_ordinal,
    ),
    DatePattern(re.compile(r"\bon\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)\b", re.I), "ordinal", _read_ordinal),
    DatePattern(
        re.compile(
            rf"{_ON}(?<![0-9.,/:])(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})"
            rf"(?![0-9/]|[.,][0-9]|\s*(?:{UNIT}){NOT_LETTER})",
            re.I,
        ),
        "numeric2",
        _read_numeric2,
    ),
]

_READERS: dict[str, DateReader] = {}
for _date_pattern in DATE_PATTERNS:
    if _READERS.setdefault(_date_pattern.kind, _date_pattern.read) is not _date_pattern.read:
        raise ValueError(f"two readers for the date kind {_date_pattern.kind!r}")


def date_from_match(
    m: re.Match, kind: str, today: datetime.date, month_first: bool = False
) -> tuple[datetime.date | None, int] | None:
    """What a match of one of the DATE_PATTERNS of this kind names: see the module's docstring."""
    return _READERS[kind](m, today, month_first)


def read_date(text: str, today: datetime.date, month_first: bool = False) -> datetime.date | None:
    """The day one date phrase names ("last Friday", "on 3 March", "2026-03-01", "3 days ago"),
    or None when the text is not one date phrase or names no real day."""
    phrase = " ".join(str(text).translate(CHAR_MAP).split())
    for pattern, _kind, read in DATE_PATTERNS:
        m = pattern.fullmatch(phrase)
        found = read(m, today, month_first) if m else None
        if found is not None and found[0] is not None and found[1] == len(phrase):
            return found[0]
    return None
