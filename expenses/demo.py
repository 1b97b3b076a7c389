"""Demo ledger for seed_demo: six months of a household's everyday spending (deterministic)."""

import random
from datetime import timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from expenses import csv_format
from expenses.models import Cadence, Category, Expense, ExpenseStatus, LearnedWord, RecurringRule, Source
from expenses.services import DraftData, draft_create, import_batch_create, import_batch_start

# (category, description, low, high, times a month)
EVERYDAY = [
    ("Groceries", "BigBasket order", 900, 2600, 4),
    ("Groceries", "Vegetables and fruit", 180, 650, 6),
    ("Groceries", "Milk and curd", 60, 180, 8),
    ("Dining", "Swiggy dinner", 350, 900, 3),
    ("Dining", "Coffee", 120, 320, 4),
    ("Transport", "Petrol", 1500, 2600, 2),
    ("Transport", "Uber", 160, 480, 3),
    ("Health", "Pharmacy", 180, 900, 1),
    ("Shopping", "Amazon order", 400, 3200, 2),
    ("Entertainment", "Movie tickets", 500, 900, 1),
    ("Personal care", "Haircut", 250, 600, 1),
    ("Kids", "School supplies", 200, 1200, 1),
]
MONTHLY = [
    ("Housing", "Rent", 25000, 1),
    ("Utilities", "Electricity bill", 1800, 8),
    ("Utilities", "Internet", 999, 5),
    ("Education", "School fees", 8500, 10),
    ("Entertainment", "Netflix", 649, 12),
]


def seed(*, household, members) -> None:
    if Expense.objects.for_household(household).exists():
        return
    rng = random.Random(2026)
    categories = {c.name: c for c in Category.objects.for_household(household)}
    today = household.today()
    first = (today.replace(day=1) - timedelta(days=160)).replace(day=1)
    expenses = []

    def add(
        category, description, amount, day, member, status=ExpenseStatus.PAID, due=None, source=Source.MANUAL
    ):
        expenses.append(
            Expense(
                household=household,
                currency=household.currency,
                category=categories[category],
                description=description,
                amount=Decimal(amount).quantize(Decimal("1")),
                date=day,
                status=status,
                due_date=due,
                paid_by=member,
                logged_by=member,
                source=source,
            )
        )

    month = first
    while month <= today:
        for category, description, amount, day_of_month in MONTHLY:
            day = month.replace(day=day_of_month)
            if day <= today:
                add(
                    category,
                    description,
                    amount * rng.uniform(0.9, 1.1) if category == "Utilities" else amount,
                    day,
                    members[0] if description != "School fees" else members[-1],
                    source=Source.RECURRING,
                )
        for category, description, low, high, times in EVERYDAY:
            for _ in range(times):
                day = month + timedelta(days=rng.randrange(28))
                if day <= today:
                    add(category, description, rng.uniform(low, high), day, rng.choice(members))
        month = (month + timedelta(days=32)).replace(day=1)

    add(
        "Health",
        "Health insurance premium",
        14500,
        today + timedelta(days=9),
        members[0],
        status=ExpenseStatus.PLANNED,
        due=today + timedelta(days=9),
    )
    add(
        "Utilities",
        "Water bill",
        420,
        today - timedelta(days=4),
        members[-1],
        status=ExpenseStatus.PLANNED,
        due=today - timedelta(days=2),
    )
    add(
        "Travel",
        "Train tickets to Jaipur",
        3800,
        today + timedelta(days=20),
        members[-1],
        status=ExpenseStatus.PLANNED,
        due=today + timedelta(days=12),
    )
    bulk_create_with_history(expenses, Expense, batch_size=500, default_user=members[0])

    RecurringRule.objects.bulk_create(
        [
            RecurringRule(
                household=household,
                amount=Decimal("25000"),
                category=categories["Housing"],
                description="Rent",
                paid_by=members[0],
                cadence=Cadence.MONTHLY,
                day_of_month=1,
                start_date=today,
                created_by=members[0],
            ),
            RecurringRule(
                household=household,
                amount=Decimal("649"),
                category=categories["Entertainment"],
                description="Netflix",
                paid_by=members[0],
                cadence=Cadence.MONTHLY,
                day_of_month=12,
                start_date=today,
                created_by=members[0],
            ),
        ]
    )
    for text, amount, category, description, problems in [
        ("chai and samosa 90", "90", "Dining", "chai and samosa", []),
        (
            "gift for Meera's birthday",
            None,
            "Gifts",
            "gift for Meera's birthday",
            ["No amount found: enter one."],
        ),
    ]:
        draft_create(
            household=household,
            user=members[-1],
            data=DraftData(
                amount=Decimal(amount) if amount else None,
                category=categories[category],
                date=today,
                description=description,
                paid_by=members[-1],
                problems=problems,
            ),
            source=Source.CHAT,
            raw_text=text,
        )
    # Words the family taught by correcting drafts: the categories page shows them.
    for phrase, category in [("gopalji", "Groceries"), ("raddiwala", "Housing"), ("bharatanatyam", "Kids")]:
        LearnedWord.objects.create(
            household=household, phrase=phrase, category=categories[category], created_by=members[-1]
        )
    # Last week's bank statement, imported: its purchases wait in the inbox, and the status page
    # lists the salary, the card bill, the self-transfer and the cash withdrawal it skipped.
    day = (today - timedelta(days=6)).strftime("%d/%m/%y")
    lines = [
        "Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance",
        f"{day},UPI-ZEPTO GROCERIES,1001,{day},612.00,,84388.00",
        f"{day},UPI-RAPIDO RIDE,1002,{day},143.00,,84245.00",
        f"{day},NEFT CR-ACME LTD-SALARY,1003,{day},,95000.00,179245.00",
        f"{day},CC PAYMENT AUTOPAY HDFC CARD,1004,{day},18450.00,,160795.00",
        f"{day},SELF TRANSFER TO SAVINGS A/C,1005,{day},10000.00,,150795.00",
        f"{day},ATM WDL KORAMANGALA,1006,{day},2000.00,,148795.00",
        f"{day},UPI-APOLLO PHARMACY,1007,{day},389.50,,148405.50",
    ]
    data = ("\n".join(lines) + "\n").encode()
    upload = csv_format.read_upload("bank-statement.csv", "text/csv", len(data), data)
    batch = import_batch_create(
        household=household, user=members[0], file_name="bank-statement.csv", upload=upload
    )
    import_batch_start(
        household=household,
        user=members[0],
        batch=batch,
        mapping={
            "date": 0,
            "description": 1,
            "amount": 4,
            "inflow": 5,
            "category": None,
            "type": None,
            "sign": "spent_positive",
            "date_format": "DD/MM/YY",
            "has_header": True,
        },
    )
