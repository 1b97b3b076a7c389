"""Entering an expense on a phone: the list comes first, the add form opens from one button,
categories are offered most used first, and an occasion template's categories only for it."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budgets.models import Budget
from budgets.occasions.wedding import template_rows
from expenses.models import Category, Expense, Occasion
from tests.factories import DraftFactory, ExpenseFactory

HX = {"HX-Request": "true"}
PINNED = 12  # the list page, whatever the number of categories and expenses
DEFAULTS_BY_NAME = [
    "Dining",
    "Education",
    "Entertainment",
    "Gifts",
    "Groceries",
    "Health",
    "Housing",
    "Kids",
    "Other",
    "Personal care",
    "Shopping",
    "Transport",
    "Travel",
    "Utilities",
]


class _Selects(HTMLParser):
    """Every <select>'s options, by name: [(value, text, selected)]."""

    def __init__(self):
        super().__init__()
        self.selects: dict[str, list] = {}
        self._name = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._name = attrs.get("name")
            self.selects[self._name] = []
        elif tag == "option" and self._name:
            self._option = [attrs.get("value", ""), "", "selected" in attrs]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.selects[self._name].append((self._option[0], self._option[1].strip(), self._option[2]))
            self._option = None
        elif tag == "select":
            self._name = None


def options(html: str, name: str) -> list[tuple[str, str, bool]]:
    parser = _Selects()
    parser.feed(html)
    return parser.selects[name]


def names(html: str, name: str) -> list[str]:
    return [text for value, text, _ in options(html, name) if value]


def selected(html: str, name: str) -> list[str]:
    return [text for _, text, chosen in options(html, name) if chosen]


def spend(household, member, category_name, times):
    for _ in range(times):
        ExpenseFactory(household=household, paid_by=member, category_name=category_name)


def wedding(client, household) -> Occasion:
    """A wedding with the template's 15 category sub-budgets, made as a person makes it."""
    data = {"name": "Priya's wedding", "kind": "wedding", "date": "2027-02-14", "amount": "8,00,000"}
    client.post("/occasions/new/", {**data, "wedding_template": "on"})
    occasion = Occasion.objects.get(household=household, name="Priya's wedding")
    root = Budget.objects.get(occasion=occasion)
    amounts = {row.key: str(row.amount) for row in template_rows(root.amount)}
    assert client.post(f"/occasions/{occasion.pk}/wedding-template/", amounts).status_code == 302
    return occasion


# ---------------------------------------------------------------- the list comes first


def test_the_add_form_is_behind_one_button_and_the_list_comes_before_it_opens(
    member_client, household, member_user
):
    spend(household, member_user, "Groceries", 1)
    html = member_client.get("/expenses/").content.decode()
    add = re.search(
        r'<details class="card quick-add[^>]*>\s*<summary class="button">Add expense</summary>', html
    )
    assert add is not None and " open" not in add.group(0)  # closed: the expenses show first
    filters = re.search(r'<details class="card filters[^>]*>', html).group(0)
    assert " open" not in filters
    assert 'name="add-amount"' in html  # the form is there, working without JavaScript


def test_the_filter_button_says_which_filters_are_on(member_client, household, member_user):
    dining = Category.objects.get(household=household, name="Dining")
    html = member_client.get(f"/expenses/?month=2026-03&category={dining.pk}&status=planned").content.decode()
    assert re.search(r'id="filter-summary"[^>]*>: March 2026 · Dining · Planned</span>', html)
    fragment = member_client.get("/expenses/?q=rent", headers=HX).content.decode()
    assert fragment.lstrip().startswith('<section id="expense-results"')
    assert '<span class="filter-summary" id="filter-summary" hx-swap-oob="true">: “rent”</span>' in fragment
    due = member_client.get("/expenses/?due=14").content.decode()
    assert re.search(r'id="filter-summary"[^>]*>: Overdue or due within 14 days</span>', due)


