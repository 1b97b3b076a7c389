"""The analysis chat's answers: a classified question in, one sentence with the numbers out.

Every number comes from ``analysis.selectors`` (the dashboard's own functions). An intent's
registry entry (``analysis.intents.REGISTRY``) names its selector and one of the functions below,
which resolves the question's names to *this* household's category, member or budget, calls the
selector (``ask.select``) and phrases what it returned. It adds no aggregate of its own.

An answer is computed when the question is asked and again whenever the thread is shown (from the
stored intent and parameters), so its numbers are always current.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.module_loading import import_string

from analysis import selectors
from analysis.intents import (
    COMMAND,
    DEFAULT_AVERAGE_MONTHS,
    DEFAULT_UPCOMING_DAYS,
    OTHER_HOUSEHOLD,
    REGISTRY,
    Classification,
    QuestionContext,
    period_phrase,
    previous_of,
)
from analysis.models import Question
from budgets.models import Budget
from budgets.selectors import BudgetStatus, items_link
from expenses.models import Category, Expense, ExpenseStatus, Occasion
from expenses.selectors import ExpenseFilter
from households.models import Household, User
from households.periods import Period, month_in_progress, month_period, same_days_month_before
from households.templatetags.hearth import format_money

ZERO = Decimal("0.00")
PAID = ExpenseStatus.PAID
THREAD_LENGTH = 30  # questions shown on the page
LIVE_ANSWERS = 10  # the newest answered questions whose numbers are computed again when shown


@dataclass
class Row:
    """One line of an answer's table or bar chart."""

    label: str
    amount: Decimal
    percent: Decimal | None = None
    note: str = ""
    href: str = ""
    colour: str = ""
    width: float = 0.0  # bar length, percent of the largest row (drawing only)


@dataclass
class Answer:
    sentence: str
    rows: list[Row] = field(default_factory=list)
    chart: bool = False  # draw the rows as bars (with the same numbers in a table for screen readers)
    caption: str = ""
    amount_heading: str = "Paid"
    percent_heading: str = "Share"
    link: str = ""
    link_text: str = "See these expenses"
    examples: list[str] = field(default_factory=list)
    ok: bool = True  # False: a name the question used is no longer the household's


@dataclass
class Lookup:
    """The household's names, read once per page: what the classifier may match, and the objects
    the answers resolve those names to (never another household's)."""

    categories: dict[str, Category]
    members: dict[str, User]
    budgets: dict[str, Budget]
    occasions: dict[str, Occasion] = field(default_factory=dict)  # the most recent first

    @classmethod
    def for_household(cls, household: Household) -> Lookup:
        def by_name(objects) -> dict:
            found: dict = {}
            for obj in objects:
                found.setdefault(_key(obj.name), obj)
            return found

        return cls(
            categories=by_name(Category.objects.for_household(household).order_by("archived", "name")),
            members=by_name(User.objects.filter(membership__household=household).order_by("name")),
            budgets=by_name(Budget.objects.for_household(household).order_by("position", "name")),
            occasions=by_name(Occasion.objects.for_household(household).order_by("-date", "name")),
        )

    def context(self, household: Household, user) -> QuestionContext:
        return QuestionContext(
            today=household.today(),
            asker=getattr(user, "name", "") or "",
            members=tuple(m.name for m in self.members.values()),
            categories=tuple(c.name for c in self.categories.values()),
            budgets=tuple(b.name for b in self.budgets.values()),
            occasions=tuple(o.name for o in self.occasions.values()),
            currency=household.currency,
            month_first=household.month_first,
        )


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def example_questions(lookup: Lookup) -> list[str]:
    """Questions the builtin reader understands, worded with the household's own names."""
    category = lookup.categories.get("groceries") or next(
        (c for c in lookup.categories.values() if not c.archived), None
    )
    examples = [
        "How much is left this month?",
        "What's due soon?",
        "How much did we spend this month?",
        f"How much on {category.name.lower() if category else 'groceries'} last month?",
        "Compare this month with last month",
        "What were the biggest expenses this month?",
    ]
    return examples


