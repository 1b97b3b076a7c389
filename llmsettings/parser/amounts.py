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
from llmsettings.parser.text import NOT_LETTER, SEP_RE, WORD_RE, alternation, blank
from llmsettings.parser.vocabulary import (
    AMOUNT_ENDINGS,
    CURRENCY_ONLY_AFTER,
    CURRENCY_ONLY_BEFORE,
    CURRENCY_WORDS,
    DOLLAR_CURRENCIES,
    FILLERS,
    HUNDRED_WORDS,
    MULTIPLIERS,
    NUMBER_WORDS,
    NUMBERED_NOUNS,
    QTY_VERBS,
    SCALE_WORDS,
    SEPARATOR_WORDS,
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
    negative: bool = False  # written with a leading minus: "-500"


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
        found.append(
            Amount(
                m.start(), m.end(), value, strength, marker_currency, plain, _minus_before(masked, m.start())
            )
        )
    found.extend(_word_amounts(blank(masked, [(a.start, a.end) for a in found]), currency))
    found.sort(key=lambda a: a.start)
    return found


def _minus_before(text: str, start: int) -> bool:
    """ "-500 food": a minus glued to the number, not a range ("100-200") nor a dash ("tea - 20")."""
    return start > 0 and text[start - 1] == "-" and (start == 1 or not text[start - 2].isalnum())


# ------------------------------------------------------------------------------ amounts in words

_NUMBER_WORD = alternation([*NUMBER_WORDS, *HUNDRED_WORDS, *SCALE_WORDS, "and", "a"])
WORDS_RUN_RE = re.compile(rf"(?<![\w-]){_NUMBER_WORD}(?:(?:\s+|-){_NUMBER_WORD})*(?![\w-])", re.I)
_CURRENCY_AFTER_WORDS_RE = re.compile(rf"\s*(?:{SIGNS_AFTER}|{WORDS_AFTER}{NOT_LETTER})", re.I)


def read_number_words(words: list[str]) -> tuple[int, int, bool]:
    """The value of number words read from the first, how many of them it used, and whether a
    hundred or a scale was among them: ["two", "thousand", "five", "hundred"] -> (2500, 4, True).
    It stops at the first word that does not continue the number ("two three" reads "two")."""
    total = current = used = 0
    scaled = False
    for i, raw in enumerate(words):
        word = raw.lower()
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        if word == "and":
            if not (total or current) or following not in NUMBER_WORDS:
                break
        elif word == "a":
            if total or current or (following not in HUNDRED_WORDS and following not in SCALE_WORDS):
                break
        elif word in NUMBER_WORDS:
            value, last = NUMBER_WORDS[word], current % 100
            if last and not (last % 10 == 0 and last >= 20 and value < 10):
                break  # "two three", "twenty thirty"
            current += value
        elif word in HUNDRED_WORDS:
            if current % 100 == 0 and current:
                break  # "two hundred hundred"
            current = (current or 1) * 100
            scaled = True
        else:  # a scale: thousand, lakh, crore
            total += (current or 1) * SCALE_WORDS[word]
            current = 0
            scaled = True
        used = i + 1
    while used and words[used - 1].lower() in ("and", "a"):
        used -= 1
    return total + current, used, scaled


def _word_amounts(masked: str, currency: str) -> list[Amount]:
    """Amounts written in words: "three hundred", "two thousand five hundred", "fifty bucks".
    Without a hundred or a scale they count only next to a currency ("fifty rupees")."""
    found = []
    for run in WORDS_RUN_RE.finditer(masked):
        tokens = list(re.finditer(r"[^\W\d_]+", run.group(0)))
        at = 0
        while at < len(tokens):
            value, used, scaled = read_number_words([t.group(0) for t in tokens[at:]])
            if not used:
                at += 1
                continue
            start = run.start() + tokens[at].start()
            end = run.start() + tokens[at + used - 1].end()
            at += used
            after = _CURRENCY_AFTER_WORDS_RE.match(masked, end)
            before = CURRENCY_BEFORE_RE.search(masked, max(0, start - 8), start)
            if not value or not (scaled or after or before):
                continue
            marker = (after.group(0) if after else before.group(0)) if (after or before) else ""
            marker = marker.strip().lower().rstrip(".")
            marker_currency = CURRENCY_WORDS.get(marker) if marker else None
            if marker_currency == "$":
                marker_currency = currency if currency in DOLLAR_CURRENCIES else "USD"
            if before:
                start = before.start()
            if after:
                end = after.end()
            amount = Decimal(value).quantize(CENT, context=WIDE)
            found.append(Amount(start, end, amount, 3 if marker else 2, marker_currency, None))
    return found


_NOUN_BEFORE_RE = re.compile(r"(?<![\w'])([^\W\d_]+)[ ]{1,2}$")


def numbered_nouns(amounts: list[Amount], bare: str) -> set[int]:
    """Indexes of bare numbers that name a noun ("flat 302", "room 4", "iPhone 15") in a clause
    where another number is the price."""
    named = set()
    for i, a in enumerate(amounts):
        if a.strength != 1 or a.negative:
            continue
        noun = _NOUN_BEFORE_RE.search(bare, max(0, a.start - 24), a.start)
        if noun and noun.group(1).lower() in NUMBERED_NOUNS:
            named.add(i)
    if not named:
        return named
    clause_of = _clauses(bare)
    top_price: dict[int, Decimal] = {}  # clause -> its largest amount that names no noun
    written_as_money: set[int] = set()  # clauses with a price written as one ("4.50", "₹300")
    for i, a in enumerate(amounts):
        if i not in named and a.value is not None:
            clause = clause_of(a.start)
            top_price[clause] = max(top_price.get(clause, a.value), a.value)
            if a.strength > 1:
                written_as_money.add(clause)
    last_named = {clause_of(amounts[i].start): i for i in sorted(named)}
    dropped = set()
    for i in named:
        clause = clause_of(amounts[i].start)
        if clause in top_price:  # "flat 302 maintenance 2500", "route 9 toll 4.50"; not "bus 50 metro 40"
            if amounts[i].value < top_price[clause] or clause in written_as_money:
                dropped.add(i)
        elif last_named[clause] != i:  # "route 52 bus 40": the last is the price
            dropped.add(i)
    return dropped


def _clauses(text: str):
    cuts = [m.start() for m in SEP_RE.finditer(text)]

    def clause_of(position: int) -> int:
        return sum(1 for cut in cuts if cut < position)

    return clause_of


_FOR_RE = re.compile(r"\s+for\s+", re.I)


def _plural_after(bare: str, end: int) -> bool:
    """Whether the word right after a number is a plural noun: "2 blouses", "3 shirts"."""
    after = WORD_RE.match(bare, end + 1)
    word = after.group(0).lower() if after else ""
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word not in FILLERS


def _priced_before(amounts: list[Amount], possible: dict, i: int, bare: str) -> bool:
    """Whether an amount that is not itself a count comes before amount `i` in its clause."""
    start = amounts[i].start
    for j in range(i - 1, -1, -1):
        if SEP_RE.search(bare, amounts[j].end, start):
            return False
        if j not in possible:
            return True
    return False


def counted_nouns(amounts: list[Amount], bare: str) -> set[int]:
    """Indexes of small bare numbers that count things ("2 coffees 360", "bought 3 shirts")."""
    possible: dict[int, str] = {}  # index -> the text just before it
    counts: set[int] = set()
    for i, a in enumerate(amounts):
        if a.plain_int is None or not 1 <= a.plain_int <= 20:
            continue
        if i + 1 < len(amounts) and _FOR_RE.fullmatch(bare, a.end, amounts[i + 1].start):
            counts.add(i)  # "passes, 2 for 1,000"
            continue
        after = WORD_RE.match(bare, a.end + 1) if bare[a.end : a.end + 1] == " " else None
        if after is None or after.group(0).lower() in FILLERS:
            continue
        possible[i] = bare[max(0, a.start - 40) : a.start].rstrip()
    priced = len(possible) < len(amounts)  # some amount is not itself a possible count
    for i, before in possible.items():
        a = amounts[i]
        previous = WORD_RE.findall(before[-20:])
        last_word = previous[-1].lower() if previous and before.endswith(previous[-1]) else ""
        if last_word in QTY_VERBS:  # "bought 3 shirts …"
            if priced:
                counts.add(i)
            continue
        if before and before[-1] not in ",;:\n|&+" and last_word not in SEPARATOR_WORDS:
            if _priced_before(amounts, possible, i, bare) and _plural_after(bare, a.end):
                counts.add(i)  # "650 for stitching 2 blouses": the price came first
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
    if any(a.negative for a in usable):
        problems.append(problem_message("money_back"))
    if chosen.currency and chosen.currency != currency:
        problems.append(problem_message("other_currency", theirs=chosen.currency, ours=currency))
    return value, problems
