"""Recurring rules: the dates, the daily job (twice, late, concurrent), and the page over HTTP."""

import io
import re
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler
from django_q.tasks import async_task, fetch

from expenses import recurrence, services, tasks
from expenses.models import (
    Cadence,
    Category,
    DraftState,
    ExpenseDraft,
    RecurringRule,
    Source,
)
from expenses.recurrence import describe_cadence, occurrences
from expenses.services import (
    DraftData,
    RuleData,
    draft_confirm,
    draft_create,
    make_due_drafts,
    rule_create,
    rule_set_paused,
)
from expenses.services import recurring as recurring_services
from expenses.tasks import make_all_due_drafts
from households.models import Membership

KOLKATA = ZoneInfo("Asia/Kolkata")


def at(day: date, hour: int = 12):
    """Travel to `hour` o'clock on `day` in the households' time zone (Asia/Kolkata)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=KOLKATA), tick=False)


def category(household, name="Housing") -> Category:
    return Category.objects.for_household(household).get(name=name)


def make_rule(household, **fields) -> RecurringRule:
    values = {
        "amount": Decimal("15000.00"),
        "description": "Rent",
        "cadence": Cadence.MONTHLY,
        "day_of_month": 1,
        "start_date": date(2026, 1, 1),
        **fields,
    }
    if "category" not in values:
        values["category"] = category(household)
    return RecurringRule.objects.create(household=household, **values)


def rule_drafts(rule):
    return ExpenseDraft.objects.filter(rule=rule).order_by("occurrence_date")


def drafted_dates(rule) -> list[date]:
    return list(rule_drafts(rule).values_list("occurrence_date", flat=True))


# ---------------------------------------------------------------- occurrences (pure)


def unsaved(**fields) -> RecurringRule:
    return RecurringRule(**{"start_date": date(2000, 1, 1), "end_date": None, **fields})


def test_monthly_on_31st_falls_on_the_last_day_of_shorter_months():
    rule = unsaved(cadence=Cadence.MONTHLY, day_of_month=31)
    assert occurrences(rule, date(2026, 1, 1), date(2026, 4, 30)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_monthly_on_31st_in_a_leap_year_falls_on_29_february():
    rule = unsaved(cadence=Cadence.MONTHLY, day_of_month=31)
    assert occurrences(rule, date(2028, 1, 1), date(2028, 3, 31)) == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
    ]


def test_monthly_on_30th_across_the_new_year():
    rule = unsaved(cadence=Cadence.MONTHLY, day_of_month=30)
    assert occurrences(rule, date(2026, 12, 15), date(2027, 3, 1)) == [
        date(2026, 12, 30),
        date(2027, 1, 30),
        date(2027, 2, 28),
    ]


def test_weekly_on_a_weekday():
    rule = unsaved(cadence=Cadence.WEEKLY, weekday=0)  # Monday
    assert occurrences(rule, date(2026, 3, 1), date(2026, 3, 31)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]
    # A window that starts on the weekday itself includes it.
    assert occurrences(rule, date(2026, 3, 9), date(2026, 3, 9)) == [date(2026, 3, 9)]


def test_yearly_on_29_february_falls_on_28_february_in_other_years():
    rule = unsaved(cadence=Cadence.YEARLY, month=2, day_of_month=29)
    assert occurrences(rule, date(2027, 1, 1), date(2029, 12, 31)) == [
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]


def test_yearly_on_a_date():
    rule = unsaved(cadence=Cadence.YEARLY, month=3, day_of_month=3)
    assert occurrences(rule, date(2026, 3, 4), date(2028, 3, 3)) == [
        date(2027, 3, 3),
        date(2028, 3, 3),
    ]


def test_never_before_the_start_date_nor_after_the_end_date():
    rule = unsaved(
        cadence=Cadence.MONTHLY,
        day_of_month=15,
        start_date=date(2026, 2, 16),
        end_date=date(2026, 5, 15),
    )
    assert occurrences(rule, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 3, 15),
        date(2026, 4, 15),
        date(2026, 5, 15),
    ]
    weekly = unsaved(
        cadence=Cadence.WEEKLY, weekday=0, start_date=date(2026, 3, 3), end_date=date(2026, 3, 15)
    )
    assert occurrences(weekly, date(2026, 3, 1), date(2026, 3, 31)) == [date(2026, 3, 9)]
    assert occurrences(weekly, date(2026, 4, 1), date(2026, 4, 30)) == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"cadence": Cadence.MONTHLY, "day_of_month": 31},
            "Monthly on the 31st (last day in shorter months)",
        ),
        ({"cadence": Cadence.MONTHLY, "day_of_month": 2}, "Monthly on the 2nd"),
        ({"cadence": Cadence.MONTHLY, "day_of_month": 13}, "Monthly on the 13th"),
        ({"cadence": Cadence.MONTHLY, "day_of_month": 23}, "Monthly on the 23rd"),
        ({"cadence": Cadence.WEEKLY, "weekday": 0}, "Weekly on Monday"),
        ({"cadence": Cadence.WEEKLY, "weekday": 6}, "Weekly on Sunday"),
        ({"cadence": Cadence.YEARLY, "month": 3, "day_of_month": 3}, "Yearly on 3 March"),
        (
            {"cadence": Cadence.YEARLY, "month": 2, "day_of_month": 29},
            "Yearly on 29 February (28 February in other years)",
        ),
    ],
)
def test_cadence_in_words(fields, words):
    assert describe_cadence(unsaved(**fields)) == words


# ---------------------------------------------------------------- the daily job


def test_job_makes_one_pending_draft_per_occurrence_up_to_today(household, member_user):
    rule = make_rule(household, paid_by=member_user, day_of_month=31)
    with at(date(2026, 4, 29)):
        made = make_due_drafts(household=household)

    assert made == 3
    assert drafted_dates(rule) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    draft = rule_drafts(rule).last()
    assert draft.state == DraftState.PENDING
    assert draft.source == Source.RECURRING
    assert draft.date == draft.occurrence_date == date(2026, 3, 31)
    assert draft.amount == Decimal("15000.00")
    assert draft.category == rule.category
    assert draft.description == "Rent"
    assert draft.paid_by == member_user
    assert draft.household == household
    assert draft.problems == []


def test_job_run_twice_makes_no_duplicates(household):
    rule = make_rule(household, cadence=Cadence.WEEKLY, weekday=0, day_of_month=None)
    with at(date(2026, 3, 31)):
        first = make_due_drafts(household=household)
        second = make_due_drafts(household=household)
        through_task = make_all_due_drafts()

    assert first == rule_drafts(rule).count() == 13  # every Monday from 5 Jan to 30 Mar
    assert second == 0
    assert through_task == 0
    assert not ExpenseDraft.objects.values("rule", "occurrence_date").annotate(n=Count("id")).filter(n__gt=1)


def test_draft_made_by_a_concurrent_run_counts_as_already_there(household, monkeypatch):
    """Another worker inserts a draft after this run read the rules: the unique constraint wins."""
    rule = make_rule(
        household, cadence=Cadence.WEEKLY, weekday=0, day_of_month=None, start_date=date(2026, 3, 1)
    )
    real_occurrences = recurrence.occurrences

    def racing_occurrences(rule_, start, end):
        found = real_occurrences(rule_, start, end)
        draft_create(
            household=household,
            user=None,
            data=DraftData(amount=rule_.amount, category=rule_.category, date=found[1]),
            source=Source.RECURRING,
            rule=rule_,
            occurrence_date=found[1],
        )
        return found

    monkeypatch.setattr(recurring_services, "occurrences", racing_occurrences)
    with at(date(2026, 3, 20)):
        made = make_due_drafts(household=household)

    assert made == 2  # 2 and 16 March; 9 March was the other run's
    assert drafted_dates(rule) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    # The transaction is still usable after the savepoint rolled back.
    assert ExpenseDraft.objects.filter(rule=rule).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_runs_make_each_draft_once(household):
    rule = make_rule(household, cadence=Cadence.WEEKLY, weekday=0, day_of_month=None)
    barrier = threading.Barrier(6)
    made, failures = [], []

    def run():
        try:
            barrier.wait()
            made.append(make_due_drafts(household=household, today=date(2026, 3, 31)))
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            failures.append(exc)
        finally:
            connections.close_all()

    with at(date(2026, 3, 31)):
        threads = [threading.Thread(target=run) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert failures == []
    assert sum(made) == 13
    assert rule_drafts(rule).count() == 13


def test_catch_up_after_three_missed_days(household):
    rent = make_rule(household, day_of_month=11, start_date=date(2026, 3, 1))
    milk = make_rule(
        household,
        description="Milk",
        amount=Decimal("62"),
        day_of_month=12,
        start_date=date(2026, 3, 1),
        category=category(household, "Groceries"),
    )
    maid = make_rule(
        household,
        description="Maid",
        cadence=Cadence.WEEKLY,
        weekday=4,
        day_of_month=None,
        start_date=date(2026, 3, 1),
    )
    with at(date(2026, 3, 10)):
        assert make_due_drafts(household=household) == 1  # Friday 6 March
    assert drafted_dates(maid) == [date(2026, 3, 6)]

    # The job did not run on the 11th and the 12th; on the 13th it catches up.
    with at(date(2026, 3, 13)):
        assert make_due_drafts(household=household) == 3
        assert make_due_drafts(household=household) == 0

    assert drafted_dates(rent) == [date(2026, 3, 11)]
    assert drafted_dates(milk) == [date(2026, 3, 12)]
    assert drafted_dates(maid) == [date(2026, 3, 6), date(2026, 3, 13)]


def test_today_is_the_households_today(household):
    rule = make_rule(household, day_of_month=11, start_date=date(2026, 3, 1))
    # 20:00 UTC on the 10th is already 01:30 on the 11th in Kolkata.
    with time_machine.travel(datetime(2026, 3, 10, 20, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        make_due_drafts(household=household)
    assert drafted_dates(rule) == [date(2026, 3, 11)]


def test_paused_rule_makes_nothing_and_resuming_skips_the_paused_dates(household, admin_user):
    rule = make_rule(
        household, cadence=Cadence.WEEKLY, weekday=0, day_of_month=None, start_date=date(2026, 3, 1)
    )
    with at(date(2026, 3, 3)):
        make_due_drafts(household=household)
        rule_set_paused(household=household, user=admin_user, rule=rule, paused=True)
    with at(date(2026, 3, 20)):
        assert make_due_drafts(household=household) == 0
        assert make_all_due_drafts() == 0
        assert drafted_dates(rule) == [date(2026, 3, 2)]
        rule_set_paused(household=household, user=admin_user, rule=rule, paused=False)
        assert make_due_drafts(household=household) == 0  # 9 and 16 March are skipped
    with at(date(2026, 3, 23)):
        assert make_due_drafts(household=household) == 1
    assert drafted_dates(rule) == [date(2026, 3, 2), date(2026, 3, 23)]


def test_editing_the_cadence_does_not_repropose_the_past(household, member_client, member_user):
    rule = make_rule(household, day_of_month=1, paid_by=member_user)
    with at(date(2026, 3, 10)):
        make_due_drafts(household=household)
        response = member_client.post(f"/recurring/{rule.pk}/", form_data(rule, day_of_month="5"))
        assert response.status_code == 302
        assert make_due_drafts(household=household) == 1

    assert drafted_dates(rule) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 3, 5),
    ]


def test_catch_up_is_bounded(household):
    rule = make_rule(
        household, cadence=Cadence.WEEKLY, weekday=0, day_of_month=None, start_date=date(2020, 1, 1)
    )
    with at(date(2026, 3, 10)):
        make_due_drafts(household=household)
    dates = drafted_dates(rule)
    assert date(2026, 3, 10) - timedelta(days=services.CATCH_UP_DAYS) == date(2025, 2, 3)
    assert dates[0] == date(2025, 2, 3)  # a Monday, exactly 400 days back
    assert dates[-1] == date(2026, 3, 9)
    assert len(dates) == 58


def test_rule_whose_payer_left_still_makes_a_draft_that_asks_who_paid(household, member_user):
    rule = make_rule(household, paid_by=member_user, start_date=date(2026, 3, 1))
    Membership.objects.filter(user=member_user).delete()
    with at(date(2026, 3, 2)):
        assert make_due_drafts(household=household) == 1
    draft = rule_drafts(rule).get()
    assert draft.paid_by is None
    assert draft.problems == ["Ravi is no longer a member: pick who paid."]


def test_django_q_task_makes_drafts_for_every_household(household, other_household):
    ours = make_rule(household, start_date=date(2026, 3, 1))
    theirs = make_rule(other_household, start_date=date(2026, 3, 1), description="Their rent")
    paused = make_rule(household, start_date=date(2026, 3, 1), description="Gym", paused=True)
    with at(date(2026, 3, 1)):
        task_id = async_task("expenses.tasks.make_all_due_drafts")

    task = fetch(task_id)
    assert task.success, task.result
    assert task.result == 2
    assert drafted_dates(ours) == [date(2026, 3, 1)]
    assert drafted_dates(theirs) == [date(2026, 3, 1)]
    assert drafted_dates(paused) == []
    assert rule_drafts(theirs).get().household == other_household


def test_setup_schedules_makes_a_daily_schedule_that_makes_the_drafts(household):
    rule = make_rule(household, start_date=date(2026, 3, 1))
    with at(date(2026, 3, 1), hour=0):
        call_command("setup_schedules", stdout=io.StringIO())
        call_command("setup_schedules", stdout=io.StringIO())  # idempotent
    schedule = Schedule.objects.get(func="expenses.tasks.make_all_due_drafts")
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.DAILY, -1)

    with at(date(2026, 3, 1), hour=1):
        scheduler(broker=get_broker())  # what the cluster does every ~30 s
    assert drafted_dates(rule) == [date(2026, 3, 1)]


def test_one_households_failure_does_not_stop_the_others(household, other_household, monkeypatch):
    ours = make_rule(household, start_date=date(2026, 3, 1))
    theirs = make_rule(other_household, start_date=date(2026, 3, 1))
    real = services.make_due_drafts

    def broken_for_ours(*, household, today=None):
        if household.pk == ours.household_id:
            raise RuntimeError("disk full")
        return real(household=household, today=today)

    monkeypatch.setattr(tasks, "make_due_drafts", broken_for_ours)
    with at(date(2026, 3, 1)), pytest.raises(RuntimeError, match="failed for 1 household"):
        make_all_due_drafts()  # the task fails, so django-q2 shows it as failed…
    assert drafted_dates(theirs) == [date(2026, 3, 1)]  # …but the other household got its draft
    assert drafted_dates(ours) == []


def test_deleting_a_rule_keeps_its_drafts_and_expenses(household, member_client, member_user):
    rule = make_rule(household, start_date=date(2026, 3, 1), paid_by=member_user)
    with at(date(2026, 4, 2)):
        make_due_drafts(household=household)
        first, second = rule_drafts(rule)
        expense = draft_confirm(household=household, user=member_user, draft=first)
        response = member_client.post(f"/recurring/{rule.pk}/delete/")

    assert response.status_code == 302
    assert not RecurringRule.objects.filter(pk=rule.pk).exists()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.rule is None and first.expense == expense
    assert second.rule is None and second.state == DraftState.PENDING
    expense.refresh_from_db()
    assert expense.deleted_at is None and expense.amount == Decimal("15000.00")


def test_services_publish_recurring(household, admin_user, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(household.group_name, channel)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rule_create(
                household=household,
                user=admin_user,
                data=RuleData(
                    amount=Decimal("499"),
                    category=category(household, "Entertainment"),
                    description="Netflix",
                    cadence=Cadence.MONTHLY,
                    day_of_month=5,
                    start_date=date(2026, 3, 1),
                    paid_by=admin_user,
                ),
            )
        message = async_to_sync(layer.receive)(channel)
    finally:
        async_to_sync(layer.group_discard)(household.group_name, channel)
    assert message == {"type": "invalidate", "topics": ["recurring"]}


# ---------------------------------------------------------------- the page


def form_data(rule=None, **overrides) -> dict:
    if rule is None:
        data = {
            "description": "Rent",
            "amount": "15,000",
            "cadence": "monthly",
            "day_of_month": "31",
            "weekday": "",
            "month": "",
            "start_date": "2026-01-01",
            "end_date": "",
        }
    else:
        data = {
            "description": rule.description,
            "amount": str(rule.amount),
            "category": str(rule.category_id),
            "paid_by": str(rule.paid_by_id or ""),
            "cadence": rule.cadence,
            "day_of_month": "" if rule.day_of_month is None else str(rule.day_of_month),
            "weekday": "" if rule.weekday is None else str(rule.weekday),
            "month": "" if rule.month is None else str(rule.month),
            "start_date": rule.start_date.isoformat(),
            "end_date": rule.end_date.isoformat() if rule.end_date else "",
        }
    return {**data, **overrides}


def field_errors(response, field: str) -> str:
    """The text of the error list rendered next to `field` ('' when there is none)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    return match.group(1) if match else ""


