"""The questions a family asks the analysis chat, through HTTP: what is left in the budgets (and
which sub-budgets are over), what is due soon, what an occasion cost, the average per month on a
category. Each answer's number is read from the answer, its link is followed with the same client,
and the expense list it leads to must show that number as its total."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from analysis import selectors
from analysis.models import Question
from budgets.models import Budget
from budgets.services import budget_create
from expenses.models import Category, ExpenseStatus, Occasion
from households.money import format_money
from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
NOW = "2026-12-15T12:00:00+05:30"  # in Kolkata
MONEY = r"₹[\d,]+\.\d{2}"
SECRET = Decimal("77777.77")  # only the neighbours ever spend this


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW)


def spend(household, who, amount, day, category="Groceries", **extra):
    return ExpenseFactory(
        household=household, paid_by=who, amount=Decimal(amount), date=day, category_name=category, **extra
    )


def planned(household, who, amount, due, category="Utilities", **extra):
    return spend(household, who, amount, due, category, status=ExpenseStatus.PLANNED, due_date=due, **extra)


def ask(client, text: str) -> str:
    """Ask over htmx; the new question and its answer, entities decoded."""
    response = client.post("/analysis/", {"question": text}, headers=HX)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def sentence(page: str) -> str:
    found = re.findall(r'<p class="answer">(.*?)</p>', page, re.S)
    assert found, "no answer in the page"
    return found[-1]


def amount(text: str) -> Decimal:
    """₹1,20,000.50 → Decimal("120000.50")."""
    return Decimal(re.sub(r"[^\d.]", "", text))


def row_link(page: str, label: str) -> str:
    """The link of the answer's table row named `label`."""
    return re.search(rf'<a href="([^"]+)">{re.escape(label)}</a>', page)[1]


def answer_link(page: str, text: str = "See these expenses") -> str:
    return re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', page)[1]


def list_totals(client, link: str) -> tuple[Decimal, Decimal]:
    """Paid and planned, as the expense list at `link` shows them."""
    assert link.startswith("/expenses/?")
    response = client.get(link)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    paid = re.search(r'<strong class="amount-paid">(.*?)</strong>', page)[1]
    planned_ = re.search(r'<strong class="amount-planned">(.*?)</strong>', page)[1]
    return amount(paid), amount(planned_)


def last_question(household) -> Question:
    return Question.objects.filter(household=household).order_by("-created_at").first()


# --- how much is left ----------------------------------------------------------------------------


@pytest.fixture
def budgets(household, admin_user, member_user, other_household, other_user):
    """Groceries (12,000 a month) with 8,800 counted; Household (everything, 1,00,000 a month) with a
    Food child and, under it, Nani (what Ravi pays for food: 1,000) over by 400; Holidays by the year."""
    groceries = Category.objects.get(household=household, name="Groceries")
    budget_create(
        household=household, user=admin_user, name="Groceries", amount=Decimal("12000"), category=groceries
    )
    home = budget_create(household=household, user=admin_user, name="Household", amount=Decimal("100000"))
    food = budget_create(
        household=household,
        user=admin_user,
        name="Food",
        amount=Decimal("20000"),
        category=groceries,
        parent=home,
    )
    budget_create(
        household=household,
        user=admin_user,
        name="Nani",
        amount=Decimal("1000"),
        member=member_user,
        parent=food,
    )
    budget_create(
        household=household,
        user=admin_user,
        name="Holidays",
        amount=Decimal("60000"),
        period=Budget.Period.YEARLY,
        category=Category.objects.get(household=household, name="Travel"),
    )
    spend(household, member_user, "1400.00", date(2026, 12, 3))  # Ravi's groceries: Nani is 400 over
    spend(household, admin_user, "6400.00", date(2026, 12, 10))
    planned(household, admin_user, "1000.00", date(2026, 12, 28), "Groceries")  # planned counts too
    spend(household, admin_user, "5000.00", date(2026, 12, 1), "Housing")
    spend(household, admin_user, "20000.00", date(2026, 11, 20), "Travel")  # this year, not this month
    spend(household, admin_user, "999.00", date(2026, 11, 30))  # last month: not counted
    spend(household, member_user, "555.00", date(2026, 12, 4), deleted_at=timezone.now())  # in the trash
    # The neighbours have budgets of the same names, and spend what nobody else does.
    theirs = Category.objects.get(household=other_household, name="Groceries")
    budget_create(
        household=other_household, user=other_user, name="Groceries", amount=Decimal("1"), category=theirs
    )
    spend(other_household, other_user, SECRET, date(2026, 12, 5))
    return household


