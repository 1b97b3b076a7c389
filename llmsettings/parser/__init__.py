"""The builtin expense parser: a chat message in, expense drafts out.

Offline and deterministic: standard library only, no database, no network. It reads amounts
(1,200 · 1.2k · ₹450 · $12.50 · 2 lakh), dates (today, yesterday, last Friday, on 3 March,
2026-03-01), who paid ("Ravi paid", "Ravi: …", "paid by Ravi", "I paid"), a category from the
household's own category names and a keyword table, and several expenses in one message.

Whatever it cannot be sure of still becomes an item, with the reasons in ``problems``; a message
is never dropped and nothing here raises on any text.

How a message is read:

1. Spans that are not money are claimed first: list markers, dates, times, quantities
   ("2 kg", "x2", "2 nights"), reference numbers and years, and who-paid phrases.
2. Amounts are found in what is left.
3. The message is cut at commas, "and", ";", newlines … only where each piece carries its own
   amount and words; pieces without either join a neighbour.
4. Context shared by every piece (a date or payer at the very start or end, words trailing the
   last amount such as "at the airport") applies to the pieces that lack their own.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

from households.money import MESSAGES, proposed_amount

__all__ = [
    "DEFAULT_CATEGORY_NAMES",
    "ParseContext",
    "ParsedItem",
    "parse_expenses",
]

# The names of expenses.models.DEFAULT_CATEGORIES, copied so the parser imports without Django
# (a test keeps the two lists equal).
DEFAULT_CATEGORY_NAMES: list[str] = [
    "Groceries",
    "Dining",
    "Housing",
    "Utilities",
    "Transport",
    "Health",
    "Education",
    "Shopping",
    "Entertainment",
    "Travel",
    "Gifts",
    "Personal care",
    "Kids",
    "Other",
]

MAX_TEXT = 5000
MAX_DESCRIPTION = 200
MAX_AMOUNT_DIGITS = 18  # integer digits; longer numbers are not read as amounts

# Amounts follow households.money's rule: its maximum and its messages.
NO_AMOUNT = MESSAGES["missing"]
ZERO_AMOUNT = MESSAGES["not_positive"]
TOO_LONG = f"Only the first {MAX_TEXT:,} characters of the message were read"

_CENT = Decimal("0.01")
_WIDE = Context(prec=60)


@dataclass(frozen=True)
class ParseContext:
    today: datetime.date  # today's date in the household's timezone
    speaker: str  # the member who typed the message (display name)
    members: Sequence[str]  # display names of the household's members (speaker included)
    categories: Sequence[str]  # the household's active category names
    currency: str = "INR"  # ISO 4217


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
            amount = str(self.amount.quantize(_CENT, rounding=ROUND_HALF_UP, context=_WIDE))
        return {
            "amount": amount,
            "category": self.category,
            "date": self.date.isoformat(),
            "paid_by": self.paid_by,
            "description": self.description,
            "problems": list(self.problems),
        }


# ------------------------------------------------------------------------------ vocabulary


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# One character for one character, so spans found in the normalised text fit the original.
_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",
        "\t": " ",
        "\r": "\n",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u20a8": "₹",
        "\uff04": "$",
        "\u00d7": "x",
        "\u2022": "*",
    }
)

_MULTIPLIERS = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "lakh": Decimal(100_000),
    "lakhs": Decimal(100_000),
    "lac": Decimal(100_000),
    "lacs": Decimal(100_000),
    "lk": Decimal(100_000),
    "lkh": Decimal(100_000),
    "l": Decimal(100_000),  # "1.5L": only when it cannot be litres (see _Scan)
    "crore": Decimal(10_000_000),
    "crores": Decimal(10_000_000),
    "cr": Decimal(10_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_MULT_RE = r"(?:k|thousand|lakhs?|lacs?|lkh|lk|l|crores?|cr|mn|million|bn|billion)"

_CURRENCY_WORDS = {
    "₹": "INR",
    "rs": "INR",
    "inr": "INR",
    "rupee": "INR",
    "rupees": "INR",
    "$": "$",
    "us$": "USD",
    "usd": "USD",
    "dollar": "$",
    "dollars": "$",
    "bucks": "$",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
}
_DOLLAR_CURRENCIES = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD"}
_MONTH_FIRST_CURRENCIES = {"USD"}

_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}|[0-9]+)(?:\.[0-9]+)?"

_AMOUNT_RE = re.compile(
    rf"""
    (?<![\w.])(?<![0-9],)
    (?:(?P<pre>₹|\$|€|£|us\$|(?:rs|inr|usd|eur|gbp|rupees?|dollars?)\.?)\s*)?
    (?P<num>{_NUM})(?![0-9])
    (?:\s*(?P<mult>{_MULT_RE})(?![^\W\d_]))?
    (?:\s*(?P<suf>/-|/=|₹|\$|€|£|(?:rs|inr|usd|eur|gbp|rupees?|dollars?|bucks|euros?|pounds?)(?![^\W\d_])\.?))?
    (?![^\W_])
    """,
    re.I | re.X,
)

_UNITS = (
    r"kgs?|kilos?|kilograms?|gms?|grams?|g|mg|ltrs?|litres?|liters?|l|ml|lbs?|oz|ounces?"
    r"|gallons?|gal|pcs|pc|pieces?|nos|units?|packets?|pkts?|packs?|dozens?|doz|boxes|box"
    r"|bottles?|cans?|cartons?|jars?|bags?|cups?|plates?|glasses|bowls?|slices?|loaves|loaf"
    r"|bunch(?:es)?|nights?|days?|hours?|hrs?|minutes?|mins?|weeks?|wks?|months?|mths?"
    r"|years?|yrs?|km|kms|kilomet(?:er|re)s?|miles?|mi|people|persons?|pax|adults?|kids"
    r"|children|guests?|seats?|rooms?|tickets?|items?|times|sq\.?\s*ft|sqft|met(?:er|re)s?"
    r"|mtrs?|cm|mm|inch(?:es)?|ft|feet|gb|mb|tb|mbps|gbps|kwh|kw|servings?|sessions?"
    r"|visits?|rides?|trips?|pairs?|sets?|rolls?|tablets?|strips?|ppl|members"
)

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_WD_FULL = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WD_ANY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)"
)
_SMALL_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple of": 2,
}
_ON = r"(?:\b(?:on|dated)\s+)?"
_NOT_LETTER = r"(?![^\W\d_])"
_PART_OF_DAY = r"(?:\s+(?:night|evening|morning|afternoon))?"

_LIST_MARKER_RE = re.compile(r"(?m)^[ ]*(?:[0-9]{1,2}[.)]|[-*])[ ]+")

# Dates, most specific first: (pattern, kind).
_DATE_PATTERNS = [
    (
        re.compile(
            rf"{_ON}(?<![0-9.,])(?P<y>(?:19|20)[0-9]{{2}})(?P<s>[-/.])(?P<m>[0-9]{{1,2}})(?P=s)"
            rf"(?P<d>[0-9]{{1,2}})(?![0-9])",
            re.I,
        ),
        "ymd",
    ),
    (
        re.compile(
            rf"{_ON}(?<![0-9.,/])(?P<a>[0-9]{{1,2}})(?P<s>[-/.])(?P<b>[0-9]{{1,2}})(?P=s)"
            rf"(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|[.,][0-9])",
            re.I,
        ),
        "numeric3",
    ),
    (re.compile(r"\b(?:on\s+)?(?:the\s+)?day\s+before\s+yesterday\b", re.I), "-2"),
    (
        re.compile(
            rf"\b(?:(?:yesterday(?:'s)?|yday|yest){_PART_OF_DAY}|last\s+night|last\s+evening)"
            rf"{_NOT_LETTER}",
            re.I,
        ),
        "-1",
    ),
    (
        re.compile(
            r"\b(?:earlier\s+)?(?:today(?:'s)?|tonight|this\s+(?:morning|afternoon|evening)"
            r"|just\s+now)(?![^\W\d_])",
            re.I,
        ),
        "0",
    ),
    (re.compile(r"\btomorrow(?:'s)?(?![^\W\d_])", re.I), "+1"),
    (
        re.compile(
            r"\b(?P<n>[0-9]{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|couple\s+of)"
            r"\s+(?P<u>days?|weeks?)\s+(?:ago|back|before)\b",
            re.I,
        ),
        "ago",
    ),
    (re.compile(r"\blast\s+week\b", re.I), "-7"),
    (
        re.compile(
            rf"(?P<core>{_ON}(?:the\s+)?(?<![0-9.,])(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?"
            rf"[\s/-]*(?P<m>{_MONTH})\.?{_NOT_LETTER})"
            rf"(?:(?:\s*,\s*|\s+|[-/])(?P<y>'?[0-9]{{4}}|'[0-9]{{2}})(?![0-9]))?",
            re.I,
        ),
        "dm",
    ),
    (
        re.compile(
            rf"(?P<core>{_ON}\b(?P<m>{_MONTH})\.?\s*(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?)"
            rf"(?![0-9]|[.,][0-9]|\s*(?:{_MULT_RE}|{_UNITS}|/-){_NOT_LETTER})"
            r"(?:(?:\s*,\s*|\s+)(?P<y>[0-9]{4})(?![0-9]))?",
            re.I,
        ),
        "md",
    ),
    (
        re.compile(
            rf"\b(?:on\s+)?(?P<mode>last|past|previous|this|next)\s+(?P<wd>{_WD_ANY})\.?"
            rf"{_NOT_LETTER}{_PART_OF_DAY}{_NOT_LETTER}",
            re.I,
        ),
        "weekday",
    ),
    (
        re.compile(rf"\bon\s+(?P<wd>{_WD_ANY})\.?{_NOT_LETTER}{_PART_OF_DAY}{_NOT_LETTER}", re.I),
        "weekday",
    ),
    (
        re.compile(rf"\b(?P<wd>{_WD_FULL})(?:'s)?{_NOT_LETTER}{_PART_OF_DAY}{_NOT_LETTER}", re.I),
        "weekday",
    ),
    (
        re.compile(
            r"(?:\bon\s+)?\bthe\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)\b"
            r"(?!\s+(?:floor|hand|time|class|grade|standard|std|installment|instalment|emi))",
            re.I,
        ),
        "ordinal",
    ),
    (re.compile(r"\bon\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)\b", re.I), "ordinal"),
    (
        re.compile(
            rf"{_ON}(?<![0-9.,/:])(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})"
            rf"(?![0-9/]|[.,][0-9]|\s*(?:{_UNITS}){_NOT_LETTER})",
            re.I,
        ),
        "numeric2",
    ),
]

_PER_RE = re.compile(
    r"(?<=[0-9])\s*/\s*(?:month|mo|mth|year|yr|day|week|wk|night|person|head|kg|piece|hr|hour)\b"
    r"|\b(?:per|a|every)\s+(?:month|year|day|week|night|person|head)\b",
    re.I,
)
_TIME_RE = re.compile(
    r"(?:\bat\s+)?(?<![0-9.,])[0-9]{1,2}(?:[:.][0-5][0-9])?\s*(?:am|pm|a\.m\.?|p\.m\.?)"
    + _NOT_LETTER
    + r"|(?:\bat\s+)?(?<![0-9.,:])[0-9]{1,2}:[0-5][0-9](?![0-9])"
    + r"|(?:\bat\s+)?\b[0-9]{1,2}\s*o'?clock\b",
    re.I,
)

# Numbers that are not money but stay in the description.
_KEEP_PATTERNS = [
    re.compile(r"(?<![\w.])[x*]\s*[0-9]{1,2}(?![0-9.,])", re.I),
    re.compile(r"(?<![0-9.,])[0-9]{1,2}\s*x(?![^\W\d_])", re.I),
    re.compile(r"\b(?:qty|quantity)\s*[:.-]?\s*[0-9]+", re.I),
    re.compile(
        r"#\s*[0-9][0-9-]*|\b(?:no|number|ref|pnr|invoice|txn|utr|order\s+id|booking\s+id)\b\.?"
        r"\s*[:#]?\s*[0-9][0-9-]*",
        re.I,
    ),
    re.compile(r"(?<![0-9.,])[0-9]{1,2}(?:st|nd|rd|th)\b", re.I),
    re.compile(r"(?<![0-9.,])[0-9]+(?:\.[0-9]+)?\s*(?:%|percent\b|per\s+cent\b)", re.I),
]
# A number and the word after it: a quantity when the word is a unit (checked against a set,
# which is much faster than trying the whole alternation at every digit).
_QUANTITY_RE = re.compile(r"(?<![0-9.,])[0-9]+(?:[.,/][0-9]+)?\s*(?P<unit>sq\.?\s*ft|[^\W\d_]+)", re.I)
_UNIT_RE = re.compile(rf"(?:{_UNITS})", re.I)
_LIQUIDS = _wordset(
    "milk water oil petrol diesel fuel juice coke pepsi cola soda beer wine ghee curd buttermilk"
    " lassi paint detergent kerosene phenyl"
)
_DIGIT_RE = re.compile(r"[0-9]")
_YEAR_PATTERNS = [
    re.compile(rf"\b{_MONTH}\.?\s*,?\s*'?(?P<y>(?:19|20)[0-9]{{2}})(?![0-9])", re.I),
    re.compile(r"\b(?:in|since|year|fy)\s+(?P<y>(?:19|20)[0-9]{2})(?![0-9])", re.I),
    re.compile(rf"\b{_MONTH}\.?\s*'(?P<y>[0-9]{{2}})(?![0-9])", re.I),
]
_CURRENCY_BEFORE_RE = re.compile(r"(?:₹|\$|€|£|\b(?:rs|inr|usd|eur|gbp|rupees?)\.?)\s*$", re.I)

_PAY_VERBS = (
    r"(?:paid|pays|payed|spent|spends|bought|buys|got|ordered|booked|covered|gave|sent"
    r"|transferred|settled|purchased|recharged|renewed|topped\s+up|picked\s+up|put|shelled\s+out)"
)
_SELF_PATTERNS = [
    re.compile(rf"\b(?:i|we)\s+(?:(?:have|had|just|also|already)\s+)?{_PAY_VERBS}\b", re.I),
    re.compile(
        r"\b(?:(?:paid|payed|bought|covered|spent|ordered|booked|done|settled|purchased)\s+)?"
        r"by\s+(?:me|myself|us)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:(?:on|with|using|via|from|through|by)\s+)?my\s+(?:credit\s+card|debit\s+card|card"
        r"|account|upi|gpay|wallet|treat)\b",
        re.I,
    ),
    re.compile(r"\bon\s+me\b(?!\s+and)", re.I),
]

_SEP_RE = re.compile(r"[,;\n|&+]|(?<!\w)(?:and|plus|also|then|aur)(?!\w)|(?<=\s)[-/](?=\s)|\.(?=\s|$)", re.I)
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_TOKEN_RE = re.compile(r"[^\W_]+")


# Words that carry no meaning of their own in an expense note.
_FILLERS = _wordset(
    """
    a an the for on of at in to and with by from paid pay pays payed paying spent spend spends
    spending bought buy buys purchased i we me my our us it its was is are were total totaling
    totalling only each per approx approximately around about worth costing cost costs just also
    plus or then rs inr usd rupees rupee dollars dollar bucks eur gbp amount amt some got had
    have has did
    """
)
_LEADING_STRIP = _wordset(
    """
    a an the for on of to at in and with by from paid pay payed spent spend bought buy purchased
    got ordered took i we me had have has did some just also total amount amt rs is was only
    approx around about as filled booked renewed gave transferred sent made
    """
)
_TRAILING_STRIP = _wordset(
    """
    a an the for on of to at in and with by from only total each paid spent bought approx around
    about worth rs is was amount amt
    """
)
_FILLER_ANYWHERE_RE = re.compile(r"\b(?:paid|payed|spent|purchased|bought)\b(?:\s+(?:for|on)\b)?", re.I)
_LEAD_INS = _wordset(
    "for of worth costing cost costs at around about approx approximately total totaling totalling only"
)
_QTY_VERBS = _wordset("bought buy got ordered order purchased for of with get had took ate drank")
_LOCATION_PREPS = _wordset("at in from near to via outside inside around")
_EDGE_CHARS = " ,.;:!?-/&+|*~=@#'\"\n"


# ------------------------------------------------------------------------------ categories

# A header names the categories a keyword goes to, best first: the first one the household has
# wins ("Pets > Health": a household with a Pets category gets vet bills there, others Health).
# Entries are comma-separated; "~" marks a weak word that loses to any ordinary one.
_KEYWORD_TABLE = """
[Groceries]
grocery, groceries, kirana, kirana store, general store, provision store, provisions, ration,
supermarket, super market, hypermarket, vegetables, vegetable, veggies, veggie, veg, sabzi, sabji,
subzi, sabziwala, fruits, fruit, apples, ~apple, bananas, banana, oranges, mangoes, mango, grapes,
papaya, watermelon, pomegranate, guava, pineapple, strawberries, berries, avocado, avocados,
tomatoes, tomato, tamatar, onions, onion, potatoes, potato, aloo, pyaz, pyaaz, adrak, lehsun,
mirchi, gobi, matar, chini, namak, garlic, ginger, spinach, palak,
cauliflower, cabbage, carrots, carrot, beans, peas, lemons, lemon, coriander, dhaniya, chillies,
chilli, cucumber, brinjal, okra, bhindi, lettuce, mushrooms, broccoli, milk, doodh, curd, dahi,
yogurt, yoghurt, paneer, cheese, butter, ghee, cream, eggs, egg, anda, bread, pav, buns, atta,
flour, maida, besan, rice, chawal, basmati, dal, daal, lentils, pulses, rajma, chana, sugar, salt,
jaggery, oil, cooking oil, mustard oil, masala, spices, tea leaves, tea powder, coffee powder,
coffee beans, biscuits, cookies, cereal, cornflakes, oats, muesli, noodles, maggi, pasta, jam,
honey, ketchup, peanut butter, namkeen, chips, dry fruits, almonds, cashews, nuts, raisins, meat,
chicken, mutton, fish, prawns, pork, beef, seafood, tofu, bacon, sausages, ham, turkey, cereal bars,
juice, soft drinks, soda, cold drinks, water can, water bottle, mineral water, bisleri, kinley,
produce, deli, bakery, ~food items, ~snacks, amul, mother dairy, nandini, aavin, heritage milk,
bigbasket, big basket, bb daily, blinkit, grofers, zepto, instamart, swiggy instamart, dunzo,
jiomart, jio mart, dmart, d mart, reliance fresh, reliance smart, smart bazaar, more supermarket,
spencers, star bazaar, natures basket, ratnadeep, spar, easyday, country delight, milkbasket,
licious, freshtohome, fresh to home, walmart, costco, kroger, safeway, trader joes, trader joe,
whole foods, wholefoods, aldi, lidl, publix, heb, wegmans, sprouts, albertsons, food lion,
stop and shop, meijer, instacart, amazon fresh, freshdirect, fresh direct, sams club, bjs, winco,
hy vee, shoprite, tesco, sainsburys, asda, morrisons, waitrose, farmers market, mandi, fruit market,
vegetable market, sabzi mandi, mart, ~market
[Household > Groceries]
detergent, washing powder, dishwash, dish soap, dishwasher tablets, toilet paper, tissues, tissue
paper, paper towels, cleaning supplies, floor cleaner, phenyl, broom, mop, garbage bags, trash bags,
vim, surf excel, ariel, tide, harpic, lizol, colin, household items, household supplies
[Alcohol > Drinks > Dining]
beer, beers, wine, whisky, whiskey, vodka, rum, gin, liquor, alcohol, booze, ~drinks, cocktails,
liquor store, wine shop, theka
[Coffee > Dining]
coffee, cappuccino, latte, espresso, americano, cold coffee, filter coffee, starbucks, dunkin,
dunkin donuts, tim hortons, cafe coffee day, ccd, blue tokai, third wave coffee
[Dining]
restaurant, restaurants, cafe, café, cafeteria, chai, tea, dinner, lunch, breakfast, brunch, meal,
meals, ~food, takeout, take out, takeaway, take away, ~delivery, food delivery, swiggy, zomato,
uber eats, ubereats, doordash, door dash, grubhub, postmates, seamless, dominos, domino, pizza,
pizza hut, burger, burgers, burger king, mcdonalds, mcd, mcdonald, kfc, ~subway, chipotle,
panera, taco bell, wendys, chick fil a, chickfila, five guys, shake shack, in n out, popeyes,
panda express, olive garden, applebees, ihop, dennys, barista, chaayos, chai point, haldirams,
bikanervala, barbeque nation, bbq nation, behrouz, faasos, box8, eatfit, freshmenu, biryani, dosa,
idli, vada pav, vada, samosa, samosas, chaat, pani puri, golgappe, momos, thali, paratha, parathas,
rolls, kathi roll, shawarma, sandwich, sandwiches, sub, wrap, wraps, tacos, taco, burrito, sushi,
ramen, pho, noodle bowl, pub, ~bar, brewery, ice cream, icecream, gelato, dessert, desserts,
~cake, pastry, pastries, donuts, doughnuts, dhaba, canteen, mess, tiffin, dabba, eat out,
eating out, dine in, dine out, dining out, ~tip, team lunch, team dinner, office lunch, buffet,
catering, ~treat, juice shop, ~snack, street food, bistro, diner, steakhouse, food court,
room service, bagel, bagels, donut, muffin, croissant, smoothie, boba, bubble tea, frappuccino,
hot dog, wings, bbq, fries, salad, soup, pancakes, waffles, nachos, quesadilla, falafel, kebab,
kebabs, tikka, butter chicken, naan, pav bhaji, chole bhature, poha, upma, lassi, milkshake,
sweets, mithai, jalebi, coffee shop, tea stall, chai tapri, food truck, happy hour
[Bills > Utilities]
electricity, electricity bill, electric bill, power bill, light bill, current bill, bijli, bescom,
tata power, adani electricity, msedcl, mseb, bses, tneb, kseb, tangedco, cesc, con ed, coned,
pg e, duke energy, water bill, water tax, water charges, water supply, water tanker, tanker,
~water, gas bill, gas cylinder, cylinder, lpg, lpg cylinder, indane, hp gas, bharat gas,
piped gas, png, mahanagar gas, igl, internet, internet bill, broadband, wifi, wi fi, fiber, fibre,
act fibernet, jiofiber, jio fiber, airtel xstream, hathway, excitel, recharge, mobile recharge,
phone recharge, prepaid, postpaid, phone bill, mobile bill, cell phone bill, cellphone bill, jio,
airtel, vi, vodafone, idea, bsnl, mtnl, dth, dth recharge, tata sky, tata play, dish tv, d2h,
sun direct, cable, cable tv, cable bill, comcast, xfinity, verizon, at t, t mobile, tmobile,
spectrum, cox, mint mobile, google fi, utility, utilities, utility bill, ~bill, ~bills, sewage,
sewer, trash, garbage, garbage collection, waste collection, heating, heating oil, propane,
landline, data pack, icloud, google one, electricity recharge, meter recharge, prepaid meter
[Rent > Housing]
rent, house rent, flat rent, room rent, apartment rent, pg rent, rental
[Housing]
maintenance, society maintenance, maintenance charges, society, hoa, hoa fees, mortgage,
home loan, home loan emi, housing loan, maid, maid salary, bai, kaamwali, house help, househelp,
cook, cook salary, cleaner, cleaning, house cleaning, deep cleaning, housekeeping, plumber,
plumbing, electrician, carpenter, painter, painting, repair, repairs, pest control,
security deposit, brokerage, broker, property tax, house tax, home insurance, renters insurance,
watchman, security guard, gardener, mali, laundry, dhobi, ironing, istri, press wala, lawn,
landscaping, handyman, locksmith, movers, packers, packers and movers, moving, shifting,
ac service, ac repair, ro service, water purifier service, appliance repair, geyser,
urban company, urbanclap, landlord, home repair, house repair, ~flat, ~house, ~apartment
[Fuel > Transport]
petrol, diesel, fuel, gas station, gasoline, cng, ev charging, shell, indian oil, iocl, hpcl,
bharat petroleum, bpcl, chevron, exxon, mobil, texaco, sunoco, arco, valero, speedway, fill up,
full tank, tank
[Car > Transport]
car wash, car service, car servicing, car repair, car insurance, car emi, car loan, tyre, tyres,
tire, tires, puncture, oil change, ~car
[Transport]
uber, ola, rapido, lyft, taxi, cab, cabs, auto, autorickshaw, auto rickshaw, rickshaw, tuk tuk,
metro, metro card, metro recharge, subway fare, subway card, bus, bus fare, bus pass, bus ticket,
local train, train pass, monthly pass, toll, tolls, fastag, parking, bike service, servicing,
bike insurance, vehicle insurance, two wheeler, scooter, bike, bicycle, driver, driver salary,
chauffeur, valet, commute, transit, mta, bart, caltrain, septa, clipper, oyster, zipcar, lime,
yulu, bounce, namma yatri, bmtc, best bus, registration, rto, driving license, challan,
traffic fine, parking ticket, ~fare, ~ride, cab fare, auto fare, ride share, rideshare
[Medical > Health]
medicine, medicines, meds, medical, pharmacy, chemist, drugstore, doctor, doctors, dr, ~consultation,
clinic, hospital, dentist, dental, eye checkup, optician, spectacles, contact lenses, lab test,
blood test, diagnostic, diagnostics, pathology, x ray, xray, scan, mri, ct scan, ultrasound,
checkup, check up, health checkup, vaccine, vaccination, physiotherapy, physio, therapy,
therapist, counselling, counseling, prescription, apollo, apollo pharmacy, medplus, netmeds,
pharmeasy, 1mg, tata 1mg, practo, cvs, walgreens, rite aid, thyrocare, lal path labs, dr lal,
metropolis, tablets, syrup, antibiotics, vitamins, supplements, bandage, first aid, pediatrician,
paediatrician, gynecologist, surgery, ambulance, hearing aid, ayurvedic, homeopathy, nurse,
urgent care, copay, co pay, opd, hospital bill, medical bill
[Insurance > Health]
health insurance, mediclaim, medical insurance
[Insurance]
insurance, insurance premium, ~premium, lic, life insurance, term insurance, term plan
[School > Education]
school, school fees, school fee, tuition, tuition fees, tuition fee, tuitions, coaching, classes,
class, course, courses, books, book, textbooks, textbook, notebooks, stationery, pens, pencils,
exam fee, exam fees, exam, exams, admission, admission fee, college, college fees, university,
semester, udemy, coursera, byjus, unacademy, vedantu, duolingo, skillshare, masterclass,
khan academy, workshop, seminar, training, certification, library, tutor, tutoring, lessons,
music lessons, music class, swimming lessons, swimming class, dance class, art class,
student loan, ~fees, school bus, school van, school uniform, uniform, school supplies, lab fee
[Electronics > Shopping]
laptop, computer, desktop, tablet, ipad, iphone, ~phone, ~mobile, smartphone, headphones, earphones,
earbuds, airpods, charger, power bank, electronics, gadget, gadgets, tv, television, monitor,
keyboard, mouse, speaker, camera, smartwatch, apple store, apple watch, croma, reliance digital,
vijay sales, best buy, bestbuy, printer, router, hard disk, pendrive, usb
[Clothing > Clothes > Shopping]
clothes, clothing, shirt, shirts, t shirt, tshirt, tshirts, jeans, trousers, pants, kurta, kurti,
saree, sari, dress, dresses, shoes, sneakers, sandals, slippers, chappal, chappals, jacket,
sweater, hoodie, socks, underwear, innerwear, bag, handbag, backpack, belt, scarf, myntra, ajio,
zara, h m, uniqlo, levis, nike, adidas, puma, bata, westside, pantaloons, max fashion, lifestyle,
old navy, gap, tailor, stitching, alteration
[Home > Shopping]
furniture, sofa, mattress, bedsheets, bedsheet, bed sheets, curtains, pillows, pillow, towels,
utensils, cookware, kitchenware, appliance, mixer, mixer grinder, fridge, refrigerator,
washing machine, microwave, home decor, decor, ikea, pepperfry, urban ladder, home depot, lowes,
wayfair, hardware, tools, bulbs, light bulbs, fan, iron, vacuum, vacuum cleaner, cushions, rug,
carpet, plants, pots, ~home
[Shopping]
amazon, flipkart, meesho, tata cliq, snapdeal, decathlon, target, macys, kohls, nordstrom,
tj maxx, tjmaxx, marshalls, ross, ebay, etsy, shein, temu, ~online order, ~order, ~shopping,
~mall, ~store, ~purchase, accessories, watch, sunglasses, jewellery, jewelry, wallet, umbrella,
dollar store, dollar tree, walgreens photo, costco online, ~things
[Subscriptions > Entertainment]
netflix, prime video, amazon prime, ~prime, hotstar, disney, disney plus, disney hotstar, jiocinema,
jio cinema, jiohotstar, sonyliv, sony liv, zee5, voot, hulu, hbo, hbo max, peacock, paramount,
paramount plus, apple tv, youtube premium, youtube, spotify, gaana, wynk, jiosaavn, apple music,
audible, kindle unlimited, ~subscription, ~subscriptions, streaming, ott, chatgpt, chatgpt plus
[Entertainment]
movie, movies, film, cinema, theatre, theater, pvr, inox, cinepolis, amc, regal, bookmyshow,
book my show, fandango, movie tickets, movie ticket, ~tickets, concert, ~show, gig, play, game,
games, gaming, playstation, ps5, xbox, steam, nintendo, bowling, amusement park, theme park,
water park, zoo, museum, ~event, events, party, clubbing, karaoke, arcade, magazine, newspaper,
cricket match, ipl, match tickets, sports, stadium, comedy show, standup, stand up, outing,
picnic, hobby, music, books and music, escape room, trampoline, snooker, pool, golf, football,
badminton, turf, sports club, club
[Travel]
flight, flights, airfare, air ticket, air tickets, flight ticket, flight tickets, plane, airline,
airlines, indigo, air india, vistara, spicejet, akasa, go first, united airlines, delta,
american airlines, southwest, jetblue, alaska airlines, emirates, lufthansa, british airways,
hotel, hotels, motel, hostel, resort, homestay, airbnb, oyo, booking com, expedia, makemytrip,
mmt, goibibo, cleartrip, yatra, easemytrip, ixigo, agoda, trivago, marriott, hilton, hyatt, taj,
oberoi, trip, vacation, holiday, holidays, tour, tours, sightseeing, visa, passport,
travel insurance, luggage, suitcase, train, train ticket, train tickets, irctc, tatkal, amtrak,
greyhound, redbus, volvo bus, sleeper bus, cruise, car rental, rental car, hertz, avis, zoomcar,
self drive, ~airport, baggage, excess baggage, forex, travel, trek, trekking, camping, safari,
lounge, duty free, ~stay, guest house, guesthouse
[Gifts]
gift, gifts, present, presents, birthday gift, wedding gift, anniversary gift, gift card,
gift voucher, shagun, return gift, return gifts, greeting card, bouquet, ~flowers, ~birthday,
~anniversary, hamper, gift hamper, rakhi, diwali gifts, christmas gifts, christmas presents
[Donations > Charity > Gifts]
donation, donations, donated, charity, temple, temple donation, mandir, church, offering, dakshina,
gurudwara, zakat, tithe, fundraiser, ngo
[Wedding > Gifts]
~wedding, ~shaadi
[Wedding > Other]
caterer, wedding venue, wedding hall, banquet hall, marriage hall, mehendi, mehndi, sangeet,
decorator, wedding photographer, wedding planner, lehenga, sherwani, wedding card, wedding cards
[Fitness > Personal care]
gym, gym membership, fitness, yoga, yoga class, cult fit, cultfit, cult, crossfit, pilates, zumba,
personal trainer, protein, protein powder, whey
[Beauty > Personal care]
haircut, hair cut, salon, parlour, parlor, beauty parlour, beauty parlor, barber, spa, massage,
facial, manicure, pedicure, waxing, threading, grooming, skincare, skin care, cosmetics, makeup,
make up, nykaa, sephora, ulta, lakme, nail salon, nails, tattoo, ~beauty, hair colour,
hair color, hair spa
[Personal care]
shampoo, conditioner, soap, toothpaste, toothbrush, deodorant, perfume, lotion, moisturizer,
moisturiser, sunscreen, razor, razors, shaving, trimmer, bath and body works, body wash,
sanitary pads, pads, tampons, hygiene, toiletries, dry cleaning, personal care
[Pets]
pet, pets, vet, veterinary, vet visit, pet food, dog food, cat food, kibble, dog, dogs, cat, cats,
puppy, kitten, pedigree, whiskas, drools, royal canin, chewy, petco, petsmart, heads up for tails,
supertails, cat litter, litter, pet grooming, dog grooming, dog walker, pet insurance
[Baby > Kids]
baby, diapers, diaper, nappies, pampers, huggies, baby food, formula, cerelac, wipes, baby wipes,
stroller, pram, crib, firstcry
[Kids]
kid, kids, children, child, toys, toy, daycare, day care, creche, babysitter, nanny, playschool,
play school, preschool, kindergarten, school trip, pocket money, allowance, hamleys, kids clothes,
summer camp, crayons, lego, play date, playdate, kids party
[Taxes > Other]
tax, taxes, income tax, advance tax, gst, tds, tax filing, ca fees
[Investments > Savings > Other]
sip, mutual fund, mutual funds, stocks, shares, fd, fixed deposit, ppf, nps, rd, recurring deposit
[Loans > EMI > Other]
emi, loan, loan emi, personal loan, credit card bill
[Festivals > Shopping]
~diwali, ~holi, ~christmas, crackers, firecrackers, diyas, rangoli, christmas tree, decorations,
pooja, puja, pooja items, puja samagri
[Other]
misc, miscellaneous, sundry, sundries, random, stuff, other, others, ~various, ~general
"""

# Keywords whose meaning depends on the household's currency.
_CURRENCY_KEYWORDS = {
    "$": {"gas": (2.0, ("Fuel", "Transport")), "gas station": (3.0, ("Fuel", "Transport"))},
    "": {"gas": (2.0, ("Bills", "Utilities"))},
}

_DEFAULT_NAME_WEIGHTS = {"shopping": 1.0, "other": 1.0}
_CUSTOM_NAME_WEIGHT = 5.0
_DEFAULT_NAME_WEIGHT = 3.0


def _norm_phrase(text: str) -> str:
    return " ".join(_TOKEN_RE.findall(text.lower().replace("'", "")))


def _build_table(source: str) -> dict[str, tuple[float, tuple[str, ...]]]:
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
            phrase = _norm_phrase(entry.lstrip("~"))
            if phrase in table:
                raise ValueError(f"keyword {phrase!r} is listed twice")
            if not phrase:
                continue
            weight = 1.0 if weak else (3.0 if " " in phrase else 2.0)
            table[phrase] = (weight, prefs)
    return table


_TABLE = _build_table(_KEYWORD_TABLE)
_TABLE_MAX_WORDS = max(p.count(" ") + 1 for p in _TABLE)


def keyword_table() -> dict[str, tuple[float, tuple[str, ...]]]:
    """The keyword table: normalised phrase -> (weight, categories best first)."""
    return dict(_TABLE)


def _singulars(token: str) -> list[str]:
    out = []
    if len(token) > 3 and token.endswith("ies"):
        out.append(token[:-3] + "y")
    if len(token) > 3 and token.endswith("es"):
        out.append(token[:-2])
    if len(token) > 2 and token.endswith("s") and not token.endswith("ss"):
        out.append(token[:-1])
    return out


# ------------------------------------------------------------------------------ context


@dataclass(frozen=True)
class _Household:
    """What the parser needs from a ParseContext, prepared once per household."""

    members: tuple[str, ...]
    speaker: str
    currency: str
    by_lower: dict[str, str]  # category name, lower-cased -> as the household spells it
    names: dict[str, tuple[float, str]]  # phrase -> (weight, category)
    name_max_words: int
    fallback: str
    fallback_problem: str | None
    payer_patterns: tuple[re.Pattern, ...]
    prefix_payer: re.Pattern | None
    suffix_payer: re.Pattern | None
    member_by_lower: dict[str, str]
    currency_keywords: dict[str, tuple[float, tuple[str, ...]]]


@lru_cache(maxsize=256)
def _household(
    speaker: str, members: tuple[str, ...], categories: tuple[str, ...], currency: str
) -> _Household:
    clean_members = tuple(dict.fromkeys(m for m in members if m))  # kept exactly as given
    by_key = {_alias_key(m): m for m in reversed(clean_members)}
    if speaker not in clean_members:
        speaker = by_key.get(_alias_key(speaker)) or (
            clean_members[0] if clean_members else (speaker.strip() or "Me")
        )
    if not clean_members:
        clean_members = (speaker,)

    cats = tuple(dict.fromkeys(c for c in categories if c))  # kept exactly as given
    by_lower = {" ".join(c.lower().split()): c for c in reversed(cats)}
    default_lower = {n.lower() for n in DEFAULT_CATEGORY_NAMES}
    names: dict[str, tuple[float, str]] = {}
    for cat in cats:
        phrase = _norm_phrase(cat)
        if not phrase:
            continue
        if phrase in _DEFAULT_NAME_WEIGHTS:
            weight = _DEFAULT_NAME_WEIGHTS[phrase]
        elif cat.lower() in default_lower:
            weight = _DEFAULT_NAME_WEIGHT
        else:
            weight = _CUSTOM_NAME_WEIGHT
        words = phrase.split(" ")
        last = words[-1]
        variants = {last, *_singulars(last)}
        if not last.endswith("s"):
            variants.add(last + "s")
        for variant in variants:
            names.setdefault(" ".join([*words[:-1], variant]), (weight, cat))
    name_max_words = max((p.count(" ") + 1 for p in names), default=1)

    fallback_problem = None
    fallback = by_lower.get("other") or by_lower.get("misc") or by_lower.get("miscellaneous")
    if fallback is None:
        if cats:
            fallback = cats[0]
            fallback_problem = "No category fits — choose one"
        else:
            fallback = "Other"

    # Member names, longest first; a first name counts when no other member shares it.
    named = [m for m in clean_members if _alias_key(m)]
    aliases: dict[str, str] = {_alias_key(m): m for m in reversed(named)}
    spellings = [m.strip() for m in named]
    firsts: dict[str, list[str]] = {}
    for m in named:
        firsts.setdefault(_alias_key(m.split()[0]), []).append(m)
    for first, owners in firsts.items():
        if len(owners) == 1 and first not in aliases:
            aliases[first] = owners[0]
            spellings.append(owners[0].split()[0])
    payer_patterns: list[re.Pattern] = []
    prefix_payer = suffix_payer = None
    if aliases:
        alternatives = "|".join(
            r"\s+".join(re.escape(part) for part in spelling.split())
            for spelling in sorted(set(spellings), key=len, reverse=True)
        )
        name = rf"(?<![\w])(?P<name>{alternatives})(?![\w])"
        prefix_payer = re.compile(rf"^\s*@?{name}\s*(?::|\s-\s|-\s|\s*(?=[₹$€£]|rs\.?\s*[0-9]|[0-9]))", re.I)
        suffix_payer = re.compile(rf"[(\[]?\s*@?{name}\s*[)\]]?[\s.!]*$", re.I)
        payer_patterns = [
            re.compile(rf"@?{name}(?:'s)?\s+(?:(?:has|had|just|also|already)\s+)?{_PAY_VERBS}\b", re.I),
            re.compile(rf"@?{name}\s+ne\b", re.I),
            re.compile(
                r"\b(?:(?:paid|payed|bought|covered|spent|ordered|booked|done|settled|purchased"
                rf"|charged)\s+)?by\s+@?{name}",
                re.I,
            ),
            re.compile(
                rf"\b(?:(?:on|with|using|via|from|through|by)\s+)?{name}(?:'s|s')?\s+"
                r"(?:credit\s+card|debit\s+card|card|account|acct|upi|gpay|paytm|phonepe|wallet"
                r"|amex|treat)\b",
                re.I,
            ),
        ]
    currency = (currency or "").strip().upper() or "INR"
    currency_keywords = _CURRENCY_KEYWORDS["$" if currency in _DOLLAR_CURRENCIES else ""]
    return _Household(
        members=clean_members,
        speaker=speaker,
        currency=currency,
        by_lower=by_lower,
        names=names,
        name_max_words=name_max_words,
        fallback=fallback,
        fallback_problem=fallback_problem,
        payer_patterns=tuple(payer_patterns),
        prefix_payer=prefix_payer,
        suffix_payer=suffix_payer,
        member_by_lower={alias: member for alias, member in aliases.items()},
        currency_keywords=currency_keywords,
    )


def _household_for(context: ParseContext) -> _Household:
    def names(values) -> tuple[str, ...]:
        if isinstance(values, str):
            values = [values]
        return tuple(str(v) for v in (values or ()) if v is not None)

    return _household(
        str(context.speaker or ""),
        names(context.members),
        names(context.categories),
        str(context.currency or ""),
    )


# ------------------------------------------------------------------------------ scanning


@dataclass
class _Amount:
    start: int
    end: int
    value: Decimal | None  # None when the number is too long to be money
    strength: int  # 3 currency or multiplier, 2 grouped or decimal, 1 plain, 0 looks like an id
    currency: str | None
    plain_int: int | None  # the value when it is a bare small integer (a possible count)


@dataclass
class _Mention:
    start: int
    end: int
    value: object  # a date or a member name


class _Scan:
    """The spans of one message: what is claimed, what leaves the description, and mentions."""

    def __init__(self, text: str, home: _Household, today: datetime.date):
        self.text = text
        self.home = home
        self.today = today
        self.taken = bytearray(len(text))
        self.removed: list[tuple[int, int]] = []
        self.kept: list[tuple[int, int]] = []  # quantities and references: described, not a category
        self.dates: list[_Mention] = []
        self.bad_dates: list[_Mention] = []
        self.payers: list[_Mention] = []
        self._scan()

    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.taken[start:end])

    def claim(self, start: int, end: int, remove: bool) -> None:
        self.taken[start:end] = b"\x01" * (end - start)
        (self.removed if remove else self.kept).append((start, end))

    def _scan(self) -> None:
        text = self.text
        for m in _LIST_MARKER_RE.finditer(text):
            if self.free(m.start(), m.end()):
                self.claim(m.start(), m.end(), remove=True)
        for pattern, kind in _DATE_PATTERNS:
            for m in pattern.finditer(text):
                if not self.free(m.start(), m.end()):
                    continue
                found = _date_from_match(m, kind, self.today, self.home.currency)
                if found is None:
                    continue
                value, end = found
                self.claim(m.start(), end, remove=True)
                if value is None:
                    self.bad_dates.append(_Mention(m.start(), end, text[m.start() : end].strip()))
                else:
                    self.dates.append(_Mention(m.start(), end, value))
        for m in _PER_RE.finditer(text):
            if self.free(m.start(), m.end()):
                self.claim(m.start(), m.end(), remove=True)
        for m in _TIME_RE.finditer(text):
            if self.free(m.start(), m.end()):
                self.claim(m.start(), m.end(), remove=True)
        for pattern in _YEAR_PATTERNS:
            for m in pattern.finditer(text):
                year = int(m.group("y"))
                year += 2000 if year < 100 else 0
                if self.today.year - 10 <= year <= self.today.year + 1 and self.free(
                    m.start("y"), m.end("y")
                ):
                    self.claim(m.start("y"), m.end("y"), remove=False)
        for m in _QUANTITY_RE.finditer(text):
            if m.group("unit").lower() == "l" and not self._litres(m):
                continue  # "1.5L for the sofa" is 1.5 lakh
            if (
                _UNIT_RE.fullmatch(m.group("unit"))
                and self.free(m.start(), m.end())
                and not _CURRENCY_BEFORE_RE.search(text, max(0, m.start() - 8), m.start())
            ):
                self.claim(m.start(), m.end(), remove=False)
        for pattern in _KEEP_PATTERNS:
            for m in pattern.finditer(text):
                if self.free(m.start(), m.end()) and not _CURRENCY_BEFORE_RE.search(
                    text, max(0, m.start() - 8), m.start()
                ):
                    self.claim(m.start(), m.end(), remove=False)
        self._scan_payers()
        self.dates.sort(key=lambda d: d.start)
        self.payers.sort(key=lambda p: p.start)

    def _litres(self, m: re.Match) -> bool:
        """Whether "<number> L" is litres: a liquid is named, or another number is the price."""
        text = self.text
        near = _WORD_RE.findall(text[max(0, m.start() - 30) : m.end() + 30].lower())
        if any(word in _LIQUIDS for word in near):
            return True
        return bool(_DIGIT_RE.search(text, 0, m.start()) or _DIGIT_RE.search(text, m.end()))

    def _scan_payers(self) -> None:
        text, home = self.text, self.home
        if home.prefix_payer is not None:
            m = home.prefix_payer.match(text)
            if m and _member(home, m) and self.free(m.start("name"), m.end("name")):
                self._add_payer(m.start(), m.end(), _member(home, m))
        for pattern in home.payer_patterns:
            for m in pattern.finditer(text):
                if _member(home, m) and self.free(m.start(), m.end()):
                    self._add_payer(m.start(), m.end(), _member(home, m))
        if home.suffix_payer is not None:
            m = home.suffix_payer.search(text)
            before = text[: m.start()].rstrip() if m else ""
            after_amount = bool(before) and (before[-1].isdigit() or before[-1] in ",-:;(/")
            if m and after_amount and _member(home, m) and self.free(m.start("name"), m.end("name")):
                self._add_payer(m.start(), m.end(), _member(home, m))
        for pattern in _SELF_PATTERNS:
            for m in pattern.finditer(text):
                if self.free(m.start(), m.end()):
                    self._add_payer(m.start(), m.end(), home.speaker)

    def _add_payer(self, start: int, end: int, member: str) -> None:
        self.claim(start, end, remove=True)
        self.payers.append(_Mention(start, end, member))


def _alias_key(name: str) -> str:
    """A member name as a lookup key: case, accents and spacing folded away (at least as loose
    as re.IGNORECASE, so whatever the name pattern matches finds its member)."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("ı", "i").split())


