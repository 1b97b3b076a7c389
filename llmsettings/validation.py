"""What a household's AI provider settings must hold, written once for the form and the service.

The rules of a stored key live here too: a key is never shown again once saved, so it is only
ever sent where it was saved for — the same provider and, for a compatible server, the same
address. Changing either needs the key typed again (or, for a server that needs none, the stored
key removed): otherwise an admin could point the household's stored OpenAI key at a server of
their own and read it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from llmsettings.models import Provider, ProviderSettings
from llmsettings.providers.base import DEFAULT_TIMEOUT

MIN_TIMEOUT, MAX_TIMEOUT = 1, 60
MAX_MODEL, MAX_BASE_URL, MAX_KEY = 120, 300, 500
# Shorter keys (a local server's "ollama") keep no last four: they would show most of the key.
LAST4_FROM_LENGTH = 12
BASE_URL_PLACEHOLDER = "http://localhost:11434/v1"
KEYED = (Provider.OPENAI, Provider.GEMINI)  # the providers that refuse a call without a key
MODEL_EXAMPLE = {
    Provider.OPENAI: "gpt-4o-mini",
    Provider.GEMINI: "gemini-2.5-flash",
    Provider.COMPATIBLE: "llama3.2",
}

# Model names: "gpt-4o-mini", "qwen2.5:7b", "meta-llama/Llama-3.1-8B-Instruct", "hf.co/x/y:Q4_K_M".
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*")
HOST_NAME = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?"
)
KEY_TEXT = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces


@dataclass(frozen=True)
class SettingsData:
    """The settings as typed. `api_key` is a new key ("" keeps the stored one)."""

    provider: str = Provider.BUILTIN
    model: str = ""
    base_url: str = ""
    api_key: str = ""
    remove_key: bool = False
    use_for_chat: bool = True
    use_for_analysis: bool = True
    timeout_seconds: int = DEFAULT_TIMEOUT

    @property
    def destination(self) -> str:
        """Where a call goes: only a compatible server has an address of its own."""
        return normalized_url(self.base_url) if self.provider == Provider.COMPATIBLE else ""


def normalized_url(value: str) -> str:
    return value.strip().rstrip("/")


def label_of(provider: str) -> str:
    """The provider's name in the middle of a sentence."""
    return {
        Provider.OPENAI: "OpenAI",
        Provider.GEMINI: "Gemini",
        Provider.COMPATIBLE: "the server",
        Provider.BUILTIN: "the builtin parser",
    }.get(provider, "the provider")


def base_url_problem(value: str) -> str:
    """What is wrong with a server address, or "". Host names without a dot (a container called
    "ollama") are fine; only http and https, and no user name or password in the address."""
    if not value:
        return ""
    if len(value) > MAX_BASE_URL:
        return f"Keep the address under {MAX_BASE_URL} characters."
    example = f"Give the server's address with http:// or https://, like {BASE_URL_PLACEHOLDER}."
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return "The address has a space or an invisible character in it. " + example
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return example
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return example
    if parts.username is not None or parts.password is not None:
        return "Leave the user name and password out of the address: put the key in the API key field."
    host = parts.hostname
    if not (HOST_NAME.fullmatch(host) or _is_ip6(host)) or port == 0:
        return example
    if parts.query or parts.fragment:
        return "The address ends at its path (like /v1): leave out anything after ? or #."
    return ""


def _is_ip6(host: str) -> bool:
    return ":" in host and re.fullmatch(r"[0-9A-Fa-f:.]+", host) is not None


def model_problem(value: str) -> str:
    if not value:
        return ""
    if len(value) > MAX_MODEL:
        return f"Keep the model name under {MAX_MODEL} characters."
    if not MODEL_NAME.fullmatch(value):
        return (
            "A model name has letters, digits and . _ : / @ + - only, no spaces, "
            "like gpt-4o-mini or qwen2.5:7b."
        )
    return ""


def api_key_problem(value: str) -> str:
    if not value:
        return ""
    if len(value) > MAX_KEY:
        return f"That is longer than any API key ({MAX_KEY} characters at most): paste the key alone."
    if not KEY_TEXT.fullmatch(value):
        return "An API key has no spaces and only plain letters, digits and punctuation: paste it again."
    return ""


def last_four(key: str) -> str:
    return key[-4:] if len(key) >= LAST4_FROM_LENGTH else ""


def stored_key_fits(stored: ProviderSettings, data: SettingsData) -> bool:
    """Whether the stored key may go where `data` would send it: saved for the same provider and,
    for a compatible server, the same address."""
    if not stored.has_key:
        return False
    return stored.provider == data.provider and (
        data.provider != Provider.COMPATIBLE or normalized_url(stored.base_url) == data.destination
    )


def settings_problems(
    stored: ProviderSettings, data: SettingsData, *, need_model: bool = True
) -> dict[str, str]:
    """Field name → what is wrong, for settings about to replace `stored` (empty when fine).
    `need_model=False` is for listing a server's models, which is how one picks a model."""
    problems: dict[str, str] = {}
    if data.provider not in Provider.values:
        problems["provider"] = "Pick one of the providers listed."
    if not MIN_TIMEOUT <= data.timeout_seconds <= MAX_TIMEOUT:
        problems["timeout_seconds"] = f"Give a timeout from {MIN_TIMEOUT} to {MAX_TIMEOUT} seconds."
    for name, check in (
        ("model", model_problem),
        ("base_url", base_url_problem),
        ("api_key", api_key_problem),
    ):
        if problem := check(getattr(data, name)):
            problems[name] = problem
    if data.provider not in (Provider.OPENAI, Provider.GEMINI, Provider.COMPATIBLE):
        return problems
    label = label_of(data.provider)
    if need_model and not data.model:
        problems.setdefault(
            "model", f"Pick or type the model {label} should use, like {MODEL_EXAMPLE[data.provider]}."
        )
    if data.provider == Provider.COMPATIBLE and not data.base_url:
        problems.setdefault("base_url", f"Give the server's address, like {BASE_URL_PLACEHOLDER}.")
    if data.api_key and data.remove_key:
        problems["remove_key"] = "Either type a new key or remove the stored one, not both."
    elif not data.api_key and stored.has_key and not data.remove_key and not stored_key_fits(stored, data):
        where = "that server" if stored.provider == Provider.COMPATIBLE else label_of(stored.provider)
        message = (
            f"The stored key ({stored.masked_key.strip()}) was saved for {where}, and a stored key is only "
            f"ever sent where it was saved for: type the key for {label_of(data.provider)} here"
        )
        if data.provider in KEYED:
            problems.setdefault("api_key", message + ".")
        else:
            problems.setdefault("api_key", message + ", or tick “Remove the stored key” if it needs none.")
    elif data.provider in KEYED and not data.api_key and (data.remove_key or not stored.has_key):
        problems.setdefault("api_key", f"{label_of(data.provider)} needs an API key: paste it here.")
    return problems


def key_for_call(stored: ProviderSettings, data: SettingsData) -> str | None:
    """The key a call with `data` should carry: the new one, "" for none, or None for "the stored
    one" (decrypted by the caller, only when it fits)."""
    if data.api_key:
        return data.api_key
    if data.remove_key or not stored_key_fits(stored, data):
        return ""
    return None
