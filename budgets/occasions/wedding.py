"""The wedding template: 15 category sub-budgets with suggested shares of the occasion's budget.

The shares are whole percentages that add up to exactly 100. Amounts are the total times each
share, in whole currency units, rounded with the largest-remainder method so that they add up to
exactly the total (paise of a total that is not whole go to Miscellaneous).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from django.utils.text import slugify

# (category, share in percent). Together: exactly 100.
WEDDING_TEMPLATE: list[tuple[str, int]] = [
    ("Venue", 20),
    ("Catering", 28),
    ("Photography", 8),
    ("Videography", 5),
    ("Flowers", 4),
    ("Music", 5),
    ("Transport", 3),
    ("Attire", 8),
    ("Rings", 6),
    ("Stationery", 2),
    ("Decorations", 4),
    ("Cake", 2),
    ("Hair and makeup", 2),
    ("Favours", 1),
    ("Miscellaneous", 2),
]

CENT = Decimal("0.01")


def allocate(total: Decimal, shares: list[int]) -> list[Decimal]:
    """Split `total` by `shares` into whole units that add up to exactly `total`.

    Each row first gets the whole part of its exact quota; the units left over go, one each, to
    the rows with the largest remainders (ties: the larger share, then the earlier row). A
    fraction of a unit in `total` is added to the last row.
    """
    total = Decimal(total)
    if total < 0:
        raise ValueError("A budget cannot be negative.")
    weight = sum(shares)
    if weight <= 0 or any(s < 0 for s in shares):
        raise ValueError("Shares must be positive.")
    whole = int(total.to_integral_value(rounding=ROUND_FLOOR))
    quotas = [Fraction(whole * share, weight) for share in shares]
    amounts = [q.numerator // q.denominator for q in quotas]
    left = whole - sum(amounts)
    order = sorted(range(len(shares)), key=lambda i: (-(quotas[i] - amounts[i]), -shares[i], i))
    for i in order[:left]:
        amounts[i] += 1
    result = [Decimal(a).quantize(CENT) for a in amounts]
    result[-1] += (total - whole).quantize(CENT)
    return result


@dataclass(frozen=True)
class TemplateRow:
    category: str
    share: int
    amount: Decimal

    @property
    def key(self) -> str:
        return slugify(self.category).replace("-", "_")


def template_rows(total: Decimal) -> list[TemplateRow]:
    amounts = allocate(total, [share for _, share in WEDDING_TEMPLATE])
    return [
        TemplateRow(name, share, amount)
        for (name, share), amount in zip(WEDDING_TEMPLATE, amounts, strict=True)
    ]
