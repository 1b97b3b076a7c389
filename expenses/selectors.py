"""Reads on the ledger: which expenses a list shows. Numbers come from analysis.selectors."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from expenses.models import Category, DraftState, Expense, ExpenseDraft, ImportBatch
from households.models import Household, User


@dataclass(frozen=True)
class ExpenseFilter:
    q: str = ""
    start: date | None = None
    end: date | None = None
    category: Category | None = None
    member: User | None = None
    status: str = ""
    overdue: bool = False
    budget: object = None  # budgets.models.Budget: the items a budget's meter counts

    @classmethod
    def from_cleaned(cls, data: dict) -> "ExpenseFilter":
        start, end = data.get("start"), data.get("end")
        if month := data.get("month"):
            start = month
            end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        return cls(
            q=(data.get("q") or "").strip(),
            start=start,
            end=end,
            category=data.get("category"),
            member=data.get("member"),
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            budget=data.get("budget"),
        )

    def apply(self, qs, *, today: date):
        qs = qs.in_period(self.start, self.end)
        if self.category is not None:
            qs = qs.filter(category=self.category)
        if self.member is not None:
            qs = qs.filter(paid_by=self.member)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.overdue:
            qs = qs.overdue(today)
        if self.q:
            qs = qs.filter(Q(description__icontains=self.q) | Q(category__name__icontains=self.q))
        if self.budget is not None:
            from budgets.models import Budget
            from budgets.selectors import counted_q

            by_id = {b.pk: b for b in Budget.objects.for_household(self.budget.household_id)}
            qs = qs.filter(counted_q(self.budget, by_id))
        return qs


def expenses_matching(*, household: Household, filters: ExpenseFilter):
    """The household's live (not trashed) expenses that `filters` selects, newest first."""
    qs = Expense.objects.for_household(household).alive()
    return filters.apply(qs, today=household.today()).order_by("-date", "-created_at")


def expense_rows(qs):
    """What a list row needs, in the same query."""
    return qs.select_related("category", "paid_by")


def trash(*, household: Household):
    return (
        Expense.objects.for_household(household)
        .in_trash()
        .select_related("category", "paid_by")
        .order_by("-deleted_at")
    )


def pending_drafts(*, household: Household, state: str = DraftState.PENDING):
    """The household's drafts in `state` (pending unless asked), oldest first, with what a card shows."""
    return (
        ExpenseDraft.objects.for_household(household)
        .filter(state=state)
        .select_related("category", "paid_by", "duplicate_of")
        .order_by("created_at")
    )


def ready_drafts(drafts):
    """The drafts of `drafts` that can be confirmed as they are: pending, nothing to check."""
    return drafts.filter(state=DraftState.PENDING, problems=[])


def draft_counts(drafts) -> dict:
    """How many of `drafts` are pending, ready, need review and were discarded: one query."""
    pending = Q(state=DraftState.PENDING)
    return drafts.aggregate(
        pending=Count("pk", filter=pending),
        ready=Count("pk", filter=pending & Q(problems=[])),
        review=Count("pk", filter=pending & ~Q(problems=[])),
        discarded=Count("pk", filter=Q(state=DraftState.DISCARDED)),
    )


def import_batches_with_pending(*, household: Household, limit: int = 20):
    """The household's latest imports that still have pending drafts, with that count."""
    return (
        ImportBatch.objects.for_household(household)
        .filter(drafts__state=DraftState.PENDING)
        .annotate(pending=Count("drafts", filter=Q(drafts__state=DraftState.PENDING)))
        .only("pk", "file_name", "created_at")
        .order_by("-created_at")[:limit]
    )
