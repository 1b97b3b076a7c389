"""The AI budget: a paid provider call reserves its most possible cost against every AI budget on
its path first, and settles to the real cost after; what would go past a limit is refused with a
reason. The meters count the calls' UsageRecords, and AI budgets raise threshold alerts."""

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from budgets import ai
from budgets.models import AIReservation, Budget, BudgetAlert
from budgets.selectors import ai_reservation_books, budget_tree, items_link, statuses
from budgets.services import budget_create, budget_update
from budgets.tasks import ai_reservations_expire
from households.management.commands.setup_schedules import schedules
from households.models import Role
from llmsettings import calls
from llmsettings.models import ModelPrice, Provider, Task, UsageRecord
from llmsettings.providers.base import MAX_ATTEMPTS, ProviderError, Usage
from llmsettings.spend import SpendRefused, guards
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

AI = Budget.Measure.AI_USAGE
# With the price below (₹1,000 per million tokens in and out) one attempt of a call whose prompt is
# PROMPT costs at most ₹2.00 (976 prompt tokens + 1,024 output tokens), and its answer costs ₹1.50.
# The figures here are for calls of one attempt (`one_attempt`); a call may make MAX_ATTEMPTS, and
# `test_the_reservation_covers_every_attempt` checks that the reservation covers them all.
PROMPT = "x" * 776
MOST = Decimal("2.000000")
USED = Usage(input_tokens=1000, output_tokens=500)
COST = Decimal("1.500000")


@pytest.fixture(autouse=True)
def one_attempt(monkeypatch):
    monkeypatch.setattr("llmsettings.pricing.MAX_ATTEMPTS", 1)


def test_the_reservation_covers_every_attempt(world, monkeypatch):
    monkeypatch.setattr("llmsettings.pricing.MAX_ATTEMPTS", MAX_ATTEMPTS)
    household, admin, member = world
    ai_budget(household, admin, "10")
    seen = []

    def run(provider):
        seen.append(AIReservation.objects.get().amount)
        return provider.parse()

    calls.call(PaidProvider(), household=household, user=member, task=Task.CHAT, prompt=PROMPT, run=run)
    assert seen == [MOST * MAX_ATTEMPTS]


@dataclass
class Answer:
    usage: Usage


class PaidProvider:
    """A provider that costs money and never touches the network."""

    name = Provider.OPENAI
    label = "OpenAI"
    paid = True
    model = "gpt-4o-mini"

    def __init__(self, usage=USED, pause: float = 0.0, fail: ProviderError | None = None):
        self.usage, self.pause, self.fail = usage, pause, fail

    def parse(self):
        if self.pause:
            time.sleep(self.pause)
        if self.fail is not None:
            raise self.fail
        return Answer(usage=self.usage)


def priced(household):
    ModelPrice.objects.update_or_create(
        household=household,
        provider=Provider.OPENAI,
        model="gpt-4o-mini",
        defaults={"input_per_million": Decimal("1000"), "output_per_million": Decimal("1000")},
    )


def ask(household, user, provider=None, task=Task.CHAT):
    return calls.call(
        provider or PaidProvider(),
        household=household,
        user=user,
        task=task,
        prompt=PROMPT,
        run=lambda p: p.parse(),
    )


def ai_budget(household, admin, amount, **fields):
    fields.setdefault("name", "AI")
    return budget_create(household=household, user=admin, amount=Decimal(amount), measure=AI, **fields)


@pytest.fixture
def world(household, admin_user, member_user):
    priced(household)
    return household, admin_user, member_user


def test_the_guard_is_registered_and_scheduled():
    assert ai.GUARD in guards()
    assert ("Expire AI reservations", "budgets.tasks.ai_reservations_expire") in [
        (name, func) for name, func, _, _ in schedules()
    ]


