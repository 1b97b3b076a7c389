"""The first-run checklist: which steps a household has done, what it costs, and its card."""

import html
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from budgets.models import Budget
from expenses.models import ChatMessage, Expense
from households.models import Role
from households.selectors import Step, first_run_steps
from tests.factories import DraftFactory, ExpenseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def done(household, **kwargs) -> dict[str, bool]:
    return {step.key: step.done for step in first_run_steps(household=household, **kwargs)}


def test_a_new_household_has_three_steps_to_do_in_order(household, admin_user):
    steps = first_run_steps(household=household)
    assert [(s.key, s.label, s.done, s.url) for s in steps] == [
        ("first-entry", "Add your first expense or chat message", False, reverse("chat")),
        ("budget", "Set a budget", False, reverse("budget_new")),
        ("invite", "Invite your partner", False, reverse("invite")),
    ]
    assert all(s.action for s in steps)


def test_the_steps_cost_at_most_three_queries(household, admin_user, django_assert_max_num_queries):
    household = type(household).objects.get(pk=household.pk)  # nothing read on it yet
    with django_assert_max_num_queries(3):
        first_run_steps(household=household)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda h, u: ExpenseFactory(household=h, paid_by=u), id="expense"),
        pytest.param(
            lambda h, u: Expense.objects.filter(pk=ExpenseFactory(household=h, paid_by=u).pk).update(
                deleted_at=timezone.now()
            ),
            id="expense-in-the-trash",
        ),
        pytest.param(
            lambda h, u: ChatMessage.objects.create(household=h, role="member", author=u, text="hi"),
            id="chat-message",
        ),
        pytest.param(lambda h, u: DraftFactory(household=h, paid_by=u), id="draft"),
    ],
)
def test_any_expense_chat_message_or_draft_does_the_first_step(household, admin_user, make):
    make(household, admin_user)
    assert done(household) == {"first-entry": True, "budget": False, "invite": False}


def test_another_households_rows_do_not_count(household, admin_user, other_household, other_user):
    ExpenseFactory(household=other_household, paid_by=other_user)
    Budget.objects.create(household=other_household, name="Food", amount=Decimal("5000"))
    MembershipFactory(household=other_household)
    assert done(household) == {"first-entry": False, "budget": False, "invite": False}


def test_a_budget_on_spending_does_the_budget_step_an_ai_budget_does_not(household, admin_user):
    Budget.objects.create(
        household=household, name="AI", amount=Decimal("10"), measure=Budget.Measure.AI_USAGE
    )
    assert done(household)["budget"] is False
    Budget.objects.create(household=household, name="Food", amount=Decimal("5000"))
    assert done(household)["budget"] is True


def test_a_second_member_does_the_invite_step(household, admin_user):
    assert done(household)["invite"] is False
    MembershipFactory(household=household, role=Role.VIEWER)
    assert done(type(household).objects.get(pk=household.pk))["invite"] is True


def test_a_member_who_cannot_invite_is_sent_to_the_members_page(household, admin_user, member_user):
    [*_, invite] = first_run_steps(household=household, membership=member_user.membership)
    assert invite.url == reverse("members")
    [*_, invite] = first_run_steps(household=household, membership=admin_user.membership)
    assert invite.url == reverse("invite")


# --- the card -----------------------------------------------------------------------------------


def render(steps) -> str:
    return render_to_string("households/first_run.html", {"steps": steps})


def words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_the_card_ticks_done_steps_in_words_and_links_the_rest(household, admin_user):
    ExpenseFactory(household=household, paid_by=admin_user)
    markup = render(first_run_steps(household=household))

    assert "Getting started" in words(markup)
    done_step = re.search(r'<li [^>]*id="first-run-first-entry".*?</li>', markup, re.S)[0]
    assert "Done" in words(done_step)  # a word, not a colour
    assert '<span aria-hidden="true">✓</span>' in done_step
    assert "<a " not in done_step
    budget_step = re.search(r'<li [^>]*id="first-run-budget".*?</li>', markup, re.S)[0]
    assert (
        f'<a class="button secondary first-run-action" href="{reverse("budget_new")}">New budget</a>'
        in budget_step
    )
    assert "Done" not in words(budget_step)
    assert markup.count('class="button ') == 2  # `.button`: a 44 px tap target


def test_the_card_shows_nothing_once_every_step_is_done():
    steps = [Step(key, key, True, "/", "Go") for key in ("a", "b", "c")]
    assert render(steps).strip() == ""
    assert "Getting started" in render([*steps[:2], Step("c", "c", False, "/", "Go")])
    assert render([]).strip() == ""


def test_the_card_escapes_what_it_shows():
    markup = render([Step("x", "<b>label</b>", False, "/?a=1&b=2", "<i>go</i>")])
    assert "<b>label</b>" not in markup and "&lt;b&gt;label&lt;/b&gt;" in markup
    assert 'href="/?a=1&amp;b=2"' in markup
