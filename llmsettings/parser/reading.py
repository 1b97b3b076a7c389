"""Reading a message: the passes, in order, over one message's state.

``PASSES`` is the order; ``parse_expenses`` walks it. Each pass reads what the passes before it
left on the ``Reading`` and adds its own part.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from households.money import MESSAGES
from households.problems import problem_message
from llmsettings.parser.amounts import (
    CENT,
    WIDE,
    Amount,
    choose_amount,
    counted_nouns,
    find_amounts,
    numbered_nouns,
)
from llmsettings.parser.categories import best_category, learned_in
from llmsettings.parser.claims import Claims
from llmsettings.parser.descriptions import amount_removal, tidy
from llmsettings.parser.household import Household, prepare
from llmsettings.parser.pieces import Owners, Piece, label_end, shared_regions, split
from llmsettings.parser.text import (
    WORD_RE,
    alternation,
    blank,
    blank_flagged,
    meaningful,
    subtract,
    words_of,
)
from llmsettings.parser.vocabulary import CHAR_MAP, CONTINUATION_WORDS, LOCATION_PREPS, MONEY_BACK_WORDS
from llmsettings.parser.wordtables import WEAK_WEIGHT as WEAK

MAX_TEXT = 5000

# Amounts follow households.money's rule: its maximum and its messages.
NO_AMOUNT = MESSAGES["missing"]
TOO_LONG = problem_message("text_cut", limit=MAX_TEXT)
MONEY_BACK = problem_message("money_back")
MONEY_BACK_RE = re.compile(rf"(?<![^\W\d_]){alternation(MONEY_BACK_WORDS)}(?![^\W\d_])", re.I)


@dataclass(frozen=True)
class ParseContext:
    today: datetime.date  # today's date in the household's timezone
    speaker: str  # the member who typed the message (display name)
    members: Sequence[str]  # display names of the household's members (speaker included)
    categories: Sequence[str]  # the household's active category names
    currency: str = "INR"  # ISO 4217
    decimal_comma: bool = False  # the household's locale writes 1.200,50 (see households.money)
    month_first: bool = False  # the household's locale writes 03/01 for 1 March (Household.month_first)
    household_ref: str = ""  # a short reference a provider must echo back (an answer for another is refused)
    # The household's own words, learned from the drafts its members corrected: (phrase,
    # category name) pairs, read ahead of every built-in table (see categories.best_category).
    learned: Sequence[tuple[str, str]] = ()


@dataclass
class ParsedItem:
    amount: Decimal | None
    category: str
    date: datetime.date
    paid_by: str
    description: str
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        amount = None
        if self.amount is not None:
            amount = str(self.amount.quantize(CENT, rounding=ROUND_HALF_UP, context=WIDE))
        return {
            "amount": amount,
            "category": self.category,
            "date": self.date.isoformat(),
            "paid_by": self.paid_by,
            "description": self.description,
            "problems": list(self.problems),
        }


@dataclass
class Reading:
    """One message as the passes read it: each pass fills in its part."""

    text: str
    home: Household
    today: datetime.date
    decimal_comma: bool = False
    month_first: bool = False
    truncated: bool = False
    norm: str = ""  # the text, normalised character for character (see vocabulary.CHAR_MAP)
    claims: Claims | None = None
    masked: str = ""  # the text with the claimed spans blanked
    amounts: list[Amount] = field(default_factory=list)
    bare: str = ""  # the masked text with the amounts blanked too
    label_end: int = 0
    pieces: list[Piece] = field(default_factory=list)
    shared: list[tuple[int, int]] = field(default_factory=list)
    own_dates: dict[int, object] = field(default_factory=dict)
    own_payers: dict[int, object] = field(default_factory=dict)
    bad_dates: dict[int, object] = field(default_factory=dict)
    default_date: datetime.date | None = None
    default_payer: str = ""
    described: str = ""  # what descriptions are made of
    telling: str = ""  # what categories are read from
    shared_text: str = ""
    lead: bool = False  # the shared words go before each piece's own
    shared_category: tuple[str, float] | None = None
    label_category: tuple[str, float] | None = None
    items: list[ParsedItem] = field(default_factory=list)


def normalise(r: Reading) -> None:
    r.truncated = len(r.text) > MAX_TEXT
    r.norm = r.text[:MAX_TEXT].translate(CHAR_MAP)


def claim_non_money(r: Reading) -> None:
    """Dates, times, quantities, references and who paid: see claims.CLAIMS."""
    r.claims = Claims(r.norm, r.home, r.today, r.month_first)
    r.masked = blank_flagged(r.norm, r.claims.taken)


def find_money(r: Reading) -> None:
    """The amounts in what is left, less the small numbers that count things ("2 coffees 360")."""
    r.amounts = find_amounts(r.masked, r.home.currency, r.decimal_comma)
    r.bare = blank(r.masked, [(a.start, a.end) for a in r.amounts])
    counted = counted_nouns(r.amounts, r.bare)
    if counted:
        r.amounts = [a for i, a in enumerate(r.amounts) if i not in counted]
        r.bare = blank(r.masked, [(a.start, a.end) for a in r.amounts])
    named = numbered_nouns(r.amounts, r.bare)
    if named:
        r.amounts = [a for i, a in enumerate(r.amounts) if i not in named]
        r.bare = blank(r.masked, [(a.start, a.end) for a in r.amounts])


def split_pieces(r: Reading) -> None:
    """One piece per expense, and the regions every piece shares (a leading label, shared words)."""
    r.label_end = label_end(r.bare, r.amounts)
    if r.amounts:
        r.pieces = split(r.bare, r.amounts, r.label_end)
    else:
        r.pieces = [Piece(r.label_end, len(r.norm), [])]
    if len(r.pieces) == 1:
        r.label_end = r.pieces[0].start = 0
    r.shared = shared_regions(r.bare, r.pieces, r.label_end)


def share_context(r: Reading) -> None:
    """Dates and payers: each piece's own, and the ones every piece shares."""
    owners = Owners(r.bare, r.amounts, r.pieces, r.shared)
    claims = r.claims
    r.own_dates = owners.own(claims.dates)
    r.own_payers = owners.own(claims.payers)
    r.bad_dates = owners.own(claims.bad_dates)
    # A date or payer dates (or pays for) the pieces that name none only when it is shared by
    # position: in a label or shared words, or at the very start or end of the message. A date in
    # the middle belongs to its own piece ("450 groceries yesterday, 1200 electricity" - only the
    # groceries were yesterday).
    r.default_date = owners.shared_value(claims.dates) or r.today
    r.default_payer = owners.shared_value(claims.payers) or r.home.speaker


