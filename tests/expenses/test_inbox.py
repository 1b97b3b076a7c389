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


def test_confirm_all_ready_saves_the_valid_and_leaves_the_rest(member_client, household, member_user):
    good = DraftFactory.create_batch(2, household=household, paid_by=member_user)
    flagged = DraftFactory(household=household, paid_by=member_user, problems=["No category: pick one."])
    no_amount = DraftFactory(household=household, paid_by=member_user, amount=None)
    response = member_client.post("/inbox/confirm-all/", {"scope": "all"}, follow=True)
    assert "Saved 2 expenses; 2 still need something." in response.content.decode()
    assert Expense.objects.count() == 2
    assert {d.state for d in ExpenseDraft.objects.filter(pk__in=[g.pk for g in good])} == {
        DraftState.CONFIRMED
    }
    flagged.refresh_from_db()
    no_amount.refresh_from_db()
    assert flagged.state == no_amount.state == DraftState.PENDING
    assert "Enter an amount." in no_amount.problems  # the reason is on the card now


def test_confirm_all_ready_means_every_page(member_client, household, member_user, settings):
    DraftFactory.create_batch(60, household=household, paid_by=member_user)
    page = member_client.get("/inbox/").content.decode()
    assert page.count('class="draft-card') == 25 and "Page 1 of 3" in page
    assert "Confirm all 60 ready" in page
    member_client.post("/inbox/confirm-all/", {"scope": "all"})
    assert Expense.objects.filter(household=household).count() == 60


def test_confirm_all_twice_makes_one_expense_per_draft(member_client, household, member_user):
    drafts = DraftFactory.create_batch(3, household=household, paid_by=member_user)
    for _ in range(2):
        member_client.post("/inbox/confirm-all/", {"scope": "all"})
        member_client.post("/inbox/confirm-all/", {"draft": [d.pk for d in drafts]})
    assert Expense.objects.count() == 3
    assert ExpenseDraft.objects.filter(expense__isnull=False).count() == 3


def test_discard_ticked_keeps_them_and_they_come_back(member_client, household, member_user):
    junk = DraftFactory.create_batch(3, household=household, paid_by=member_user, raw_text="junk line")
    keep = DraftFactory(household=household, paid_by=member_user)
    response = member_client.post("/inbox/discard/", {"draft": [d.pk for d in junk]}, follow=True)
    assert "Discarded 3 drafts" in response.content.decode()
    assert ExpenseDraft.objects.get(pk=keep.pk).state == DraftState.PENDING
    discarded = ExpenseDraft.objects.filter(state=DraftState.DISCARDED)
    assert discarded.count() == 3 and set(discarded.values_list("raw_text", flat=True)) == {"junk line"}
    page = member_client.get("/inbox/?show=discarded").content.decode()
    assert page.count('class="draft-card') == 3
    member_client.post("/inbox/restore/", {"draft": [junk[0].pk]})
    assert ExpenseDraft.objects.filter(state=DraftState.PENDING).count() == 2


def test_discard_with_nothing_ticked_discards_nothing(member_client, household, member_user):
    DraftFactory.create_batch(2, household=household, paid_by=member_user)
    response = member_client.post("/inbox/discard/", {}, follow=True)
    assert "Tick the drafts to discard first." in response.content.decode()
    assert not ExpenseDraft.objects.filter(state=DraftState.DISCARDED).exists()


def test_a_whole_import_is_confirmed_or_discarded_at_once(member_client, household, member_user):
    from expenses.models import ImportBatch

    batch = ImportBatch.objects.create(household=household, file_name="march.csv", content="", state="done")
    other = ImportBatch.objects.create(household=household, file_name="april.csv", content="", state="done")
    DraftFactory.create_batch(
        4, household=household, paid_by=member_user, source="import", import_batch=batch
    )
    DraftFactory.create_batch(
        2, household=household, paid_by=member_user, source="import", import_batch=other
    )
    chat = DraftFactory(household=household, paid_by=member_user)
    page = member_client.get("/inbox/").content.decode()
    assert f"?batch={batch.pk}" in page and "march.csv (4)" in page
    assert member_client.get(f"/inbox/?batch={batch.pk}").content.decode().count('class="draft-card') == 4
    member_client.post("/inbox/confirm-all/", {"scope": "all", "batch": batch.pk})
    assert Expense.objects.count() == 4
    member_client.post("/inbox/discard/", {"scope": "all", "batch": other.pk})
    assert ExpenseDraft.objects.filter(import_batch=other, state=DraftState.DISCARDED).count() == 2
    assert ExpenseDraft.objects.get(pk=chat.pk).state == DraftState.PENDING


def test_bulk_actions_stay_on_site(member_client, household, member_user):
    DraftFactory(household=household, paid_by=member_user)
    for url in ["/inbox/confirm-all/", "/inbox/discard/"]:
        response = member_client.post(url, {"scope": "all", "next": "https://evil.example/x"})
        assert response["Location"] == "/inbox/"
    response = member_client.post(
        "/inbox/confirm-all/", {"scope": "all", "next": "https://evil.example/x"}, headers=HX
    )
    assert response["HX-Redirect"] == "/inbox/"


def test_bad_batch_parameter_is_not_an_error(member_client, household, other_household):
    from expenses.models import ImportBatch

    theirs = ImportBatch.objects.create(household=other_household, file_name="x.csv", content="")
    for value in ["not-a-uuid", str(theirs.pk), "\x00"]:
        assert member_client.get(f"/inbox/?batch={value}").status_code == 200


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_confirm_all_ready_make_one_expense_per_draft(household, member_user):
    from expenses.services import CONFIRM_BATCH, drafts_confirm_ready

    DraftFactory.create_batch(CONFIRM_BATCH + 50, household=household, paid_by=member_user)
    barrier = threading.Barrier(4)
    saved = []

    def confirm():
        from django.db import connections

        try:
            barrier.wait()
            drafts = ExpenseDraft.objects.filter(household=household)
            saved.append(drafts_confirm_ready(household=household, user=member_user, drafts=drafts))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(saved) == CONFIRM_BATCH + 50
    assert Expense.objects.filter(household=household).count() == CONFIRM_BATCH + 50


@pytest.mark.parametrize("size", [10, 3000])
def test_inbox_query_count_is_flat(member_client, household, member_user, size, django_assert_num_queries):
    """The same queries with 10 or 3,000 pending drafts: the inbox is paged and counted in SQL."""
    from tests.bench.test_inbox_scale import fill

    fill(household, member_user, size)
    with django_assert_num_queries(9):
        response = member_client.get("/inbox/")
    assert response.content.decode().count('class="draft-card') == min(size, 25)
