"""What another app's or a bank's export means: the layouts Hearth recognises from a header row
(YNAB, Splitwise, Firefly III, Mint, Actual Budget, and three bank-statement layouts), how a
row's amount says money out or money in, and which rows are not expenses at all (income,
transfers between the household's own accounts, card-bill payments, opening balances,
settle-ups between members, cash withdrawals). Pure reading: no database, no writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from expenses.csv_format import RowError, header_key, parse_signed_amount
from households.money import AmountError, read_amount

# ---------------------------------------------------------------- how an amount is written

SPENT_POSITIVE = "spent_positive"  # 450 is money spent; -450, 450 Cr, (450) are money in
SPENT_NEGATIVE = "spent_negative"  # -450 is money spent; 450 is money in (Actual, Firefly, banks)
SIGNS = [
    (SPENT_POSITIVE, "Positive: 450 spent, −450 or 450 Cr in"),
    (SPENT_NEGATIVE, "Negative: −450 spent, 450 in"),
]

# A type column's values: money out, money in, or not an expense at all.
TYPE_OUT = frozenset({"debit", "dr", "d", "withdrawal", "expense", "spend", "payment out", "purchase", "out"})
TYPE_IN = frozenset({"credit", "cr", "c", "deposit", "income", "revenue", "in", "refund"})
TYPE_SKIP = {
    "transfer": "a transfer between your own accounts",
    "opening balance": "an opening balance",
    "reconciliation": "a reconciliation entry",
    "liability credit": "a loan or liability entry",
}

# ---------------------------------------------------------------- what is not an expense

TRANSFER = "a transfer between your own accounts"
CARD_BILL = "a card-bill payment (its purchases are the expenses)"
OPENING = "an opening balance"
SETTLE_UP = "a settle-up between members"
INCOME = "income or money coming in"
CASH = "a cash withdrawal (the cash is spent later)"
REFUND = "money back (a refund or cashback)"
ZERO = "a zero amount"
SUMMARY = "a summary line, not a transaction"
NOT_OURS = "others' share (nothing of it is the household's)"

# Source apps' category names that are not a Hearth category's name, nor read by the chat's
# words the same way: folded name -> Hearth's default category.
SYNONYMS = {
    "dining out": "Dining",
    "restaurants": "Dining",
    "fast food": "Dining",
    "coffee shops": "Dining",
    "food & dining": "Dining",
    "food and drink": "Dining",
    "eating out": "Dining",
    "alcohol & bars": "Dining",
    "rent/mortgage": "Housing",
    "mortgage & rent": "Housing",
    "mortgage": "Housing",
    "rent": "Housing",
    "home": "Housing",
    "home improvement": "Housing",
    "home services": "Housing",
    "household": "Housing",
    "maintenance": "Housing",
    "furnishings": "Shopping",
    "household supplies": "Groceries",
    "transportation": "Transport",
    "auto & transport": "Transport",
    "gas & fuel": "Transport",
    "auto": "Transport",
    "car": "Transport",
    "public transportation": "Transport",
    "parking": "Transport",
    "medical": "Health",
    "healthcare": "Health",
    "health & fitness": "Health",
    "doctor": "Health",
    "pharmacy": "Health",
    "dentist": "Health",
    "bills & utilities": "Utilities",
    "utilities": "Utilities",
    "mobile phone": "Utilities",
    "internet": "Utilities",
    "television": "Utilities",
    "bills": "Utilities",
    "electricity": "Utilities",
    "gas/electric": "Utilities",
    "movies & dvds": "Entertainment",
    "entertainment": "Entertainment",
    "fun": "Entertainment",
    "subscriptions": "Entertainment",
    "clothing": "Shopping",
    "electronics & software": "Shopping",
    "general": "Shopping",
    "air travel": "Travel",
    "hotel": "Travel",
    "vacation": "Travel",
    "trips": "Travel",
    "gifts & donations": "Gifts",
    "gift": "Gifts",
    "charity": "Gifts",
    "donations": "Gifts",
    "hair": "Personal care",
    "spa & massage": "Personal care",
    "gym": "Personal care",
    "baby supplies": "Kids",
    "childcare": "Kids",
    "kids activities": "Kids",
    "toys": "Kids",
    "books & supplies": "Education",
    "tuition": "Education",
    "student loan": "Education",
    "food": "Groceries",
    "supermarket": "Groceries",
    "grocery": "Groceries",
    "general household": "Groceries",
    "everyday expenses: groceries": "Groceries",
}

# (pattern over the row's payee/description and category, reason), first match wins.
TEXT_RULES: list[tuple[re.Pattern, str]] = [
    (
        re.compile(
            r"^\s*transfer\s*:|\btransfer (?:to|from) (?:own|self|savings|my)\b|\bself[- ]?transfer\b|"
            r"\bown account\b|\bto self\b|\binternal transfer\b",
            re.I,
        ),
        TRANSFER,
    ),
    (
        re.compile(
            r"\b(?:credit )?card (?:bill )?payment\b|\bcc (?:bill )?payment\b|\bautopay\b|"
            r"\bpayment - thank you\b|\bpayment thank you\b|\bbill ?desk.*credit card\b|"
            r"\bcredit card bill\b",
            re.I,
        ),
        CARD_BILL,
    ),
    (re.compile(r"\b(?:starting|opening|initial) balances?\b", re.I), OPENING),
    (re.compile(r"\b(?:atm|cash) (?:withdrawal|wdl|wd)\b|\batm\b|\bnwd\b|\bcash withdrawal\b", re.I), CASH),
    (re.compile(r"^\s*total balance\s*$", re.I), SUMMARY),
]
INCOME_CATEGORIES = re.compile(
    r"^\s*(?:income|paycheck|salary|wages|bonus|interest income|dividends?|inflow\b.*|"
    r"ready to assign|to be budgeted|reimbursements?|deposits?)\s*$",
    re.I,
)
# A source app's category that says the row is not spending, and what it is instead.
NOT_SPENDING_CATEGORIES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^\s*(?:transfers?|transfer for cash spending)\s*$", re.I), TRANSFER),
    (re.compile(r"^\s*(?:credit card payments?|card payments?)\s*$", re.I), CARD_BILL),
    (re.compile(r"^\s*(?:starting balances?|opening balances?|balance adjustments?)\s*$", re.I), OPENING),
    (re.compile(r"^\s*(?:cash & atm|cash withdrawal)\s*$", re.I), CASH),
]
SETTLE_CATEGORIES = re.compile(r"^\s*(?:payment|settle ?up|settlement)\s*$", re.I)
REFUND_WORDS = re.compile(
    r"\b(?:refund(?:ed)?|return(?:ed)?|cash ?back|reversal|reversed|chargeback)\b", re.I
)


# ---------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    needs: tuple[str, ...]  # header keys that must all be there (as csv_format.header_key makes them)
    columns: dict  # mapping field -> header keys, best first
    sign: str = SPENT_POSITIVE
    category_rules: bool = True  # read INCOME/TRANSFER categories as not expenses
    splitwise: bool = False
    notes: str = ""


PRESETS: list[Preset] = [
    Preset(
        "hearth",
        "Hearth (an export of the expense list)",
        ("date", "description", "category", "amount", "currency", "status", "paid by", "source"),
        {
            "date": ["date"],
            "description": ["description"],
            "category": ["category"],
            "amount": ["amount"],
            "currency": ["currency"],
        },
    ),
    Preset(
        "ynab",
        "YNAB (register export)",
        ("payee", "outflow", "inflow"),
        {
            "date": ["date"],
            "description": ["payee"],
            "category": ["category", "category group category"],
            "amount": ["outflow"],
            "inflow": ["inflow"],
        },
        notes="Transfers (payee “Transfer : …”) and Inflow categories are skipped.",
    ),
    Preset(
        "splitwise",
        "Splitwise",
        ("date", "description", "category", "cost", "currency"),
        {
            "date": ["date"],
            "description": ["description"],
            "category": ["category"],
            "amount": ["cost"],
            "currency": ["currency"],
        },
        splitwise=True,
        notes="Settle-ups (category Payment) are skipped; the members' columns say who paid and "
        "the household's share.",
    ),
    Preset(
        "firefly",
        "Firefly III",
        ("type", "amount", "description", "date", "source name", "destination name"),
        {
            "date": ["date"],
            "description": ["description"],
            "category": ["category"],
            "amount": ["amount"],
            "type": ["type"],
            "currency": ["currency code"],
        },
        sign=SPENT_NEGATIVE,
        notes="Withdrawals are imported; deposits, transfers and opening balances are skipped.",
    ),
    Preset(
        "mint",
        "Mint",
        ("date", "description", "amount", "transaction type", "category"),
        {
            "date": ["date"],
            "description": ["description", "original description"],
            "category": ["category"],
            "amount": ["amount"],
            "type": ["transaction type"],
        },
        notes="Debits are imported; credits (income, card payments, refunds) are skipped.",
    ),
    Preset(
        "actual",
        "Actual Budget",
        ("account", "date", "payee", "notes", "category", "amount"),
        {
            "date": ["date"],
            "description": ["payee", "notes"],
            "category": ["category"],
            "amount": ["amount"],
        },
        sign=SPENT_NEGATIVE,
        notes="Negative amounts are spending; transfers and starting balances are skipped.",
    ),
]
# Bank statements, recognised by their amount columns rather than by name.
BANK_OUT = [
    "withdrawal amt",
    "withdrawal amount",
    "withdrawals",
    "withdrawal",
    "debit amount",
    "debit",
    "debits",
    "money out",
    "paid out",
    "dr amount",
    "amount debited",
]
BANK_IN = [
    "deposit amt",
    "deposit amount",
    "deposits",
    "deposit",
    "credit amount",
    "credit",
    "credits",
    "money in",
    "paid in",
    "cr amount",
    "amount credited",
]
BANK_TYPE = ["dr cr", "cr dr", "debit credit", "type", "transaction type", "txn type", "dr/cr"]
BANK_DESCRIPTION = [
    "narration",
    "description",
    "transaction details",
    "particulars",
    "details",
    "remarks",
    "memo",
    "payee",
    "merchant",
    "name",
]
BANK_DATE = [
    "txn date",
    "transaction date",
    "date",
    "tran date",
    "posting date",
    "booking date",
    "value date",
    "value dt",
]


def _find(keys: list[str], names: list[str], taken: set[int]) -> int | None:
    for name in names:
        for index, key in enumerate(keys):
            if key == name and index not in taken:
                return index
    return None


@dataclass
class Recognised:
    """A file's layout as recognised from its header: the preset (or a bank layout) and the
    mapping it pre-fills."""

    key: str
    label: str
    mapping: dict = field(default_factory=dict)
    notes: str = ""


def recognise(header: list[str] | None) -> Recognised | None:
    """The layout a header row names, or None (an unknown file keeps the generic mapping)."""
    if not header:
        return None
    keys = [header_key(cell) for cell in header]
    present = set(keys)
    for preset in PRESETS:
        if all(need in present for need in preset.needs):
            mapping, taken = {"sign": preset.sign, "preset": preset.key}, set()
            for name, candidates in preset.columns.items():
                index = _find(keys, candidates, taken)
                if index is not None:
                    mapping[name] = index
                    taken.add(index)
            if preset.splitwise:
                after = mapping.get("currency", -1)
                mapping["shares"] = {
                    str(i): header[i].strip() for i in range(after + 1, len(header)) if header[i].strip()
                }
            return Recognised(preset.key, preset.label, mapping, preset.notes)
    taken: set[int] = set()
    date = _find(keys, BANK_DATE, taken)
    if date is None:
        return None
    taken.add(date)
    description = _find(keys, BANK_DESCRIPTION, taken)
    if description is not None:
        taken.add(description)
    out, inn = _find(keys, BANK_OUT, taken), None
    if out is not None:
        inn = _find(keys, BANK_IN, taken | {out})
    base = {"date": date, "description": description, "preset": "bank"}
    category = _find(keys, ["category"], taken)
    if category is not None:
        base["category"] = category
        taken.add(category)
    if out is not None and inn is not None:
        return Recognised(
            "bank_out_in",
            "Bank statement (withdrawal and deposit columns)",
            {**base, "amount": out, "inflow": inn, "sign": SPENT_POSITIVE},
            "Deposits, card-bill payments, transfers to your own accounts and cash withdrawals are skipped.",
        )
    amount = _find(keys, ["amount", "amount inr", "transaction amount", "value", "amt"], taken)
    if amount is None:
        return None
    kind = _find(keys, BANK_TYPE, taken | {amount})
    if kind is not None:
        return Recognised(
            "bank_type",
            "Bank statement (a debit/credit column)",
            {**base, "amount": amount, "type": kind, "sign": SPENT_POSITIVE},
            "Credits, card-bill payments, transfers to your own accounts and cash withdrawals are skipped.",
        )
    return Recognised(
        "bank_signed",
        "Bank statement (one signed amount)",
        {**base, "amount": amount},  # which sign is spending is read from the values
        "Money in, card-bill payments, transfers to your own accounts and cash withdrawals are "
        "skipped; check which sign is spending below.",
    )


def guess_sign(values: list[str], *, decimal_comma: bool) -> str:
    """Spending's sign in a signed amount column: most rows of a statement are spending."""
    negative = positive = 0
    for value in values:
        try:
            amount = parse_signed_amount(value, decimal_comma=decimal_comma)
        except RowError:
            continue
        if amount < 0:
            negative += 1
        elif amount > 0:
            positive += 1
    return SPENT_NEGATIVE if negative > positive else SPENT_POSITIVE


