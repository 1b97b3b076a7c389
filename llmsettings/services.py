"""Reading a chat message with the household's provider, builtin when it has none or it fails;
saving the household's provider settings; the household's own model prices."""

from __future__ import annotations

import json
from decimal import Context, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from households.access import ADMIN_ONLY
from households.models import Household, Membership, Role, User
from llmsettings import crypto
from llmsettings.calls import call, fallback_notice, provider_for
from llmsettings.models import ModelPrice, Provider, ProviderSettings, Task
from llmsettings.parser import ParseContext
from llmsettings.providers import BuiltinProvider, ParseResult
from llmsettings.providers.llm import LLMProvider
from llmsettings.validation import SettingsData, last_four, settings_problems

RAW_KEPT = 20_000  # characters of a provider's unusable answer kept in ParseLog
FRAMING = "x" * 2000  # room for the instructions around a message, in an estimate
PRICED_PROVIDERS = (Provider.OPENAI, Provider.GEMINI, Provider.COMPATIBLE)  # builtin is always free
_WIDE = Context(prec=60)


def _prompt_size_text(provider, text: str, context: ParseContext) -> str:
    """What the chat prompt sends, for the budget's most-possible-cost estimate (a provider that
    is not an LLMProvider, in tests, is estimated from the message and the names)."""
    if isinstance(provider, LLMProvider):
        return provider.expenses_prompt(context) + provider.message_content(text)
    return FRAMING + json.dumps(
        {"text": text, "members": list(context.members), "categories": list(context.categories)},
        ensure_ascii=False,
    )


def parse_message(*, household, user, text: str, context: ParseContext) -> ParseResult:
    """The message read into items by the provider chosen for chat, or by builtin with the reason.

    Never raises for anything a provider does: a timeout, a refused key, a rate limit, a server
    error, garbage, an answer for another household, or the AI budget's refusal all come back as
    builtin's reading with a one-line `notice` and the provider's raw output and error kept.
    """
    provider = provider_for(household, Task.CHAT)
    if isinstance(provider, BuiltinProvider):
        return provider.parse_expenses(text, context)
    outcome = call(
        provider,
        household=household,
        user=user,
        task=Task.CHAT,
        prompt=_prompt_size_text(provider, text, context),
        run=lambda p: p.parse_expenses(text, context),
    )
    if outcome.error is None:
        return outcome.value
    result = BuiltinProvider().parse_expenses(text, context)
    result.notice = fallback_notice(provider, outcome.error)
    result.error = f"{provider.name} {outcome.error.outcome}: {outcome.error.reason}"
    result.raw_output = {"provider": outcome.error.raw[:RAW_KEPT], "builtin": result.raw_output}
    return result


SETTINGS_FIELDS = ("provider", "model", "base_url", "use_for_chat", "use_for_analysis", "timeout_seconds")


def _same_key(stored: ProviderSettings, key: str) -> bool:
    try:
        return stored.has_key and crypto.decrypt(stored.api_key_token) == key
    except (crypto.InvalidToken, RuntimeError):
        return False