LEFT = re.compile(
    rf"(?P<name>[\w ]+): (?P<left>{MONEY}) left of (?P<total>{MONEY}) for (?P<period>[\w ]+) "
    rf"\((?P<used>{MONEY}) spent or planned\)"
)


@pytest.mark.parametrize(
    "wording",
    ["How much is left in the budget?", "how much do we have left?", "What's remaining in the budgets"],
)
def test_how_much_is_left_per_budget_and_every_child_over(member_client, budgets, wording):
    page = ask(member_client, wording)
    answer = sentence(page)
    assert last_question(budgets).intent == "budget_left"
    found = {m["name"].strip(): m for m in LEFT.finditer(answer)}
    assert set(found) == {"Groceries", "Household", "Holidays"}  # every top-level budget, no child
    groceries = found["Groceries"]
    assert (groceries["left"], groceries["total"], groceries["period"]) == (
        "₹3,200.00",
        "₹12,000.00",
        "December 2026",
    )
    assert found["Holidays"]["period"] == "2026"  # its own current period
    for name, match in found.items():
        paid, planned_ = list_totals(member_client, row_link(page, name))
        assert paid + planned_ == amount(match["used"]) == amount(match["total"]) - amount(match["left"]), (
            name
        )
    # Nani, at depth 2, is over: named, with what it is over by, and the list behind it.
    over = re.search(rf"Nani \(in Food\) is (?P<over>{MONEY}) over its (?P<total>{MONEY})", answer)
    assert over and over["over"] == "₹400.00" and over["total"] == "₹1,000.00"
    paid, planned_ = list_totals(member_client, row_link(page, "Nani"))
    assert paid + planned_ - amount(over["total"]) == amount(over["over"])
    assert "Food:" not in answer and "Food is" not in answer  # a child within its amount: not named
    assert format_money(SECRET, budgets) not in page


@pytest.mark.parametrize(
    "wording",
    ["How much is left this month?", "what's left for the month?", "how much remains in the monthly budgets"],
)
def test_left_this_month_is_the_monthly_budgets(member_client, budgets, wording):
    page = ask(member_client, wording)
    answer = sentence(page)
    assert last_question(budgets).intent == "budget_left_this_month"
    found = {m["name"].strip(): m for m in LEFT.finditer(answer)}
    assert set(found) == {"Groceries", "Household"}  # Holidays runs by the year
    assert "Holidays" not in answer
    household_ = found["Household"]
    assert household_["period"] == "December 2026"
    paid, planned_ = list_totals(member_client, row_link(page, "Household"))
    assert paid + planned_ == amount(household_["used"]) == Decimal("13800.00")
    assert "Nani (in Food) is ₹400.00 over its ₹1,000.00" in answer


def test_left_in_one_budget_links_its_list(member_client, budgets):
    page = ask(member_client, "how much is left in the groceries budget?")
    answer = sentence(page)
    assert answer.startswith("Groceries: ₹3,200.00 left of ₹12,000.00 for December 2026")
    paid, planned_ = list_totals(member_client, answer_link(page))
    assert paid + planned_ == Decimal("8800.00")


def test_the_overview_names_an_over_child_too(member_client, budgets):
    answer = sentence(ask(member_client, "are we over budget?"))
    assert last_question(budgets).intent == "budget_status"
    assert "Nani (in Food) is ₹400.00 over its ₹1,000.00" in answer


@pytest.mark.parametrize("wording", ["How much is left in the budget?", "How much is left this month?"])
def test_no_budgets_is_a_clear_sentence(member_client, household, wording):
    response = member_client.post("/analysis/", {"question": wording}, headers=HX)
    assert response.status_code == 200
    assert sentence(html.unescape(response.content.decode())).startswith("There are no budgets yet")


