"""The builtin expense parser: a chat message in, expense drafts out.

Offline and deterministic: standard library and ``households.money`` only (no Django, no
database, no network). It reads amounts (1,200 · 1.2k · ₹450 · $12.50 · 12,50 · 2 lakh), dates
(today, yesterday, last Friday, on 3 March, 2026-03-01), who paid ("Ravi paid", "Ravi: …",
"paid by Ravi", "I paid"), a category from the household's own category names and a keyword
table, and several expenses in one message.

Whatever it cannot be sure of still becomes an item, with the reasons in ``problems``; a message
is never dropped and nothing here raises on any text.

How a message is read (``reading.PASSES``, in this order):

1. Spans that are not money are claimed first (``claims.CLAIMS``): list markers, dates, rates,
   times, years, quantities ("2 kg", "x2", "2 nights"), references, and who-paid phrases.
2. Amounts are found in what is left; their number text is read by households.money.to_decimal,
   as forms and CSV import read it.
3. The message is cut at commas, "and", ";", newlines … only where each piece carries its own
   amount and words; pieces without either join a neighbour.
4. Context shared by every piece (a date or payer at the very start or end, words trailing the
   last amount such as "at the airport") applies to the pieces that lack their own.
5. Each piece becomes a draft.

The modules: ``vocabulary`` (every word the parser knows, as tables, from which the regexes are
built), ``wordtables`` (the keyword tables, read from ``words/*.txt``: one ``phrase → Category >
Fallback`` a line, in files for general English, Indian English and Hinglish, US English,
merchants found in many countries, and trades and services), ``dates`` (the date phrases and
their readers, public for the analysis chat), ``amounts``, ``claims``, ``pieces``,
``categories``, ``descriptions``, ``household`` (what is prepared once per household) and
``reading`` (the passes).
"""

from llmsettings.parser.categories import keyword_table, singulars
from llmsettings.parser.dates import read_date
from llmsettings.parser.reading import (
    MAX_TEXT,
    NO_AMOUNT,
    ParseContext,
    ParsedItem,
    category_for,
    learned_category,
    parse_expenses,
)
from llmsettings.parser.vocabulary import DEFAULT_CATEGORY_NAMES

__all__ = [
    "DEFAULT_CATEGORY_NAMES",
    "MAX_TEXT",
    "NO_AMOUNT",
    "ParseContext",
    "ParsedItem",
    "category_for",
    "keyword_table",
    "learned_category",
    "parse_expenses",
    "read_date",
    "singulars",
]
