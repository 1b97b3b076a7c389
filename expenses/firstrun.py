"""The ledger's step of the first-run checklist (listed on ExpensesConfig.first_run_steps)."""

from django.db.models import Exists
from django.urls import reverse

from expenses.models import ChatMessage, Expense, ExpenseDraft
from households.models import Household
from households.selectors import Step


def first_entry(*, household: Household) -> Step:
    """Done once the household has any expense (even one in the trash), chat message or draft:
    one query."""
    done = (
        Household.objects.filter(pk=household.pk)
        .filter(
            Exists(Expense.objects.filter(household=household))
            | Exists(ChatMessage.objects.filter(household=household))
            | Exists(ExpenseDraft.objects.filter(household=household))
        )
        .exists()
    )
    return Step(
        key="first-entry",
        label="Add your first expense or chat message",
        done=done,
        url=reverse("chat"),
        action="Open the chat",
    )