def _member(home: _Household, m: re.Match) -> str | None:
    return home.member_by_lower.get(_alias_key(m.group("name")))


# ------------------------------------------------------------------------------ dates


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _recent(today: datetime.date, month: int, day: int) -> datetime.date | None:
    """This year's day and month, or last year's when that would be more than a day ahead."""
    found = _safe_date(today.year, month, day)
    if found is None or found > today + datetime.timedelta(days=1):
        found = _safe_date(today.year - 1, month, day) or found
    return found


def _year(raw: str | None, today: datetime.date) -> int | None:
    if not raw:
        return None
    digits = raw.lstrip("'")
    year = int(digits) + (2000 if len(digits) == 2 else 0)
    return year if today.year - 10 <= year <= today.year + 1 else None


def _date_from_match(
    m: re.Match, kind: str, today: datetime.date, currency: str
) -> tuple[datetime.date | None, int] | None:
    """The date a match names and where its span ends; None when the match is no date at all,
    a None date when it is written as one but names no real day ("31 April")."""
    end = m.end()
    one_day = datetime.timedelta(days=1)
    if kind in ("-2", "-1", "0", "+1", "-7"):
        return today + one_day * int(kind), end
    if kind == "ago":
        raw = " ".join(m.group("n").lower().split())
        n = _SMALL_NUMBERS.get(raw) or int(raw)
        days = n * (7 if m.group("u").lower().startswith("w") else 1)
        return today - one_day * days, end
    if kind == "ymd":
        found = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        return (found, end) if found else None
    if kind in ("numeric3", "numeric2"):
        a, b = int(m.group("a")), int(m.group("b"))
        day, month = (b, a) if currency in _MONTH_FIRST_CURRENCIES else (a, b)
        if not (1 <= month <= 12) and 1 <= day <= 12:
            day, month = month, day
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        if kind == "numeric3":
            year = _year(m.group("y"), today)
            found = _safe_date(year, month, day) if year else None
        else:
            found = _recent(today, month, day)
        return (found, end) if found else None
    if kind in ("dm", "md"):
        month = _MONTHS[m.group("m").lower()]
        day = int(m.group("d"))
        year = _year(m.group("y"), today)
        if m.group("y") and year is None:
            end = m.end("core")  # "March 3 2000": the 2000 is money, not a year
        found = _safe_date(year, month, day) if year else _recent(today, month, day)
        return found, end  # None: "31 April" names no real day, and is no amount either
    if kind == "weekday":
        weekday = _WEEKDAYS[m.group("wd").lower()]
        mode = (m.groupdict().get("mode") or "").lower()
        if mode == "next":
            ahead = (weekday - today.weekday()) % 7 or 7
            return today + one_day * ahead, end
        back = (today.weekday() - weekday) % 7
        if back == 0 and mode in ("last", "past", "previous"):
            back = 7
        return today - one_day * back, end
    if kind == "ordinal":
        day = int(m.group("d"))
        if not 1 <= day <= 31:
            return None
        year, month = today.year, today.month
        for _ in range(3):
            found = _safe_date(year, month, day)
            if found is not None and found <= today:
                return found, end
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return None
    return None


