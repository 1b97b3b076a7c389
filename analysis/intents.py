"""How the analysis chat reads a question: one of a fixed set of intents, with typed parameters.

``classify_question(text, context)`` is the builtin reader: offline and deterministic, keywords
plus date parsing. Whatever reads a question (this, or later an LLM asked per household) hands its
intent and raw parameters to ``Classification.from_json(intent, params, context)``, which keeps only
what is valid: an intent outside INTENTS becomes "unknown"; a category, member or budget that is
not one of the household's names in the context is dropped (treated as not given), never looked
up anywhere else; dates must be real and in order; numbers are clamped.

The context holds plain strings and a date, no ORM objects, so it can be handed to a provider.

Single dates ("on 3 March", "last Friday", "2026-03-01", "3 days ago") reuse the builtin expense
parser's date patterns, so both chats read dates alike: ``llmsettings.parser.dates``
(``DATE_PATTERNS``, ``date_from_match``, ``MONTH``, ``MONTHS``) and ``singulars``, imported here
on purpose rather than copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from analysis.selectors import previous_month, shift_months
from budgets.selectors import Period, month_period
from llmsettings.parser import keyword_table, singulars
from llmsettings.parser.dates import DATE_PATTERNS, MONTH, MONTHS, date_from_match

INTENTS = (
    "total_by_period",
    "category_spend_by_period",
    "month_over_month_compare",
    "top_expense_categories",
    "member_spend_by_period",
    "budget_status",
    "largest_expenses",
    "average_daily_spend",
    "overdue_payments",
    "upcoming_payments",
)
UNKNOWN = "unknown"

# Refusals: the question asks for something the chat never does.
OTHER_HOUSEHOLD = "other_household"
COMMAND = "command"
REFUSALS = (OTHER_HOUSEHOLD, COMMAND)

MAX_QUESTION = 500
DEFAULT_LIMIT = 5
MAX_LIMIT = 20
DEFAULT_UPCOMING_DAYS = 14
MAX_UPCOMING_DAYS = 366
MAX_NAME = 120

# Which parameters each intent takes; anything else is dropped.
PARAMS = {
    "total_by_period": {"period"},
    "category_spend_by_period": {"period", "category", "member"},
    "month_over_month_compare": {"period", "previous", "category"},
    "top_expense_categories": {"period", "limit"},
    "member_spend_by_period": {"period", "member", "category"},
    "budget_status": {"period", "budget"},
    "largest_expenses": {"period", "limit"},
    "average_daily_spend": {"period"},
    "overdue_payments": set(),
    "upcoming_payments": {"days"},
    UNKNOWN: {"refusal"},
}
# The intents whose answer is about a period: this month when the question names none.
DATED = {name for name, keys in PARAMS.items() if "period" in keys} - {"budget_status"}


@dataclass(frozen=True)
class QuestionContext:
    """What a classifier may know about the household: plain values only."""

    today: date  # today in the household's timezone
    asker: str  # the asking member's name ("me", "I")
    members: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    budgets: tuple[str, ...] = ()
    currency: str = ""  # decides whether 3/4 is the 3rd of April or March 4th


# ------------------------------------------------------------------------------ periods


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def span_label(start: date, end: date) -> str:
    if start == end:
        return _d(start)
    if start.year != end.year:
        return f"{_d(start)} – {_d(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {_d(end)}"
    return f"{start.day}–{_d(end)}"


def day_period(day: date, word: str = "") -> Period:
    return Period(day, day, f"{word} ({_d(day)})" if word else _d(day))


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def week_period(day: date, word: str) -> Period:
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    return Period(monday, sunday, f"{word} ({span_label(monday, sunday)})")


def window(today: date, start: date, words: str) -> Period:
    return Period(start, today, f"{words} ({span_label(start, today)})")


def previous_of(period: Period) -> Period | None:
    """The period just before: the month before a month, the year before a year, and so on."""
    start, end = period.start, period.end
    if start is None or end is None:
        return None
    if start.day == 1 and month_period(start).end == end:
        return month_period(previous_month(start))
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return year_period(start.year - 1)
    length = end - start
    last_end = start - timedelta(days=1)
    last_start = last_end - length
    if length == timedelta(days=6) and start.weekday() == 0:
        return week_period(last_start, "the week before")
    return Period(last_start, last_end, span_label(last_start, last_end))


def period_phrase(period: Period) -> str:
    """The period as it reads after a verb: "in March 2026", "on 3 Mar 2026", "today (…)"."""
    label = period.label
    if period.start is None and period.end is None:
        return "over all time"
    if label.startswith(
        ("today", "yesterday", "the day before", "this ", "last week", "since", "the week before")
    ):
        return label
    if period.start is not None and period.start == period.end:
        return f"on {label}"
    if label.startswith("the "):
        return f"in {label}"
    if period.start is not None and period.end is not None and "–" in label:
        return f"between {_d(period.start)} and {_d(period.end)}"
    return f"in {label}"


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "ninety": 90,
}
_N = r"(?:\d{1,4}|" + "|".join(_NUMBER_WORDS) + ")"


def _number(raw: str) -> int:
    return _NUMBER_WORDS.get(raw) or int(raw)


_NAMED_RE = re.compile(
    r"\b(?:(?P<dby>(?:the )?day before yesterday)|(?P<today>today)|(?P<yesterday>yesterday)"
    r"|(?:this|current) (?P<this>week|month|year)(?P<so_far> so far| to date)?"
    r"|(?:last|previous|prior) (?P<last>week|month|year)"
    r"|(?:the )?past (?P<past>week|month|year)"
    r"|(?P<ytd>year to date|ytd)|(?P<mtd>month to date|mtd)"
    r"|(?P<all>all time|ever|since (?:the )?(?:beginning|start)))\b"
)
_LAST_N_RE = re.compile(
    r"\b(?:(?:in|over|during|for) )?(?:the )?(?:last|past|previous) "
    rf"(?P<n>{_N}) (?P<u>days?|weeks?|months?|years?)\b"
)
_MONTH_RE = re.compile(
    r"(?:(?P<pre>\b(?:in|for|during|of|since|from|between|and|vs|versus|to|with|than|compare|"
    r"through|until|till|or|before|after)) )?"
    rf"\b(?P<m>{MONTH})\.?(?![^\W\d_])(?:,? ?(?P<y>'\d{{2}}|(?:19|20)\d{{2}}))?(?![\d])"
)
_YEAR_RE = re.compile(r"(?<![\w₹$€£.,/:-])(?P<y>(?:19|20)\d{2})(?![\w/:-]|[.,]\d)")
_RANGE_RE = re.compile(r"\b(?:between|from) ")
_SINCE_RE = re.compile(r"\bsince ")
_CONNECTOR_RE = re.compile(r" ?(?:and|to|until|till|through|-) ?")
# The expense parser's single-day patterns, minus "last week" (a week here, not a day) and
# "tomorrow".
_DAY_PATTERNS = [(p, kind) for p, kind, _read in DATE_PATTERNS if kind not in ("-7", "+1")]


def _named(m: re.Match, today: date) -> Period:
    if m["dby"]:
        return day_period(today - timedelta(days=2), "the day before yesterday")
    if m["today"]:
        return day_period(today, "today")
    if m["yesterday"]:
        return day_period(today - timedelta(days=1), "yesterday")
    if unit := m["this"]:
        if unit == "week":
            return week_period(today, "this week")
        if unit == "month":
            period = month_period(today)
            return Period(period.start, today, f"{period.label} so far") if m["so_far"] else period
        period = year_period(today.year)
        return Period(period.start, today, f"{today.year} so far") if m["so_far"] else period
    if unit := m["last"]:
        if unit == "week":
            return week_period(today - timedelta(days=7), "last week")
        if unit == "month":
            return month_period(previous_month(today))
        return year_period(today.year - 1)
    if unit := m["past"]:
        days = {"week": 7, "month": 30, "year": 365}[unit]
        return window(today, today - timedelta(days=days - 1), f"the past {unit}")
    if m["ytd"]:
        return Period(date(today.year, 1, 1), today, f"{today.year} so far")
    if m["mtd"]:
        return Period(today.replace(day=1), today, f"{month_period(today).label} so far")
    return Period(None, None, "all time")


def _last_n(m: re.Match, today: date) -> Period | None:
    n = _number(m["n"])
    unit = m["u"].rstrip("s")
    words = f"the last {n} {unit}{'s' if n != 1 else ''}"
    if not 1 <= n <= 3660:
        return None
    if unit == "day":
        return window(today, today - timedelta(days=n - 1), words)
    if unit == "week":
        return window(today, today - timedelta(days=7 * n - 1), words)
    months = n if unit == "month" else 12 * n
    if months > 1200:
        return None
    back = shift_months(today.replace(day=1), -months)
    last_day = month_period(back).end.day
    return window(today, back.replace(day=min(today.day, last_day)) + timedelta(days=1), words)


def _month(m: re.Match, today: date, *, bare_may: bool = False) -> Period | None:
    name, raw_year = m["m"], m["y"]
    if name == "may" and not (raw_year or m["pre"] or bare_may):
        return None  # "may I ask …"
    month = MONTHS[name]
    if raw_year:
        digits = raw_year.lstrip("'")
        year = int(digits) + (2000 if len(digits) == 2 else 0)
        if not today.year - 50 <= year <= today.year + 5:
            return None
    else:
        year = today.year if month <= today.month else today.year - 1
    return month_period(date(year, month, 1))


def _year(m: re.Match, today: date) -> Period | None:
    year = int(m["y"])
    if not today.year - 50 <= year <= today.year + 1:
        return None
    return year_period(year)


def _day(m: re.Match, kind: str, today: date, currency: str) -> tuple[Period, int] | None:
    found = date_from_match(m, kind, today, currency)
    if found is None or found[0] is None:
        return None
    day, end = found
    if kind == "-1" and m.group(0).strip().startswith("yesterday"):
        return day_period(day, "yesterday"), end
    if kind == "0" and m.group(0).strip().startswith("today"):
        return day_period(day, "today"), end
    return day_period(day), end


@dataclass
class _Unit:
    period: Period
    end: int


def _unit_at(text: str, pos: int, today: date, currency: str) -> _Unit | None:
    """A period named exactly at `pos`: a day, a month, a year, or a named period."""
    if m := _NAMED_RE.match(text, pos):
        period = _named(m, today)
        if period.start is not None:
            return _Unit(period, m.end())
    exact = [(p, k) for p, k in _DAY_PATTERNS if k in _EXACT_DAYS]
    loose = [(p, k) for p, k in _DAY_PATTERNS if k not in _EXACT_DAYS]
    for pattern, kind in exact:
        if (m := pattern.match(text, pos)) and (found := _day(m, kind, today, currency)):
            return _Unit(*found)
    if (m := _MONTH_RE.match(text, pos)) and (period := _month(m, today, bare_may=True)):
        return _Unit(period, m.end())
    if (m := _YEAR_RE.match(text, pos)) and (period := _year(m, today)):
        return _Unit(period, m.end())
    for pattern, kind in loose:
        if (m := pattern.match(text, pos)) and (found := _day(m, kind, today, currency)):
            return _Unit(*found)
    return None


_EXACT_DAYS = ("ymd", "numeric3", "dm", "md")


def find_periods(text: str, today: date, currency: str = "") -> list[Period]:
    """Every period a (normalised) question names, in the order they appear."""
    taken = bytearray(len(text))
    found: list[tuple[int, Period]] = []

    def free(start: int, end: int) -> bool:
        return start < end and not any(taken[start:end])

    def take(start: int, end: int, period: Period) -> None:
        taken[start:end] = b"\x01" * (end - start)
        found.append((start, period))

    for m in _RANGE_RE.finditer(text):
        first = _unit_at(text, m.end(), today, currency)
        joint = first and _CONNECTOR_RE.match(text, first.end)
        second = joint and _unit_at(text, joint.end(), today, currency)
        if not (first and second) or not free(m.start(), second.end):
            continue
        a, b = first.period, second.period
        if b.end < a.start:
            a, b = b, a
        take(m.start(), second.end, Period(a.start, b.end, span_label(a.start, b.end)))
    for m in _SINCE_RE.finditer(text):
        since = _unit_at(text, m.end(), today, currency)
        if since and free(m.start(), since.end) and since.period.start <= today:
            start = since.period.start
            take(m.start(), since.end, Period(start, today, f"since {_d(start)}"))
    for m in _LAST_N_RE.finditer(text):
        if free(m.start(), m.end()) and (period := _last_n(m, today)):
            take(m.start(), m.end(), period)
    for m in _NAMED_RE.finditer(text):
        if free(m.start(), m.end()):
            take(m.start(), m.end(), _named(m, today))
    for pattern, kind in _DAY_PATTERNS:
        if kind not in _EXACT_DAYS:
            continue
        for m in pattern.finditer(text):
            if free(m.start(), m.end()) and (day := _day(m, kind, today, currency)):
                take(m.start(), day[1], day[0])
    for m in _MONTH_RE.finditer(text):
        if free(m.start("m"), m.end()) and (period := _month(m, today)):
            take(m.start("m"), m.end(), period)
    for m in _YEAR_RE.finditer(text):
        if free(m.start(), m.end()) and (period := _year(m, today)):
            take(m.start(), m.end(), period)
    for pattern, kind in _DAY_PATTERNS:
        if kind in _EXACT_DAYS:
            continue
        for m in pattern.finditer(text):
            if free(m.start(), m.end()) and (day := _day(m, kind, today, currency)):
                take(m.start(), day[1], day[0])
    found.sort(key=lambda item: item[0])
    return [period for _, period in found]


# ------------------------------------------------------------------------------ names


def _tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower().replace("'", ""))


def _forms(token: str) -> set[str]:
    return {token, *singulars(token)}


def _find_category(tokens: list[str], categories: tuple[str, ...]) -> str | None:
    """The first of the household's categories the question names (singular or plural)."""
    names = sorted(((_tokens(c), c) for c in categories if _tokens(c)), key=lambda nc: -len(nc[0]))
    for i in range(len(tokens)):
        for words, name in names:
            n = len(words)
            here = tokens[i : i + n]
            if len(here) == n and here[:-1] == words[:-1] and _forms(here[-1]) & _forms(words[-1]):
                return name
    return _synonym(tokens, categories)