def test_the_most_a_call_can_cost_is_reserved_then_settled_to_its_real_cost(world):
    household, admin, member = world
    ai_budget(household, admin, "10")
    seen = []

    def run(provider):
        seen.append(AIReservation.objects.get())  # while the call runs, its most is held
        return provider.parse()

    outcome = calls.call(
        PaidProvider(), household=household, user=member, task=Task.CHAT, prompt=PROMPT, run=run
    )

    assert outcome.error is None
    assert seen[0].state == AIReservation.State.ACTIVE and seen[0].amount == MOST
    reservation = AIReservation.objects.get()
    assert reservation.state == AIReservation.State.SETTLED
    assert reservation.cost == COST and reservation.usage_record == outcome.record
    assert outcome.record.cost == COST
    # A settled reservation counts no more: the UsageRecord carries the cost.
    assert ai_reservation_books(household=household)["active"] == 0


def test_calls_run_until_the_next_could_go_past_the_limit_then_are_refused_with_a_reason(world):
    household, admin, member = world
    ai_budget(household, admin, "10", name="Household AI")
    outcomes = [ask(household, member) for _ in range(8)]

    ran = [o for o in outcomes if o.error is None]
    refused = [o for o in outcomes if o.error is not None]
    # Each call reserves ₹2 and costs ₹1.50: the sixth starts at ₹7.50 spent (9.50 with it), the
    # seventh at ₹9.00, where ₹2 more would pass ₹10.
    assert len(ran) == 6 and len(refused) == 2
    assert UsageRecord.objects.filter(outcome="ok").aggregate(s=Sum("cost"))["s"] == Decimal("9.00")
    reason = refused[0].error.reason
    assert refused[0].error.outcome == UsageRecord.Outcome.REFUSED
    month = household.today().strftime("%B %Y")
    assert reason == (
        f"was not asked: the household's AI budget “Household AI” for {month} has ₹1.00 left, "
        "and this call could cost up to ₹2.00"
    )
    assert calls.fallback_notice(PaidProvider(), refused[0].error).startswith("OpenAI was not asked: ")
    # A refusal is recorded, costs nothing and reserves nothing.
    record = refused[0].record
    assert (record.outcome, record.cost, record.error) == ("refused", 0, reason)
    assert AIReservation.objects.count() == 6


def test_a_refusal_reserves_nothing_on_any_budget_of_the_path(world):
    household, admin, member = world
    root = ai_budget(household, admin, "100")
    ai_budget(household, admin, "1", name="Ravi", parent=root, member=member)
    with pytest.raises(SpendRefused):
        ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST)
    assert not AIReservation.objects.exists()


def test_a_member_child_refuses_even_when_the_root_has_room(world):
    household, admin, member = world
    root = ai_budget(household, admin, "100", name="Household AI")
    ai_budget(household, admin, "3", name="Ravi's AI", parent=root, member=member)

    first, second = ask(household, member), ask(household, member)
    assert first.error is None
    assert second.error is not None
    assert "the AI budget “Ravi's AI”" in second.error.reason
    assert "has ₹1.50 left, and this call could cost up to ₹2.00" in second.error.reason
    # Asha is not on Ravi's path: the root alone has plenty of room for her.
    assert all(ask(household, admin).error is None for _ in range(3))


def test_the_path_follows_the_task_and_the_ancestors_filters(world):
    household, admin, member = world
    root = ai_budget(household, admin, "100")
    chat = ai_budget(household, admin, "2", name="Chat", parent=root, ai_task=Task.CHAT)
    ai_budget(household, admin, "50", name="Ravi's chat", parent=chat, member=member)
    ai_budget(household, admin, "50", name="Analysis", parent=root, ai_task=Task.ANALYSIS)
    budgets = list(Budget.objects.filter(household=household))
    today = household.today()

    def path(user, task):
        return {b.name for b in ai.call_path(budgets, user_id=user.pk, task=task, on=today)}

    assert path(member, Task.CHAT) == {"AI", "Chat", "Ravi's chat"}
    assert path(admin, Task.CHAT) == {"AI", "Chat"}
    assert path(member, Task.ANALYSIS) == {"AI", "Analysis"}
    assert path(member, Task.TEST) == {"AI"}  # a connection test counts on the root only

    assert ask(household, member).error is None  # ₹2 fits the chat budget exactly
    refused = ask(household, member)
    assert "“Chat”" in refused.error.reason  # the tightest budget on the path is named
    assert ask(household, member, task=Task.ANALYSIS).error is None
    assert {s.budget.name: s.spent for s in budget_tree(household=household, on=today)} == {
        "AI": Decimal("3.000000"),
        "Chat": Decimal("1.500000"),
        "Ravi's chat": Decimal("1.500000"),
        "Analysis": Decimal("1.500000"),
    }


