"""OpenAI, and any server speaking its chat-completions API (Ollama, vLLM, LM Studio, llama.cpp).

Both use the official ``openai`` SDK with its own retries off (``max_retries=0``: retries are
``providers.retry``'s) and the household's timeout per attempt (the SDK's default is 600 s).
Answers are asked for as structured output (``response_format`` ``json_schema``, strict). A
compatible server that rejects that is asked once more in JSON mode (``json_object``), with the
shape spelled out in the prompt, which every prompt does anyway.

How the SDK's failures read (after "OpenAI …" or "The server at localhost:11434 …"):

====================================  ===========  ==============================================
SDK exception                         outcome      reason
====================================  ===========  ==============================================
APITimeoutError                       timeout      didn't answer within 15 s
APIConnectionError (refused, reset)   connection   could not be reached at http://…/v1
AuthenticationError, PermissionDenied auth         refused the API key (401) / (403)
RateLimitError                        rate_limit   is rate-limiting requests (429)
InternalServerError (5xx)             server       had a server error (503)
NotFoundError                         server       does not know the model “…” (404)
other 4xx                             server       rejected the request (400)
finish_reason "length"                bad_output   stopped before finishing its answer …
not JSON / not the API's JSON         bad_output   sent an answer that was not valid JSON / …
====================================  ===========  ==============================================
"""

from __future__ import annotations

import functools

import openai

from llmsettings.providers.base import DEFAULT_TIMEOUT, MAX_OUTPUT_TOKENS, ProviderError, Usage
from llmsettings.providers.llm import Completion, LLMProvider, server_label

OPENAI_BASE_URL = (
    "https://api.openai.com/v1"  # the SDK's own; given explicitly so OPENAI_BASE_URL is not read
)
NO_KEY = "not-needed"  # what a compatible server without keys is sent (the SDK wants some key)

# Model ids of OpenAI's list that are not chat models.
_NOT_CHAT = ("audio", "realtime", "tts", "transcribe", "image", "search", "embedding", "moderation", "dall-e")
_CHAT_PREFIXES = ("gpt-", "o1", "o3", "o4", "chatgpt-")


@functools.lru_cache(maxsize=16)
def _client(api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    """One SDK client per key, address and timeout, shared by the process's calls: making one
    costs ~60 ms (an SSL context), more than a local server takes to answer. Thread-safe."""
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)


def _body_text(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.text
    except Exception:  # a body that can't be read is not worth a second error
        return exc.message or ""


class OpenAIProvider(LLMProvider):
    name = "openai"
    label = "OpenAI"
    paid = True
    default_base_url = OPENAI_BASE_URL
    needs_key = True
    token_cap_param = "max_completion_tokens"  # OpenAI's; max_tokens is deprecated there

    def __init__(self, *, model="", api_key="", base_url="", timeout=DEFAULT_TIMEOUT, sleep=None):
        super().__init__(model=model, api_key=api_key, base_url=base_url, timeout=timeout, sleep=sleep)
        self._client: openai.OpenAI | None = None

    @property
    def client(self) -> openai.OpenAI:
        """The SDK client, made on first use (a missing key or address is a ProviderError then)."""
        if self.needs_key and not self.api_key:
            raise ProviderError("auth", "has no API key: add one in the AI settings", final=True)
        if self._client is None:
            try:
                self._client = _client(self.api_key or NO_KEY, self.where, self.timeout)
            except (openai.OpenAIError, ValueError, TypeError):
                raise ProviderError("connection", f"has an address Hearth can't use: {self.where}") from None
        return self._client

    # ------------------------------------------------------------ the primitives

    def _response_format(self, schema: dict, schema_name: str) -> dict:
        return {"type": "json_schema", "json_schema": {"name": schema_name, "schema": schema, "strict": True}}

    def _complete(self, *, system, user, schema, schema_name) -> Completion:
        return self._chat(system, user, self._response_format(schema, schema_name))

    def _chat(self, system: str, user: str, response_format: dict) -> Completion:
        try:
            completion = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format=response_format,
                **{self.token_cap_param: MAX_OUTPUT_TOKENS},
                **self._extra(),
            )
        except openai.APIError as exc:
            raise self._mapped(exc) from None
        except ValueError:  # JSONDecodeError, UnicodeDecodeError: a body that is not the API's JSON
            raise self.unreadable_error() from None
        usage = Usage()
        if completion.usage is not None:
            usage = Usage(completion.usage.prompt_tokens or 0, completion.usage.completion_tokens or 0)
        choices = completion.choices or []
        if not choices or choices[0].message is None:
            raise ProviderError("bad_output", "sent a response with no answer in it", usage=usage)
        choice = choices[0]
        content = choice.message.content
        if content is None and getattr(choice.message, "refusal", None):
            raise ProviderError(
                "bad_output", "declined to read the message", raw=str(choice.message.refusal), usage=usage
            )
        return Completion(
            text=content or "",
            usage=usage,
            model=completion.model or self.model,
            truncated=choice.finish_reason == "length",
        )

    def _extra(self) -> dict:
        return {}

    def _mapped(self, exc: openai.APIError) -> ProviderError:
        if isinstance(exc, openai.APITimeoutError):
            return self.timeout_error()
        if isinstance(exc, openai.APIConnectionError):
            return self.connection_error()
        if isinstance(exc, openai.APIStatusError):
            return self.status_error(exc.status_code, body=_body_text(exc), headers=exc.response.headers)
        return self.unreadable_error()

    def _list_models(self) -> list[str]:
        try:
            page = self.client.models.list()
            ids = [m.id for m in page.data or [] if getattr(m, "id", None)]
        except openai.APIError as exc:
            raise self._mapped(exc) from None
        except ValueError:
            raise self.unreadable_error() from None
        return self._chat_models(ids)

    @staticmethod
    def _chat_models(ids: list[str]) -> list[str]:
        return [i for i in ids if i.startswith(_CHAT_PREFIXES) and not any(w in i for w in _NOT_CHAT)]


class CompatibleProvider(OpenAIProvider):
    """A server of the household's own (Ollama at http://localhost:11434/v1 …): free, key optional."""

    name = "compatible"
    label = "The OpenAI-compatible server"
    paid = False
    needs_key = False
    token_cap_param = "max_tokens"  # what every compatible server knows

    def __init__(self, *, model="", api_key="", base_url="", timeout=DEFAULT_TIMEOUT, sleep=None):
        super().__init__(model=model, api_key=api_key, base_url=base_url, timeout=timeout, sleep=sleep)
        self.label = server_label(self.base_url, "The OpenAI-compatible server")
        self.json_mode = False  # the server rejected json_schema once: JSON mode from then on

    @property
    def client(self) -> openai.OpenAI:
        if not self.base_url:
            raise ProviderError("connection", "has no address: add one in the AI settings", final=True)
        return super().client

    def _extra(self) -> dict:
        return {"temperature": 0}

    def _complete(self, *, system, user, schema, schema_name) -> Completion:
        if not self.json_mode:
            try:
                return self._chat(system, user, self._response_format(schema, schema_name))
            except ProviderError as error:
                if not _rejects_schema(error):
                    raise
            self.json_mode = True
        return self._chat(system, user, {"type": "json_object"})

    def _chat_models(self, ids: list[str]) -> list[str]:
        return ids


def _rejects_schema(error: ProviderError) -> bool:
    """Whether a server's error says it can't do json_schema output (so JSON mode may work)."""
    if error.outcome != "server":
        return False
    said = error.raw.lower()
    return any(word in said for word in ("response_format", "json_schema", "schema", "structured output"))


__all__ = ["CompatibleProvider", "OpenAIProvider"]
