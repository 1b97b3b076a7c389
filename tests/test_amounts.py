"""One amount rule for every way in: an amount too large for the database is a field error or a
draft problem, never a 500 and never a row that breaks a page later.

Through HTTP, as a member would. Run on SQLite and on PostgreSQL (`DATABASE_URL=postgres://…`): a
numeric overflow only shows on PostgreSQL, and a value SQLite stored but can't read back only there.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from budgets.models import Budget, BudgetAlert
from budgets.selectors import BudgetStatus, Period
from expenses import csv_format
from expenses.forms import AmountField
from expenses.models import (
    Category,
    ChatMessage,
    DraftState,
    Expense,
    ExpenseDraft,
    ImportBatch,
    RecurringRule,
)
from expenses.services import DraftData, draft_create
from households.money import (
    MAX_AMOUNT,
    MESSAGES,
    AmountError,
    format_money,
    proposed_amount,
    read_amount,
    to_decimal,
)
from llmsettings.models import ParseLog
from llmsettings.parser import ParseContext, parse_expenses
from tests.expenses.test_csv import import_file, statement, uploaded_batch

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
TOO_LARGE = MESSAGES["too_large"]
LARGEST = "999,999,999,999.99"


def errors_next_to(response, field: str) -> str:
    """The text of the error list rendered next to the field with this id ('' when none)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    return match.group(1) if match else ""


def quick_add(household, member, amount, day=None) -> dict:
    return {
        "add-amount": amount,
        "add-description": "Flat",
        "add-category": Category.objects.get(household=household, name="Housing").pk,
        "add-date": (day or household.today()).isoformat(),
        "add-paid_by": member.pk,
        "add-status": "paid",
    }


def every_page_loads(clients, *paths):
    for client in clients:
        for path in paths:
            for headers in ({}, HX):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, f"{path} {headers} → {response.status_code}"


# ---------------------------------------------------------------- the chat


@pytest.mark.parametrize("text", ["99999999999999 rent", "1000000000000 groceries", "20000000 lakh"])
def test_a_chat_amount_too_large_is_a_flagged_draft_and_the_text_is_kept(
    text, household, member_client, admin_client, viewer_client
):
    response = member_client.post("/chat/", {"text": text}, headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert text in html  # the member's message is in the thread, not lost
    assert TOO_LARGE in html  # and the card says why it has no amount
    draft = ExpenseDraft.objects.get(household=household)
    assert draft.amount is None
    assert draft.raw_text == text
    assert draft.state == DraftState.PENDING
    assert TOO_LARGE in draft.problems
    assert "No amount found: enter one." not in draft.problems  # said once, the right way
    assert ChatMessage.objects.filter(household=household, text=text).exists()
    assert ParseLog.objects.get(household=household).input_text == text

    # The draft poisons nothing: every member's chat and inbox load, full page and fragment.
    every_page_loads([member_client, admin_client, viewer_client], "/chat/", "/inbox/")
    assert TOO_LARGE in member_client.get("/inbox/").content.decode()


def test_a_too_large_draft_is_corrected_on_its_card_and_confirmed(household, member_client, member_user):
    member_client.post("/chat/", {"text": "1000000000000 groceries"}, headers=HX)
    draft = ExpenseDraft.objects.get(household=household)
    prefix = f"d{draft.pk.hex[:8]}"
    card = {
        f"{prefix}-description": "groceries",
        f"{prefix}-category": draft.category_id,
        f"{prefix}-date": household.today().isoformat(),
        f"{prefix}-paid_by": member_user.pk,
        f"{prefix}-status": "paid",
    }

    refused = member_client.post(
        f"/drafts/{draft.pk}/confirm/", {**card, f"{prefix}-amount": "1000000000000"}, headers=HX
    )
    assert refused.status_code == 200
    assert TOO_LARGE in refused.content.decode()
    assert not Expense.objects.exists()

    saved = member_client.post(
        f"/drafts/{draft.pk}/confirm/", {**card, f"{prefix}-amount": LARGEST}, headers=HX
    )
    assert saved.status_code == 200
    assert Expense.objects.get(household=household).amount == MAX_AMOUNT


def test_the_parser_keeps_the_largest_amount_and_flags_it():
    context = ParseContext(
        today=date(2026, 3, 18), speaker="Asha", members=["Asha"], categories=["Housing"], currency="INR"
    )
    (largest,) = parse_expenses("rent 999999999999.99", context)
    (over,) = parse_expenses("rent 999999999999.999", context)  # rounds up past the maximum
    (long_number,) = parse_expenses("rent 1234567890123456789012", context)

    assert largest.amount == MAX_AMOUNT
    assert largest.problems == [MESSAGES["looks_large"]]
    assert over.amount is None and TOO_LARGE in over.problems
    assert long_number.amount is None and TOO_LARGE in long_number.problems


# ---------------------------------------------------------------- quick add and forms


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e12", MESSAGES["invalid"]),
        ("1000000000000", TOO_LARGE),
        ("1,000,000,000,000.00", TOO_LARGE),
        ("999999999999.991", TOO_LARGE),
        ("9" * 32, TOO_LARGE),
        ("NaN", MESSAGES["invalid"]),
        ("Infinity", MESSAGES["invalid"]),
        ("-999999999999.99", MESSAGES["not_positive"]),
        ("0.001", MESSAGES["too_precise"]),
    ],
)
def test_quick_add_refuses_an_amount_outside_the_rule_next_to_the_field(
    amount, message, household, member_user, member_client
):
    response = member_client.post("/expenses/add/", quick_add(household, member_user, amount), headers=HX)

    assert response.status_code == 200
    assert errors_next_to(response, "add-amount") == f"<li>{message}</li>"
    assert not Expense.objects.exists()