# ------------------------------------------------------------------------------ phrasing


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _link(period: Period | None = None, **filters) -> str:
    """The expense list behind an answer: its period and filters (rows or ids)."""
    span = {"start": period.start, "end": period.end} if period is not None else {}
    return ExpenseFilter(**span, **filters).link()


def _with_widths(rows: list[Row]) -> list[Row]:
    top = max((row.amount for row in rows), default=ZERO)
    for row in rows:
        row.width = round(float(row.amount * 100 / top), 2) if top > 0 else 0.0
    return rows


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _what(expense: Expense) -> str:
    return expense.description or expense.category.name


def _payer(expense: Expense) -> str:
    return expense.paid_by.name if expense.paid_by_id else "a former member"


def _missing(kind: str, name: str) -> Answer:
    return Answer(f"There is no {kind} called “{name}” in this household any more.", ok=False)


@dataclass
class Ask:
    """A question to answer: what an intent's answer function is given."""

    household: Household
    user: object
    params: dict
    lookup: Lookup
    selector: Callable | None = None  # the intent's own, as its registry entry names it

    def select(self, **params):
        """The intent's selector, for this household."""
        return self.selector(household=self.household, **params)

    def money(self, amount) -> str:
        return format_money(amount, self.household)

    @property
    def period(self) -> Period:
        return self.params.get("period") or month_period(self.household.today())

    def category(self) -> Category | None:
        name = self.params.get("category")
        return self.lookup.categories.get(_key(name)) if name else None

    def member(self) -> User | None:
        name = self.params.get("member")
        return self.lookup.members.get(_key(name)) if name else None

    def budget(self) -> Budget | None:
        name = self.params.get("budget")
        return self.lookup.budgets.get(_key(name)) if name else None

    def occasion(self) -> Occasion | None:
        name = self.params.get("occasion")
        return self.lookup.occasions.get(_key(name)) if name else None


def _months_in_a_row(last: Period, this: Period) -> bool:
    """Whether the two periods are whole months, `last` the one just before `this`."""
    return (
        this.start is not None
        and this == month_period(this.start)
        and last == month_period(selectors.previous_month(this.start))
    )


def _slice_for(slices, pk) -> selectors.Slice | None:
    return next((s for s in slices if s.key == str(pk)), None)


# ------------------------------------------------------------------------------ one per intent
# Each named by its intent's registry entry (analysis.intents): an Ask in, an Answer out.


def total(ask: Ask) -> Answer:
    period = ask.period
    totals = ask.select(period=period)
    sentence = f"Your household spent {ask.money(totals['paid'])} {period_phrase(period)}"
    if totals["planned"]:
        sentence += f", with {ask.money(totals['planned'])} more planned"
    return Answer(sentence + ".", link=_link(period, status=ExpenseStatus.PAID))


def category_spend(ask: Ask) -> Answer:
    period, category = ask.period, ask.category()
    if category is None:
        return _missing("category", ask.params.get("category", ""))
    member = ask.member() if ask.params.get("member") else None
    found = _slice_for(ask.select(period=period, member=member), category.pk)
    amount = found.amount if found else ZERO
    if member is not None:
        who = "You" if member.pk == getattr(ask.user, "pk", None) else member.name
        return Answer(
            f"{who} spent {ask.money(amount)} on {category.name} {period_phrase(period)}.",
            link=_link(period, category=category.pk, member=member.pk, status=ExpenseStatus.PAID),
        )
    share = f" ({found.percent}% of all spending)" if found else ""
    link = _link(period, category=category.pk, status=ExpenseStatus.PAID)
    return Answer(
        f"Your household spent {ask.money(amount)} on {category.name} {period_phrase(period)}{share}.",
        link=link,
    )