def test_a_form_error_keeps_the_typed_text_and_the_form_open(member_client, household, member_user):
    groceries = Category.objects.get(household=household, name="Groceries")
    typed = {
        "add-amount": "twelve",
        "add-description": "Milk run",
        "add-category": groceries.pk,
        "add-date": household.today().isoformat(),
        "add-paid_by": member_user.pk,
        "add-status": "paid",
    }
    for headers, status in [({}, 400), (HX, 200)]:
        response = member_client.post("/expenses/add/", typed, headers=headers)
        html = response.content.decode()
        assert response.status_code == status
        assert re.search(r'<details class="card quick-add[^>]*id="quick-add" open>', html)
        assert 'value="Milk run"' in html and 'value="twelve"' in html
        assert selected(html, "add-category") == ["Groceries"]
        field = re.search(r'<div class="field field-error">.*?</div>', html, re.S).group(0)
        assert 'name="add-amount"' in field and 'id="id_add-amount_error"' in field
    assert not Expense.objects.filter(household=household).exists()


# ---------------------------------------------------------------- categories by use


def test_categories_are_offered_most_used_first_and_a_new_expense_starts_on_the_most_used(
    member_client, household, member_user
):
    spend(household, member_user, "Utilities", 2)
    spend(household, member_user, "Dining", 3)
    spend(household, member_user, "Kids", 2)  # a tie with Utilities: by name
    Expense.objects.bulk_create(
        ExpenseFactory.build(
            household=household, paid_by=member_user, logged_by=member_user, category_name="Travel"
        )
        for _ in range(4)
    )
    Expense.objects.filter(household=household, category__name="Travel").update(deleted_at=timezone.now())

    html = member_client.get("/expenses/").content.decode()

    expected = ["Dining", "Kids", "Utilities"] + [
        n for n in DEFAULTS_BY_NAME if n not in {"Dining", "Kids", "Utilities"}
    ]
    assert names(html, "add-category") == expected  # the trashed Travel ones do not count
    assert selected(html, "add-category") == ["Dining"]
    assert options(html, "add-category")[0][0] != ""  # no empty choice once there is a default
    assert names(html, "category") == expected  # the filter too


def test_before_the_first_expense_the_category_is_to_choose(member_client, household):
    html = member_client.get("/expenses/").content.decode()
    assert options(html, "add-category")[0] == ("", "— choose —", True)
    assert selected(html, "add-category") == ["— choose —"]
    assert names(html, "add-category") == DEFAULTS_BY_NAME


def test_draft_cards_offer_categories_by_use(member_client, household, member_user):
    spend(household, member_user, "Health", 2)
    DraftFactory(household=household, created_by=member_user)
    html = member_client.get("/inbox/").content.decode()
    field = next(name for name in _select_names(html) if name.endswith("-category"))
    assert names(html, field)[:2] == ["Health", "Dining"]


def _select_names(html):
    parser = _Selects()
    parser.feed(html)
    return list(parser.selects)


# ---------------------------------------------------------------- template categories stay with it


def test_the_wedding_templates_categories_are_offered_only_for_the_wedding(
    member_client, household, member_user
):
    spend(household, member_user, "Groceries", 1)
    occasion = wedding(member_client, household)
    venue = Category.objects.get(household=household, name="Venue")
    assert venue.occasion == occasion
    assert Category.objects.get(household=household, name="Transport").occasion is None  # it was there before

    general = member_client.get("/expenses/").content.decode()
    assert "Venue" not in names(general, "add-category") and "Attire" not in names(general, "add-category")
    assert len(names(general, "add-category")) == 14
    assert "Attire" not in names(general, "category")  # nor in the filter, while unused

    board = member_client.get(f"/occasions/{occasion.pk}/").content.decode()
    offered = names(board, "item-category")
    assert {"Venue", "Attire", "Catering", "Groceries", "Transport"} <= set(offered)
    assert len(offered) == 14 + 14  # the 14 defaults and the template's 14 new ones
    assert {"Venue", "Attire"} <= set(names(board, "sub-category"))

    categories = member_client.get("/categories/").content.decode()
    assert re.search(r"Venue <span class=\"badge\"[^>]*>for Priya&#x27;s wedding</span>", categories)
    assert not re.search(r"Groceries <span class=\"badge\"", categories)


