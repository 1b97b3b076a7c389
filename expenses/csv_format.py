"""CSV as a format: the expense list written as a file, and a bank statement read: decoding,
delimiters, cell values (dates, amounts), and the guess of which column is which. No writes.
"""

import codecs
import csv
import io
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from expenses.models import (
    Expense,
)
from households.money import AmountError, read_amount, to_decimal
from households.periods import RANGE_TEXT, in_range

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PREVIEW_ROWS = 10
SAMPLE_ROWS = 50  # rows looked at to guess and to check a mapping


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = [
    "date",
    "description",
    "category",
    "amount",
    "currency",
    "status",
    "due_date",
    "paid_by",
    "source",
    "id",
]

# A spreadsheet runs a cell that starts with one of these as a formula; a leading ' stops it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def untext_cell(value: str) -> str:
    """Undo text_cell, so a file Hearth exported imports as what it was."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def export_row(expense: Expense) -> list[str]:
    return [
        expense.date.isoformat(),
        text_cell(expense.description),
        text_cell(expense.category.name),
        f"{expense.amount.quantize(Decimal('0.01')):f}",
        expense.currency,
        expense.status,
        expense.due_date.isoformat() if expense.due_date else "",
        text_cell(expense.paid_by.name) if expense.paid_by else "",
        expense.source,
        str(expense.pk),
    ]


class _Echo:
    """A file-like object whose write() gives the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def export_lines(expenses: Iterable[Expense]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(EXPORT_COLUMNS)
    for expense in expenses:
        yield writer.writerow(export_row(expense))


async def export_lines_async(queryset, chunk_size: int) -> AsyncIterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(EXPORT_COLUMNS)
    async for expense in queryset.aiterator(chunk_size=chunk_size):
        yield writer.writerow(export_row(expense))


# ---------------------------------------------------------------- reading a file


class UploadError(ValueError):
    """The file can't be imported; the message says why, for the person who uploaded it."""


@dataclass
class ParsedUpload:
    text: str
    delimiter: str
    has_header: bool
    total_rows: int


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252/Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:8192]:
        raise UploadError(
            "This looks like a binary file (a spreadsheet or a PDF?), not CSV text. "
            "Save or export it as CSV and upload that."
        )
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(1, len(sample) // 100)


def sniff_delimiter(text: str) -> str:
    sample = text[:16384]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each non-blank record; numbers count every record, from 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, record in enumerate(reader, start=1):
        if any(cell.strip() for cell in record):
            yield number, record


def data_rows(text: str, delimiter: str, has_header: bool) -> Iterator[tuple[int, list[str]]]:
    records = read_records(text, delimiter)
    if has_header:
        next(records, None)
    yield from records


def read_upload(name: str, content_type: str, size: int, data: bytes) -> ParsedUpload:
    """Check and decode an uploaded file; UploadError says what is wrong with it."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"This file is {size / 1024 / 1024:.1f} MB; the limit is 5 MB. "
            "Export a shorter period, or split the file."
        )
    if not data:
        raise UploadError("This file is empty.")
    if not name.lower().endswith(".csv") and content_type not in ("text/csv", "application/csv"):
        raise UploadError("Upload a .csv file: most banks offer “CSV” among their download formats.")
    text = decode(data).rstrip("\x1a")  # a DOS end-of-file mark
    if _looks_binary(text) or "\x00" in text:  # NUL: binary, or broken UTF-16 (no database stores it)
        raise UploadError(
            "This looks like a binary file (a spreadsheet or a PDF?), not CSV text. "
            "Save or export it as CSV and upload that."
        )
    delimiter = sniff_delimiter(text)
    try:
        records = list(read_records(text, delimiter))
    except csv.Error as exc:
        raise UploadError(f"This file can't be read as CSV ({exc}).") from exc
    if not records:
        raise UploadError("This file has no rows.")
    if max(len(cells) for _, cells in records[:SAMPLE_ROWS]) < 2:
        raise UploadError(
            "This file has only one column, so its dates and amounts can't be told apart. "
            "Is it a CSV file (values separated by commas, semicolons or tabs)?"
        )
    has_header = guess_has_header(records[0][1])
    return ParsedUpload(
        text=text,
        delimiter=delimiter,
        has_header=has_header,
        total_rows=len(records) - (1 if has_header else 0),
    )


# ---------------------------------------------------------------- values


class RowError(ValueError):
    """Why a row can't become a draft; shown on the status page next to its row number."""


@dataclass(frozen=True)
class DateFormat:
    key: str
    example: str
    patterns: tuple[str, ...]


DATE_FORMATS = [
    DateFormat("YYYY-MM-DD", "2026-03-31", ("%Y-%m-%d", "%Y/%m/%d")),
    DateFormat("DD/MM/YYYY", "31/03/2026", ("%d/%m/%Y",)),
    DateFormat("MM/DD/YYYY", "03/31/2026", ("%m/%d/%Y",)),
    DateFormat("DD-MM-YYYY", "31-03-2026", ("%d-%m-%Y",)),
    DateFormat("DD.MM.YYYY", "31.03.2026", ("%d.%m.%Y",)),
    DateFormat("DD MMM YYYY", "31 Mar 2026", ("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%B-%Y")),
    DateFormat("MMM DD, YYYY", "Mar 31, 2026", ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")),
    DateFormat("MM/DD/YY", "03/31/26", ("%m/%d/%y",)),
    DateFormat("DD/MM/YY", "31/03/26", ("%d/%m/%y",)),
    DateFormat("DD.MM.YY", "31.03.26", ("%d.%m.%y",)),
]
DATE_FORMATS_BY_KEY = {f.key: f for f in DATE_FORMATS}
# A time after the date, as exports write it: "2026-04-01T00:00:00+05:30", "4/1/2026 9:05 PM",
# "2026-04-01 10:00:00Z". The date is the one written: the day the household lived it.
_TRAILING_TIME = re.compile(
    r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AaPp][Mm])?( ?(Z|UTC|[+-]\d{2}(:?\d{2})?))?$"
)


