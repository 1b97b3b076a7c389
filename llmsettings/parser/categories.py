"""Categories: which of the household's categories some words point to.

A household's own category names count most; then the keyword table (vocabulary.KEYWORD_TABLE),
whose headers name the categories a keyword goes to, best first, of which the first the household
has wins.
"""

from __future__ import annotations

from llmsettings.parser.text import TOKEN_RE
from llmsettings.parser.vocabulary import LOCATION_PREPS
from llmsettings.parser.wordtables import load_tables

# Where money was spent counts less than what on ("sandwich at the airport"); whom it was given
# to does not ("gave 1,000 to the carpenter").
PLACE_PREPS = LOCATION_PREPS - {"to"}

# A word the household taught by correcting a draft counts above everything else.
LEARNED_WEIGHT = 8.0
# How much a household's category name counts when a message names it.
DEFAULT_NAME_WEIGHTS = {"shopping": 1.0, "other": 1.0}
CUSTOM_NAME_WEIGHT = 5.0
DEFAULT_NAME_WEIGHT = 3.0


def norm_phrase(text: str) -> str:
    return " ".join(TOKEN_RE.findall(text.lower().replace("'", "")))


def build_table(source: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    """The keyword table from its text: phrase -> (weight, categories best first)."""
    table: dict[str, tuple[float, tuple[str, ...]]] = {}
    prefs: tuple[str, ...] = ("Other",)
    for raw_line in source.strip().splitlines():
        line = raw_line.strip()
        if line.startswith("[") and line.endswith("]"):
            prefs = tuple(p.strip() for p in line[1:-1].split(">"))
            continue
        for raw in line.split(","):
            entry = raw.strip()
            if not entry:
                continue
            weak = entry.startswith("~")
            phrase = norm_phrase(entry.lstrip("~"))
            if phrase in table:
                raise ValueError(f"keyword {phrase!r} is listed twice")
            if not phrase:
                continue
            weight = 1.0 if weak else (3.0 if " " in phrase else 2.0)
            table[phrase] = (weight, prefs)
    return table


TABLE = load_tables(norm_phrase)
TABLE_MAX_WORDS = max(p.count(" ") + 1 for p in TABLE)


# Typing slips: a word of the table mistyped by one letter ("vegitables", "electrcity", "shoping")
# still counts, a little less than the word itself. A word of 5 letters matches only a table word
# with one more letter; longer words any word one edit away (a letter changed, added or dropped).
SLIP_MIN_LETTERS = 5
SLIP_PENALTY = 0.5


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _slip_index(table) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for phrase in table:
        if " " in phrase or len(phrase) < SLIP_MIN_LETTERS or not phrase.isalpha():
            continue
        for variant in {phrase, *_deletes(phrase)}:
            index.setdefault(variant, set()).add(phrase)
    return {variant: frozenset(words) for variant, words in index.items()}


SLIPS = _slip_index(TABLE)


def _one_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter changed, added or dropped (two shared deletes may be
    two edits apart: "dandiya" and "dhaniya")."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def slip_of(word: str) -> str | None:
    """The one table word `word` is a slip of, or None (none, or several that disagree)."""
    if len(word) < SLIP_MIN_LETTERS or not word.isalpha() or word in TABLE:
        return None
    found = set(SLIPS.get(word, ()))  # a letter dropped: "piza" of "pizza"
    if len(word) > SLIP_MIN_LETTERS:
        for variant in _deletes(word):  # a letter added ("petroll") or changed ("vegitables")
            found |= {w for w in SLIPS.get(variant, ()) if abs(len(w) - len(word)) <= 1}
    found = {w for w in found if w[0] == word[0] and _one_edit(w, word)}  # rarely the first letter
    if len({TABLE[w][1] for w in found}) != 1:
        return None
    return min(found)


def keyword_table() -> dict[str, tuple[float, tuple[str, ...]]]:
    """The keyword table: normalised phrase -> (weight, categories best first)."""
    return dict(TABLE)


def singulars(token: str) -> list[str]:
    """What a plural word may be the plural of: "berries" -> berry, berri, berrie."""
    out = []
    if len(token) > 3 and token.endswith("ies"):
        out.append(token[:-3] + "y")
    if len(token) > 3 and token.endswith("es"):
        out.append(token[:-2])
    if len(token) > 2 and token.endswith("s") and not token.endswith("ss"):
        out.append(token[:-1])
    return out


def _learned_hit(words: list[str], learned: dict[str, str]) -> str | None:
    """The category the household taught for these words, their last one folded to a singular
    if need be ("milk cans" finds "milk can")."""
    for candidate in (words, *([*words[:-1], singular] for singular in singulars(words[-1]))):
        category = learned.get(" ".join(candidate))
        if category is not None:
            return category
    return None


def learned_in(text: str, home) -> str | None:
    """The category of the longest learned phrase in `text` (the earliest of equals), or None."""
    tokens = TOKEN_RE.findall(text.lower().replace("'", ""))
    best: tuple[int, int, str] | None = None
    for i in range(len(tokens)):
        for n in range(min(home.learned_max_words, len(tokens) - i), 0, -1):
            category = _learned_hit(tokens[i : i + n], home.learned)
            if category is not None and (best is None or n > best[0]):
                best = (n, i, category)
    return best[2] if best else None


def best_category(text: str, home) -> tuple[str, float] | None:
    """The best category for some words, with its weight, or None when no word points to one.
    `home` is the household as household.prepare() gives it."""
    tokens = TOKEN_RE.findall(text.lower().replace("'", ""))
    if not tokens:
        return None
    best: tuple[float, int, str] | None = None

    def consider(weight: float, position: int, category: str) -> None:
        nonlocal best
        if position > 0 and (
            tokens[position - 1] in PLACE_PREPS
            or (position > 1 and tokens[position - 1] in ("the", "a") and tokens[position - 2] in PLACE_PREPS)
        ):
            weight = max(0.5, weight - 1.5)
        if best is None or weight > best[0] or (weight == best[0] and position < best[1]):
            best = (weight, position, category)

    table, extra, names, learned = TABLE, home.currency_keywords, home.names, home.learned
    longest = max(TABLE_MAX_WORDS, home.name_max_words, home.learned_max_words)
    covered = 0  # the words of a table phrase already found are not read again alone
    for i in range(len(tokens)):
        table_hit = i < covered
        for n in range(min(longest, len(tokens) - i), 0, -1):
            words = tokens[i : i + n]
            phrase = " ".join(words)
            if learned and (category := _learned_hit(words, learned)) is not None:
                consider(LEARNED_WEIGHT + n, i, category)
            if phrase in names:
                weight, category = names[phrase]
                consider(weight, i, category)
            if table_hit:
                continue
            hit = extra.get(phrase) or table.get(phrase)
            if hit is None:
                for singular in singulars(words[-1]):
                    candidate = " ".join([*words[:-1], singular])
                    hit = extra.get(candidate) or table.get(candidate)
                    if hit is not None:
                        break
            if hit is None and n == 1 and not names.get(phrase) and (slip := slip_of(phrase)):
                weight, prefs = table[slip]
                hit = (weight - SLIP_PENALTY, prefs)
            if hit is None:
                continue
            weight, prefs = hit
            for pref in prefs:
                category = home.by_lower.get(pref.lower())
                if category is not None:
                    table_hit = True
                    covered = max(covered, i + n)
                    consider(weight, i, category)
                    break
    if best is None:
        return None
    return best[2], best[0]
