"""A chat message read by an LLM provider: saved first, shown as "Reading…" (on reload too), read
beside the request, and never lost — a message a stopped server left unread is read offline."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.models import ChatMessage, ExpenseDraft
from expenses.services import chat_message_post, chat_message_read
from households import background
from llmsettings import calls
from llmsettings.models import ParseLog, ProviderSettings
from llmsettings.providers import BuiltinProvider

pytestmark = pytest.mark.django_db
READING = "Hearth is reading this message"
POLL = 'hx-get="{}"'


class QuietProvider:
    """Answers like builtin, but only when the test lets it (read_later)."""

    name = "compatible"
    label = "The server at localhost:11434"
    paid = False
    model = "llama3.2"

    def __init__(self, *args, **kwargs):
        pass

    def parse_expenses(self, text, context):
        result = BuiltinProvider().parse_expenses(text, context)
        result.provider = self.name
        return result


@pytest.fixture
def provider(household, monkeypatch, settings):
    monkeypatch.setattr(calls, "make_provider", QuietProvider)
    ProviderSettings.objects.create(
        household=household, provider="compatible", base_url="http://localhost:11434/v1", model="llama3.2"
    )
    submitted = []
    monkeypatch.setattr(background, "submit", lambda fn, *args: submitted.append((fn, args)))
    return submitted


def test_the_message_is_kept_and_shown_as_being_read(household, member_user, member_client, provider):
    response = member_client.post(reverse("chat"), {"text": "450 groceries today"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    message = ChatMessage.objects.get(household=household, role="member")
    assert message.text == "450 groceries today"
    assert READING in response.content.decode()
    assert POLL.format(reverse("chat_message", args=[message.pk])) in response.content.decode()
    assert not ChatMessage.objects.filter(reply_to=message).exists()
    # A reload meanwhile shows the pending message, polling for its reply.
    page = member_client.get(reverse("chat")).content.decode()
    assert "450 groceries today" in page and READING in page
    # The background read makes the drafts; the poll then returns the reply and stops polling.
    (fn, args) = provider[0]
    fn(*args)
    poll = member_client.get(
        reverse("chat_message", args=[message.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert READING not in poll and POLL.format(reverse("chat_message", args=[message.pk])) not in poll
    assert "I made 1 draft" in poll
    assert ExpenseDraft.objects.get(household=household).amount == 450
    assert ParseLog.objects.get(household=household).provider == "compatible"


def test_a_message_is_read_once_even_if_asked_twice(household, member_user, provider):
    message = chat_message_post(household=household, user=member_user, text="120 auto")
    chat_message_read(message.pk)
    assert chat_message_read(message.pk) is None
    assert ExpenseDraft.objects.filter(household=household).count() == 1


def test_a_message_left_unread_by_a_stopped_server_is_read_offline(
    household, member_user, member_client, provider
):
    message = chat_message_post(household=household, user=member_user, text="300 vegetables")
    ChatMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    page = member_client.get(reverse("chat")).content.decode()
    reply = ChatMessage.objects.get(reply_to=message)
    assert reply.text.startswith("Hearth was interrupted while reading this — read offline instead.")
    assert READING not in page
    assert ExpenseDraft.objects.get(household=household).amount == 300


def test_another_households_message_is_a_404(household, member_user, other_client, provider):
    message = chat_message_post(household=household, user=member_user, text="120 auto")
    assert other_client.get(reverse("chat_message", args=[message.pk])).status_code == 404
