"""AI usage numbers: what the household's provider calls cost — by member, by model, by day — and
the calls behind each figure; and the price table.

Every figure is summed by the database, bounded by a period (whole days of the household's time
zone) and scoped to the household. The AI budgets' meters (``budgets.selectors.statuses``) sum
through `usage_sums`, the usage page through the others, all with the same `created_between`,
so a meter, an aggregate row and the calls listed behind it agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from households.members import FORMER_MEMBER, household_member_ids
from households.models import Household
from households.periods import month_end
from llmsettings.models import ModelPrice, Provider, ProviderSettings, UsageRecord
from llmsettings.pricing import DEFAULT_PRICES_USD, Price, default_price

NOBODY = "none"  # the member filter's value for calls no member is linked to
COST_ZERO = Decimal("0.000000")


def _midnight(day: date, household: Household) -> datetime:
    return datetime.combine(day, time.min, tzinfo=household.tzinfo)


def created_between(household: Household, start: date | None, end: date | None) -> Q:
    """Rows made on the days from `start` to `end` (both included, either open) in the household's
    time zone: the one bound of every usage figure."""
    q = Q()
    if start is not None:
        q &= Q(created_at__gte=_midnight(start, household))
    if end is not None and end < date.max:
        q &= Q(created_at__lt=_midnight(end + timedelta(days=1), household))
    return q


def model_key(provider: str, model: str) -> str:
    """How the model filter names a model: "openai/gpt-4o-mini" (a provider never has a slash)."""
    return f"{provider}/{model}"


def model_label(provider: str, model: str) -> str:
    name = Provider(provider).label.split(" (")[0] if provider in Provider.values else provider
    return f"{name} · {model}" if model else name


@dataclass(frozen=True)
class UsageFilter:
    """Which calls: a period, and optionally one day, one member, one model, one task."""

    start: date | None = None
    end: date | None = None
    day: date | None = None
    member: str = ""  # "" anyone, a user's id, or NOBODY
    model: str = ""  # "" any, or model_key(provider, model)
    task: str = ""

    @classmethod
    def from_cleaned(cls, data: dict) -> UsageFilter:
        start, end = data.get("start"), data.get("end")
        if month := data.get("month"):
            start, end = month, month_end(month)
        return cls(
            start=start,
            end=end,
            day=data.get("day"),
            member=data.get("member") or "",
            model=data.get("model") or "",
            task=data.get("task") or "",
        )

    def narrowed(self, **changes) -> UsageFilter:
        return replace(self, **changes)

    @property
    def period_label(self) -> str:
        """The period as the page names it: "December 2026", "1 Jan 2026 – 31 Dec 2026"."""
        start, end = self.start, self.end
        if start and end and start.day == 1 and end == month_end(start):
            return f"{start:%B %Y}"
        if start and end:
            return f"{start:%-d %b %Y} – {end:%-d %b %Y}"
        if start:
            return f"from {start:%-d %b %Y}"
        return f"until {end:%-d %b %Y}" if end else "all time"

    def q(self, household: Household) -> Q:
        q = created_between(household, self.start, self.end)
        if self.day is not None:
            q &= created_between(household, self.day, self.day)
        if self.member == NOBODY:
            q &= Q(user__isnull=True)
        elif self.member:
            q &= Q(user_id=int(self.member))
        if self.model:
            provider, _, model = self.model.partition("/")
            q &= Q(provider=provider, model=model)
        if self.task:
            q &= Q(task=self.task)
        return q

    def query(self) -> str:
        """The usage page's query string for these calls (the CSV export takes the same)."""
        whole_month = self.start and self.end and self.start.day == 1 and self.end == month_end(self.start)
        params = {
            "month": f"{self.start:%Y-%m}" if whole_month else "",
            "start": self.start.isoformat() if self.start and not whole_month else "",
            "end": self.end.isoformat() if self.end and not whole_month else "",
            "day": self.day.isoformat() if self.day else "",
            "member": self.member,
            "model": self.model,
            "task": self.task,
        }
        return urlencode({name: value for name, value in params.items() if value})


def usage_records(*, household: Household, filters: UsageFilter):
    """The calls `filters` selects, newest first (a stable order, for pages and the CSV file)."""
    return (
        UsageRecord.objects.for_household(household)
        .filter(filters.q(household))
        .select_related("user")
        .order_by("-created_at", "-id")
    )


def usage_sums(*, household: Household, scopes: dict[str, Q], within: Q | None = None) -> dict[str, Decimal]:
    """The cost of the calls of each scope, in one query (the AI budgets' meters). `within`
    bounds the rows read (the union of the scopes' periods)."""
    if not scopes:
        return {}
    rows = UsageRecord.objects.for_household(household).order_by()
    if within is not None:
        rows = rows.filter(within)
    sums = rows.aggregate(**{key: Sum("cost", filter=scope) for key, scope in scopes.items()})
    return {key: sums[key] if sums[key] is not None else COST_ZERO for key in scopes}


