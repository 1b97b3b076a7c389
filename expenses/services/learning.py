"""The household's own words: what its members taught the builtin parser by correcting chat
drafts, and their edits of what was learned (the categories page)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from expenses.models import Category, ExpenseDraft, LearnedWord
from households.live import publish
from households.models import Household, User
from llmsettings.parser.categories import norm_phrase
from llmsettings.parser.learning import MAX_PHRASE_CHARS, phrases_to_learn

# How many of its words a household's parser reads, most recently taught first: the newest
# corrections win, and a parse stays one bounded query however long a household has used Hearth.
LEARNED_READ_LIMIT = 500


def draft_description(text: str) -> str:
    """A draft's description as it is stored: spacing folded, at most 200 characters."""
    return " ".join((text or "").split())[:200]


def proposal(*, category: Category | None, description: str, paid_by: User | None, fallback: bool) -> dict:
    """What the parser proposed for a draft, kept on it so a confirm can tell what was corrected."""
    return {
        "category": str(category.pk) if category else "",
        "description": draft_description(description),
        "paid_by": str(paid_by.pk) if paid_by else "",
        "fallback": fallback,
    }


def corrected(draft: ExpenseDraft) -> bool:
    """Whether a member changed the category, payer or description the parser proposed."""
    proposed = draft.proposed or {}
    if not proposed:
        return False
    return (
        proposed.get("category", "") != (str(draft.category_id) if draft.category_id else "")
        or proposed.get("description", "") != draft.description
        or proposed.get("paid_by", "") != (str(draft.paid_by_id) if draft.paid_by_id else "")
    )


def learned_pairs(household: Household) -> list[tuple[str, str]]:
    """(phrase, category name) of the household's learned words, for its ParseContext."""
    return list(
        LearnedWord.objects.for_household(household)
        .filter(category__archived=False)
        .order_by("-updated_at")
        .values_list("phrase", "category__name")[:LEARNED_READ_LIMIT]
    )


def words_learn(*, household: Household, user: User | None, drafts, categories, members) -> int:
    """Remember what the confirmed `drafts` that a member corrected teach; how many words.

    `categories` and `members` are the household's, as the confirm already read them. A draft
    put in the household's fallback category teaches nothing (it would only hide better words).
    """
    count = 0
    category_names = [c.name for c in categories]
    member_names = [m.name for m in members]
    by_pk = {c.pk: c for c in categories}
    for draft in drafts:
        category = by_pk.get(draft.category_id)
        if category is None or category.name.lower() == "other" or not corrected(draft):
            continue
        phrases = phrases_to_learn(
            draft.description,
            fell_to_fallback=bool(draft.proposed.get("fallback")),
            members=member_names,
            categories=category_names,
        )
        for phrase in phrases:
            _remember(household, user, phrase, category)
            count += 1
    if count:
        publish(household, "categories")
    return count


def remember_word(*, household: Household, user: User | None, phrase: str, category: Category) -> bool:
    """Remember a phrase as the household's word for `category` (an import's own category name
    the person mapped, say); False when it holds nothing to remember."""
    clean = norm_phrase(phrase)[:MAX_PHRASE_CHARS].strip()
    if not clean or category.household_id != household.pk:
        return False
    with transaction.atomic():
        _remember(household, user, clean, category)
    publish(household, "categories")
    return True


def _remember(household: Household, user: User | None, phrase: str, category: Category) -> None:
    word = LearnedWord.objects.for_household(household).select_for_update().filter(phrase=phrase).first()
    if word is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent confirm may teach it first
                word = LearnedWord(household=household, phrase=phrase, category=category, created_by=user)
                word._history_user = user
                word.save()
                return
        except IntegrityError:
            word = LearnedWord.objects.for_household(household).select_for_update().get(phrase=phrase)
    word.times = word.times + 1 if word.category_id == category.pk else 1
    word.category = category
    word._history_user = user
    word._change_reason = "Taught again by a corrected draft"
    word.save()


def _clean_phrase(household: Household, phrase: str, word: LearnedWord) -> str:
    clean = norm_phrase(phrase)
    if not clean:
        raise ValidationError({"phrase": "Type the word or phrase, like “gopalji”."})
    if len(clean) > MAX_PHRASE_CHARS:
        raise ValidationError({"phrase": f"Keep it to {MAX_PHRASE_CHARS} characters."})
    other = LearnedWord.objects.for_household(household).filter(phrase=clean).exclude(pk=word.pk).first()
    if other is not None:
        raise ValidationError(
            {"phrase": f"Hearth already knows “{clean}” as {other.category.name}: edit that one instead."}
        )
    return clean


@transaction.atomic
def learned_word_update(
    *, household: Household, user: User, word: LearnedWord, phrase: str, category: Category
) -> LearnedWord:
    """Rename a learned word or point it at another category."""
    if word.household_id != household.pk or category.household_id != household.pk:
        raise ValidationError({"category": "Pick one of this household's categories."})
    word.phrase = _clean_phrase(household, phrase, word)
    word.category = category
    word._history_user = user
    word._change_reason = "Edited on the categories page"
    word.save()
    publish(household, "categories")
    return word


@transaction.atomic
def learned_word_remove(*, household: Household, user: User, word: LearnedWord) -> None:
    """Forget a learned word; its history keeps what it was."""
    if word.household_id != household.pk:
        raise ValidationError("Not this household's word.")
    word._history_user = user
    word._change_reason = "Removed on the categories page"
    word.delete()
    publish(household, "categories")