# ------------------------------------------------------------------------------ amounts


def _find_amounts(masked: str, currency: str) -> list[_Amount]:
    found = []
    for m in _AMOUNT_RE.finditer(masked):
        num = m.group("num")
        digits = num.replace(",", "")
        integer_digits = digits.split(".")[0]
        marker = (m.group("pre") or m.group("suf") or "").lower().rstrip(".").strip()
        mult = (m.group("mult") or "").lower()
        value: Decimal | None = None
        if len(integer_digits) <= MAX_AMOUNT_DIGITS:
            value = Decimal(digits)
            if mult:
                value *= _MULTIPLIERS[mult]
            value = value.quantize(_CENT, rounding=ROUND_HALF_UP, context=_WIDE)
        if marker or mult:
            strength = 3
        elif "," in num or "." in num:
            strength = 2
        elif len(integer_digits) >= 9:
            strength = 0
        else:
            strength = 1
        marker_currency = None
        if marker and marker not in ("/-", "/="):
            marker_currency = _CURRENCY_WORDS.get(marker)
            if marker_currency == "$":
                marker_currency = currency if currency in _DOLLAR_CURRENCIES else "USD"
        plain = int(digits) if strength == 1 and digits.isdigit() and len(digits) <= 3 else None
        found.append(_Amount(m.start(), m.end(), value, strength, marker_currency, plain))
    return found