def test_an_expense_that_uses_a_template_category_keeps_it_in_its_pickers(
    member_client, household, member_user
):
    occasion = wedding(member_client, household)
    attire = Category.objects.get(household=household, name="Attire")
    response = member_client.post(
        f"/occasions/{occasion.pk}/items/",
        {
            "item-description": "Sherwani",
            "item-amount": "45,000",
            "item-category": attire.pk,
            "item-stage": "bought",
            "item-date": "2027-01-10",
        },
    )
    assert response.status_code == 302
    item = Expense.objects.get(household=household, description="Sherwani")
    prefix = f"e{item.pk.hex[:8]}"

    for headers in [{}, HX]:
        edit = member_client.get(f"/expenses/{item.pk}/edit/", headers=headers).content.decode()
        assert selected(edit, f"{prefix}-category") == ["Attire"]
        assert {"Venue", "Attire"} <= set(names(edit, f"{prefix}-category"))  # its occasion's

    # An expense off the occasion that has the category (a draft confirmed as Attire) keeps it too.
    loose = ExpenseFactory(household=household, paid_by=member_user, category_name="Attire")
    edit = member_client.get(f"/expenses/{loose.pk}/edit/").content.decode()
    assert selected(edit, f"e{loose.pk.hex[:8]}-category") == ["Attire"]
    assert "Venue" not in names(edit, f"e{loose.pk.hex[:8]}-category")

    # The list's filter offers a template category once an expense uses it.
    listed = member_client.get("/expenses/?month=2027-01").content.decode()
    assert "Attire" in names(listed, "category") and "Venue" not in names(listed, "category")
    assert "Attire" not in names(listed, "add-category")


def test_the_general_add_form_refuses_a_template_category(member_client, household, member_user):
    wedding(member_client, household)
    venue = Category.objects.get(household=household, name="Venue")
    response = member_client.post(
        "/expenses/add/",
        {
            "add-amount": "100",
            "add-category": venue.pk,
            "add-date": household.today().isoformat(),
            "add-paid_by": member_user.pk,
            "add-status": "paid",
        },
    )
    assert response.status_code == 400
    assert 'id="id_add-category_error"' in response.content.decode()
    assert not Expense.objects.filter(household=household).exists()


def test_when_the_wedding_is_deleted_its_categories_are_everyones(member_client, household):
    occasion = wedding(member_client, household)
    assert member_client.post(f"/occasions/{occasion.pk}/delete/").status_code == 302
    venue = Category.objects.get(household=household, name="Venue")  # kept, for every expense now
    assert venue.occasion is None
    html = member_client.get("/expenses/").content.decode()
    assert "Venue" in names(html, "add-category")


# ---------------------------------------------------------------- what the list page costs


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/expenses/")
    assert response.status_code == 200
    return len(queries)


def test_the_list_page_costs_the_same_with_many_categories(member_client, household, member_user):
    spend(household, member_user, "Groceries", 2)
    few = _list_queries(member_client)
    extra = Category.objects.bulk_create(
        Category(household=household, name=f"Category {n}", occasion=None) for n in range(60)
    )
    for category in extra[:20]:
        ExpenseFactory(household=household, paid_by=member_user, category=category, date=date.today())
    wedding(member_client, household)
    member_client.get("/expenses/")  # shows (and so clears) the wedding's messages
    many = _list_queries(member_client)
    assert many == few
    assert few == PINNED


@pytest.mark.parametrize("path", ["/expenses/", "/expenses/?month="])
def test_the_list_page_pins_its_queries(
    member_client, household, member_user, path, django_assert_num_queries
):
    spend(household, member_user, "Groceries", 3)
    with django_assert_num_queries(PINNED):
        member_client.get(path)


# ---------------------------------------------------------------- an installation that had the template


def test_upgrading_links_the_template_categories_it_plainly_can(member_client, household, member_user):
    from importlib import import_module

    from django.apps import apps

    occasion = wedding(member_client, household)
    Category.objects.filter(household=household).update(occasion=None)  # as it was before the link
    ExpenseFactory(household=household, paid_by=member_user, category_name="Cake")  # used off the wedding
    migration = import_module("budgets.migrations.0007_template_categories_belong_to_their_occasion")

    migration.link(apps, None)

    linked = set(
        Category.objects.filter(household=household, occasion=occasion).values_list("name", flat=True)
    )
    assert {"Venue", "Attire", "Catering"} <= linked
    assert "Cake" not in linked and "Transport" not in linked and "Groceries" not in linked
    assert len(linked) == 13