def test_list_shows_rules_in_words_with_money_and_next_date(household, member_client, member_user):
    make_rule(household, day_of_month=31, paid_by=member_user, amount=Decimal("120000"))
    make_rule(household, description="Maid", cadence=Cadence.WEEKLY, weekday=0, day_of_month=None)
    make_rule(
        household, description="Insurance", cadence=Cadence.YEARLY, month=3, day_of_month=3, paused=True
    )
    with at(date(2026, 4, 2)):
        response = member_client.get("/recurring/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "₹1,20,000.00" in page
    assert "Monthly on the 31st (last day in shorter months)" in page
    assert "Weekly on Monday" in page
    assert "Yearly on 3 March" in page
    assert "Ravi" in page
    assert "Thu 30 Apr 2026" in page  # rent's next date
    assert "Mon 6 Apr 2026" in page  # the maid's
    assert "Paused" in page
    assert ">Resume</button>" in page


def test_list_fragment_for_live_refresh(household, member_client):
    make_rule(household)
    response = member_client.get("/recurring/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card" id="rule-list"')
    assert "<html" not in page
    assert "Rent" in page


def test_list_costs_the_same_queries_for_many_rules(household, member_client, django_assert_max_num_queries):
    for n in range(30):
        make_rule(household, description=f"Rule {n}", day_of_month=n % 28 + 1)
    with django_assert_max_num_queries(5):
        assert member_client.get("/recurring/").status_code == 200


def test_create_a_rule(household, member_client, member_user):
    with at(date(2026, 1, 20)):
        form = member_client.get("/recurring/new/")
        assert form.status_code == 200
        response = member_client.post(
            "/recurring/new/",
            form_data(category=str(category(household).pk), paid_by=str(member_user.pk)),
            follow=True,
        )

    assert response.redirect_chain == [("/recurring/", 302)]
    rule = RecurringRule.objects.for_household(household).get()
    assert rule.amount == Decimal("15000.00")
    assert rule.cadence == Cadence.MONTHLY and rule.day_of_month == 31
    assert rule.weekday is None and rule.month is None
    assert rule.paid_by == member_user and rule.created_by == member_user
    assert rule.category == category(household)
    assert "Saved “Rent”: next draft on Sat 31 Jan 2026." in response.content.decode()


def test_create_weekly_and_yearly_rules_keep_only_their_fields(household, member_client, member_user):
    base = form_data(category=str(category(household).pk), paid_by=str(member_user.pk))
    member_client.post(
        "/recurring/new/",
        {
            **base,
            "description": "Maid",
            "cadence": "weekly",
            "weekday": "4",
            "day_of_month": "9",
            "month": "7",
        },
    )
    member_client.post(
        "/recurring/new/",
        {
            **base,
            "description": "Insurance",
            "cadence": "yearly",
            "month": "2",
            "day_of_month": "29",
            "weekday": "1",
        },
    )
    maid = RecurringRule.objects.get(description="Maid")
    assert (maid.weekday, maid.day_of_month, maid.month) == (4, None, None)
    insurance = RecurringRule.objects.get(description="Insurance")
    assert (insurance.month, insurance.day_of_month, insurance.weekday) == (2, 29, None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "lots"}, "amount", "The amount is not a number"),
        ({"amount": ""}, "amount", "Enter an amount."),
        ({"day_of_month": ""}, "day_of_month", "Pick the day of the month it falls due."),
        ({"cadence": "weekly", "weekday": ""}, "weekday", "Pick the day of the week it falls due."),
        ({"cadence": "yearly", "month": ""}, "month", "Pick the month it falls due."),
        (
            {"cadence": "yearly", "month": "2", "day_of_month": "30"},
            "day_of_month",
            "February has only 29 days.",
        ),
        ({"cadence": "fortnightly"}, "cadence", "Select a valid choice."),
        ({"description": "  "}, "description", "Describe it"),
        ({"start_date": ""}, "start_date", "Pick the date it starts."),
        ({"end_date": "2025-12-31"}, "end_date", "The end date must be on or after the start date."),
    ],
)
def test_invalid_input_shows_the_error_next_to_the_field_and_saves_nothing(
    household, member_client, member_user, overrides, field, message
):
    data = form_data(category=str(category(household).pk), paid_by=str(member_user.pk), **overrides)
    response = member_client.post("/recurring/new/", data)

    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert not RecurringRule.objects.exists()