# Question words that must never count as a category synonym.
_QUESTION_WORDS = (
    "how much many what which who where when did do does we i me my our us spend spent spending "
    "paid pay total month week year day days today yesterday last this next top largest biggest "
    "budget budgets left overdue due upcoming compare average category categories expenses "
    "expense money most more less than on in for of the a an and or vs"
)
_NOT_SYNONYMS = frozenset(_QUESTION_WORDS.split())


def _synonym(tokens: list[str], categories: tuple[str, ...]) -> str | None:
    """A strong keyword of the expense parser ("electricity" → Utilities), if the household has
    that category. Weak, many-category words ("food") are left alone."""
    table = keyword_table()
    by_lower = {c.lower(): c for c in categories}
    for i in range(len(tokens)):
        for n in (3, 2, 1):
            words = tokens[i : i + n]
            if len(words) < n or (n == 1 and words[0] in _NOT_SYNONYMS):
                continue
            for candidate in [" ".join(words), *(" ".join([*words[:-1], s]) for s in singulars(words[-1]))]:
                hit = table.get(candidate)
                if hit is None or hit[0] < 2:
                    continue
                for preferred in hit[1]:
                    if preferred.lower() in by_lower:
                        return by_lower[preferred.lower()]
                break
    return None


_SELF_RE = re.compile(
    r"\b(?:did|have|had|do|am|was|has) i\b|\bi (?:spent|spend|paid|pay|bought|have spent)\b"
    r"|\b(?:by|for|from) me\b|\bme or\b|\bor me\b|\band me\b|\bmyself\b"
    r"|\bmy (?:own |total )?(?:spending|spend|expenses|purchases|payments|share|total)\b"
)


