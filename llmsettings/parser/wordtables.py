"""The keyword tables: which categories a word or phrase points to, read from ``words/*.txt``.

Each file holds one entry a line::

    plumber → Housing
    ~flowers → Gifts
    vet visit → Pets > Health

The phrase, an arrow (`` → `` or ``->``), then the categories it goes to, best first: the first
the household has wins ("Pets > Health": a household with a Pets category gets vet bills there,
others Health). A ``~`` before the phrase marks a weak word, which loses to any ordinary one;
a ``!`` a strong word, which says what the money was for whatever thing it names ("fan repair",
"blouse stitching"). Weights: a weak word 1.0, one word 2.0, a strong word 2.5, a phrase of
several words 3.0. ``#`` starts a comment;
blank lines are skipped. Phrases are normalised as ``categories.norm_phrase`` does, so
"Trader Joe's" and "trader joes" are one phrase.

The tables are checked when read: a phrase listed twice (in one file or across files), listed
with two different categories, a line that is not an entry, or a category missing from
``CATEGORY_NAMES`` raises ValueError naming the file and the line. A category a household may
have is added to ``OPTIONAL_CATEGORY_NAMES`` first, so a misspelt one cannot pass unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from llmsettings.parser.vocabulary import DEFAULT_CATEGORY_NAMES

WORDS_DIR = Path(__file__).with_name("words")

# Categories a household may have made itself; the tables send words to them first when it has.
OPTIONAL_CATEGORY_NAMES: list[str] = [
    "Alcohol",
    "Appliances",
    "Baby",
    "Beauty",
    "Bills",
    "Car",
    "Celebrations",
    "Charity",
    "Childcare",
    "Clothes",
    "Clothing",
    "Coffee",
    "Domestic help",
    "Donations",
    "Drinks",
    "Electronics",
    "EMI",
    "Festivals",
    "Fitness",
    "Fuel",
    "Furniture",
    "Home",
    "Household",
    "Insurance",
    "Investments",
    "Loans",
    "Maintenance",
    "Medical",
    "Milk",
    "Pets",
    "Pharmacy",
    "Renovation",
    "Rent",
    "Repairs",
    "Savings",
    "School",
    "Subscriptions",
    "Taxes",
    "Wedding",
]
CATEGORY_NAMES = frozenset(DEFAULT_CATEGORY_NAMES) | frozenset(OPTIONAL_CATEGORY_NAMES)

WEAK_WEIGHT = 1.0
WORD_WEIGHT = 2.0
STRONG_WEIGHT = 2.5
PHRASE_WEIGHT = 3.0

_ARROW_RE = re.compile(r"\s+(?:→|->)\s+")

Table = dict[str, tuple[float, tuple[str, ...]]]


def _entry(line: str, norm: Callable[[str], str]) -> tuple[str, float, tuple[str, ...]]:
    """One line's phrase, weight and categories; ValueError saying what is wrong with it."""
    parts = _ARROW_RE.split(line)
    if len(parts) != 2:
        raise ValueError("not an entry: want 'phrase → Category > Fallback'")
    left, right = (part.strip() for part in parts)
    weak, strong = left.startswith("~"), left.startswith("!")
    raw = left[1:].strip() if weak or strong else left
    if "," in raw or "~" in raw or "!" in raw:
        raise ValueError(f"one phrase a line, without ',' or a second '~' or '!': {left!r}")
    phrase = norm(raw)
    if not phrase:
        raise ValueError(f"no phrase before the arrow: {left!r}")
    prefs = tuple(" ".join(p.split()) for p in right.split(">"))
    if not all(prefs):
        raise ValueError(f"an empty category in {right!r}")
    if len(set(prefs)) != len(prefs):
        raise ValueError(f"a category named twice in {right!r}")
    unknown = [p for p in prefs if p not in CATEGORY_NAMES]
    if unknown:
        raise ValueError(f"unknown category {unknown[0]!r} (known: wordtables.CATEGORY_NAMES)")
    if weak:
        weight = WEAK_WEIGHT
    elif " " in phrase:
        weight = PHRASE_WEIGHT
    else:
        weight = STRONG_WEIGHT if strong else WORD_WEIGHT
    return phrase, weight, prefs


def load_tables(norm: Callable[[str], str], directory: Path = WORDS_DIR) -> Table:
    """Every ``*.txt`` file of `directory`, in name order, as one table: normalised phrase ->
    (weight, categories best first). `norm` normalises a phrase (categories.norm_phrase)."""
    table: Table = {}
    where: dict[str, str] = {}
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise ValueError(f"no word tables (*.txt) in {directory}")
    for path in files:
        for number, raw_line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw_line.strip()
            if not line or line.startswith("#"):
                continue
            here = f"{path.name}:{number}"
            try:
                phrase, weight, prefs = _entry(line, norm)
            except ValueError as error:
                raise ValueError(f"{here}: {error}") from None
            if phrase in table:
                if table[phrase] == (weight, prefs):
                    raise ValueError(f"{here}: duplicate: {phrase!r} is already listed at {where[phrase]}")
                old_weight, old_prefs = table[phrase]
                raise ValueError(
                    f"{here}: conflict: {phrase!r} → {' > '.join(prefs)}"
                    f"{' (weak)' if weight == WEAK_WEIGHT else ''}, but {where[phrase]} has"
                    f" {' > '.join(old_prefs)}{' (weak)' if old_weight == WEAK_WEIGHT else ''}"
                )
            table[phrase] = (weight, prefs)
            where[phrase] = here
    return table