def compare(ask: Ask) -> Answer:
    today = ask.household.today()
    this = ask.params.get("period") or month_period(today)
    last = ask.params.get("previous") or previous_of(this) or month_period(selectors.previous_month(today))
    if _months_in_a_row(last, this) and month_in_progress(this.start, today):
        last = same_days_month_before(today)  # a month in progress against the same days before it
    category = None
    if ask.params.get("category"):
        category = ask.category()
        if category is None:
            return _missing("category", ask.params["category"])
        now = _slice_for(selectors.spend_by_category(household=ask.household, period=this), category.pk)
        before = _slice_for(selectors.spend_by_category(household=ask.household, period=last), category.pk)
        comparison = selectors.Comparison(
            now.amount if now else ZERO, before.amount if before else ZERO, this.label, last.label
        )
    elif _months_in_a_row(last, this):
        comparison = selectors.month_over_month(household=ask.household, month=this.start)
    else:
        comparison = ask.select(this=this, last=last)

    on = f" on {category.name}" if category else ""
    key = category.pk if category else None
    spent = f"Your household spent {ask.money(comparison.this)}{on} {period_phrase(this)}"
    change, percent = comparison.change, comparison.change_percent
    if comparison.this == 0 and comparison.last == 0:
        sentence = f"Nothing was paid{on} {period_phrase(this)} or {period_phrase(last)}."
    elif comparison.last == 0:
        sentence = f"{spent}, and nothing {period_phrase(last)} to compare with."
    elif change == 0:
        sentence = f"{spent}, the same as {period_phrase(last)}."
    else:
        direction = "more" if change > 0 else "less"
        trend = "up" if change > 0 else "down"
        sentence = (
            f"{spent}, against {ask.money(comparison.last)} {period_phrase(last)}: "
            f"{ask.money(abs(change))} {direction} ({trend} {abs(percent)}%)."
        )
    rows = [
        Row(last.label, comparison.last, href=_link(last, category=key, status=ExpenseStatus.PAID)),
        Row(this.label, comparison.this, href=_link(this, category=key, status=ExpenseStatus.PAID)),
    ]
    return Answer(
        sentence,
        rows=_with_widths(rows),
        chart=True,
        caption=f"Paid{on}, {last.label} and {this.label}",
        link=_link(this, category=key, status=ExpenseStatus.PAID),
    )


def top_categories(ask: Ask) -> Answer:
    period = ask.period
    limit = ask.params.get("limit")
    slices = ask.select(period=period, limit=limit)
    if not slices:
        return Answer(f"Nothing was paid {period_phrase(period)}.", link=_link(period))
    first, rest = slices[0], slices[1:3]
    sentence = (
        f"{first.label} was the biggest category {period_phrase(period)}: "
        f"{ask.money(first.amount)} ({first.percent}% of spending)"
    )
    if rest:
        sentence += ", then " + " and ".join(f"{s.label} ({ask.money(s.amount)})" for s in rest)
    rows = [
        Row(s.label, s.amount, s.percent, href=_link(period, category=s.key, status=PAID), colour=s.colour)
        for s in slices
    ]
    return Answer(
        sentence + ".",
        rows=_with_widths(rows),
        chart=True,
        caption=f"Top categories {period_phrase(period)}",
        link=_link(period, status=ExpenseStatus.PAID),
    )


def member_spend(ask: Ask) -> Answer:
    period = ask.period
    slices = ask.select(period=period)
    rows = _with_widths(
        [
            Row(s.label, s.amount, s.percent, href=_link(period, member=s.key, status=ExpenseStatus.PAID))
            for s in slices
        ]
    )
    every = ""
    if ask.params.get("category"):
        every = ", across all categories (I can't yet split one category by who paid)"
    caption = f"Paid by each member {period_phrase(period)}"
    if ask.params.get("member"):
        member = ask.member()
        if member is None:
            return _missing("member", ask.params["member"])
        found = _slice_for(slices, member.pk)
        amount = found.amount if found else ZERO
        who = "You" if member.pk == getattr(ask.user, "pk", None) else member.name
        share = f" ({found.percent}% of the household's spending)" if found and found.amount else ""
        return Answer(
            f"{who} spent {ask.money(amount)} {period_phrase(period)}{share}{every}.",
            rows=rows,
            chart=True,
            caption=caption,
            link=_link(period, member=member.pk, status=ExpenseStatus.PAID),
        )
    link = _link(period, status=ExpenseStatus.PAID)
    if not slices or slices[0].amount == 0:
        return Answer(f"Nobody paid anything {period_phrase(period)}.", link=link)
    top = slices[0]
    tied = [s for s in slices if s.amount == top.amount]
    if len(tied) > 1:
        names = ", ".join(s.label for s in tied[:-1]) + f" and {tied[-1].label}"
        sentence = f"{names} spent the same {period_phrase(period)}: {ask.money(top.amount)} each{every}."
    else:
        sentence = (
            f"{top.label} spent the most {period_phrase(period)}: {ask.money(top.amount)} ({top.percent}%)"
        )
        others = [s for s in slices[1:3] if s.amount > 0]
        if others:
            sentence += ", then " + " and ".join(f"{s.label} with {ask.money(s.amount)}" for s in others)
        sentence += f"{every}."
    return Answer(sentence, rows=rows, chart=True, caption=caption, link=link)


