"""The analysis chat's intents registry: every intent is one entry, and one entry is all a new
intent needs to be read, validated, answered and shown again."""

import dataclasses
import html
import re
from datetime import date

import pytest
from django.utils.module_loading import import_string

from analysis import answers
from analysis.intents import (
    INTENTS,
    PARAMETERS,
    REGISTRY,
    UNKNOWN,
    Classification,
    Intent,
    QuestionContext,
    Rule,
    classify_question,
    period_phrase,
    register,
    unregister,
)
from analysis.models import Question
from budgets.selectors import Period, month_period
from expenses.models import Expense
from tests.factories import ExpenseFactory

TODAY = date(2026, 4, 15)
CONTEXT = QuestionContext(
    today=TODAY,
    asker="Ravi Kumar",
    members=("Asha Sharma", "Ravi Kumar"),
    categories=("Groceries", "Dining"),
    budgets=("Diwali fund",),
)
APRIL = month_period(TODAY)
MARCH = month_period(date(2026, 3, 1))


# --- a throwaway intent: how many expenses mention zebras ----------------------------------------


def zebra_expenses(*, household, period: Period) -> int:
    """A selector: how many of the household's expenses in the period mention zebras."""
    return (
        Expense.objects.for_household(household)
        .alive()
        .filter(period.q(), description__icontains="zebra")
        .count()
    )


def zebra_answer(ask: answers.Ask) -> answers.Answer:
    count = ask.select(period=ask.period)
    return answers.Answer(f"{count} expenses mention zebras {period_phrase(ask.period)}.")


ZEBRAS = Intent(
    "zebra_count",
    params=("period",),
    dated=True,
    rules=(Rule(5, words=r"\bzebras?\b"),),
    selector=f"{__name__}.zebra_expenses",
    answer=f"{__name__}.zebra_answer",
)


@pytest.fixture
def registered():
    """register(...) for the test: the intents it adds are gone again after it."""
    added = []

    def add(*intents: Intent) -> None:
        for intent in intents:
            added.append(register(intent).name)

    yield add
    for name in added:
        unregister(name)


@pytest.fixture
def zebras(registered):
    registered(ZEBRAS)
    return ZEBRAS


# --- (a) every entry is whole ---------------------------------------------------------------------


@pytest.mark.parametrize("name", INTENTS)
def test_every_intent_has_a_selector_and_an_answer(name):
    intent = REGISTRY[name]
    selector, answer = import_string(intent.selector), import_string(intent.answer)
    assert callable(selector)
    assert selector.__module__ == "analysis.selectors"  # every number is the dashboard's
    assert callable(answer)
    assert answer.__module__ == "analysis.answers"


@pytest.mark.parametrize("name", INTENTS)
def test_every_intent_takes_known_parameters_and_is_read_somehow(name):
    intent = REGISTRY[name]
    assert intent.name == name != UNKNOWN
    assert len(name) <= Question._meta.get_field("intent").max_length
    assert set(intent.params) <= set(PARAMETERS)
    assert set(intent.defaults) <= set(intent.params)
    assert not intent.dated or "period" in intent.params
    assert "previous" not in intent.params or "period" in intent.params
    assert intent.rules, "the builtin reader would never pick it"


def test_the_registry_is_the_builtin_intents():
    assert tuple(REGISTRY) == INTENTS
    assert len(INTENTS) == 15


def test_a_name_is_registered_once(registered):
    with pytest.raises(ValueError):
        register(REGISTRY["total_by_period"])
    with pytest.raises(ValueError):
        register(dataclasses.replace(ZEBRAS, name=UNKNOWN))
    assert REGISTRY["total_by_period"].answer == "analysis.answers.total"


# --- (b) adding an intent is one entry ------------------------------------------------------------


def test_a_new_intent_is_not_read_before_it_is_registered():
    assert classify_question("how many zebras?", CONTEXT) == Classification(UNKNOWN)
    assert Classification.from_json("zebra_count", {}, CONTEXT) == Classification(UNKNOWN)


def test_a_registered_intent_is_read_by_its_words(zebras):
    classification = classify_question("How many zebras in March?", CONTEXT)
    assert classification == Classification("zebra_count", {"period": MARCH})
    assert classification.understood
    # Dated: no period named means this month.
    assert classify_question("how many zebras?", CONTEXT).params == {"period": APRIL}


