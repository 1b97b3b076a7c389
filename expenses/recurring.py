"""Recurring rules: when they fall due, the writes that manage them, and the daily job.

`occurrences()` is pure date arithmetic. The services take the household and the acting user,
validate like user input and publish "recurring". `make_due_drafts()` proposes one draft per
occurrence that has none yet; the unique (rule, occurrence_date) constraint makes it safe to run
twice, late, or in two workers at once.
"""

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from expenses.models import Cadence, Category, RecurringRule, Source
from expenses.services import (
    DraftData,
    _check_category,
    _check_member,
    check_amount,
    draft_create,
)
from households.live import publish
from households.models import Household, Membership, User

logger = logging.getLogger(__name__)

# A rule never proposes drafts for occurrences more than this many days before today.
CATCH_UP_DAYS = 400

WEEKDAYS = list(calendar.day_name)  # Monday … Sunday (English, as the rest of the UI)
MONTHS = list(calendar.month_name)[1:]  # January … December


# ---------------------------------------------------------------- dates


def _on_day(year: int, month: int, day: int) -> date:
    """`day` of that month, or the month's last day when it is shorter (31 → 30 April, 28/29 Feb)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrences(rule, start: date, end: date) -> list[date]:
    """Every date from `start` to `end` (both included) on which `rule` falls due.

    Never before the rule's start date, never after its end date. Monthly on 29–31 falls on the
    last day of shorter months; yearly on 29 February falls on 28 February in other years.
    Ignores `paused`: whether a paused rule makes drafts is the job's business.
    """
    start = max(start, rule.start_date)
    if rule.end_date is not None:
        end = min(end, rule.end_date)
    if start > end:
        return []

    if rule.cadence == Cadence.WEEKLY:
        if rule.weekday is None:
            return []
        first = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]

    if rule.cadence == Cadence.MONTHLY:
        if not rule.day_of_month:
            return []
        found = []
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            day = _on_day(year, month, rule.day_of_month)
            if start <= day <= end:
                found.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    if rule.cadence == Cadence.YEARLY:
        if not rule.month or not rule.day_of_month:
            return []
        found = []
        for year in range(start.year, end.year + 1):
            day = _on_day(year, rule.month, rule.day_of_month)
            if start <= day <= end:
                found.append(day)
        return found

    return []


def next_occurrence(rule, today: date) -> date | None:
    """The first occurrence on or after `today` (None when the rule has ended)."""
    # Any cadence falls due at least once in 366 days (yearly on 29 Feb falls on 28 Feb).
    upcoming = occurrences(rule, today, today + timedelta(days=366))
    return upcoming[0] if upcoming else None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_cadence(rule) -> str:
    """The cadence in words: “Monthly on the 31st (last day in shorter months)”."""
    if rule.cadence == Cadence.MONTHLY and rule.day_of_month:
        text = f"Monthly on the {_ordinal(rule.day_of_month)}"
        if rule.day_of_month >= 29:
            text += " (last day in shorter months)"
        return text
    if rule.cadence == Cadence.WEEKLY and rule.weekday is not None and 0 <= rule.weekday <= 6:
        return f"Weekly on {WEEKDAYS[rule.weekday]}"
    if rule.cadence == Cadence.YEARLY and rule.month and rule.day_of_month:
        text = f"Yearly on {rule.day_of_month} {MONTHS[rule.month - 1]}"
        if rule.month == 2 and rule.day_of_month == 29:
            text += " (28 February in other years)"
        return text
    return rule.get_cadence_display()


def schedule_errors(
    *,
    cadence: str | None,
    day_of_month: int | None,
    weekday: int | None,
    month: int | None,
    start_date: date | None,
    end_date: date | None,
) -> dict[str, str]:
    """What is missing or wrong in a cadence, by field name (the form and the services share it)."""
    errors: dict[str, str] = {}
    if cadence not in Cadence.values:
        errors["cadence"] = "Choose monthly, weekly or yearly."
    if cadence in (Cadence.MONTHLY, Cadence.YEARLY):
        if day_of_month is None:
            errors["day_of_month"] = (
                "Pick the day of the month it falls due."
                if cadence == Cadence.MONTHLY
                else "Pick the day of the date it falls due."
            )
        elif not 1 <= day_of_month <= 31:
            errors["day_of_month"] = "Pick a day from 1 to 31."
    if cadence == Cadence.WEEKLY:
        if weekday is None:
            errors["weekday"] = "Pick the day of the week it falls due."
        elif not 0 <= weekday <= 6:
            errors["weekday"] = "Pick a day from Monday to Sunday."
    if cadence == Cadence.YEARLY:
        if month is None:
            errors["month"] = "Pick the month it falls due."
        elif not 1 <= month <= 12:
            errors["month"] = "Pick a month from January to December."
        elif "day_of_month" not in errors:
            longest = calendar.monthrange(2000, month)[1]  # a leap year: 29 February is fine
            if day_of_month > longest:
                errors["day_of_month"] = f"{MONTHS[month - 1]} has only {longest} days."
    if start_date is None:
        errors["start_date"] = "Pick the date it starts."
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be on or after the start date."
    return errors


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
        lambda: _check_category(household, data.category),
        lambda: _check_member(household, data.paid_by),
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
            problems.append(f"{rule.paid_by} is no longer a member: pick who paid.")
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


def make_all_due_drafts() -> int:
    """The daily django-q2 task: every household with an active rule, one at a time."""
    household_ids = list(
        RecurringRule.objects.filter(paused=False)
        .order_by()
        .values_list("household_id", flat=True)
        .distinct()
    )
    made, failed = 0, []
    for household_id in household_ids:
        household = Household.objects.filter(pk=household_id).first()
        if household is None:
            continue
        try:
            made += make_due_drafts(household=household)
        except Exception:
            # One household's trouble must not keep the others' drafts from being made.
            logger.exception("Recurring drafts failed for household %s", household_id)
            failed.append(household_id)
    if failed:
        raise RuntimeError(f"Recurring drafts failed for {len(failed)} household(s): {failed}")
    return made
