"""Gemini, through the ``google-genai`` SDK.

The client is kept (``self._client``, made by a small per-process cache keyed by key, address
and timeout): the SDK closes its HTTP client when the ``Client`` object goes away. The timeout
is the SDK's ``HttpOptions(timeout=<ms>)``; it retries nothing unless asked, so
``providers.retry`` is the only retrying. Answers are asked for
as JSON of the expenses schema (``response_mime_type="application/json"`` and
``response_schema``), less ``additionalProperties``, which Gemini's schema does not have.

Failures: ``google.genai.errors.APIError`` carries the HTTP code (401/403 and a 400 saying
API_KEY_INVALID → auth, 429 → rate_limit, honouring a Retry-After header or the body's
RetryInfo, 5xx → server, 404 → server, other 4xx → server); the transport (httpx2) raises
``TimeoutException`` (timeout) and ``TransportError`` (connection: refused, reset, closed);
finish reason MAX_TOKENS → bad_output, as are a blocked prompt and an answer that is not JSON.
"""

from __future__ import annotations

import functools
import json

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from llmsettings.providers.base import DEFAULT_TIMEOUT, MAX_OUTPUT_TOKENS, ProviderError, Usage
from llmsettings.providers.llm import Completion, LLMProvider

GEMINI_BASE_URL = "https://generativelanguage.googleapis.com"  # the SDK's default, named in errors
MAX_MODELS = 500


@functools.lru_cache(maxsize=16)
def _client(api_key: str, base_url: str, timeout_ms: int) -> genai.Client:
    """One SDK client per key, address and timeout, kept for the process's calls (making one costs
    ~70 ms, and the SDK closes its HTTP client when the Client goes away)."""
    options = types.HttpOptions(base_url=base_url or None, timeout=timeout_ms)
    return genai.Client(api_key=api_key, vertexai=False, http_options=options)


def gemini_schema(schema):
    """The JSON schema as Gemini's ``response_schema`` takes it: without additionalProperties."""
    if isinstance(schema, dict):
        return {k: gemini_schema(v) for k, v in schema.items() if k != "additionalProperties"}
    if isinstance(schema, list):
        return [gemini_schema(v) for v in schema]
    return schema


def _details(exc: genai_errors.APIError) -> str:
    try:
        return json.dumps(exc.details, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(exc.message or "")


def _word(value) -> str:
    """An SDK enum's value ("SAFETY"), not its repr."""
    return str(getattr(value, "value", value))


def _headers(exc: genai_errors.APIError):
    return getattr(getattr(exc, "response", None), "headers", None)


class GeminiProvider(LLMProvider):
    name = "gemini"
    label = "Gemini"
    paid = True
    default_base_url = GEMINI_BASE_URL

    def __init__(self, *, model="", api_key="", base_url="", timeout=DEFAULT_TIMEOUT, sleep=None):
        super().__init__(model=model, api_key=api_key, base_url=base_url, timeout=timeout, sleep=sleep)
        self._client: genai.Client | None = None

    @property
    def client(self) -> genai.Client:
        """The SDK client, made on first use and kept."""
        if not self.api_key:
            raise ProviderError("auth", "has no API key: add one in the AI settings", final=True)
        if self._client is None:
            try:
                self._client = _client(self.api_key, self.base_url, int(self.timeout * 1000))
            except (ValueError, TypeError):
                raise ProviderError("connection", f"has an address Hearth can't use: {self.where}") from None
        return self._client

    def _mapped(self, exc: Exception) -> ProviderError:
        if isinstance(exc, genai_errors.APIError):
            return self.status_error(int(exc.code or 0), body=_details(exc), headers=_headers(exc))
        if isinstance(exc, httpx2.TimeoutException):
            return self.timeout_error()
        if isinstance(exc, httpx2.TransportError):
            return self.connection_error()
        return self.unreadable_error()

    def _complete(self, *, system, user, schema, schema_name) -> Completion:
        config = types.GenerateContentConfig(
            system_instruction=system,
            response_mime_type="application/json",
            response_schema=gemini_schema(schema),
            max_output_tokens=MAX_OUTPUT_TOKENS,
            temperature=0,
            candidate_count=1,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )
        try:
            response = self.client.models.generate_content(model=self.model, contents=user, config=config)
        except (genai_errors.APIError, httpx2.HTTPError) as exc:
            raise self._mapped(exc) from None
        except ValueError:  # a body that is not the API's JSON
            raise self.unreadable_error() from None
        meta = response.usage_metadata
        usage = Usage()
        if meta is not None:
            usage = Usage(
                meta.prompt_token_count or 0,
                (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0),
            )
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason:
            raise ProviderError(
                "bad_output", f"declined to read the message ({_word(feedback.block_reason)})", usage=usage
            )
        if not response.candidates:
            raise ProviderError("bad_output", "sent a response with no answer in it", usage=usage)
        finish = response.candidates[0].finish_reason
        text = response.text or ""
        if finish not in (None, types.FinishReason.STOP, types.FinishReason.MAX_TOKENS) and not text:
            raise ProviderError("bad_output", f"stopped without answering ({_word(finish)})", usage=usage)
        return Completion(
            text=text,
            usage=usage,
            model=response.model_version or self.model,
            truncated=finish == types.FinishReason.MAX_TOKENS,
        )

    def _list_models(self) -> list[str]:
        names = []
        try:
            for model in self.client.models.list():
                actions = model.supported_actions
                if model.name and (not actions or "generateContent" in actions):
                    names.append(model.name.removeprefix("models/"))
                if len(names) >= MAX_MODELS:
                    break
        except (genai_errors.APIError, httpx2.HTTPError) as exc:
            raise self._mapped(exc) from None
        except ValueError:
            raise self.unreadable_error() from None
        return names


__all__ = ["GeminiProvider", "gemini_schema"]
