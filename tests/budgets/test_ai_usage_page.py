"""The AI usage page: the month's AI spend against its limits, by member, by model and by day, the
calls behind each figure (each aggregate row links to exactly the calls it sums), their CSV file,
and the price table an admin edits."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from budgets import demo_ai
from budgets.models import Budget
from budgets.services import budget_create
from llmsettings.models import ModelPrice, UsageRecord
from llmsettings.pricing import price_for
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KOLKATA = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 3, 20, 18, 30, tzinfo=KOLKATA)
URL = "/budgets/ai/usage/"
MODELS = [("openai", "gpt-4o-mini"), ("gemini", "gemini-2.5-flash"), ("openai", "gpt-4o")]


@pytest.fixture(autouse=True)
def march():
    with time_machine.travel(NOW, tick=False):
        yield


def call(household, user, cost, when, model=MODELS[0], task="chat", outcome="ok", error=""):
    row = UsageRecord.objects.create(
        household=household,
        user=user,
        provider=model[0],
        model=model[1],
        task=task,
        cost=Decimal(cost),
        input_tokens=1000,
        output_tokens=200,
        outcome=outcome,
        error=error,
    )
    UsageRecord.objects.filter(pk=row.pk).update(created_at=when)
    return row


def make_calls(household, people, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        day = 1 + n % 20
        # Midnight and a minute before it, in Kolkata, sit on the edges of the household's days.
        moment = [time(0, 0), time(23, 59), time(12, 30)][n % 3]
        call(
            household,
            people[n % len(people)],
            f"{n % 7}.{n % 100:02d}{n % 9}",
            datetime.combine(NOW.date().replace(day=day), moment, KOLKATA),
            model=MODELS[n % len(MODELS)],
            task=["chat", "analysis", "chat", "test"][n % 4],
        )


@pytest.fixture
def usage(household, admin_user, member_user, other_household):
    gone = UserFactory(name="Kiran")  # a former member: their calls stay, under their name
    root = budget_create(
        household=household, user=admin_user, name="Household AI", amount=Decimal("400"), measure="ai_usage"
    )
    budget_create(
        household=household,
        user=admin_user,
        name="Ravi's AI",
        amount=Decimal("100"),
        parent=root,
        member=member_user,
    )
    budget_create(
        household=household,
        user=admin_user,
        name="Chat AI",
        amount=Decimal("150"),
        parent=root,
        ai_task="chat",
    )
    Budget.objects.create(household=household, name="Groceries", amount=Decimal("5000"))  # not on this page
    make_calls(household, [admin_user, member_user, None, gone], 64)
    call(
        household,
        member_user,
        "0",
        NOW - timedelta(hours=1),
        outcome="refused",
        error="was not asked: the AI budget is spent",
    )
    call(household, member_user, "5", datetime(2026, 2, 28, 23, 59, tzinfo=KOLKATA))  # last month
    call(other_household, None, "77", NOW - timedelta(hours=2))  # another household's
    return root


def march_calls(household):
    start = datetime(2026, 3, 1, tzinfo=KOLKATA)
    return UsageRecord.objects.filter(
        household=household, created_at__gte=start, created_at__lt=datetime(2026, 4, 1, tzinfo=KOLKATA)
    )


def listed(client, query: str) -> list:
    """Every call the page lists for `query`, page after page."""
    found, page = [], 1
    while True:
        response = client.get(f"{URL}?{query}&page={page}")
        assert response.status_code == 200
        found += list(response.context["page"].object_list)
        if not response.context["page"].has_next():
            return found
        page += 1


def test_the_page_shows_the_months_spend_against_its_limits(usage, household, member_client):
    response = member_client.get(URL)
    html = response.content.decode()
    expected = sum(r.cost for r in march_calls(household))
    assert response.context["totals"].cost == expected and response.context["totals"].calls == 65
    assert response.context["totals"].refused == 1
    assert [s.budget.name for s in response.context["tree"]] == ["Household AI", "Chat AI", "Ravi's AI"]
    assert "Groceries" not in html  # expense budgets are on the budgets page
    assert response.context["tree"][0].spent == expected  # the limit's meter and the total agree
    assert "March 2026" in html and 'href="?month=2026-02"' in html and 'href="?month=2026-04"' in html
    assert "Kiran (former member)" in html and "No member (a background task)" in html
    assert member_client.get("/budgets/").content.decode().count('href="/budgets/ai/usage/"') >= 1


def test_each_aggregate_row_links_to_exactly_the_calls_it_sums(usage, household, member_client):
    response = member_client.get(URL)
    html = unescape(response.content.decode())
    totals = response.context["totals"]
    checked = 0
    for _title, _heading, rows, _id in response.context["aggregates"]:
        assert sum(r.cost for r in rows) == totals.cost and sum(r.calls for r in rows) == totals.calls
        for row in rows:
            assert f'href="?{row.query}"' in html  # the link the page shows…
            calls = listed(member_client, row.query)  # …lists these calls:
            assert len(calls) == row.calls and sum(c.cost for c in calls) == row.cost
            checked += 1
    assert checked == 4 + 3 + 20  # four people, three models, twenty days


def test_a_row_lists_the_calls_of_its_day_in_the_households_time_zone(usage, household, member_client):
    by_day = {r.filters.day.day: r for r in member_client.get(URL).context["aggregates"][2][2]}
    for day, row in by_day.items():
        expected = [c for c in march_calls(household) if c.created_at.astimezone(KOLKATA).date().day == day]
        assert {c.pk for c in listed(member_client, row.query)} == {c.pk for c in expected}


def test_filters_combine_and_a_bad_one_is_an_error_beside_its_field(
    usage, household, member_user, member_client
):
    query = f"month=2026-03&member={member_user.pk}&model=openai/gpt-4o-mini&task=chat"
    calls = listed(member_client, query)
    assert calls and all(
        (c.user_id, c.provider, c.model, c.task) == (member_user.pk, "openai", "gpt-4o-mini", "chat")
        for c in calls
    )
    for bad in [
        "member=999999",
        "model=evil/none",
        "day=2026-02-30",
        "month=9999-12",
        "task=drop",
        "start=2026-03-10&end=2026-03-01",
        "page=-1",
        "member=%00",
    ]:
        response = member_client.get(f"{URL}?{bad}")
        assert response.status_code == 200, bad
        name = bad.split("=")[0]
        if name == "start":
            assert 'class="errorlist nonfield"' in response.content.decode(), bad
        elif name != "page":
            assert f'id="id_{name}_error"' in response.content.decode(), bad


def test_the_fragment_is_the_results_only(usage, member_client):
    response = member_client.get(f"{URL}?month=2026-03&task=analysis", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="usage-results"') and "Limits" not in html


def test_the_page_costs_the_same_queries_with_more_calls(
    usage, household, admin_user, member_user, member_client, django_assert_num_queries
):
    member_client.get(URL)  # the session is warm
    with django_assert_num_queries(16):
        assert member_client.get(URL).status_code == 200
    make_calls(household, [admin_user, member_user], 300, start=1000)
    with django_assert_num_queries(16):
        assert member_client.get(f"{URL}?page=3").status_code == 200


def test_the_csv_file_has_the_same_calls_as_the_page(usage, household, member_user, member_client):
    query = f"month=2026-03&member={member_user.pk}"
    response = member_client.get(f"/budgets/ai/usage.csv?{query}")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    calls = listed(member_client, query)
    assert len(rows) == len(calls) and sum(Decimal(r["Cost"]) for r in rows) == sum(c.cost for c in calls)
    assert {r["Member"] for r in rows} == {"Ravi"}
    refused = next(r for r in rows if r["Outcome"] == "Refused by the AI budget")
    assert refused["Error"].startswith("was not asked")
    # A whole month by default, and cells a spreadsheet would run are text.
    call(household, member_user, "1", NOW, error="=HYPERLINK(1)")
    everything = b"".join(member_client.get("/budgets/ai/usage.csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in everything and len(everything.splitlines()) == 65 + 2
    bad = member_client.get("/budgets/ai/usage.csv?member=999999")
    assert bad.status_code == 400 and "not valid" in bad.content.decode()


def test_a_viewer_reads_the_page_and_another_household_sees_none_of_it(
    usage, household, other_client, viewer_client
):
    assert viewer_client.get(URL).status_code == 200
    response = other_client.get(URL)
    assert response.context["totals"].cost == Decimal("77") and response.context["totals"].calls == 1
    assert "Ravi" not in response.content.decode() and response.context["tree"] == []
    ravi = Budget.objects.get(name="Ravi's AI").member
    assert 'id="id_member_error"' in other_client.get(f"{URL}?member={ravi.pk}").content.decode()


# ---------------------------------------------------------------- the price table

PRICES = "/budgets/ai/prices/"


def price_post(client, **fields):
    body = {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "input_per_million": "10",
        "output_per_million": "40",
        "row": "1",
    }
    body.update(fields)
    return client.post(PRICES, {k: v for k, v in body.items() if v is not None})


def test_the_price_table_shows_the_defaults_in_the_households_currency(household, viewer_client):
    html = viewer_client.get(PRICES).content.decode()
    assert "OpenAI · gpt-4o-mini" in html and "Default ₹13.20 in · ₹52.80 out" in html
    assert (
        "Only an admin can change a price." in html
        and '<form method="post" action="/budgets/ai/prices/"' not in html
    )


def test_an_admin_sets_a_price_and_calls_are_charged_at_it(household, admin_client):
    response = price_post(admin_client, input_per_million="12,5", output_per_million="50")
    assert response.status_code == 302
    price = ModelPrice.objects.get(household=household)
    assert (price.input_per_million, price.output_per_million) == (Decimal("12.5"), Decimal("50"))
    assert price_for(household, "openai", "gpt-4o-mini").own
    assert "Your price" in admin_client.get(PRICES).content.decode()
    # A local model costs nothing, and a price of 0 is a price.
    response = admin_client.post(
        PRICES,
        {
            "provider": "compatible",
            "model": " llama3.2 ",
            "input_per_million": "0",
            "output_per_million": "0",
        },
    )
    assert response.status_code == 302
    assert ModelPrice.objects.get(model="llama3.2").output_per_million == 0
    response = admin_client.post(reverse("ai_price_delete", args=[price.pk]))
    assert response.status_code == 302 and not ModelPrice.objects.filter(pk=price.pk).exists()
    assert not price_for(household, "openai", "gpt-4o-mini").own


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "must be zero or more"),
        ("99999999999", "too large"),
        ("1e999", "Write the price as a number"),
        ("NaN", "Write the price as a number"),
        ("abc", "Write the price as a number"),
        ("0.123456", "at most 4 decimal places"),
        ("", "Enter a price"),
        ("9" * 5000, "at most 32 characters"),
    ],
)
def test_a_bad_price_is_an_error_beside_its_field(household, admin_client, value, message):
    response = price_post(admin_client, output_per_million=value)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    row = re.search(r'id="(price-\d+)-output_per_million_error"[^>]*>(.*?)</ul>', html, re.S)
    assert row and message in row.group(2)
    assert (
        f'id="{row.group(1)}-input_per_million" ' not in html or 'value="10"' in html
    )  # what was typed stays
    assert not ModelPrice.objects.exists()


def test_a_new_model_needs_a_name_and_a_known_provider(household, admin_client):
    response = admin_client.post(
        PRICES, {"provider": "builtin", "model": " ", "input_per_million": "1", "output_per_million": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="price-new-provider_error"' in html and 'id="price-new-model_error"' in html


def test_only_an_admin_changes_a_price(household, admin_user, member_client):
    assert price_post(member_client).status_code == 403
    price = ModelPrice.objects.create(
        household=household, provider="openai", model="gpt-4o", input_per_million=1, output_per_million=1
    )
    assert member_client.post(reverse("ai_price_delete", args=[price.pk])).status_code == 403
    assert ModelPrice.objects.filter(pk=price.pk).exists() and not ModelPrice.objects.filter(
        model="gpt-4o-mini"
    )
    assert client_for(admin_user).get(PRICES).status_code == 200


def test_the_demo_fills_this_month_even_just_after_midnight_on_the_first(household, admin_user, member_user):
    with time_machine.travel(datetime(2026, 4, 1, 0, 5, tzinfo=KOLKATA), tick=False):
        demo_ai.seed(household=household, members=[admin_user, member_user])
        demo_ai.seed(household=household, members=[admin_user, member_user])  # again: nothing new
        calls = UsageRecord.objects.filter(household=household)
        assert calls.count() == sum(2 + d % 3 for d in range(demo_ai.DAYS))
        assert max(calls.values_list("created_at", flat=True)) <= timezone.now()
        client = client_for(member_user)
        page = client.get(URL)
        assert page.context["totals"].calls == 2 and page.context["tree"][0].spent > 0
        assert Budget.objects.filter(measure="ai_usage").count() == 5