def _budget_sentence(ask: Ask, status: BudgetStatus) -> str:
    head = (
        f"{status.budget.name}: {ask.money(status.spent)} spent and {ask.money(status.planned)} planned "
        f"of {ask.money(status.total)} for {status.period.label}"
    )
    if status.is_over:
        return f"{head} — {ask.money(status.over)} over ({status.percent}% used)."
    return f"{head}, {ask.money(status.remaining)} left ({status.percent}% used)."


def _budget_row(ask: Ask, status: BudgetStatus) -> Row:
    return Row(
        status.budget.name,
        status.used,
        Decimal(status.percent),
        note=f"of {ask.money(status.total)}" + (f", {ask.money(status.over)} over" if status.is_over else ""),
        href=items_link(status),
    )


def budget_status(ask: Ask) -> Answer:
    today = ask.household.today()
    period = ask.params.get("period")
    on = period.end if period is not None and period.end is not None and period.end < today else today
    statuses = ask.select(on=on)
    if ask.params.get("budget"):
        budget = ask.budget()
        status = next((s for s in statuses if budget is not None and s.budget.pk == budget.pk), None)
        if status is None:
            return _missing("budget", ask.params["budget"])
        return Answer(
            _budget_sentence(ask, status),
            rows=[_budget_row(ask, child) for child in status.children],
            caption=f"Inside {status.budget.name}",
            amount_heading="Spent and planned",
            percent_heading="Used",
            link=items_link(status),
        )
    roots = [s for s in statuses if s.depth == 0]
    if not roots:
        return Answer(
            "There are no budgets yet — you can make one on the Budgets page.",
            link=reverse("budgets"),
            link_text="Go to budgets",
        )
    over = [s for s in roots if s.is_over]
    if len(roots) == 1:
        sentence = _budget_sentence(ask, roots[0])
    elif over:
        listed = ", ".join(f"{s.budget.name} by {ask.money(s.over)}" for s in over)
        sentence = f"{len(over)} of {len(roots)} budgets {_plural(len(over), 'is', 'are')} over: {listed}."
    else:
        fullest = max(roots, key=lambda s: s.percent)
        sentence = (
            f"All {len(roots)} budgets are within their limits; {fullest.budget.name} is the fullest "
            f"at {fullest.percent}% ({ask.money(fullest.used)} of {ask.money(fullest.total)})."
        )
    if inside := [child for root in roots for child in _over_inside(root)]:
        sentence += " Over inside them: " + "; ".join(_over_line(ask, s) for s in inside) + "."
    return Answer(
        sentence,
        rows=[_budget_row(ask, s) for s in roots],
        caption="Budgets",
        amount_heading="Spent and planned",
        percent_heading="Used",
        link=reverse("budgets"),
        link_text="See the budgets",
    )


def _over_inside(status: BudgetStatus) -> list[BudgetStatus]:
    """Every budget under `status`, at any depth, that is over its own amount (depth-first)."""
    found = []
    for child in status.children:
        if child.is_over:
            found.append(child)
        found.extend(_over_inside(child))
    return found


def _for(period: Period) -> str:
    """A budget's period after its amount: "for December 2026", "from 1 Jan 2026", "over all time"."""
    if period.start is None and period.end is None:
        return "over all time"
    if period.label.startswith(("from ", "until ")):
        return period.label
    return f"for {period.label}"


