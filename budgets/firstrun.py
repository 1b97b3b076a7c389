"""The budgets' step of the first-run checklist (listed on BudgetsConfig.first_run_steps)."""

from django.urls import reverse

from budgets.models import Budget
from households.models import Household
from households.selectors import Step


def first_budget(*, household: Household) -> Step:
    """Done once the household has a budget on its spending (an AI-spend budget doesn't count):
    one query."""
    done = Budget.objects.for_household(household).exclude(measure=Budget.Measure.AI_USAGE).exists()
    return Step(
        key="budget",
        label="Set a budget",
        done=done,
        url=reverse("budget_new"),
        action="New budget",
    )
