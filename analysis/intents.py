"""How the analysis chat reads a question: one of a fixed set of intents, with typed parameters.

Each intent is one entry of ``REGISTRY`` (an ``Intent``): its parameters, the rules by which the
builtin reader picks it, its selector and the function that phrases its answer. Adding an intent
is adding an entry; nothing else lists them.

``classify_question(text, context)`` is the builtin reader: offline and deterministic, keywords
plus date parsing, trying the registered intents' rules in their order. Whatever reads a question
(this, or later an LLM asked per household) hands its intent and raw parameters to
``Classification.from_json(intent, params, context)``, which keeps only what is valid: an intent
not registered becomes "unknown", a parameter the intent does not take is dropped; a category,
member or budget that is not one of the household's names in the context is dropped (treated as
not given), never looked up anywhere else; dates must be real and in order; numbers are clamped.

The context holds plain strings and a date, no ORM objects, so it can be handed to a provider.

Single dates ("on 3 March", "last Friday", "2026-03-01", "3 days ago") reuse the builtin expense
parser's date patterns, so both chats read dates alike: ``llmsettings.parser.dates``
(``DATE_PATTERNS``, ``date_from_match``, ``MONTH``, ``MONTHS``) and ``singulars``, imported here
on purpose rather than copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from households.periods import Period, month_period, previous_month, shift_months, year_period
from llmsettings.parser import keyword_table, singulars
from llmsettings.parser.dates import DATE_PATTERNS, MONTH, MONTHS, date_from_match
from llmsettings.parser.vocabulary import NUMBER_WORDS

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
DEFAULT_AVERAGE_MONTHS = 6
MAX_AVERAGE_MONTHS = 36

# The kinds of parameter an intent may take, each validated by Classification.from_json:
# period/previous: Period; category, member, budget, occasion: the household's own names;
# limit, days, months: int.
PARAMETERS = ("period", "previous", "category", "member", "budget", "occasion", "limit", "days", "months")
# How each parameter is written, for an LLM provider that fills them in (then validated here).
PARAMETER_FORMS = {
    "period": '{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "label": "March 2026"}',
    "previous": "the period compared with, in the same form (default: the one before)",
    "category": "one of the household's category names",
    "member": "one of the household's member names",
    "budget": "one of the household's budget names",
    "occasion": "one of the household's occasion names (a wedding, a festival, a trip)",
    "limit": "how many rows, 1 to 20",
    "days": "how many days ahead, 1 to 90",
    "months": "how many full months back, 1 to 36 (default 6)",
}


@dataclass(frozen=True)
class QuestionContext:
    """What a classifier may know about the household: plain values only."""

    today: date  # today in the household's timezone
    asker: str  # the asking member's name ("me", "I")
    members: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    budgets: tuple[str, ...] = ()
    occasions: tuple[str, ...] = ()  # the most recent first: a bare "Diwali" is the latest one
    currency: str = ""
    month_first: bool = False  # 3/4 is March 4th (Household.month_first), else the 3rd of April


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
        ("today", "yesterday", "the day before", "this ", "last week", "since", "the week before", "by ")
    ):
        return label
    if period.start is not None and period.start == period.end:
        return f"on {label}"
    if label.startswith("the "):
        return f"in {label}"
    if period.start is not None and period.end is not None and "–" in label:
        return f"between {_d(period.start)} and {_d(period.end)}"
    return f"in {label}"


_N = r"(?:\d{1,4}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"


def _number(raw: str) -> int:
    return NUMBER_WORDS.get(raw) or int(raw)


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


def _day(m: re.Match, kind: str, today: date, month_first: bool) -> tuple[Period, int] | None:
    found = date_from_match(m, kind, today, month_first)
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


def _unit_at(text: str, pos: int, today: date, month_first: bool) -> _Unit | None:
    """A period named exactly at `pos`: a day, a month, a year, or a named period."""
    if m := _NAMED_RE.match(text, pos):
        period = _named(m, today)
        if period.start is not None:
            return _Unit(period, m.end())
    exact = [(p, k) for p, k in _DAY_PATTERNS if k in _EXACT_DAYS]
    loose = [(p, k) for p, k in _DAY_PATTERNS if k not in _EXACT_DAYS]
    for pattern, kind in exact:
        if (m := pattern.match(text, pos)) and (found := _day(m, kind, today, month_first)):
            return _Unit(*found)
    if (m := _MONTH_RE.match(text, pos)) and (period := _month(m, today, bare_may=True)):
        return _Unit(period, m.end())
    if (m := _YEAR_RE.match(text, pos)) and (period := _year(m, today)):
        return _Unit(period, m.end())
    for pattern, kind in loose:
        if (m := pattern.match(text, pos)) and (found := _day(m, kind, today, month_first)):
            return _Unit(*found)
    return None


_EXACT_DAYS = ("ymd", "numeric3", "dm", "md")


def find_periods(text: str, today: date, month_first: bool = False) -> list[Period]:
    """Every period a (normalised) question names, in the order they appear."""
    taken = bytearray(len(text))
    found: list[tuple[int, Period]] = []

    def free(start: int, end: int) -> bool:
        return start < end and not any(taken[start:end])

    def take(start: int, end: int, period: Period) -> None:
        taken[start:end] = b"\x01" * (end - start)
        found.append((start, period))

    for m in _RANGE_RE.finditer(text):
        first = _unit_at(text, m.end(), today, month_first)
        joint = first and _CONNECTOR_RE.match(text, first.end)
        second = joint and _unit_at(text, joint.end(), today, month_first)
        if not (first and second) or not free(m.start(), second.end):
            continue
        a, b = first.period, second.period
        if b.end < a.start:
            a, b = b, a
        take(m.start(), second.end, Period(a.start, b.end, span_label(a.start, b.end)))
    for m in _SINCE_RE.finditer(text):
        since = _unit_at(text, m.end(), today, month_first)
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
            if free(m.start(), m.end()) and (day := _day(m, kind, today, month_first)):
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
            if free(m.start(), m.end()) and (day := _day(m, kind, today, month_first)):
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


# Words of an occasion's name too common to pick it by themselves ("our", "the", "day").
_OCCASION_NOISE = frozenset(
    {"s", "th", "st", "nd", "rd", "our", "their", "his", "her", "its", "family", "home"}
    | {"big", "little", "new", "old", "at", "to", "with", "from"}
)


def find_occasion(
    tokens: list[str], occasions: tuple[str, ...], *, ignore: tuple[str, ...] = ()
) -> str | None:
    """The household occasion a question names, fuzzily: "the wedding" is "Asha's wedding",
    "Diwali" the latest "Diwali 2026" (the occasions come most recent first), "Diwali 2025" that
    one. A word counts when it is in the name (singular or plural); a year only tells apart names
    that match by a word. Question words, and the words of `ignore` (the members' and the
    category's names), never pick an occasion."""
    said = [_forms(t) for t in tokens]
    skip = {w for name in ignore for w in _tokens(name)} | _NOT_SYNONYMS | _OCCASION_NOISE
    best, best_score = None, (0, 0, 0)
    for order, name in enumerate(occasions):
        words = _tokens(name)
        plain = [w for w in words if not w.isdigit() and len(w) > 1 and not _forms(w) & skip]
        numbers = [w for w in words if w.isdigit()]
        matched = sum(1 for w in plain if any(_forms(w) & forms for forms in said))
        if not matched:
            continue
        years = sum(1 for w in numbers if w in tokens)
        score = (matched, years, -order)
        if score > best_score:
            best, best_score = name, score
    return best


# ------------------------------------------------------------------------------ intents
#
# Every intent is one entry of the registry below: its name, the parameters it takes, when the
# builtin reader picks it (its rules), the selector whose numbers answer it and the function that
# phrases the answer. The reader, the validation and the answers all go through the registry.

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
# Words more than one intent's rules look for.
_COMPARE_RE = re.compile(
    r"\bcompar(?:e|ed|es|ing|ison)\b|\bvs\.?(?!\w)|\bversus\b|\bagainst\b"
    r"|\bthan (?:in |the )?(?:last|previous|prior|before|in|the)\b"
    r"|\bmonth[- ](?:over|on)[- ]month\b|\byear[- ](?:over|on)[- ]year\b|\bchanged?\b|\bdifference\b"
    r"|\bmore or less\b|\b(?:up|down) (?:from|on)\b"
)
_WHO_RE = re.compile(
    r"\bwho\b|\bwhich (?:member|one of us|of us|person)\b|\beach (?:of us|member|person)\b"
    r"|\bper (?:member|person)\b|\bby (?:member|person|people)\b|\bbetween us\b|\bsplit\b"
)
_UPCOMING_DAYS_RE = re.compile(
    rf"\b(?:next|coming|upcoming) (?P<n>{_N}) (?P<u>days?|weeks?)\b|\bnext (?P<w>week|month)\b"
)
_LIMIT_RE = re.compile(
    rf"\b(?:top|largest|biggest|highest|first|most expensive) (?P<a>{_N})\b"
    rf"|\b(?P<b>{_N}) (?:largest|biggest|highest|most expensive|priciest|top|big|largest)\b"
)
_CHARS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    return " ".join(str(text or "")[:MAX_QUESTION].translate(_CHARS).lower().split())


@dataclass(frozen=True)
class Reading:
    """What the builtin reader found in a question, before it picks the intent."""

    text: str  # normalised
    today: date
    periods: tuple[Period, ...] = ()  # in the order the question names them
    members: tuple[str, ...] = ()  # likewise ("I"/"me" is the asker)
    category: str | None = None
    budget: str | None = None
    occasion: str | None = None

    @property
    def member(self) -> str | None:
        return self.members[0] if self.members else None


@dataclass(frozen=True)
class Rule:
    """One way of asking that makes the builtin reader pick an intent.

    The reader tries every intent's rules by `order`, lowest first (in registry order when two are
    equal), and the first that matches picks its intent. A rule matches when its `words` (a regular
    expression) are in the normalised question and its `unless` words are not, or when `when` holds
    of what the question names. `reads` gives the parameters this way of asking implies, over those
    every question has (its first period, category, member and budget).
    """

    order: int
    words: re.Pattern | str | None = None
    unless: re.Pattern | str | None = None
    when: Callable[[Reading], object] | None = None
    reads: Callable[[Reading], dict] | None = None

    def matches(self, reading: Reading) -> bool:
        text = reading.text
        worded = self.words is not None and re.search(self.words, text) is not None
        if worded and (self.unless is None or re.search(self.unless, text) is None):
            return True
        return self.when is not None and bool(self.when(reading))


@dataclass(frozen=True)
class Intent:
    """One thing the chat answers, all in one place.

    `params` are the kinds of parameter it takes (of PARAMETERS; any other is dropped), `dated`
    that a question naming no period means this month, `defaults` the value of a parameter not
    given or not valid. `selector` and `answer` are dotted paths, so that this module stays plain
    reading: the selector whose numbers answer the question (the answer calls it as
    ``ask.select(...)``, for the asking household), and the function that phrases them (an
    ``answers.Ask`` in, an ``answers.Answer`` out).
    """

    name: str  # kept as Question.intent: at most 40 characters
    params: tuple[str, ...]
    rules: tuple[Rule, ...]
    selector: str
    answer: str
    dated: bool = False
    defaults: dict = field(default_factory=dict)
    summary: str = ""  # what it answers, for an LLM provider that picks the intent


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


def _a_limit(reading: Reading) -> dict:
    return {"limit": _limit(reading.text)}


def _days_ahead(reading: Reading) -> dict:
    return {"days": _upcoming_days(reading.text, reading.today)}


def _everyone(reading: Reading) -> dict:
    return {"member": None}  # everyone, side by side


def _the_two_periods(reading: Reading) -> dict:
    """The first two periods named: the later one, and the earlier as the one to compare with."""
    if len(reading.periods) < 2:
        return {}
    earlier, later = sorted(reading.periods[:2], key=lambda p: p.start or date.min)
    return {"period": later, "previous": earlier}


def _members_side_by_side(reading: Reading) -> bool:
    """Two members or more, set against each other: "Asha vs Ravi", "me or Asha"."""
    text = reading.text
    return len(reading.members) >= 2 and bool(
        _COMPARE_RE.search(text) or _WHO_RE.search(text) or " or " in text
    )


_LEFT_RE = re.compile(
    r"\b(?:left|remaining|remains?|headroom|to spare)\b|\bstill (?:have|got) (?:left )?to spend\b"
)
_THIS_MONTH_RE = re.compile(r"\b(?:this|current) month\b|\bfor the month\b|\bmonthly\b|\bmonth'?s\b")
_MONTHLY_RE = re.compile(
    r"\b(?:per|a|each|every|by) month\b(?! ago)|\bmonthly\b|\bmonth(?:ly)? average\b"
    r"|\baverage month\b|\baverage\b.*\bmonths\b|\bmonths\b.*\baverage\b|\bon average\b.*\bmonth\b"
)
_DAILY_RE = r"\bper day\b|\ba day\b|\beach day\b|\bdaily\b|\bper week\b"
_MONTHS_BACK_RE = re.compile(
    rf"\b(?:last|past|previous|over) (?P<n>{_N}) (?P<u>months?|years?)\b|\b(?P<n2>{_N}) months\b"
    r"|\b(?P<year>(?:last|past|previous) year|a year|annual|yearly)\b"
)


def _months_back(reading: Reading) -> dict:
    """How many full months an average is over: "the last 12 months", "a year"; else 6."""
    m = _MONTHS_BACK_RE.search(reading.text)
    if m is None:
        return {"months": DEFAULT_AVERAGE_MONTHS}
    if m["year"]:
        return {"months": 12}
    raw = m["n"] or m["n2"]
    months = _number(raw) * (12 if (m["u"] or "").startswith("year") else 1)
    return {"months": months}


# After "what's due": a span of days is "upcoming payments" ("what's due in the next 10 days").
_NOT_A_SPAN = r"(?! (?:in|within|over|next|this|on|by)\b)"


def _an_occasion_spent(reading: Reading) -> bool:
    """An occasion by name, unless the question names a budget or asks what is left of one."""
    text = reading.text
    return bool(reading.occasion) and not (reading.budget or _LEFT_RE.search(text) or "budget" in text)


def _left_this_month(reading: Reading) -> bool:
    return bool(_LEFT_RE.search(reading.text) and _THIS_MONTH_RE.search(reading.text))


def _a_budget_not_the_category(reading: Reading) -> bool:
    """A budget by name, unless the name is also the category's ("Groceries" for both)."""
    return bool(reading.budget) and reading.budget.lower() != (reading.category or "").lower()


BUILTIN_INTENTS = (
    Intent(
        "total_by_period",
        summary="the total the household spent in a period",
        params=("period",),
        dated=True,
        rules=(
            Rule(
                120,
                words=r"\bhow much\b|\btotal\b|\bspen[dt]\b|\bspending\b|\bexpenses?\b|\bpaid\b|\bcosts?\b"
                r"|\bmoney\b|\boutgoings?\b|\bpurchases?\b|\bbills?\b",
                when=lambda reading: reading.periods,
            ),
        ),
        selector="analysis.selectors.total_for_period",
        answer="analysis.answers.total",
    ),
    Intent(
        "category_spend_by_period",
        summary="what was spent on one category in a period (optionally by one member)",
        params=("period", "category", "member"),
        dated=True,
        rules=(Rule(100, when=lambda reading: reading.category),),
        selector="analysis.selectors.spend_by_category",
        answer="analysis.answers.category_spend",
    ),
    Intent(
        "month_over_month_compare",
        summary="a period compared with the one before it",
        params=("period", "previous", "category"),
        dated=True,
        rules=(
            Rule(
                50,
                words=_COMPARE_RE,
                when=lambda reading: len(reading.periods) >= 2,
                reads=_the_two_periods,
            ),
        ),
        selector="analysis.selectors.compare_periods",
        answer="analysis.answers.compare",
    ),
    Intent(
        "top_expense_categories",
        summary="the categories that took the most money in a period",
        params=("period", "limit"),
        dated=True,
        defaults={"limit": DEFAULT_LIMIT},
        rules=(
            Rule(
                60,
                words=r"\bcategor(?:y|ies)\b|\bwhere (?:did|does|do|has|have) (?:the |my |our )?money\b"
                r"|\bbreak ?down\b|\bspen[dt] (?:the )?most on\b|\bmost (?:money )?on\b|\bon what\b"
                r"|\bwhat (?:did|do|have) (?:we|i) spen[dt] (?:the )?most\b",
                reads=_a_limit,
            ),
        ),
        selector="analysis.selectors.spend_by_category",
        answer="analysis.answers.top_categories",
    ),
    Intent(
        "member_spend_by_period",
        summary="what each member (or one member) paid in a period",
        params=("period", "member", "category"),
        dated=True,
        rules=(
            Rule(40, when=_members_side_by_side, reads=_everyone),  # "Asha vs Ravi"
            Rule(  # "who spent more", but not "who paid the largest bills"
                70,
                words=_WHO_RE,
                unless=r"\b(?:expenses?|purchases?|payments?|items?|bills?)\b",
                reads=_everyone,
            ),
            Rule(110, when=lambda reading: reading.member),  # "how much did Asha spend"
        ),
        selector="analysis.selectors.spend_by_member",
        answer="analysis.answers.member_spend",
    ),
    Intent(
        "budget_status",
        summary="how full the budgets are, or one budget, and how much is left",
        params=("period", "budget"),
        rules=(
            Rule(
                30,
                words=r"\bbudget(?:s|ed)?\b|\bon track\b|\bover (?:the )?limit\b",
                when=_a_budget_not_the_category,
            ),
        ),
        selector="analysis.selectors.budget_statuses",
        answer="analysis.answers.budget_status",
    ),
    Intent(
        "budget_left",
        summary="how much is left in each budget (or one) for its current period, and which "
        "sub-budgets are over",
        params=("budget",),
        rules=(Rule(29, words=_LEFT_RE),),
        selector="analysis.selectors.budget_statuses",
        answer="analysis.answers.budget_left",
    ),
    Intent(
        "budget_left_this_month",
        summary="how much is left this month in the monthly budgets, and which sub-budgets are over",
        params=("budget",),
        rules=(Rule(28, when=_left_this_month),),
        selector="analysis.selectors.budget_statuses",
        answer="analysis.answers.budget_left_this_month",
    ),
    Intent(
        "occasion_spend",
        summary="what was spent on one occasion (a wedding, a festival, a trip), whatever the date",
        params=("occasion",),
        rules=(Rule(27, when=_an_occasion_spent),),
        selector="analysis.selectors.occasion_spend",
        answer="analysis.answers.occasion_spend",
    ),
    Intent(
        "monthly_average",
        summary="the average spent per month (on one category, or on everything) over the last "
        "full months, months with nothing counting as zero",
        params=("category", "months"),
        defaults={"months": DEFAULT_AVERAGE_MONTHS},
        rules=(Rule(85, words=_MONTHLY_RE, unless=_DAILY_RE, reads=_months_back),),
        selector="analysis.selectors.monthly_trend",
        answer="analysis.answers.monthly_average",
    ),
    Intent(
        "largest_expenses",
        summary="the largest expenses of a period",
        params=("period", "limit"),
        dated=True,
        defaults={"limit": DEFAULT_LIMIT},
        rules=(
            Rule(
                80,
                words=r"\b(?:largest|biggest|highest|most expensive|priciest|costliest|big|large|top)\b",
                reads=_a_limit,
            ),
        ),
        selector="analysis.selectors.largest_expenses",
        answer="analysis.answers.largest",
    ),
    Intent(
        "average_daily_spend",
        summary="the average spent per day in a period",
        params=("period",),
        dated=True,
        rules=(
            Rule(
                90,
                words=r"\baverage\b|\bavg\b|\bmean\b|\bper day\b|\ba day\b|\beach day\b|\bdaily\b"
                r"|\bper week\b",
            ),
        ),
        selector="analysis.selectors.average_daily_spend",
        answer="analysis.answers.average",
    ),
    Intent(
        "overdue_payments",
        summary="planned payments whose due date has passed",
        params=(),
        rules=(
            Rule(
                10,
                words=r"\boverdue\b|\bpast due\b|\blate (?:payments?|bills?)\b"
                r"|\bmissed (?:payments?|bills?)\b",
            ),
        ),
        selector="analysis.selectors.overdue_payments",
        answer="analysis.answers.overdue",
    ),
    Intent(
        "upcoming_payments",
        summary="planned payments due in the next days",
        params=("days",),
        defaults={"days": DEFAULT_UPCOMING_DAYS},
        rules=(
            Rule(
                20,
                words=r"\bupcoming\b|\bcoming up\b|\bdue\b|\bto pay\b|\bplanned payments?\b"
                r"|\bbills? (?:coming|next)\b",
                reads=_days_ahead,
            ),
        ),
        selector="analysis.selectors.upcoming_payments",
        answer="analysis.answers.upcoming",
    ),
    Intent(
        "due_soon",
        summary="planned payments overdue or due in the next days (14 unless asked), with their total",
        params=("days",),
        defaults={"days": DEFAULT_UPCOMING_DAYS},
        rules=(
            Rule(
                9,
                words=r"\bdue soon\b|\bsoon due\b|\bcoming due\b|\bdue or overdue\b|\boverdue or due\b"
                rf"|\bwhat(?:'?s| is| are| will be) (?:falling )?due\b{_NOT_A_SPAN}"
                rf"|\bbills? due\b{_NOT_A_SPAN}|\bpay soon\b|\b(?:need|have|got) to pay\b{_NOT_A_SPAN}",
                reads=_days_ahead,
            ),
        ),
        selector="analysis.selectors.due_soon_payments",
        answer="analysis.answers.due_soon",
    ),
)

# The intents by name, in registry order (the order that breaks ties between rules).
REGISTRY: dict[str, Intent] = {intent.name: intent for intent in BUILTIN_INTENTS}
INTENTS = tuple(REGISTRY)  # the builtin intents' names


def register(intent: Intent) -> Intent:
    """Add an intent, after those there are. A name is registered once; "unknown" never is."""
    if intent.name in REGISTRY or intent.name == UNKNOWN:
        raise ValueError(f"the intent {intent.name!r} is already registered")
    REGISTRY[intent.name] = intent
    return intent


def unregister(name: str) -> None:
    del REGISTRY[name]


def _rules() -> list[tuple[Rule, Intent]]:
    """Every registered intent's rules, in the order the builtin reader tries them."""
    rules = [(rule, intent) for intent in REGISTRY.values() for rule in intent.rules]
    return sorted(rules, key=lambda pair: pair[0].order)  # stable: registry order among equals


def classify_question(text: str, context: QuestionContext) -> Classification:
    """Read a question into an intent and parameters, offline. Never raises on any text."""
    t = normalise(text)
    if not t:
        return Classification(UNKNOWN)
    if _OTHER_HOUSEHOLD_RE.search(t):
        return Classification(UNKNOWN, {"refusal": OTHER_HOUSEHOLD})
    if _COMMAND_RE.search(t):
        return Classification(UNKNOWN, {"refusal": COMMAND})

    reading = Reading(
        text=t,
        today=context.today,
        periods=tuple(find_periods(t, context.today, context.month_first)),
        members=tuple(_members_named(t, context)),
        category=_find_category(_tokens(t), context.categories),
        budget=_find_budget(t, context.budgets),
    )
    ignore = (*context.members, *([reading.category] if reading.category else []))
    reading = replace(reading, occasion=find_occasion(_tokens(t), context.occasions, ignore=ignore))
    raw: dict = {
        "category": reading.category,
        "member": reading.member,
        "budget": reading.budget,
        "occasion": reading.occasion,
    }
    if reading.periods:
        raw["period"] = reading.periods[0]
    for rule, intent in _rules():
        if rule.matches(reading):
            implied = rule.reads(reading) if rule.reads else {}
            return Classification.from_json(intent.name, {**raw, **implied}, context)
    return Classification(UNKNOWN)


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


def _valid_occasion(value, context: QuestionContext | None) -> str | None:
    """One of the household's occasions: its exact name, else the one the words name fuzzily."""
    if context is None:
        return _valid_name(value, None)
    if name := _valid_name(value, context.occasions):
        return name
    if not isinstance(value, str) or len(value) > MAX_NAME:
        return None
    return find_occasion(_tokens(value), context.occasions)


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
    """A registered intent's name (or "unknown") and its validated, typed parameters:
    period/previous: Period; category, member, budget: the household's own names; limit, days: int;
    refusal (unknown only): why the question is refused."""

    intent: str
    params: dict = field(default_factory=dict)

    @property
    def understood(self) -> bool:
        return self.intent in REGISTRY

    def to_json(self) -> dict:
        """The parameters as JSON (for Question.params)."""
        return {
            key: _period_json(value) if isinstance(value, Period) else value
            for key, value in self.params.items()
        }

    @classmethod
    def from_json(cls, intent, params, context: QuestionContext | None = None) -> Classification:
        """Validate what a classifier produced (or what was stored), by the intent's registry entry.

        With a context, names must be the household's (case-insensitive; the household's spelling
        is kept) and a missing period defaults to this month; without one (re-reading a stored
        question), names are kept as strings for the caller to look up in the household.
        """
        entry = REGISTRY.get(intent) if isinstance(intent, str) else None
        params = params if isinstance(params, dict) else {}
        if entry is None:
            refusal = params.get("refusal")
            return cls(UNKNOWN, {"refusal": refusal} if refusal in REFUSALS else {})
        takes = entry.params
        clean: dict = {}
        if "period" in takes and (period := _valid_period(params.get("period"))):
            clean["period"] = period
        if entry.dated and "period" not in clean and context is not None:
            clean["period"] = month_period(context.today)
        if "previous" in takes and "period" in clean:
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
            if key in takes and (name := _valid_name(params.get(key), choices)):
                clean[key] = name
        if "occasion" in takes and (name := _valid_occasion(params.get("occasion"), context)):
            clean["occasion"] = name
        for key, most in (("limit", MAX_LIMIT), ("days", MAX_UPCOMING_DAYS), ("months", MAX_AVERAGE_MONTHS)):
            if key in takes and (number := _valid_int(params.get(key), 1, most) or entry.defaults.get(key)):
                clean[key] = number
        return cls(entry.name, clean)