def _name_re(name: str) -> re.Pattern:
    return re.compile(r"(?<![^\W_])" + r"\s+".join(map(re.escape, name.lower().split())) + r"(?![^\W_])")


def _members_named(text: str, context: QuestionContext) -> list[str]:
    """The members the question names (full or first name; "I"/"me" for the asker), in order."""
    members = [m for m in context.members if m.strip()]
    firsts: dict[str, list[str]] = {}
    for member in members:
        firsts.setdefault(member.split()[0].lower(), []).append(member)
    found: dict[str, int] = {}
    for member in members:
        candidates = [member]
        first = member.split()[0]
        if len(firsts[first.lower()]) == 1 and first != member:
            candidates.append(first)
        for candidate in candidates:
            if m := _name_re(candidate).search(text):
                found[member] = min(found.get(member, m.start()), m.start())
    if m := _SELF_RE.search(text):
        found[context.asker] = min(found.get(context.asker, m.start()), m.start())
    return sorted(found, key=found.__getitem__)


def _find_budget(text: str, budgets: tuple[str, ...]) -> str | None:
    for name in sorted((b for b in budgets if b.strip()), key=len, reverse=True):
        if _name_re(name).search(text):
            return name
    return None


# ------------------------------------------------------------------------------ intents

_OTHER_HOUSEHOLD_RE = re.compile(
    r"\bneighbou?r|\b(?:other|another|all|every|everyone'?s|someone else'?s|any) (?:the )?households?\b"
    r"|\bhouseholds\b|\bother (?:families|family|people'?s|users'?)\b|\ball users\b|\bsomeone else\b"
)
_COMMAND_RE = re.compile(
    r"\b(?:drop|truncate|alter|create) (?:table|database|schema)\b|\bdelete from\b|\binsert into\b"
    r"|\bupdate \w+ set\b|\bselect\b.*\bfrom\b|\bunion (?:all )?select\b|;\s*--|\bexec(?:ute)?\s*\("
    r"|^(?:please )?(?:delete|remove|erase|wipe|drop|add|insert|update|change|edit|rename|move|transfer"
    r"|reset|clear|purge)\b"
)
_OVERDUE_RE = re.compile(
    r"\boverdue\b|\bpast due\b|\blate (?:payments?|bills?)\b|\bmissed (?:payments?|bills?)\b"
)
_UPCOMING_RE = re.compile(
    r"\bupcoming\b|\bcoming up\b|\bdue\b|\bto pay\b|\bplanned payments?\b|\bbills? (?:coming|next)\b"
)
_UPCOMING_DAYS_RE = re.compile(
    rf"\b(?:next|coming|upcoming) (?P<n>{_N}) (?P<u>days?|weeks?)\b|\bnext (?P<w>week|month)\b"
)
_BUDGET_RE = re.compile(
    r"\bbudget(?:s|ed)?\b|\b(?:left|remaining|headroom)\b|\bon track\b|\bover (?:the )?limit\b"
)
_COMPARE_RE = re.compile(
    r"\bcompar(?:e|ed|es|ing|ison)\b|\bvs\.?(?!\w)|\bversus\b|\bagainst\b"
    r"|\bthan (?:in |the )?(?:last|previous|prior|before|in|the)\b"
    r"|\bmonth[- ](?:over|on)[- ]month\b|\byear[- ](?:over|on)[- ]year\b|\bchanged?\b|\bdifference\b"
    r"|\bmore or less\b|\b(?:up|down) (?:from|on)\b"
)
_LARGEST_RE = re.compile(r"\b(?:largest|biggest|highest|most expensive|priciest|costliest|big|large|top)\b")
_CATEGORIES_RE = re.compile(
    r"\bcategor(?:y|ies)\b|\bwhere (?:did|does|do|has|have) (?:the |my |our )?money\b|\bbreak ?down\b"
    r"|\bspen[dt] (?:the )?most on\b|\bmost (?:money )?on\b|\bon what\b"
    r"|\bwhat (?:did|do|have) (?:we|i) spen[dt] (?:the )?most\b"
)
_AVERAGE_RE = re.compile(
    r"\baverage\b|\bavg\b|\bmean\b|\bper day\b|\ba day\b|\beach day\b|\bdaily\b|\bper week\b"
)
_WHO_RE = re.compile(
    r"\bwho\b|\bwhich (?:member|one of us|of us|person)\b|\beach (?:of us|member|person)\b"
    r"|\bper (?:member|person)\b|\bby (?:member|person|people)\b|\bbetween us\b|\bsplit\b"
)
_ITEMS_RE = re.compile(r"\b(?:expenses?|purchases?|payments?|items?|bills?)\b")
_TOTAL_RE = re.compile(
    r"\bhow much\b|\btotal\b|\bspen[dt]\b|\bspending\b|\bexpenses?\b|\bpaid\b|\bcosts?\b|\bmoney\b"
    r"|\boutgoings?\b|\bpurchases?\b|\bbills?\b"
)
_LIMIT_RE = re.compile(
    rf"\b(?:top|largest|biggest|highest|first|most expensive) (?P<a>{_N})\b"
    rf"|\b(?P<b>{_N}) (?:largest|biggest|highest|most expensive|priciest|top|big|largest)\b"
)
_CHARS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    return " ".join(str(text or "")[:MAX_QUESTION].translate(_CHARS).lower().split())