def parse_date(value: str, date_format: str) -> date:
    value = " ".join(value.split())
    if not value:
        raise RowError("no date")
    fmt = DATE_FORMATS_BY_KEY[date_format]
    for candidate in (value, _TRAILING_TIME.sub("", value)):
        for pattern in fmt.patterns:
            try:
                day = datetime.strptime(candidate, pattern).date()
            except ValueError:
                continue
            if not in_range(day):
                raise RowError(f"the date “{value[:40]}” is not between {RANGE_TEXT}")
            return day
    raise RowError(f"the date “{value[:40]}” is not a {date_format} date")


_CREDIT = re.compile(r"^\((.*)\)$|^(.*?)\s*cr$", re.I | re.S)
_DEBIT = re.compile(r"^(.*?)\s*dr$", re.I | re.S)


def _marks(text: str) -> tuple[str, bool]:
    """A cell's number without a bank's marks, and whether it was marked as a credit: (450.00)
    and 450 CR are money coming in, 450 DR money going out."""
    credit = _CREDIT.fullmatch(text)
    if credit:
        return (credit.group(1) if credit.group(1) is not None else credit.group(2)), True
    debit = _DEBIT.fullmatch(text)
    return (debit.group(1) if debit else text), False


def parse_amount(value: str, *, decimal_comma: bool = False) -> Decimal:
    """1,200.50 · ₹ 2,999 · Rs. 450 · 1.200,50 · (450.00) → a Decimal, or RowError with the reason.

    Banks' credit and debit marks are read here; the number itself goes through households.money,
    the rule every amount follows.
    """
    text = value.strip()
    if not text:
        raise RowError("no amount")
    number, credit = _marks(text)
    found = to_decimal(number, decimal_comma=decimal_comma)
    if found is not None and (credit or found < 0):
        raise _row_error(AmountError("not_positive"), text, "(credits are not expenses)")
    try:
        return read_amount(number, decimal_comma=decimal_comma)
    except AmountError as exc:
        raise _row_error(exc, text) from None


def parse_signed_amount(value: str, *, decimal_comma: bool = False) -> Decimal:
    """A cell's amount with its sign: money in is negative ("-450", "450 Cr", "(450.00)"), money
    out positive ("450", "450 Dr"); RowError when it is not a number."""
    text = value.strip()
    if not text:
        raise RowError("no amount")
    number, credit = _marks(text)
    found = to_decimal(number, decimal_comma=decimal_comma)
    if found is None:
        try:
            read_amount(number, decimal_comma=decimal_comma)
        except AmountError as exc:
            raise _row_error(exc, text) from None
        raise RowError(f"the amount “{text[:40]}” is not a number")
    return -abs(found) if credit else found


def _row_error(error: AmountError, text: str, note: str = "") -> RowError:
    """The amount rule's message, naming the cell, as a part of a row's reason."""
    reason = error.about(text).rstrip(".")
    return RowError(" ".join(filter(None, [reason[0].lower() + reason[1:], note])))


_COMMA_DECIMAL = re.compile(r"^[^.,]*?(\d{1,3}(\.\d{3})+|\d+),\d{1,2}\D*$")  # 1.234,56 · 12,5
_DOT_DECIMAL = re.compile(r"^[^.,]*?(\d{1,3}(,\d{2,3})+|\d+)\.\d{1,2}\D*$")  # 1,234.56 · 1,20,000.50
_DOT_THOUSANDS = re.compile(r"^[^.,]*?\d{1,3}(\.\d{3})+\D*$")  # 1.234 · 1.234.567