def _blank(text: str, spans) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _meaningful(text: str) -> list[str]:
    return [w for w in _WORD_RE.findall(text) if w.lower() not in _FILLERS]


def _counted_nouns(amounts: list[_Amount], bare: str) -> set[int]:
    """Indexes of small bare numbers that count things ("2 coffees 360", "bought 3 shirts")."""
    possible: dict[int, str] = {}  # index -> the text just before it
    for i, a in enumerate(amounts):
        if a.plain_int is None or not 1 <= a.plain_int <= 20:
            continue
        after = _WORD_RE.match(bare, a.end + 1) if bare[a.end : a.end + 1] == " " else None
        if after is None or after.group(0).lower() in _FILLERS:
            continue
        possible[i] = bare[max(0, a.start - 40) : a.start].rstrip()
    priced = len(possible) < len(amounts)  # some amount is not itself a possible count
    counts: set[int] = set()
    for i, before in possible.items():
        a = amounts[i]
        previous = _WORD_RE.findall(before[-20:])
        last_word = previous[-1].lower() if previous and before.endswith(previous[-1]) else ""
        if last_word in _QTY_VERBS:  # "bought 3 shirts …"
            if priced:
                counts.add(i)
            continue
        if before and before[-1] not in ",;:\n|&+" and last_word not in ("and", "plus"):
            continue
        if i - 1 in counts:  # "3 samosas and 2 chai": a list of counted things
            counts.add(i)
            continue
        sep = _SEP_RE.search(bare, a.end)
        limit = sep.start() if sep else len(bare)
        for j in range(i + 1, len(amounts)):  # "2 coffees 360": a price follows in the piece
            if amounts[j].start >= limit:
                break
            if j not in possible:
                counts.add(i)
                break
    return counts


