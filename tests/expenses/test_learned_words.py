"""Learned words: a member corrects a chat draft, Hearth remembers the household's word for next
time, and the household sees, renames and removes what it learned on the categories page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expenses.models import Category, ExpenseDraft, LearnedWord
from expenses.services import (
    DraftData,
    category_merge,
    draft_update,
    drafts_confirm_ready,
    learned_pairs,
)
from llmsettings.parser.learning import phrases_to_learn
from tests.expenses.test_chat import HX, card_fields

pytestmark = pytest.mark.django_db


def say(client, household, text):
    response = client.post("/chat/", {"text": text}, headers=HX)
    assert response.status_code == 200
    return ExpenseDraft.objects.filter(household=household).order_by("-created_at").first()


def category(household, name):
    return Category.objects.get(household=household, name=name)


def test_a_corrected_category_is_used_for_the_next_message(member_client, household, member_user):
    draft = say(member_client, household, "gopalji 600")
    assert draft.category.name == "Other"
    groceries = category(household, "Groceries")

    response = member_client.post(
        f"/drafts/{draft.pk}/confirm/", card_fields(draft, category=groceries.pk), headers=HX
    )

    assert response.status_code == 200
    word = LearnedWord.objects.get(household=household, phrase="gopalji")
    assert (word.category, word.created_by, word.times) == (groceries, member_user, 1)
    assert word.history.first().history_user == member_user
    say(member_client, household, "gopalji 650 and bread 40")
    assert ExpenseDraft.objects.filter(household=household).order_by("-created_at")[1].category == groceries
    assert say(member_client, household, "paid the gopalji 700").category == groceries


def test_learned_words_never_cross_households(member_client, household, other_client, other_household):
    draft = say(member_client, household, "gopalji 600")
    member_client.post(
        f"/drafts/{draft.pk}/confirm/",
        card_fields(draft, category=category(household, "Groceries").pk),
        headers=HX,
    )
    assert LearnedWord.objects.filter(household=household).exists()

    theirs = say(other_client, other_household, "gopalji 600")

    assert theirs.category.name == "Other"
    assert not LearnedWord.objects.filter(household=other_household).exists()
    assert "“gopalji” →" not in other_client.get("/categories/").content.decode()


def test_a_draft_confirmed_as_proposed_teaches_nothing(member_client, household):
    draft = say(member_client, household, "petrol 500")
    member_client.post(f"/drafts/{draft.pk}/confirm/", card_fields(draft), headers=HX)
    assert not LearnedWord.objects.filter(household=household).exists()


def test_a_changed_description_teaches_its_phrase(member_client, household):
    draft = say(member_client, household, "painting 9000")
    housing = category(household, "Housing")
    member_client.post(
        f"/drafts/{draft.pk}/confirm/",
        card_fields(draft, description="painter for the kids room", category=housing.pk),
        headers=HX,
    )
    assert learned_pairs(household) == [("painter for the kids room", "Housing")]
    assert say(member_client, household, "painter for the kids room 2000").category == housing
    assert say(member_client, household, "kids shoes 900").category.name == "Kids"  # "kids" alone stays


def test_a_correction_put_in_other_teaches_nothing(member_client, household):
    draft = say(member_client, household, "gym 1500")
    member_client.post(
        f"/drafts/{draft.pk}/confirm/",
        card_fields(draft, category=category(household, "Other").pk),
        headers=HX,
    )
    assert not LearnedWord.objects.filter(household=household).exists()


def test_confirm_all_learns_from_the_drafts_edited_before(member_client, household, member_user):
    first = say(member_client, household, "raddiwala 300")
    say(member_client, household, "milk 60")
    housing = category(household, "Housing")
    draft_update(
        household=household,
        user=member_user,
        draft=first,
        data=DraftData(
            amount=first.amount,
            category=housing,
            date=first.date,
            description=first.description,
            paid_by=first.paid_by,
        ),
    )

    made = drafts_confirm_ready(
        household=household, user=member_user, drafts=ExpenseDraft.objects.filter(household=household)
    )

    assert made == 2
    assert learned_pairs(household) == [("raddiwala", "Housing")]


def test_teaching_again_moves_the_word_and_counts(member_client, household):
    for name in ("Groceries", "Groceries", "Dining"):
        draft = say(member_client, household, "gopalji 600")
        member_client.post(
            f"/drafts/{draft.pk}/confirm/",
            card_fields(draft, category=category(household, name).pk),
            headers=HX,
        )
    word = LearnedWord.objects.get(household=household, phrase="gopalji")
    assert (word.category.name, word.times) == ("Dining", 1)
    assert LearnedWord.objects.filter(household=household).count() == 1


# ------------------------------------------------------------------------------ categories page


@pytest.fixture
def word(household, member_user):
    return LearnedWord.objects.create(
        household=household,
        phrase="gopalji",
        category=category(household, "Groceries"),
        created_by=member_user,
    )


def test_the_categories_page_lists_what_was_learned(member_client, word):
    html = member_client.get("/categories/").content.decode()
    assert "Words Hearth learned" in html
    assert "“gopalji” → Groceries" in html
    assert f"/categories/words/{word.pk}/" in html


def test_the_page_says_how_learning_works_before_anything_is_learned(member_client):
    html = member_client.get("/categories/").content.decode()
    assert "Nothing yet" in html


def test_rename_and_move_a_learned_word(member_client, household, member_user, word):
    dining = category(household, "Dining")
    response = member_client.post(
        f"/categories/words/{word.pk}/", {"action": "save", "phrase": "  Gopal  Ji ", "category": dining.pk}
    )
    assert response.status_code == 302
    word.refresh_from_db()
    assert (word.phrase, word.category) == ("gopal ji", dining)
    assert word.history.first().history_user == member_user
    assert say(member_client, household, "gopal ji 600").category == dining


def test_a_rename_onto_a_known_phrase_is_refused_next_to_the_field(member_client, household, word):
    other = LearnedWord.objects.create(household=household, phrase="raddiwala", category=word.category)
    response = member_client.post(
        f"/categories/words/{other.pk}/",
        {"action": "save", "phrase": "Gopalji", "category": word.category.pk},
    )
    assert response.status_code == 200
    assert "Hearth already knows “gopalji” as Groceries" in response.content.decode()
    other.refresh_from_db()
    assert other.phrase == "raddiwala"


@pytest.mark.parametrize("phrase", ["", "   ", "!!!", "x" * 61])
def test_a_bad_phrase_is_refused(member_client, word, phrase):
    response = member_client.post(
        f"/categories/words/{word.pk}/", {"action": "save", "phrase": phrase, "category": word.category.pk}
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    word.refresh_from_db()
    assert word.phrase == "gopalji"


def test_another_households_category_cannot_be_picked(member_client, word, other_household):
    theirs = Category.objects.filter(household=other_household).first()
    response = member_client.post(
        f"/categories/words/{word.pk}/", {"action": "save", "phrase": "gopalji", "category": theirs.pk}
    )
    assert response.status_code == 200
    word.refresh_from_db()
    assert word.category.household_id == word.household_id


def test_remove_forgets_the_word_and_keeps_its_history(member_client, household, member_user, word):
    response = member_client.post(f"/categories/words/{word.pk}/", {"action": "remove"})
    assert response.status_code == 302
    assert not LearnedWord.objects.filter(pk=word.pk).exists()
    gone = LearnedWord.history.filter(id=word.pk).order_by("-history_date").first()
    assert (gone.history_type, gone.history_user) == ("-", member_user)
    assert say(member_client, household, "gopalji 600").category.name == "Other"


def test_a_viewer_sees_but_cannot_change(viewer_client, word):
    assert "“gopalji” → Groceries" in viewer_client.get("/categories/").content.decode()
    assert viewer_client.post(f"/categories/words/{word.pk}/", {"action": "remove"}).status_code == 403
    assert LearnedWord.objects.filter(pk=word.pk).exists()


def test_a_merge_moves_the_learned_words(household, admin_user, word):
    groceries, dining = word.category, category(household, "Dining")
    category_merge(household=household, user=admin_user, source=groceries, target=dining)
    word.refresh_from_db()
    assert word.category == dining


def test_an_archived_categorys_words_are_not_used(household, word):
    Category.objects.filter(pk=word.category_id).update(archived=True)
    assert learned_pairs(household) == []


def test_the_categories_page_costs_the_same_with_many_words(member_client, household):
    groceries = category(household, "Groceries")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get("/categories/").status_code == 200
        return len(captured)

    LearnedWord.objects.create(household=household, phrase="w0", category=groceries)
    few = queries()
    LearnedWord.objects.bulk_create(
        LearnedWord(household=household, phrase=f"word {i}", category=groceries) for i in range(1, 150)
    )
    assert queries() == few


def test_the_parser_reads_a_bounded_number_of_words(household, monkeypatch):
    from expenses.services import learning

    monkeypatch.setattr(learning, "LEARNED_READ_LIMIT", 3)
    groceries = category(household, "Groceries")
    LearnedWord.objects.bulk_create(
        LearnedWord(household=household, phrase=f"word {i}", category=groceries) for i in range(10)
    )
    assert len(learned_pairs(household)) == 3


# ------------------------------------------------------------------------------ what a correction teaches


@pytest.mark.parametrize(
    ("description", "fallback", "expected"),
    [
        ("gopalji", True, ["gopalji"]),
        ("gopalji monthly", True, ["gopalji monthly", "gopalji"]),
        ("the gopalji bill", True, ["gopalji bill", "gopalji"]),
        ("painter for the kids room", False, ["painter for the kids room"]),
        ("Gokul shoes", True, ["gokul shoes", "gokul"]),
        ("Decathlon shoes", True, ["decathlon shoes"]),  # a merchant the tables know
        ("Decathlon shoes", False, ["decathlon shoes"]),
        ("Ravi paid for the gizmo", True, ["gizmo"]),
        ("bill", True, []),
        ("monthly 2", True, []),
        ("", True, []),
        ("room 4 heater for the guest room upstairs near stairs", False, []),
    ],
)
def test_what_a_correction_teaches(description, fallback, expected):
    assert phrases_to_learn(description, fell_to_fallback=fallback, members=["Ravi Sharma"]) == expected