def test_reservations_of_running_calls_count_until_they_settle(world):
    household, admin, member = world
    ai_budget(household, admin, "5")
    holds = [
        ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST) for _ in range(2)
    ]
    with pytest.raises(SpendRefused, match=r"has ₹1\.00 left,"):
        ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST)
    ai.GUARD.settle(holds[0], cost=Decimal("0.25"), usage_record=None)  # as if its record cost 0.25
    UsageRecord.objects.create(
        household=household, user=member, provider="openai", model="gpt-4o-mini", task="chat", cost="0.25"
    )
    # 0.25 spent + 2 still held + 2 more = 4.25: room again.
    assert ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST).id is not None


def test_a_failed_call_settles_to_what_the_provider_counted(world):
    household, admin, member = world
    ai_budget(household, admin, "10")
    failing = PaidProvider(fail=ProviderError("timeout", "didn't answer within 15 s", usage=Usage(200, 0)))
    outcome = ask(household, member, failing)
    assert outcome.error.outcome == "timeout"
    reservation = AIReservation.objects.get()
    assert reservation.state == "settled" and reservation.cost == Decimal("0.200000")
    assert outcome.record.cost == Decimal("0.200000")


def test_no_ai_budget_means_no_limit_and_no_reservation(world):
    household, _admin, member = world
    Budget.objects.create(household=household, name="Groceries", amount=Decimal("1"))  # an expense budget
    assert all(ask(household, member).error is None for _ in range(3))
    assert not AIReservation.objects.exists()


def test_a_free_provider_is_never_checked(world):
    household, admin, member = world
    ai_budget(household, admin, "0")
    local = PaidProvider()
    local.paid = False
    assert ask(household, member, local).error is None
    assert ask(household, member).error is not None  # the paid one is refused by a ₹0 budget


def test_a_reservation_never_settled_stops_counting_when_it_expires(world, time_machine):
    household, admin, member = world
    ai_budget(household, admin, "3")
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    crashed = ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST)
    with pytest.raises(SpendRefused):  # the crashed call still holds ₹2 of ₹3
        ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST)

    time_machine.move_to(now + ai.RESERVATION_TTL + timedelta(seconds=1), tick=False)
    # It stopped counting at its expiry, before anything marked it: the reserve marks it first.
    later = ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST)
    states = dict(AIReservation.objects.values_list("pk", "state"))
    assert states == {crashed.id: "expired", later.id: "active"}

    time_machine.move_to(now + 2 * ai.RESERVATION_TTL + timedelta(seconds=2), tick=False)
    assert ai_reservations_expire() == 1  # the hourly job marks the second one
    books = ai_reservation_books(household=household)
    assert books["reserved"] == books["settled"] + books["expired"] + books["active"] == 2 * MOST
    assert books["expired_count"] == 2 and books["active"] == 0


def test_a_call_that_reports_back_after_expiry_is_still_settled(world, time_machine):
    household, admin, member = world
    ai_budget(household, admin, "10")
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    hold = ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=MOST)
    time_machine.move_to(now + ai.RESERVATION_TTL * 2, tick=False)
    assert ai.reservations_expire() == 1
    ai.GUARD.settle(hold, cost=COST, usage_record=None)
    assert AIReservation.objects.get().state == "settled"  # counted once, in its UsageRecord


def test_yearly_and_one_off_ai_budgets_count_their_own_period(world):
    household, admin, member = world
    today = household.today()
    over = ai_budget(
        household,
        admin,
        "100",
        name="Last year",
        period=Budget.Period.ONCE,
        start_date=today.replace(year=today.year - 1),
        end_date=today.replace(year=today.year - 1),
    )
    ai_budget(household, admin, "3", name="This year", period=Budget.Period.YEARLY)
    assert ask(household, member).error is None
    refused = ask(household, member)
    assert f"“This year” for {today.year} has ₹1.50 left" in refused.error.reason
    assert over.pk  # a one-off budget whose period is over limits nothing