def guess_decimal_comma(values: Iterable[str], *, default: bool = False) -> bool:
    """Whether a column's amounts write decimals with a comma, read from its values: "1.234,56"
    and "12,50" say comma; "1,234.56" and "12.50" say point; "1.234" alone (a thousands point,
    as a German spreadsheet writes 1234) says comma. With nothing either way, `default` (the
    household's own way of writing numbers)."""
    comma = point = thousands_point = 0
    for value in values:
        text = value.strip().lstrip("-+(").rstrip(")")
        if _COMMA_DECIMAL.match(text):
            comma += 1
        elif _DOT_DECIMAL.match(text):
            point += 1
        elif _DOT_THOUSANDS.match(text):
            thousands_point += 1
    if comma or point:
        return comma > point
    return True if thousands_point else default


def fold(description: str) -> str:
    """What two descriptions are compared by: whitespace folded, case ignored (as drafts store it)."""
    return " ".join(description.split())[:200].casefold()


# ---------------------------------------------------------------- guessing a mapping

FIELDS = ("date", "amount", "description", "category")
REQUIRED_FIELDS = ("date", "amount", "description")

# Best first: a statement with both "Txn Date" and "Value Date" maps the transaction date.
HEADER_NAMES = {
    "date": [
        "date",
        "txn date",
        "transaction date",
        "tran date",
        "posting date",
        "booking date",
        "value date",
    ],
    "amount": [
        "amount",
        "debit",
        "withdrawal amount",
        "withdrawal amt",
        "withdrawal",
        "debit amount",
        "amount inr",
        "value",
    ],
    "description": [
        "description",
        "narration",
        "details",
        "transaction details",
        "particulars",
        "remarks",
        "memo",
        "payee",
        "merchant",
        "name",
    ],
    "category": ["category"],
}
HEADER_WORDS = {
    "date": ["date"],
    "amount": ["amount", "debit", "withdrawal", "spent"],
    "description": ["description", "narration", "details", "particulars", "remark", "memo"],
    "category": ["category"],
}


def header_key(cell: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", cell.lower()).split())


def guess_has_header(first_row: list[str]) -> bool:
    keys = [header_key(cell) for cell in first_row]
    known = {name for names in HEADER_NAMES.values() for name in names}
    return any(key in known for key in keys) or not any(
        any(ch.isdigit() for ch in cell) for cell in first_row
    )


def guess_columns(header: list[str] | None, sample: list[list[str]]) -> dict:
    """Field → column index guessed from header names (or, with no header, from the values)."""
    guess: dict = {}
    taken: set[int] = set()

    def take(field: str, index: int) -> None:
        guess[field] = index
        taken.add(index)

    if header:
        keys = [header_key(cell) for cell in header]
        for field in FIELDS:
            for name in HEADER_NAMES[field]:
                index = next((i for i, k in enumerate(keys) if k == name and i not in taken), None)
                if index is not None:
                    take(field, index)
                    break
        for field in FIELDS:
            if field not in guess:
                for i, key in enumerate(keys):
                    if i not in taken and any(word in key for word in HEADER_WORDS[field]):
                        take(field, i)
                        break
        return guess

    width = max((len(row) for row in sample), default=0)
    columns = [[row[i] for row in sample if i < len(row) and row[i].strip()] for i in range(width)]

    def share(values: list[str], ok) -> float:
        return sum(1 for v in values if ok(v)) / len(values) if values else 0.0

    def is_date(value: str) -> bool:
        return _date_format_for(value) is not None

    def is_amount(value: str) -> bool:
        try:
            parse_amount(value.lstrip("-"))
        except RowError:
            return False
        return True

    for i, values in enumerate(columns):
        if share(values, is_date) >= 0.5:
            take("date", i)
            break
    for i, values in enumerate(columns):
        if i not in taken and share(values, is_amount) >= 0.5:
            take("amount", i)
            break
    wordy = [
        (sum(sum(ch.isalpha() for ch in v) for v in values), i)
        for i, values in enumerate(columns)
        if i not in taken
    ]
    if wordy and max(wordy)[0] > 0:
        take("description", max(wordy)[1])
    return guess


def _date_format_for(value: str) -> str | None:
    for fmt in DATE_FORMATS:
        try:
            parse_date(value, fmt.key)
        except RowError:
            continue
        return fmt.key
    return None


def guess_date_format(values: list[str], *, month_first: bool = False) -> str:
    """The first format every sample date parses in (else the one most parse in)."""
    values = [v for v in values if v.strip()]
    first = "MM" if month_first else "DD"  # en_US and friends write 03/31/2026; most others 31/03
    order = sorted(
        (f.key for f in DATE_FORMATS),
        key=lambda key: 0 if key.startswith("YYYY") else 1 if key.startswith(first) else 2,
    )

    def parses(key: str) -> int:
        count = 0
        for value in values:
            try:
                parse_date(value, key)
            except RowError:
                continue
            count += 1
        return count

    if not values:
        return order[0]
    scores = [(parses(key), -position, key) for position, key in enumerate(order)]
    return max(scores)[2]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
