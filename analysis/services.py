"""Writes of the analysis chat: a question asked is kept in the household's thread.

With an LLM provider chosen for analysis, the provider only picks the intent and its parameters
(validated against the household by the intent's registry entry, exactly as the builtin reader's
are) and may put the answer in its own words; every number comes from the selector, and a phrased
answer whose figures differ from the template's is dropped for the template. Any failure leaves
the builtin reading and the template answer, with the reason in one line.
"""

from django.db import transaction

from analysis.answers import Answer, Lookup, answer
from analysis.figures import figures, same_figures
from analysis.intents import PARAMETER_FORMS, REGISTRY, Classification, classify_question
from analysis.models import Question
from households.models import Household
from llmsettings.calls import call, fallback_notice, provider_for
from llmsettings.models import Task
from llmsettings.providers import BuiltinProvider
from llmsettings.providers import QuestionContext as ProviderQuestion


def _brief(context, household: Household) -> ProviderQuestion:
    return ProviderQuestion(
        today=context.today,
        speaker=context.asker,
        members=list(context.members),
        categories=list(context.categories),
        occasions=list(context.occasions),
        currency=household.currency,
        intents={
            name: {"description": intent.summary, "params": {p: PARAMETER_FORMS[p] for p in intent.params}}
            for name, intent in REGISTRY.items()
        },
    )


def ask_question(*, household: Household, user, text: str) -> tuple[Question, Answer]:
    """Read a question, answer it from the selectors, and keep it in the household's thread.

    Not one transaction: a provider call (up to its timeout) must hold no database connection, so
    only the final write is atomic (``_keep``).
    """
    lookup = Lookup.for_household(household)
    context = lookup.context(household, user)
    classification = classify_question(text, context)
    classifier, notice = "builtin", ""
    provider = provider_for(household, Task.ANALYSIS)
    llm = not isinstance(provider, BuiltinProvider)
    brief = _brief(context, household) if llm else None
    if llm and "refusal" not in classification.params:
        outcome = call(
            provider,
            household=household,
            user=user,
            task=Task.ANALYSIS,
            prompt=text + repr(brief),
            run=lambda p: p.classify_question(text, brief),
        )
        if outcome.error is not None:
            notice = fallback_notice(provider, outcome.error)
            llm = False
        else:
            read = Classification.from_json(outcome.value.intent, outcome.value.params, context)
            if read.understood or not classification.understood:
                classification, classifier = read, provider.name
    result = answer(household, user, classification, lookup=lookup)
    if llm and classification.understood and result.ok:
        template = result.sentence
        outcome = call(
            provider,
            household=household,
            user=user,
            task=Task.ANALYSIS,
            prompt=template + repr(brief),
            run=lambda p: p.phrase_answer(template, figures(template), brief),
        )
        if outcome.error is None and same_figures(outcome.value.text, template):
            result.sentence = " ".join(outcome.value.text.split())[:1000]
    if notice:
        result.sentence = f"{notice} {result.sentence}"
    return _keep(household, user, text, classification, result, classifier), result


@transaction.atomic
def _keep(household, user, text, classification, result, classifier) -> Question:
    question = Question(
        household=household,
        author=user,
        text=text,
        intent=classification.intent if classification.understood else "",
        params=classification.to_json(),
        answer=result.sentence,
        classifier=classifier,
    )
    question.full_clean()
    question.save()
    return question
