"""Reading a chat message with the household's provider, builtin when it has none or it fails."""

from __future__ import annotations

import json

from llmsettings.calls import call, fallback_notice, provider_for
from llmsettings.models import Task
from llmsettings.parser import ParseContext
from llmsettings.providers import BuiltinProvider, ParseResult
from llmsettings.providers.llm import LLMProvider

RAW_KEPT = 20_000  # characters of a provider's unusable answer kept in ParseLog
FRAMING = "x" * 2000  # room for the instructions around a message, in an estimate


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