def test_a_registered_intent_is_validated_by_its_entry(zebras):
    classification = Classification.from_json(
        "zebra_count",
        {
            "period": {"start": "2026-03-01", "end": "2026-03-31", "label": "March 2026"},
            "limit": 3,  # not a parameter of this intent
            "category": "Groceries",
            "sql": "DROP TABLE expenses",
        },
        CONTEXT,
    )
    assert classification == Classification("zebra_count", {"period": MARCH})
    assert Classification.from_json("zebra_count", {"period": "March"}, CONTEXT).params == {"period": APRIL}
    stored = classification.to_json()
    assert Classification.from_json("zebra_count", stored) == classification


def test_every_parameter_kind_is_validated(registered):
    registered(dataclasses.replace(ZEBRAS, name="everything", params=PARAMETERS, defaults={"limit": 7}))
    raw = {
        "period": {"start": "2026-04-01", "end": "2026-04-30", "label": "April 2026"},
        "previous": {"start": "2026-03-01", "end": "2026-03-31", "label": "March 2026"},
        "category": "dining",
        "member": "asha sharma",
        "budget": "DIWALI FUND",
        "limit": "3",
        "days": 10,
    }
    assert Classification.from_json("everything", raw, CONTEXT).params == {
        "period": APRIL,
        "previous": MARCH,
        "category": "Dining",
        "member": "Asha Sharma",
        "budget": "Diwali fund",
        "limit": 3,
        "days": 10,
    }
    assert Classification.from_json("everything", {}, CONTEXT).params == {
        "period": APRIL,
        "previous": MARCH,
        "limit": 7,  # the entry's default; "days" has none, so it is not given
    }


@pytest.mark.django_db
def test_a_registered_intent_is_answered_end_to_end(
    zebras, member_client, household, member_user, time_machine
):
    time_machine.move_to("2026-04-15T12:00:00+05:30")
    for day, description in [
        (date(2026, 3, 3), "Zebra crossing paint"),
        (date(2026, 3, 20), "zebra plush"),
        (date(2026, 3, 21), "Groceries"),
        (date(2026, 4, 2), "Zebra cake"),
    ]:
        ExpenseFactory(household=household, paid_by=member_user, date=day, description=description)

    response = member_client.post("/analysis/", {"question": "How many zebras in March?"})
    assert response.status_code == 302
    question = Question.objects.get(household=household)
    assert (question.intent, question.params["period"]["start"]) == ("zebra_count", "2026-03-01")
    assert question.answer == "2 expenses mention zebras in March 2026."

    # Shown again, it is answered again from the stored intent, through the registry.
    ExpenseFactory(household=household, paid_by=member_user, date=date(2026, 3, 9), description="Zebra mug")
    page = html.unescape(member_client.get("/analysis/").content.decode())
    assert re.findall(r'<p class="answer">(.*?)</p>', page) == ["3 expenses mention zebras in March 2026."]


# --- (c) the order is data ------------------------------------------------------------------------

STRIPES = "anything with stripes?"
ZEBRA_STRIPES = dataclasses.replace(ZEBRAS, rules=(Rule(5, words=r"\b(?:zebras?|stripes)\b"),))
TIGERS = dataclasses.replace(ZEBRAS, name="tiger_count", rules=(Rule(5, words=r"\b(?:tigers?|stripes)\b"),))


def test_equal_rules_resolve_by_registry_order(registered):
    registered(ZEBRA_STRIPES, TIGERS)
    assert classify_question(STRIPES, CONTEXT).intent == "zebra_count"
    assert classify_question("any tigers?", CONTEXT).intent == "tiger_count"


def test_equal_rules_resolve_by_registry_order_the_other_way(registered):
    registered(TIGERS, ZEBRA_STRIPES)
    assert classify_question(STRIPES, CONTEXT).intent == "tiger_count"


def test_a_lower_order_wins_whatever_the_registry_order(registered):
    registered(ZEBRA_STRIPES, dataclasses.replace(TIGERS, rules=(Rule(4, words=TIGERS.rules[0].words),)))
    assert classify_question(STRIPES, CONTEXT).intent == "tiger_count"


def test_the_builtin_order_is_data(monkeypatch):
    # "past due" is both overdue's words and upcoming's ("due"); overdue is tried first.
    assert classify_question("what is past due?", CONTEXT).intent == "overdue_payments"
    upcoming = REGISTRY["upcoming_payments"]
    sooner = dataclasses.replace(upcoming.rules[0], order=REGISTRY["overdue_payments"].rules[0].order - 1)
    monkeypatch.setitem(REGISTRY, "upcoming_payments", dataclasses.replace(upcoming, rules=(sooner,)))
    assert classify_question("what is past due?", CONTEXT).intent == "upcoming_payments"
