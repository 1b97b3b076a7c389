"""Reads on the ledger: which expenses a list shows. Numbers come from analysis.selectors."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Lower
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
from households.members import FORMER_MEMBER
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

    def labels(self) -> list[str]:
        """The filter in words, for the list's "Filter" summary: “rent” · December 2025 · Dining."""
        parts = [f"“{self.q}”"] if self.q else []
        if self.start and self.end and self.start.day == 1 and self.end == month_end(self.start):
            parts.append(f"{self.start:%B %Y}")
        elif self.start or self.end:
            parts.append(" – ".join(_day(d) if d else "…" for d in (self.start, self.end)))
        parts += [str(x) for x in (self.category, self.occasion, self.recipient) if x is not None]
        if self.member is not None:
            parts.append(self.member.name or FORMER_MEMBER)
        if self.status in ExpenseStatus.values:
            parts.append(ExpenseStatus(self.status).label)
        if self.overdue:
            parts.append("Overdue")
        if self.due is not None:
            parts.append(f"Overdue or due within {self.due} day{'s' if self.due != 1 else ''}")
        return parts

    def link(self) -> str:
        return f"{reverse('expenses')}?{query}" if (query := self.query()) else reverse("expenses")


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


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


# ---------------------------------------------------------------- category pickers


def categories_by_use(*, household: Household) -> list[Category]:
    """Every category of the household, most used first (its count of live expenses, `uses`),
    ties by name; with the occasion a template made it for. One query, whatever their number:
    the pickers below choose from this list without asking the database again."""
    return list(
        Category.objects.for_household(household)
        .annotate(uses=Count("expenses", filter=Q(expenses__deleted_at__isnull=True)))
        .select_related("occasion")
        .order_by("-uses", Lower("name"), "pk")
    )


def entry_categories(
    ranked: list[Category],
    *,
    occasion: Occasion | None = None,
    include: Category | None = None,
    also: frozenset = frozenset(),
) -> list[Category]:
    """The categories offered when entering an expense, in `ranked`'s order: the active ones for
    every expense; those an occasion's template made, only for that `occasion`; `also` (ids, as
    the categories of an occasion's sub-budgets); and `include`, the expense's own category,
    whatever it is — a picker never hides the category a row has."""
    occasion_id = getattr(occasion, "pk", occasion)
    include_id = getattr(include, "pk", include)
    return [
        c
        for c in ranked
        if c.pk == include_id
        or (not c.archived and (c.occasion_id is None or c.occasion_id == occasion_id or c.pk in also))
    ]


def filter_categories(
    ranked: list[Category], *, occasion: Occasion | None = None, selected: Category | None = None
) -> list[Category]:
    """The categories the expense list can filter by: every one for all expenses (archived ones
    too: their expenses are still listed) and an occasion's own ones where they have expenses, for
    that occasion, or when picked."""
    occasion_id = getattr(occasion, "pk", occasion)
    selected_id = getattr(selected, "pk", selected)
    return [
        c
        for c in ranked
        if c.occasion_id is None or c.uses or c.occasion_id == occasion_id or c.pk == selected_id
    ]


def most_used(categories: list[Category]) -> Category | None:
    """The default category of a new expense: the one used most, or none before the first expense."""
    return categories[0] if categories and categories[0].uses else None


@dataclass(frozen=True)
class SkippedGroup:
    reason: str
    count: int
    total: object  # Decimal: the amounts read of the rows skipped for this reason
    rows: list  # their row numbers, the first few


def skipped_by_reason(batch: ImportBatch) -> list[SkippedGroup]:
    """An import's rows that are not expenses, by what they are, most first (from the batch's
    own list: a file's skipped rows are bounded by the upload's size)."""
    groups: dict[str, list] = {}
    for entry in batch.skipped:
        groups.setdefault(entry.get("reason", ""), []).append(entry)
    out = [
        SkippedGroup(
            reason=reason,
            count=len(entries),
            total=sum((Decimal(e["amount"]) for e in entries if e.get("amount")), Decimal(0)),
            rows=[e.get("row") for e in entries[:8]],
        )
        for reason, entries in groups.items()
    ]
    return sorted(out, key=lambda group: (-group.count, group.reason))


def import_drafts_total(batch: ImportBatch):
    """What an import's drafts add up to, summed by the database."""
    return (
        ExpenseDraft.objects.filter(household_id=batch.household_id, import_batch=batch).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )


def import_undoable(batch: ImportBatch) -> int:
    """How many of an import's rows an undo would take back: pending drafts and live expenses."""
    drafts = ExpenseDraft.objects.filter(household_id=batch.household_id, import_batch=batch)
    return (
        drafts.filter(state=DraftState.PENDING).count()
        + Expense.objects.filter(
            household_id=batch.household_id, deleted_at__isnull=True, draft__import_batch=batch
        ).count()
    )