# ---------------------------------------------------------------- meters


def record(household, user, cost, when=None, task=Task.CHAT, model="gpt-4o-mini"):
    row = UsageRecord.objects.create(
        household=household, user=user, provider="openai", model=model, task=task, cost=Decimal(cost)
    )
    if when is not None:
        UsageRecord.objects.filter(pk=row.pk).update(created_at=when)
    return row


def test_an_ai_meter_counts_the_calls_of_its_period_in_the_households_time_zone(world, other_household):
    household, admin, member = world
    root = ai_budget(household, admin, "10", name="AI")
    ravi = ai_budget(household, admin, "4", name="Ravi", parent=root, member=member)
    chat = ai_budget(household, admin, "4", name="Chat", parent=root, ai_task=Task.CHAT)
    kolkata = ZoneInfo("Asia/Kolkata")
    today = household.today()
    first = today.replace(day=1)
    record(household, member, "1.25", task=Task.CHAT)
    record(household, admin, "2.50", task=Task.ANALYSIS)
    record(household, member, "0.75", task=Task.ANALYSIS)
    # 23:59 on the last day of last month in Kolkata, and 00:00 on the first of this month.
    record(
        household,
        member,
        "9",
        when=datetime.combine(first, datetime.min.time(), kolkata) - timedelta(minutes=1),
    )
    record(household, member, "0.50", when=datetime.combine(first, datetime.min.time(), kolkata))
    record(other_household, None, "99")  # another household's calls count nowhere here
    spent = {
        s.budget.pk: s.spent for s in statuses(household=household, budgets=[root, ravi, chat], on=today)
    }
    assert spent == {root.pk: Decimal("5.000000"), ravi.pk: Decimal("2.500000"), chat.pk: Decimal("1.750000")}
    status = next(s for s in budget_tree(household=household, on=today) if s.budget.pk == root.pk)
    assert (status.remaining, status.percent, status.planned) == (Decimal("5.000000"), 50, 0)


def test_the_meters_of_expense_budgets_are_unchanged_and_cost_one_query(world, django_assert_num_queries):
    household, admin, member = world
    groceries = Budget.objects.create(household=household, name="Groceries", amount=Decimal("1000"))
    record(household, member, "500")
    with django_assert_num_queries(1):
        found = statuses(household=household, budgets=[groceries], on=household.today())
    assert found[0].spent == 0
    root = ai_budget(household, admin, "1000")
    with django_assert_num_queries(2):  # one over the expenses, one over the calls
        found = statuses(household=household, budgets=[groceries, root], on=household.today())
    assert [s.spent for s in found] == [0, Decimal("500.000000")]


def test_an_ai_meter_renders_with_links_to_its_calls(world, admin_client):
    household, admin, member = world
    root = ai_budget(household, admin, "10", name="Household AI")
    ravi = ai_budget(household, admin, "4", name="Ravi's AI", parent=root, member=member)
    record(household, member, "3")
    page = admin_client.get("/budgets/").content.decode()
    assert "₹3.00 spent on AI" in page and "₹7.00 left of ₹10.00" in page
    month = household.today().strftime("%Y-%m")
    assert f"/budgets/ai/usage/?month={month}&amp;member={member.pk}" in page
    detail = admin_client.get(f"/budgets/{ravi.pk}/").content.decode()
    assert "All the AI calls this budget counts" in detail and "calls by Ravi" in detail
    status = next(s for s in budget_tree(household=household, on=household.today()) if s.budget.pk == ravi.pk)
    assert items_link(status) == f"/budgets/ai/usage/?month={month}&member={member.pk}"  # the analysis chat's
    items = admin_client.get(f"/budgets/{ravi.pk}/items/?segment=paid").content.decode()
    assert "₹3.00" in items and "gpt-4o-mini" in items
    assert admin_client.get(f"/budgets/{ravi.pk}/items/?segment=planned").status_code == 200
    assert admin_client.get(f"/budgets/{ravi.pk}/meter/").status_code == 200


# ---------------------------------------------------------------- alerts


