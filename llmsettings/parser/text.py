"""Text helpers every pass shares: how a table becomes a regex, words, blanks and spans."""

from __future__ import annotations

import re
from collections.abc import Iterable

from llmsettings.parser.vocabulary import FILLERS, SEPARATOR_WORDS


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of `words`: longest first (so "lakhs" is tried before "lakh"),
    each escaped, the spaces inside a phrase matching any run of spaces."""
    unique = sorted(set(words), key=lambda word: (-len(word), word))
    if not unique:
        return "(?!)"
    return "(?:" + "|".join(r"\s+".join(map(re.escape, word.split())) for word in unique) + ")"


NOT_LETTER = r"(?![^\W\d_])"
WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
TOKEN_RE = re.compile(r"[^\W_]+")
SEP_RE = re.compile(
    rf"[,;\n|&+]|(?<!\w){alternation(SEPARATOR_WORDS)}(?!\w)|(?<=\s)[-/](?=\s)|\.(?=\s|$)", re.I
)


def meaningful(text: str) -> list[str]:
    return [w for w in WORD_RE.findall(text) if w.lower() not in FILLERS]


def words_between(text: str, start: int, end: int) -> bool:
    return start < end and bool(meaningful(text[start:end]))


def words_of(text: str, ranges: list[tuple[int, int]]) -> str:
    return " ".join(text[start:end] for start, end in ranges if start < end)


def blank(text: str, spans) -> str:
    """The text with each span turned to spaces (so positions still fit the original)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def blank_flagged(text: str, flags: bytearray) -> str:
    if not any(flags):
        return text
    return "".join(" " if flag else ch for ch, flag in zip(text, flags, strict=True))


def subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What is left of a span once the holes are cut out of it."""
    parts = [span]
    for h_start, h_end in holes:
        next_parts = []
        for start, end in parts:
            if h_end <= start or h_start >= end:
                next_parts.append((start, end))
                continue
            if start < h_start:
                next_parts.append((start, h_start))
            if h_end < end:
                next_parts.append((h_end, end))
        parts = next_parts
    return parts
