"""Amounts of money: the one rule every way in follows.

Forms (expenses, drafts, budgets, recurring rules, occasion items), the chat's builtin parser, CSV
import, draft validation and whatever proposes an amount later (the API, LLM providers) read amount
text with `read_amount()` and check a Decimal with `check_amount()` or `proposed_amount()`: one
maximum, one reader, one set of messages.

An amount is a Decimal of at most two decimal places, from 0.01 (zero for a budget) to MAX_AMOUNT,
which fits an amount column, `DecimalField(max_digits=14, decimal_places=2)`. A figure stored from
a sum of amounts (an alert's "used") has TOTAL_MAX_DIGITS, so any sum of legal amounts fits.

Standard library only, no Django (Babel, for showing money, is imported when it is used): the
builtin parser imports it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

__all__ = [
    "DECIMAL_PLACES",
    "LARGE_AMOUNT",
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "MESSAGES",
    "TOTAL_MAX_DIGITS",
    "ZERO",
    "AmountError",
    "check_amount",
    "format_money",
    "format_money_short",
    "proposed_amount",
    "read_amount",
    "to_decimal",
]

DECIMAL_PLACES = 2
MAX_DIGITS = 14  # of an amount column
MAX_AMOUNT = Decimal("999999999999.99")  # the largest amount anything stores (inclusive)
# A stored sum: a PostgreSQL table holds well under 10^14 rows, so 10^14 amounts of at most 10^12 fit.
TOTAL_MAX_DIGITS = 28
LARGE_AMOUNT = Decimal(10) ** 10  # a proposed amount from here up is kept but flagged for a look

CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # a total of nothing
_WIDE = Context(prec=200)  # room for any number the reader lets through, so nothing here raises

MESSAGES = {
    "required": "Enter an amount.",
    "invalid": "The amount is not a number: write it like 1,200.50.",
    "not_positive": "The amount must be more than zero.",
    "negative": "The amount must be zero or more.",
    "too_precise": "The amount has more than two decimal places.",
    "too_large": "The amount is too large: the most is 999,999,999,999.99.",
    "missing": "No amount found: enter one.",
    "looks_large": "The amount looks too large: check it.",
}


class AmountError(ValueError):
    """An amount that can't be used, with the code and the message to show."""

    def __init__(self, code: str):
        self.code = code
        self.message = MESSAGES[code]
        super().__init__(self.message)

    def about(self, text: str) -> str:
        """The message naming the text it is about: "The amount “1e99” is too large: …"."""
        shown = " ".join(str(text).split())
        if len(shown) > 40:
            shown = shown[:39] + "…"
        for subject in ("The amount", "the amount"):
            if subject in self.message:
                return self.message.replace(subject, f"{subject} “{shown}”", 1)
        return self.message


# What people and banks write around a number: spaces of every kind, currency signs and codes,
# apostrophes (1'200), and grouping commas.
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f\u200b']+")
_CODES = r"rs\.?|inr|usd|eur|gbp|₹|\$|€|£|¥|\u20a8"
_AROUND = re.compile(rf"^(?:{_CODES})+|(?:{_CODES})+$", re.IGNORECASE)
_SIGNED = re.compile(r"([+-]?)(.*)")
_PLAIN = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
# 1.200,50 · 12,5: a comma before one or two final digits is a decimal comma (grouping has three).
_DECIMAL_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{1,2}|\d+,\d{1,2}")
# Grouping commas as people write them: 1,200,000 or (Indian) 12,00,000.
_GROUPED = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3})(?:\.\d*)?")
_SWAP_SEPARATORS = str.maketrans({".": ",", ",": "."})


