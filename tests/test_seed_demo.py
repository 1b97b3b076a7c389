"""make run opens on a lived-in household: seed_demo's contract, and that it is safe to repeat."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from budgets.models import Budget, BudgetAlert
from expenses.models import (
    DraftState,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
    Occasion,
    Recipient,
    RecurringRule,
)
from households.models import Household, User

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
    counts = {
        "expenses": expenses.count(),
        "drafts": ExpenseDraft.objects.filter(state=DraftState.PENDING).count(),
        "rules": RecurringRule.objects.count(),
        "budgets": Budget.objects.count(),
        "occasions": Occasion.objects.count(),
        "recipients": Recipient.objects.count(),
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
    }
    # Through the login form (the sign-in throttle wants a real request, as a person's sign-in has).
    signed_in = client.post(
        "/accounts/login/", {"username": "ravi@demo.hearth", "password": "hearth-demo-2026"}
    )
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200
