"""Occasion numbers: the occasion's budget and sub-budgets (the meters' own `statuses`), and the
gift board's column totals (one aggregate query grouped by column).

The board puts an item in the column of its stage when the stage agrees with its status (Idea and
To buy are planned, Bought and Given are paid). An item whose status was changed elsewhere (the
expense page, "mark paid") goes to the column its status says (paid: Bought, planned: To buy), so
the paid columns always add up to the meter's spent and the planned columns to its planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from budgets.models import Budget
from budgets.selectors import ZERO, BudgetStatus, counted_q, statuses
from expenses.models import Category, Expense, Occasion, Stage
from expenses.selectors import categories_by_use, entry_categories
from households.models import Household


def main_budget_of(occasion_id, budgets) -> Budget | None:
    """The occasion's own budget among `budgets`: the highest in the tree, then the oldest."""
    candidates = [b for b in budgets if b.occasion_id == occasion_id and b.measure == Budget.Measure.EXPENSES]
    ids = {b.pk for b in candidates}
    candidates.sort(key=lambda b: (b.parent_id in ids, b.parent_id is not None, b.created_at))
    return candidates[0] if candidates else None


def occasion_budget(*, household: Household, occasion: Occasion) -> Budget | None:
    return main_budget_of(occasion.pk, Budget.objects.for_household(household).filter(occasion=occasion))


def occasion_categories(*, household: Household, occasion: Occasion) -> list[Category]:
    """The categories offered for the occasion's items, most used first: every expense's, the
    occasion's own (its template made them) and those of its sub-budgets (a category another
    wedding's template made, when this one's template reuses it). Two queries."""
    budgeted = frozenset(
        Budget.objects.for_household(household)
        .filter(Q(occasion=occasion) | Q(parent__occasion=occasion), category__isnull=False)
        .values_list("category_id", flat=True)
    )
    ranked = categories_by_use(household=household)
    return entry_categories(ranked, occasion=occasion, also=budgeted)


@dataclass
class OccasionRow:
    occasion: Occasion
    status: BudgetStatus | None
    on: date

    @property
    def upcoming(self) -> bool:
        return self.occasion.date >= self.on

    @property
    def days_away(self) -> int:
        return (self.occasion.date - self.on).days


def occasion_rows(*, household: Household, on: date) -> tuple[list[OccasionRow], list[OccasionRow]]:
    """(upcoming, past): upcoming soonest first, then past ones, most recent first. Three queries."""
    occasions = list(Occasion.objects.for_household(household))
    budgets = list(Budget.objects.for_household(household))
    mains = {o.pk: main_budget_of(o.pk, budgets) for o in occasions}
    wanted = [b for b in mains.values() if b is not None]
    by_budget = {
        s.budget.pk: s for s in statuses(household=household, budgets=wanted, on=on, all_budgets=budgets)
    }
    rows = [
        OccasionRow(o, by_budget[mains[o.pk].pk] if mains[o.pk] is not None else None, on) for o in occasions
    ]
    upcoming = sorted((r for r in rows if r.upcoming), key=lambda r: (r.occasion.date, r.occasion.name))
    past = sorted(
        (r for r in rows if not r.upcoming), key=lambda r: (r.occasion.date, r.occasion.name), reverse=True
    )
    return upcoming, past


@dataclass
class Column:
    stage: str
    label: str
    total: Decimal = ZERO
    count: int = 0
    items: list = field(default_factory=list)
    previous: tuple[str, str] | None = None
    next: tuple[str, str] | None = None

    @property
    def paid(self) -> bool:
        return Stage.counts_as_paid(self.stage)


@dataclass
class OccasionPage:
    occasion: Occasion
    status: BudgetStatus | None  # the occasion's budget
    subs: list[BudgetStatus]  # its sub-budgets, depth-first (depth 1 = a child)
    focus: BudgetStatus | None  # the sub-budget whose items are shown, if one was picked
    columns: list[Column]
    items: list[Expense]

    @property
    def filled_subs(self) -> list[BudgetStatus]:
        return [s for s in self.subs if not s.is_empty]

    @property
    def empty_subs(self) -> list[BudgetStatus]:
        """Sub-budgets with nothing set and nothing counted (a template's, not filled in yet)."""
        return [s for s in self.subs if s.is_empty]

    @property
    def summary(self) -> BudgetStatus | None:
        """The meter whose numbers head the items: the picked sub-budget's, else the occasion's."""
        return self.focus or self.status


def _subtree(root: Budget, budgets: list[Budget]) -> list[tuple[Budget, int]]:
    children: dict = {}
    for b in budgets:
        children.setdefault(b.parent_id, []).append(b)
    ordered, seen = [], {root.pk}

    def walk(parent_id, depth):
        for b in sorted(children.get(parent_id, []), key=lambda b: (b.position, b.name.lower())):
            if b.pk in seen:
                continue
            seen.add(b.pk)
            ordered.append((b, depth))
            walk(b.pk, depth + 1)

    walk(root.pk, 1)
    return ordered


def occasion_page(*, household: Household, occasion: Occasion, on: date, focus_id=None) -> OccasionPage:
    """Everything the occasion page shows, in four queries whatever the number of items."""
    budgets = list(Budget.objects.for_household(household).select_related("category", "recipient"))
    by_id = {b.pk: b for b in budgets}
    root = main_budget_of(occasion.pk, budgets)
    status, subs, focus = None, [], None
    if root is not None:
        tree = _subtree(root, budgets)
        found = statuses(
            household=household, budgets=[root, *(b for b, _ in tree)], on=on, all_budgets=budgets
        )
        status = found[0]
        subs = found[1:]
        for sub, (_, depth) in zip(subs, tree, strict=True):
            sub.depth = depth
            if sub.budget.parent_id == root.pk:
                status.children.append(sub)
        focus = next((s for s in subs if str(s.budget.pk) == str(focus_id)), None) if focus_id else None

    scope = Q(occasion=occasion)
    if focus is not None:
        scope &= counted_q(focus.budget, by_id)
    items_qs = Expense.objects.for_household(household).alive().filter(scope).annotate(column=Stage.column())
    items = list(items_qs.select_related("category", "recipient", "paid_by").order_by("date", "created_at"))
    labels = dict(Stage.choices)
    for item in items:
        item.column_label = labels[item.column]
    totals = {
        row["column"]: row
        for row in items_qs.values("column").annotate(total=Sum("amount"), count=Count("id")).order_by()
    }
    stages = list(Stage.choices)
    columns = []
    for index, (value, label) in enumerate(stages):
        row = totals.get(value, {})
        columns.append(
            Column(
                stage=value,
                label=label,
                total=row.get("total") or ZERO,
                count=row.get("count") or 0,
                items=[item for item in items if item.column == value],
                previous=stages[index - 1] if index > 0 else None,
                next=stages[index + 1] if index + 1 < len(stages) else None,
            )
        )
    return OccasionPage(occasion, status, subs, focus, columns, items)