@pytest.mark.parametrize("amount", [LARGEST, "999999999999.99", "₹9,99,99,99,99,999.99", "0.01"])
def test_quick_add_takes_the_extremes_and_the_list_shows_them(amount, household, member_user, member_client):
    response = member_client.post("/expenses/add/", quick_add(household, member_user, amount))

    assert response.status_code == 302
    expense = Expense.objects.get(household=household)
    assert expense.amount in (MAX_AMOUNT, Decimal("0.01"))
    every_page_loads([member_client], "/expenses/", f"/expenses/{expense.pk}/", "/")
    assert format_money(expense.amount, household) in member_client.get("/expenses/").content.decode()


def test_two_largest_expenses_then_a_budget_then_another_expense_raise_the_alert(
    household, member_user, member_client, admin_client
):
    for _ in range(2):
        assert (
            member_client.post("/expenses/add/", quick_add(household, member_user, LARGEST)).status_code
            == 302
        )
    response = member_client.post(
        "/budgets/new/", {"name": "Home", "amount": "50,000", "period": "monthly", "thresholds": "50, 100"}
    )
    assert response.status_code == 302
    response = member_client.post("/expenses/add/", quick_add(household, member_user, "450"))
    assert response.status_code == 302
    response = member_client.post("/expenses/add/", quick_add(household, member_user, "1.50"), headers=HX)
    assert response.status_code == 200

    assert Expense.objects.filter(household=household).count() == 4
    used = MAX_AMOUNT * 2 + Decimal("450")
    alerts = BudgetAlert.objects.filter(household=household).order_by("threshold")
    assert [(a.threshold, a.used) for a in alerts] == [(100, used)]  # one alert, at the highest crossed
    every_page_loads(
        [member_client, admin_client], "/", "/budgets/", "/alerts/", "/alerts/bell/", "/expenses/"
    )
    budget = Budget.objects.get(household=household)
    every_page_loads([member_client], f"/budgets/{budget.pk}/", f"/budgets/{budget.pk}/meter/")
    assert (
        format_money(MAX_AMOUNT * 2 + Decimal("451.50"), household)
        in member_client.get("/budgets/").content.decode()
    )


def test_budget_occasion_and_item_forms_refuse_an_amount_too_large(household, member_client):
    response = member_client.post(
        "/budgets/new/", {"name": "Huge", "amount": "1000000000000", "period": "monthly"}
    )
    assert response.status_code in (200, 400)
    assert errors_next_to(response, "amount") == f"<li>{TOO_LARGE}</li>"

    response = member_client.post(
        "/occasions/new/", {"name": "Big day", "kind": "other", "date": "2026-11-08", "amount": "1e13"}
    )
    assert response.status_code in (200, 400)
    assert errors_next_to(response, "amount") == f"<li>{MESSAGES['invalid']}</li>"
    assert not Budget.objects.exists()

    response = member_client.post(
        "/occasions/new/", {"name": "Big day", "kind": "other", "date": "2026-11-08", "amount": "0"}
    )
    assert response.status_code == 302  # a budget may be zero
    occasion_budget = Budget.objects.get(household=household)
    response = member_client.post(
        f"/occasions/{occasion_budget.occasion_id}/items/",
        {
            "item-description": "Everything",
            "item-amount": "1000000000000",
            "item-category": Category.objects.get(household=household, name="Gifts").pk,
            "item-stage": "idea",
            "item-date": "2026-11-01",
        },
    )
    assert response.status_code in (200, 400)
    assert errors_next_to(response, "item-amount") == f"<li>{TOO_LARGE}</li>"
    assert not Expense.objects.exists()


