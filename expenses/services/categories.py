"""Writes on categories: the defaults a household starts with, create, rename, archive, merge."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from expenses.models import (
    DEFAULT_CATEGORIES,
    Category,
    Expense,
    Occasion,
)
from expenses.services.ledger import LEDGER_TOPICS
from households.live import publish
from households.models import Household, User

# ---------------------------------------------------------------- categories

DEFAULT_COLOUR = Category._meta.get_field("colour").default


@transaction.atomic
def categories_create_defaults(*, household: Household) -> None:
    """Give a household the default categories it lacks (safe to repeat)."""
    have = {n.lower() for n in Category.objects.for_household(household).values_list("name", flat=True)}
    Category.objects.bulk_create(
        Category(household=household, name=name, colour=colour)
        for name, colour in DEFAULT_CATEGORIES
        if name.lower() not in have
    )


def _check_category_name(household: Household, name: str, exclude=None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the category a name."})
    clash = Category.objects.for_household(household).filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a category called “{name}”."})
    return name


@transaction.atomic
def category_create(
    *, household: Household, user: User, name: str, colour: str, occasion: Occasion | None = None
) -> Category:
    """A new category; with `occasion` (an occasion's template made it), offered only for it."""
    if occasion is not None and occasion.household_id != household.pk:
        raise ValidationError("Pick one of this household's occasions.")
    category = Category(
        household=household, name=_check_category_name(household, name), colour=colour, occasion=occasion
    )
    category.full_clean(validate_unique=False, validate_constraints=False)
    category.save()
    publish(household, "categories")
    return category


@transaction.atomic
def categories_ensure(
    *, household: Household, user: User, names: list[str], occasion: Occasion | None = None
) -> dict[str, Category]:
    """The household's categories with these names (any case), creating the missing ones (for
    `occasion` only, when an occasion's template asks)."""
    existing = {c.name.lower(): c for c in Category.objects.for_household(household)}
    found = {}
    for name in names:
        category = existing.get(name.lower())
        if category is None:
            category = existing[name.lower()] = category_create(
                household=household, user=user, name=name, colour=DEFAULT_COLOUR, occasion=occasion
            )
        found[name] = category
    return found


@transaction.atomic
def category_update(
    *, household: Household, user: User, category: Category, name: str, colour: str
) -> Category:
    category.name = _check_category_name(household, name, exclude=category)
    category.colour = colour
    category.full_clean(validate_unique=False, validate_constraints=False)
    category.save(update_fields=["name", "colour", "updated_at"])
    publish(household, "categories", *LEDGER_TOPICS)
    return category


@transaction.atomic
def category_set_archived(
    *, household: Household, user: User, category: Category, archived: bool
) -> Category:
    category.archived = archived
    category.save(update_fields=["archived", "updated_at"])
    publish(household, "categories")
    return category


def _category_links():
    """Every foreign key to Category from a row the household owns (expenses, drafts, rules,
    budgets, and whatever points at a category next), read from the models, not listed by hand."""
    for relation in Category._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue  # only the reverse side of foreign keys pointing here
        model = relation.related_model
        if relation.many_to_many or _is_history(model):
            continue  # history rows keep naming the category they were written with
        yield model, relation.field.name


def _is_history(model) -> bool:
    return hasattr(model, "instance_type")  # simple-history's Historical* models


@transaction.atomic
def category_merge(*, household: Household, user: User, source: Category, target: Category) -> int:
    """Move everything that points at `source` to `target`, then remove `source`.

    Expenses, budgets and every other row with history get a history entry for the move;
    drafts and rules are moved in place. Returns how many expenses moved.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": "Pick a different category to merge into."})
    if source.household_id != household.pk or target.household_id != household.pk:
        raise ValidationError({"target": "Pick one of this household's categories."})
    reason = f"Category {source.name} merged into {target.name}"
    moved_expenses = 0
    for model, field_name in _category_links():
        rows = model._default_manager.filter(household=household, **{field_name: source})
        if hasattr(model, "history"):
            rows = list(rows)
            for row in rows:
                setattr(row, field_name, target)
                row._change_reason = reason
            bulk_update_with_history(rows, model, [field_name], batch_size=500, default_user=user)
            count = len(rows)
        else:
            count = rows.update(**{field_name: target})
        if model is Expense:
            moved_expenses = count
    source._history_user = user
    source._change_reason = reason
    source.delete()  # nothing points at it now; a link missed would be PROTECT's error, not a loss
    publish(household, "categories", *LEDGER_TOPICS)
    return moved_expenses
