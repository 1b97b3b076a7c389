"""The AI provider settings page, its admin pages, and keys at rest, through HTTP as an admin meets
them. Providers are a fake here (``llmsettings.providers.make_provider`` replaced): the adapters
have tests of their own against fake servers."""

import html
import json
import logging
import re
from dataclasses import dataclass, field
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from llmsettings import checks, crypto
from llmsettings.models import Provider, ProviderSettings
from llmsettings.providers import SUGGESTED_MODELS
from llmsettings.providers.base import ConnectionCheck, ProviderError
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY = "sk-proj-Very-Secret-Value-0123456789-1a2b"
OTHER_KEY = "sk-proj-Another-Secret-Value-9876543210-9z8y"
URL = reverse("llm_settings")
TEST_URL = reverse("llm_settings_test")
MODELS_URL = reverse("llm_settings_models")
HTMX = {"HX-Request": "true"}

OPENAI = {
    "provider": "openai",
    "model": "gpt-4o-mini",
    "api_key": KEY,
    "use_for_chat": "on",
    "use_for_analysis": "on",
    "timeout_seconds": "15",
}
COMPATIBLE = {
    "provider": "compatible",
    "base_url": "http://localhost:11434/v1",
    "model": "llama3.2",
    "use_for_chat": "on",
    "timeout_seconds": "20",
}


