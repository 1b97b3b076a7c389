"""Writes on occasions: the occasion and its budget, sub-budgets, items on the gift board, people.

An occasion's budget is a Budget (period once, no dates, occasion=<the occasion>) made together
with it. Sub-budgets are children of that budget with a recipient or a category; they inherit the
occasion filter through the tree. Items are expenses with occasion=<the occasion> and a stage:
Idea and To buy are planned, Bought and Given are paid, and every stage change keeps the status
in step (through expense_update, which records history, publishes and checks alerts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from budgets.models import Budget
from budgets.occasions.selectors import occasion_budget
from budgets.occasions.wedding import WEDDING_TEMPLATE
from budgets.services import budget_create, budget_delete, budget_update, recipient_create
from expenses.models import Category, Expense, Occasion, Recipient, Stage
from expenses.services import ExpenseData, categories_ensure, check_amount, expense_create, expense_update
from households.live import publish
from households.models import Household, User

NAME_MAX = 120
PERSON_MAX = 80


def occasion_topic(occasion: Occasion) -> str:
    return f"occasion-{occasion.pk}"


def _check_budget_amount(amount: Decimal | None) -> Decimal:
    return check_amount(amount, allow_zero=True)


def _apply_occasion(occasion: Occasion, *, name: str, kind: str, date: date | None, notes: str) -> None:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the occasion a name, like “Diwali”."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name under {NAME_MAX} characters."})
    if kind not in Occasion.Kind.values:
        raise ValidationError({"kind": "Pick birthday, festival, wedding, trip or other."})
    if date is None:
        raise ValidationError({"date": "Pick the occasion's date."})
    occasion.name, occasion.kind, occasion.date, occasion.notes = name, kind, date, (notes or "").strip()
    occasion.full_clean(exclude=["household"], validate_constraints=False)


@transaction.atomic
def occasion_create(
    *,
    household: Household,
    user: User,
    name: str,
    kind: str,
    date: date,
    amount: Decimal,
    notes: str = "",
) -> Occasion:
    """An occasion and its budget, in one transaction."""
    occasion = Occasion(household=household)
    _apply_occasion(occasion, name=name, kind=kind, date=date, notes=notes)
    _check_budget_amount(amount)
    occasion.save()
    budget_create(
        household=household,
        user=user,
        name=occasion.name,
        amount=amount,
        period=Budget.Period.ONCE,
        start_date=None,
        end_date=None,
        occasion=occasion,
    )
    publish(household, "occasions", occasion_topic(occasion))
    return occasion


@transaction.atomic
def occasion_update(
    *,
    household: Household,
    user: User,
    occasion: Occasion,
    name: str,
    kind: str,
    date: date,
    amount: Decimal,
    notes: str = "",
) -> Occasion:
    """Change the occasion and its budget's amount (the budget keeps the occasion's name)."""
    occasion = Occasion.objects.select_for_update().get(pk=occasion.pk, household=household)
    _apply_occasion(occasion, name=name, kind=kind, date=date, notes=notes)
    _check_budget_amount(amount)
    occasion.save()
    budget = occasion_budget(household=household, occasion=occasion)
    if budget is None:
        budget_create(
            household=household,
            user=user,
            name=occasion.name,
            amount=amount,
            period=Budget.Period.ONCE,
            start_date=None,
            end_date=None,
            occasion=occasion,
        )
    elif budget.name != occasion.name or budget.amount != amount:
        budget_update(household=household, user=user, budget=budget, name=occasion.name, amount=amount)
    publish(household, "occasions", occasion_topic(occasion))
    return occasion


@transaction.atomic
def occasion_delete(*, household: Household, user: User, occasion: Occasion) -> int:
    """Delete the occasion and its budgets. Its items stay, without an occasion; returns how many."""
    occasion = Occasion.objects.select_for_update().get(pk=occasion.pk, household=household)
    items = list(Expense.objects.for_household(household).filter(occasion=occasion))
    for item in items:
        item.occasion = None
    bulk_update_with_history(
        items,
        Expense,
        ["occasion"],
        batch_size=500,
        default_user=user,
        default_change_reason=f"Occasion “{occasion.name}” deleted",
    )
    # The occasion's budgets go with it, as the page says: those that count its items and the
    # sub-budgets inside them (per recipient, per category), deepest first, each with a history
    # entry. Its alerts stay, and its items stay (above), so no money entered is lost.
    parents = dict(Budget.objects.for_household(household).values_list("pk", "parent_id"))
    own = set(Budget.objects.for_household(household).filter(occasion=occasion).values_list("pk", flat=True))

    def lineage(pk) -> list:
        chain = [pk]
        while parents.get(chain[-1]) is not None:
            chain.append(parents[chain[-1]])
        return chain

    doomed = [pk for pk in parents if own & set(lineage(pk))]
    for pk in sorted(doomed, key=lambda pk: -len(lineage(pk))):
        budget_delete(household=household, user=user, budget=Budget(pk=pk))
    topic = occasion_topic(occasion)
    occasion.delete()
    publish(household, "occasions", topic, "expenses", "budgets", "dashboard")
    return len(items)


@transaction.atomic
def subbudget_create(
    *,
    household: Household,
    user: User,
    occasion: Occasion,
    amount: Decimal,
    recipient: Recipient | None = None,
    category: Category | None = None,
) -> Budget:
    """A sub-budget of the occasion's budget for one person or one category."""
    root = occasion_budget(household=household, occasion=occasion)
    if root is None:
        raise ValidationError("This occasion has no budget yet. Give it one (Edit) first.")
    if (recipient is None) == (category is None):
        raise ValidationError({"recipient": "Pick a person or a category (one of the two)."})
    _check_budget_amount(amount)
    siblings = Budget.objects.for_household(household).filter(parent=root)
    if recipient is not None:
        if recipient.household_id != household.pk:
            raise ValidationError({"recipient": "Pick one of this household's people."})
        if siblings.filter(recipient=recipient, category__isnull=True).exists():
            raise ValidationError({"recipient": f"{recipient.name} already has a sub-budget here."})
        name = recipient.name
    else:
        if category.household_id != household.pk:
            raise ValidationError({"category": "Pick one of this household's categories."})
        if siblings.filter(category=category, recipient__isnull=True).exists():
            raise ValidationError({"category": f"{category.name} already has a sub-budget here."})
        name = category.name
    budget = budget_create(
        household=household,
        user=user,
        name=name,
        amount=amount,
        parent=root,
        recipient=recipient,
        category=category,
    )
    publish(household, occasion_topic(occasion))
    return budget


