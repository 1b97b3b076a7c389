"""Parsers behind one interface (``base.Provider``): builtin, OpenAI, Gemini, OpenAI-compatible.

The builtin parser is the default and needs no key and no network; every other provider falls
back to it on any failure (``llmsettings.calls``). Providers never touch the database.
"""

from llmsettings.providers.base import (
    DEFAULT_TIMEOUT,
    Classification,
    ConnectionCheck,
    ParseResult,
    Phrased,
    Provider,
    ProviderError,
    QuestionContext,
    Reply,
    Usage,
)
from llmsettings.providers.builtin import BuiltinProvider
from llmsettings.providers.gemini import GeminiProvider
from llmsettings.providers.openai_compat import CompatibleProvider, OpenAIProvider

PROVIDERS = {
    "builtin": BuiltinProvider,
    "openai": OpenAIProvider,
    "gemini": GeminiProvider,
    "compatible": CompatibleProvider,
}

# A few models to start from per provider; the form also takes any other name, and for a
# compatible server the server's own list (GET /models).
SUGGESTED_MODELS = {
    "openai": ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-5-mini"],
    "gemini": ["gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro"],
    "compatible": ["llama3.2", "qwen2.5:7b", "mistral", "gemma3"],
}


def make_provider(
    name: str, *, model: str = "", api_key: str = "", base_url: str = "", timeout: float = DEFAULT_TIMEOUT
):
    """A provider object for the settings given (builtin for an unknown name)."""
    if name not in PROVIDERS or name == "builtin":
        return BuiltinProvider()
    return PROVIDERS[name](model=model, api_key=api_key, base_url=base_url, timeout=timeout)


__all__ = [
    "PROVIDERS",
    "SUGGESTED_MODELS",
    "BuiltinProvider",
    "Classification",
    "CompatibleProvider",
    "ConnectionCheck",
    "GeminiProvider",
    "OpenAIProvider",
    "ParseResult",
    "Phrased",
    "Provider",
    "ProviderError",
    "QuestionContext",
    "Reply",
    "Usage",
    "make_provider",
]