def text(response) -> str:
    """The page as a person reads it: tags dropped (before entities are decoded), spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def settings_of(household) -> ProviderSettings:
    return ProviderSettings.objects.get(household=household)


def error_of(response, name: str) -> str:
    """The error shown beside one field (its errorlist carries the field's id)."""
    page = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error"[^>]*>(.*?)</ul>', page, re.DOTALL)
    assert match, f"no error beside {name}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def assert_no_key(content: str | bytes, *keys: str) -> None:
    if isinstance(content, bytes):
        content = content.decode()
    for key in keys or (KEY,):
        assert key not in content
        assert key[3:-4] not in content  # nor the key without its ends


# --- a fake provider ------------------------------------------------------------------------------


@dataclass
class FakeProviders:
    """Stands in for make_provider: remembers what it was given, answers as told."""

    check: object = field(default_factory=lambda: ConnectionCheck(True, "gpt-4o-mini", 412, "fine"))
    models: object = field(default_factory=lambda: ["qwen2.5:7b", "llama3.2"])
    made: list = field(default_factory=list)
    events: list = field(default_factory=list)

    def make(self, name, *, model="", api_key="", base_url="", timeout=15):
        self.made.append(
            {"name": name, "model": model, "api_key": api_key, "base_url": base_url, "timeout": timeout}
        )
        return FakeProvider(self)


class FakeProvider:
    name = "fake"
    label = "Fake AI"
    paid = False
    model = "fake-model"

    def __init__(self, owner: FakeProviders):
        self.owner = owner

    def test_connection(self):
        self.owner.events.append("test_connection")
        if isinstance(self.owner.check, Exception):
            raise self.owner.check
        return self.owner.check

    def list_models(self):
        self.owner.events.append("list_models")
        if isinstance(self.owner.models, Exception):
            raise self.owner.models
        return self.owner.models


@pytest.fixture
def fake(monkeypatch):
    providers = FakeProviders()
    monkeypatch.setattr("llmsettings.providers.make_provider", providers.make)
    for module in ("llmsettings.connection", "llmsettings.calls"):
        monkeypatch.setattr(f"{module}.release_connection", lambda: providers.events.append("released"))
    return providers


@pytest.fixture
def saved_openai(admin_client, household):
    assert admin_client.post(URL, OPENAI).status_code == 302
    return settings_of(household)


# --- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, TEST_URL, MODELS_URL])
def test_signed_out_visitors_are_sent_to_log_in(client, url):
    for response in (client.get(url), client.post(url, OPENAI)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not ProviderSettings.objects.exists()


@pytest.mark.parametrize("who", ["member_client", "viewer_client"])
@pytest.mark.parametrize("url", [URL, TEST_URL, MODELS_URL])
def test_members_and_viewers_are_refused(request, who, url, fake):
    client = request.getfixturevalue(who)
    assert client.get(url).status_code in (403, 405)
    assert client.post(url, OPENAI).status_code == 403
    assert client.post(url, OPENAI, headers=HTMX).status_code == 403
    assert not ProviderSettings.objects.exists()
    assert fake.made == []


def test_another_household_never_sees_these_settings(saved_openai, other_client, other_household):
    page = other_client.get(URL)
    assert page.status_code == 200
    assert saved_openai.masked_key not in text(page)
    assert "Now: builtin" in text(page)
    assert_no_key(page.content)
    assert not ProviderSettings.objects.filter(household=other_household).exists()


def test_settings_and_members_pages_link_and_tell_the_truth(admin_client, member_client):
    assert URL in admin_client.get(reverse("household_settings")).content.decode()
    assert URL not in member_client.get(reverse("household_settings")).content.decode()
    assert URL in admin_client.get(reverse("more")).content.decode()
    members = admin_client.get(reverse("members"))
    assert "AI provider" in text(members) and URL in members.content.decode()
    assert "settings and keys" not in text(members)


# --- the page -------------------------------------------------------------------------------------


def test_the_page_starts_with_builtin_and_suggests_models(admin_client):
    response = admin_client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'option value="builtin" selected' in page
    assert 'placeholder="http://localhost:11434/v1"' in page
    for provider, names in SUGGESTED_MODELS.items():
        assert f'<datalist id="models-{provider}">' in page
        for name in names:
            assert f'<option value="{name}">' in page
    assert 'list="models-builtin"' in page  # the script switches it as the provider changes
    assert "What is sent" in page
    assert "members' first names" in text(response)
    assert "never anything of another household" in text(response)
    assert 'type="password"' in page
    assert "<script>" not in page.replace('<script src="', "")  # no inline script (CSP)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (OPENAI, {"provider": "openai", "model": "gpt-4o-mini", "base_url": "", "timeout_seconds": 15}),
        (
            {**OPENAI, "provider": "gemini", "model": "gemini-2.5-flash", "use_for_analysis": ""},
            {"provider": "gemini", "model": "gemini-2.5-flash", "use_for_analysis": False},
        ),
        (
            {**COMPATIBLE, "api_key": KEY, "base_url": "http://ollama:11434/v1/"},
            {"provider": "compatible", "base_url": "http://ollama:11434/v1", "use_for_analysis": False},
        ),
        (
            {**OPENAI, "provider": "openai", "base_url": "https://evil.example/v1"},
            {"provider": "openai", "base_url": ""},  # the key goes to OpenAI only
        ),
    ],
    ids=["openai", "gemini", "compatible", "openai-drops-an-address"],
)
def test_admin_saves_each_provider(admin_client, admin_user, household, data, expected):
    response = admin_client.post(URL, data)
    assert response.status_code == 302
    assert response.url == URL
    saved = settings_of(household)
    for name, value in expected.items():
        assert getattr(saved, name) == value, name
    assert crypto.decrypt(saved.api_key_token) == KEY
    assert saved.api_key_last4 == "1a2b"
    assert KEY not in saved.api_key_token
    record = saved.history.get()
    assert record.history_user == admin_user
    page = admin_client.get(URL)
    assert "AI settings saved." in text(page)
    assert "•••• 1a2b" in text(page)
    assert_no_key(page.content)


