"""The chat: a message becomes drafts, the drafts are confirmed into the ledger."""

import re
from datetime import date
from decimal import Decimal

import pytest

from expenses.models import ChatMessage, DraftState, Expense, ExpenseDraft
from llmsettings.models import ParseLog

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def card_fields(draft, **overrides):
    prefix = f"d{draft.pk.hex[:8]}"
    data = {
        "amount": draft.amount or "",
        "description": draft.description,
        "category": draft.category_id or "",
        "date": draft.date.isoformat() if draft.date else "",
        "paid_by": draft.paid_by_id or "",
        "status": draft.status,
    }
    data.update(overrides)
    return {f"{prefix}-{k}": v for k, v in data.items()}


def test_message_to_drafts_to_ledger(member_client, household, member_user, admin_user, time_machine):
    time_machine.move_to("2026-03-18T09:00:00+05:30")
    response = member_client.post(
        "/chat/", {"text": "450 groceries yesterday, Asha paid 1,200 for electricity"}, headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "I made 2 drafts" in html
    assert html.count('class="draft-card') == 2
    assert 'hx-swap-oob="true"' in html  # a fresh, empty message box

    groceries, electricity = ExpenseDraft.objects.filter(household=household).order_by("created_at")
    assert (groceries.amount, groceries.category.name, groceries.date) == (
        Decimal("450.00"),
        "Groceries",
        date(2026, 3, 17),
    )
    assert groceries.paid_by == member_user
    assert (electricity.amount, electricity.category.name, electricity.paid_by) == (
        Decimal("1200.00"),
        "Utilities",
        admin_user,
    )

    # Edit the first card before confirming it.
    confirm = member_client.post(
        f"/drafts/{groceries.pk}/confirm/", card_fields(groceries, amount="475.50"), headers=HX
    )
    assert "Saved" in confirm.content.decode()
    expense = Expense.objects.get(household=household)
    assert expense.amount == Decimal("475.50")
    assert expense.source == "chat"
    assert "₹475.50" in member_client.get("/expenses/").content.decode()

    # A second confirm of the same card makes nothing new.
    member_client.post(f"/drafts/{groceries.pk}/confirm/", card_fields(groceries), headers=HX)
    assert Expense.objects.filter(household=household).count() == 1


def test_conversation_survives_reload(member_client, household):
    member_client.post("/chat/", {"text": "coffee 180 and sandwich 220"})
    page = member_client.get("/chat/").content.decode()
    assert "coffee 180 and sandwich 220" in page
    assert "I made 2 drafts" in page
    assert ChatMessage.objects.filter(household=household).count() == 2


def test_plain_post_redirects_to_latest(member_client):
    response = member_client.post("/chat/", {"text": "auto 60"})
    assert response.status_code == 302
    assert response["Location"].endswith("/chat/#latest")


def test_message_without_amount_is_kept_and_flagged(member_client, household):
    html = member_client.post("/chat/", {"text": "bought a gift for Meera"}, headers=HX).content.decode()
    draft = ExpenseDraft.objects.get(household=household)
    assert draft.amount is None
    assert draft.problems
    assert "Needs review" in html
    assert "need" in html  # the reply says something needs a look
    log = ParseLog.objects.get(household=household)
    assert log.input_text == "bought a gift for Meera"
    assert log.problems


def test_parse_log_records_every_message(member_client, household, member_user):
    member_client.post("/chat/", {"text": "petrol ₹2000"})
    log = ParseLog.objects.get(household=household)
    assert log.user == member_user
    assert log.provider == "builtin"
    assert log.raw_output[0]["amount"] == "2000.00"
    assert log.duration_ms >= 0


def test_empty_message_gets_error_and_nothing_saved(member_client, household):
    response = member_client.post("/chat/", {"text": "   "}, headers=HX)
    assert "Type what you spent" in response.content.decode()
    assert not ChatMessage.objects.exists()


def test_yesterday_is_in_the_household_timezone(member_client, household, time_machine):
    # 20:00 UTC on 17 March is 01:30 on 18 March in Kolkata: "yesterday" there is the 17th.
    time_machine.move_to("2026-03-17T20:00:00Z")
    member_client.post("/chat/", {"text": "milk 64 yesterday"})
    assert ExpenseDraft.objects.get(household=household).date == date(2026, 3, 17)


def test_viewer_cannot_post(viewer_client, household):
    assert viewer_client.post("/chat/", {"text": "450 groceries"}).status_code == 403
    assert not ExpenseDraft.objects.exists()
    assert "Send" not in viewer_client.get("/chat/").content.decode()


def test_chat_drafts_are_in_the_inbox_too(member_client, household):
    member_client.post("/chat/", {"text": "netflix 649"})
    assert "netflix" in member_client.get("/inbox/").content.decode()


def test_confirm_all_from_chat(member_client, household):
    member_client.post("/chat/", {"text": "milk 64, curd 40 and paneer 110"})
    drafts = ExpenseDraft.objects.filter(household=household)
    assert drafts.count() == 3
    response = member_client.post(
        "/inbox/confirm-all/", {"draft": [d.pk for d in drafts], "next": "/chat/"}, follow=True
    )
    assert re.search(r"Saved 3 expenses", response.content.decode())
    assert set(drafts.values_list("state", flat=True)) == {DraftState.CONFIRMED}
    assert Expense.objects.filter(household=household).count() == 3


def test_chat_page_query_count_is_flat(member_client, household, django_assert_max_num_queries):
    for text in ["milk 64, curd 40 and paneer 110"] * 8:
        member_client.post("/chat/", {"text": text})
    with django_assert_max_num_queries(12):
        member_client.get("/chat/")


def test_chat_cards_do_not_repeat_the_message(member_client, household):
    text = "milk 64, curd 40 and paneer 110"
    member_client.post("/chat/", {"text": text})
    page = member_client.get("/chat/").content.decode()
    assert page.count(text) == 1  # the member's bubble only, not once more per card
    assert 'id="latest"' in page


def test_confirm_all_in_chat_goes_once_nothing_is_waiting(member_client, household):
    member_client.post("/chat/", {"text": "milk 64, curd 40"})
    reply = ChatMessage.objects.get(household=household, role="hearth")
    milk, _curd = ExpenseDraft.objects.filter(household=household).order_by("created_at")
    assert "Confirm all ready" in member_client.get("/chat/").content.decode()
    # Confirming one card of two also updates the message's "Confirm all" (out of band): gone.
    html = member_client.post(
        f"/drafts/{milk.pk}/confirm/", {**card_fields(milk), "from": "chat"}, headers=HX
    ).content.decode()
    assert f'id="confirm-all-{reply.pk}"' in html and 'hx-swap-oob="true"' in html
    assert "Confirm all ready" not in html
    assert "Confirm all ready" not in member_client.get("/chat/").content.decode()


def test_confirm_all_from_chat_with_htmx_re_renders_the_message(member_client, household):
    member_client.post("/chat/", {"text": "milk 64, curd 40 and paneer 110"})
    reply = ChatMessage.objects.get(household=household, role="hearth")
    ids = list(ExpenseDraft.objects.filter(household=household).values_list("pk", flat=True))
    html = member_client.post(
        "/inbox/confirm-all/", {"draft": ids, "message": reply.pk, "next": "/chat/"}, headers=HX
    ).content.decode()
    assert f'id="message-{reply.pk}"' in html and "Saved 3 expenses." in html
    assert "Confirm all ready" not in html


def test_a_long_paste_is_kept_with_a_clear_error(member_client, household):
    text = ("450 groceries " * 360).strip()  # 5,039 characters
    page = member_client.get("/chat/").content.decode()
    assert "maxlength" not in page  # the browser must not cut a paste silently
    html = member_client.post("/chat/", {"text": text}, headers=HX).content.decode()
    assert "That message is 5,039 characters long; Hearth reads up to 2,000" in html
    assert text.strip() in html  # still in the box
    assert not ChatMessage.objects.exists()
    plain = member_client.post("/chat/", {"text": text})
    assert plain.status_code == 400 and text.strip() in plain.content.decode()
