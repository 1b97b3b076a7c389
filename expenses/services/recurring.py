"""Writes on recurring rules, and the job that proposes their due occurrences as drafts.

`make_due_drafts()` proposes one draft per occurrence that has none yet; the unique (rule,
occurrence_date) constraint makes it safe to run twice, late, or in two workers at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from expenses.models import Cadence, Category, RecurringRule, Source
from expenses.recurrence import occurrences, schedule_errors
from expenses.services.drafts import DraftData, draft_create
from expenses.services.ledger import check_amount, check_category, check_member
from households.live import publish
from households.models import Household, Membership, User
from households.problems import problem_message

logger = logging.getLogger(__name__)

# A rule never proposes drafts for occurrences more than this many days before today.
CATCH_UP_DAYS = 400


# ---------------------------------------------------------------- writes


@dataclass
class RuleData:
    """The fields a person gives a recurring rule."""

    amount: Decimal | None
    category: Category | None
    description: str
    cadence: str
    start_date: date | None
    paid_by: User | None = None
    day_of_month: int | None = None
    weekday: int | None = None
    month: int | None = None
    end_date: date | None = None


def _apply(household: Household, rule: RecurringRule, data: RuleData) -> None:
    errors: dict[str, list[str] | str] = {}
    try:
        check_amount(data.amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    description = " ".join((data.description or "").split())[:200]
    if not description:
        errors["description"] = "Describe it, like “Rent” or “Milk”."
    for check in (
        lambda: check_category(household, data.category),
        lambda: check_member(household, data.paid_by),
    ):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if data.paid_by is None:
        errors["paid_by"] = "Pick the member who pays."
    errors.update(
        schedule_errors(
            cadence=data.cadence,
            day_of_month=data.day_of_month,
            weekday=data.weekday,
            month=data.month,
            start_date=data.start_date,
            end_date=data.end_date,
        )
    )
    if errors:
        raise ValidationError(errors)
    rule.amount = data.amount
    rule.category = data.category
    rule.description = description
    rule.paid_by = data.paid_by
    rule.cadence = data.cadence
    # Keep only what the cadence uses, so the list and the job never read a stale field.
    rule.day_of_month = data.day_of_month if data.cadence != Cadence.WEEKLY else None
    rule.weekday = data.weekday if data.cadence == Cadence.WEEKLY else None
    rule.month = data.month if data.cadence == Cadence.YEARLY else None
    rule.start_date = data.start_date
    rule.end_date = data.end_date


@transaction.atomic
def rule_create(*, household: Household, user: User, data: RuleData) -> RecurringRule:
    rule = RecurringRule(household=household, created_by=user)
    _apply(household, rule, data)
    rule.full_clean(exclude=["household", "created_by"], validate_constraints=False)
    rule.save()
    publish(household, "recurring")
    return rule


def _locked(household: Household, rule: RecurringRule) -> RecurringRule:
    return RecurringRule.objects.select_for_update().get(pk=rule.pk, household=household)


@transaction.atomic
def rule_update(*, household: Household, user: User, rule: RecurringRule, data: RuleData) -> RecurringRule:
    """Change a rule. Drafts it already made stay as they are; new ones follow the new cadence."""
    rule = _locked(household, rule)
    _apply(household, rule, data)
    rule.full_clean(exclude=["household", "created_by"], validate_constraints=False)
    rule.save()
    publish(household, "recurring")
    return rule


@transaction.atomic
def rule_set_paused(*, household: Household, user: User, rule: RecurringRule, paused: bool) -> RecurringRule:
    """Pause or resume. A resumed rule does not catch up what fell due while it was paused."""
    rule = _locked(household, rule)
    if rule.paused == paused:
        return rule
    rule.paused = paused
    fields = ["paused", "updated_at"]
    if not paused:
        # The job catches up from the last occurrence that has a draft; skip the paused stretch
        # by letting the rule start again today (or on its end date, if that has passed).
        today = household.today()
        restart = min(today, rule.end_date) if rule.end_date else today
        if rule.start_date < restart:
            rule.start_date = restart
            fields.append("start_date")
    rule.save(update_fields=fields)
    publish(household, "recurring")
    return rule


@transaction.atomic
def rule_delete(*, household: Household, user: User, rule: RecurringRule) -> None:
    """Delete a rule. The drafts and expenses it made are kept (their link is set to null)."""
    rule = _locked(household, rule)
    rule.delete()
    publish(household, "recurring")


# ---------------------------------------------------------------- the daily job


def make_due_drafts(*, household: Household, today: date | None = None) -> int:
    """Propose a draft for every occurrence due up to `today` that has none yet; return how many.

    Catches up from the day after the last occurrence that has a draft (so an edited cadence
    does not re-propose the past), at most CATCH_UP_DAYS back. Each draft is created in its own
    savepoint; the unique (rule, occurrence_date) constraint turns a concurrent run's draft into
    an IntegrityError that means “already there”.
    """
    today = today or household.today()
    rules = (
        RecurringRule.objects.for_household(household)
        .filter(paused=False, start_date__lte=today)
        .select_related("category", "paid_by")
        .annotate(last_drafted=Max("drafts__occurrence_date"))
        .order_by("pk")
    )
    member_ids = set(Membership.objects.filter(household=household).values_list("user_id", flat=True))
    floor = today - timedelta(days=CATCH_UP_DAYS)
    made = 0
    for rule in rules:
        start = max(rule.start_date, floor)
        if rule.last_drafted is not None:
            start = max(start, rule.last_drafted + timedelta(days=1))
        paid_by, problems = rule.paid_by, []
        if paid_by is not None and paid_by.pk not in member_ids:
            paid_by = None
            problems.append(problem_message("former_payer", name=rule.paid_by))
        for occurrence in occurrences(rule, start, today):
            data = DraftData(
                amount=rule.amount,
                category=rule.category,
                date=occurrence,
                description=rule.description,
                paid_by=paid_by,
                problems=list(problems),
            )
            try:
                with transaction.atomic():
                    draft_create(
                        household=household,
                        user=None,
                        data=data,
                        source=Source.RECURRING,
                        rule=rule,
                        occurrence_date=occurrence,
                    )
            except IntegrityError:
                continue  # another run made this one first
            made += 1
    return made