@transaction.atomic
def provider_settings_save(*, household: Household, user: User, data: SettingsData) -> ProviderSettings:
    """Save the household's provider settings; only an admin may.

    An empty `data.api_key` keeps the stored key (where it may still be sent, see
    ``llmsettings.validation``); a new one is stored encrypted with its last four characters;
    `remove_key` drops it. Settings equal to the stored ones save nothing, so a double submit
    leaves one row and one history entry. A provider other than a compatible server keeps no
    address (the SDKs would send the key there). Nothing is published: no screen shows these
    settings live, and each chat message or question reads them afresh.
    """
    if not Membership.objects.filter(household=household, user=user, role=Role.ADMIN).exists():
        raise PermissionDenied(ADMIN_ONLY)
    # One save at a time per household: two first saves at once would both try to create the row.
    list(Household.objects.select_for_update().filter(pk=household.pk).values_list("pk", flat=True))
    stored = ProviderSettings.objects.filter(household=household).first() or ProviderSettings(
        household=household
    )
    problems = settings_problems(stored, data)
    if problems:
        raise ValidationError(problems)
    values = {name: getattr(data, name) for name in SETTINGS_FIELDS}
    values["base_url"] = data.destination if data.provider == Provider.COMPATIBLE else ""
    if data.provider == Provider.BUILTIN:
        # Builtin uses none of these: keep them as they were for a switch back.
        values.update(model=stored.model, base_url=stored.base_url, timeout_seconds=stored.timeout_seconds)
    token, last4, reason = stored.api_key_token, stored.api_key_last4, ""
    if data.remove_key and stored.has_key:
        token, last4, reason = "", "", "Key removed"
    elif data.api_key and data.provider != Provider.BUILTIN and not _same_key(stored, data.api_key):
        try:
            token = crypto.encrypt(data.api_key)
        except RuntimeError as exc:
            raise ValidationError(
                {
                    "api_key": "This server cannot store keys yet: APP_ENCRYPTION_KEYS is not set. "
                    "Ask the person who runs Hearth to set it."
                }
            ) from exc
        last4, reason = last_four(data.api_key), "Key replaced" if stored.has_key else "Key added"
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    if stored.pk is not None and not changed and token == stored.api_key_token:
        return stored
    for name, value in values.items():
        setattr(stored, name, value)
    stored.api_key_token, stored.api_key_last4 = token, last4
    # base_url is checked by settings_problems, which (unlike URLField) takes a host without a
    # dot, like a container called "ollama".
    stored.full_clean(exclude=["base_url"])
    stored._history_user = user
    stored._change_reason = reason or None
    stored.save()
    return stored


# ---------------------------------------------------------------- the price table

PRICE_PLACES = Decimal("0.0001")
PRICE_MAX = Decimal("99999999.9999")  # what the price columns hold (12 digits, 4 after the point)
PRICE_MESSAGES = {
    "invalid": "Write the price as a number, like 0.15 (0 for a model that costs nothing).",
    "negative": "A price must be zero or more: write 0 for a model that costs nothing, like a local server.",
    "too_large": "That price is too large: the most is 99,999,999.9999 per million tokens.",
    "too_precise": "Give the price with at most 4 decimal places.",
}


def price_problem(value) -> str | None:
    """What is wrong with a price per million tokens (a Decimal), or None."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return PRICE_MESSAGES["invalid"]
    if value < 0:
        return PRICE_MESSAGES["negative"]
    if value > PRICE_MAX:
        return PRICE_MESSAGES["too_large"]
    if value.quantize(PRICE_PLACES, context=_WIDE) != value:
        return PRICE_MESSAGES["too_precise"]
    return None


@transaction.atomic
def model_price_set(
    *,
    household,
    user,
    provider: str,
    model: str,
    input_per_million: Decimal,
    output_per_million: Decimal,
) -> ModelPrice:
    """The household's own price for a model (replacing the default, or its earlier price)."""
    model = " ".join(str(model or "").split())
    errors = {}
    if provider not in PRICED_PROVIDERS:
        errors["provider"] = "Choose OpenAI, Gemini or an OpenAI-compatible server."
    if not model:
        errors["model"] = "Name the model, as the provider spells it (gpt-4o-mini)."
    elif len(model) > ModelPrice._meta.get_field("model").max_length:
        errors["model"] = "A model name has at most 120 characters."
    for name, value in (("input_per_million", input_per_million), ("output_per_million", output_per_million)):
        if problem := price_problem(value):
            errors[name] = problem
    if errors:
        raise ValidationError(errors)
    values = {
        "input_per_million": input_per_million.quantize(PRICE_PLACES),
        "output_per_million": output_per_million.quantize(PRICE_PLACES),
    }
    found = ModelPrice.objects.select_for_update().filter(household=household, provider=provider, model=model)
    price = found.first()
    if price is None:
        price = ModelPrice(household=household, provider=provider, model=model, **values)
        price._history_user = user
        try:
            with transaction.atomic():  # another admin may be pricing the same model at this moment
                price.save()
            return price
        except IntegrityError:
            price = found.get()
    for name, value in values.items():
        setattr(price, name, value)
    price._history_user = user
    price.save()
    return price


@transaction.atomic
def model_price_delete(*, household, user, price: ModelPrice) -> None:
    """Back to the default price for this model."""
    price = ModelPrice.objects.select_for_update().get(pk=price.pk, household=household)
    price._history_user = user
    price.delete()