@dataclass
class UsageTotals:
    calls: int
    cost: Decimal
    input_tokens: int
    output_tokens: int
    refused: int
    failed: int


def usage_totals(*, household: Household, filters: UsageFilter) -> UsageTotals:
    failed = ~Q(outcome__in=[UsageRecord.Outcome.OK, UsageRecord.Outcome.REFUSED])
    found = (
        UsageRecord.objects.for_household(household)
        .filter(filters.q(household))
        .order_by()
        .aggregate(
            calls=Count("id"),
            cost=Coalesce(Sum("cost"), COST_ZERO),
            input_tokens=Coalesce(Sum("input_tokens"), 0),
            output_tokens=Coalesce(Sum("output_tokens"), 0),
            refused=Count("id", filter=Q(outcome=UsageRecord.Outcome.REFUSED)),
            failed=Count("id", filter=failed),
        )
    )
    return UsageTotals(**found)


@dataclass
class UsageRow:
    """One aggregate row: what it is, its figures, and the filter of exactly the calls it sums."""

    label: str
    calls: int
    cost: Decimal
    input_tokens: int
    output_tokens: int
    filters: UsageFilter

    @property
    def query(self) -> str:
        return self.filters.query()


def _grouped(household: Household, filters: UsageFilter, *keys, **annotations):
    return (
        UsageRecord.objects.for_household(household)
        .filter(filters.q(household))
        .annotate(**annotations)
        .values(*keys, *annotations)
        .annotate(
            calls=Count("id"),
            cost_sum=Coalesce(Sum("cost"), COST_ZERO),
            input_sum=Coalesce(Sum("input_tokens"), 0),
            output_sum=Coalesce(Sum("output_tokens"), 0),
        )
        .order_by()
    )


def _row(label: str, found: dict, filters: UsageFilter) -> UsageRow:
    return UsageRow(
        label, found["calls"], found["cost_sum"], found["input_sum"], found["output_sum"], filters
    )


def usage_by_member(*, household: Household, filters: UsageFilter) -> list[UsageRow]:
    """Spend per person (a former member by name, calls nobody is linked to as such), dearest first."""
    members = household_member_ids(household)
    rows = []
    for found in _grouped(household, filters, "user_id", "user__name"):
        user_id, name = found["user_id"], found["user__name"]
        if user_id is None:
            label, key = "No member (a background task)", NOBODY
        else:
            label = (
                name
                if name and user_id in members
                else f"{name} ({FORMER_MEMBER})"
                if name
                else FORMER_MEMBER
            )
            key = str(user_id)
        rows.append(_row(label, found, filters.narrowed(member=key)))
    return sorted(rows, key=lambda r: (-r.cost, r.label.lower()))


def usage_by_model(*, household: Household, filters: UsageFilter) -> list[UsageRow]:
    rows = [
        _row(
            model_label(found["provider"], found["model"]),
            found,
            filters.narrowed(model=model_key(found["provider"], found["model"])),
        )
        for found in _grouped(household, filters, "provider", "model")
    ]
    return sorted(rows, key=lambda r: (-r.cost, r.label.lower()))


def usage_by_day(*, household: Household, filters: UsageFilter) -> list[UsageRow]:
    """Spend per day of the household's calendar, oldest first."""
    rows = [
        _row(f"{found['day']:%a %-d %b}", found, filters.narrowed(day=found["day"]))
        for found in _grouped(household, filters, day=TruncDate("created_at", tzinfo=household.tzinfo))
    ]
    return sorted(rows, key=lambda r: r.filters.day)


# ---------------------------------------------------------------- the price table


@dataclass
class PriceRow:
    provider: str
    model: str
    default: Price  # the list price in the household's currency (0 for a local server)
    own: ModelPrice | None  # the household's own price, if an admin set one

    @property
    def label(self) -> str:
        return model_label(self.provider, self.model)

    @property
    def price(self) -> Price:
        """What a call is charged at: the household's own price, else the default."""
        if self.own is not None:
            return Price(self.own.input_per_million, self.own.output_per_million, own=True)
        return self.default


def price_table(*, household: Household) -> list[PriceRow]:
    """Every model the household may be charged for: the known models, the ones it priced itself
    and the one it has chosen; each with the default and its own price (two queries)."""
    own = {(p.provider, p.model): p for p in ModelPrice.objects.for_household(household)}
    keys = set(DEFAULT_PRICES_USD) | set(own)
    chosen = ProviderSettings.objects.filter(household=household).values_list("provider", "model").first()
    if chosen and chosen[0] != Provider.BUILTIN and chosen[1]:
        keys.add(chosen)
    rows = [
        PriceRow(
            str(provider),
            model,
            default_price(provider, model, household.currency),
            own.get((provider, model)),
        )
        for provider, model in keys
    ]
    order = list(Provider.values)
    return sorted(rows, key=lambda r: (order.index(r.provider) if r.provider in order else 99, r.model))