def test_another_households_category_or_member_is_refused(
    household, member_client, member_user, other_household, other_user
):
    data = form_data(category=str(category(other_household).pk), paid_by=str(other_user.pk))
    response = member_client.post("/recurring/new/", data)
    assert response.status_code == 200
    assert "Pick one of this household&#x27;s categories." in field_errors(response, "category")
    assert "Pick a member of this household." in field_errors(response, "paid_by")
    assert not RecurringRule.objects.exists()


def test_edit_a_rule(household, member_client, admin_user):
    rule = make_rule(household, paid_by=admin_user)
    page = member_client.get(f"/recurring/{rule.pk}/")
    assert page.status_code == 200
    assert 'value="Rent"' in page.content.decode()

    with at(date(2026, 3, 10)):
        response = member_client.post(
            f"/recurring/{rule.pk}/",
            form_data(rule, amount="16,500.50", cadence="weekly", weekday="2", end_date="2026-12-31"),
            follow=True,
        )
    assert response.redirect_chain == [("/recurring/", 302)]
    assert "Saved “Rent”: next draft on Wed 11 Mar 2026." in response.content.decode()
    rule.refresh_from_db()
    assert rule.amount == Decimal("16500.50")
    assert (rule.cadence, rule.weekday, rule.day_of_month) == (Cadence.WEEKLY, 2, None)
    assert rule.end_date == date(2026, 12, 31)