# --- what's due soon -----------------------------------------------------------------------------


@pytest.fixture
def bills(household, admin_user, member_user, other_household, other_user):
    planned(household, admin_user, "1800.00", date(2026, 12, 1), description="Electricity")  # overdue
    planned(household, member_user, "2400.00", date(2026, 12, 20), description="Internet")
    planned(household, admin_user, "650.50", date(2026, 12, 29), description="Water")  # 14 days: in
    planned(household, admin_user, "9000.00", date(2026, 12, 30), description="Insurance")  # 15: out
    spend(household, admin_user, "300.00", date(2026, 12, 10), due_date=date(2026, 12, 12))  # paid
    planned(household, admin_user, "444.00", date(2026, 12, 2), deleted_at=timezone.now())  # trashed
    planned(other_household, other_user, SECRET, date(2026, 12, 14))
    return household


@pytest.mark.parametrize(
    "wording",
    [
        "What's due soon?",
        "anything due soon?",
        "what do we need to pay?",
        "what's due?",
        "bills due or overdue",
    ],
)
def test_due_soon_is_overdue_and_the_next_14_days(member_client, bills, wording):
    page = ask(member_client, wording)
    answer = sentence(page)
    assert last_question(bills).intent == "due_soon"
    total = re.match(rf"({MONEY}) is due in the next 14 days or overdue: 3 planned payments", answer)
    assert total, answer
    assert "1 of them overdue (₹1,800.00)" in answer
    assert "The first is Electricity for ₹1,800.00, was due 1 Dec 2026." in answer
    # The dashboard's own numbers, by the one rule.
    due = selectors.due_counts(household=bills, days=14)
    assert amount(total[1]) == due["overdue_total"] + due["upcoming_total"] == Decimal("4850.50")
    paid, planned_ = list_totals(member_client, answer_link(page, "See these payments"))
    assert (paid, planned_) == (Decimal("0.00"), amount(total[1]))
    assert "Insurance" not in page and format_money(SECRET, bills) not in page


def test_nothing_due(member_client, household):
    answer = sentence(ask(member_client, "What's due soon?"))
    assert answer == "Nothing is overdue, and nothing planned is due in the next 14 days."


# --- what did we spend on an occasion ------------------------------------------------------------


@pytest.fixture
def occasions(household, admin_user, member_user, other_household, other_user):
    diwali = Occasion.objects.create(
        household=household, name="Diwali 2026", kind="festival", date=date(2026, 11, 8)
    )
    old = Occasion.objects.create(
        household=household, name="Diwali 2025", kind="festival", date=date(2025, 10, 21)
    )
    wedding = Occasion.objects.create(
        household=household, name="Priya's wedding", kind="wedding", date=date(2026, 2, 14)
    )
    spend(household, admin_user, "3000.00", date(2026, 11, 2), "Gifts", occasion=diwali)
    spend(household, member_user, "1250.50", date(2026, 11, 7), occasion=diwali)
    planned(household, admin_user, "2000.00", date(2026, 12, 20), "Gifts", occasion=diwali)
    spend(household, admin_user, "700.00", date(2025, 10, 20), "Gifts", occasion=old)
    spend(household, admin_user, "50000.00", date(2026, 2, 10), "Gifts", occasion=wedding)
    spend(household, admin_user, "999.00", date(2026, 2, 11), occasion=wedding, deleted_at=timezone.now())
    spend(household, admin_user, "111.00", date(2026, 11, 3), "Gifts")  # Diwali time, not tagged
    theirs = Occasion.objects.create(household=other_household, name="Zebra gala", date=date(2026, 12, 1))
    their_diwali = Occasion.objects.create(
        household=other_household, name="Diwali 2026", date=date(2026, 11, 8)
    )
    spend(other_household, other_user, SECRET, date(2026, 12, 1), occasion=theirs)
    spend(other_household, other_user, SECRET, date(2026, 11, 8), occasion=their_diwali)
    return household