# ------------------------------------------------------------------------------ splitting


@dataclass
class _Piece:
    start: int
    end: int
    amounts: list[_Amount]


def _words_between(bare: str, start: int, end: int) -> bool:
    return start < end and bool(_meaningful(bare[start:end]))


def _split(bare: str, amounts: list[_Amount], first: int) -> list[_Piece]:
    """Cut the message into pieces that each carry an amount and words of their own."""
    segments: list[_Piece] = []
    position = first
    for m in [*_SEP_RE.finditer(bare, first), None]:
        end = m.start() if m else len(bare)
        if position < end:
            segments.append(_Piece(position, end, []))
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

    pieces: list[_Piece] = []
    pending: _Piece | None = None
    for i, seg in enumerate(segments):
        if seg.amounts and _meaningful(bare[seg.start : seg.end]):
            if pending is not None:
                _extend(pending, seg)
                seg, pending = pending, None
            pieces.append(seg)
        elif seg.amounts and pieces:  # a bare amount belongs with the piece before it
            _extend(pieces[-1], seg)
        elif (
            not seg.amounts
            and pieces
            and (not amounts_after[i + 1] or _words_between(bare, pieces[-1].amounts[-1].end, pieces[-1].end))
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
    out: list[_Piece] = []
    for piece in pieces:
        out.extend(_split_on_words(bare, piece))
    return out


def _extend(piece: _Piece, later: _Piece) -> None:
    piece.end = max(piece.end, later.end)
    piece.amounts.extend(later.amounts)


def _split_on_words(bare: str, piece: _Piece) -> list[_Piece]:
    """ "coffee 180 sandwich 220": amounts with words between them are separate expenses."""
    amounts = piece.amounts
    if len(amounts) < 2:
        return [piece]
    if not all(_words_between(bare, a.end, b.start) for a, b in itertools.pairwise(amounts)):
        return [piece]
    lead = _words_between(bare, piece.start, amounts[0].start)
    trail = _words_between(bare, amounts[-1].end, piece.end)
    if lead:
        cuts = [a.end for a in amounts[:-1]]
    elif trail:
        cuts = [a.start for a in amounts[1:]]
    else:
        return [piece]
    starts = [piece.start, *cuts]
    ends = [*cuts, piece.end]
    return [_Piece(s, e, [a]) for s, e, a in zip(starts, ends, amounts, strict=True)]


# ------------------------------------------------------------------------------ categories


def _category(text: str, home: _Household) -> tuple[str, float] | None:
    """The best category for some words, with its weight, or None when no word points to one."""
    tokens = _TOKEN_RE.findall(text.lower().replace("'", ""))
    if not tokens:
        return None
    best: tuple[float, int, str] | None = None

    def consider(weight: float, position: int, category: str) -> None:
        nonlocal best
        if position > 0 and (
            tokens[position - 1] in _LOCATION_PREPS
            or (
                position > 1
                and tokens[position - 1] in ("the", "a")
                and tokens[position - 2] in _LOCATION_PREPS
            )
        ):
            weight = max(0.5, weight - 1.5)
        if best is None or weight > best[0] or (weight == best[0] and position < best[1]):
            best = (weight, position, category)

    table, extra, names = _TABLE, home.currency_keywords, home.names
    longest = max(_TABLE_MAX_WORDS, home.name_max_words)
    for i in range(len(tokens)):
        table_hit = False
        for n in range(min(longest, len(tokens) - i), 0, -1):
            words = tokens[i : i + n]
            phrase = " ".join(words)
            if phrase in names:
                weight, category = names[phrase]
                consider(weight, i, category)
            if table_hit:
                continue
            hit = extra.get(phrase) or table.get(phrase)
            if hit is None:
                for singular in _singulars(words[-1]):
                    candidate = " ".join([*words[:-1], singular])
                    hit = extra.get(candidate) or table.get(candidate)
                    if hit is not None:
                        break
            if hit is None:
                continue
            weight, prefs = hit
            for pref in prefs:
                category = home.by_lower.get(pref.lower())
                if category is not None:
                    table_hit = True
                    consider(weight, i, category)
                    break
    if best is None:
        return None
    return best[2], best[0]


# ------------------------------------------------------------------------------ descriptions


def _tidy(text: str) -> str:
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
        while words and words[0].lower().strip(",.:;") in _LEADING_STRIP:
            words.pop(0)
        while words and words[-1].lower().strip(",.:;") in _TRAILING_STRIP:
            words.pop()
        text = " ".join(words)
        if text == before:
            break
    if len(text) > MAX_DESCRIPTION:
        cut = text[: MAX_DESCRIPTION + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_DESCRIPTION]
        text = text[:MAX_DESCRIPTION].rstrip(_EDGE_CHARS)
    return text


def _words_of(text: str, ranges: list[tuple[int, int]]) -> str:
    return " ".join(text[start:end] for start, end in ranges if start < end)


def _amount_removal(text: str, amount: _Amount) -> tuple[int, int]:
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
        if end - word_start > 16 or word not in _LEAD_INS:
            return start, amount.end
        start = word_start


# ------------------------------------------------------------------------------ parsing


def _format_amount(value: Decimal | None) -> str:
    if value is None:
        return "?"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1), context=_WIDE))
    return str(value)


