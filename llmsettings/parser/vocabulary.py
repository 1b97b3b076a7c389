"""The builtin parser's vocabulary: every word it knows, as tables.

Data only. The regexes that look for these words are built from the tables (longest first,
escaped, the spaces of a phrase matching any run of spaces), so a word added here is a word the
parser reads: one edit, nothing else to keep in step. Keys are lower case; a phrase's words are
separated by single spaces. The keyword table is text, read by categories.build_table.
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
    ps playstation xbox windows android ios
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
        settled purchased recharged renewed put filled refilled fuelled fueled handed
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
SEPARATOR_WORDS = _wordset("and plus also then aur")

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

# A header names the categories a keyword goes to, best first: the first one the household has
# wins ("Pets > Health": a household with a Pets category gets vet bills there, others Health).
# Entries are comma-separated; "~" marks a weak word that loses to any ordinary one.
KEYWORD_TABLE = """
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
CURRENCY_KEYWORDS = {
    "$": {"gas": (2.0, ("Fuel", "Transport")), "gas station": (3.0, ("Fuel", "Transport"))},
    "": {"gas": (2.0, ("Bills", "Utilities"))},
}
