"""Demo AI spend for seed_demo: the household's monthly AI limit with a sub-budget per member and
per task, and the last 30 days of provider calls — a few a day, the same every time — so the usage
page has something to show. The household's own provider stays builtin: nothing here calls out.

Idempotent: a household with an AI budget gets no second tree, one with calls no second month.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.models import Budget
from budgets.services import alerts_check, budget_create
from llmsettings.models import Provider, Task, UsageRecord
from llmsettings.pricing import default_price
from llmsettings.providers.base import Usage

AI = Budget.Measure.AI_USAGE
LIMIT = Decimal("25")
PER_MEMBER = [Decimal("15"), Decimal("10")]  # the admin's, the other member's
PER_TASK = [
    (Task.CHAT, "AI: reading chat", Decimal("18")),
    (Task.ANALYSIS, "AI: answering questions", Decimal("7")),
]
MODELS = [
    (Provider.OPENAI, "gpt-4o-mini"),
    (Provider.OPENAI, "gpt-4o-mini"),
    (Provider.GEMINI, "gemini-2.5-flash"),
    (Provider.OPENAI, "gpt-4o-mini"),
    (Provider.OPENAI, "gpt-4o"),
]
DAYS = 30


def _tree(household, members) -> None:
    admin = members[0]
    root = budget_create(household=household, user=admin, name="AI assistant", amount=LIMIT, measure=AI)
    for position, (member, amount) in enumerate(zip(members, PER_MEMBER, strict=False)):
        budget_create(
            household=household,
            user=admin,
            name=f"{member.get_short_name()}'s AI",
            amount=amount,
            parent=root,
            member=member,
            position=position,
        )
    for position, (task, name, amount) in enumerate(PER_TASK, start=len(members)):
        budget_create(
            household=household,
            user=admin,
            name=name,
            amount=amount,
            parent=root,
            ai_task=task,
            position=position,
        )


def _when(household, days_ago: int, k: int, count: int, now):
    """The k-th of `count` calls on the household's day `days_ago` before today: today's before now."""
    day = household.today() - timedelta(days=days_ago)
    midnight = datetime.combine(day, time.min, tzinfo=household.tzinfo)
    if days_ago == 0:
        return midnight + (now - midnight) * (k + 1) / (count + 1)
    return midnight + timedelta(hours=8 + 4 * k, minutes=days_ago * 7 % 50)


def _calls(household, members) -> tuple[list[UsageRecord], list]:
    now = timezone.now()
    records, stamps, n = [], [], 0
    for days_ago in range(DAYS):
        count = 2 + days_ago % 3  # two to four calls a day
        for k in range(count):
            n += 1
            provider, model = MODELS[n % len(MODELS)]
            task = Task.ANALYSIS if n % 4 == 0 else Task.CHAT
            timed_out = n % 17 == 0
            usage = Usage(
                input_tokens=0 if timed_out else (700 if task == Task.ANALYSIS else 1100) + n * 137 % 600,
                output_tokens=0 if timed_out else 80 + n * 53 % 260,
            )
            records.append(
                UsageRecord(
                    household=household,
                    user=members[n % len(members)],
                    provider=provider,
                    model=model,
                    task=task,
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                    cost=default_price(provider, model, household.currency).cost(usage),
                    latency_ms=15000 if timed_out else 600 + n * 211 % 1900,
                    outcome=UsageRecord.Outcome.TIMEOUT if timed_out else UsageRecord.Outcome.OK,
                    error="didn't answer within 15 s" if timed_out else "",
                )
            )
            stamps.append(_when(household, days_ago, k, count, now))
    return records, stamps


@transaction.atomic
def seed(*, household, members) -> None:
    if not Budget.objects.for_household(household).filter(measure=AI).exists():
        _tree(household, members)
    if UsageRecord.objects.for_household(household).exists():
        return
    records, stamps = _calls(household, members)
    UsageRecord.objects.bulk_create(records)
    for record, stamp in zip(records, stamps, strict=True):
        record.created_at = record.updated_at = stamp  # auto_now_add set them to now
    UsageRecord.objects.bulk_update(records, ["created_at", "updated_at"])
    alerts_check(household=household, dates=[household.today()], measure=AI)
