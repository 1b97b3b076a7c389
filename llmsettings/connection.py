"""The settings page's two small real calls: test the connection, list a server's models.

Both use the settings as typed (not yet saved) and the stored key only where it may go
(``llmsettings.validation.key_for_call``). The thread's database connection is given back before
the call, so a provider that takes its whole timeout holds no connection of the pool; nothing
here writes, and nothing logs the key.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from llmsettings import crypto, providers
from llmsettings.calls import call, release_connection
from llmsettings.models import Provider, ProviderSettings, Task, UsageRecord
from llmsettings.providers.base import ConnectionCheck, ProviderError
from llmsettings.validation import SettingsData, key_for_call, label_of

log = logging.getLogger(__name__)

MAX_MESSAGE = 300  # characters of a provider's own words shown on the page
MAX_MODELS = 200  # names of a server's models offered in the model list
PING = 'You check a connection. Answer ONLY with the JSON {"ok": true}. ping'  # for the budget's estimate
UNREADABLE_KEY = (
    "The stored key cannot be read with this server's encryption keys (APP_ENCRYPTION_KEYS "
    "changed): type the key again."
)


class KeyUnreadable(Exception):
    pass


@dataclass
class Check:
    """What the page shows after Test connection."""

    ok: bool
    text: str  # "Answered as gpt-4o-mini in 412 ms" or the provider's error in plain words


@dataclass
class ModelList:
    """What the page shows after Load the server's models."""

    models: list[str] = field(default_factory=list)
    error: str = ""


def _provider(stored: ProviderSettings, data: SettingsData):
    key = key_for_call(stored, data)
    if key is None:
        try:
            key = crypto.decrypt(stored.api_key_token)
        except (crypto.InvalidToken, RuntimeError) as exc:
            raise KeyUnreadable from exc
    return providers.make_provider(
        data.provider,
        model=data.model,
        api_key=key,
        base_url=data.destination,
        timeout=data.timeout_seconds,
    )


def _words(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def test_connection(stored: ProviderSettings, data: SettingsData, *, user=None) -> Check:
    """One small real call with the settings as typed, recorded and checked against the AI
    budget like any other call (``llmsettings.calls.call``). Never raises."""
    try:
        provider = _provider(stored, data)
    except KeyUnreadable:
        return Check(ok=False, text=UNREADABLE_KEY)
    label = getattr(provider, "label", "") or label_of(data.provider)
    started = time.perf_counter()
    if data.provider == Provider.BUILTIN:
        result: ConnectionCheck = provider.test_connection()
        return Check(ok=True, text=_words(result.message))
    outcome = call(
        provider,
        household=stored.household,
        user=user,
        task=Task.TEST,
        prompt=PING,
        run=lambda p: p.test_connection(),
    )
    if outcome.error is not None:
        return Check(ok=False, text=_words(f"{label} {outcome.error.reason}."))
    result = outcome.value
    if not result.ok and outcome.record is not None:
        UsageRecord.objects.filter(pk=outcome.record.pk).update(
            outcome=result.outcome
            if result.outcome in UsageRecord.Outcome.values
            else UsageRecord.Outcome.CONNECTION,
            error=_words(result.message)[:300],
        )
    if not result.ok:
        return Check(ok=False, text=_words(result.message or f"{label} did not answer."))
    latency = result.latency_ms or int((time.perf_counter() - started) * 1000)
    return Check(ok=True, text=_words(f"Answered as {result.model or data.model} in {latency} ms"))


def server_models(stored: ProviderSettings, data: SettingsData) -> ModelList:
    """The models a compatible server offers (GET /models), or why they could not be had."""
    try:
        provider = _provider(stored, data)
    except KeyUnreadable:
        return ModelList(error=UNREADABLE_KEY)
    label = getattr(provider, "label", "") or label_of(data.provider)
    release_connection()
    try:
        names = provider.list_models()
    except ProviderError as exc:
        return ModelList(error=_words(f"{label} {exc.reason}"))
    except Exception as exc:
        log.warning("Listing the models of %s failed unexpectedly: %s", data.provider, type(exc).__name__)
        return ModelList(error=_words(f"{label} gave a model list Hearth could not use."))
    models = sorted({_words(name)[:120] for name in names or [] if isinstance(name, str) and name.strip()})
    if not models:
        return ModelList(error=_words(f"{label} answered, but lists no models."))
    return ModelList(models=models[:MAX_MODELS])