def share_words(r: Reading) -> None:
    """What descriptions and categories are read from, and the words every piece shares."""
    removed = r.claims.removed + [amount_removal(r.norm, a) for a in r.amounts]
    r.described = blank(r.norm, removed)
    r.telling = blank(r.described, r.claims.kept)
    shared = r.shared
    shared_text = words_of(r.described, shared[1:] if r.label_end else shared)
    # Words leading an amount-first list read best in front ("Walmart groceries"), unless they
    # start with a preposition ("rice at DMart"); trailing words always follow.
    first_word = WORD_RE.search(shared_text)
    preposition = first_word is not None and first_word.group(0).lower() in LOCATION_PREPS
    r.lead = bool(shared) and shared[-1][0] <= r.pieces[0].start and not preposition
    if preposition:  # "At DMart 400 rice" -> "rice at DMart"
        at = first_word.start()
        shared_text = shared_text[:at] + shared_text[at:].replace(
            first_word.group(0), first_word.group(0).lower(), 1
        )
    r.shared_text = shared_text
    r.shared_category = best_category(words_of(r.telling, shared), r.home) if shared else None
    r.label_category = best_category(r.telling[: r.label_end], r.home) if r.label_end else None


def write_items(r: Reading) -> None:
    """One draft per piece: its amount, category, description, date and payer, and its problems."""
    home = r.home
    for index, piece in enumerate(r.pieces):
        own = subtract((piece.start, piece.end), r.shared)
        if piece.amounts:
            amount, problems = choose_amount(piece.amounts, home.currency)
        else:
            amount, problems = None, [NO_AMOUNT]

        found = best_category(words_of(r.telling, own), home)
        label = r.label_category
        if found is None or (found[1] <= WEAK and label and label[1] > WEAK):
            found = r.shared_category if found is None else label  # "movie night - …, snacks 18"
        own_text = words_of(r.described, own)
        continues = found is None and r.items and continues_before(own_text)
        if continues:
            found = (r.items[-1].category, 0.0)
        if found is not None:
            category = found[0]
        else:
            category = home.fallback
            if home.fallback_problem:
                problems.append(home.fallback_problem)
        if MONEY_BACK not in problems and (
            MONEY_BACK_RE.search(own_text) or MONEY_BACK_RE.search(r.shared_text)
        ):
            problems.append(MONEY_BACK)
        joined = f"{r.shared_text} {own_text}" if r.lead else f"{own_text} {r.shared_text}"
        description = tidy(joined) or category.lower()
        if continues:  # "uber back", "haircut for Aarav": what, from the piece before
            what = CONTINUED_RE.split(r.items[-1].description, maxsplit=1)[0]
            description = tidy(f"{what} {own_text}")

        date = r.own_dates.get(index) or r.default_date
        if index in r.bad_dates and index not in r.own_dates:
            problems.append(problem_message("not_a_date", text=r.bad_dates[index]))
        payer = r.own_payers.get(index) or r.default_payer
        if payer not in home.members:
            payer = home.speaker if home.speaker in home.members else home.members[0]
        if r.truncated:
            problems.append(TOO_LONG)
        r.items.append(
            ParsedItem(
                amount=amount,
                category=category,
                date=date,
                paid_by=payer,
                description=description,
                problems=problems,
            )
        )


