"""Moving in: each app's export, written to its published layout (tests/expenses/imports/, with
the totals worked out from what each row is), is recognised from its header, opens with its
mapping filled in, and imports with the drafts adding up to the file's spending to the cent;
income, transfers, card-bill payments, opening balances, settle-ups, cash withdrawals and
refunds are listed as skipped with what they are."""

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expenses import csv_format, import_formats
from expenses.models import Category, ExpenseDraft, ImportBatch, LearnedWord
from expenses.services import draft_confirm
from households.problems import problem_message
from tests.conftest import client_for
from tests.factories import HouseholdFactory, MembershipFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "imports"
EXPECTED = json.loads((FILES / "expected.json").read_text(encoding="utf-8"))
# The fixtures' names for what a skipped row is -> Hearth's reason.
REASONS = {
    "transfer": import_formats.TRANSFER,
    "income": import_formats.INCOME,
    "refund": import_formats.REFUND,
    "opening": import_formats.OPENING,
    "settle": import_formats.SETTLE_UP,
    "summary": import_formats.SUMMARY,
    "card": import_formats.CARD_BILL,
    "cash": import_formats.CASH,
    "not_ours": import_formats.NOT_OURS,
}
LOCALES = {"USD": "en_US", "INR": "en_IN", "EUR": "de_DE"}
LABELS = {
    "ynab": "YNAB (register export)",
    "splitwise": "Splitwise",
    "firefly": "Firefly III",
    "mint": "Mint",
    "actual": "Actual Budget",
    "bank_out_in": "Bank statement (withdrawal and deposit columns)",
    "bank_type": "Bank statement (a debit/credit column)",
    "bank_signed": "Bank statement (one signed amount)",
}


def member_of(currency: str):
    household = HouseholdFactory(currency=currency, locale=LOCALES[currency], timezone="Asia/Kolkata")
    asha = MembershipFactory(household=household, user__name="Asha").user
    MembershipFactory(household=household, user__name="Ravi")
    return household, client_for(asha)


