"""The builtin parser as a package: Django-free, its vocabulary as data, its passes in order.

No database here: the parser needs none.
"""

import ast
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import llmsettings.parser
from llmsettings.parser import (
    DEFAULT_CATEGORY_NAMES,
    ParseContext,
    amounts,
    claims,
    dates,
    household,
    parse_expenses,
    read_date,
    reading,
    vocabulary,
)
from llmsettings.parser.dates import DATE_PATTERNS, date_from_match

PACKAGE = Path(llmsettings.parser.__file__).parent
REPO = PACKAGE.parent.parent
TODAY = datetime.date(2026, 3, 18)  # a Wednesday
CONTEXT = ParseContext(
    today=TODAY, speaker="Asha", members=["Asha", "Ravi"], categories=DEFAULT_CATEGORY_NAMES
)

# Parses argv[1] and prints the drafts as JSON, with whichever llmsettings.parser is importable.
PARSE = """
import datetime, json, sys
from llmsettings.parser import DEFAULT_CATEGORY_NAMES, ParseContext, parse_expenses
context = ParseContext(
    today=datetime.date(2026, 3, 18), speaker="Asha", members=["Asha", "Ravi"],
    categories=DEFAULT_CATEGORY_NAMES,
)
print(json.dumps([item.as_json() for item in parse_expenses(sys.argv[1], context)]))
"""


def python(code: str, *args: str, cwd: Path, path: list[Path] | None = None) -> str:
    """Run code in a fresh interpreter without Django's settings and without site-packages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
    if path:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    result = subprocess.run(
        [sys.executable, "-S", "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def parse(text: str) -> list[dict]:
    return [item.as_json() for item in parse_expenses(text, CONTEXT)]


# ------------------------------------------------------------------------------ Django-free


def test_the_parser_imports_and_parses_without_django():
    code = """
import sys
import datetime
import llmsettings.parser as parser