def test_a_recurring_rule_with_an_amount_too_large_is_a_form_error(household, member_user, member_client):
    response = member_client.post(
        "/recurring/new/",
        {
            "description": "Rent",
            "amount": "99999999999999",
            "category": Category.objects.get(household=household, name="Housing").pk,
            "paid_by": member_user.pk,
            "cadence": "monthly",
            "day_of_month": "1",
            "start_date": household.today().isoformat(),
        },
    )

    assert response.status_code == 200
    assert errors_next_to(response, "amount") == f"<li>{TOO_LARGE}</li>"
    assert not RecurringRule.objects.exists()


# ---------------------------------------------------------------- CSV import


def test_a_csv_row_with_an_amount_too_large_is_a_row_error(household, member_client):
    batch = import_file(
        member_client,
        statement(
            [
                "2026-04-01,Milk,56",
                "2026-04-02,Everything,1000000000000.00",
                f"2026-04-03,Far too much,{'9' * 41}",
                '2026-04-04,The most,"999,999,999,999.99"',
            ]
        ),
    )

    assert batch.errors == [
        {"row": 3, "reason": "The amount “1000000000000.00” is too large: the most is 999,999,999,999.99."},
        {"row": 4, "reason": f"The amount “{'9' * 39}…” is too large: the most is 999,999,999,999.99."},
    ]
    amounts = sorted(d.amount for d in ExpenseDraft.objects.filter(household=household))
    assert amounts == [Decimal("56.00"), MAX_AMOUNT]
    every_page_loads([member_client], "/inbox/", reverse("import_status", args=[batch.pk]))


# ---------------------------------------------------------------- services and the rule itself


@pytest.mark.parametrize(
    ("proposed", "amount", "problem"),
    [
        (Decimal("1e30"), None, TOO_LARGE),
        (Decimal("1000000000000"), None, TOO_LARGE),
        (Decimal("999999999999.995"), None, TOO_LARGE),
        (Decimal("NaN"), None, MESSAGES["invalid"]),
        (Decimal("-Infinity"), None, MESSAGES["invalid"]),
        (Decimal("-5"), None, MESSAGES["not_positive"]),
        (Decimal("0.004"), None, MESSAGES["not_positive"]),
        (Decimal("12.345"), Decimal("12.35"), None),
        (MAX_AMOUNT, MAX_AMOUNT, MESSAGES["looks_large"]),
    ],
)
def test_whatever_a_provider_proposes_becomes_a_draft_that_can_be_stored(
    proposed, amount, problem, household, member_user, member_client
):
    """A provider (an LLM, later the API) may return any Decimal: the draft is always storable."""
    draft = draft_create(
        household=household,
        user=member_user,
        data=DraftData(amount=proposed, category=Category.objects.get(household=household, name="Other")),
        source="chat",
        raw_text=f"spent {proposed}",
    )
    draft.refresh_from_db()

    assert draft.amount == amount
    if problem:
        assert problem in draft.problems
    assert draft.raw_text == f"spent {proposed}"
    every_page_loads([member_client], "/inbox/")


@pytest.mark.parametrize(
    "text",
    ["1e12", "1000000000000", "999999999999.999", "0", "-5", "abc", "12.345", "1,2,3", "NaN", "9" * 200],
)
def test_every_way_in_gives_the_same_message(text):
    """Forms, CSV import and the rule itself agree: one reader, one set of messages."""
    with pytest.raises(AmountError) as rule:
        read_amount(text)
    with pytest.raises(forms.ValidationError) as form:
        AmountField().clean(text)
    with pytest.raises(csv_format.RowError) as csv_row:
        csv_format.parse_amount(text)

    assert form.value.messages == [rule.value.message]
    reason = rule.value.about(text).rstrip(".")
    assert str(csv_row.value).startswith(reason[0].lower() + reason[1:])


def test_the_rule_reads_what_people_type():
    assert read_amount("₹9,99,99,99,99,999.99") == MAX_AMOUNT
    assert read_amount("999,999,999,999.99") == MAX_AMOUNT
    assert read_amount("1.200,50") == Decimal("1200.50")
    assert read_amount("Rs. 1 200") == Decimal("1200.00")
    assert read_amount("0", allow_zero=True) == Decimal("0.00")
    with pytest.raises(AmountError, match="zero or more"):
        read_amount("-1", allow_zero=True)
    assert proposed_amount(None) == (None, [MESSAGES["missing"]])