def _choose(amounts: list[_Amount], home: _Household) -> tuple[Decimal | None, list[str]]:
    problems: list[str] = []
    usable = [a for a in amounts if a.value is not None]
    if not usable:
        return None, [MESSAGES["too_large"]]
    if any(a.strength > 0 for a in usable):
        usable = [a for a in usable if a.strength > 0]  # phone and reference numbers
    chosen = usable[0]
    if len(usable) > 1:
        strong = [a for a in usable if a.strength == 3]
        others = [a for a in usable if a.strength != 3]
        if len(strong) == 1 and all(a.strength <= 1 for a in others):
            chosen = strong[0]
        else:
            chosen = max(usable, key=lambda a: (a.strength, a.value))
            shown = [_format_amount(a.value) for a in usable[:6]]
            if len(usable) == 2:
                problems.append(f"Two amounts ({shown[0]} and {shown[1]}): check the amount")
            else:
                if len(usable) > 6:
                    shown[5] = f"{len(usable) - 5} more"
                listed = ", ".join(shown[:-1]) + f" and {shown[-1]}"
                problems.append(f"Several amounts ({listed}): check the amount")
    value, amount_problems = proposed_amount(chosen.value)
    problems.extend(amount_problems)
    if chosen.currency and chosen.currency != home.currency:
        problems.append(
            f"The amount is in {chosen.currency} but the household uses {home.currency} — check it"
        )
    return value, problems