# ---------------------------------------------------------------- items (the gift board)


@dataclass
class ItemData:
    description: str
    amount: Decimal
    category: Category
    stage: str
    date: date
    recipient: Recipient | None = None
    new_recipient: str = ""  # a new person's name, typed instead of picking one


def _check_stage(stage: str) -> str:
    if stage not in Stage.values:
        raise ValidationError({"stage": "Pick a column: Idea, To buy, Bought or Given."})
    return stage


def _resolve_recipient(
    household: Household, user: User, recipient: Recipient | None, new_name: str
) -> Recipient | None:
    name = " ".join((new_name or "").split())
    if recipient is not None:
        if recipient.household_id != household.pk:
            raise ValidationError({"recipient": "Pick one of this household's people."})
        if name and name.lower() != recipient.name.lower():
            raise ValidationError({"new_recipient": "Pick a person or type a new name, not both."})
        return recipient
    if not name:
        return None
    if len(name) > PERSON_MAX:
        raise ValidationError({"new_recipient": f"Keep the name under {PERSON_MAX} characters."})
    existing = Recipient.objects.for_household(household).filter(name__iexact=name).first()
    return existing or recipient_create(household=household, user=user, name=name)


@transaction.atomic
def item_create(*, household: Household, user: User, occasion: Occasion, data: ItemData) -> Expense:
    """An item of the occasion: an expense, planned or paid as its stage says."""
    if occasion.household_id != household.pk:
        raise ValidationError("Pick one of this household's occasions.")
    stage = _check_stage(data.stage)
    if not " ".join((data.description or "").split()):
        raise ValidationError({"description": "Say what it is, like “Silk saree”."})
    recipient = _resolve_recipient(household, user, data.recipient, data.new_recipient)
    expense = expense_create(
        household=household,
        user=user,
        data=ExpenseData(
            amount=data.amount,
            category=data.category,
            date=data.date,
            description=data.description,
            status=Stage.status_for(stage),
            paid_by=user,
            extra={"occasion": occasion, "recipient": recipient, "stage": stage},
        ),
    )
    publish(household, occasion_topic(occasion))
    return expense


