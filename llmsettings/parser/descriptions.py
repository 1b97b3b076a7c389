"""Descriptions: the words of a piece once its amount, dates, times and payer are gone, tidied."""

from __future__ import annotations

import re

from llmsettings.parser.amounts import Amount
from llmsettings.parser.text import alternation
from llmsettings.parser.vocabulary import FILLER_VERBS, LEAD_INS, LEADING_STRIP, TRAILING_STRIP

MAX_DESCRIPTION = 200

_FILLER_ANYWHERE_RE = re.compile(rf"\b{alternation(FILLER_VERBS)}\b(?:\s+(?:for|on)\b)?", re.I)
_EDGE_CHARS = " ,.;:!?-/&+|*~=@#'\"\n"


def tidy(text: str) -> str:
    text = _FILLER_ANYWHERE_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"\s+", " ", text)
    while True:
        before = text
        text = text.strip(_EDGE_CHARS)
        if text.startswith(")"):
            text = text[1:]
        if text.endswith("("):
            text = text[:-1]
        words = text.split(" ")
        while words and words[0].lower().strip(",.:;!?") in LEADING_STRIP:
            words.pop(0)
        while words and words[-1].lower().strip(",.:;!?") in TRAILING_STRIP:
            words.pop()
        text = " ".join(words)
        if text == before:
            break
    if len(text) > MAX_DESCRIPTION:
        cut = text[: MAX_DESCRIPTION + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_DESCRIPTION]
        text = text[:MAX_DESCRIPTION].rstrip(_EDGE_CHARS)
    return text


def amount_removal(text: str, amount: Amount) -> tuple[int, int]:
    """An amount's span widened to the little words that lead into it ("for 380", "@ 50")."""
    start = amount.start
    while True:
        end = start
        while end > 0 and text[end - 1] == " ":
            end -= 1
        if end > 0 and text[end - 1] in "@~=:":
            start = end - 1
            continue
        word_start = end
        while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
            word_start -= 1
        word = text[word_start:end].lower().rstrip(".")
        if end - word_start > 16 or word not in LEAD_INS:
            return start, amount.end
        start = word_start