def test_compatible_without_a_key_and_back_to_builtin(admin_client, household):
    assert admin_client.post(URL, COMPATIBLE).status_code == 302
    saved = settings_of(household)
    assert (saved.provider, saved.has_key, saved.masked_key) == ("compatible", False, "")
    assert admin_client.post(URL, {**COMPATIBLE, "provider": "builtin"}).status_code == 302
    saved.refresh_from_db()
    assert saved.provider == "builtin"
    assert (saved.model, saved.base_url) == ("llama3.2", "http://localhost:11434/v1")  # kept for later
    assert "Now: builtin" in text(admin_client.get(URL))


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**OPENAI, "api_key": ""}, "api_key", "OpenAI needs an API key"),
        ({**OPENAI, "provider": "gemini", "api_key": ""}, "api_key", "Gemini needs an API key"),
        ({**OPENAI, "model": ""}, "model", "Pick or type the model OpenAI should use, like gpt-4o-mini"),
        ({**COMPATIBLE, "model": "  "}, "model", "like llama3.2"),
        (
            {**COMPATIBLE, "base_url": ""},
            "base_url",
            "Give the server's address, like http://localhost:11434/v1",
        ),
        ({**COMPATIBLE, "base_url": "localhost:11434/v1"}, "base_url", "with http:// or https://"),
        ({**COMPATIBLE, "base_url": "ftp://files.example/v1"}, "base_url", "with http:// or https://"),
        ({**COMPATIBLE, "base_url": "javascript:alert(1)"}, "base_url", "with http:// or https://"),
        ({**COMPATIBLE, "base_url": "http://"}, "base_url", "with http:// or https://"),
        ({**COMPATIBLE, "base_url": "http://host:99999/v1"}, "base_url", "with http:// or https://"),
        ({**COMPATIBLE, "base_url": "http://bad_host!/v1"}, "base_url", "with http:// or https://"),
        (
            {**COMPATIBLE, "base_url": "http://me:pw@host/v1"},
            "base_url",
            "Leave the user name and password out",
        ),
        ({**COMPATIBLE, "base_url": "http://host/v1?key=x"}, "base_url", "leave out anything after ?"),
        ({**COMPATIBLE, "base_url": "http://host/ v1"}, "base_url", "a space or an invisible character"),
        ({**COMPATIBLE, "base_url": "http://x/" + "a" * 400}, "base_url", "under 300 characters"),
        ({**OPENAI, "timeout_seconds": "0"}, "timeout_seconds", "from 1 to 60 seconds"),
        ({**OPENAI, "timeout_seconds": "-5"}, "timeout_seconds", "from 1 to 60 seconds"),
        ({**OPENAI, "timeout_seconds": "61"}, "timeout_seconds", "from 1 to 60 seconds"),
        ({**OPENAI, "timeout_seconds": "9" * 30}, "timeout_seconds", "from 1 to 60 seconds"),
        ({**OPENAI, "timeout_seconds": "1e999"}, "timeout_seconds", "from 1 to 60 seconds"),
        ({**OPENAI, "timeout_seconds": ""}, "timeout_seconds", "from 1 to 60 seconds"),
        ({**OPENAI, "model": "<script>alert(1)</script>"}, "model", "letters, digits"),
        ({**OPENAI, "model": "gpt\u202e4o"}, "model", "letters, digits"),
        ({**OPENAI, "model": "gpt\x00"}, "model", "Null characters are not allowed"),
        ({**OPENAI, "model": "x" * 10_000}, "model", "under 120 characters"),
        ({**OPENAI, "api_key": "sk-with a space-12345678"}, "api_key", "no spaces"),
        ({**OPENAI, "api_key": "sk-ключ-12345678"}, "api_key", "no spaces"),
        ({**OPENAI, "api_key": "k" * 10_000}, "api_key", "longer than any API key"),
        ({**OPENAI, "provider": "anthropic"}, "provider", "Pick one of the providers listed"),
        ({**OPENAI, "provider": ""}, "provider", "Pick a provider"),
    ],
)
def test_bad_settings_get_an_error_beside_the_field(admin_client, data, field, words):
    response = admin_client.post(URL, data)
    assert response.status_code == 400
    assert words in error_of(response, field)
    assert not ProviderSettings.objects.exists()
    page = response.content.decode()
    assert_no_key(page, data.get("api_key") or KEY)
    assert 'name="api_key"' in page and re.search(r'name="api_key"[^>]*value=', page) is None
    assert "<script>alert(1)</script>" not in page