@transaction.atomic
def item_move(*, household: Household, user: User, occasion: Occasion, item: Expense, stage: str) -> Expense:
    """Move an item to another column; its status follows (Bought and Given are paid)."""
    stage = _check_stage(stage)
    item = Expense.objects.select_for_update().get(pk=item.pk, household=household)
    if item.occasion_id != occasion.pk or item.deleted_at is not None:
        raise ValidationError("That item is not on this occasion's board any more.")
    status = Stage.status_for(stage)
    if item.stage == stage and item.status == status:
        return item
    item = expense_update(
        household=household,
        user=user,
        expense=item,
        data=ExpenseData(
            amount=item.amount,
            category=item.category,
            date=item.date,
            description=item.description,
            status=status,
            due_date=item.due_date,
            paid_by=item.paid_by or user,
            extra={"stage": stage},
        ),
    )
    publish(household, occasion_topic(occasion))
    return item


# ---------------------------------------------------------------- people


@transaction.atomic
def recipient_update(
    *, household: Household, user: User, recipient: Recipient, name: str, relationship: str = ""
) -> Recipient:
    """Rename a person; their sub-budgets named after them follow."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk, household=household)
    name = " ".join((name or "").split())
    relationship = " ".join((relationship or "").split())
    if not name:
        raise ValidationError({"name": "Give the person a name."})
    if len(name) > PERSON_MAX:
        raise ValidationError({"name": f"Keep the name under {PERSON_MAX} characters."})
    if len(relationship) > PERSON_MAX:
        raise ValidationError({"relationship": f"Keep it under {PERSON_MAX} characters."})
    clash = Recipient.objects.for_household(household).filter(name__iexact=name).exclude(pk=recipient.pk)
    if clash.exists():
        raise ValidationError({"name": f"{name} is already on your list."})
    old_name = recipient.name
    recipient.name, recipient.relationship = name, relationship
    recipient.save(update_fields=["name", "relationship", "updated_at"])
    if old_name != name:
        for budget in Budget.objects.for_household(household).filter(recipient=recipient, name=old_name):
            budget.name = name
            budget._history_user = user
            budget.save(update_fields=["name", "updated_at"])
        publish(household, "budgets")
    publish(household, "recipients")
    return recipient


# ---------------------------------------------------------------- the wedding template


@transaction.atomic
def wedding_template_apply(
    *, household: Household, user: User, occasion: Occasion, amounts: dict[str, Decimal]
) -> list[Budget]:
    """Create the template's categories that are missing and one sub-budget per category.

    `amounts` maps each category name to its amount (zero or more). Categories that already have
    a sub-budget under the occasion's budget are skipped, so sending the form twice adds nothing.
    Amounts may add up to more than the occasion's budget: that is shown, never refused.
    """
    root = occasion_budget(household=household, occasion=occasion)
    if root is None:
        raise ValidationError("This occasion has no budget yet. Give it one (Edit), then use the template.")
    root = Budget.objects.select_for_update().get(pk=root.pk, household=household)
    names = [name for name, _ in WEDDING_TEMPLATE]
    amounts = {
        name: check_amount(amounts.get(name), slugify(name).replace("-", "_"), allow_zero=True)
        for name in names
    }
    # Those it makes are the occasion's own: offered for its items, not for every expense.
    categories = categories_ensure(household=household, user=user, names=names, occasion=occasion)
    taken = set(
        Budget.objects.for_household(household)
        .filter(parent=root, category__isnull=False)
        .values_list("category_id", flat=True)
    )
    created = []
    for position, name in enumerate(names, start=1):
        category = categories[name]
        if category.pk in taken:
            continue
        created.append(
            budget_create(
                household=household,
                user=user,
                name=name,
                amount=amounts[name],
                parent=root,
                category=category,
                position=position,
            )
        )
    publish(household, "categories", f"occasion-{occasion.pk}")
    return created