def classify_question(text: str, context: QuestionContext) -> Classification:
    """Read a question into an intent and parameters, offline. Never raises on any text."""
    t = normalise(text)
    if not t:
        return Classification(UNKNOWN)
    if _OTHER_HOUSEHOLD_RE.search(t):
        return Classification(UNKNOWN, {"refusal": OTHER_HOUSEHOLD})
    if _COMMAND_RE.search(t):
        return Classification(UNKNOWN, {"refusal": COMMAND})

    tokens = _tokens(t)
    periods = find_periods(t, context.today, context.currency)
    category = _find_category(tokens, context.categories)
    members = _members_named(t, context)
    member = members[0] if members else None
    budget = _find_budget(t, context.budgets)
    raw: dict = {"category": category, "member": member, "budget": budget}
    if periods:
        raw["period"] = periods[0]

    if _OVERDUE_RE.search(t):
        intent = "overdue_payments"
    elif _UPCOMING_RE.search(t):
        intent = "upcoming_payments"
        raw["days"] = _upcoming_days(t, context.today)
    elif _BUDGET_RE.search(t) or (budget and budget.lower() != (category or "").lower()):
        intent = "budget_status"
    elif len(members) >= 2 and (_COMPARE_RE.search(t) or _WHO_RE.search(t) or " or " in t):
        intent = "member_spend_by_period"  # "Asha vs Ravi": everyone, side by side
        raw["member"] = None
    elif _COMPARE_RE.search(t) or len(periods) >= 2:
        intent = "month_over_month_compare"
        if len(periods) >= 2:
            earlier, later = sorted(periods[:2], key=lambda p: p.start or date.min)
            raw["period"], raw["previous"] = later, earlier
    elif _CATEGORIES_RE.search(t):
        intent = "top_expense_categories"
        raw["limit"] = _limit(t)
    elif _WHO_RE.search(t) and not _ITEMS_RE.search(t):
        intent = "member_spend_by_period"
        raw["member"] = None  # "who spent more": everyone, side by side
    elif _LARGEST_RE.search(t):
        intent = "largest_expenses"
        raw["limit"] = _limit(t)
    elif _AVERAGE_RE.search(t):
        intent = "average_daily_spend"
    elif category:
        intent = "category_spend_by_period"
    elif member:
        intent = "member_spend_by_period"
    elif _TOTAL_RE.search(t) or periods:
        intent = "total_by_period"
    else:
        intent = UNKNOWN
    return Classification.from_json(intent, raw, context)