def test_ai_budgets_raise_each_threshold_once_at_the_highest_crossed(
    world, django_capture_on_commit_callbacks
):
    household, admin, member = world
    ai_budget(household, admin, "4", name="Household AI")
    with django_capture_on_commit_callbacks(execute=True):
        ask(household, member)  # ₹1.50 of ₹4: 38 %, nothing
    assert not BudgetAlert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ask(household, member)  # ₹3.00: 75 %, past 50 and 75 at once
    assert list(BudgetAlert.objects.values_list("threshold", "used")) == [(75, Decimal("3.00"))]
    assert len(mail.outbox) == 1 and "Household AI budget reached 75%" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        refused = ask(household, member)  # ₹2 more could pass ₹4: refused, no call, no alert
    assert refused.error is not None
    record(household, member, "0.70")  # ₹3.70 (say, a call priced for less: an answer cut short)
    for cost in ("0.10", "0.05"):  # ₹3.80 = 95 %: past 90; then ₹3.85 = 96 %: nothing new
        hold = ai.GUARD.reserve(household=household, user=member, task=Task.CHAT, amount=Decimal("0.10"))
        with django_capture_on_commit_callbacks(execute=True):
            ai.GUARD.settle(hold, cost=Decimal(cost), usage_record=record(household, member, cost))
    assert list(BudgetAlert.objects.order_by("threshold").values_list("threshold", flat=True)) == [75, 90]
    assert len(mail.outbox) == 2


def test_a_settle_tells_the_open_meters(world, monkeypatch, django_capture_on_commit_callbacks):
    household, admin, member = world
    root = ai_budget(household, admin, "10")
    ravi = ai_budget(household, admin, "5", name="Ravi", parent=root, member=member)
    asha = ai_budget(household, admin, "5", name="Asha", parent=root, member=admin)
    sent = []
    monkeypatch.setattr("households.live._send", lambda group, message: sent.append(message))
    with django_capture_on_commit_callbacks(execute=True):
        ask(household, member)
    topics = {topic for message in sent for topic in message.get("topics", [])}
    assert {f"budget-{root.pk}", f"budget-{ravi.pk}"} <= topics and f"budget-{asha.pk}" not in topics


def test_expense_alerts_ignore_ai_budgets(world):
    household, admin, member = world
    ai_budget(household, admin, "1")
    record(household, member, "5")
    from budgets.services import alerts_check

    assert alerts_check(household=household, dates=[household.today()]) == []
    assert [
        a.threshold for a in alerts_check(household=household, dates=[household.today()], measure=AI)
    ] == [100]


# ---------------------------------------------------------------- the form and the service


def test_the_budget_form_makes_an_ai_tree(world, admin_client):
    _household, _admin, member = world
    page = admin_client.get("/budgets/new/?measure=ai_usage").content.decode()
    assert '<option value="ai_usage" selected>AI usage cost</option>' in page and 'name="ai_task"' in page
    response = admin_client.post(
        "/budgets/new/", {"name": "Household AI", "amount": "500", "period": "monthly", "measure": "ai_usage"}
    )
    assert response.status_code == 302
    root = Budget.objects.get(name="Household AI")
    assert root.measure == AI
    admin_client.post(
        "/budgets/new/",
        {
            "name": "Ravi's chat",
            "amount": "100",
            "period": "monthly",
            "parent": root.pk,
            "member": member.pk,
            "ai_task": "chat",
        },
    )
    child = Budget.objects.get(name="Ravi's chat")
    assert (child.measure, child.member, child.ai_task, child.parent) == (AI, member, "chat", root)


def test_the_form_refuses_expense_filters_on_an_ai_budget_beside_the_fields(world, admin_client):
    household, _admin, _member = world
    groceries = household_category(household)
    response = admin_client.post(
        "/budgets/new/",
        {"name": "AI", "amount": "5", "period": "monthly", "measure": "ai_usage", "category": groceries.pk},
    )
    html = response.content.decode()
    assert 'id="id_category_error"' in html and "counts provider calls, not expenses" in html
    response = admin_client.post(
        "/budgets/new/", {"name": "Food", "amount": "5", "period": "monthly", "ai_task": "chat"}
    )
    assert 'id="id_ai_task_error"' in response.content.decode()
    expense_root = Budget.objects.create(household=household, name="Home", amount=Decimal("100"))
    response = admin_client.post(
        "/budgets/new/",
        {"name": "AI", "amount": "5", "period": "monthly", "measure": "ai_usage", "parent": expense_root.pk},
    )
    assert 'id="id_parent_error"' in response.content.decode()
    assert not Budget.objects.filter(measure=AI).exists()


