"""Budgets: the meter's arithmetic, the tree, periods, the context fragment and threshold alerts
(raised once under concurrency here; what they say and who has read them: test_alerts.py)."""

import re
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from budgets.models import Budget, BudgetAlert
from budgets.selectors import budget_tree, statuses
from budgets.services import budget_create
from expenses.models import Category, Expense, ExpenseStatus
from expenses.services import ExpenseData, expense_create
from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def cat(household, name):
    return Category.objects.get(household=household, name=name)


def make_budget(household, user, amount, **fields):
    fields.setdefault("name", "Budget")
    fields.setdefault("period", Budget.Period.MONTHLY)
    return budget_create(household=household, user=user, amount=Decimal(amount), **fields)


def status_of(household, budget, on=None):
    return next(
        s for s in budget_tree(household=household, on=on or household.today()) if s.budget.pk == budget.pk
    )


def meter_numbers(html: str, budget) -> dict:
    """The amounts a meter's always-visible labels show."""
    meter = html.split(f'id="budget-meter-{budget.pk}"')[1].split('class="meter-legend')[1]
    meter = meter.split('class="budget-meta')[0].split('id="budget-meter-')[0]
    found = re.findall(r"₹([\d,.]+) (spent|planned|left|over)", meter)
    return {word: Decimal(amount.replace(",", "")) for amount, word in found}


def test_meter_adds_up_when_not_over(member_client, household, member_user):
    budget = make_budget(
        household, member_user, "5000", name="Groceries", category=cat(household, "Groceries")
    )
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("2000"))
    ExpenseFactory(
        household=household, paid_by=member_user, amount=Decimal("1000"), status=ExpenseStatus.PLANNED
    )
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("700"), category_name="Dining")
    status = status_of(household, budget)
    assert (status.spent, status.planned, status.remaining, status.over) == (
        Decimal("2000"),
        Decimal("1000"),
        Decimal("2000"),
        Decimal("0"),
    )
    assert status.spent + status.planned + status.remaining == status.total
    assert sum(status.segments().values()) == pytest.approx(100)
    html = member_client.get("/budgets/").content.decode()
    assert meter_numbers(html, budget) == {
        "spent": Decimal("2000.00"),
        "planned": Decimal("1000.00"),
        "left": Decimal("2000.00"),
    }
    assert "60%" in html


def test_meter_shows_by_how_much_it_is_over(member_client, household, member_user):
    budget = make_budget(household, member_user, "1000", name="Dining", category=cat(household, "Dining"))
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("900"), category_name="Dining")
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        amount=Decimal("350"),
        category_name="Dining",
        status="planned",
    )
    status = status_of(household, budget)
    assert status.is_over and status.over == Decimal("250") and status.remaining == 0
    segments = status.segments()
    assert segments["over"] > 0 and sum(segments.values()) == pytest.approx(100)
    html = member_client.get("/budgets/").content.decode()
    assert meter_numbers(html, budget)["over"] == Decimal("250.00")
    assert "is-over" in html


def test_zero_budget_and_no_expenses(member_client, household, member_user):
    zero = make_budget(household, member_user, "0", name="No takeaways", category=cat(household, "Dining"))
    empty = make_budget(household, member_user, "3000", name="Kids", category=cat(household, "Kids"))
    assert status_of(household, zero).percent == 0
    assert status_of(household, empty).remaining == Decimal("3000")
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("50"), category_name="Dining")
    zero_status = status_of(household, zero)
    assert zero_status.is_over and zero_status.over == Decimal("50") and zero_status.percent == 100
    assert member_client.get("/budgets/").status_code == 200


def test_tree_rolls_children_up_into_parent(member_client, household, member_user):
    total = make_budget(household, member_user, "10000", name="Household")
    food = make_budget(
        household, member_user, "4000", name="Groceries", parent=total, category=cat(household, "Groceries")
    )
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("1500"))
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("500"), category_name="Travel")
    assert status_of(household, food).spent == Decimal("1500")
    assert status_of(household, total).spent == Decimal("2000")
    html = member_client.get("/budgets/").content.decode()
    assert html.index(f"budget-meter-{total.pk}") < html.index(f"budget-meter-{food.pk}")
    assert "is-child" in html


