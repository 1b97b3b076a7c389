"""make run opens on a lived-in household: seed_demo's contract, and that it is safe to repeat."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from budgets.models import Budget, BudgetAlert
from expenses.models import (
    DraftState,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
    ImportBatch,
    LearnedWord,
    Occasion,
    Recipient,
    RecurringRule,
)
from households.models import Household, User
from llmsettings.models import UsageRecord

# Real commits, so the demo's on-commit events and mails run when they would in `make run`.
pytestmark = pytest.mark.django_db(transaction=True)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_household_is_lived_in_and_seeding_twice_changes_nothing(client):
    printed = seed()
    assert BudgetAlert.objects.exists()  # the demo's history crosses thresholds…
    assert "login: asha@demo.hearth  password: hearth-demo-2026" in printed
    household = Household.objects.get()
    today = household.today()
    expenses = Expense.objects.for_household(household)
    # An AI budget tree (a monthly limit, a child per member and per task) and a month of calls.
    ai = Budget.objects.filter(measure=Budget.Measure.AI_USAGE)
    root = ai.get(parent__isnull=True)
    assert root.period == Budget.Period.MONTHLY
    assert ai.filter(parent=root, member__isnull=False).count() == 2
    assert set(ai.filter(parent=root).exclude(ai_task="").values_list("ai_task", flat=True)) == {
        "chat",
        "analysis",
    }
    calls = UsageRecord.objects.filter(household=household)
    days = {
        timezone.localtime(c, household.tzinfo).date() for c in calls.values_list("created_at", flat=True)
    }
    assert len(days) >= 28 and calls.count() >= 2 * len(days) and calls.filter(cost__gt=0).exists()
    counts = {
        "expenses": expenses.count(),
        "drafts": ExpenseDraft.objects.filter(state=DraftState.PENDING).count(),
        "rules": RecurringRule.objects.count(),
        "budgets": Budget.objects.count(),
        "occasions": Occasion.objects.count(),
        "recipients": Recipient.objects.count(),
        "calls": calls.count(),
        "learned words": LearnedWord.objects.count(),
    }
    months = {(e.date.year, e.date.month) for e in expenses.filter(status=ExpenseStatus.PAID)}
    assert len(months) >= 6  # six months of history, this one included
    assert expenses.filter(date__month=today.month, date__year=today.year).exists()
    assert expenses.overdue(today).exists()
    assert counts["drafts"] >= 2 and counts["rules"] == 2
    assert Budget.objects.filter(parent__isnull=True, occasion__isnull=True).exists()
    assert set(Occasion.objects.values_list("kind", flat=True)) >= {"festival", "wedding"}
    assert mail.outbox == []  # …but the demo's old threshold crossings mail nobody

    seed()
    assert Household.objects.count() == 1 and User.objects.count() == 2
    assert counts == {
        "expenses": expenses.count(),
        "drafts": ExpenseDraft.objects.filter(state=DraftState.PENDING).count(),
        "rules": RecurringRule.objects.count(),
        "budgets": Budget.objects.count(),
        "occasions": Occasion.objects.count(),
        "recipients": Recipient.objects.count(),
        "calls": calls.count(),
        "learned words": LearnedWord.objects.count(),
    }
    assert counts["learned words"] >= 3
    statement = ImportBatch.objects.get(file_name="bank-statement.csv")  # an import, with what it skipped
    assert (statement.state, statement.draft_count, len(statement.skipped)) == ("done", 3, 4)
    # Through the login form (the sign-in throttle wants a real request, as a person's sign-in has).
    signed_in = client.post(
        "/accounts/login/", {"username": "ravi@demo.hearth", "password": "hearth-demo-2026"}
    )
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200
    page = client.get("/budgets/ai/usage/")
    assert page.status_code == 200 and page.context["totals"].calls > 0 and page.context["tree"]