def test_a_child_of_an_ai_budget_counts_ai_usage(world):
    household, admin, member = world
    root = ai_budget(household, admin, "10")
    child = budget_create(
        household=household, user=admin, name="Ravi", amount=Decimal("2"), parent=root, member=member
    )
    assert child.measure == AI
    with pytest.raises(Exception, match="has sub-budgets"):
        budget_update(
            household=household,
            user=admin,
            budget=root,
            name="AI",
            amount=Decimal("10"),
            measure=Budget.Measure.EXPENSES,
        )


def test_only_an_admin_sets_an_ai_budget(world, member_client, admin_client):
    household, admin, _member = world
    response = member_client.post(
        "/budgets/new/", {"name": "AI", "amount": "5", "period": "monthly", "measure": "ai_usage"}
    )
    assert "Only an admin of this household can set an AI budget" in response.content.decode()
    assert not Budget.objects.exists()
    root = ai_budget(household, admin, "10")
    response = member_client.post(
        f"/budgets/{root.pk}/edit/",
        {"name": "AI", "amount": "1000", "period": "monthly", "measure": "ai_usage"},
    )
    assert response.status_code == 200 and Budget.objects.get().amount == Decimal("10")
    assert member_client.post(f"/budgets/{root.pk}/delete/").status_code == 403
    # An expense budget is any member's, as before.
    assert (
        member_client.post("/budgets/new/", {"name": "Food", "amount": "5", "period": "monthly"}).status_code
        == 302
    )


def household_category(household):
    from expenses.models import Category

    return Category.objects.get(household=household, name="Groceries")


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_fifty_concurrent_calls_never_spend_past_the_limit(household, admin_user):
    """50 calls at once against a ₹20 limit: each reserves ₹2 and costs ₹1.50. Without the lock
    they would all pass the same check before any spend was recorded."""
    priced(household)
    members = [admin_user] + [
        MembershipFactory(household=household, role=Role.MEMBER, user__name=f"M{i}").user for i in range(4)
    ]
    limit = Decimal("20")
    ai_budget(household, admin_user, str(limit), name="Household AI")
    barrier = threading.Barrier(50)
    outcomes, failures = [], []

    def run(n):
        try:
            barrier.wait()
            time.sleep(n % 10 * 0.04)  # in waves, so some calls settle while others arrive
            outcomes.append(ask(household, members[n % len(members)], PaidProvider(pause=0.05)))
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    ran = [o for o in outcomes if o.error is None]
    refused = [o for o in outcomes if o.error is not None]
    spent = UsageRecord.objects.filter(household=household).aggregate(s=Sum("cost"))["s"]
    books = ai_reservation_books(household=household)
    print(
        f"\nlimit ₹{limit}, recorded spend ₹{spent}, {len(ran)} ran, {len(refused)} refused; "
        f"reserved ₹{books['reserved']} = settled ₹{books['settled']} + expired ₹{books['expired']} "
        f"+ active ₹{books['active']}"
    )
    assert len(ran) + len(refused) == 50
    assert all(o.error.outcome == "refused" and "could cost up to ₹2.00" in o.error.reason for o in refused)
    assert spent <= limit
    assert len(ran) >= 10  # ₹20 holds at least ten ₹2 reservations: nobody was refused for nothing
    assert UsageRecord.objects.filter(outcome="ok").count() == len(ran)
    assert UsageRecord.objects.filter(outcome="refused").count() == len(refused)
    assert books["reserved"] == books["settled"] + books["expired"] + books["active"]
    assert books["active"] == 0 and books["expired"] == 0
    assert books["settled_count"] == books["reservations"] == len(ran)