# ---------------------------------------------------------------- reading one row


class Skipped(Exception):
    """A row that is not an expense; the message says what it is. Its amount, when read, goes
    with it so the preview and the status page can total what was left out."""

    def __init__(self, reason: str, amount: Decimal | None = None) -> None:
        super().__init__(reason)
        self.reason, self.amount = reason, amount


def cell(row: list[str], index) -> str:
    """A row's cell by column index, stripped; "" for a column it doesn't have."""
    if index is None or not isinstance(index, int) or index >= len(row) or index < 0:
        return ""
    return row[index].strip()


def _is_zero(text: str, decimal_comma: bool) -> bool:
    try:
        return not text.strip() or parse_signed_amount(text, decimal_comma=decimal_comma) == 0
    except RowError:
        return False


# What a household may choose to import as spending after all: money that left the account
# (a family that tracks its card bills rather than the card's purchases, cash as spent).
INCLUDABLE = (CARD_BILL, CASH, TRANSFER)


def spent(row: list[str], mapping: dict, *, decimal_comma: bool) -> Decimal:
    """The money a row spent, positive; Skipped for money in or a row that is not an expense,
    RowError for a row that can't be read. A row skipped for a reason the person chose to
    include (mapping["include"], one of INCLUDABLE) is spending when its money went out."""
    try:
        return _spent(row, mapping, decimal_comma=decimal_comma, rules=True)
    except Skipped as exc:
        if exc.reason in INCLUDABLE and exc.reason in (mapping.get("include") or ()):
            return _spent(row, mapping, decimal_comma=decimal_comma, rules=False)
        raise