def test_typed_values_are_kept_after_an_error_but_never_the_key(admin_client):
    response = admin_client.post(URL, {**OPENAI, "model": "", "timeout_seconds": "33"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'option value="openai" selected' in page
    assert 'value="33"' in page
    assert_no_key(page)


# --- the stored key -------------------------------------------------------------------------------


def test_the_key_is_shown_masked_only(admin_client, saved_openai):
    response = admin_client.get(URL)
    assert "•••• 1a2b" in text(response)
    assert "Replace or remove the key" in text(response)
    assert_no_key(response.content)
    assert saved_openai.api_key_token not in response.content.decode()


def test_an_empty_key_keeps_the_stored_one(admin_client, household, saved_openai):
    token = saved_openai.api_key_token
    response = admin_client.post(URL, {**OPENAI, "api_key": "", "model": "gpt-4.1-mini"})
    assert response.status_code == 302
    saved = settings_of(household)
    assert (saved.model, saved.api_key_token, saved.api_key_last4) == ("gpt-4.1-mini", token, "1a2b")


def test_a_new_key_replaces_the_stored_one(admin_client, household, saved_openai):
    assert admin_client.post(URL, {**OPENAI, "api_key": OTHER_KEY}).status_code == 302
    saved = settings_of(household)
    assert crypto.decrypt(saved.api_key_token) == OTHER_KEY
    assert saved.masked_key == "•••• 9z8y"
    assert saved.history.first().history_change_reason == "Key replaced"
    page = admin_client.get(URL)
    assert "key replaced" in text(page)
    assert_no_key(page.content, KEY, OTHER_KEY)


def test_remove_key(admin_client, household, saved_openai):
    response = admin_client.post(URL, {**COMPATIBLE, "remove_key": "on"})
    assert response.status_code == 302
    saved = settings_of(household)
    assert (saved.api_key_token, saved.api_key_last4, saved.has_key) == ("", "", False)
    assert saved.history.first().history_change_reason == "Key removed"
    # OpenAI cannot do without one.
    response = admin_client.post(URL, {**OPENAI, "api_key": ""})
    assert "OpenAI needs an API key" in error_of(response, "api_key")


def test_a_new_key_and_remove_at_once_is_an_error(admin_client, saved_openai):
    response = admin_client.post(URL, {**OPENAI, "api_key": OTHER_KEY, "remove_key": "on"})
    assert response.status_code == 400
    assert "not both" in error_of(response, "remove_key")
    assert_no_key(response.content, KEY, OTHER_KEY)


def test_a_stored_key_is_only_sent_where_it_was_saved_for(admin_client, household, saved_openai, fake):
    """An admin cannot point the stored OpenAI key at a server of their own to read it there."""
    elsewhere = {**COMPATIBLE, "base_url": "http://attacker.example/v1"}
    for url in (URL, TEST_URL):
        response = admin_client.post(url, elsewhere)
        assert response.status_code == 400
        assert "only ever sent where it was saved for" in error_of(response, "api_key")
    gemini = admin_client.post(URL, {**OPENAI, "provider": "gemini", "api_key": ""})
    assert "type the key for Gemini" in error_of(gemini, "api_key")
    assert fake.made == []
    assert settings_of(household).provider == "openai"
    # Listing a server's models with the stored key elsewhere is refused too.
    listed = admin_client.post(MODELS_URL, elsewhere, headers=HTMX)
    assert "only ever sent where it was saved for" in text(listed)
    assert fake.made == []


def test_the_compatible_key_stays_with_its_address(admin_client, household, fake):
    assert admin_client.post(URL, {**COMPATIBLE, "api_key": KEY}).status_code == 302
    admin_client.post(TEST_URL, {**COMPATIBLE, "base_url": "http://localhost:11434/v1/"})
    assert fake.made[-1]["api_key"] == KEY  # a trailing slash is the same address
    moved = admin_client.post(URL, {**COMPATIBLE, "base_url": "http://192.168.1.20:11434/v1"})
    assert moved.status_code == 400
    retyped = admin_client.post(
        URL, {**COMPATIBLE, "base_url": "http://192.168.1.20:11434/v1", "api_key": KEY}
    )
    assert retyped.status_code == 302
    assert settings_of(household).base_url == "http://192.168.1.20:11434/v1"


def test_a_double_submit_saves_once(admin_client, household):
    for _ in range(2):
        assert admin_client.post(URL, OPENAI).status_code == 302
    assert ProviderSettings.objects.count() == 1
    saved = settings_of(household)
    assert saved.history.count() == 1
    assert admin_client.post(URL, {**OPENAI, "api_key": ""}).status_code == 302
    assert saved.history.count() == 1
    assert admin_client.post(URL, {**OPENAI, "timeout_seconds": "30"}).status_code == 302
    assert saved.history.count() == 2
    changes = text(admin_client.get(URL))
    assert "Recent changes" in changes and "timeout seconds" in changes and "first saved" in changes


# --- test connection ------------------------------------------------------------------------------


def test_connection_ok_with_htmx_is_a_fragment(admin_client, household, fake):
    response = admin_client.post(TEST_URL, OPENAI, headers=HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.strip().startswith('<p class="check-ok">')  # swapped into #connection-result
    assert "<html" not in fragment
    assert "✓ Answered as gpt-4o-mini in 412 ms" in text(response)
    assert fake.made == [
        {"name": "openai", "model": "gpt-4o-mini", "api_key": KEY, "base_url": "", "timeout": 15}
    ]
    assert fake.events == ["released", "test_connection"]  # no connection held while waiting
    assert not ProviderSettings.objects.exists()  # testing saves nothing
    assert_no_key(response.content)


def test_connection_without_javascript_is_the_whole_page(admin_client, fake):
    response = admin_client.post(TEST_URL, {**COMPATIBLE, "model": "qwen2.5:7b"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and 'id="ai-settings-form"' in page
    assert "✓ Answered as gpt-4o-mini in 412 ms" in text(response)
    assert 'value="qwen2.5:7b"' in page  # what was typed is still there
    assert fake.made[0]["base_url"] == "http://localhost:11434/v1"
    assert fake.made[0]["timeout"] == 20


def test_connection_uses_the_stored_key_when_the_field_is_empty(admin_client, saved_openai, fake):
    response = admin_client.post(TEST_URL, {**OPENAI, "api_key": ""}, headers=HTMX)
    assert "✓ Answered as" in text(response)
    assert fake.made[0]["api_key"] == KEY
    assert_no_key(response.content)
    admin_client.post(TEST_URL, {**OPENAI, "api_key": OTHER_KEY}, headers=HTMX)
    assert fake.made[1]["api_key"] == OTHER_KEY  # the key typed, not yet saved
    assert crypto.decrypt(settings_of(saved_openai.household).api_key_token) == KEY


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (
            ConnectionCheck(False, "gpt-4o-mini", 0, "OpenAI refused the key: check it."),
            "✗ OpenAI refused the key",
        ),
        (ProviderError("timeout", "didn't answer within 15 s"), "✗ Fake AI didn't answer within 15 s"),
        (ProviderError("auth", "<b>refused</b> the key"), "✗ Fake AI <b>refused</b> the key"),
        (RuntimeError("a bug in the adapter"), "✗ Fake AI gave an answer Hearth could not use."),
    ],
    ids=["check-failed", "provider-error", "hostile-words", "adapter-bug"],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_failing_connection_says_why_in_plain_words(admin_client, fake, answer, words, htmx):
    fake.check = answer
    response = admin_client.post(TEST_URL, OPENAI, headers=HTMX if htmx else {})
    assert response.status_code == 200
    assert words in text(response)
    assert "<b>refused</b>" not in response.content.decode()  # the provider's words are escaped
    assert "Answered as" not in text(response)


def test_connection_with_a_bad_form_tests_nothing_and_says_what_to_fix(admin_client, fake):
    response = admin_client.post(TEST_URL, {**OPENAI, "model": "", "api_key": ""}, headers=HTMX)
    fragment = text(response)
    assert "Fix these first" in fragment
    assert "OpenAI needs an API key" in fragment and "Pick or type the model" in fragment
    assert fake.made == []
    plain = admin_client.post(TEST_URL, {**OPENAI, "model": ""})
    assert plain.status_code == 400
    assert "Pick or type the model" in error_of(plain, "model")


def test_builtin_needs_no_connection(admin_client, fake):
    fake.check = ConnectionCheck(True, "builtin", 0, "The builtin parser needs no connection.")
    response = admin_client.post(TEST_URL, {"provider": "builtin", "timeout_seconds": "15"}, headers=HTMX)
    assert "✓ The builtin parser needs no connection." in text(response)


def test_an_unreadable_stored_key_asks_for_it_again(admin_client, saved_openai, fake):
    ProviderSettings.objects.filter(pk=saved_openai.pk).update(
        api_key_token=Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    )
    response = admin_client.post(TEST_URL, {**OPENAI, "api_key": ""}, headers=HTMX)
    assert "cannot be read" in text(response) and "type the key again" in text(response)
    assert fake.made == []


# --- a compatible server's models -----------------------------------------------------------------


def test_load_the_servers_models_with_htmx(admin_client, fake):
    response = admin_client.post(MODELS_URL, {**COMPATIBLE, "model": ""}, headers=HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.strip().startswith('<p class="small">')  # swapped into #server-models
    assert "The server offers 2 models" in text(response)
    assert (
        '<datalist id="models-compatible"><option value="llama3.2"></option><option value="qwen2.5:7b">'
        in fragment
    )
    assert fake.events == ["released", "list_models"]


def test_load_the_servers_models_without_javascript(admin_client, fake):
    response = admin_client.post(MODELS_URL, COMPATIBLE)
    page = response.content.decode()
    assert "<html" in page
    assert "The server offers 2 models" in text(response)
    assert '<option value="qwen2.5:7b">' in page


@pytest.mark.parametrize(
    ("models", "words"),
    [
        (
            ProviderError("connection", "could not be reached at localhost:11434"),
            "✗ Fake AI could not be reached",
        ),
        ([], "✗ Fake AI answered, but lists no models."),
        (ValueError("garbage"), "✗ Fake AI gave a model list Hearth could not use."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_load_models_failing_says_why(admin_client, fake, models, words, htmx):
    fake.models = models
    response = admin_client.post(MODELS_URL, COMPATIBLE, headers=HTMX if htmx else {})
    assert response.status_code == 200
    assert words in text(response)


def test_only_a_compatible_server_lists_models(admin_client, fake):
    response = admin_client.post(MODELS_URL, OPENAI, headers=HTMX)
    assert "Only an OpenAI-compatible server lists its models here." in text(response)
    assert fake.made == []
    missing = admin_client.post(MODELS_URL, {**COMPATIBLE, "base_url": ""}, headers=HTMX)
    assert "Fix these first" in text(missing) and "Give the server's address" in text(missing)


# --- the key never leaves in plain text -----------------------------------------------------------


def test_the_key_is_not_in_dumpdata(admin_client, saved_openai):
    out = StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    assert saved_openai.api_key_token in dump  # the token is there: an encrypted backup
    assert_no_key(dump)
    assert_no_key(json.dumps(json.loads(dump)))


def test_the_key_is_not_in_the_logs(admin_client, fake, caplog):
    caplog.set_level(logging.DEBUG)
    admin_client.post(URL, OPENAI)
    admin_client.post(TEST_URL, {**OPENAI, "api_key": ""}, headers=HTMX)
    fake.check = RuntimeError(f"the adapter put {KEY} in its error")
    admin_client.post(TEST_URL, OPENAI)
    admin_client.post(URL, {**OPENAI, "model": ""})
    assert caplog.records  # the logging was captured at all
    assert_no_key(caplog.text)


# --- the operator's admin -------------------------------------------------------------------------


@pytest.fixture
def operator_client(db):
    return client_for(UserFactory(name="Operator", is_staff=True, is_superuser=True))


def test_the_admin_shows_the_masked_key_only(operator_client, saved_openai):
    changelist = operator_client.get(reverse("admin:llmsettings_providersettings_changelist"))
    change = operator_client.get(reverse("admin:llmsettings_providersettings_change", args=[saved_openai.pk]))
    history = operator_client.get(
        reverse("admin:llmsettings_providersettings_history", args=[saved_openai.pk])
    )
    for response in (changelist, change, history):
        assert response.status_code == 200
        assert_no_key(response.content)
        assert saved_openai.api_key_token not in response.content.decode()
    assert "•••• 1a2b" in text(changelist) and "•••• 1a2b" in text(change)
    assert 'name="api_key_token"' not in change.content.decode()


def test_usage_records_and_prices_are_in_the_admin(operator_client):
    for name in ("usagerecord", "modelprice", "parselog"):
        assert operator_client.get(reverse(f"admin:llmsettings_{name}_changelist")).status_code == 200
    assert operator_client.get(reverse("admin:llmsettings_modelprice_add")).status_code == 200
    assert operator_client.get(reverse("admin:llmsettings_usagerecord_add")).status_code == 403


# --- keys at rest: rotation, checks, the development key ------------------------------------------

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_rotate_encryption_keys(household, other_household):
    with override_settings(APP_ENCRYPTION_KEYS=[OLD]):
        for h, key in ((household, KEY), (other_household, OTHER_KEY)):
            ProviderSettings.objects.create(
                household=h, provider=Provider.OPENAI, model="gpt-4o-mini", api_key_token=crypto.encrypt(key)
            )
    old_tokens = set(ProviderSettings.objects.values_list("api_key_token", flat=True))
    with override_settings(APP_ENCRYPTION_KEYS=[NEW, OLD]):
        assert {crypto.decrypt(t) for t in old_tokens} == {KEY, OTHER_KEY}  # old tokens still open
        out = StringIO()
        call_command("rotate_encryption_keys", stdout=out)
        assert "Re-encrypted 2 provider key(s)" in out.getvalue()
    tokens = set(ProviderSettings.objects.values_list("api_key_token", flat=True))
    assert tokens.isdisjoint(old_tokens)
    with override_settings(APP_ENCRYPTION_KEYS=[NEW]):
        assert {crypto.decrypt(t) for t in tokens} == {KEY, OTHER_KEY}
    with override_settings(APP_ENCRYPTION_KEYS=[OLD]), pytest.raises(crypto.InvalidToken):
        crypto.decrypt(tokens.pop())


def test_rotate_refuses_when_a_token_cannot_be_opened(household):
    with override_settings(APP_ENCRYPTION_KEYS=[OLD]):
        ProviderSettings.objects.create(
            household=household, provider="openai", api_key_token=crypto.encrypt(KEY)
        )
    with (
        override_settings(APP_ENCRYPTION_KEYS=[NEW]),
        pytest.raises(Exception, match="No configured key opens"),
    ):
        call_command("rotate_encryption_keys", stdout=StringIO())


@pytest.mark.parametrize(
    ("debug", "keys", "ids"),
    [
        (False, [], ["llmsettings.E001"]),
        (False, [NEW], []),
        (False, [NEW, OLD], []),
        (False, [NEW, "not-a-key"], ["llmsettings.E002"]),
        (True, [], []),
        (True, ["short"], ["llmsettings.E002"]),
    ],
)
def test_the_system_check_of_the_keys(debug, keys, ids):
    with override_settings(DEBUG=debug, APP_ENCRYPTION_KEYS=keys):
        assert [error.id for error in checks.encryption_keys()] == ids


def test_with_debug_and_no_keys_a_development_key_is_made_once(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="llmsettings.crypto")
    with override_settings(DEBUG=True, APP_ENCRYPTION_KEYS=[], DATA_DIR=tmp_path / "data"):
        first = crypto.configured_keys()
        second = crypto.configured_keys()
        token = crypto.encrypt(KEY)
        assert crypto.decrypt(token) == KEY
    files = list((tmp_path / "data").iterdir())
    assert [f.name for f in files] == ["encryption.key"]
    assert first == second == [files[0].read_text().strip()]
    assert files[0].stat().st_mode & 0o777 == 0o600
    warnings = [r for r in caplog.records if "generated a development key" in r.getMessage()]
    assert len(warnings) == 1
    with override_settings(DEBUG=False, APP_ENCRYPTION_KEYS=[]), pytest.raises(RuntimeError):
        crypto.encrypt(KEY)


def test_without_keys_saving_a_key_is_an_error_not_a_crash(admin_client):
    with override_settings(DEBUG=False, APP_ENCRYPTION_KEYS=[]):
        response = admin_client.post(URL, OPENAI)
    assert response.status_code == 400
    assert "APP_ENCRYPTION_KEYS is not set" in error_of(response, "api_key")
    assert not ProviderSettings.objects.exists()
