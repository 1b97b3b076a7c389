"""The analysis chat with an LLM provider: it picks the intent and its parameters (validated
against the household) and may phrase the answer; every number in the reply is the selector's."""

from datetime import date
from decimal import Decimal

import pytest

from analysis import selectors
from analysis.models import Question
from analysis.services import ask_question
from budgets.selectors import month_period
from expenses.models import Category
from households.money import format_money
from llmsettings import calls
from llmsettings.models import ProviderSettings, UsageRecord
from llmsettings.providers import Classification, Phrased, ProviderError, Reply, Usage
from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db

APRIL = month_period(date(2026, 4, 1))


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-04-15T12:00:00+05:30")


class ScriptedProvider:
    """A fake provider: classifies and phrases as scripted, and notes what it was asked."""

    name = "openai"
    label = "OpenAI"
    paid = True
    model = "gpt-4o-mini"
    script: dict = {}
    asked: list = []

    def __init__(self, *args, **kwargs):
        pass

    def _reply(self):
        return Reply(data={}, raw="{}", usage=Usage(120, 30), model=self.model, latency_ms=5)

    def classify_question(self, text, context):
        ScriptedProvider.asked.append(("classify", text, context))
        step = self.script.get("classify")
        if isinstance(step, Exception):
            raise step
        intent, params = step
        return Classification(intent, params, self._reply())

    def phrase_answer(self, answer, figures, context):
        ScriptedProvider.asked.append(("phrase", answer, figures))
        step = self.script.get("phrase", lambda answer: answer)
        if isinstance(step, Exception):
            raise step
        return Phrased(step(answer), self._reply())


@pytest.fixture
def llm(household, monkeypatch):
    monkeypatch.setattr(calls, "make_provider", ScriptedProvider)
    ScriptedProvider.script, ScriptedProvider.asked = {}, []
    ProviderSettings.objects.create(
        household=household, provider="openai", model="gpt-4o-mini", api_key_token=""
    )
    return ScriptedProvider


@pytest.fixture
def groceries(household, admin_user):
    ExpenseFactory(household=household, paid_by=admin_user, amount=Decimal("1200.00"), date=date(2026, 4, 3))
    ExpenseFactory(household=household, paid_by=admin_user, amount=Decimal("450.50"), date=date(2026, 4, 14))
    ExpenseFactory(
        household=household,
        paid_by=admin_user,
        amount=Decimal("800.00"),
        date=date(2026, 4, 10),
        category_name="Dining",
    )
    return Category.objects.for_household(household).get(name="Groceries")


def test_the_provider_picks_the_intent_and_the_selector_gives_the_number(
    household, admin_user, llm, groceries
):
    llm.script = {
        "classify": (
            "category_spend_by_period",
            {"category": "GROCERIES", "period": {"start": "2026-04-01", "end": "2026-04-30"}},
        ),
        "phrase": lambda answer: f"Good question! {answer}",
    }
    question, result = ask_question(household=household, user=admin_user, text="what went on food shopping")
    total = next(
        s.amount
        for s in selectors.spend_by_category(household=household, period=APRIL)
        if s.label == "Groceries"
    )
    assert total == Decimal("1650.50")
    assert question.intent == "category_spend_by_period"
    assert question.params["category"] == "Groceries"  # the household's spelling, validated
    assert question.classifier == "openai"
    assert format_money(total, household) in result.sentence
    assert result.sentence.startswith("Good question!")
    # Told names only: categories and members, never rows or amounts.
    _, _, context = llm.asked[0]
    assert "Groceries" in context.categories and "Asha" in context.members
    assert "1200" not in repr(context) and "1,200" not in repr(context)
    assert UsageRecord.objects.filter(household=household, task="analysis", outcome="ok").count() == 2


def test_a_phrased_answer_with_other_figures_is_replaced_by_the_template(
    household, admin_user, llm, groceries
):
    llm.script = {
        "classify": ("category_spend_by_period", {"category": "Groceries"}),
        "phrase": lambda answer: "You spent ₹9,999.00 on groceries this month.",
    }
    _, result = ask_question(household=household, user=admin_user, text="groceries this month?")
    assert "9,999" not in result.sentence
    assert format_money(Decimal("1650.50"), household) in result.sentence


def test_a_phrased_answer_that_drops_a_figure_is_replaced_too(household, admin_user, llm, groceries):
    llm.script = {
        "classify": ("category_spend_by_period", {"category": "Groceries"}),
        "phrase": lambda answer: "You spent a fair bit on groceries.",
    }
    _, result = ask_question(household=household, user=admin_user, text="groceries this month?")
    assert format_money(Decimal("1650.50"), household) in result.sentence


def test_parameters_not_of_the_household_are_dropped(household, admin_user, llm, groceries, other_household):
    Category.objects.create(household=other_household, name="Yachts")
    llm.script = {"classify": ("category_spend_by_period", {"category": "Yachts", "member": "Nosy"})}
    question, result = ask_question(household=household, user=admin_user, text="yachts?")
    assert "category" not in question.params and "member" not in question.params
    assert "Yachts" not in result.sentence


def test_an_intent_that_does_not_exist_leaves_the_builtin_reading(household, admin_user, llm, groceries):
    llm.script = {"classify": ("drop_all_tables", {"sql": "DROP TABLE expenses"})}
    question, result = ask_question(
        household=household, user=admin_user, text="How much did we spend this month?"
    )
    assert question.intent == "total_by_period"
    assert question.classifier == "builtin"
    assert format_money(Decimal("2450.50"), household) in result.sentence


@pytest.mark.parametrize(
    "error, reason",
    [
        (
            ProviderError("timeout", "didn't answer within 15 s"),
            "OpenAI didn't answer within 15 s — read offline instead.",
        ),
        (
            ProviderError("auth", "refused the API key (401)"),
            "OpenAI refused the API key (401) — read offline instead.",
        ),
        (
            ProviderError("bad_output", "sent an answer that was not valid JSON", raw="{oops"),
            "not valid JSON",
        ),
    ],
)
def test_a_failing_provider_leaves_the_builtin_answer_with_the_reason(
    household, admin_user, llm, groceries, error, reason
):
    llm.script = {"classify": error}
    question, result = ask_question(
        household=household, user=admin_user, text="How much did we spend this month?"
    )
    assert reason in result.sentence
    assert format_money(Decimal("2450.50"), household) in result.sentence
    assert question.intent == "total_by_period"
    assert UsageRecord.objects.get(household=household).outcome == error.outcome


def test_a_failed_phrasing_keeps_the_template_answer(household, admin_user, llm, groceries):
    llm.script = {
        "classify": ("total_by_period", {}),
        "phrase": ProviderError("rate_limit", "is rate-limiting requests (429)"),
    }
    _, result = ask_question(household=household, user=admin_user, text="total this month")
    assert format_money(Decimal("2450.50"), household) in result.sentence
    assert "rate-limiting" not in result.sentence


def test_a_refused_question_never_reaches_the_provider(household, admin_user, llm):
    question, _ = ask_question(
        household=household, user=admin_user, text="How much did the neighbours spend?"
    )
    assert llm.asked == []
    assert question.intent == ""


def test_a_household_without_a_provider_never_calls_one(household, admin_user, groceries, monkeypatch):
    monkeypatch.setattr(calls, "make_provider", ScriptedProvider)
    ScriptedProvider.asked = []
    ask_question(household=household, user=admin_user, text="How much did we spend this month?")
    assert ScriptedProvider.asked == []
    assert not Question.objects.filter(classifier="openai").exists()