def _left_line(ask: Ask, status: BudgetStatus) -> str:
    name, total, used = status.budget.name, ask.money(status.total), ask.money(status.used)
    if status.is_over:
        head = f"{name}: {ask.money(status.over)} over its {total} {_for(status.period)}"
    else:
        head = f"{name}: {ask.money(status.remaining)} left of {total} {_for(status.period)}"
    return f"{head} ({used} spent or planned)"


def _over_line(ask: Ask, status: BudgetStatus) -> str:
    parent = status.by_id.get(status.budget.parent_id)
    under = f" (in {parent.name})" if parent is not None and status.depth > 1 else ""
    return f"{status.budget.name}{under} is {ask.money(status.over)} over its {ask.money(status.total)}"


def _left_row(ask: Ask, status: BudgetStatus, note: str) -> Row:
    return Row(status.budget.name, status.used, Decimal(status.percent), note=note, href=items_link(status))


def _left(ask: Ask, *, monthly: bool) -> Answer:
    """What is left in each top-level budget (or the one asked about) for its current period, and
    every budget inside them that is over, at any depth. AI budgets (provider calls, not the
    household's money) are left out."""
    statuses = [s for s in ask.select(on=ask.household.today()) if not s.budget.is_ai]
    if ask.params.get("budget"):
        budget = ask.budget()
        tops = [s for s in statuses if budget is not None and s.budget.pk == budget.pk]
        if not tops:
            return _missing("budget", ask.params["budget"])
    else:
        tops = [s for s in statuses if s.depth == 0]
    if not tops:
        return Answer(
            "There are no budgets yet, so nothing is left or over — you can make one on the Budgets page.",
            link=reverse("budgets"),
            link_text="Go to budgets",
        )
    opening = ""
    if monthly and not ask.params.get("budget"):
        by_month = [s for s in tops if s.period == month_period(ask.household.today())]
        if by_month:
            tops = by_month
        else:
            opening = "None of the budgets runs by the month; for their own periods: "
    over = [child for top in tops for child in _over_inside(top)]
    sentence = opening + "; ".join(_left_line(ask, s) for s in tops) + "."
    if over:
        sentence += " Over inside them: " + "; ".join(_over_line(ask, s) for s in over) + "."
    rows = [_left_row(ask, s, _left_line(ask, s).split(": ", 1)[1]) for s in tops]
    rows += [_left_row(ask, s, _over_line(ask, s)) for s in over]
    if len(tops) == 1:
        link, link_text = items_link(tops[0]), "See these expenses"
    else:
        link, link_text = reverse("budgets"), "See the budgets"
    return Answer(
        sentence,
        rows=rows,
        caption="What is left in each budget, and what is over",
        amount_heading="Spent and planned",
        percent_heading="Used",
        link=link,
        link_text=link_text,
    )


def budget_left(ask: Ask) -> Answer:
    return _left(ask, monthly=False)


def budget_left_this_month(ask: Ask) -> Answer:
    return _left(ask, monthly=True)


def occasion_spend(ask: Ask) -> Answer:
    occasion = ask.occasion()
    if occasion is None:
        return _missing("occasion", ask.params.get("occasion", ""))
    totals = ask.select(occasion=occasion)
    name = f"{occasion.name} ({_d(occasion.date)})"
    if not totals["count"]:
        return Answer(f"Nothing is tagged with {name} yet.", link=_link(occasion=occasion.pk))
    sentence = f"Your household spent {ask.money(totals['paid'])} on {name}"
    if totals["planned"]:
        # The list of both, which shows the paid and the planned totals the sentence gives.
        sentence += f", with {ask.money(totals['planned'])} more planned"
        return Answer(sentence + ".", link=_link(occasion=occasion.pk))
    return Answer(sentence + ".", link=_link(occasion=occasion.pk, status=ExpenseStatus.PAID))