def _limit(text: str) -> int:
    if m := _LIMIT_RE.search(text):
        return _number(m["a"] or m["b"])
    return DEFAULT_LIMIT


def _upcoming_days(text: str, today: date) -> int:
    m = _UPCOMING_DAYS_RE.search(text)
    if m is None:
        if "this week" in text:
            return 6 - today.weekday()
        if "this month" in text:
            return (month_period(today).end - today).days
        return DEFAULT_UPCOMING_DAYS
    if m["w"]:
        return 7 if m["w"] == "week" else 30
    n = _number(m["n"])
    return n * 7 if m["u"].startswith("week") else n


# ------------------------------------------------------------------------------ validation


def _period_json(period: Period) -> dict:
    return {
        "start": period.start.isoformat() if period.start else None,
        "end": period.end.isoformat() if period.end else None,
        "label": period.label,
    }


def _valid_period(value) -> Period | None:
    """A Period from a Period or its JSON; None when the dates are not real or not in order."""
    if isinstance(value, Period):
        value = _period_json(value)
    if not isinstance(value, dict):
        return None
    days = []
    for key in ("start", "end"):
        raw = value.get(key)
        if raw is None:
            days.append(None)
            continue
        if not isinstance(raw, str):
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return None
        if not 1900 <= day.year <= 2200:
            return None
        days.append(day)
    start, end = days
    if start and end and start > end:
        return None
    label = value.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 80:
        if start and end:
            label = span_label(start, end)
        elif start:
            label = f"since {_d(start)}"
        elif end:
            label = f"until {_d(end)}"
        else:
            label = "all time"
    return Period(start, end, " ".join(label.split()))