def _label_end(bare: str, amounts: list[_Amount]) -> int:
    """The end of a leading label such as "Groceries:" that names what follows."""
    colon = bare.find(":")
    if colon <= 0 or colon > 60 or "\n" in bare[:colon]:
        return 0
    if any(a.start < colon for a in amounts) or not _meaningful(bare[:colon]):
        return 0
    return colon + 1


def _shared_regions(bare: str, pieces: list[_Piece], label_end: int) -> list[tuple[int, int]]:
    """The label, and words trailing (or leading) every piece: "…, sandwich 220 at the airport"."""
    shared = [(0, label_end)] if label_end else []
    if len(pieces) < 2:
        return shared
    if all(
        _words_between(bare, p.start, p.amounts[0].start)
        and not _words_between(bare, p.amounts[-1].end, p.end)
        for p in pieces[:-1]
    ):
        last = pieces[-1]
        shared.append((last.amounts[-1].end, last.end))
    elif all(
        not _words_between(bare, p.start, p.amounts[0].start)
        and _words_between(bare, p.amounts[-1].end, p.end)
        for p in pieces[1:]
    ):
        head = pieces[0]
        shared.append((head.start, head.amounts[0].start))
    return shared


class _Owners:
    """Which piece a date or payer mention belongs to, or whether every piece shares it."""

    def __init__(self, bare: str, amounts: list[_Amount], pieces, shared) -> None:
        self.pieces = pieces
        self.starts = [p.start for p in pieces]
        self.shared = shared
        edges = [(a.start, a.end) for a in amounts]
        edges += [(m.start(), m.end()) for m in _WORD_RE.finditer(bare) if m.group(0).lower() not in _FILLERS]
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

    def own(self, mentions: list[_Mention]) -> dict[int, object]:
        found: dict[int, object] = {}
        for mention in mentions:
            index = self.piece_of(mention.start)
            if index is not None:
                found.setdefault(index, mention.value)
        return found

    def shared_value(self, mentions: list[_Mention]) -> object | None:
        """The first mention in shared words or at the very start or end of the message."""
        for mention in mentions:
            if (
                self.in_shared(mention.start)
                or self.first_content >= mention.start
                or self.last_content <= mention.end
            ):
                return mention.value
        return None