def monthly_average(ask: Ask) -> Answer:
    months = ask.params.get("months") or DEFAULT_AVERAGE_MONTHS
    category = None
    if ask.params.get("category"):
        category = ask.category()
        if category is None:
            return _missing("category", ask.params["category"])
    last = selectors.previous_month(ask.household.today().replace(day=1))  # the last full month
    trend = ask.select(last_month=last, months=months, category=category)
    total = sum((m.amount for m in trend), ZERO)
    average = (total / months).quantize(Decimal("0.01"))
    first = trend[0].month
    span = Period(first, month_period(last).end, f"{first:%B %Y} – {last:%B %Y}")
    if months == 1:
        span = month_period(last)
    key = category.pk if category else None
    on = f" on {category.name}" if category else ""
    full = f"{months} full {_plural(months, 'month', 'months')}"
    sentence = (
        f"Your household spent {ask.money(average)} a month on average{on} over the last {full} "
        f"({span.label}): {ask.money(total)} in all, divided by {months}."
    )
    empty = [m for m in trend if m.amount == 0]
    if empty:
        sentence += (
            f" {len(empty)} of the {months} {_plural(months, 'month', 'months')} had nothing spent{on} "
            f"and {_plural(len(empty), 'counts', 'count')} as zero."
        )
    else:
        sentence += " A month with nothing spent would count as zero; none had nothing."
    rows = [
        Row(f"{m.month:%B %Y}", m.amount, href=_link(month_period(m.month), category=key, status=PAID))
        for m in trend
    ]
    return Answer(
        sentence,
        rows=_with_widths(rows),
        chart=True,
        caption=f"Paid{on} each month, {span.label}",
        link=_link(span, category=key, status=ExpenseStatus.PAID),
    )


def due_soon(ask: Ask) -> Answer:
    """Planned payments overdue or due in the next `days`: the dashboard's two rules, together."""
    days = ask.params.get("days") or DEFAULT_UPCOMING_DAYS
    items = ask.select(days=days)
    due = selectors.due_counts(household=ask.household, days=days)
    count, late = due["overdue"] + due["upcoming"], due["overdue"]
    total = due["overdue_total"] + due["upcoming_total"]
    link = _link(due=days)
    span = f"the next {days} {_plural(days, 'day', 'days')}"
    if not count:
        return Answer(f"Nothing is overdue, and nothing planned is due in {span}.", link=link)
    today = ask.household.today()
    sentence = (
        f"{ask.money(total)} is due in {span} or overdue: {count} planned "
        f"{_plural(count, 'payment', 'payments')}"
    )
    if late:
        sentence += f", {late} of them overdue ({ask.money(due['overdue_total'])})"
    first = items[0]
    when = "was due" if first.due_date < today else "due"
    sentence += f". The first is {_what(first)} for {ask.money(first.amount)}, {when} {_d(first.due_date)}."
    rows = _expense_rows(
        ask,
        items,
        lambda e: f"{'overdue since' if e.due_date < today else 'due'} {_d(e.due_date)} · {e.category.name}",
    )
    return Answer(
        sentence,
        rows=rows,
        caption=f"Overdue or due in {span}",
        amount_heading="Planned",
        link=link,
        link_text="See these payments",
    )


def _expense_rows(ask: Ask, expenses, note) -> list[Row]:
    return [
        Row(_what(e), e.amount, note=note(e), href=reverse("expense_detail", args=[e.pk])) for e in expenses
    ]


def largest(ask: Ask) -> Answer:
    period = ask.period
    limit = ask.params.get("limit") or 5
    expenses = ask.select(period=period, limit=limit)
    link = _link(period, status=ExpenseStatus.PAID)
    if not expenses:
        return Answer(f"Nothing was paid {period_phrase(period)}.", link=link)
    first = expenses[0]
    sentence = (
        f"The largest expense {period_phrase(period)} was {ask.money(first.amount)} for {_what(first)} "
        f"({first.category.name}, {_d(first.date)}, paid by {_payer(first)})"
    )
    if len(expenses) > 1:
        sentence += f"; the {len(expenses)} largest are below"
    rows = _expense_rows(ask, expenses, lambda e: f"{e.category.name} · {_d(e.date)} · {_payer(e)}")
    return Answer(sentence + ".", rows=rows, caption=f"Largest expenses {period_phrase(period)}", link=link)


