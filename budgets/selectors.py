"""Budget numbers: what each budget counts, over which period, and how full it is.

One aggregate query computes spent and planned for a whole page of budgets, whatever the number
of expenses. A child budget counts only what its ancestors count too (their filters and period),
so children always roll up into their parent's meter.

An AI budget (`measure` ai_usage) counts the cost of the household's provider calls instead, from
their UsageRecords (``llmsettings.selectors.usage_sums``: one more query for all of them), filtered
by the person who made the call (`member`) and its task (`ai_task`); nothing is ever planned.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from budgets.models import AIReservation, Budget
from expenses.models import Expense, ExpenseStatus
from expenses.selectors import ExpenseFilter
from households.models import Household
from households.money import ZERO
from households.periods import MAX_DATE, MIN_DATE, Period, month_period, year_period
from llmsettings.models import UsageRecord
from llmsettings.selectors import COST_ZERO, UsageFilter, created_between, usage_sums

HUNDRED = Decimal("100")


def root_of(budget: Budget, by_id: dict) -> Budget:
    seen = set()
    while budget.parent_id and budget.parent_id in by_id and budget.pk not in seen:
        seen.add(budget.pk)
        budget = by_id[budget.parent_id]
    return budget


def period_of(budget: Budget, on: date, by_id: dict | None = None) -> Period:
    """The period `budget` covers on day `on`; a child takes its root's period."""
    root = root_of(budget, by_id or {})
    if root.period == Budget.Period.MONTHLY:
        return month_period(on)
    if root.period == Budget.Period.YEARLY:
        return year_period(on.year)
    start, end = root.start_date, root.end_date
    if start and end:
        label = f"{start:%-d %b %Y} – {end:%-d %b %Y}"
    elif start:
        label = f"from {start:%-d %b %Y}"
    elif end:
        label = f"until {end:%-d %b %Y}"
    else:
        label = "all time"
    return Period(start, end, label)


def own_q(budget: Budget) -> Q:
    q = Q()
    if budget.category_id:
        q &= Q(category_id=budget.category_id)
    if budget.member_id:
        q &= Q(paid_by_id=budget.member_id)
    if budget.recipient_id:
        q &= Q(recipient_id=budget.recipient_id)
    if budget.occasion_id:
        q &= Q(occasion_id=budget.occasion_id)
    return q


def ai_own_q(budget: Budget) -> Q:
    """An AI budget's own filters, on a UsageRecord or an AIReservation (both have user and task)."""
    q = Q()
    if budget.member_id:
        q &= Q(user_id=budget.member_id)
    if budget.ai_task:
        q &= Q(task=budget.ai_task)
    return q


def lineage(budget: Budget, by_id: dict) -> list[Budget]:
    """The budget and its ancestors, nearest first (a broken or cyclic chain just ends)."""
    chain, seen = [budget], {budget.pk}
    while chain[-1].parent_id and chain[-1].parent_id in by_id and chain[-1].parent_id not in seen:
        seen.add(chain[-1].parent_id)
        chain.append(by_id[chain[-1].parent_id])
    return chain


def counted_q(budget: Budget, by_id: dict) -> Q:
    """What a budget counts: its own filters and every ancestor's (expenses, or AI calls)."""
    own = ai_own_q if budget.is_ai else own_q
    q = Q()
    for each in lineage(budget, by_id):
        q &= own(each)
    return q


def ai_counts_call(budget: Budget, by_id: dict, *, user_id, task: str) -> bool:
    """Whether a call by `user_id` for `task` counts on this AI budget (its filters and its ancestors')."""
    return all(
        (not b.member_id or b.member_id == user_id) and (not b.ai_task or b.ai_task == task)
        for b in lineage(budget, by_id)
    )


