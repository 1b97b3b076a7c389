"""The wedding template: shares, the largest-remainder split, and the preview-then-save flow."""

from decimal import Decimal

import pytest

from budgets.models import Budget
from budgets.occasions.wedding import WEDDING_TEMPLATE, allocate, template_rows
from expenses.models import Category, Occasion
from tests.budgets.test_occasions import text_of

CATEGORIES = [
    "Venue",
    "Catering",
    "Photography",
    "Videography",
    "Flowers",
    "Music",
    "Transport",
    "Attire",
    "Rings",
    "Stationery",
    "Decorations",
    "Cake",
    "Hair and makeup",
    "Favours",
    "Miscellaneous",
]


def test_the_template_has_15_categories_whose_shares_add_up_to_exactly_100():
    assert [name for name, _ in WEDDING_TEMPLATE] == CATEGORIES
    assert sum(share for _, share in WEDDING_TEMPLATE) == 100
    assert all(share > 0 for _, share in WEDDING_TEMPLATE)


@pytest.mark.parametrize(
    "total",
    ["99999", "1000001", "7", "0", "1", "14", "800000", "123456789", "999999999999", "12345.67", "0.99"],
)
def test_amounts_add_up_to_exactly_the_total(total):
    total = Decimal(total)
    rows = template_rows(total)
    assert len(rows) == 15
    assert sum(row.amount for row in rows) == total
    whole = total.to_integral_value(rounding="ROUND_FLOOR")
    for row in rows[:-1]:  # whole currency units (paise of the total go to the last row)
        assert row.amount == row.amount.to_integral_value()
    for row in rows:
        exact = whole * row.share / 100
        assert abs(row.amount - exact) < 1 + (total - whole)  # each within one unit of its exact share


def test_largest_remainder_gives_the_left_over_units_to_the_largest_fractions():
    # 7 × shares: catering 1.96, venue 1.40, photography 0.56, attire 0.56, rings 0.42 … → 5 units left.
    amounts = dict(zip(CATEGORIES, allocate(Decimal("7"), [s for _, s in WEDDING_TEMPLATE]), strict=True))
    assert amounts["Catering"] == 2 and amounts["Venue"] == 2
    assert amounts["Photography"] == amounts["Attire"] == amounts["Rings"] == 1
    assert sum(amounts.values()) == 7
    assert allocate(Decimal("10"), [1, 1, 1]) == [Decimal("4"), Decimal("3"), Decimal("3")]


def test_a_negative_total_is_refused():
    with pytest.raises(ValueError):
        allocate(Decimal("-1"), [1])


# ---------------------------------------------------------------- through HTTP


def new_wedding(client, amount="8,00,000", template=True):
    data = {"name": "Priya's wedding", "kind": "wedding", "date": "2027-02-14", "amount": amount}
    if template:
        data["wedding_template"] = "on"
    return client.post("/occasions/new/", data)


def test_ticking_the_template_leads_to_a_preview_with_15_editable_rows(member_client, household):
    response = new_wedding(member_client)
    occasion = Occasion.objects.get(name="Priya's wedding")
    assert response.status_code == 302
    assert response.url == f"/occasions/{occasion.pk}/wedding-template/"

    preview = member_client.get(response.url)

    assert preview.status_code == 200
    html = preview.content.decode()
    assert html.count('inputmode="decimal"') == 15
    assert 'name="venue" value="160000.00"' in html and 'name="catering" value="224000.00"' in html
    assert 'name="hair_and_makeup" value="16000.00"' in html
    assert "Venue (20 %)" in html and "Suggested: ₹1,60,000.00" in html
    assert "Save 15 sub-budgets" in html
    assert not Budget.objects.filter(parent__occasion=occasion).exists()  # nothing saved yet