context = parser.ParseContext(
    today=datetime.date(2026, 3, 18), speaker="Asha", members=["Asha", "Ravi"],
    categories=parser.DEFAULT_CATEGORY_NAMES,
)
(item,) = parser.parse_expenses("Ravi paid 1,200 for groceries yesterday", context)
assert (str(item.amount), item.category, item.paid_by) == ("1200.00", "Groceries", "Ravi"), item
assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
outside = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names) - {"__main__"}
assert outside == {"llmsettings", "households"}, outside
ours = sorted(m for m in sys.modules if m.split(".")[0] in outside and not m.startswith("llmsettings.parser"))
assert ours == ["households", "households.money", "households.problems", "llmsettings"], ours
print("ok")
"""
    assert python(code, cwd=REPO).strip() == "ok"


def test_the_parser_imports_nothing_but_the_standard_library_and_the_shared_rules():
    allowed = {"households.money", "households.problems", "llmsettings.parser"}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or any(
                    name == a or name.startswith(a + ".") for a in allowed
                ), f"{path.name} imports {name}"


# ------------------------------------------------------------------------------ vocabulary as data


def words_of(group: str) -> list[str]:
    """The words of a regex alternation built by text.alternation(), in the order they are tried."""
    assert group.startswith("(?:") and group.endswith(")"), group
    return [re.sub(r"\\(.)", r"\1", word.replace(r"\s+", " ")) for word in group[3:-1].split("|")]


def alternatives(group: str) -> set[str]:
    return set(words_of(group))


@pytest.mark.parametrize(
    ("built", "table"),
    [
        (amounts.MULTIPLIER, vocabulary.MULTIPLIERS),
        (amounts.UNIT, vocabulary.UNITS),
        (dates.MONTH, vocabulary.MONTHS),
        (dates.WEEKDAY, vocabulary.WEEKDAYS),
        (household.PAY_VERB, vocabulary.PAY_VERBS),
        (household.BY_VERB, vocabulary.BY_VERBS),
        (household.PAYMENT_METHOD, vocabulary.PAYMENT_METHODS),
    ],
    ids=["multipliers", "units", "months", "weekdays", "pay verbs", "by verbs", "payment methods"],
)
def test_each_built_alternation_holds_exactly_its_table(built, table):
    assert alternatives(built) == set(table)


def test_the_currency_alternations_hold_exactly_the_currency_table():
    words = set(vocabulary.CURRENCY_WORDS)
    before = alternatives(amounts.SIGNS_BEFORE) | alternatives(amounts.WORDS_BEFORE)
    after = alternatives(amounts.SIGNS_AFTER) | alternatives(amounts.WORDS_AFTER)

    assert words >= vocabulary.CURRENCY_ONLY_AFTER | vocabulary.CURRENCY_ONLY_BEFORE
    assert before == words - vocabulary.CURRENCY_ONLY_AFTER
    assert after == words - vocabulary.CURRENCY_ONLY_BEFORE


def test_an_alternation_tries_the_longest_word_first():
    for built in (amounts.MULTIPLIER, amounts.UNIT, dates.MONTH, dates.WEEKDAY, household.PAY_VERB):
        lengths = [len(word) for word in words_of(built)]
        assert lengths == sorted(lengths, reverse=True), built
    words = words_of(dates.MONTH)
    assert words.index("september") < words.index("sept") < words.index("sep")


@pytest.mark.parametrize(
    "name",
    [
        "MULTIPLIERS",
        "CURRENCY_WORDS",
        "UNITS",
        "MONTHS",
        "WEEKDAYS",
        "DAYS_FROM_TODAY",
        "SMALL_NUMBERS",
        "DAYS_PER_UNIT",
        "PAY_VERBS",
        "BY_VERBS",
        "PAYMENT_METHODS",
        "SEPARATOR_WORDS",
        "REFERENCE_WORDS",
    ],
)
def test_a_table_holds_lower_case_single_spaced_phrases(name):
    for key in getattr(vocabulary, name):
        assert key == " ".join(key.lower().split()), key


# A word of a table in a string outside vocabulary.py is a hand-kept copy of the table waiting to
# fall out of step with it: the regexes are built from the tables instead.
TABLE_WORDS = {
    "MULTIPLIERS": ["thousand", "lakhs", "crores", "million", "billion"],
    "MONTHS": ["january", "february", "sept", "october", "december"],
    "WEEKDAYS": ["monday", "tues", "thurs", "friday", "sunday"],
    "CURRENCY_WORDS": ["rs", "rupees", "dollars", "bucks", "euros", "pounds"],
    "SMALL_NUMBERS": ["three", "seven", "couple"],
    "UNITS": ["kilograms", "litres", "ounces", "dozen", "tickets"],
    "DAYS_FROM_TODAY": ["yesterday", "yday", "tonight", "tomorrow"],
    "PAYMENT_METHODS": ["upi", "gpay", "wallet"],
}


def _strings(tree: ast.AST):
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


@pytest.mark.parametrize("path", sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "vocabulary.py"))
def test_no_module_keeps_its_own_copy_of_a_table(path):
    strings = list(_strings(ast.parse((PACKAGE / path).read_text(encoding="utf-8"))))
    for table, words in TABLE_WORDS.items():
        for word in words:
            assert any(word in key.split() for key in getattr(vocabulary, table)), (table, word)
            found = [s for s in strings if re.search(rf"\b{word}\b", s, re.I)]
            assert not found, f"{path} spells {word!r} of {table} itself: {found}"


def test_every_multiplier_multiplies():
    for word, factor in vocabulary.MULTIPLIERS.items():
        (item,) = parse(f"new tv 2 {word}")
        assert Decimal(item["amount"]) == 2 * factor, word


def test_every_currency_word_names_its_currency():
    for word, currency in vocabulary.CURRENCY_WORDS.items():
        text = f"taxi 20 {word}" if word in vocabulary.CURRENCY_ONLY_AFTER else f"taxi {word} 20"
        (item,) = parse(text)
        expected = {"$": "USD"}.get(currency, currency)
        assert item["amount"] == "20.00", word
        assert (expected == "INR") == (item["problems"] == []), (word, item["problems"])


def test_every_unit_makes_a_quantity_not_an_amount():
    for unit in vocabulary.UNITS:
        (item,) = parse(f"rice 3 {unit} 180")
        assert item["amount"] == "180.00" and item["problems"] == [], (unit, item)


@pytest.mark.parametrize(("phrase", "days"), vocabulary.DAYS_FROM_TODAY.items())
def test_every_day_word_names_its_day(phrase, days):
    day = TODAY + datetime.timedelta(days=days)

    assert read_date(phrase, TODAY) == day
    assert read_date(f"{phrase}'s", TODAY) == day
    assert read_date(f"on {phrase}", TODAY) == day
    (item,) = parse(f"groceries 450 {phrase}")
    assert item["date"] == day.isoformat() and item["description"] == "groceries", item


def test_every_month_weekday_and_small_number_is_read():
    for name, month in vocabulary.MONTHS.items():
        assert read_date(f"3 {name}", TODAY) == datetime.date(2026 if month <= 3 else 2025, month, 3), name
    for name, weekday in vocabulary.WEEKDAYS.items():
        found = read_date(f"last {name}", TODAY)
        assert found.weekday() == weekday and TODAY - datetime.timedelta(days=7) <= found < TODAY, name
    for word, n in vocabulary.SMALL_NUMBERS.items():
        for unit, days in vocabulary.DAYS_PER_UNIT.items():
            assert read_date(f"{word} {unit} ago", TODAY) == TODAY - datetime.timedelta(days=n * days)


# ------------------------------------------------------------------------------ one edit to a table


def parse_with_edited_vocabulary(
    tmp_path: Path, old: str, new: str, text: str, file: str = "vocabulary.py"
) -> list[dict]:
    """What a copy of the parser reads when one of its files (vocabulary.py, or a word table such
    as words/english.txt) has one edit, `old` -> `new`."""
    copy = tmp_path / "llmsettings"
    shutil.copytree(PACKAGE, copy / "parser", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "__init__.py").write_text("", encoding="utf-8")
    source = (copy / "parser" / file).read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    (copy / "parser" / file).write_text(source.replace(old, new), encoding="utf-8")
    return json.loads(python(PARSE, text, cwd=tmp_path, path=[tmp_path, REPO]))


def test_a_multiplier_word_is_one_edit_to_the_multipliers(tmp_path):
    text = "new tv 2 grand"
    assert parse(text)[0]["amount"] == "2.00"

    (item,) = parse_with_edited_vocabulary(
        tmp_path, '    "k": Decimal(1000),\n', '    "k": Decimal(1000),\n    "grand": Decimal(1000),\n', text
    )

    assert item["amount"] == "2000.00"
    assert item["description"] == "new tv"


def test_a_date_phrase_is_one_edit_to_the_days_from_today(tmp_path):
    text = "day after tomorrow hotel 4000"
    assert parse(text)[0]["date"] == "2026-03-19"  # read as "tomorrow"

    (item,) = parse_with_edited_vocabulary(
        tmp_path, '    "tomorrow": 1,\n', '    "tomorrow": 1,\n    "day after tomorrow": 2,\n', text
    )

    assert item["date"] == "2026-03-20"
    assert item["description"] == "hotel"


def test_a_category_keyword_is_one_edit_to_the_keyword_table(tmp_path):
    text = "glamping 8000"
    assert parse(text)[0]["category"] == "Other"

    (item,) = parse_with_edited_vocabulary(
        tmp_path, "\nflight → Travel\n", "\nglamping → Travel\nflight → Travel\n", text, "words/english.txt"
    )

    assert item["category"] == "Travel"


def test_the_unedited_copy_reads_as_the_package_does(tmp_path):
    text = "Ravi paid 1,200 for groceries yesterday and 450 petrol"

    same = parse_with_edited_vocabulary(
        tmp_path, "\nflight → Travel\n", "\nflight → Travel\n", text, "words/english.txt"
    )

    assert same == parse(text)


# ------------------------------------------------------------------------------ dates and passes as data


def test_each_date_pattern_has_one_reader_and_a_kind_names_one_reader():
    readers: dict[str, object] = {}
    for pattern, kind, read in DATE_PATTERNS:
        assert isinstance(pattern, re.Pattern) and callable(read)
        assert readers.setdefault(kind, read) is read, kind
    named = {"ymd", "numeric3", "numeric2", "dm", "md", "ago", "weekday", "ordinal"}
    assert set(readers) == named | {"-2", "-1", "0", "+1", "-7"}


def test_date_from_match_reads_a_match_of_a_pattern_by_its_kind():
    found = []
    for pattern, kind, _read in DATE_PATTERNS:
        if m := pattern.search("paid on 3rd March"):
            found.append((kind, date_from_match(m, kind, TODAY, "INR")))

    assert ("dm", (datetime.date(2026, 3, 3), len("paid on 3rd March"))) in found


@pytest.mark.parametrize(
    ("phrase", "day"),
    [
        ("last Friday", datetime.date(2026, 3, 13)),
        ("on 3 March", datetime.date(2026, 3, 3)),
        ("2026-03-01", datetime.date(2026, 3, 1)),
        ("3 days ago", datetime.date(2026, 3, 15)),
        ("the day before yesterday", datetime.date(2026, 3, 16)),
        ("  Yesterday  evening ", datetime.date(2026, 3, 17)),
        ("31 April", None),
        ("coffee", None),
        ("3 March coffee", None),
        ("", None),
    ],
)
def test_read_date_reads_one_whole_date_phrase(phrase, day):
    assert read_date(phrase, TODAY) == day


def test_parse_expenses_walks_the_passes_in_their_order(monkeypatch):
    def shout(r: reading.Reading) -> None:
        for item in r.items:
            item.description = item.description.upper()

    monkeypatch.setattr(reading, "PASSES", (*reading.PASSES, shout))

    assert [item["description"] for item in parse("milk 64, bread 40")] == ["MILK", "BREAD"]


def test_the_claims_run_in_their_order(monkeypatch):
    text = "dinner at 7:30 1500"
    assert parse(text)[0]["problems"] == []

    monkeypatch.setattr(claims, "CLAIMS", tuple(c for c in claims.CLAIMS if c is not claims.claim_times))

    assert parse(text)[0]["problems"] == ["Several amounts (7, 30 and 1500): check the amount."]
