"""The builtin parser's vocabulary: every word it knows, as tables.

Data only. The regexes that look for these words are built from the tables (longest first,
escaped, the spaces of a phrase matching any run of spaces), so a word added here is a word the
parser reads: one edit, nothing else to keep in step. Keys are lower case; a phrase's words are
separated by single spaces. Which category a word points to is not here: those tables are data
files, ``words/*.txt`` (one ``phrase → Category > Fallback`` a line), read and checked by
``wordtables.load_tables``.
"""

from __future__ import annotations

from decimal import Decimal


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _words(words: str) -> tuple[str, ...]:
    return tuple(words.split())


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

# One character for one character, so spans found in the normalised text fit the original.
CHAR_MAP = str.maketrans(
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

# ------------------------------------------------------------------------------ amounts

# A word after a number that multiplies it: "1.2k", "2 lakh", "3 crores".
MULTIPLIERS: dict[str, Decimal] = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "lakh": Decimal(100_000),
    "lakhs": Decimal(100_000),
    "lac": Decimal(100_000),
    "lacs": Decimal(100_000),
    "lk": Decimal(100_000),
    "lkh": Decimal(100_000),
    "l": Decimal(100_000),  # "1.5L": only when it cannot be litres (see claims.claim_quantities)
    "crore": Decimal(10_000_000),
    "crores": Decimal(10_000_000),
    "cr": Decimal(10_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}

# A currency sign or word next to a number, and the currency it names ("$" is the household's
# own dollar when it uses one, else USD). A word may also end in a dot ("Rs. 450").
CURRENCY_WORDS: dict[str, str] = {
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
# Currency words that only follow a number ("20 bucks", never "bucks 20"), and that only lead one.
CURRENCY_ONLY_AFTER = _wordset("bucks euro euros pound pounds")
CURRENCY_ONLY_BEFORE = _wordset("us$")
# What may end an amount without naming a currency: "500/-".
AMOUNT_ENDINGS = ("/-", "/=")
DOLLAR_CURRENCIES = _wordset("USD CAD AUD NZD SGD HKD")

# A word after a number that makes it a quantity, not money: "2 kg", "3 nights", "4 people".
UNITS: tuple[str, ...] = (
    *_words(
        """
        kg kgs kilo kilos kilogram kilograms gm gms gram grams g mg ltr ltrs litre litres liter liters l ml
        lb lbs oz ounce ounces gallon gallons gal pcs pc piece pieces nos unit units packet packets pkt
        pkts pack packs dozen dozens doz boxes box bottle bottles can cans carton cartons jar jars bag
        bags cup cups plate plates glasses bowl bowls slice slices loaves loaf bunch bunches night nights
        day days hour hours hr hrs minute minutes min mins week weeks wk wks month months mth mths year
        years yr yrs km kms kilometer kilometers kilometre kilometres mile miles mi people person persons
        pax adult adults kids children guest guests seat seats room rooms ticket tickets item items times
        sqft meter meters metre metres mtr mtrs cm mm inch inches ft feet gb mb tb mbps gbps kwh kw
        serving servings session sessions visit visits ride rides trip trips pair pairs set sets roll
        rolls tablet tablets strip strips ppl members
        """
    ),
    "sq ft",
    "sq. ft",
    "sq.ft",
)
# Liquids: "2 l milk" is litres, where "2 l" alone could be two lakh.
LIQUIDS = _wordset(
    "milk water oil petrol diesel fuel juice coke pepsi cola soda beer wine ghee curd buttermilk"
    " lassi paint detergent kerosene phenyl"
)
# What makes a number a rate, not a separate amount: "649/month", "per night".
RATE_UNITS_AFTER_SLASH = _wordset("month mo mth year yr day week wk night person head kg piece hr hour")
RATE_UNITS_AFTER_WORD = _wordset("month year day week night person head")
RATE_WORDS = _wordset("per a every")
# A noun a number may name, not price: "flat 302", "room 4", "route 52", "iPhone 15". Such a number
# is not money when another number in its clause is ("flat 302 maintenance 2500").
NUMBERED_NOUNS = _wordset(
    """
    flat flats house room rooms apartment apt unit suite villa bungalow block tower wing floor plot
    sector phase lane road street gali ward door gate platform seat berth coach bay counter locker
    pump table route bus line train version ver model series gen generation class grade std
    standard chapter level stage season episode iphone ipad galaxy pixel oneplus redmi note macbook
    ps playstation xbox windows android ios term semester sem quarter batch round part
    """
)
# Words that say money came back, not went out: such a draft is flagged for a person to check.
MONEY_BACK_WORDS: tuple[str, ...] = (
    *_words(
        "refund refunds refunded returned cashback reimbursed reimbursement reversal reversed chargeback"
    ),
    "cash back",
    "money back",
    "got back",
    "came back",
)
# Markup and code a message may carry by accident or on purpose: never money, never a description.
MARKUP_ELEMENTS = _wordset("script style")
# Words before a number that make it a reference, not money: "ref 4471", "order id 99".
REFERENCE_WORDS: tuple[str, ...] = (
    *_words("no number ref pnr invoice txn utr"),
    "order id",
    "booking id",
)

# ------------------------------------------------------------------------------ dates

MONTHS: dict[str, int] = {
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
# Monday is 0. The longest spelling of a day (its full name) may stand alone ("Friday"); the
# others only after "on", "last", "next" … ("on Sat"), as "sat" and "sun" are words too.
WEEKDAYS: dict[str, int] = {
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
# A day named by its distance from today. Each may be followed by "'s" or a part of the day
# ("yesterday evening") and led by "on", "the", "earlier". Each distance is a kind of date of
# its own (see dates.py), named by the distance: "-1", "0", "+2".
DAYS_FROM_TODAY: dict[str, int] = {
    "day before yesterday": -2,
    "yesterday": -1,
    "yday": -1,
    "yest": -1,
    "last night": -1,
    "last evening": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "just now": 0,
    "tomorrow": 1,
    "last week": -7,
}
PARTS_OF_DAY = _wordset("night evening morning afternoon")
# "3 days ago", "a couple of weeks back".
# Number words, also read by the analysis chat ("the last two months") and in amounts written
# out ("three hundred", "two thousand five hundred", "one lakh twenty thousand").
NUMBER_WORDS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
            " fifteen sixteen seventeen eighteen nineteen"
        )
    )
    if value
} | {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# What multiplies the number words before it: "three hundred", "two lakh fifty thousand".
HUNDRED_WORDS = _wordset("hundred")
SCALE_WORDS: dict[str, int] = {
    "thousand": 1000,
    "lakh": 100_000,
    "lakhs": 100_000,
    "lac": 100_000,
    "lacs": 100_000,
    "million": 1_000_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
}
SMALL_NUMBERS: dict[str, int] = {"a": 1, "an": 1, **NUMBER_WORDS, "couple of": 2}
DAYS_PER_UNIT: dict[str, int] = {"day": 1, "days": 1, "week": 7, "weeks": 7}
AGO_WORDS = _wordset("ago back before")
# "the 5th" is a day of the month, unless one of these follows ("the 5th floor").
NOT_A_DAY_AFTER_ORDINAL = _wordset("floor hand time class grade standard std installment instalment emi")

# ------------------------------------------------------------------------------ who paid

# What a payer did: "Ravi paid …", "I bought …".
PAY_VERBS: tuple[str, ...] = (
    *_words(
        """
        paid pays payed spent spends bought buys got ordered booked covered gave sent transferred
        settled purchased recharged renewed put filled refilled fuelled fueled handed venmoed
        venmo'd zelled zelle'd paypaled paypal'd gpayed gpay'd upi'd
        """
    ),
    "topped up",
    "picked up",
    "shelled out",
)
# "… by Ravi", "done by me".
BY_VERBS = _wordset("paid payed bought covered spent ordered booked done settled purchased charged")
# "on my card", "with Ravi's UPI".
PAYMENT_METHODS: tuple[str, ...] = (
    "credit card",
    "debit card",
    *_words("card account acct upi gpay paytm phonepe wallet amex treat"),
)

# ------------------------------------------------------------------------------ splitting and words

# Words that cut a message into expenses, besides , ; | & + and line breaks.
SEPARATOR_WORDS = _wordset("and n plus also then aur")

# Words that carry no meaning of their own in an expense note.
FILLERS = _wordset(
    """
    a an the for on of at in to and with by from paid pay pays payed paying spent spend spends
    spending bought buy buys purchased i we me my our us it its was is are were total totaling
    totalling only each per approx approximately around about worth costing cost costs just also
    plus or then rs inr usd rupees rupee dollars dollar bucks eur gbp amount amt some got had
    have has did
    """
)
# Greetings and sign-offs around the items: "hi! milk 60", "petrol 500 thanks".
GREETINGS = _wordset(
    "hi hii hello hey heya hiya namaste ok okay ack so pls plz please thanks thx ty thank you guys all"
)
LEADING_STRIP = GREETINGS | _wordset(
    """
    a an the for on of to at in and with by from paid pay payed spent spend bought buy purchased
    got ordered took i we me had have has did some just also total amount amt rs is was only
    approx around about as filled booked renewed gave transferred sent made
    """
)
TRAILING_STRIP = GREETINGS | _wordset(
    """
    a an the for on of to at in and with by from only total each paid spent bought approx around
    about worth rs is was amount amt
    """
)
# Verbs that leave a description wherever they stand, with a "for" or "on" after them.
FILLER_VERBS = _wordset("paid payed spent purchased bought")
# Little words that lead into an amount and leave with it: "for 380", "worth 50".
LEAD_INS = _wordset(
    "for of worth costing cost costs at around about approx approximately total totaling totalling only"
)
QTY_VERBS = _wordset("bought buy got ordered order purchased for of with get had took ate drank")
LOCATION_PREPS = _wordset("at in from near to via outside inside around")

# ------------------------------------------------------------------------------ categories

# Words that only continue the expense before: "uber 189 to work n 214 back" - the 214 is uber too.
CONTINUATION_WORDS = _wordset("back return again more same too extra another one new pair")

# Words too general to stand alone for a category a household taught ("bill" in "milkman bill").
GENERIC_WORDS = _wordset(
    """
    bill bills fee fees charge charges payment payments monthly weekly yearly annual daily new old
    extra advance due balance repair repairs service servicing stuff things thing item items order
    orders misc home house room shop store online cash card upi share half full today yesterday
    week month year morning evening night last next first second
    """
)

# The keyword tables are data files, words/*.txt, read by wordtables.load_tables.

# Keywords whose meaning depends on the household's currency.
CURRENCY_KEYWORDS = {
    "$": {"gas": (2.0, ("Fuel", "Transport")), "gas station": (3.0, ("Fuel", "Transport"))},
    "": {"gas": (2.0, ("Bills", "Utilities"))},
}
