"""The dashboard: this month's money, from the same selectors as everything else."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from analysis import selectors
from budgets.selectors import month_period
from expenses.models import Category, Expense
from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def april(time_machine):
    time_machine.move_to("2026-04-15T10:00:00+05:30")


def test_charts_render_with_zero_data(member_client, april):
    response = member_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "₹0.00" in html
    assert "Nothing paid in April 2026 yet." in html
    assert html.count('class="trend-bar') == 12
    assert html.count('class="trend-tick"') == 1  # one ₹0 line, not ₹0 / ₹0 / ₹0


def test_totals_change_and_breakdowns(member_client, household, member_user, admin_user, april):
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("1000"), date=date(2026, 4, 2))
    ExpenseFactory(
        household=household,
        paid_by=admin_user,
        amount=Decimal("500"),
        date=date(2026, 4, 3),
        category_name="Dining",
    )
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("1200"), date=date(2026, 3, 9))
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        amount=Decimal("99"),
        date=date(2026, 4, 20),
        status="planned",
    )
    html = member_client.get("/").content.decode()
    assert 'id="month-total">₹1,500.00<' in html
    # 15 April, the month in progress: against 1–15 March (the 1,200 on 9 March), and it says so.
    change = " ".join(html.split('id="month-change">')[1].split("</p>")[0].split())
    assert "₹300.00 (25.0%) more</span> than by 15 Mar" in change
    assert "the same days of last month" in change
    assert "Paid so far in April 2026" in html
    assert "₹1,000.00 · 66.7%" in html and "₹500.00 · 33.3%" in html  # by category
    assert "Ravi" in html and "Asha" in html
    groceries = Category.objects.get(household=household, name="Groceries")
    assert f"/expenses/?month=2026-04&amp;category={groceries.pk}&amp;status=paid" in html

    previous = member_client.get("/?month=2026-03").content.decode()
    assert 'id="month-total">₹1,200.00<' in previous


def test_numbers_are_the_selectors_numbers(member_client, household, member_user, april):
    for day in range(1, 15):
        ExpenseFactory(
            household=household, paid_by=member_user, amount=Decimal(f"{day}7.35"), date=date(2026, 4, day)
        )
    period = month_period(date(2026, 4, 1))
    total = selectors.total_for_period(household=household, period=period)["paid"]
    assert total == sum(e.amount for e in Expense.objects.filter(household=household))
    html = member_client.get("/").content.decode()
    assert f'id="month-total">₹{total:,.2f}<' in html
    expense_list = member_client.get("/expenses/?month=2026-04").content.decode()
    assert f"₹{total:,.2f}</strong> paid" in expense_list


def test_trend_highlights_chosen_month_and_links_to_it(member_client, household, member_user, april):
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("10"), date=date(2026, 2, 5))
    html = member_client.get("/?month=2026-02").content.decode()
    # An axis to a round top: ₹0, ₹5, ₹10 for a largest month of ₹10.
    ticks = re.findall(r'class="trend-tick"[^>]*>([^<]+)<', html)
    assert ticks == ["₹0", "₹5", "₹10"]
    assert "trend-bar selected" in html
    assert "/expenses/?month=2026-02&amp;status=paid" in html
    assert '<a href="/expenses/?month=2026-02&amp;status=paid">Feb 2026</a>' in html
    assert '<td class="num">₹10.00</td>' in html


def test_a_month_in_progress_is_compared_with_the_same_days(member_client, household, member_user, april):
    """On 15 April, what was paid after 15 March does not make April look cheap."""
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("400"), date=date(2026, 4, 10))
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("100"), date=date(2026, 3, 15))
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("5000"), date=date(2026, 3, 16))
    comparison = selectors.month_over_month(household=household, month=date(2026, 4, 1))
    assert comparison.partial and (comparison.this, comparison.last) == (Decimal("400"), Decimal("100"))
    html = member_client.get("/").content.decode()
    change = " ".join(html.split('id="month-change">')[1].split("</p>")[0].split())
    assert "▲ ₹300.00 (300.0%) more</span> than by 15 Mar" in change
    # The figure it is compared with links to exactly those days.
    link = "/expenses/?start=2026-03-01&amp;end=2026-03-15&amp;status=paid"
    assert f'<a href="{link}">₹100.00</a>' in change
    listing = member_client.get(link.replace("&amp;", "&")).content.decode()
    assert "₹100.00</strong> paid" in listing
    # A past month is a whole month against a whole month.
    past = member_client.get("/?month=2026-04", headers=HX)
    assert past.status_code == 200
    march = " ".join(member_client.get("/?month=2026-03").content.decode().split())
    assert "Paid in March 2026" in march and "so far" not in march.split('id="month-change"')[1][:200]


def test_upcoming_and_overdue(member_client, household, member_user, april):
    today = household.today()
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        status="planned",
        due_date=today - timedelta(days=2),
        description="late rent",
    )
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        status="planned",
        due_date=today + timedelta(days=5),
        description="school",
    )
    ExpenseFactory(
        household=household,
        paid_by=member_user,
        status="planned",
        due_date=today + timedelta(days=40),
        description="far",
    )
    html = member_client.get("/").content.decode()
    assert "late rent" in html and "Overdue since" in html
    assert "school" in html
    assert "far" not in html.split('id="attention-title"')[1].split("</section>")[0]


@pytest.mark.parametrize("count", [10, 2000])
def test_dashboard_query_count_is_flat(
    member_client, household, member_user, count, april, django_assert_max_num_queries
):
    Expense.objects.bulk_create(
        ExpenseFactory.build(
            household=household,
            paid_by=member_user,
            logged_by=member_user,
            date=date(2026, 4, 1) - timedelta(days=i % 300),
        )
        for i in range(count)
    )
    # One of them: who is a member now ("former member"); up to three: the getting-started checklist.
    with django_assert_max_num_queries(20):
        member_client.get("/", headers=HX)


def test_live_fragment_is_only_the_body(member_client, april):
    html = member_client.get("/", headers=HX).content.decode()
    assert html.lstrip().startswith('<div id="dashboard-body"')
    assert "live:expenses from:body" in html


def test_the_table_rows_link_to_their_own_slice(member_client, household, member_user):
    """The "Show as a table" rows link each category and member row to its own expenses, as the bars do."""
    groceries = Category.objects.get(household=household, name="Groceries")
    ExpenseFactory(household=household, paid_by=member_user, amount=Decimal("300"), category=groceries)
    html = member_client.get("/").content.decode()
    table = html[html.index('id="cat-table"') :]
    assert f"category={groceries.pk}" in table[: table.index("</table>")]
    members = html[html.index('id="member-table"') :]
    assert f"member={member_user.pk}" in members[: members.index("</table>")]


def test_budgets_show_their_tops_with_children_behind_a_disclosure(
    member_client, household, admin_user, april
):
    """Top-level meters; the children behind "N sub-budgets"; an empty child never as a meter; an
    over-budget child named in "Needs attention" with what it is over by."""
    from budgets.services import budget_create

    groceries = Category.objects.get(household=household, name="Groceries")
    dining = Category.objects.get(household=household, name="Dining")
    root = budget_create(household=household, user=admin_user, name="Household", amount=Decimal("10000"))
    filled = budget_create(
        household=household,
        user=admin_user,
        name="Food",
        amount=Decimal("500"),
        category=groceries,
        parent=root,
    )
    empty = budget_create(
        household=household,
        user=admin_user,
        name="Eating out",
        amount=Decimal("0"),
        category=dining,
        parent=root,
    )
    ExpenseFactory(household=household, paid_by=admin_user, amount=Decimal("700"), category=groceries)

    html = member_client.get("/").content.decode()
    text = " ".join(html.split())
    assert f'id="budget-meter-{root.pk}"' in html and f'id="budget-meter-{filled.pk}"' in html
    assert f'id="budget-meter-{empty.pk}"' not in html  # no ₹0 / 0 % card
    assert f'<details class="sub-budgets" id="sub-budgets-{root.pk}">' in html  # closed
    assert '1 sub-budget · <span class="over">1 over</span> · 1 empty' in text
    assert "1 sub-budget with no amount yet — set amounts" in text
    assert f'href="/budgets/{empty.pk}/edit/">Set an amount for Eating out</a>' in html
    attention = text.split('id="attention-title"')[1].split("</section>")[0]
    assert "Food" in attention and "₹200.00 over" in attention and "April 2026" in attention


def test_a_new_household_sees_a_checklist_until_it_is_done(member_client, household, admin_user, april):
    html = member_client.get("/").content.decode()
    assert "Getting started" in html
    ExpenseFactory(household=household, paid_by=admin_user, amount=Decimal("10"))
    from budgets.services import budget_create

    budget_create(household=household, user=admin_user, name="All", amount=Decimal("100"))
    # Two members already (the fixtures): all three steps are done, and the card is gone.
    assert "Getting started" not in member_client.get("/").content.decode()
