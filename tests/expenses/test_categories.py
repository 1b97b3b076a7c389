"""Categories: defaults, add, rename, recolour, archive, merge."""

from decimal import Decimal

import pytest

from expenses.models import DEFAULT_CATEGORIES, Category, Expense
from tests.factories import DraftFactory, ExpenseFactory

pytestmark = pytest.mark.django_db


def test_new_household_has_the_default_categories(household):
    names = set(Category.objects.for_household(household).values_list("name", flat=True))
    assert names == {name for name, _ in DEFAULT_CATEGORIES}


def test_add_and_duplicate_name(member_client, household):
    response = member_client.post("/categories/", {"name": "Pets", "colour": "#123456"})
    assert response.status_code == 302
    assert Category.objects.filter(household=household, name="Pets").exists()
    response = member_client.post("/categories/", {"name": "pets", "colour": "#123456"})
    assert "already a category called" in response.content.decode()
    assert Category.objects.filter(household=household, name__iexact="pets").count() == 1


def test_rename_and_recolour(member_client, household):
    pets = Category.objects.create(household=household, name="Pets")
    member_client.post(f"/categories/{pets.pk}/", {"action": "save", "name": "Pet care", "colour": "#ABCDEF"})
    pets.refresh_from_db()
    assert (pets.name, pets.colour) == ("Pet care", "#abcdef")


def test_archived_category_leaves_pickers_but_keeps_expenses(member_client, household, member_user):
    kids = Category.objects.get(household=household, name="Kids")
    ExpenseFactory(household=household, paid_by=member_user, category_name="Kids", description="crayons")
    member_client.post(f"/categories/{kids.pk}/", {"action": "archive"})
    kids.refresh_from_db()
    assert kids.archived
    page = member_client.get("/expenses/").content.decode()
    quick_add = page.split('id="id_add-category"')[1].split("</select>")[0]
    assert ">Kids<" not in quick_add
    assert "crayons" in page


def test_merge_moves_expenses_and_drafts(member_client, household, member_user):
    dining = Category.objects.get(household=household, name="Dining")
    groceries = Category.objects.get(household=household, name="Groceries")
    ExpenseFactory.create_batch(3, household=household, paid_by=member_user, category_name="Dining")
    draft = DraftFactory(household=household, paid_by=member_user, category=dining)
    response = member_client.post(f"/categories/{dining.pk}/", {"action": "merge", "target": groceries.pk})
    assert response.status_code == 302
    assert not Category.objects.filter(pk=dining.pk).exists()
    assert Expense.objects.filter(category=groceries).count() == 3
    draft.refresh_from_db()
    assert draft.category == groceries
    expense = Expense.objects.filter(category=groceries).first()
    assert expense.history.first().history_change_reason == "Category Dining merged into Groceries"


def test_merge_into_itself_is_refused(member_client, household):
    dining = Category.objects.get(household=household, name="Dining")
    response = member_client.post(f"/categories/{dining.pk}/", {"action": "merge", "target": dining.pk})
    assert response.status_code == 200
    assert Category.objects.filter(pk=dining.pk).exists()


def test_merge_totals_add_up(member_client, household, member_user):
    ExpenseFactory(household=household, paid_by=member_user, category_name="Dining", amount=Decimal("10"))
    ExpenseFactory(household=household, paid_by=member_user, category_name="Groceries", amount=Decimal("5"))
    dining = Category.objects.get(household=household, name="Dining")
    groceries = Category.objects.get(household=household, name="Groceries")
    member_client.post(f"/categories/{dining.pk}/", {"action": "merge", "target": groceries.pk})
    html = member_client.get(f"/expenses/?category={groceries.pk}").content.decode()
    assert "₹15.00</strong> paid" in html