def _spent(row: list[str], mapping: dict, *, decimal_comma: bool, rules: bool) -> Decimal:
    amount_text = cell(row, mapping.get("amount"))
    category = cell(row, mapping.get("category"))
    text = " ".join(filter(None, [cell(row, mapping.get("description")), category]))
    if rules:
        _not_spending(row, mapping, category, decimal_comma)
    return _amount_out(row, mapping, amount_text, text, category, decimal_comma)


def _not_spending(row: list[str], mapping: dict, category: str, decimal_comma: bool) -> None:
    """Skipped when the row's words or its category say it is not spending."""
    for pattern, reason in TEXT_RULES:
        if pattern.search(cell(row, mapping.get("description"))):
            raise Skipped(reason, _any_amount(row, mapping, decimal_comma))
    if mapping.get("category") is not None and category:
        if SETTLE_CATEGORIES.match(category) and mapping.get("preset") == "splitwise":
            raise Skipped(SETTLE_UP, _any_amount(row, mapping, decimal_comma))
        for pattern, reason in NOT_SPENDING_CATEGORIES:
            if pattern.match(category):
                raise Skipped(reason, _any_amount(row, mapping, decimal_comma))


def _amount_out(
    row, mapping: dict, amount_text: str, text: str, category: str, decimal_comma: bool
) -> Decimal:
    """The row's money out by its amount columns and their convention; Skipped for money in."""
    inflow = mapping.get("inflow")
    if inflow is not None:
        out_text, in_text = amount_text, cell(row, inflow)
        if not _is_zero(out_text, decimal_comma):
            value = parse_signed_amount(out_text, decimal_comma=decimal_comma)
            if value > 0:
                return _positive(value, out_text)
            value = -value  # a negative outflow is money in
            raise Skipped(_money_in(text, category, mapping), value)
        if not _is_zero(in_text, decimal_comma):
            value = abs(parse_signed_amount(in_text, decimal_comma=decimal_comma))
            raise Skipped(_money_in(text, category, mapping), value)
        if not out_text and not in_text:
            raise RowError("no amount")
        raise Skipped(ZERO)
    value = parse_signed_amount(amount_text, decimal_comma=decimal_comma)
    kind = cell(row, mapping.get("type")).casefold()
    if mapping.get("type") is not None and kind:
        if kind in TYPE_SKIP:
            raise Skipped(TYPE_SKIP[kind], abs(value))
        if kind in TYPE_IN:
            raise Skipped(_money_in(text, category, mapping), abs(value))
        if kind in TYPE_OUT:
            if value == 0:
                raise Skipped(ZERO)
            return _positive(abs(value), amount_text)
    if value == 0:
        raise Skipped(ZERO)
    out = value if mapping.get("sign", SPENT_POSITIVE) == SPENT_POSITIVE else -value
    if out < 0:
        raise Skipped(_money_in(text, category, mapping), -out)
    return _positive(out, amount_text)


def _any_amount(row: list[str], mapping: dict, decimal_comma: bool) -> Decimal | None:
    """The size of a row's amount, out or in, for listing a skipped row; None when unreadable."""
    for index in (mapping.get("amount"), mapping.get("inflow")):
        try:
            value = abs(parse_signed_amount(cell(row, index), decimal_comma=decimal_comma))
        except RowError:
            continue
        if value:
            return value
    return None


def _money_in(text: str, category: str, mapping: dict) -> str:
    """What money coming in is: a refund of a purchase, or income."""
    if REFUND_WORDS.search(text):
        return REFUND
    if category and not INCOME_CATEGORIES.match(category) and mapping.get("category") is not None:
        return REFUND  # money back in a spending category ("Groceries +12.00")
    return INCOME


def _positive(value: Decimal, text: str) -> Decimal:
    """The amount rule (households.money) on a row's spending, naming the cell it came from."""
    try:
        return read_amount(str(value))
    except AmountError as exc:
        reason = exc.about(text).rstrip(".")
        raise RowError(reason[0].lower() + reason[1:]) from None