@pytest.mark.parametrize(
    ("text", "point", "comma"),
    [
        ("1.200", "1.200", "1200"),
        ("1,200", "1200", "1.200"),
        ("1.200,50", "1200.50", "1200.50"),
        ("1,200.50", "1200.50", "1200.50"),
        ("12,50", "12.50", "12.50"),
        ("12.50", "12.50", "12.50"),
        ("1.200.000", None, "1200000"),
        ("1,200,000", "1200000", None),
        ("12,00,000", "1200000", None),
        ("Rs. 1.200", "1.200", "1200"),
        ("€ 1.234,5", "1234.5", "1234.5"),
        ("-1.200", "-1.200", "-1200"),
        ("1 200", "1200", "1200"),
        ("450", "450", "450"),
        ("abc", None, None),
    ],
)
def test_a_decimal_comma_locale_swaps_the_roles_of_point_and_comma(text, point, comma):
    """The default reading is exactly today's; `decimal_comma=True` swaps "." and "," first."""
    assert to_decimal(text) == (None if point is None else Decimal(point))
    assert to_decimal(text, decimal_comma=False) == to_decimal(text)
    assert to_decimal(text, decimal_comma=True) == (None if comma is None else Decimal(comma))


def test_meter_arithmetic_on_huge_sums_never_raises(household):
    huge = MAX_AMOUNT * 10**9  # a billion of the largest amount
    budget = Budget(household=household, name="Tiny", amount=Decimal("0.01"))
    for total, spent, planned in [
        (Decimal("0.01"), huge, huge),
        (MAX_AMOUNT, huge, Decimal("0")),
        (Decimal("0"), huge, Decimal("0.01")),
        (Decimal("0"), Decimal("0"), Decimal("0")),
    ]:
        status = BudgetStatus(budget, Period(None, None, "all time"), total, spent, planned)
        assert status.percent >= 0
        assert round(sum(part["width"] for part in status.bar())) in (0, 100)
        assert 0 <= status.limit_x <= 100
        assert format_money(status.used, household)
        assert format_money(status.over, household)


# ---------------------------------------------------------------- the household's way of writing numbers

WAYS_IN = [
    # (what was typed, read in en_IN, read in de_DE)
    ("1,200", "1200.00", "1.20"),
    ("1.200", "1.20", "1200.00"),
    ("1.200,50", "1200.50", "1200.50"),
    ("1,200.50", "1200.50", "1200.50"),
    ("12,50", "12.50", "12.50"),
]


@pytest.mark.parametrize(("typed", "en", "de"), WAYS_IN)
def test_every_way_in_reads_an_amount_as_the_households_locale_writes_it(
    household, member_user, member_client, typed, en, de
):
    """The form, the chat and a CSV file agree, and the locale decides what 1,200 and 1.200 are."""
    for locale, expected in (("en_IN", en), ("de_DE", de)):
        household.locale = locale
        household.save(update_fields=["locale"])
        for model in (Expense, ExpenseDraft, ImportBatch):
            model.objects.all().delete()
        response = member_client.post("/expenses/add/", quick_add(household, member_user, typed))
        assert response.status_code == 302, (locale, typed, response.content.decode()[:500])
        assert Expense.objects.get().amount == Decimal(expected), (locale, typed, "form")

        member_client.post("/chat/", {"text": f"{typed} groceries"}, headers=HX)
        assert ExpenseDraft.objects.get().amount == Decimal(expected), (locale, typed, "chat")
        ExpenseDraft.objects.all().delete()

        import_file(member_client, statement([f'2026-04-02,Big basket,"{typed}"']))
        assert ExpenseDraft.objects.get().amount == Decimal(expected), (locale, typed, "csv")


@pytest.mark.parametrize(
    ("locale", "month_first"), [("en_US", True), ("ja_JP", True), ("en_IN", False), ("de_DE", False)]
)
def test_the_chat_and_a_csv_file_read_03_01_as_the_households_locale_writes_it(
    household, member_client, locale, month_first
):
    """One rule (Household.month_first, from the locale) for the chat, the analysis chat and CSV."""
    household.locale = locale
    household.save(update_fields=["locale"])
    year = household.today().year
    expected = date(year, 3, 1) if month_first else date(year, 1, 3)

    member_client.post("/chat/", {"text": "groceries 45 on 03/01"}, headers=HX)
    assert ExpenseDraft.objects.get().date == expected

    batch = uploaded_batch(member_client, statement(["03/01/2026,Milk,45", "04/02/2026,Bread,30"]))
    page = member_client.get(reverse("import_map", args=[batch.pk])).content.decode()
    chosen = "MM/DD/YYYY" if month_first else "DD/MM/YYYY"
    assert f'<option value="{chosen}" selected>' in page