def _valid_name(value, allowed: tuple[str, ...] | None) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        return None
    if allowed is None:
        return value.strip()
    wanted = " ".join(value.split()).casefold()
    for name in allowed:
        if " ".join(name.split()).casefold() == wanted:
            return name
    return None


def _valid_int(value, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return min(max(number, low), high)


@dataclass(frozen=True)
class Classification:
    """An intent (one of INTENTS, or "unknown") and its validated, typed parameters:
    period/previous: Period; category, member, budget: the household's own names; limit, days: int;
    refusal (unknown only): why the question is refused."""

    intent: str
    params: dict = field(default_factory=dict)

    @property
    def understood(self) -> bool:
        return self.intent in INTENTS

    def to_json(self) -> dict:
        """The parameters as JSON (for Question.params)."""
        return {
            key: _period_json(value) if isinstance(value, Period) else value
            for key, value in self.params.items()
        }

    @classmethod
    def from_json(cls, intent, params, context: QuestionContext | None = None) -> Classification:
        """Validate what a classifier produced (or what was stored).

        With a context, names must be the household's (case-insensitive; the household's spelling
        is kept) and a missing period defaults to this month; without one (re-reading a stored
        question), names are kept as strings for the caller to look up in the household.
        """
        if intent not in INTENTS:
            intent = UNKNOWN
        params = params if isinstance(params, dict) else {}
        allowed = PARAMS[intent]
        clean: dict = {}
        if "period" in allowed and (period := _valid_period(params.get("period"))):
            clean["period"] = period
        if intent in DATED and "period" not in clean and context is not None:
            clean["period"] = month_period(context.today)
        if "previous" in allowed and "period" in clean:
            previous = _valid_period(params.get("previous")) or previous_of(clean["period"])
            if previous is not None:
                clean["previous"] = previous
            else:
                clean.pop("period")
        names = {
            "category": context.categories if context else None,
            "member": context.members if context else None,
            "budget": context.budgets if context else None,
        }
        for key, choices in names.items():
            if key in allowed and (name := _valid_name(params.get(key), choices)):
                clean[key] = name
        if "limit" in allowed:
            clean["limit"] = _valid_int(params.get("limit"), 1, MAX_LIMIT) or DEFAULT_LIMIT
        if "days" in allowed:
            clean["days"] = _valid_int(params.get("days"), 1, MAX_UPCOMING_DAYS) or DEFAULT_UPCOMING_DAYS
        if "refusal" in allowed and params.get("refusal") in REFUSALS:
            clean["refusal"] = params["refusal"]
        return cls(intent, clean)