@dataclass
class BudgetStatus:
    budget: Budget
    period: Period
    total: Decimal
    spent: Decimal
    planned: Decimal
    depth: int = 0
    children: list["BudgetStatus"] = field(default_factory=list)
    by_id: dict = field(default_factory=dict, repr=False, compare=False)  # its ancestors, for links

    @property
    def used(self) -> Decimal:
        return self.spent + self.planned

    @property
    def remaining(self) -> Decimal:
        return max(ZERO, self.total - self.used)

    @property
    def over(self) -> Decimal:
        return max(ZERO, self.used - self.total)

    @property
    def is_over(self) -> bool:
        return self.over > 0

    @property
    def percent(self) -> int:
        """How full, in whole percent (a zero budget with spending is over: 100+)."""
        if self.total > 0:
            return int((self.used * HUNDRED / self.total).to_integral_value())
        return 100 if self.used > 0 else 0

    @property
    def period_words(self) -> str:
        """How the budget's period reads beside it: "Monthly · December 2026", "1 Nov – 30 Nov 2026"."""
        root = root_of(self.budget, self.by_id)
        if root.period == Budget.Period.MONTHLY:
            return f"Monthly · {self.period.label}"
        if root.period == Budget.Period.YEARLY:
            return f"Yearly · {self.period.label}"
        if self.period.start is None and self.period.end is None:
            return "No dates: counts everything it matches"
        return self.period.label

    @property
    def dated_label(self) -> str:
        """The period's name beside a figure, or "" for a budget with no dates (it is not "all time"
        of anything a reader needs told)."""
        return self.period.label if self.period.start or self.period.end else ""

    @property
    def is_empty(self) -> bool:
        """Nothing set and nothing counted: a sub-budget a template made and no one filled in."""
        return self.total == 0 and self.used == 0

    def descendants(self) -> list["BudgetStatus"]:
        """Every budget under this one, depth first (parents before their children)."""
        found = []
        for child in self.children:
            found += [child, *child.descendants()]
        return found

    def filled_descendants(self) -> list["BudgetStatus"]:
        return [s for s in self.descendants() if not s.is_empty]

    def empty_descendants(self) -> list["BudgetStatus"]:
        return [s for s in self.descendants() if s.is_empty]

    def over_descendants(self) -> list["BudgetStatus"]:
        return [s for s in self.descendants() if s.is_over]

    @property
    def children_total(self) -> Decimal:
        return sum((c.total for c in self.children), ZERO)

    @property
    def children_exceed(self) -> bool:
        return bool(self.children) and self.children_total > self.total

    def segments(self) -> dict:
        """Widths in percent of the bar for spent, planned, over, remaining; they add up to 100."""
        scale = max(self.total, self.used)
        if scale <= 0:
            return {"spent": 0, "planned": 0, "over": 0, "remaining": 100}
        in_budget_spent = min(self.spent, self.total)
        in_budget_planned = min(self.planned, self.total - in_budget_spent)

        def pct(value: Decimal) -> float:
            return round(float(value * HUNDRED / scale), 2)

        return {
            "spent": pct(in_budget_spent),
            "planned": pct(in_budget_planned),
            "over": pct(self.over),
            "remaining": pct(self.remaining),
        }

    def bar(self) -> list[dict]:
        """The meter's segments in order, each with its x offset and width (percent of the bar)."""
        x = 0.0
        parts = []
        for name, width in self.segments().items():
            if width > 0:
                parts.append({"name": name, "x": round(x, 2), "width": width})
                x += width
        return parts

    @property
    def limit_x(self) -> float:
        """Where the budget's limit falls on the bar (100 unless over)."""
        scale = max(self.total, self.used)
        return round(float(self.total * HUNDRED / scale), 2) if scale > 0 else 100.0


def statuses(
    *, household: Household, budgets: list[Budget], on: date, all_budgets=None
) -> list[BudgetStatus]:
    """Statuses of `budgets` for the period around `on`, in one query over the expenses.

    `all_budgets` (defaults to `budgets`) must hold every ancestor of the budgets asked for, so
    children inherit their ancestors' filters and period.
    """
    by_id = {b.pk: b for b in (all_budgets if all_budgets is not None else budgets)}
    by_id.update({b.pk: b for b in budgets})
    periods = {b.pk: period_of(b, on, by_id) for b in budgets}
    expense_budgets = [b for b in budgets if b.measure == Budget.Measure.EXPENSES]
    aggregates = {}
    for index, budget in enumerate(expense_budgets):
        scope = counted_q(budget, by_id) & periods[budget.pk].q()
        aggregates[f"p{index}"] = Sum("amount", filter=scope & Q(status=ExpenseStatus.PAID))
        aggregates[f"l{index}"] = Sum("amount", filter=scope & Q(status=ExpenseStatus.PLANNED))
    sums = {}
    if aggregates:
        ledger = Expense.objects.for_household(household).alive().order_by()
        # Read only the rows some budget's period can reach, so the index bounds the scan.
        spans = [periods[b.pk] for b in expense_budgets]
        if all(p.start for p in spans):
            ledger = ledger.filter(date__gte=min(p.start for p in spans))
        if all(p.end for p in spans):
            ledger = ledger.filter(date__lte=max(p.end for p in spans))
        sums = ledger.aggregate(**aggregates)
    ai_spent = _ai_spent(household, [b for b in budgets if b.is_ai], periods, by_id)
    result = []
    index_of = {b.pk: i for i, b in enumerate(expense_budgets)}
    for budget in budgets:
        if budget.is_ai:
            spent, planned = ai_spent[budget.pk], ZERO
        else:
            i = index_of.get(budget.pk)
            spent = (sums.get(f"p{i}") if i is not None else None) or ZERO
            planned = (sums.get(f"l{i}") if i is not None else None) or ZERO
        result.append(BudgetStatus(budget, periods[budget.pk], budget.amount, spent, planned, by_id=by_id))
    return result


