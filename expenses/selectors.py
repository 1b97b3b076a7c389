"""Reads on the ledger: which expenses a list shows. Numbers come from analysis.selectors."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.http import urlencode

from expenses.models import (
    Category,
    DraftState,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
    ImportBatch,
    Occasion,
    Recipient,
    due_soon_q,
    overdue_q,
)
from households.models import Household, User
from households.money import ZERO
from households.periods import month_end


@dataclass(frozen=True)
class ExpenseFilter:
    q: str = ""
    start: date | None = None
    end: date | None = None
    category: Category | None = None
    member: User | None = None
    status: str = ""
    overdue: bool = False
    occasion: Occasion | None = None
    recipient: Recipient | None = None
    due: int | None = None  # planned, overdue or due within this many days

    @classmethod
    def from_cleaned(cls, data: dict) -> "ExpenseFilter":
        start, end = data.get("start"), data.get("end")
        if month := data.get("month"):
            start, end = month, month_end(month)
        return cls(
            q=(data.get("q") or "").strip(),
            start=start,
            end=end,
            category=data.get("category"),
            member=data.get("member"),
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            occasion=data.get("occasion"),
            recipient=data.get("recipient"),
            due=data.get("due"),
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
        if self.occasion is not None:
            qs = qs.filter(occasion=self.occasion)
        if self.recipient is not None:
            qs = qs.filter(recipient=self.recipient)
        if self.due is not None:
            qs = qs.filter(overdue_q(today) | due_soon_q(today, self.due))
        return qs

    def query(self) -> str:
        """The expense list's query string for this filter: the one builder every link to the list
        uses (meters, answers, the dashboard). Links may hold rows or their ids; a period that is
        one calendar month is written as ?month=, as the list's own month picker writes it."""
        whole_month = self.start and self.end and self.start.day == 1 and self.end == month_end(self.start)
        params = {
            "q": self.q,
            "month": f"{self.start:%Y-%m}" if whole_month else "",
            "start": self.start.isoformat() if self.start and not whole_month else "",
            "end": self.end.isoformat() if self.end and not whole_month else "",
            "category": _pk(self.category),
            "member": _pk(self.member),
            "occasion": _pk(self.occasion),
            "recipient": _pk(self.recipient),
            "status": self.status,
            "overdue": "on" if self.overdue else "",
            "due": "" if self.due is None else str(self.due),
        }
        return urlencode({name: value for name, value in params.items() if value})

    def link(self) -> str:
        return f"{reverse('expenses')}?{query}" if (query := self.query()) else reverse("expenses")


def _pk(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "pk", value))


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


def spend_totals(expenses) -> dict:
    """Paid and planned totals of an expense queryset, summed by the database in one query."""
    totals = expenses.order_by().aggregate(
        paid=Sum("amount", filter=Q(status=ExpenseStatus.PAID)),
        planned=Sum("amount", filter=Q(status=ExpenseStatus.PLANNED)),
        count=Count("id"),
    )
    return {
        "paid": totals["paid"] or ZERO,
        "planned": totals["planned"] or ZERO,
        "count": totals["count"],
    }
