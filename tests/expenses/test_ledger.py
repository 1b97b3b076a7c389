"""The expense list, quick add, inline edit, planned → paid, trash and history, through HTTP."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from expenses.models import Category, Expense, ExpenseStatus
from expenses.services import trash_purge
from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def add_form(household, member, **overrides):
    groceries = Category.objects.get(household=household, name="Groceries")
    data = {
        "add-amount": "1,200.50",
        "add-description": "Weekly vegetables",
        "add-category": groceries.pk,
        "add-date": household.today().isoformat(),
        "add-paid_by": member.pk,
        "add-status": "paid",
    }
    data.update({f"add-{k}": v for k, v in overrides.items()})
    return data


def test_database_refuses_zero_and_negative_amounts(household, member_user):
    for amount in [Decimal("0"), Decimal("-5"), Decimal("1000000000000")]:
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Expense.objects.bulk_create(
                [ExpenseFactory.build(household=household, paid_by=member_user, amount=amount)]
            )


def test_quick_add_accepts_grouped_amount_and_lists_it(member_client, household, member_user):
    response = member_client.post("/expenses/add/", add_form(household, member_user))
    assert response.status_code == 302
    expense = Expense.objects.get(household=household)
    assert expense.amount == Decimal("1200.50")
    assert expense.currency == "INR"
    assert expense.logged_by == member_user
    page = member_client.get("/expenses/").content.decode()
    assert "Weekly vegetables" in page
    assert "₹1,200.50" in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-10", "more than zero"),
        ("abc", "The amount is not a number"),
        ("1000000000000", "too large"),
        ("12.345", "two decimal places"),
        ("", "This field is required"),
    ],
)
def test_quick_add_bad_amount_shows_error_next_to_field(
    member_client, household, member_user, amount, message
):
    response = member_client.post(
        "/expenses/add/", add_form(household, member_user, amount=amount), headers=HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_add-amount_error"' in html
    assert not Expense.objects.exists()


def test_amounts_follow_household_locale(client, household, member_user):
    from tests.conftest import client_for

    household.currency, household.locale = "USD", "en_US"
    household.save()
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("1200"), currency="USD")
    assert "$1,200.00" in client_for(member_user).get("/expenses/").content.decode()


def test_indian_grouping(member_client, household, member_user):
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("120000"))
    assert "₹1,20,000.00" in member_client.get("/expenses/").content.decode()


def test_filters_and_totals(member_client, household, member_user, admin_user):
    today = household.today()
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("100"), description="milk")
    ExpenseFactory(
        household=household,
        paid_by=admin_user,
        amount=Decimal("250"),
        description="dinner",
        category_name="Dining",
    )
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        amount=Decimal("900"),
        description="insurance",
        status=ExpenseStatus.PLANNED,
        due_date=today - timedelta(days=1),
        category_name="Health",
    )
    ExpenseFactory(
        household=household, paid_by=member_user, amount=Decimal("40"), date=today - timedelta(days=70)
    )

    page = member_client.get("/expenses/").content.decode()
    assert "₹350.00</strong> paid" in page  # this month only, by default
    page = member_client.get("/expenses/?month=").content.decode()
    assert "₹390.00</strong> paid" in page
    assert "₹900.00</strong> planned" in page

    dining = Category.objects.get(household=household, name="Dining")
    html = member_client.get(f"/expenses/?category={dining.pk}", headers=HX).content.decode()
    assert "dinner" in html and "milk" not in html
    assert "₹250.00</strong> paid" in html

    html = member_client.get(f"/expenses/?member={admin_user.pk}", headers=HX).content.decode()
    assert "dinner" in html and "milk" not in html

    html = member_client.get("/expenses/?overdue=on", headers=HX).content.decode()
    assert "insurance" in html and "Overdue" in html and "milk" not in html

    html = member_client.get("/expenses/?status=planned", headers=HX).content.decode()
    assert "insurance" in html and "dinner" not in html

    html = member_client.get("/expenses/?q=MILK", headers=HX).content.decode()
    assert "milk" in html and "dinner" not in html

    month = today.strftime("%Y-%m")
    html = member_client.get(f"/expenses/?month={month}", headers=HX).content.decode()
    assert "₹40.00" not in html

    start = (today - timedelta(days=80)).isoformat()
    end = (today - timedelta(days=60)).isoformat()
    html = member_client.get(f"/expenses/?start={start}&end={end}", headers=HX).content.decode()
    assert "₹40.00</strong> paid" in html


def test_filter_fragment_is_only_the_results(member_client, household, member_user):
    ExpenseFactory(household=household, paid_by=member_user)
    html = member_client.get("/expenses/?q=x", headers=HX).content.decode()
    assert html.lstrip().startswith('<section id="expense-results"')
    assert "<html" not in html


def test_bad_month_filter_does_not_break_the_page(member_client):
    response = member_client.get("/expenses/?month=banana&start=notadate")
    assert response.status_code == 200
    assert "Pick a month like 2026-03." in response.content.decode()


def test_pagination_is_fifty_a_page(member_client, household, member_user):
    ExpenseFactory.create_batch(55, household=household, paid_by=member_user)
    first = member_client.get("/expenses/").content.decode()
    assert first.count('class="expense-row') == 50
    assert "Page 1 of 2" in first
    second = member_client.get("/expenses/?page=2").content.decode()
    assert second.count('class="expense-row') == 5


@pytest.mark.parametrize("count", [10, 1000])
def test_list_query_count_does_not_grow(
    member_client, household, member_user, count, django_assert_max_num_queries
):
    Expense.objects.bulk_create(
        ExpenseFactory.build(household=household, paid_by=member_user, logged_by=member_user)
        for _ in range(count)
    )
    with django_assert_max_num_queries(12):
        response = member_client.get("/expenses/", headers=HX)
    assert response.status_code == 200


def test_inline_edit_saves_and_records_history(member_client, household, member_user):
    expense = ExpenseFactory(
        household=household, paid_by=member_user, amount=Decimal("100"), description="milk"
    )
    prefix = f"e{expense.pk.hex[:8]}"
    form = member_client.get(f"/expenses/{expense.pk}/edit/", headers=HX)
    assert f'name="{prefix}-amount"' in form.content.decode()
    response = member_client.post(
        f"/expenses/{expense.pk}/edit/",
        {
            f"{prefix}-amount": "150",
            f"{prefix}-description": "milk and bread",
            f"{prefix}-category": expense.category_id,
            f"{prefix}-date": expense.date.isoformat(),
            f"{prefix}-paid_by": member_user.pk,
            f"{prefix}-status": "paid",
        },
        headers=HX,
    )
    assert response.status_code == 200
    assert "milk and bread" in response.content.decode()
    expense.refresh_from_db()
    assert expense.amount == Decimal("150.00")
    detail = member_client.get(f"/expenses/{expense.pk}/").content.decode()
    assert "History" in detail
    assert "Ravi" in detail  # who changed it
    assert "100.00" in detail and "150.00" in detail  # before → after


def test_mark_planned_as_paid(member_client, household, member_user):
    expense = ExpenseFactory(
        household=household, paid_by=member_user, status=ExpenseStatus.PLANNED, due_date=household.today()
    )
    response = member_client.post(f"/expenses/{expense.pk}/paid/", headers=HX)
    assert "Marked paid" in response.content.decode()
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PAID and expense.due_date is None


def test_delete_moves_to_trash_with_undo(member_client, household, member_user):
    expense = ExpenseFactory(household=household, paid_by=member_user, description="lost receipt")
    response = member_client.post(f"/expenses/{expense.pk}/delete/", headers=HX)
    assert "Undo" in response.content.decode()
    assert "lost receipt" not in member_client.get("/expenses/").content.decode()
    assert "lost receipt" in member_client.get("/expenses/trash/").content.decode()
    member_client.post(f"/expenses/{expense.pk}/restore/", {"from": "list"}, headers=HX)
    assert "lost receipt" in member_client.get("/expenses/").content.decode()
    assert Expense.objects.get(pk=expense.pk).deleted_at is None


def test_trash_purge_removes_only_old_trash(household, member_user, time_machine):
    time_machine.move_to("2026-01-01T12:00:00Z")
    old = ExpenseFactory(household=household, paid_by=member_user, date=date(2026, 1, 1))
    recent = ExpenseFactory(household=household, paid_by=member_user, date=date(2026, 1, 1))
    alive = ExpenseFactory(household=household, paid_by=member_user, date=date(2026, 1, 1))
    from expenses.services import expense_delete

    expense_delete(household=household, user=member_user, expense=old)
    time_machine.move_to("2026-01-25T12:00:00Z")
    expense_delete(household=household, user=member_user, expense=recent)
    time_machine.move_to("2026-02-01T12:00:01Z")
    assert trash_purge() == 1
    assert not Expense.objects.filter(pk=old.pk).exists()
    assert Expense.objects.filter(pk=recent.pk).exists()
    assert Expense.objects.filter(pk=alive.pk).exists()


def test_viewer_sees_list_but_cannot_write(viewer_client, household, member_user):
    expense = ExpenseFactory(household=household, paid_by=member_user, description="rent")
    page = viewer_client.get("/expenses/").content.decode()
    assert "rent" in page and "Add expense" not in page
    for url in [f"/expenses/{expense.pk}/delete/", f"/expenses/{expense.pk}/paid/", "/expenses/add/"]:
        response = viewer_client.post(url)
        assert response.status_code == 403
        assert "viewer" in response.content.decode()
    assert Expense.objects.get(pk=expense.pk).deleted_at is None


def test_write_publishes_ledger_topics(
    household, member_user, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("households.live._send", lambda group, message: sent.append((group, message)))
    from expenses.services import ExpenseData, expense_create

    groceries = Category.objects.get(household=household, name="Groceries")
    with django_capture_on_commit_callbacks(execute=True):
        expense_create(
            household=household,
            user=member_user,
            data=ExpenseData(
                amount=Decimal("10"), category=groceries, date=household.today(), paid_by=member_user
            ),
        )
    assert sent == [
        (household.group_name, {"type": "invalidate", "topics": ["budgets", "dashboard", "expenses"]})
    ]
