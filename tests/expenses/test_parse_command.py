"""`manage.py parse_expenses`: the builtin parser from the command line, without a household.

These tests use no database: pytest-django refuses database access to them, so a command
that touched the database would fail here.
"""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

EXAMPLES_PATH = Path(__file__).parent.parent / "llmsettings" / "parse_examples.json"


def run(*args, **options):
    out = StringIO()
    call_command("parse_expenses", *args, stdout=out, **options)
    return json.loads(out.getvalue())


def test_one_message_prints_its_drafts():
    items = run(
        "450 groceries yesterday, 1200 electricity",
        today="2026-03-18",
        speaker="Asha",
        members="Asha,Ravi",
        currency="INR",
    )

    assert items == [
        {
            "amount": "450.00",
            "category": "Groceries",
            "date": "2026-03-17",
            "paid_by": "Asha",
            "description": "groceries",
            "problems": [],
        },
        {
            "amount": "1200.00",
            "category": "Utilities",
            "date": "2026-03-18",  # "yesterday" dates its own clause only
            "paid_by": "Asha",
            "description": "electricity",
            "problems": [],
        },
    ]


def test_the_members_option_names_who_can_pay():
    items = run("Ravi paid $12.50 for lunch", today="2026-03-18", members="Asha,Ravi", currency="USD")

    assert [(i["amount"], i["category"], i["paid_by"]) for i in items] == [("12.50", "Dining", "Ravi")]


@time_machine.travel(datetime.datetime(2026, 7, 4, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_without_options_today_the_speaker_me_and_rupees_are_assumed():
    items = run("I paid $5 for tea")

    assert len(items) == 1
    assert items[0]["date"] == "2026-07-04"
    assert items[0]["paid_by"] == "Me"
    assert items[0]["amount"] == "5.00"
    assert any("INR" in problem for problem in items[0]["problems"])


def test_a_message_without_amount_still_prints_a_draft():
    items = run("groceries", today="2026-03-18")

    assert items == [
        {
            "amount": None,
            "category": "Groceries",
            "date": "2026-03-18",
            "paid_by": "Me",
            "description": "groceries",
            "problems": ["No amount found: enter one."],
        }
    ]


def test_a_batch_prints_one_list_per_row_in_order():
    rows = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))

    output = run(batch=str(EXAMPLES_PATH))

    assert len(output) == len(rows)
    for row, items in zip(rows, output, strict=True):
        assert [i["amount"] for i in items] == [e["amount"] for e in row["expect"]], row["text"]
        assert [i["date"] for i in items] == [e["date"] for e in row["expect"]], row["text"]
        assert [i["paid_by"] for i in items] == [e["paid_by"] for e in row["expect"]], row["text"]


@time_machine.travel(datetime.datetime(2026, 7, 4, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_a_batch_row_may_leave_out_everything_but_the_text(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text(
        json.dumps(
            [
                {"text": "auto 60 yesterday", "note": "ignored"},
                {"text": "Ravi: $12 lunch", "speaker": "Asha", "members": ["Asha", "Ravi"]}
                | {"currency": "USD", "today": "2026-03-18"},
            ]
        ),
        encoding="utf-8",
    )

    first, second = run(batch=str(path))

    assert [(i["amount"], i["date"], i["paid_by"]) for i in first] == [("60.00", "2026-07-03", "Me")]
    assert [(i["amount"], i["date"], i["paid_by"], i["problems"]) for i in second] == [
        ("12.00", "2026-03-18", "Ravi", [])
    ]


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        ((), {}, "Give a message"),
        (("tea 20",), {"today": "2026-13-01"}, "not a date"),
        ((), {"batch": "/nonexistent/rows.json"}, "Cannot read"),
    ],
)
def test_bad_input_is_a_clear_error(args, options, message):
    with pytest.raises(CommandError, match=message):
        run(*args, **options)


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "is not JSON"), ('{"text": "tea 20"}', "JSON list"), ("[1]", "Row 1")],
)
def test_a_bad_batch_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "rows.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        run(batch=str(path))