def ai_scope(household: Household, budget: Budget, period: Period, by_id: dict) -> Q:
    """The calls (or reservations) an AI budget counts in `period`."""
    return counted_q(budget, by_id) & created_between(household, period.start, period.end)


def _ai_spent(household: Household, budgets: list[Budget], periods: dict, by_id: dict) -> dict:
    """What the AI budgets' calls cost in their periods: one query over the UsageRecords."""
    if not budgets:
        return {}
    spans = [periods[b.pk] for b in budgets]
    start = min(p.start for p in spans) if all(p.start for p in spans) else None
    end = max(p.end for p in spans) if all(p.end for p in spans) else None
    sums = usage_sums(
        household=household,
        scopes={str(b.pk): ai_scope(household, b, periods[b.pk], by_id) for b in budgets},
        within=created_between(household, start, end),
    )
    return {b.pk: sums[str(b.pk)] for b in budgets}


def usage_filter(status: BudgetStatus) -> UsageFilter:
    """The usage page's filter for the calls behind an AI budget's meter: its period, and its own
    member and task, else its ancestors' (what `counted_q` counts)."""
    member, task = "", ""
    for budget in reversed(lineage(status.budget, status.by_id)):  # the budget's own filter wins
        member = str(budget.member_id) if budget.member_id else member
        task = budget.ai_task or task
    # An open end is the whole accepted range (the usage page's default is this month).
    return UsageFilter(
        start=status.period.start or MIN_DATE, end=status.period.end or MAX_DATE, member=member, task=task
    )


def budget_tree(*, household: Household, on: date, measure: str | None = None) -> list[BudgetStatus]:
    """Every budget of the household (or those of one `measure`: an AI tree holds AI budgets only)
    as a depth-first list (parents before children, with depth)."""
    budgets = Budget.objects.for_household(household).select_related(
        "category", "member", "recipient", "occasion"
    )
    budgets = list(budgets.filter(measure=measure) if measure else budgets)
    by_status = {s.budget.pk: s for s in statuses(household=household, budgets=budgets, on=on)}
    roots = []
    for s in by_status.values():
        parent = by_status.get(s.budget.parent_id)
        (parent.children if parent else roots).append(s)
    ordered = []

    def walk(nodes, depth):
        for node in sorted(nodes, key=lambda n: (n.budget.position, n.budget.name.lower())):
            node.depth = depth
            ordered.append(node)
            walk(node.children, depth + 1)

    walk(roots, 0)
    return ordered


def list_filter(status: BudgetStatus, segment: str = "", by_id: dict | None = None) -> ExpenseFilter:
    """The expense list's filter for the items behind a meter (or one of its segments): the
    budget's own dimensions and its ancestors' (what `counted_q` counts), over its period."""
    dims = {"category": None, "member": None, "recipient": None, "occasion": None}
    chain, budget, seen = [], status.budget, set()
    while budget is not None and budget.pk not in seen:
        seen.add(budget.pk)
        chain.append(budget)
        budget = (by_id or {}).get(budget.parent_id) if budget.parent_id else None
    for budget in reversed(chain):  # the budget's own filter wins over an ancestor's
        for name in dims:
            dims[name] = getattr(budget, f"{name}_id") or dims[name]
    statuses = {"spent": ExpenseStatus.PAID, "paid": ExpenseStatus.PAID, "planned": ExpenseStatus.PLANNED}
    return ExpenseFilter(
        start=status.period.start, end=status.period.end, status=statuses.get(segment, ""), **dims
    )


