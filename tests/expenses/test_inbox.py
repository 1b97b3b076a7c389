"""Drafts and the inbox: confirm exactly once, discard, confirm all, undo."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from expenses.models import Category, DraftState, Expense, ExpenseDraft
from expenses.services import DraftNotPending, draft_confirm
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def card_data(draft, **overrides):
    prefix = f"d{draft.pk.hex[:8]}"
    data = {
        "amount": draft.amount if draft.amount is not None else "",
        "description": draft.description,
        "category": draft.category_id or "",
        "date": draft.date.isoformat() if draft.date else "",
        "paid_by": draft.paid_by_id or "",
        "status": draft.status,
    }
    data.update(overrides)
    return {f"{prefix}-{k}": v for k, v in data.items()}


def test_inbox_lists_pending_drafts_only(member_client, household, member_user):
    DraftFactory(household=household, paid_by=member_user, description="pending tea")
    DraftFactory(household=household, paid_by=member_user, description="gone", state=DraftState.DISCARDED)
    html = member_client.get("/inbox/").content.decode()
    assert "pending tea" in html and "gone" not in html


def test_drafts_count_in_no_total(member_client, household, member_user):
    DraftFactory(household=household, paid_by=member_user, amount=Decimal("999"))
    html = member_client.get("/expenses/").content.decode()
    assert "₹0.00</strong> paid" in html


def test_confirm_with_edits_creates_one_expense(member_client, household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user, amount=Decimal("450"))
    dining = Category.objects.get(household=household, name="Dining")
    response = member_client.post(
        f"/drafts/{draft.pk}/confirm/",
        card_data(draft, amount="475", category=dining.pk, description="dinner out"),
        headers=HX,
    )
    html = response.content.decode()
    assert "Saved" in html and "view" in html
    expense = Expense.objects.get(household=household)
    assert (expense.amount, expense.category, expense.description) == (
        Decimal("475.00"),
        dining,
        "dinner out",
    )
    assert expense.source == "chat"
    draft.refresh_from_db()
    assert draft.state == DraftState.CONFIRMED and draft.expense == expense


def test_double_confirm_creates_one_expense_and_says_so(member_client, household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user)
    member_client.post(f"/drafts/{draft.pk}/confirm/", card_data(draft), headers=HX)
    second = member_client.post(f"/drafts/{draft.pk}/confirm/", card_data(draft), headers=HX)
    assert "already confirmed" in second.content.decode()
    assert Expense.objects.count() == 1


def test_confirm_without_amount_shows_error_on_card(member_client, household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user, amount=None)
    response = member_client.post(f"/drafts/{draft.pk}/confirm/", card_data(draft), headers=HX)
    html = response.content.decode()
    assert "Enter an amount" in html
    assert not Expense.objects.exists()
    draft.refresh_from_db()
    assert draft.state == DraftState.PENDING


def test_discard_then_confirm_creates_nothing(member_client, household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user)
    assert "Discarded" in member_client.post(f"/drafts/{draft.pk}/discard/", headers=HX).content.decode()
    response = member_client.post(f"/drafts/{draft.pk}/confirm/", card_data(draft), headers=HX)
    assert "discarded" in response.content.decode()
    assert not Expense.objects.exists()


def test_undo_after_confirm_moves_expense_to_trash(member_client, household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user)
    member_client.post(f"/drafts/{draft.pk}/confirm/", card_data(draft), headers=HX)
    member_client.post(f"/drafts/{draft.pk}/undo/", headers=HX)
    expense = Expense.objects.get()
    assert expense.deleted_at is not None


def test_confirm_all_is_all_or_nothing(member_client, household, member_user):
    good = DraftFactory.create_batch(2, household=household, paid_by=member_user)
    bad = DraftFactory(household=household, paid_by=member_user, amount=None)
    response = member_client.post("/inbox/confirm-all/", {"draft": [d.pk for d in [*good, bad]]}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert not Expense.objects.exists()
    member_client.post("/inbox/confirm-all/", {"draft": [d.pk for d in good]})
    assert Expense.objects.count() == 2
    assert ExpenseDraft.objects.get(pk=bad.pk).state == DraftState.PENDING


def test_plain_form_confirm_redirects(member_client, household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user)
    response = member_client.post(f"/drafts/{draft.pk}/confirm/", card_data(draft))
    assert response.status_code == 302
    assert Expense.objects.count() == 1


def test_service_refuses_second_confirm(household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user)
    draft_confirm(household=household, user=member_user, draft=draft)
    with pytest.raises(DraftNotPending):
        draft_confirm(household=household, user=member_user, draft=draft)
    assert Expense.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_twenty_concurrent_confirms_make_one_expense(household, member_user):
    draft = DraftFactory(household=household, paid_by=member_user)
    barrier = threading.Barrier(20)
    outcomes = []

    def confirm():
        from django.db import connections

        try:
            barrier.wait()
            draft_confirm(household=household, user=member_user, draft=draft)
            outcomes.append("saved")
        except DraftNotPending:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 19 + ["saved"]
    assert Expense.objects.filter(household=household).count() == 1


def test_inbox_query_count_is_flat(member_client, household, member_user, django_assert_max_num_queries):
    DraftFactory.create_batch(30, household=household, paid_by=member_user)
    with django_assert_max_num_queries(10):
        member_client.get("/inbox/", headers=HX)
