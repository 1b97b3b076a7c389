"""Writes of the analysis chat: a question asked is kept in the household's thread."""

from django.db import transaction

from analysis.answers import Answer, Lookup, answer
from analysis.intents import classify_question
from analysis.models import Question
from households.models import Household


@transaction.atomic
def ask_question(*, household: Household, user, text: str) -> tuple[Question, Answer]:
    """Read a question, answer it from the selectors, and keep it in the household's thread."""
    lookup = Lookup.for_household(household)
    classification = classify_question(text, lookup.context(household, user))
    result = answer(household, user, classification, lookup=lookup)
    question = Question(
        household=household,
        author=user,
        text=text,
        intent=classification.intent if classification.understood else "",
        params=classification.to_json(),
        answer=result.sentence,
        classifier="builtin",
    )
    question.full_clean()
    question.save()
    return question, result