CONTINUED_RE = re.compile(rf"\s+{alternation(LOCATION_PREPS | {'for', 'on'})}\s+", re.I)


def continues_before(text: str) -> bool:
    """Whether a piece's words only continue the expense before it: "… n 214 back", "haircut 250
    for me and 150 for Aarav" (a name the parser knows nothing of says whom, not what)."""
    words = meaningful(text)
    return bool(words) and all(
        w.lower() in CONTINUATION_WORDS or w.lower() in MONEY_BACK_WORDS or w[:1].isupper() for w in words
    )


PASSES = (normalise, claim_non_money, find_money, split_pieces, share_context, share_words, write_items)


def learned_pairs(values) -> tuple[tuple[str, str], ...]:
    """The learned words as a hashable, ordered tuple; anything malformed is left out."""
    pairs = []
    for value in values or ():
        if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
            pairs.append((value[0], value[1]))
    return tuple(sorted(set(pairs)))


def household_for(context: ParseContext) -> Household:
    def names(values) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        return tuple(str(v) for v in (values or ()) if v is not None)

    return prepare(
        str(context.speaker or ""),
        names(context.members),
        names(context.categories),
        str(context.currency or ""),
        learned_pairs(context.learned),
    )


def category_for(text: str, context: ParseContext) -> str | None:
    """The household category some words point to (its learned words first, then its category
    names and the tables), or None: how an import reads a source app's category or a payee."""
    if not isinstance(text, str):
        return None
    found = best_category(text, household_for(context))
    return found[0] if found else None


def learned_category(text: str, context: ParseContext) -> str | None:
    """The category the household's learned words give `text`, or None: how an answer from an
    LLM provider is corrected by what the household taught (its words come first everywhere)."""
    home = household_for(context)
    if not home.learned or not isinstance(text, str):
        return None
    return learned_in(text, home)


def parse_expenses(text: str, context: ParseContext) -> list[ParsedItem]:
    """Read a chat message into expense drafts: at least one item, whatever the text."""
    today = context.today
    if isinstance(today, datetime.datetime):
        today = today.date()
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    reading = Reading(
        text, household_for(context), today, bool(context.decimal_comma), bool(context.month_first)
    )
    for step in PASSES:
        step(reading)
    return reading.items