def items_link(status: BudgetStatus) -> str:
    """Where a budget's figure leads: the expense list it counts, or an AI budget's calls."""
    if status.budget.is_ai:
        return f"{reverse('ai_usage')}?{usage_filter(status).query()}"
    return list_filter(status, by_id=status.by_id).link()


def expenses_url_params(status: BudgetStatus, segment: str = "") -> str:
    """The expense list's query string behind a meter's segment."""
    return list_filter(status, segment, status.by_id).query()


def segment_items(*, household: Household, status: BudgetStatus, segment: str, by_id: dict, limit: int = 5):
    """The largest items behind one segment of a meter (spent or planned): expenses, or an AI
    budget's dearest calls (nothing of which is ever planned)."""
    if status.budget.is_ai:
        if segment == "planned":
            return UsageRecord.objects.none()
        calls = UsageRecord.objects.for_household(household).filter(
            ai_scope(household, status.budget, status.period, by_id)
        )
        return calls.select_related("user").order_by("-cost", "-created_at")[:limit]
    qs = (
        Expense.objects.for_household(household)
        .alive()
        .filter(counted_q(status.budget, by_id) & status.period.q())
    )
    if segment == "planned":
        qs = qs.filter(status=ExpenseStatus.PLANNED)
    else:
        qs = qs.filter(status=ExpenseStatus.PAID)
    return qs.select_related("category").order_by("-amount")[:limit]


def _would_count(budget: Budget, by_id: dict, *, category, member, occasion, recipient) -> bool:
    chain = [budget]
    while chain[-1].parent_id and chain[-1].parent_id in by_id and len(chain) < 50:
        chain.append(by_id[chain[-1].parent_id])
    for b in chain:
        if b.category_id and b.category_id != getattr(category, "pk", None):
            return False
        if b.member_id and b.member_id != getattr(member, "pk", None):
            return False
        if b.occasion_id and b.occasion_id != getattr(occasion, "pk", None):
            return False
        if b.recipient_id and b.recipient_id != getattr(recipient, "pk", None):
            return False
    return True


@dataclass
class ContextRow:
    status: BudgetStatus
    after: Decimal | None  # what would be left after this expense (negative: over by that much)

    @property
    def would_go_over(self) -> bool:
        return self.after is not None and self.after < 0

    @property
    def over_by(self) -> Decimal:
        return -self.after if self.after is not None and self.after < 0 else ZERO


def _specificity(budget: Budget, by_id: dict) -> int:
    count, seen = 0, set()
    while budget is not None and budget.pk not in seen:
        seen.add(budget.pk)
        count += sum(
            1 for f in (budget.category_id, budget.member_id, budget.occasion_id, budget.recipient_id) if f
        )
        budget = by_id.get(budget.parent_id)
    return count


def in_period(period: Period, day: date) -> bool:
    return (period.start is None or day >= period.start) and (period.end is None or day <= period.end)


def budget_context(*, household: Household, amount, category, member, occasion, recipient, on: date) -> list:
    """The budgets an expense like this would count against, with what is left before and after it.

    The numbers are the meters' own (the same `statuses` query), so the two always agree.
    """
    budgets = list(Budget.objects.for_household(household).filter(measure=Budget.Measure.EXPENSES))
    by_id = {b.pk: b for b in budgets}
    matching = [
        b
        for b in budgets
        if _would_count(b, by_id, category=category, member=member, occasion=occasion, recipient=recipient)
        and in_period(period_of(b, on, by_id), on)
    ]
    rows = []
    for status in statuses(household=household, budgets=matching, on=on, all_budgets=budgets):
        after = status.total - status.used - amount if amount is not None else None
        rows.append(ContextRow(status, after))
    # The most specific budgets first (an occasion's or a category's before the household total).
    rows.sort(
        key=lambda row: (-counted_q(row.status.budget, by_id).children.__len__(), row.status.budget.name)
    )
    return rows


def ai_reservation_books(*, household: Household) -> dict:
    """What the household's AI calls reserved, and where it went: settled, expired, still active
    (amounts and counts, one query). reserved = settled + expired + active, always."""
    states = AIReservation.State
    found = (
        AIReservation.objects.for_household(household)
        .order_by()
        .aggregate(
            reserved=Sum("amount"),
            reservations=Count("id"),
            **{state: Sum("amount", filter=Q(state=state)) for state in states.values},
            **{f"{state}_count": Count("id", filter=Q(state=state)) for state in states.values},
        )
    )
    return {key: value if value is not None else COST_ZERO for key, value in found.items()}
