"""A provider call made the safe way: budget first, no database connection while waiting, every
call recorded, and every failure turned into the builtin answer with a reason.

Order of one paid call:

1. its most possible cost is reserved against the AI budget (``llmsettings.spend``) — refused
   means no call;
2. the thread's database connection is given back (not inside a transaction), so a provider
   that takes 15 s holds no connection of the pool;
3. the provider is called (timeouts and retries are the provider's: ``providers.retry``);
4. a ``UsageRecord`` is written and the reservation settled to the real cost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from llmsettings import crypto
from llmsettings.models import Provider, ProviderSettings, UsageRecord
from llmsettings.pricing import price_for
from llmsettings.providers import BuiltinProvider, make_provider
from llmsettings.providers.base import ProviderError, Usage
from llmsettings.spend import Hold, SpendRefused, guards

log = logging.getLogger(__name__)


def provider_settings(household) -> ProviderSettings:
    """The household's settings row (unsaved defaults when it has none)."""
    found = ProviderSettings.objects.filter(household=household).first()
    return found or ProviderSettings(household=household)


def provider_for(household, task: str):
    """The provider this household uses for `task`: builtin unless an LLM is chosen for it."""
    chosen = provider_settings(household)
    if not chosen.uses_llm_for(task):
        return BuiltinProvider()
    api_key = ""
    if chosen.api_key_token:
        try:
            api_key = crypto.decrypt(chosen.api_key_token)
        except (crypto.InvalidToken, RuntimeError):
            log.warning("The stored provider key of household %s cannot be decrypted.", household.pk)
            return BuiltinProvider()
    return make_provider(
        chosen.provider,
        model=chosen.model,
        api_key=api_key,
        base_url=chosen.base_url,
        timeout=chosen.timeout_seconds,
    )


@dataclass
class Outcome:
    value: object = None
    error: ProviderError | None = None
    record: UsageRecord | None = None


def release_connection() -> None:
    """Give the thread's connection back to the pool before waiting on the network."""
    if not connection.in_atomic_block:
        connection.close()


def call[T](provider, *, household, user, task: str, prompt: str, run: Callable[[object], T]) -> Outcome:
    """`run(provider)` under the AI budget, recorded. Never raises a provider's failure: the
    outcome carries it, and the caller answers with builtin and `error.reason`."""
    price = price_for(household, provider.name, provider.model)
    holds: list[tuple[object, Hold]] = []
    if provider.paid:
        most = price.most(prompt)
        try:
            for guard in guards():
                holds.append((guard, guard.reserve(household=household, user=user, task=task, amount=most)))
        except SpendRefused as refused:
            for guard, hold in holds:
                guard.settle(hold, cost=Decimal(0), usage_record=None)
            record = UsageRecord.objects.create(
                household=household,
                user=user,
                provider=provider.name,
                model=provider.model,
                task=task,
                outcome=UsageRecord.Outcome.REFUSED,
                error=refused.reason[:300],
            )
            return Outcome(error=ProviderError(UsageRecord.Outcome.REFUSED, refused.reason), record=record)
    release_connection()
    started = time.perf_counter()
    value, error, usage = None, None, Usage()
    try:
        value = run(provider)
        usage = (
            getattr(value, "usage", None) or getattr(getattr(value, "reply", None), "usage", None) or Usage()
        )
    except ProviderError as exc:
        error, usage = exc, exc.usage
    except Exception as exc:  # a provider's bug must not lose the member's message
        # Its type only: an exception's words or traceback may carry the key.
        log.error("Provider %s failed unexpectedly: %s", provider.name, type(exc).__name__)
        error = ProviderError(UsageRecord.Outcome.BAD_OUTPUT, "gave an answer Hearth could not use")
    latency_ms = int((time.perf_counter() - started) * 1000)
    cost = price.cost(usage)
    with transaction.atomic():
        record = UsageRecord.objects.create(
            household=household,
            user=user,
            provider=provider.name,
            model=provider.model,
            task=task,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost=cost,
            latency_ms=latency_ms,
            outcome=error.outcome if error else UsageRecord.Outcome.OK,
            error=(error.reason if error else "")[:300],
        )
        for guard, hold in holds:
            guard.settle(hold, cost=cost, usage_record=record)
    return Outcome(value=value, error=error, record=record)


def fallback_notice(provider, error: ProviderError) -> str:
    """The one line the member reads: "Gemini didn't answer within 15 s — read offline instead."""
    return f"{provider.label} {error.reason} — read offline instead."


__all__ = ["Outcome", "Provider", "call", "fallback_notice", "provider_for", "provider_settings"]
