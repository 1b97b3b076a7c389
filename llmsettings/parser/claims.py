"""The first pass: spans of a message that are not money are claimed before amounts are looked for.

List markers, dates, rates ("/month"), times, years, quantities ("2 kg", "x2", "2 nights"),
references, and who paid. A claimed span is either removed from the description (dates, times,
payers) or kept in it but not read for a category (quantities, references). ``CLAIMS`` is the
order they are claimed in: a span one claims is not free for the next.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from llmsettings.parser.amounts import CURRENCY_BEFORE_RE, UNIT
from llmsettings.parser.dates import DATE_PATTERNS, MONTH
from llmsettings.parser.household import BY_VERB, PAY_VERB, PAYMENT_METHOD, Household
from llmsettings.parser.text import NOT_LETTER, WORD_RE, alternation
from llmsettings.parser.vocabulary import (
    LIQUIDS,
    MARKUP_ELEMENTS,
    RATE_UNITS_AFTER_SLASH,
    RATE_UNITS_AFTER_WORD,
    RATE_WORDS,
    REFERENCE_WORDS,
    UNITS,
)

# Markup and code: a script or style element whole, any tag, an entity, a template expression.
MARKUP_RE = re.compile(
    rf"<\s*(?P<element>{alternation(MARKUP_ELEMENTS)})\b[^>]*>.*?(?:<\s*/\s*(?P=element)\s*>|$)"
    r"|</?[A-Za-z!][^<>\n]{0,200}>|&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#x[0-9A-Fa-f]{1,6});"
    r"|\{\{.{0,200}?\}\}|\$\{.{0,200}?\}|\{%.{0,200}?%\}",
    re.I | re.S,
)
LIST_MARKER_RE = re.compile(r"(?m)^[ ]*(?:[0-9]{1,2}[.)]|[-*])[ ]+")
RATE_RE = re.compile(
    rf"(?<=[0-9])\s*/\s*{alternation(RATE_UNITS_AFTER_SLASH)}\b"
    rf"|\b{alternation(RATE_WORDS)}\s+{alternation(RATE_UNITS_AFTER_WORD)}\b",
    re.I,
)
TIME_RE = re.compile(
    r"(?:\bat\s+)?(?<![0-9.,])[0-9]{1,2}(?:[:.][0-5][0-9])?\s*(?:am|pm|a\.m\.?|p\.m\.?)"
    + NOT_LETTER
    + r"|(?:\bat\s+)?(?<![0-9.,:])[0-9]{1,2}:[0-5][0-9](?![0-9])"
    + r"|(?:\bat\s+)?\b[0-9]{1,2}\s*o'?clock\b",
    re.I,
)
YEAR_PATTERNS = [
    re.compile(rf"\b{MONTH}\.?\s*,?\s*'?(?P<y>(?:19|20)[0-9]{{2}})(?![0-9])", re.I),
    re.compile(r"\b(?:in|since|year|fy)\s+(?P<y>(?:19|20)[0-9]{2})(?![0-9])", re.I),
    re.compile(rf"\b{MONTH}\.?\s*'(?P<y>[0-9]{{2}})(?![0-9])", re.I),
]
# A number and the word after it: a quantity when the word is a unit (a unit of several words,
# "sq ft", is looked for whole; one word is checked against UNIT_RE, which is much faster than
# trying the whole alternation at every digit).
UNIT_RE = re.compile(UNIT, re.I)
_UNITS_OF_WORDS = alternation(u for u in UNITS if not u.isalpha())
QUANTITY_RE = re.compile(rf"(?<![0-9.,])[0-9]+(?:[.,/][0-9]+)?\s*(?P<unit>{_UNITS_OF_WORDS}|[^\W\d_]+)", re.I)
# Numbers that are not money but stay in the description.
KEEP_PATTERNS = [
    re.compile(r"(?<![\w.])[x*]\s*[0-9]{1,2}(?![0-9.,])", re.I),
    re.compile(r"(?<![0-9.,])[0-9]{1,2}\s*x(?![^\W\d_])", re.I),
    re.compile(r"\b(?:qty|quantity)\s*[:.-]?\s*[0-9]+", re.I),
    re.compile(
        rf"#\s*[0-9][0-9-]*|\b{alternation(REFERENCE_WORDS)}\b\.?\s*[:#]?\s*[0-9][0-9-]*",
        re.I,
    ),
    re.compile(r"(?<![0-9.,])[0-9]{1,2}(?:st|nd|rd|th)\b", re.I),
    re.compile(r"(?<![0-9.,])[0-9]{1,2}\s+of\s+(?:us|them|you|we)\b", re.I),  # "for the 4 of us"
    re.compile(r"(?<![0-9.,])[0-9]+(?:[.,][0-9]+)?\s*(?:%|percent\b|per\s+cent\b)", re.I),
]
_DIGIT_RE = re.compile(r"[0-9]")
SELF_PATTERNS = [
    re.compile(rf"\b(?:i|we)\s+(?:(?:have|had|just|also|already)\s+)?{PAY_VERB}\b", re.I),
    re.compile(rf"\b(?:{BY_VERB}\s+)?by\s+(?:me|myself|us)\b", re.I),
    re.compile(rf"\b(?:(?:on|with|using|via|from|through|by)\s+)?my\s+{PAYMENT_METHOD}\b", re.I),
    re.compile(r"\bon\s+me\b(?!\s+and)", re.I),
]


@dataclass
class Mention:
    start: int
    end: int
    value: object  # a date or a member name


class Claims:
    """The spans of one message: what is claimed, what leaves the description, and mentions."""

    def __init__(self, text: str, home: Household, today: datetime.date, month_first: bool = False):
        self.text = text
        self.home = home
        self.today = today
        self.month_first = month_first
        self.taken = bytearray(len(text))
        self.removed: list[tuple[int, int]] = []
        self.kept: list[tuple[int, int]] = []  # quantities and references: described, not a category
        self.dates: list[Mention] = []
        self.bad_dates: list[Mention] = []
        self.payers: list[Mention] = []
        for claim in CLAIMS:
            claim(self)
        self.dates.sort(key=lambda d: d.start)
        self.payers.sort(key=lambda p: p.start)

    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.taken[start:end])

    def claim(self, start: int, end: int, remove: bool) -> None:
        self.taken[start:end] = b"\x01" * (end - start)
        (self.removed if remove else self.kept).append((start, end))

    def claim_free(self, pattern: re.Pattern, remove: bool) -> None:
        for m in pattern.finditer(self.text):
            if self.free(m.start(), m.end()):
                self.claim(m.start(), m.end(), remove=remove)

    def add_payer(self, start: int, end: int, member: str) -> None:
        self.claim(start, end, remove=True)
        self.payers.append(Mention(start, end, member))


def claim_markup(claims: Claims) -> None:
    claims.claim_free(MARKUP_RE, remove=True)


def claim_list_markers(claims: Claims) -> None:
    claims.claim_free(LIST_MARKER_RE, remove=True)


def claim_dates(claims: Claims) -> None:
    text = claims.text
    for pattern, _kind, read in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if not claims.free(m.start(), m.end()):
                continue
            found = read(m, claims.today, claims.month_first)
            if found is None:
                continue
            value, end = found
            claims.claim(m.start(), end, remove=True)
            if value is None:
                claims.bad_dates.append(Mention(m.start(), end, text[m.start() : end].strip()))
            else:
                claims.dates.append(Mention(m.start(), end, value))


def claim_rates(claims: Claims) -> None:
    claims.claim_free(RATE_RE, remove=True)


def claim_times(claims: Claims) -> None:
    claims.claim_free(TIME_RE, remove=True)


def claim_years(claims: Claims) -> None:
    year_now = claims.today.year
    for pattern in YEAR_PATTERNS:
        for m in pattern.finditer(claims.text):
            year = int(m.group("y"))
            year += 2000 if year < 100 else 0
            if year_now - 10 <= year <= year_now + 1 and claims.free(m.start("y"), m.end("y")):
                claims.claim(m.start("y"), m.end("y"), remove=False)


def _currency_before(text: str, start: int) -> bool:
    return bool(CURRENCY_BEFORE_RE.search(text, max(0, start - 8), start))


def _litres(text: str, m: re.Match) -> bool:
    """Whether "<number> L" is litres: a liquid is named, or another number is the price."""
    near = WORD_RE.findall(text[max(0, m.start() - 30) : m.end() + 30].lower())
    if any(word in LIQUIDS for word in near):
        return True
    return bool(_DIGIT_RE.search(text, 0, m.start()) or _DIGIT_RE.search(text, m.end()))


def claim_quantities(claims: Claims) -> None:
    text = claims.text
    for m in QUANTITY_RE.finditer(text):
        if m.group("unit").lower() == "l" and not _litres(text, m):
            continue  # "1.5L for the sofa" is 1.5 lakh
        if (
            UNIT_RE.fullmatch(m.group("unit"))
            and claims.free(m.start(), m.end())
            and not _currency_before(text, m.start())
        ):
            claims.claim(m.start(), m.end(), remove=False)


def claim_references(claims: Claims) -> None:
    text = claims.text
    for pattern in KEEP_PATTERNS:
        for m in pattern.finditer(text):
            if claims.free(m.start(), m.end()) and not _currency_before(text, m.start()):
                claims.claim(m.start(), m.end(), remove=False)


def claim_payers(claims: Claims) -> None:
    text, home = claims.text, claims.home
    if home.prefix_payer is not None:
        m = home.prefix_payer.match(text)
        if m and home.member(m) and claims.free(m.start("name"), m.end("name")):
            claims.add_payer(m.start(), m.end(), home.member(m))
    for pattern in home.payer_patterns:
        for m in pattern.finditer(text):
            if home.member(m) and claims.free(m.start(), m.end()):
                claims.add_payer(m.start(), m.end(), home.member(m))
    if home.suffix_payer is not None:
        m = home.suffix_payer.search(text)
        before = text[: m.start()].rstrip() if m else ""
        after_amount = bool(before) and (before[-1].isdigit() or before[-1] in ",-:;(/")
        if m and after_amount and home.member(m) and claims.free(m.start("name"), m.end("name")):
            claims.add_payer(m.start(), m.end(), home.member(m))
    for pattern in SELF_PATTERNS:
        for m in pattern.finditer(text):
            if claims.free(m.start(), m.end()):
                claims.add_payer(m.start(), m.end(), home.speaker)


CLAIMS = (
    claim_markup,
    claim_list_markers,
    claim_dates,
    claim_rates,
    claim_times,
    claim_years,
    claim_quantities,
    claim_references,
    claim_payers,
)
