"""Amounts: which numbers are money, and what they are worth.

The number text of an amount is read by households.money.to_decimal, the reader forms and CSV
import use, so "12,50" and "1.200,50" mean the same everywhere; a multiplier word ("1.2k",
"2 lakh") applies on top. Which numbers are not money at all (dates, quantities, references) is
decided before, in claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from households.money import MAX_AMOUNT, MESSAGES, proposed_amount, to_decimal
from households.problems import problem_message
from llmsettings.parser.text import NOT_LETTER, SEP_RE, WORD_RE, alternation
from llmsettings.parser.vocabulary import (
    AMOUNT_ENDINGS,
    CURRENCY_ONLY_AFTER,
    CURRENCY_ONLY_BEFORE,
    CURRENCY_WORDS,
    DOLLAR_CURRENCIES,
    FILLERS,
    MULTIPLIERS,
    QTY_VERBS,
    UNITS,
)

CENT = Decimal("0.01")
WIDE = Context(prec=60)

MULTIPLIER = alternation(MULTIPLIERS)
UNIT = alternation(UNITS)


def _currency(words) -> tuple[str, str]:
    """Currency signs, and currency words (which a dot may end: "Rs."), as two alternations."""
    words = list(words)
    return (
        alternation(w for w in words if not w[-1].isalpha()),
        alternation(w for w in words if w[-1].isalpha()),
    )


SIGNS_BEFORE, WORDS_BEFORE = _currency(w for w in CURRENCY_WORDS if w not in CURRENCY_ONLY_AFTER)
SIGNS_AFTER, WORDS_AFTER = _currency(w for w in CURRENCY_WORDS if w not in CURRENCY_ONLY_BEFORE)
# A currency just before a position: "Rs 5 kg" is five rupees, not five kilos.
CURRENCY_BEFORE_RE = re.compile(rf"(?:{SIGNS_BEFORE}|\b{WORDS_BEFORE}\.?)\s*$", re.I)


def number(decimal_comma: bool = False) -> str:
    """The text of a number, in the shapes `to_decimal` reads: 1,200 · 12,00,000 · 1,200.50 · 450,
    and 12,50 · 1.200,50 (a comma before one or two final digits is a decimal comma). Where the
    household writes a decimal comma, "." and "," swap roles, as they do in `to_decimal`."""
    comma, point = (r"\.", ",") if decimal_comma else (",", r"\.")
    return (
        rf"(?:(?:[0-9]{{1,3}}(?:{point}[0-9]{{3}})+|[0-9]+){comma}[0-9]{{1,2}}(?![0-9]|[.,][0-9])"
        rf"|(?:[0-9]{{1,3}}(?:{comma}[0-9]{{3}})+|[0-9]{{1,2}}(?:{comma}[0-9]{{2}})+{comma}[0-9]{{3}}"
        rf"|[0-9]+)(?:{point}[0-9]+)?)"
    )


def _amount_re(decimal_comma: bool) -> re.Pattern[str]:
    return re.compile(
        rf"""
        (?<![\w.])(?<![0-9],)
        (?:(?P<pre>{SIGNS_BEFORE}|{WORDS_BEFORE}\.?)\s*)?
        (?P<num>{number(decimal_comma)})(?![0-9])
        (?:\s*(?P<mult>{MULTIPLIER}){NOT_LETTER})?
        (?:\s*(?P<suf>{alternation(AMOUNT_ENDINGS)}|{SIGNS_AFTER}|{WORDS_AFTER}{NOT_LETTER}\.?))?
        (?![^\W_])
        """,
        re.I | re.X,
    )


# An amount: a number, a multiplier, a currency before or after. By whether the household writes
# a decimal comma.
AMOUNT_RES = {False: _amount_re(False), True: _amount_re(True)}


@dataclass
class Amount:
    start: int
    end: int
    value: Decimal | None  # None when the number is too long to be money
    strength: int  # 3 currency or multiplier, 2 grouped or decimal, 1 plain, 0 looks like an id
    currency: str | None
    plain_int: int | None  # the value when it is a bare small integer (a possible count)


def find_amounts(masked: str, currency: str, decimal_comma: bool = False) -> list[Amount]:
    """Every amount in what the claims left, in text order."""
    found = []
    for m in AMOUNT_RES[decimal_comma].finditer(masked):
        num = m.group("num")
        number_value = to_decimal(num, decimal_comma=decimal_comma)
        if number_value is None:  # never: number() matches only what to_decimal reads
            continue
        places = max(0, -number_value.as_tuple().exponent)
        integer_digits = sum(c.isdigit() for c in num) - places
        marker = (m.group("pre") or m.group("suf") or "").lower().rstrip(".").strip()
        mult = (m.group("mult") or "").lower()
        value = number_value * MULTIPLIERS[mult] if mult else number_value
        if value <= MAX_AMOUNT:  # a larger one stays as it is: proposed_amount says it is too large
            value = value.quantize(CENT, rounding=ROUND_HALF_UP, context=WIDE)
        if marker or mult:
            strength = 3
        elif "," in num or "." in num:
            strength = 2
        elif integer_digits >= 9:
            strength = 0
        else:
            strength = 1
        marker_currency = None
        if marker and marker not in AMOUNT_ENDINGS:
            marker_currency = CURRENCY_WORDS.get(marker)
            if marker_currency == "$":
                marker_currency = currency if currency in DOLLAR_CURRENCIES else "USD"
        plain = int(num) if strength == 1 and len(num) <= 3 else None
        found.append(Amount(m.start(), m.end(), value, strength, marker_currency, plain))
    return found


def counted_nouns(amounts: list[Amount], bare: str) -> set[int]:
    """Indexes of small bare numbers that count things ("2 coffees 360", "bought 3 shirts")."""
    possible: dict[int, str] = {}  # index -> the text just before it
    for i, a in enumerate(amounts):
        if a.plain_int is None or not 1 <= a.plain_int <= 20:
            continue
        after = WORD_RE.match(bare, a.end + 1) if bare[a.end : a.end + 1] == " " else None
        if after is None or after.group(0).lower() in FILLERS:
            continue
        possible[i] = bare[max(0, a.start - 40) : a.start].rstrip()
    priced = len(possible) < len(amounts)  # some amount is not itself a possible count
    counts: set[int] = set()
    for i, before in possible.items():
        a = amounts[i]
        previous = WORD_RE.findall(before[-20:])
        last_word = previous[-1].lower() if previous and before.endswith(previous[-1]) else ""
        if last_word in QTY_VERBS:  # "bought 3 shirts …"
            if priced:
                counts.add(i)
            continue
        if before and before[-1] not in ",;:\n|&+" and last_word not in ("and", "plus"):
            continue
        if i - 1 in counts:  # "3 samosas and 2 chai": a list of counted things
            counts.add(i)
            continue
        sep = SEP_RE.search(bare, a.end)
        limit = sep.start() if sep else len(bare)
        for j in range(i + 1, len(amounts)):  # "2 coffees 360": a price follows in the piece
            if amounts[j].start >= limit:
                break
            if j not in possible:
                counts.add(i)
                break
    return counts


def format_amount(value: Decimal | None) -> str:
    if value is None:
        return "?"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1), context=WIDE))
    return str(value)


def choose_amount(amounts: list[Amount], currency: str) -> tuple[Decimal | None, list[str]]:
    """The amount of one expense among those in its piece, and what to check about it."""
    problems: list[str] = []
    usable = [a for a in amounts if a.value is not None]
    if not usable:
        return None, [MESSAGES["too_large"]]
    if any(a.strength > 0 for a in usable):
        usable = [a for a in usable if a.strength > 0]  # phone and reference numbers
    chosen = usable[0]
    if len(usable) > 1:
        strong = [a for a in usable if a.strength == 3]
        others = [a for a in usable if a.strength != 3]
        if len(strong) == 1 and all(a.strength <= 1 for a in others):
            chosen = strong[0]
        else:
            chosen = max(usable, key=lambda a: (a.strength, a.value))
            shown = [format_amount(a.value) for a in usable[:6]]
            if len(usable) == 2:
                problems.append(problem_message("two_amounts", first=shown[0], second=shown[1]))
            else:
                if len(usable) > 6:
                    shown[5] = f"{len(usable) - 5} more"
                listed = ", ".join(shown[:-1]) + f" and {shown[-1]}"
                problems.append(problem_message("several_amounts", listed=listed))
    value, amount_problems = proposed_amount(chosen.value)
    problems.extend(amount_problems)
    if chosen.currency and chosen.currency != currency:
        problems.append(problem_message("other_currency", theirs=chosen.currency, ours=currency))
    return value, problems
