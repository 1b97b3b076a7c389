"""Bounded retries for provider calls: what is worth trying again, and how long to wait first.

A call is tried again only when trying again can help: a timeout, a refused or dropped
connection, a rate limit (429) or a server error (5xx). A refused key, a bad request, a missing
model or an unusable answer would fail the same way again, so they end the call at once.

Waits grow exponentially with jitter (0.5 s, 1 s, 2 s … each between half and all of that), or
follow the server's ``Retry-After`` (seconds or an HTTP date). No single wait is longer than
``LONGEST_WAIT``: a server asking for more is taken at its word and the call ends, rather than
asking again too early. At most ``MAX_ATTEMPTS`` attempts are made, and a retry starts only when
it can finish (one more timeout) within ``timeout × attempts`` of the first: a call never takes
longer than that, whatever the server does.

The SDKs' own retries are switched off (``max_retries=0`` for openai; google-genai retries only
when asked), so this is the only place a call is repeated.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from llmsettings.providers.base import DEFAULT_TIMEOUT, MAX_ATTEMPTS, ProviderError

RETRIED = frozenset({"timeout", "connection", "rate_limit", "server"})
FIRST_WAIT = 0.5  # seconds before the first retry (before jitter)
LONGEST_WAIT = 8.0  # seconds: no single wait is longer


def retry_after_seconds(value: str | None, *, now: datetime.datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (never negative), or None.

    Both forms of RFC 9110: a number of seconds ("2", also "1.5") or an HTTP date."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    now = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def backoff(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """The jittered wait after failed attempt number `attempt` (1, 2, …), in seconds."""
    ceiling = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (attempt - 1))
    return ceiling / 2 + rand() * ceiling / 2


@dataclass
class Retrying:
    """Runs one attempt after another until one answers or retrying stops making sense."""

    timeout: float = DEFAULT_TIMEOUT  # of one attempt, in seconds
    attempts: int = MAX_ATTEMPTS
    sleep: Callable[[float], object] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = random.random

    def wait_after(self, error: ProviderError, attempt: int) -> float | None:
        """How long to wait before the next attempt, or None when there should be none."""
        if error.outcome not in RETRIED or error.final or attempt >= self.attempts:
            return None
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= LONGEST_WAIT else None
        return backoff(attempt, self.rand)

    def run[T](self, attempt: Callable[[], T]) -> tuple[T, int]:
        """`attempt()`'s value and the number of attempts made; raises the last ProviderError
        (its ``attempts`` set) when none answered."""
        started = self.clock()
        budget = self.timeout * self.attempts
        number = 1
        while True:
            try:
                return attempt(), number
            except ProviderError as error:
                error.attempts = number
                wait = self.wait_after(error, number)
                if wait is None or (self.clock() - started) + wait + self.timeout > budget:
                    raise
            self.sleep(wait)
            number += 1


__all__ = ["LONGEST_WAIT", "RETRIED", "Retrying", "backoff", "retry_after_seconds"]