@pytest.mark.parametrize(
    ("wording", "name", "paid"),
    [
        ("What did we spend on Diwali?", "Diwali 2026 (8 Nov 2026)", "₹4,250.50"),
        ("how much did diwali 2025 cost", "Diwali 2025 (21 Oct 2025)", "₹700.00"),
        ("How much did the wedding cost?", "Priya's wedding (14 Feb 2026)", "₹50,000.00"),
        ("spending on priya's wedding", "Priya's wedding (14 Feb 2026)", "₹50,000.00"),
    ],
)
def test_occasion_spend(member_client, occasions, wording, name, paid):
    page = ask(member_client, wording)
    answer = sentence(page)
    assert last_question(occasions).intent == "occasion_spend"
    assert answer.startswith(f"Your household spent {paid} on {name}")
    listed, _planned = list_totals(member_client, answer_link(page))
    assert listed == amount(paid)
    assert format_money(SECRET, occasions) not in page


def test_diwali_mentions_what_is_still_planned(member_client, occasions):
    page = ask(member_client, "what did we spend on Diwali?")
    answer = sentence(page)
    assert answer.endswith("with ₹2,000.00 more planned.")
    # Its list shows both numbers: what was paid and what is still planned.
    assert list_totals(member_client, answer_link(page)) == (Decimal("4250.50"), Decimal("2000.00"))


def test_another_households_occasion_is_never_matched(member_client, occasions):
    page = ask(member_client, "What did we spend on the zebra gala?")
    question = last_question(occasions)
    assert question.intent != "occasion_spend"
    assert "occasion" not in question.params
    assert "Zebra" not in sentence(page) and format_money(SECRET, occasions) not in page
    # Not even when a provider (or a stored question) names it exactly.
    from analysis.answers import Lookup
    from analysis.intents import Classification

    context = Lookup.for_household(occasions).context(occasions, None)
    assert (
        "occasion"
        not in Classification.from_json("occasion_spend", {"occasion": "Zebra gala"}, context).params
    )


# --- average per month on a category -------------------------------------------------------------


@pytest.fixture
def groceries(household, admin_user, member_user, other_household, other_user):
    spend(household, admin_user, "1000.00", date(2026, 6, 5))
    spend(household, member_user, "2500.50", date(2026, 8, 30))
    spend(household, admin_user, "3000.00", date(2026, 11, 30))
    spend(household, admin_user, "8800.00", date(2026, 12, 2))  # this month: not a full month
    spend(household, admin_user, "4321.00", date(2026, 5, 31))  # seven months back
    spend(household, admin_user, "600.00", date(2026, 1, 15))  # in the last 12
    spend(household, admin_user, "750.00", date(2026, 7, 1), "Dining")  # another category
    planned(household, admin_user, "900.00", date(2026, 9, 9), "Groceries")  # planned: not spent
    spend(other_household, other_user, SECRET, date(2026, 9, 1))
    return household


AVERAGE = re.compile(
    rf"Your household spent (?P<average>{MONEY}) a month on average on Groceries over the last "
    rf"(?P<months>\d+) full months \((?P<span>[^)]+)\): (?P<total>{MONEY}) in all, divided by (?P=months)\."
)


@pytest.mark.parametrize(
    ("wording", "months", "span", "total", "zeros"),
    [
        ("Average per month on groceries?", 6, "June 2026 – November 2026", "6500.50", 3),
        ("how much do we spend on groceries a month?", 6, "June 2026 – November 2026", "6500.50", 3),
        (
            "monthly average for groceries over the last 12 months",
            12,
            "December 2025 – November 2026",
            "11421.50",
            7,
        ),
    ],
)
def test_average_per_month_on_a_category(member_client, groceries, wording, months, span, total, zeros):
    page = ask(member_client, wording)
    answer = sentence(page)
    assert last_question(groceries).intent == "monthly_average"
    found = AVERAGE.search(answer)
    assert found, answer
    assert (int(found["months"]), found["span"], amount(found["total"])) == (months, span, Decimal(total))
    assert amount(found["average"]) == (Decimal(total) / months).quantize(Decimal("0.01"))
    assert f"{zeros} of the {months} months had nothing spent on Groceries and count as zero." in answer
    paid, _planned = list_totals(member_client, answer_link(page))
    assert paid == amount(found["total"])
    assert format_money(SECRET, groceries) not in page
