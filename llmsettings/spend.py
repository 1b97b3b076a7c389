"""The AI budget's hook: before a paid call its most possible cost is reserved, after it the real
cost settles the reservation.

llmsettings sits below budgets, so budgets registers its guard here (``budgets.ai``, from its
``AppConfig.ready``). With no guard registered nothing limits AI spend.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class SpendRefused(Exception):
    """A reservation that would take a budget past its limit. `reason` is for the member."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Hold:
    """A reservation made by a guard: its id, what it reserved."""

    id: object
    amount: Decimal


class SpendGuard(Protocol):
    def reserve(self, *, household, user, task: str, amount: Decimal) -> Hold:
        """Reserve `amount` against every AI budget on the call's path, atomically, or raise SpendRefused."""

    def settle(self, hold: Hold, *, cost: Decimal, usage_record) -> None:
        """Turn the reservation into the call's real cost (at most what was reserved)."""


_guards: list[SpendGuard] = []


def register(guard: SpendGuard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def guards() -> list[SpendGuard]:
    return list(_guards)