def test_invalid_edit_changes_nothing(household, member_client):
    rule = make_rule(household)
    response = member_client.post(f"/recurring/{rule.pk}/", form_data(rule, amount="0", day_of_month=""))
    assert response.status_code == 200
    assert "The amount must be more than zero." in field_errors(response, "amount")
    assert "Pick the day of the month it falls due." in field_errors(response, "day_of_month")
    rule.refresh_from_db()
    assert rule.amount == Decimal("15000.00") and rule.day_of_month == 1


def test_edit_keeps_an_archived_category(household, member_client, member_user):
    old = category(household, "Other")
    old.archived = True
    old.save()
    rule = make_rule(household, category=old, paid_by=member_user)
    response = member_client.post(f"/recurring/{rule.pk}/", form_data(rule, description="Paper"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.description == "Paper" and rule.category == old


def test_pause_and_resume(household, member_client):
    rule = make_rule(
        household, cadence=Cadence.WEEKLY, weekday=0, day_of_month=None, start_date=date(2026, 3, 1)
    )
    with at(date(2026, 3, 10)):
        response = member_client.post(f"/recurring/{rule.pk}/pause/", {"paused": "1"}, follow=True)
        assert "Paused “Rent”" in response.content.decode()
        rule.refresh_from_db()
        assert rule.paused
        # A second click on the same (stale) button does not flip it back.
        member_client.post(f"/recurring/{rule.pk}/pause/", {"paused": "1"})
        rule.refresh_from_db()
        assert rule.paused
        page = member_client.get("/recurring/").content.decode()
        assert "Paused" in page and ">Resume</button>" in page

    with at(date(2026, 3, 20)):
        response = member_client.post(f"/recurring/{rule.pk}/pause/", {"paused": "0"}, follow=True)
        assert "Resumed “Rent”: next draft on Mon 23 Mar 2026." in response.content.decode()
        rule.refresh_from_db()
        assert not rule.paused
        assert make_due_drafts(household=household) == 0  # Monday 16 March fell while paused
        assert ">Pause</button>" in member_client.get("/recurring/").content.decode()


def test_pause_without_a_value_toggles(household, member_client):
    rule = make_rule(household)
    member_client.post(f"/recurring/{rule.pk}/pause/")
    rule.refresh_from_db()
    assert rule.paused


def test_delete_a_rule(household, member_client):
    rule = make_rule(household)
    response = member_client.post(f"/recurring/{rule.pk}/delete/", follow=True)
    assert response.redirect_chain == [("/recurring/", 302)]
    assert "Deleted “Rent”. The drafts and expenses it made are kept." in response.content.decode()
    assert not RecurringRule.objects.exists()


def test_state_changing_urls_refuse_get(household, member_client):
    rule = make_rule(household)
    assert member_client.get(f"/recurring/{rule.pk}/pause/").status_code == 405
    assert member_client.get(f"/recurring/{rule.pk}/delete/").status_code == 405
    rule.refresh_from_db()
    assert not rule.paused


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("post", ""), ("post", "pause/"), ("post", "delete/")],
)
def test_another_households_rule_is_a_404_and_nothing_changes(household, other_client, method, suffix):
    rule = make_rule(household)
    before = RecurringRule.objects.filter(pk=rule.pk).values().get()
    data = form_data(rule, description="Hacked", amount="1") if method == "post" else None
    response = getattr(other_client, method)(f"/recurring/{rule.pk}/{suffix}", data)

    assert response.status_code == 404
    assert RecurringRule.objects.filter(pk=rule.pk).values().get() == before
    assert "Rent" not in other_client.get("/recurring/").content.decode()


