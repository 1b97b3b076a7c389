"""CSV export of the expense list and CSV import of bank statements, through HTTP."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django_q.models import Task

from expenses import csv_format, import_formats, services, tasks
from expenses.models import Category, DraftState, ExpenseDraft, ImportBatch, Source
from expenses.services import ExpenseData, expense_create, expense_delete, imports
from tests.factories import MembershipFactory

# The URLconf of the project plus this feature's URLs (harmless once config/urls.py includes them).

KOLKATA = ZoneInfo("Asia/Kolkata")
TODAY = date(2026, 4, 15)


@pytest.fixture(autouse=True)
def today():
    """Every test runs at noon on TODAY in the households' time zone."""
    with time_machine.travel(datetime(2026, 4, 15, 12, tzinfo=KOLKATA), tick=False):
        yield TODAY


def category(household, name) -> Category:
    return Category.objects.for_household(household).get(name=name)


def spend(household, user, amount, description, when, category_name="Groceries", **extra):
    return expense_create(
        household=household,
        user=user,
        data=ExpenseData(
            amount=Decimal(amount),
            category=category(household, category_name),
            date=when,
            description=description,
            paid_by=user,
            **extra,
        ),
    )


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def upload(client, content, name="statement.csv", content_type="text/csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(reverse("import"), {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def uploaded_batch(client, content, **kwargs) -> ImportBatch:
    response = upload(client, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_map", args=[batch.pk])
    return batch


STATEMENT_MAPPING = {
    "date": "0",
    "description": "1",
    "amount": "2",
    "category": "",
    "date_format": "YYYY-MM-DD",
    "has_header": "on",
}


def run_import(client, batch, **mapping):
    data = {**STATEMENT_MAPPING, **mapping}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(reverse("import_map", args=[batch.pk]), data)


def import_file(client, content, **mapping) -> ImportBatch:
    batch = uploaded_batch(client, content)
    response = run_import(client, batch, **mapping)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("import_status", args=[batch.pk])
    batch.refresh_from_db()
    return batch


def statement(rows, header="Date,Description,Amount") -> str:
    return "\n".join([header, *rows]) + "\n"


# ---------------------------------------------------------------- the acceptance test


def test_exported_rows_imported_again_are_all_flagged_as_duplicates(household, member_user, member_client):
    groceries = spend(household, member_user, "1200.50", "Big  basket order", date(2026, 4, 2))
    power = spend(household, member_user, "2999", "Electricity bill", date(2026, 3, 28), "Utilities")
    rent = spend(household, member_user, "15000", "", date(2026, 4, 1), "Housing")

    exported = b"".join(member_client.get(reverse("expenses_export")).streaming_content)
    batch = uploaded_batch(member_client, exported, name="hearth-export.csv")

    page = member_client.get(reverse("import_map", args=[batch.pk]))
    assert page.status_code == 200
    guess = page.context["form"].initial
    assert guess == {
        "date": 0,
        "description": 1,
        "category": 2,
        "amount": 3,
        "date_format": "YYYY-MM-DD",
        "has_header": True,
        "sign": "spent_positive",
        "decimal_comma": "0",
    }
    response = run_import(
        member_client, batch, **{k: str(v) for k, v in guess.items()} | {"has_header": "on"}
    )
    assert response.status_code == 302

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert (batch.total_rows, batch.processed_rows, batch.draft_count) == (3, 3, 3)
    assert batch.duplicate_count == 3
    assert batch.errors == []
    drafts = {d.duplicate_of_id: d for d in ExpenseDraft.objects.for_household(household)}
    assert set(drafts) == {groceries.pk, power.pk, rent.pk}
    for expense in (groceries, power, rent):
        draft = drafts[expense.pk]
        assert draft.source == Source.IMPORT
        assert draft.import_batch == batch
        assert draft.state == DraftState.PENDING
        assert (draft.amount, draft.date, draft.category) == (
            expense.amount,
            expense.date,
            expense.category,
        )
        assert any(p.startswith("Looks like a duplicate of") for p in draft.problems)
    assert drafts[groceries.pk].problems == [
        "Looks like a duplicate of “Big basket order” (₹1,200.50) on 2 Apr 2026: check it."
    ]
    assert drafts[rent.pk].problems == [
        "Looks like a duplicate of “Housing” (₹15,000.00) on 1 Apr 2026: check it."
    ]
    assert sorted(d.import_row for d in drafts.values()) == [2, 3, 4]
    assert drafts[power.pk].raw_text.startswith("2026-03-28, Electricity bill, Utilities, 2999.00")

    status = member_client.get(response["Location"])
    assert status.status_code == 200
    text = status.content.decode()
    assert "Import finished" in text
    assert 'id="import-duplicates">3' in text
    assert reverse("inbox") in text
    assert "every 1s" not in text


# ---------------------------------------------------------------- export


def test_export_follows_the_list_filters_and_writes_plain_values(
    household, member_user, member_client, other_household
):
    member = MembershipFactory(household=other_household).user
    march = spend(household, member_user, "1200.50", '=HYPERLINK("evil")', date(2026, 3, 5))
    spend(household, member_user, "80", "Bus", date(2026, 3, 6), "Transport")
    spend(household, member_user, "450", "Vegetables", date(2026, 4, 2))
    trashed = spend(household, member_user, "99", "Oops", date(2026, 3, 7))
    expense_delete(household=household, user=member_user, expense=trashed)
    spend(other_household, member, "1200.50", "Not yours", date(2026, 3, 5))
    planned = spend(
        household,
        member_user,
        "1,20,000.00".replace(",", ""),
        "School fees",
        date(2026, 3, 20),
        "Education",
        status="planned",
        due_date=date(2026, 3, 31),
    )

    groceries = category(household, "Groceries")
    response = member_client.get(reverse("expenses_export"), {"month": "2026-03", "category": groceries.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="hearth-expenses-the-sharmas-2026-04-15.csv"'
    )
    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == csv_format.EXPORT_COLUMNS
    assert rows[1:] == [
        [
            "2026-03-05",
            '\'=HYPERLINK("evil")',  # a spreadsheet shows it as text instead of running it
            "Groceries",
            "1200.50",
            "INR",
            "paid",
            "",
            "Ravi",
            "manual",
            str(march.pk),
        ]
    ]

    everything = read_csv(member_client.get(reverse("expenses_export"), {"month": "2026-03"}))
    assert [(r["date"], r["amount"], r["category"]) for r in everything] == [
        ("2026-03-20", "120000.00", "Education"),
        ("2026-03-06", "80.00", "Transport"),
        ("2026-03-05", "1200.50", "Groceries"),
    ]
    school = everything[0]
    assert (school["status"], school["due_date"], school["id"]) == ("planned", "2026-03-31", str(planned.pk))


def test_export_without_filters_has_every_live_expense(household, member_user, viewer_client):
    for day in range(1, 6):
        spend(household, member_user, f"{day}00", f"Day {day}", date(2026, 4, day))
    rows = read_csv(viewer_client.get(reverse("expenses_export")))
    assert [r["description"] for r in rows] == [f"Day {day}" for day in range(5, 0, -1)]


def test_export_with_an_invalid_filter_says_so(member_client):
    response = member_client.get(reverse("expenses_export"), {"month": "2026-13"})
    assert response.status_code == 400
    assert "Pick a month between 1970 and 2099." in response.content.decode()


@pytest.mark.django_db(transaction=True)
async def test_export_streams_under_asgi(async_client, household, member_user):
    """Under daphne the rows are read with aiterator(), not collected into a list first."""
    try:
        await sync_to_async(spend)(household, member_user, "450", "Vegetables", date(2026, 4, 2))
        await async_client.aforce_login(member_user)
        response = await async_client.get(reverse("expenses_export"))
        assert response.status_code == 200
        assert response.is_async
        body = b"".join([chunk async for chunk in response.streaming_content]).decode()
        assert body.splitlines()[1].startswith("2026-04-02,Vegetables,Groceries,450.00,INR,paid")
    finally:
        await sync_to_async(connections.close_all)()  # the ORM's thread, or the test DB stays open


# ---------------------------------------------------------------- upload


@pytest.mark.parametrize(
    ("name", "content", "content_type", "error"),
    [
        ("statement.csv", b"", "text/csv", "This file is empty."),
        (
            "statement.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
            "text/csv",
            "This looks like a binary file",
        ),
        (
            "statement.csv",
            bytes(range(1, 32)) * 40 + b"\xff\xfe\xfd" * 100,
            "text/csv",
            "This looks like a binary file",
        ),
        ("statement.pdf", b"%PDF-1.7 ...", "application/pdf", "Upload a .csv file"),
        ("statement.csv", b"just one column\nof words\n", "text/csv", "only one column"),
        ("statement.csv", b"\n\n  \n", "text/csv", "This file has no rows."),
        (
            "statement.csv",
            b"Date,Amount\n2026-04-01," + b"9" * (csv_format.MAX_UPLOAD_BYTES + 1) + b"\n",
            "text/csv",
            "the limit is 5 MB",
        ),
    ],
    ids=["empty", "png", "binary-noise", "pdf", "one-column", "blank-lines", "too-large"],
)
def test_a_bad_upload_gets_an_error_next_to_the_field(member_client, name, content, content_type, error):
    response = upload(member_client, content, name=name, content_type=content_type)
    assert response.status_code == 400
    form = response.context["form"]
    assert error in " ".join(form.errors["file"])
    assert 'id="id_file_error"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_without_a_file(member_client):
    response = member_client.post(reverse("import"), {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Choose a CSV file to upload."]


def test_upload_page_renders(member_client, viewer_client):
    page = member_client.get(reverse("import"))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    viewer_page = viewer_client.get(reverse("import"))
    assert viewer_page.status_code == 200
    assert "Your role is viewer" in viewer_page.content.decode()


def test_upload_decodes_and_sniffs(household, member_client):
    """A Windows-1252 file with semicolons, and a UTF-8 file with a BOM, both read right."""
    latin = "Txn Date;Narration;Withdrawal Amount\n01/04/2026;Café Coffee Day;1.200,50\n"
    batch = uploaded_batch(member_client, latin.encode("cp1252"))
    assert batch.content == latin
    assert batch.mapping == {"delimiter": ";", "has_header": True}
    assert batch.total_rows == 1
    page = member_client.get(reverse("import_map", args=[batch.pk]))
    assert page.context["form"].initial == {
        "date": 0,
        "description": 1,
        "amount": 2,
        "date_format": "DD/MM/YYYY",
        "has_header": True,
        "sign": "spent_positive",
        "decimal_comma": "1",  # read from "1.200,50"
    }
    assert "Café Coffee Day" in page.content.decode()
    assert "semicolons" in page.content.decode()
    run_import(member_client, batch, date_format="DD/MM/YYYY", date_order="day")  # 01/04 reads both ways
    draft = ExpenseDraft.objects.get()
    assert (draft.date, draft.amount, draft.description) == (
        date(2026, 4, 1),
        Decimal("1200.50"),
        "Café Coffee Day",
    )

    ImportBatch.objects.all().delete()
    bom = "\ufeffValue Date,Txn Date,Details,Debit,Credit\n02/04/26,03/04/26,Chemist,300,\n"
    batch = uploaded_batch(member_client, bom.encode("utf-8"))
    assert batch.content.startswith("Value Date")
    guess = member_client.get(reverse("import_map", args=[batch.pk])).context["form"].initial
    assert (guess["date"], guess["description"], guess["amount"], guess["date_format"]) == (
        1,
        2,
        3,
        "DD/MM/YY",
    )


def test_a_file_without_a_header_is_guessed_from_its_values(household, member_client):
    batch = uploaded_batch(member_client, "Swiggy order,450.00,31/03/2026\nUber ride,212,30/03/2026\n")
    assert batch.mapping["has_header"] is False
    assert batch.total_rows == 2
    guess = member_client.get(reverse("import_map", args=[batch.pk])).context["form"].initial
    assert guess == {
        "date": 2,
        "amount": 1,
        "description": 0,
        "date_format": "DD/MM/YYYY",
        "has_header": False,
        "sign": "spent_positive",
        "decimal_comma": "0",
    }
    run_import(
        member_client, batch, date="2", amount="1", description="0", date_format="DD/MM/YYYY", has_header=None
    )
    assert ExpenseDraft.objects.count() == 2


# ---------------------------------------------------------------- mapping


def test_mapping_errors_are_shown_next_to_their_fields(household, member_client):
    batch = uploaded_batch(member_client, statement(["2026-04-01,Milk,56", "2026-04-02,Bread,40"]))
    url = reverse("import_map", args=[batch.pk])

    same_column = run_import(member_client, batch, description="0")
    assert same_column.status_code == 400
    assert same_column.context["form"].errors["description"] == [
        "Column A is already the date column: pick another."
    ]
    assert 'id="id_description_error"' in same_column.content.decode()

    missing = member_client.post(url, {"date_format": "YYYY-MM-DD"})
    assert missing.status_code == 400
    errors = missing.context["form"].errors
    assert errors["date"] == ["Pick the column with the dates."]
    assert errors["amount"] == ["Pick the column with the amounts."]

    wrong_format = run_import(member_client, batch, date_format="DD/MM/YYYY")
    assert wrong_format.status_code == 400
    assert wrong_format.context["form"].errors["date_format"] == [
        "None of the first dates (like “2026-04-01”) is written as DD/MM/YYYY: pick the format they "
        "are in, or another column."
    ]

    words_as_amounts = run_import(member_client, batch, amount="1", description="2")
    assert words_as_amounts.status_code == 400
    assert (
        "This column has no amounts in the first rows (it has “Milk”)"
        in (words_as_amounts.context["form"].errors["amount"][0])
    )

    not_a_column = run_import(member_client, batch, amount="7")
    assert not_a_column.status_code == 400
    assert "amount" in not_a_column.context["form"].errors

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.MAPPING
    assert not ExpenseDraft.objects.exists()


def test_a_header_with_no_rows_below_it(member_client):
    batch = uploaded_batch(member_client, "Date,Description,Amount\n")
    response = run_import(member_client, batch)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["There are no rows to import below the header."]


def test_the_preview_shows_the_first_ten_rows(member_client):
    rows = [f"2026-04-{day:02d},Item {day},{day}0" for day in range(1, 15)]
    batch = uploaded_batch(member_client, statement(rows))
    page = member_client.get(reverse("import_map", args=[batch.pk])).content.decode()
    assert "Item 9" in page
    assert "Item 10" not in page  # the header and nine rows make ten
    assert "Import 14 drafts" in page  # counted before anything is written
    assert 'id="outcome-drafts">14' in page


def test_submitting_the_mapping_twice_imports_once(household, member_client):
    batch = uploaded_batch(member_client, statement(["2026-04-01,Milk,56"]))
    first = run_import(member_client, batch)
    second = run_import(member_client, batch)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("import_status", args=[batch.pk])
    assert ExpenseDraft.objects.count() == 1
    assert member_client.get(reverse("import_map", args=[batch.pk])).status_code == 302


# ---------------------------------------------------------------- rows


def test_every_row_becomes_a_draft_a_listed_skipped_row_or_a_listed_bad_row(
    household, member_user, member_client
):
    rows = [
        "2026-04-01,Milk,56",  # 2
        ",No date,10",  # 3
        "01/04/2026,Other format,10",  # 4
        "2026-04-02,Not a number,abc",  # 5
        "2026-04-02,Refund,-450.00",  # 6
        "2026-04-02,Free sample,0",  # 7
        '2026-04-03,Laptop,"1,200.50"',  # 8
        "",  # 9: blank, not a data row
        "2026-04-04,Shoes,₹ 2,999",  # 10 (unquoted: the comma splits the cell) → ₹ 2
        '2026-04-05,Shirt,"₹ 2,999"',  # 11
        "2026-04-06,  Lots   of  space ,Rs. 450",  # 12
        "2026-04-07,Cashback,450.00 Cr",  # 13
        "2026-04-08,No amount,",  # 14
        "2025-01-10,Old one,100",  # 15: kept, with the draft's usual problem
        "garbage",  # 16
    ]
    batch = import_file(member_client, statement(rows))
    assert batch.state == ImportBatch.State.DONE
    assert batch.total_rows == 14
    assert batch.processed_rows == 14
    assert batch.draft_count + len(batch.skipped) + len(batch.errors) == batch.total_rows
    assert batch.errors == [
        {"row": 3, "reason": "No date."},
        {"row": 4, "reason": "The date “01/04/2026” is not a YYYY-MM-DD date."},
        {"row": 5, "reason": "The amount “abc” is not a number: write it like 1,200.50."},
        {"row": 14, "reason": "No amount."},
        {"row": 16, "reason": "The date “garbage” is not a YYYY-MM-DD date; no amount."},
    ]
    assert batch.skipped == [  # money in is not an expense: listed with what it is, and its amount
        {"row": 6, "reason": import_formats.REFUND, "amount": "450.00"},
        {"row": 7, "reason": import_formats.ZERO, "amount": None},
        {"row": 13, "reason": import_formats.REFUND, "amount": "450.00"},
    ]
    drafts = {d.import_row: d for d in ExpenseDraft.objects.for_household(household)}
    assert {row: d.amount for row, d in drafts.items()} == {
        2: Decimal("56.00"),
        8: Decimal("1200.50"),
        10: Decimal("2.00"),
        11: Decimal("2999.00"),
        12: Decimal("450.00"),
        15: Decimal("100.00"),
    }
    assert drafts[12].description == "Lots of space"
    assert drafts[15].problems == ["The date is more than a year ago: check it."]
    assert drafts[2].problems == []
    assert {row: d.category.name for row, d in drafts.items()} == {  # read from the description
        2: "Groceries",
        8: "Shopping",
        10: "Shopping",
        11: "Shopping",
        12: "Other",
        15: "Other",
    }
    assert drafts[2].paid_by == member_user
    assert drafts[2].duplicate_of is None

    page = member_client.get(reverse("import_status", args=[batch.pk])).content.decode()
    assert 'id="import-drafts">6' in page
    assert 'id="import-bad">5' in page
    assert 'id="import-skipped">3' in page
    assert "Money back (a refund or cashback)" in page
    assert 'id="import-total">₹4,807.50' in page
    assert "The date “garbage” is not a YYYY-MM-DD date; no amount." in page
    assert '<td class="num">14</td>' in page


def test_category_column_matches_the_households_names(household, member_client):
    batch = import_file(
        member_client,
        statement(
            [
                "2026-04-01,Milk,56,groceries",
                "2026-04-01,Pizza,400,  DINING ",
                "2026-04-01,Toy,99,Fun",
                "2026-04-01,Xyzzy,5,Zorblax",
            ],
            header="Date,Description,Amount,Category",
        ),
        category="3",
    )
    drafts = {d.description: d for d in ExpenseDraft.objects.filter(import_batch=batch)}
    assert drafts["Milk"].category == category(household, "Groceries")
    assert drafts["Pizza"].category == category(household, "Dining")
    assert drafts["Milk"].problems == []
    assert drafts["Toy"].category == category(household, "Entertainment")  # a synonym
    assert drafts["Xyzzy"].category == category(household, "Other")  # nothing says: Other, no block
    assert drafts["Xyzzy"].problems == []


def test_duplicates_match_date_amount_and_folded_description(household, member_user, member_client):
    bill = spend(household, member_user, "1200.50", "Electricity  Bill", date(2026, 4, 3))
    gone = spend(household, member_user, "300", "Chemist", date(2026, 4, 4))
    expense_delete(household=household, user=member_user, expense=gone)
    spend(household, member_user, "500", "Fuel", date(2026, 4, 5))
    batch = import_file(
        member_client,
        statement(
            [
                '2026-04-03," electricity   BILL ","1,200.50"',  # the same expense
                "2026-04-04,Chemist,300",  # matches only a trashed expense
                "2026-04-05,Fuel,500.01",  # another amount
                "2026-04-06,Fuel,500",  # another day
            ]
        ),
    )
    assert batch.duplicate_count == 1
    flagged = ExpenseDraft.objects.get(duplicate_of__isnull=False)
    assert flagged.duplicate_of == bill
    assert flagged.import_row == 2
    assert ExpenseDraft.objects.filter(duplicate_of__isnull=True).count() == 3


def test_import_publishes_drafts_once_per_chunk(household, member_client, django_capture_on_commit_callbacks):
    batch = uploaded_batch(member_client, statement([f"2026-04-01,Item {n},{n + 1}" for n in range(700)]))
    with django_capture_on_commit_callbacks() as callbacks:
        run_import(member_client, batch)
    assert len(callbacks) == 2  # 700 rows: two chunks, one "drafts" event each


# ---------------------------------------------------------------- big files and progress


def test_a_big_file_is_imported_by_the_django_q_task(
    household, member_client, django_capture_on_commit_callbacks
):
    rows = [
        f"2026-04-{n % 28 + 1:02d},Item {n},{n % 900 + 1}.25" for n in range(services.BACKGROUND_ROWS - 1)
    ]
    rows.insert(100, "2026-04-01,Refund,-5")
    batch = uploaded_batch(member_client, statement(rows))
    assert batch.total_rows == services.BACKGROUND_ROWS

    with django_capture_on_commit_callbacks(execute=True):
        response = run_import(member_client, batch)
    assert response.status_code == 302

    task = Task.objects.get()
    assert task.func == services.TASK_NAME
    assert task.success
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert batch.processed_rows == batch.total_rows == services.BACKGROUND_ROWS
    assert batch.draft_count == services.BACKGROUND_ROWS - 1
    assert batch.errors == []
    assert batch.skipped == [{"row": 102, "reason": import_formats.REFUND, "amount": "5.00"}]
    assert ExpenseDraft.objects.filter(import_batch=batch).count() == services.BACKGROUND_ROWS - 1


def test_a_small_file_is_imported_in_the_request(member_client):
    import_file(member_client, statement(["2026-04-01,Milk,56"]))
    assert not Task.objects.exists()


def test_the_status_fragment_polls_while_running_and_stops_when_done(household, member_user, member_client):
    batch = ImportBatch.objects.create(
        household=household,
        created_by=member_user,
        file_name="big.csv",
        content="",
        mapping={"delimiter": ","},
        state=ImportBatch.State.RUNNING,
        total_rows=6000,
        processed_rows=1200,
        errors=[{"row": 7, "reason": "No date."}],
    )
    url = reverse("import_status", args=[batch.pk])

    page = member_client.get(url)
    assert page.status_code == 200
    assert "<h1>Import big.csv</h1>" in page.content.decode()

    fragment = member_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert '<progress id="import-progress" max="6000" value="1200"' in fragment
    assert "1,200 of 6,000 rows" in fragment
    assert 'id="import-bad">1' in fragment
    assert "Nothing has moved" not in fragment

    with time_machine.travel(datetime(2026, 4, 15, 12, 11, tzinfo=KOLKATA), tick=False):
        stuck = member_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Nothing has moved for 10 minutes: the import may have stopped." in stuck
    assert 'hx-trigger="every 10s"' in stuck

    batch.state = ImportBatch.State.DONE
    batch.processed_rows = 6000
    batch.save()
    done = member_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in done
    assert "<progress" not in done
    assert "No date." in done


def test_a_task_run_again_goes_on_where_it_stopped(household, member_user):
    """django-q2 retries a task whose worker died: the rows already committed are not made twice."""
    rows = statement([f"2026-04-01,Item {n},{n + 1}" for n in range(1200)])
    batch = ImportBatch.objects.create(
        household=household,
        created_by=member_user,
        file_name="big.csv",
        content=rows,
        mapping={**csv_io_mapping(), "delimiter": ","},
        state=ImportBatch.State.QUEUED,
        total_rows=1200,
    )
    context_rows = list(csv_format.data_rows(rows, ",", True))
    batch.state = ImportBatch.State.RUNNING
    batch.save()
    imports._import_chunk(  # the first chunk committed, then the worker died
        imports._Context(household, batch, {}, None, batch.mapping), context_rows[:500]
    )
    tasks.import_batch_task(str(batch.pk))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert batch.processed_rows == batch.draft_count == 1200
    assert ExpenseDraft.objects.filter(import_batch=batch).count() == 1200
    assert sorted(ExpenseDraft.objects.values_list("import_row", flat=True)) == list(range(2, 1202))
    tasks.import_batch_task(str(batch.pk))  # and once more, after it is done: nothing new
    assert ExpenseDraft.objects.filter(import_batch=batch).count() == 1200


def csv_io_mapping() -> dict:
    return {
        "date": 0,
        "description": 1,
        "amount": 2,
        "category": None,
        "date_format": "YYYY-MM-DD",
        "has_header": True,
    }


@pytest.mark.parametrize("rows", [100, 1000])
def test_import_costs_a_constant_number_of_queries_per_chunk(
    rows, household, member_user, member_client, django_assert_max_num_queries
):
    for day in range(1, 10):
        spend(household, member_user, f"{day}", f"Item {day}", date(2026, 4, day))
    lines = [  # every tenth row repeats an expense
        f"2026-04-{n % 9 + 1:02d},Item {n % 9 + 1},{n % 9 + 1}"
        if n % 10 == 0
        else f"2026-04-01,Thing {n},{n}"
        for n in range(1, rows + 1)
    ]
    batch = uploaded_batch(member_client, statement(lines, header="Date,Description,Amount"))
    # About ten for the request (session, user, membership, batch, mapping, categories, member),
    # then five per chunk of 500 rows: the duplicate query, one insert, the progress update and a
    # savepoint around them. 100 rows take 15, 1,000 take 20; a query per row would take 100+.
    with django_assert_max_num_queries(25):
        response = run_import(member_client, batch)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.draft_count == rows
    assert batch.duplicate_count == rows // 10


# ---------------------------------------------------------------- who may do what


@pytest.fixture
def their_batch(household, admin_user):
    return ImportBatch.objects.create(
        household=household,
        created_by=admin_user,
        file_name="theirs.csv",
        content=statement(["2026-04-01,Milk,56"]),
        mapping={"delimiter": ",", "has_header": True},
        total_rows=1,
    )


def test_another_households_batch_is_a_404_on_every_import_url(their_batch, other_client):
    map_url = reverse("import_map", args=[their_batch.pk])
    status_url = reverse("import_status", args=[their_batch.pk])
    assert other_client.get(map_url).status_code == 404
    assert other_client.post(map_url, STATEMENT_MAPPING).status_code == 404
    assert other_client.get(status_url).status_code == 404
    assert other_client.get(status_url, headers={"HX-Request": "true"}).status_code == 404
    their_batch.state = ImportBatch.State.DONE
    their_batch.save()
    assert other_client.get(status_url).status_code == 404
    assert other_client.get(reverse("import")).content.decode().count("theirs.csv") == 0
    their_batch.refresh_from_db()
    assert not ExpenseDraft.objects.exists()


def test_a_viewer_cannot_import(their_batch, viewer_client):
    assert upload(viewer_client, statement(["2026-04-01,Milk,56"])).status_code == 403
    assert ImportBatch.objects.count() == 1
    response = viewer_client.post(reverse("import_map", args=[their_batch.pk]), STATEMENT_MAPPING)
    assert response.status_code == 403
    their_batch.refresh_from_db()
    assert their_batch.state == ImportBatch.State.MAPPING
    assert not ExpenseDraft.objects.exists()
    # Looking is fine.
    assert viewer_client.get(reverse("import_map", args=[their_batch.pk])).status_code == 200


def test_signed_out_people_are_sent_to_log_in(client, their_batch):
    for url in (
        reverse("expenses_export"),
        reverse("import"),
        reverse("import_map", args=[their_batch.pk]),
        reverse("import_status", args=[their_batch.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- values, directly


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,200.50", "1200.50"),
        ("₹ 2,999", "2999"),
        ("Rs. 1,20,000", "120000"),
        ("INR 45", "45"),
        ("1.200,50", "1200.50"),
        ("12,5", "12.5"),
        ("450.00 Dr", "450.00"),
        ("$12.50", "12.50"),
    ],
)
def test_amounts_people_and_banks_write(text, amount):
    assert csv_format.parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-450.00", "more than zero"),
        ("(450.00)", "more than zero"),
        ("450 CR", "more than zero"),
        ("0.00", "more than zero"),
        ("12.345", "more than two decimal places"),
        ("1e5", "is not a number"),
        ("NaN", "is not a number"),
        ("1e12", "is not a number"),
        ("999999999999.99 Cr", "credits are not expenses"),
        ("1000000000000.00", "too large: the most is 999,999,999,999.99"),
        ("9" * 5000, "too large"),
        ("1000000000000", "too large"),
        ("", "no amount"),
    ],
)
def test_amounts_that_are_bad_rows(text, reason):
    with pytest.raises(csv_format.RowError, match=reason):
        csv_format.parse_amount(text)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2026-03-31", "YYYY-MM-DD", date(2026, 3, 31)),
        ("31/03/2026", "DD/MM/YYYY", date(2026, 3, 31)),
        ("03/31/2026", "MM/DD/YYYY", date(2026, 3, 31)),
        ("31-03-2026", "DD-MM-YYYY", date(2026, 3, 31)),
        ("31 Mar 2026", "DD MMM YYYY", date(2026, 3, 31)),
        ("31-MAR-2026", "DD MMM YYYY", date(2026, 3, 31)),
        ("03/31/26", "MM/DD/YY", date(2026, 3, 31)),
        ("31/03/26", "DD/MM/YY", date(2026, 3, 31)),
        ("31/03/2026 14:05:00", "DD/MM/YYYY", date(2026, 3, 31)),
    ],
)
def test_date_formats(text, fmt, expected):
    assert csv_format.parse_date(text, fmt) == expected


def test_dates_in_another_format_are_refused():
    for text, fmt in [("31/03/2026", "MM/DD/YYYY"), ("31/03/26", "DD/MM/YYYY"), ("2026-02-30", "YYYY-MM-DD")]:
        with pytest.raises(csv_format.RowError, match="is not a"):
            csv_format.parse_date(text, fmt)


def test_guessing_a_date_format_prefers_the_households_order():
    assert csv_format.guess_date_format(["04/03/2026", "05/03/2026"]) == "DD/MM/YYYY"
    assert csv_format.guess_date_format(["04/03/2026", "05/03/2026"], month_first=True) == "MM/DD/YYYY"
    assert csv_format.guess_date_format(["04/03/2026", "04/13/2026"]) == "MM/DD/YYYY"
    assert csv_format.guess_date_format(["2026-04-03"]) == "YYYY-MM-DD"


def test_column_letters_and_folding():
    assert [csv_format.column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
    assert csv_format.fold("  Big   BASKET ") == "big basket"