def upload(client, name: str, data: bytes):
    response = client.post(
        reverse("import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("created_at")


def prefilled(page) -> dict:
    initial = page.context["form"].initial
    data = {k: ("" if v is None else str(v)) for k, v in initial.items() if k != "has_header"}
    if initial.get("has_header"):
        data["has_header"] = "on"
    return data


def accept_the_prefilled_mapping(client, batch, **changes):
    """What a person does who trusts the preview: send the form as it opened."""
    page = client.get(reverse("import_map", args=[batch.pk]))
    assert page.status_code == 200
    response = client.post(reverse("import_map", args=[batch.pk]), {**prefilled(page), **changes})
    assert response.status_code == 302, response.content.decode()[:3000]
    batch.refresh_from_db()
    return page, batch


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_apps_export_imports_to_the_cent(name):
    expected = EXPECTED[name]
    _, client = member_of(expected["currency"])
    batch = upload(client, name, (FILES / name).read_bytes())

    page, batch = accept_the_prefilled_mapping(client, batch)

    assert f"Recognised: {LABELS[expected['preset']]}" in page.content.decode()
    outcome = page.context["outcome"]  # told before anything was written …
    assert (outcome.drafts, outcome.total) == (expected["expenses"], Decimal(expected["total"]))
    assert outcome.skipped_count == sum(expected["skipped"].values()) and outcome.bad_count == 0
    assert batch.state == ImportBatch.State.DONE
    assert batch.errors == []
    drafts = ExpenseDraft.objects.filter(import_batch=batch)  # … and true after
    assert drafts.count() == batch.draft_count == expected["expenses"]
    assert drafts.aggregate(total=Sum("amount"))["total"] == Decimal(expected["total"])
    skipped = Counter(entry["reason"] for entry in batch.skipped)
    assert skipped == Counter({REASONS[k]: n for k, n in expected["skipped"].items() if n})
    assert batch.draft_count + len(batch.skipped) == expected["rows"]
    status = client.get(reverse("import_status", args=[batch.pk])).content.decode()
    for reason in skipped:
        assert reason[0].upper() + reason[1:] in status  # listed, with what it is


@pytest.mark.parametrize("name", ["ynab.csv", "splitwise.csv", "firefly.csv", "mint.csv", "actual.csv"])
def test_a_source_apps_categories_land_in_hearth_categories(name):
    expected = EXPECTED[name]
    _, client = member_of(expected["currency"])
    batch = upload(client, name, (FILES / name).read_bytes())
    accept_the_prefilled_mapping(client, batch)

    drafts = list(ExpenseDraft.objects.filter(import_batch=batch).select_related("category"))
    named = [d for d in drafts if d.category and d.category.name != "Other"]
    assert len(named) >= 0.9 * len(drafts), Counter(d.category.name for d in drafts)
    assert all(d.category is not None for d in drafts)  # nothing blocks "Confirm all"


def test_splitwise_counts_the_households_share_and_flags_another_currency():
    _, client = member_of("INR")
    batch = upload(client, "splitwise.csv", (FILES / "splitwise.csv").read_bytes())
    accept_the_prefilled_mapping(client, batch)

    drafts = ExpenseDraft.objects.filter(import_batch=batch)
    other = problem_message("other_currency", theirs="USD", ours="INR")
    assert sum(1 for d in drafts if other in d.problems) == EXPECTED["splitwise.csv"]["flagged_currency"]
    rent = drafts.get(import_row=2)  # 2,256 shared three ways, Ravi paid: ours is two thirds
    assert (rent.amount, rent.paid_by.name) == (Decimal("1504.00"), "Ravi")


@pytest.mark.parametrize(
    ("header", "preset"),
    [
        (
            [
                "Account",
                "Flag",
                "Date",
                "Payee",
                "Category Group/Category",
                "Category Group",
                "Category",
                "Memo",
                "Outflow",
                "Inflow",
                "Cleared",
            ],
            "ynab",
        ),
        (["Date", "Description", "Category", "Cost", "Currency", "Asha", "Ravi"], "splitwise"),
        (
            [
                "Date",
                "Description",
                "Original Description",
                "Amount",
                "Transaction Type",
                "Category",
                "Account Name",
                "Labels",
                "Notes",
            ],
            "mint",
        ),
        (["Account", "Date", "Payee", "Notes", "Category", "Amount", "Split_Amount", "Cleared"], "actual"),
        (["Txn Date", "Narration", "Withdrawal Amt.", "Deposit Amt.", "Balance"], "bank_out_in"),
        (["Date", "Description", "Debit", "Credit", "Balance"], "bank_out_in"),
        (["Date", "Particulars", "Amount", "Cr/Dr"], "bank_type"),
        (["Date", "Description", "Amount", "Balance"], "bank_signed"),
        (["When", "What", "How much"], None),
    ],
)
def test_a_header_row_names_its_layout(header, preset):
    found = import_formats.recognise(header)
    assert (found.key if found else None) == preset


def test_an_unknown_file_keeps_the_generic_mapping():
    _, client = member_of("INR")
    batch = upload(client, "odd.csv", b"When,What,How much\n2026-04-01,Milk,56\n")
    page = client.get(reverse("import_map", args=[batch.pk])).content.decode()
    assert "Recognised:" not in page
    assert "Which column is which?" in page


@pytest.mark.parametrize(
    ("values", "comma"),
    [
        (["1.234,56", "12,50"], True),
        (["1,234.56", "12.50"], False),
        (["1.234", "2.500"], True),
        (["1,20,000.00"], False),
        (["-1.234,56 €"], True),
        (["450"], False),
    ],
)
def test_the_decimal_separator_is_read_from_the_values(values, comma):
    assert csv_format.guess_decimal_comma(values) is comma


@pytest.mark.parametrize(
    ("text", "fmt", "day"),
    [
        ("2026-04-01T00:00:00+05:30", "YYYY-MM-DD", "2026-04-01"),
        ("2026-04-01 23:30:00Z", "YYYY-MM-DD", "2026-04-01"),
        ("01.05.2026", "DD.MM.YYYY", "2026-05-01"),
        ("Apr 1, 2026", "MMM DD, YYYY", "2026-04-01"),
        ("4/1/2026 9:05 PM", "MM/DD/YYYY", "2026-04-01"),
    ],
)
def test_export_date_forms(text, fmt, day):
    assert csv_format.parse_date(text, fmt).isoformat() == day


# ---------------------------------------------------------------- the property


ROW_KINDS = st.sampled_from(["spend", "income", "transfer", "refund", "zero"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(ROW_KINDS, st.integers(min_value=1, max_value=10**9)), min_size=1, max_size=40))
def test_the_drafts_add_up_to_the_files_spending(rows):
    """For any YNAB-shaped file: the drafts' total is the sum of its spending rows, to the cent,
    and every other row is listed as skipped."""
    _, client = member_of("USD")
    lines = [
        "Account,Flag,Date,Payee,Category Group/Category,Category Group,Category,Memo,Outflow,Inflow,Cleared"
    ]
    spent = Decimal(0)
    for kind, cents in rows:
        money = f"${Decimal(cents) / 100:,.2f}"
        payee, category, out, inn = {
            "spend": ("Kroger", "Groceries", money, "$0.00"),
            "income": ("Acme", "Ready to Assign", "$0.00", money),
            "transfer": ("Transfer : Savings", "", money, "$0.00"),
            "refund": ("Kroger", "Groceries", "$0.00", money),
            "zero": ("Kroger", "Groceries", "$0.00", "$0.00"),
        }[kind]
        if kind == "spend":
            spent += Decimal(cents) / 100
        lines.append(f'Checking,,04/01/2026,{payee},,,{category},,"{out}","{inn}",Cleared')
    batch = upload(client, "ynab.csv", ("\n".join(lines) + "\n").encode())
    page, batch = accept_the_prefilled_mapping(client, batch, date_order="month")  # 04/01 reads both ways

    total = ExpenseDraft.objects.filter(import_batch=batch).aggregate(total=Sum("amount"))["total"]
    assert (total or Decimal(0)) == spent == page.context["outcome"].total
    assert batch.draft_count + len(batch.skipped) + len(batch.errors) == len(rows)
    assert batch.errors == []


# ---------------------------------------------------------------- the preview's categories


MINT = FILES / "mint.csv"


def test_a_changed_source_category_is_used_and_remembered_for_the_next_file():
    household, client = member_of("USD")
    batch = upload(client, "mint.csv", MINT.read_bytes())
    page = client.get(reverse("import_map", args=[batch.pk]))
    sources = {s.name: s for s in page.context["sources"]}
    assert sources["Hair"].category.name == "Personal care" and sources["Hair"].rows > 0
    position = [s.name for s in page.context["sources"]].index("Hair") + 1
    kids = Category.objects.get(household=household, name="Kids")

    client.post(
        reverse("import_map", args=[batch.pk]),
        {
            **prefilled(page),
            f"catkey-{position}": "hair",
            f"cat-{position}": str(kids.pk),
            "action": "import",
        },
    )

    hair = ExpenseDraft.objects.filter(import_batch=batch, description="Great Clips")
    assert hair.exists() and {d.category for d in hair} == {kids}
    assert LearnedWord.objects.get(household=household, phrase="hair").category == kids
    again = upload(client, "mint.csv", MINT.read_bytes())
    sources = {s.name: s for s in client.get(reverse("import_map", args=[again.pk])).context["sources"]}
    assert sources["Hair"].category == kids  # the next file says it again


def test_a_source_category_can_become_a_new_hearth_category():
    household, client = member_of("USD")
    batch = upload(client, "mint.csv", MINT.read_bytes())
    page = client.get(reverse("import_map", args=[batch.pk]))
    position = [s.name for s in page.context["sources"]].index("Kids Activities") + 1

    client.post(
        reverse("import_map", args=[batch.pk]),
        {
            **prefilled(page),
            f"catkey-{position}": "kids activities",
            f"cat-{position}": "new",
            "action": "import",
        },
    )

    new = Category.objects.get(household=household, name="Kids Activities")
    assert (
        ExpenseDraft.objects.filter(import_batch=batch, category=new).count()
        == page.context["sources"][position - 1].rows
    )


def test_checking_again_counts_with_the_changed_mapping_and_writes_nothing():
    _, client = member_of("INR")
    batch = upload(client, "bank.csv", (FILES / "bank_withdrawal_deposit.csv").read_bytes())
    page = client.get(reverse("import_map", args=[batch.pk]))
    # Without the deposit column, deposits are rows with no withdrawal: zero amounts, skipped.
    again = client.post(
        reverse("import_map", args=[batch.pk]), {**prefilled(page), "inflow": "", "action": "preview"}
    )

    assert again.status_code == 200
    assert again.context["outcome"].drafts == page.context["outcome"].drafts
    assert import_formats.INCOME not in again.context["outcome"].skipped
    assert not ExpenseDraft.objects.exists()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.MAPPING


def test_dates_that_read_both_ways_are_asked_about_once_with_two_rows():
    _, client = member_of("INR")
    batch = upload(client, "s.csv", b"Date,Description,Amount\n03/04/2026,Milk,56\n05/06/2026,Bread,40\n")
    page = client.get(reverse("import_map", args=[batch.pk]))
    assert "These dates read two ways" in page.content.decode()
    assert "“03/04/2026” is 3 April 2026 day first, or 4 March 2026 month first" in page.content.decode()

    unanswered = client.post(reverse("import_map", args=[batch.pk]), prefilled(page))
    assert unanswered.status_code == 400 and not ExpenseDraft.objects.exists()  # nothing written
    assert "pick day first or month first" in unanswered.content.decode()
    answered = client.post(reverse("import_map", args=[batch.pk]), {**prefilled(page), "date_order": "month"})
    assert answered.status_code == 302
    assert sorted(d.date.isoformat() for d in ExpenseDraft.objects.all()) == ["2026-03-04", "2026-05-06"]
    clear = upload(client, "t.csv", b"Date,Description,Amount\n13/04/2026,Milk,56\n")
    assert (
        "These dates read two ways" not in client.get(reverse("import_map", args=[clear.pk])).content.decode()
    )


def test_a_row_repeating_a_pending_draft_is_flagged_as_a_duplicate():
    _, client = member_of("INR")
    first = upload(client, "a.csv", b"Date,Description,Amount\n2026-04-01,Milk,56\n")
    accept_the_prefilled_mapping(client, first)
    second = upload(client, "b.csv", b"Date,Description,Amount\n2026-04-01,Milk,56\n2026-04-02,Bread,40\n")
    accept_the_prefilled_mapping(client, second)

    milk, bread = ExpenseDraft.objects.filter(import_batch=second).order_by("import_row")
    assert any("Looks like a duplicate of “Milk”" in p for p in milk.problems)
    assert not any("duplicate" in p for p in bread.problems)
    assert milk.duplicate_of is None  # a draft, not an expense


def test_a_skipped_kind_of_row_can_be_imported_by_choice():
    _, client = member_of("INR")
    batch = upload(client, "bank.csv", (FILES / "bank_withdrawal_deposit.csv").read_bytes())
    page = client.get(reverse("import_map", args=[batch.pk]))
    before = page.context["outcome"]
    cash = before.skipped[import_formats.CASH]

    again = client.post(
        reverse("import_map", args=[batch.pk]),
        {**prefilled(page), "include": [import_formats.CASH, "not a reason"], "action": "preview"},
    )
    after = again.context["outcome"]
    assert (after.drafts, after.total) == (before.drafts + cash[0], before.total + cash[1])
    assert import_formats.CASH not in after.skipped
    assert 'value="a cash withdrawal (the cash is spent later)" checked' in again.content.decode()

    client.post(reverse("import_map", args=[batch.pk]), {**prefilled(page), "include": [import_formats.CASH]})
    total = ExpenseDraft.objects.filter(import_batch=batch).aggregate(total=Sum("amount"))["total"]
    assert total == after.total


def test_money_in_is_never_imported_as_spending_even_when_asked():
    _, client = member_of("INR")
    batch = upload(client, "bank.csv", (FILES / "bank_withdrawal_deposit.csv").read_bytes())
    page = client.get(reverse("import_map", args=[batch.pk]))
    again = client.post(
        reverse("import_map", args=[batch.pk]),
        {**prefilled(page), "include": [import_formats.INCOME, import_formats.REFUND], "action": "preview"},
    )
    assert again.context["outcome"].drafts == page.context["outcome"].drafts


def test_an_import_is_undone_as_a_whole_and_nothing_is_lost():
    household, client = member_of("INR")
    batch = upload(client, "bank.csv", (FILES / "bank_withdrawal_deposit.csv").read_bytes())
    _, batch = accept_the_prefilled_mapping(client, batch)
    drafts = ExpenseDraft.objects.filter(import_batch=batch).order_by("import_row")
    first = drafts.first()
    asha = first.created_by
    expense = draft_confirm(household=household, user=asha, draft=first)  # one into the ledger
    assert expense is not None and expense.deleted_at is None
    status = client.get(reverse("import_status", args=[batch.pk])).content.decode()
    assert "Undo this import" in status

    response = client.post(reverse("import_undo", args=[batch.pk]))

    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.deleted_at is not None  # in the trash, restorable
    assert expense.history.first().history_change_reason == "Import bank.csv undone"
    assert not drafts.filter(state="pending").exists()
    assert drafts.filter(state="discarded").count() == drafts.count() - 1  # restorable from the inbox
    again = client.post(reverse("import_undo", args=[batch.pk]), follow=True)
    assert "0 drafts discarded, 0 expenses moved to the trash" in again.content.decode()
    assert "Undo this import" not in again.content.decode()