def to_decimal(text: str, *, decimal_comma: bool = False) -> Decimal | None:
    """The number in what a person typed (1,200.50 · ₹1,20,000 · Rs. 450 · 1 200 · 1.200,50 · -5),
    or None when it is not a number. No range check: see `read_amount`.

    `decimal_comma` is for a household whose locale writes 1.200,50: "." and "," swap roles in
    the number before it is read, so 1.200 is 1200, 1,200 is 1.2 and 12,50 is 12.50 (a currency
    sign or code around the number is taken off first, so "Rs. 1.200" still reads)."""
    cleaned = _AROUND.sub("", _SPACES.sub("", str(text)))
    sign, body = _SIGNED.fullmatch(cleaned).groups()
    body = _AROUND.sub("", body)
    if decimal_comma:
        body = body.translate(_SWAP_SEPARATORS)
    if _DECIMAL_COMMA.fullmatch(body):
        body = body.replace(".", "").replace(",", ".")
    elif "," in body and _GROUPED.fullmatch(body):
        body = body.replace(",", "")
    if not _PLAIN.fullmatch(body):
        return None
    return Decimal(sign + body)


def check_amount(value: Decimal | None, *, allow_zero: bool = False) -> Decimal:
    """`value` as a stored amount (two places), or AmountError. Never rounds: 12.345 is an error."""
    if value is None:
        raise AmountError("required")
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            raise AmountError("invalid") from None
    if not value.is_finite():
        raise AmountError("invalid")
    if value < 0 or (value == 0 and not allow_zero):
        raise AmountError("negative" if allow_zero else "not_positive")
    if value > MAX_AMOUNT:
        raise AmountError("too_large")
    cents = value.quantize(CENT, context=_WIDE)
    if cents != value:
        raise AmountError("too_precise")
    return cents


def read_amount(text: str | None, *, allow_zero: bool = False, decimal_comma: bool = False) -> Decimal:
    """What a person typed, as a stored amount, or AmountError with the message to show.
    `decimal_comma`: the household's locale writes 1.200,50 (`Household.decimal_comma`)."""
    if text is None or not str(text).strip():
        raise AmountError("required")
    value = to_decimal(text, decimal_comma=decimal_comma)
    if value is None:
        raise AmountError("invalid")
    return check_amount(value, allow_zero=allow_zero)


def proposed_amount(value: Decimal | None) -> tuple[Decimal | None, list[str]]:
    """An amount a parser, a provider, a rule or a file proposes, rounded to cents, with its problems.

    An amount that can't be stored comes back as None with the reason (the draft keeps the raw
    text, so nothing is lost); a legal but implausibly large one is kept and flagged.
    """
    if value is None:
        return None, [MESSAGES["missing"]]
    try:
        value = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        return None, [MESSAGES["invalid"]]
    if not value.is_finite():
        return None, [MESSAGES["invalid"]]
    if value > MAX_AMOUNT:
        return None, [MESSAGES["too_large"]]
    value = value.quantize(CENT, rounding=ROUND_HALF_UP, context=_WIDE)
    if value <= 0:
        return None, [MESSAGES["not_positive"]]
    if value >= LARGE_AMOUNT:
        return value, [MESSAGES["looks_large"]]
    return value, []


def format_money(amount, household, *, currency: str | None = None, exact: bool = False) -> str:
    """An amount in the household's currency and locale: ₹1,20,000.00 for an en_IN household.

    `exact` keeps the digits past the currency's own (₹0.0361 for what one AI call cost, ₹13.20
    per million tokens): for prices and costs that are fractions of the smallest coin."""
    from babel.numbers import format_currency  # here, so reading amounts needs the standard library only

    if amount is None:
        amount = Decimal("0")
    # Babel rounds in the current decimal context: give it room for any sum of legal amounts
    # (a total of 10^25 with three decimal places has more digits than the default 28).
    with localcontext(prec=60):
        amount = Decimal(amount)
        if exact and amount.is_finite():
            # 13.200000 → 13.2 (Babel then pads to the currency's digits); never an exponent.
            amount = amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()
        return format_currency(
            amount, currency or household.currency, locale=household.locale, decimal_quantization=not exact
        )


def format_money_short(amount, household) -> str:
    """An amount rounded for a chart's label, in the household's locale: ₹39K, ₹1L, $3M."""
    from babel.numbers import format_compact_currency

    with localcontext(prec=60):
        return format_compact_currency(
            Decimal(amount or 0), household.currency, locale=household.locale, fraction_digits=0
        )