def average(ask: Ask) -> Answer:
    period = ask.period
    result = ask.select(period=period)
    days = result["days"]
    return Answer(
        f"Your household spent {ask.money(result['average'])} a day on average {period_phrase(period)}: "
        f"{ask.money(result['total'])} over {days} {_plural(days, 'day', 'days')}.",
        link=_link(period, status=ExpenseStatus.PAID),
    )


def overdue(ask: Ask) -> Answer:
    items = ask.select()
    link = _link(status=ExpenseStatus.PLANNED, overdue=True)
    if not items:
        return Answer("Nothing is overdue: every planned payment with a due date is on time.", link=link)
    oldest = items[0]
    due = selectors.due_counts(household=ask.household)
    count = due["overdue"]
    sentence = (
        f"{count} planned {_plural(count, 'payment is', 'payments are')} overdue, "
        f"{ask.money(due['overdue_total'])} in all; the oldest is "
        f"{_what(oldest)} for {ask.money(oldest.amount)}, due {_d(oldest.due_date)}."
    )
    rows = _expense_rows(ask, items, lambda e: f"due {_d(e.due_date)} · {e.category.name}")
    return Answer(sentence, rows=rows, caption="Overdue payments", amount_heading="Planned", link=link)


def upcoming(ask: Ask) -> Answer:
    days = ask.params.get("days") or 14
    items = ask.select(days=days)
    link = _link(status=ExpenseStatus.PLANNED)
    span = f"the next {days} {_plural(days, 'day', 'days')}"
    if not items:
        return Answer(f"Nothing planned is due in {span}.", link=link)
    first = items[0]
    due = selectors.due_counts(household=ask.household, days=days)
    count = due["upcoming"]
    sentence = (
        f"{count} planned {_plural(count, 'payment is', 'payments are')} due in {span}, "
        f"{ask.money(due['upcoming_total'])} in all; the first is "
        f"{_what(first)} for {ask.money(first.amount)} on {_d(first.due_date)}."
    )
    rows = _expense_rows(ask, items, lambda e: f"due {_d(e.due_date)} · {e.category.name}")
    return Answer(sentence, rows=rows, caption=f"Due in {span}", amount_heading="Planned", link=link)


def _unknown(ask: Ask) -> Answer:
    refusal = ask.params.get("refusal")
    if refusal == OTHER_HOUSEHOLD:
        sentence = (
            f"I can only answer questions about {ask.household.name}'s own spending. "
            "Here are some I can answer:"
        )
    elif refusal == COMMAND:
        sentence = (
            "I only answer questions about your household's spending; I can't run commands or change "
            "anything. Try one of these:"
        )
    else:
        sentence = "I can answer questions like these:"
    return Answer(sentence, examples=example_questions(ask.lookup))


def answer(
    household: Household, user, classification: Classification, *, lookup: Lookup | None = None
) -> Answer:
    """Run the selector for `classification` in `household` and phrase its numbers, both as the
    intent's registry entry names them."""
    ask = Ask(household, user, classification.params, lookup or Lookup.for_household(household))
    intent = REGISTRY.get(classification.intent)
    if intent is None:
        return _unknown(ask)
    ask.selector = import_string(intent.selector)
    return import_string(intent.answer)(ask)


# ------------------------------------------------------------------------------ the thread


@dataclass
class Entry:
    question: Question
    answer: Answer | None  # None: shown as the text it was answered with


def thread(*, household: Household, user, length: int = THREAD_LENGTH, live: int = LIVE_ANSWERS):
    """The household's last `length` questions, oldest first, and the example questions.

    The newest `live` answered questions are answered again from their stored intent and
    parameters (one or two selector queries each), so their numbers are current; older ones show
    the sentence they were answered with. The page's query count is bounded whatever the history.
    """
    lookup = Lookup.for_household(household)
    questions = list(
        Question.objects.for_household(household).select_related("author").order_by("-created_at")[:length]
    )
    entries, answered = [], 0
    for question in questions:  # newest first
        result = None
        if not question.intent or answered < live:
            answered += bool(question.intent)
            classification = Classification.from_json(question.intent, question.params)
            result = answer(household, user, classification, lookup=lookup)
            if not result.ok:
                result = None
        entries.append(Entry(question, result))
    entries.reverse()
    return entries, example_questions(lookup)
