"""Pieces: a message cut into one piece per expense, and what the pieces share.

The message is cut at commas, "and", ";", newlines … only where each piece carries its own amount
and words; pieces without either join a neighbour. Words leading or trailing every piece ("…,
sandwich 220 at the airport") and a date or payer at the very start or end are shared.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from llmsettings.parser.amounts import Amount
from llmsettings.parser.claims import Mention
from llmsettings.parser.text import SEP_RE, WORD_RE, meaningful, words_between
from llmsettings.parser.vocabulary import FILLERS, LOCATION_PREPS

# Words trailing the last of several pieces are shared by all only when they start like this:
# "…, sandwich 220 at the airport", "…, books 650 for Meera"; not "…, I paid 90 parking".
SHARED_LEAD_WORDS = LOCATION_PREPS | {"for", "on", "during", "while"}


@dataclass
class Piece:
    start: int
    end: int
    amounts: list[Amount]


def split(bare: str, amounts: list[Amount], first: int) -> list[Piece]:
    """Cut the message into pieces that each carry an amount and words of their own."""
    segments: list[Piece] = []
    position = first
    for m in [*SEP_RE.finditer(bare, first), None]:
        end = m.start() if m else len(bare)
        if position < end:
            segments.append(Piece(position, end, []))
        position = m.end() if m else end
    index = 0
    for a in amounts:  # amounts and segments are both in text order
        while index < len(segments) - 1 and a.start >= segments[index].end:
            index += 1
        if segments and segments[index].start <= a.start < segments[index].end:
            segments[index].amounts.append(a)
    amounts_after = [False] * (len(segments) + 1)
    for i in range(len(segments) - 1, -1, -1):
        amounts_after[i] = amounts_after[i + 1] or bool(segments[i].amounts)

    pieces: list[Piece] = []
    pending: Piece | None = None
    for i, seg in enumerate(segments):
        if seg.amounts and meaningful(bare[seg.start : seg.end]):
            if pending is not None:
                _extend(pending, seg)
                seg, pending = pending, None
            pieces.append(seg)
        elif seg.amounts and pieces:  # a bare amount belongs with the piece before it
            _extend(pieces[-1], seg)
        elif (
            not seg.amounts
            and pieces
            and (not amounts_after[i + 1] or words_between(bare, pieces[-1].amounts[-1].end, pieces[-1].end))
        ):  # words trailing a piece ("…, Ravi paid"), or one that reads amount-first
            _extend(pieces[-1], seg)
        elif pending is None:
            pending = seg
        else:
            _extend(pending, seg)
    if pending is not None:
        if pieces:
            _extend(pieces[-1], pending)
        else:
            pieces.append(pending)
    if pieces:
        pieces[0].start = min(pieces[0].start, first)
    out: list[Piece] = []
    for piece in pieces:
        out.extend(_split_on_words(bare, piece))
    return out


def _extend(piece: Piece, later: Piece) -> None:
    piece.end = max(piece.end, later.end)
    piece.amounts.extend(later.amounts)


def _split_on_words(bare: str, piece: Piece) -> list[Piece]:
    """ "coffee 180 sandwich 220": amounts with words between them are separate expenses."""
    amounts = piece.amounts
    if len(amounts) < 2:
        return [piece]
    if not all(words_between(bare, a.end, b.start) for a, b in itertools.pairwise(amounts)):
        return [piece]
    lead = words_between(bare, piece.start, amounts[0].start)
    trail = words_between(bare, amounts[-1].end, piece.end)
    if lead:
        cuts = [a.end for a in amounts[:-1]]
    elif trail:
        cuts = [a.start for a in amounts[1:]]
    else:
        return [piece]
    starts = [piece.start, *cuts]
    ends = [*cuts, piece.end]
    return [Piece(s, e, [a]) for s, e, a in zip(starts, ends, amounts, strict=True)]


def label_end(bare: str, amounts: list[Amount]) -> int:
    """The end of a leading label such as "Groceries:" that names what follows."""
    colon = bare.find(":")
    if colon <= 0 or colon > 60 or "\n" in bare[:colon]:
        return 0
    if any(a.start < colon for a in amounts) or not meaningful(bare[:colon]):
        return 0
    return colon + 1


def shared_regions(bare: str, pieces: list[Piece], label: int) -> list[tuple[int, int]]:
    """The label, and words trailing (or leading) every piece: "…, sandwich 220 at the airport"."""
    shared = [(0, label)] if label else []
    if len(pieces) < 2:
        return shared
    last = pieces[-1]
    trailing = WORD_RE.search(bare, last.amounts[-1].end, last.end)
    if (
        trailing is not None
        and trailing.group(0).lower() in SHARED_LEAD_WORDS
        and words_between(bare, last.start, last.amounts[0].start)  # not "… and 150 for Aarav"
        and all(
            words_between(bare, p.start, p.amounts[0].start)
            and not words_between(bare, p.amounts[-1].end, p.end)
            for p in pieces[:-1]
        )
    ):  # "coffee 180 and sandwich 220 at the airport", "tuition 4000 and books 650 for Meera"
        shared.append((last.amounts[-1].end, last.end))
    elif words_between(bare, pieces[0].amounts[-1].end, pieces[0].end) and all(
        not words_between(bare, p.start, p.amounts[0].start) and words_between(bare, p.amounts[-1].end, p.end)
        for p in pieces[1:]
    ):  # "At DMart 400 rice, 250 oil": every piece reads amount-first after the shared words
        head = pieces[0]
        shared.append((head.start, head.amounts[0].start))
    return shared


class Owners:
    """Which piece a date or payer mention belongs to, or whether every piece shares it."""

    def __init__(self, bare: str, amounts: list[Amount], pieces: list[Piece], shared) -> None:
        self.pieces = pieces
        self.starts = [p.start for p in pieces]
        self.shared = shared
        edges = [(a.start, a.end) for a in amounts]
        edges += [(m.start(), m.end()) for m in WORD_RE.finditer(bare) if m.group(0).lower() not in FILLERS]
        self.first_content = min((e[0] for e in edges), default=len(bare))
        self.last_content = max((e[1] for e in edges), default=0)

    def in_shared(self, position: int) -> bool:
        return any(start <= position < end for start, end in self.shared)

    def piece_of(self, position: int) -> int | None:
        if self.in_shared(position):
            return None
        index = bisect.bisect_right(self.starts, position) - 1
        if index >= 0 and position < self.pieces[index].end:
            return index
        return None

    def own(self, mentions: list[Mention]) -> dict[int, object]:
        found: dict[int, object] = {}
        for mention in mentions:
            index = self.piece_of(mention.start)
            if index is not None:
                found.setdefault(index, mention.value)
        return found

    def shared_value(self, mentions: list[Mention]) -> object | None:
        """The first mention in shared words or at the very start or end of the message."""
        for mention in mentions:
            if (
                self.in_shared(mention.start)
                or self.first_content >= mention.start
                or self.last_content <= mention.end
            ):
                return mention.value
        return None
