"""What every provider offers, and what a call to one can end in.

A provider is plain Python over the network: it never touches the database, so it can be called
with no connection held (see ``llmsettings.calls``). Whatever goes wrong becomes a
``ProviderError`` with an outcome (a ``UsageRecord.Outcome`` value) and a reason in plain words;
nothing else escapes a provider.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Protocol

from llmsettings.parser import ParseContext, ParsedItem

DEFAULT_TIMEOUT = 15  # seconds, per attempt
MAX_OUTPUT_TOKENS = 1024  # the token cap of one call
MAX_ATTEMPTS = 3  # one call and at most two retries (429, 5xx, timeouts)


class ProviderError(Exception):
    """A call that gave no usable answer. `reason` completes "<Provider> …" for the member."""

    def __init__(
        self,
        outcome: str,
        reason: str,
        *,
        raw: str = "",
        usage: Usage | None = None,
        retry_after: float | None = None,
        final: bool = False,
    ):
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason
        self.raw = raw
        self.usage = usage or Usage()
        self.retry_after = retry_after  # seconds the server asked to wait (Retry-After), if it did
        self.final = final  # trying again cannot help (a 400, 404, no quota left …), whatever the outcome
        self.attempts = 1  # how many calls were made before giving up (``providers.retry``)


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass
class Reply:
    """One answered call: the JSON it returned, as text and parsed, and what it used."""

    data: dict
    raw: str
    usage: Usage
    model: str
    latency_ms: int
    attempts: int = 1


@dataclass
class ParseResult:
    items: list[ParsedItem]
    provider: str
    raw_output: list | dict = field(default_factory=list)
    notice: str = (
        ""  # one line for the member, e.g. "Gemini didn't answer within 15 s — read offline instead."
    )
    model: str = ""
    usage: Usage = field(default_factory=Usage)
    error: str = ""


@dataclass
class QuestionContext:
    """What a provider is told to classify an analysis question: names only, never rows."""

    today: datetime.date
    speaker: str
    members: list[str]
    categories: list[str]
    occasions: list[str]
    currency: str
    intents: dict[str, dict]  # intent name → {"description": …, "params": {name: description}}


@dataclass
class Classification:
    """A provider's reading of a question: an intent name and raw parameters, validated later."""

    intent: str
    params: dict
    reply: Reply | None = None


@dataclass
class Phrased:
    """An answer put in the provider's words (checked against the selector's figures later)."""

    text: str
    reply: Reply | None = None


@dataclass
class ConnectionCheck:
    ok: bool
    model: str
    latency_ms: int
    message: str  # "Answered as gpt-4o-mini in 412 ms" or the provider's error in plain words
    usage: Usage = field(default_factory=Usage)
    outcome: str = "ok"  # a UsageRecord.Outcome value: why it failed


class Provider(Protocol):
    name: str  # a Provider value: "builtin", "openai", "gemini", "compatible"
    label: str  # for the member: "OpenAI", "Gemini", "Ollama at localhost:11434"
    paid: bool  # whether a call costs money (checked against the AI budget first)
    model: str

    def parse_expenses(self, text: str, context: ParseContext) -> ParseResult: ...

    def classify_question(self, text: str, context: QuestionContext) -> Classification: ...

    def phrase_answer(self, answer: str, figures: list[str], context: QuestionContext) -> Phrased: ...

    def test_connection(self) -> ConnectionCheck: ...

    def list_models(self) -> list[str]: ...