def test_saving_the_preview_creates_the_categories_and_15_sub_budgets(member_client, household):
    new_wedding(member_client, amount="99999")
    occasion = Occasion.objects.get(name="Priya's wedding")
    root = Budget.objects.get(occasion=occasion)
    data = {row.key: str(row.amount) for row in template_rows(root.amount)}
    data["venue"] = "25,000"  # edited
    data["miscellaneous"] = "0"
    before_transport = Category.objects.filter(household=household, name__iexact="transport").count()

    response = member_client.post(f"/occasions/{occasion.pk}/wedding-template/", data)

    assert response.status_code == 302
    children = {b.name: b for b in Budget.objects.filter(parent=root).select_related("category")}
    assert sorted(children) == sorted(CATEGORIES)
    assert children["Venue"].amount == Decimal("25000.00")
    assert children["Miscellaneous"].amount == Decimal("0.00")
    assert all(b.category.name.lower() == name.lower() for name, b in children.items())
    assert all(b.category.household == household for b in children.values())
    assert (
        Category.objects.filter(household=household, name__iexact="transport").count()
        == before_transport
        == 1
    )
    assert [b.name for b in sorted(children.values(), key=lambda b: b.position)] == CATEGORIES

    # Filled sub-budgets show their meters; the empty ones wait together in one line.
    page = member_client.get(response.url).content.decode()
    for budget in children.values():
        if budget.amount:
            assert f"budget-meter-{budget.pk}" in page
        else:
            assert f"budget-meter-{budget.pk}" not in page and f"/budgets/{budget.pk}/edit/" in page
    empty = sum(1 for b in children.values() if not b.amount)
    assert f"{empty} sub-budget{'s' if empty > 1 else ''} with no amount yet — set amounts" in page

    # Sending the form again adds nothing, and the page says why.
    member_client.post(f"/occasions/{occasion.pk}/wedding-template/", data)
    assert Budget.objects.filter(parent=root).count() == 15
    again = member_client.get(f"/occasions/{occasion.pk}/wedding-template/")
    assert "Every category of the template already has a sub-budget here" in again.content.decode()


def test_amounts_above_the_total_are_allowed_with_a_warning(member_client, household):
    new_wedding(member_client, amount="1000")
    occasion = Occasion.objects.get(name="Priya's wedding")
    root = Budget.objects.get(occasion=occasion)
    data = {row.key: str(row.amount) for row in template_rows(root.amount)}
    data["venue"] = "500"  # 200 → 500: 300 over

    checked = member_client.post(f"/occasions/{occasion.pk}/wedding-template/", {**data, "action": "preview"})
    assert checked.status_code == 200
    assert "The sub-budgets add up to more than the budget: ₹1,300.00 against ₹1,000.00" in (
        checked.content.decode()
    )
    assert 'name="venue" value="500"' in checked.content.decode()
    assert not Budget.objects.filter(parent=root).exists()

    saved = member_client.post(f"/occasions/{occasion.pk}/wedding-template/", {**data, "action": "save"})
    assert saved.status_code == 302
    assert Budget.objects.filter(parent=root).count() == 15
    page = member_client.get(saved.url)
    assert "sub-budgets add up to more than the budget: ₹1,300.00 against ₹1,000.00" in text_of(
        page, "occasion-meters"
    )


def test_a_bad_amount_is_shown_next_to_its_row(member_client, household):
    new_wedding(member_client, amount="1000")
    occasion = Occasion.objects.get(name="Priya's wedding")
    data = {row.key: str(row.amount) for row in template_rows(Decimal("1000"))}
    data["cake"] = "-3"
    response = member_client.post(f"/occasions/{occasion.pk}/wedding-template/", data)
    assert response.status_code == 400
    assert "id_cake_error" in response.content.decode()
    assert not Budget.objects.filter(parent__occasion=occasion).exists()


def test_without_the_box_no_template(member_client, household):
    response = new_wedding(member_client, template=False)
    occasion = Occasion.objects.get(name="Priya's wedding")
    assert response.url == f"/occasions/{occasion.pk}/"
    assert Budget.objects.filter(occasion=occasion).count() == 1