def test_children_that_exceed_parent_warn_but_save(member_client, household, member_user):
    total = make_budget(household, member_user, "1000", name="Household")
    response = member_client.post(
        "/budgets/new/",
        {"name": "Big", "amount": "1500", "parent": total.pk, "period": "monthly", "thresholds": "50, 100"},
        follow=True,
    )
    html = response.content.decode()
    assert Budget.objects.filter(name="Big", parent=total).exists()
    assert "add up to ₹1,500.00, more than its ₹1,000.00" in html


def test_child_takes_parent_period(household, member_user):
    trip = make_budget(
        household,
        member_user,
        "50000",
        name="Trip",
        period="once",
        start_date=date(2026, 5, 1),
        end_date=date(2026, 5, 10),
    )
    child = make_budget(household, member_user, "10000", name="Hotels", parent=trip, period="monthly")
    child.refresh_from_db()
    assert (child.period, child.start_date, child.end_date) == ("once", date(2026, 5, 1), date(2026, 5, 10))


def test_budget_form_errors_next_to_fields(member_client):
    response = member_client.post(
        "/budgets/new/",
        {"name": "", "amount": "-5", "period": "once", "start_date": "2026-05-10", "end_date": "2026-05-01"},
    )
    html = response.content.decode()
    assert (
        'id="id_name_error"' in html and 'id="id_amount_error"' in html and 'id="id_end_date_error"' in html
    )
    assert not Budget.objects.exists()


def test_month_edges_in_household_timezone(household, member_user, time_machine):
    household.timezone = "America/Los_Angeles"
    household.save()
    budget = make_budget(household, member_user, "1000", name="All")
    # 23:30 on 31 March in Los Angeles is already 1 April in UTC.
    time_machine.move_to("2026-03-31T23:30:00-07:00")
    assert household.today() == date(2026, 3, 31)
    from tests.conftest import client_for

    client = client_for(member_user)
    page = client.get("/expenses/").content.decode()
    assert 'value="2026-03-31"' in page  # the quick-add date defaults to the local day
    expense_create(
        household=household,
        user=member_user,
        data=ExpenseData(
            amount=Decimal("100"),
            category=cat(household, "Other"),
            date=household.today(),
            paid_by=member_user,
        ),
    )
    assert status_of(household, budget, on=date(2026, 3, 15)).spent == Decimal("100")
    assert status_of(household, budget, on=date(2026, 4, 15)).spent == Decimal("0")
    assert "March 2026" in client.get("/budgets/").content.decode()


@pytest.mark.parametrize("count", [10, 600])
def test_budget_page_query_count_is_flat(
    member_client, household, member_user, count, django_assert_max_num_queries
):
    total = make_budget(household, member_user, "100000", name="Household")
    for name in ["Groceries", "Dining", "Transport", "Health"]:
        make_budget(household, member_user, "5000", name=name, parent=total, category=cat(household, name))
    Expense.objects.bulk_create(
        ExpenseFactory.build(household=household, paid_by=member_user, logged_by=member_user)
        for _ in range(count)
    )
    with django_assert_max_num_queries(8):
        member_client.get("/budgets/")
    with django_assert_max_num_queries(6):
        member_client.get(f"/budgets/{total.pk}/meter/", headers=HX)


def test_meter_links_open_the_items_behind_it(member_client, household, member_user):
    budget = make_budget(
        household, member_user, "5000", name="Groceries", category=cat(household, "Groceries")
    )
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("321"), description="big shop")
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        amount=Decimal("99"),
        description="dinner",
        category_name="Dining",
    )
    items = member_client.get(f"/budgets/{budget.pk}/items/?segment=paid", headers=HX).content.decode()
    assert "big shop" in items and "dinner" not in items
    link = re.search(r'href="(/expenses/\?[^"]*status=paid)"', items).group(1).replace("&amp;", "&")
    listing = member_client.get(link).content.decode()
    assert "big shop" in listing and "dinner" not in listing
    assert "₹321.00</strong> paid" in listing