def parse_expenses(text: str, context: ParseContext) -> list[ParsedItem]:
    """Read a chat message into expense drafts: at least one item, whatever the text."""
    home = _household_for(context)
    today = context.today
    if isinstance(today, datetime.datetime):
        today = today.date()
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    truncated = len(text) > MAX_TEXT
    norm = text[:MAX_TEXT].translate(_CHAR_MAP)

    scan = _Scan(norm, home, today)
    masked = _blank_taken(norm, scan.taken)
    amounts = _find_amounts(masked, home.currency)
    bare = _blank(masked, [(a.start, a.end) for a in amounts])
    counted = _counted_nouns(amounts, bare)
    if counted:
        amounts = [a for i, a in enumerate(amounts) if i not in counted]
        bare = _blank(masked, [(a.start, a.end) for a in amounts])

    label_end = _label_end(bare, amounts)
    pieces = _split(bare, amounts, label_end) if amounts else [_Piece(label_end, len(norm), [])]
    if len(pieces) == 1:
        label_end = pieces[0].start = 0
    shared = _shared_regions(bare, pieces, label_end)

    owners = _Owners(bare, amounts, pieces, shared)
    own_dates = owners.own(scan.dates)
    own_payers = owners.own(scan.payers)
    bad_dates = owners.own(scan.bad_dates)
    # A date shared by position dates every piece; failing that, one date in the message dates
    # the pieces that name none. A payer has to be shared by position.
    default_date = owners.shared_value(scan.dates) or (scan.dates[0].value if scan.dates else today)
    default_payer = owners.shared_value(scan.payers) or home.speaker

    removed = scan.removed + [_amount_removal(norm, a) for a in amounts]
    described = _blank(norm, removed)  # what descriptions are made of
    telling = _blank(described, scan.kept)  # what categories are read from
    shared_text = _words_of(described, shared[1:] if label_end else shared)
    # Words leading an amount-first list read best in front ("Walmart groceries"), unless they
    # start with a preposition ("rice at DMart"); trailing words always follow.
    first_word = _WORD_RE.search(shared_text)
    preposition = first_word is not None and first_word.group(0).lower() in _LOCATION_PREPS
    lead = bool(shared) and shared[-1][0] <= pieces[0].start and not preposition
    if preposition:  # "At DMart 400 rice" -> "rice at DMart"
        at = first_word.start()
        shared_text = shared_text[:at] + shared_text[at:].replace(
            first_word.group(0), first_word.group(0).lower(), 1
        )
    shared_category = _category(_words_of(telling, shared), home) if shared else None

    items = []
    for index, piece in enumerate(pieces):
        own = _subtract((piece.start, piece.end), shared)
        if piece.amounts:
            amount, problems = _choose(piece.amounts, home)
        else:
            amount, problems = None, [NO_AMOUNT]

        found = _category(_words_of(telling, own), home) or shared_category
        if found is not None:
            category = found[0]
        else:
            category = home.fallback
            if home.fallback_problem:
                problems.append(home.fallback_problem)
        own_text = _words_of(described, own)
        joined = f"{shared_text} {own_text}" if lead else f"{own_text} {shared_text}"
        description = _tidy(joined) or category.lower()

        date = own_dates.get(index) or default_date
        if index in bad_dates and index not in own_dates:
            problems.append(f"“{bad_dates[index]}” is not a real date — check the date")
        if abs((date - today).days) > 366:
            problems.append(f"The date {date.isoformat()} is more than a year away — check it")
        payer = own_payers.get(index) or default_payer
        if payer not in home.members:
            payer = home.speaker if home.speaker in home.members else home.members[0]
        if truncated:
            problems.append(TOO_LONG)
        items.append(
            ParsedItem(
                amount=amount,
                category=category,
                date=date,
                paid_by=payer,
                description=description,
                problems=problems,
            )
        )
    return items


def _blank_taken(text: str, taken: bytearray) -> str:
    if not any(taken):
        return text
    return "".join(" " if flag else ch for ch, flag in zip(text, taken, strict=True))


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