def test_viewer_sees_the_list_but_cannot_change_anything(household, viewer_client, viewer_user):
    rule = make_rule(household)
    page = viewer_client.get("/recurring/")
    assert page.status_code == 200
    assert "Rent" in page.content.decode()
    assert "New rule" not in page.content.decode()
    assert f"/recurring/{rule.pk}/delete/" not in page.content.decode()

    before = RecurringRule.objects.filter(pk=rule.pk).values().get()
    data = form_data(rule, description="Changed", category=str(rule.category_id), paid_by=str(viewer_user.pk))
    assert viewer_client.post("/recurring/new/", data).status_code == 403
    assert viewer_client.post(f"/recurring/{rule.pk}/", data).status_code == 403
    assert viewer_client.post(f"/recurring/{rule.pk}/pause/", {"paused": "1"}).status_code == 403
    assert viewer_client.post(f"/recurring/{rule.pk}/delete/").status_code == 403
    assert viewer_client.get("/recurring/new/").status_code == 403
    assert RecurringRule.objects.count() == 1
    assert RecurringRule.objects.filter(pk=rule.pk).values().get() == before


def test_anonymous_is_sent_to_log_in(client, household):
    rule = make_rule(household)
    response = client.post(f"/recurring/{rule.pk}/delete/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert RecurringRule.objects.filter(pk=rule.pk).exists()
