"""What the main pages cost with 1,000 and with 100,000 expenses (make bench; not in the default run).

Prints the median time of each page and its query count at both sizes. Pages are bounded by
period or page and summed in SQL, so the two columns should be close.
"""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from budgets.models import Budget
from budgets.services import budget_create
from expenses.models import Category, Expense, ExpenseStatus
from tests.factories import DraftFactory

PAGES = ["/", "/expenses/", "/expenses/?q=milk", "/budgets/", "/inbox/", "/chat/", "/expenses/?overdue=on"]
ROUNDS = 7
HX = {"HX-Request": "true"}


def fill(household, members, count: int) -> None:
    rng = random.Random(count)
    categories = list(Category.objects.for_household(household))
    today = household.today()
    batch = []
    for i in range(count):
        planned = i % 25 == 0
        batch.append(
            Expense(
                household=household,
                amount=Decimal(rng.randrange(50, 5000)),
                currency=household.currency,
                category=rng.choice(categories),
                description=rng.choice(["milk", "petrol", "rent", "dinner", "books", "medicine"]),
                date=today - timedelta(days=i % 1500),
                status=ExpenseStatus.PLANNED if planned else ExpenseStatus.PAID,
                due_date=today + timedelta(days=i % 30 - 10) if planned else None,
                paid_by=members[i % len(members)],
                logged_by=members[0],
            )
        )
        if len(batch) == 5000:
            Expense.objects.bulk_create(batch)
            batch = []
    Expense.objects.bulk_create(batch)


def measure(client, path: str) -> tuple[float, int]:
    client.get(path)  # warm
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    count = len(queries)
    reset_queries()
    return statistics.median(times), count


@pytest.mark.django_db
def test_pages_cost_the_same_at_1k_and_100k(household, admin_user, member_user, member_client):
    total = budget_create(household=household, user=admin_user, name="Household", amount=Decimal("90000"))
    for name in ["Groceries", "Dining", "Transport", "Utilities"]:
        budget_create(
            household=household,
            user=admin_user,
            name=name,
            amount=Decimal("9000"),
            parent=total,
            category=Category.objects.get(household=household, name=name),
        )
    DraftFactory.create_batch(5, household=household, paid_by=member_user)
    assert Budget.objects.count() == 5
    results = {}
    filled = 0
    for size in (1_000, 100_000):
        fill(household, [admin_user, member_user], size - filled)
        filled = size
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        results[size] = {path: measure(member_client, path) for path in PAGES}
    print(f"\n{'page':<24}{'1,000 ms':>10}{'100,000 ms':>12}{'queries':>10}   ({connection.vendor})")
    for path in PAGES:
        small, large = results[1_000][path], results[100_000][path]
        print(f"{path:<24}{small[0]:>10.1f}{large[0]:>12.1f}{small[1]:>6} / {large[1]}")
        assert small[1] == large[1], f"{path} makes more queries with more expenses"
