"""What the inbox costs with 10 and with 3,000 pending drafts, and what clearing 3,000 costs
(make bench; not in the default run).

Prints the median time, the peak memory (tracemalloc) and the query count of GET /inbox/ at both
sizes, then the time of "Confirm all ready" and of "Discard all" on 3,000 drafts. The page is
paged, so the two columns of the first table should be close.
"""

import statistics
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expenses.models import Category, DraftState, Expense, ExpenseDraft, Source

ROUNDS = 5


def fill(household, member, count: int, *, problems_every: int = 10) -> None:
    categories = list(Category.objects.for_household(household))
    today = household.today()
    ExpenseDraft.objects.bulk_create(
        (
            ExpenseDraft(
                household=household,
                source=Source.IMPORT,
                raw_text=f"{today - timedelta(days=i % 200)},SWIGGY ORDER {i},{100 + i % 900}.00",
                amount=Decimal(100 + i % 900),
                category=categories[i % len(categories)],
                description=f"swiggy order {i}",
                date=today - timedelta(days=i % 200),
                paid_by=member,
                problems=["No category: pick one."] if i % problems_every == 0 else [],
            )
            for i in range(count)
        ),
        batch_size=1000,
    )


def measure(client, path: str) -> tuple[float, float, int]:
    client.get(path)  # warm
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    tracemalloc.start()
    client.get(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times), peak / 1_000_000, len(queries)


@pytest.mark.django_db
def test_inbox_costs_the_same_with_10_and_3000_drafts(household, member_user, member_client):
    results = {}
    filled = 0
    for size in (10, 3_000):
        fill(household, member_user, size - filled)
        filled = size
        results[size] = measure(member_client, "/inbox/")
    print(f"\nGET /inbox/ ({connection.vendor})   ms      peak MB   queries")
    for size, (ms, mb, queries) in results.items():
        print(f"{size:>6} pending drafts   {ms:>8.1f}   {mb:>7.1f}   {queries:>5}")
    assert results[10][2] == results[3_000][2], "the inbox makes more queries with more drafts"


@pytest.mark.django_db
def test_clearing_3000_drafts(household, member_user, member_client):
    fill(household, member_user, 3_000)
    start = time.perf_counter()
    response = member_client.post("/inbox/confirm-all/", {"scope": "all"}, follow=True)
    confirmed_ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200
    saved = Expense.objects.filter(household=household).count()
    start = time.perf_counter()
    member_client.post("/inbox/discard/", {"scope": "all"}, follow=True)
    discarded_ms = (time.perf_counter() - start) * 1000
    left = ExpenseDraft.objects.filter(household=household, state=DraftState.PENDING).count()
    print(
        f"\nConfirm all ready: {saved} saved in {confirmed_ms:.0f} ms; "
        f"discard all the rest in {discarded_ms:.0f} ms; {left} left ({connection.vendor})"
    )
    assert saved == 2_700 and left == 0
