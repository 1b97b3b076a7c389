"""What a corrected draft teaches: the phrases of its description that should point, next time,
to the category a member gave it.

Two kinds of phrase are learned:

* the description itself, trimmed of little words at its edges ("the milkman's bill" → "milkmans
  bill"), when it is short enough to be said again (up to MAX_PHRASE_WORDS words that carry meaning);
* when the parser knew none of its words (it proposed the household's fallback category), each
  word it did not know and that is not too general to stand alone ("doodhwala" of "doodhwala
  monthly"), so the word alone is recognised next time: a merchant, a trade, a family's own word.

A word the tables know is never learned alone: "kids" of "painter for the kids room" keeps its
own meaning elsewhere; the whole phrase carries the correction.
"""

from __future__ import annotations

from collections.abc import Iterable

from llmsettings.parser.categories import TABLE, norm_phrase, singulars
from llmsettings.parser.vocabulary import FILLERS, GENERIC_WORDS, LEADING_STRIP, TRAILING_STRIP

MAX_PHRASE_WORDS = 4  # words that carry meaning; little words between them don't count
MAX_PHRASE_CHARS = 60  # LearnedWord.phrase
MIN_WORD_CHARS = 3


def _known(word: str, names: set[str]) -> bool:
    return any(w in TABLE or w in names for w in (word, *singulars(word)))


def phrases_to_learn(
    description: str, *, fell_to_fallback: bool, members: Iterable[str] = (), categories: Iterable[str] = ()
) -> list[str]:
    """The phrases a confirmed correction teaches, normalised as the parser reads them, longest
    first; [] when the description holds nothing worth remembering."""
    member_words = {w for m in members for w in norm_phrase(m).split()}
    names = {norm_phrase(c) for c in categories}
    tokens = [
        t
        for t in norm_phrase(description).split()
        if not any(ch.isdigit() for ch in t) and t not in member_words
    ]
    while tokens and tokens[0] in LEADING_STRIP:
        tokens.pop(0)
    while tokens and tokens[-1] in TRAILING_STRIP:
        tokens.pop()
    if not tokens:
        return []
    out: list[str] = []
    phrase = " ".join(tokens)
    content = [t for t in tokens if t not in FILLERS]
    if (
        content
        and len(content) <= MAX_PHRASE_WORDS
        and len(phrase) <= MAX_PHRASE_CHARS
        and not (len(content) == 1 and content[0] in GENERIC_WORDS)
    ):
        out.append(phrase)
    if fell_to_fallback:
        for word in content:
            if (
                len(word) >= MIN_WORD_CHARS
                and word not in GENERIC_WORDS
                and not _known(word, names)
                and word not in out
            ):
                out.append(word)
    return out