def test_a_sub_budgets_link_lists_what_its_meter_counts(member_client, household, member_user, admin_user):
    """The link carries the ancestors' filters too (a child counts only what its parent counts), so
    the list's total is the meter's."""
    groceries = cat(household, "Groceries")
    parent = make_budget(household, member_user, "5000", name="Groceries", category=groceries)
    mine = make_budget(household, member_user, "900", name="Mine", parent=parent, member=member_user)
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("40"), description="my shop")
    ExpenseFactory(household=household, paid_by=admin_user, amount=Decimal("70"), description="their shop")
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        amount=Decimal("99"),
        description="my dinner",
        category_name="Dining",
    )
    items = member_client.get(f"/budgets/{mine.pk}/items/?segment=paid", headers=HX).content.decode()
    link = re.search(r'href="(/expenses/\?[^"]*status=paid)"', items).group(1).replace("&amp;", "&")
    assert f"category={groceries.pk}" in link and f"member={member_user.pk}" in link
    listing = member_client.get(link).content.decode()
    assert "my shop" in listing and "their shop" not in listing and "my dinner" not in listing
    assert f"₹{status_of(household, mine).spent:,.2f}</strong> paid" in listing


def test_context_fragment_agrees_with_meter(member_client, household, member_user):
    groceries = cat(household, "Groceries")
    budget = make_budget(household, member_user, "5000", name="Groceries", category=groceries)
    make_budget(household, member_user, "800", name="Dining", category=cat(household, "Dining"))
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("4200"))
    html = member_client.get(
        f"/budgets/context/?add-amount=1,000&add-category={groceries.pk}&add-paid_by={member_user.pk}",
        headers=HX,
    ).content.decode()
    assert "Groceries" in html and "Dining" not in html
    status = status_of(household, budget)
    assert f"₹{status.remaining:,.2f} left" in html
    assert "after this: <strong>₹200.00 over</strong>" in html
    assert "Would go over" in html


def test_statuses_are_one_query(household, member_user, django_assert_num_queries):
    budgets = [make_budget(household, member_user, "100", name=f"B{i}") for i in range(6)]
    with django_assert_num_queries(1):
        statuses(household=household, budgets=budgets, on=household.today())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_threshold_crossed_once_under_concurrency(household, member_user):
    make_budget(
        household, member_user, "1000", name="Dining", category=cat(household, "Dining"), thresholds=[50]
    )
    dining = cat(household, "Dining")
    barrier = threading.Barrier(8)
    errors = []

    def spend():
        from django.db import connections

        try:
            barrier.wait()
            expense_create(
                household=household,
                user=member_user,
                data=ExpenseData(
                    amount=Decimal("600"), category=dining, date=household.today(), paid_by=member_user
                ),
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert BudgetAlert.objects.filter(household=household).count() == 1


def test_context_on_the_occasion_item_form(member_client, household, member_user):
    from budgets.occasions.services import occasion_create

    occasion = occasion_create(
        household=household,
        user=member_user,
        name="Diwali",
        kind="festival",
        date=household.today(),
        amount=Decimal("1000"),
    )
    page = member_client.get(f"/occasions/{occasion.pk}/").content.decode()
    assert 'class="budget-context-slot"' in page
    html = member_client.get(
        f"/budgets/context/?occasion={occasion.pk}&item-amount=1,200&item-recipient=Someone+new", headers=HX
    ).content.decode()
    assert "Diwali" in html and "after this: <strong>₹200.00 over</strong>" in html


def test_a_budgets_period_reads_in_plain_words(member_client, household, admin_user):
    """Not "Once (between two dates) · all time": the period as a person says it."""
    from budgets.services import budget_create

    monthly = budget_create(household=household, user=admin_user, name="Home", amount=Decimal("100"))
    once = budget_create(
        household=household, user=admin_user, name="Anything", amount=Decimal("100"), period="once"
    )
    month = household.today().strftime("%B %Y")
    assert f"Monthly · {month}" in member_client.get(f"/budgets/{monthly.pk}/").content.decode()
    page = member_client.get(f"/budgets/{once.pk}/").content.decode()
    assert "No dates: counts everything it matches" in page
    assert "between two dates" not in page and "all time" not in page
    listing = member_client.get("/budgets/").content.decode()
    assert f"Monthly · {month}" in listing and "No dates: counts everything it matches" in listing


def test_two_budgets_of_one_name_read_apart_in_the_inside_picker(admin_client, household, admin_user):
    home = budget_create(household=household, user=admin_user, name="Household", amount=Decimal("100"))
    trip = budget_create(household=household, user=admin_user, name="Trip", amount=Decimal("100"))
    for parent in (home, trip):
        budget_create(
            household=household, user=admin_user, name="Transport", amount=Decimal("10"), parent=parent
        )
    page = admin_client.get("/budgets/new/").content.decode()
    assert "Household › Transport</option>" in page and "Trip › Transport</option>" in page
