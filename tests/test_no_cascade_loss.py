"""Nothing a household entered disappears because something it points at went away.

The walker reads every foreign key and one-to-one of the project's models from `_meta`, so a new
link is covered the day it is added: a CASCADE fails unless it is on the justified allow-list
below, and every link to a household-owned row or a person is exercised by the operations a
user (or an operator) has for removing what it points at — merge, archive, member removal,
account deletion, the deletes the pages offer, and a plain delete in the admin — counting every
household row before and after.
"""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone

from budgets.models import AIReservation, Budget, BudgetAlert
from budgets.selectors import statuses
from expenses.models import (
    Category,
    ChatMessage,
    Expense,
    ExpenseDraft,
    ImportBatch,
    LearnedWord,
    Occasion,
    Recipient,
    RecurringRule,
    Source,
)
from expenses.services import trash_purge
from households.models import Household, HouseholdOwned, Membership, User
from households.services import account_delete
from llmsettings.models import UsageRecord
from tests.conftest import client_for

PROJECT_APPS = ("households", "expenses", "budgets", "analysis", "llmsettings")


def is_history(model) -> bool:
    return hasattr(model, "instance_type")  # simple-history's Historical* models


def project_models():
    for label in PROJECT_APPS:
        yield from apps.get_app_config(label).get_models()


def links():
    """(model, field) for every foreign key and one-to-one defined on a project model."""
    for model in project_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one):
                yield model, field


def label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


# Every CASCADE the project has, and why it loses nothing a household entered.
WHOLE_HOUSEHOLD = (
    "a household's rows go with the household: Hearth never deletes one, an operator deleting a "
    "whole household in the admin means it"
)
CASCADE_ALLOWED = {
    "households.Membership.user": (
        "a membership is the person's seat, not data they entered; the app never deletes a user "
        "row (account_delete empties it and ends the membership through membership_remove first)"
    ),
}


def cascade_reason(model, field) -> str | None:
    if field.name == "household" and field.related_model is Household:
        return WHOLE_HOUSEHOLD
    return CASCADE_ALLOWED.get(label(model, field))


def test_no_link_cascades_unless_it_is_justified():
    offenders = [
        label(model, field)
        for model, field in links()
        if field.remote_field.on_delete is models.CASCADE and cascade_reason(model, field) is None
    ]
    assert offenders == [], (
        "These links delete household data with what they point at: make them PROTECT or "
        "SET_NULL (and move references in the service), or justify them in CASCADE_ALLOWED"
    )


def test_the_allow_list_names_real_cascades_only():
    cascades = {label(m, f) for m, f in links() if f.remote_field.on_delete is models.CASCADE}
    assert set(CASCADE_ALLOWED) <= cascades


def test_only_history_rows_keep_dangling_ids():
    """DO_NOTHING leaves an id behind; only history rows may (they record the past as it was)."""
    assert [
        label(m, f) for m, f in links() if f.remote_field.on_delete is models.DO_NOTHING and not is_history(m)
    ] == []


# ---------------------------------------------------------------- every link, exercised

OWNED_MODELS = [m for m in project_models() if issubclass(m, HouseholdOwned) and not is_history(m)]
TARGET_MODELS = {*OWNED_MODELS, User}

# Links whose whole point is the target: removing a member removes their membership.
NOT_DATA = {"households.Membership.user", "households.Membership.household"}

LINKS = [
    (model, field)
    for model, field in links()
    if not is_history(model) and field.related_model in TARGET_MODELS and label(model, field) not in NOT_DATA
]


@pytest.fixture
def world(household, admin_user, member_user):
    """One row of every household-owned model, every link filled, every person link on Ravi."""
    ravi = member_user
    dining = Category.objects.get(household=household, name="Dining")
    meera = Recipient.objects.create(household=household, name="Meera")
    diwali = Occasion.objects.create(household=household, name="Diwali", date=household.today())
    dining.occasion = diwali  # as if Diwali's template had made it
    dining.save(update_fields=["occasion"])
    expense = Expense.objects.create(
        household=household,
        amount=Decimal("300.00"),
        currency="INR",
        category=dining,
        date=household.today(),
        paid_by=ravi,
        logged_by=ravi,
        occasion=diwali,
        recipient=meera,
        stage="bought",
    )
    duplicate = Expense.objects.create(
        household=household, amount=Decimal("80.00"), currency="INR", category=dining, date=household.today()
    )
    rule = RecurringRule.objects.create(
        household=household,
        amount=Decimal("900.00"),
        category=dining,
        description="Tiffin",
        paid_by=ravi,
        created_by=ravi,
        day_of_month=1,
        start_date=household.today(),
    )
    batch = ImportBatch.objects.create(household=household, file_name="bank.csv", content="", created_by=ravi)
    asked = ChatMessage.objects.create(household=household, role="member", author=ravi, text="300 dinner")
    reply = ChatMessage.objects.create(
        household=household, role="member", author=ravi, text="and 200 more", reply_to=asked
    )
    draft = ExpenseDraft.objects.create(
        household=household,
        source=Source.IMPORT,
        amount=Decimal("300.00"),
        category=dining,
        date=household.today(),
        paid_by=ravi,
        expense=expense,
        created_by=ravi,
        rule=rule,
        occurrence_date=household.today(),
        import_batch=batch,
        import_row=2,
        duplicate_of=duplicate,
        chat_message=asked,
    )
    top = Budget.objects.create(household=household, name="Everything", amount=Decimal("50000"))
    budget = Budget.objects.create(
        household=household,
        name="Ravi's Diwali dinners",
        amount=Decimal("5000"),
        parent=top,
        category=dining,
        member=ravi,
        recipient=meera,
        occasion=diwali,
    )
    alert = BudgetAlert.objects.create(
        household=household, budget=budget, period_start=household.today(), threshold=50
    )
    from analysis.models import Question
    from llmsettings.models import ParseLog, UsageRecord

    call = UsageRecord.objects.create(
        household=household, user=ravi, provider="openai", model="gpt-4o-mini", task="chat", cost="0.01"
    )
    reservation = AIReservation.objects.create(
        household=household,
        user=ravi,
        task="chat",
        amount=Decimal("0.02"),
        expires_at=timezone.now(),
        state=AIReservation.State.SETTLED,
        cost=Decimal("0.01"),
        usage_record=call,
    )

    Household.objects.filter(pk=household.pk).update(invite_made_by=ravi)  # Ravi made the invite code
    household.refresh_from_db(fields=["invite_made_by"])

    rows = {
        Household: household,
        Membership: Membership.objects.get(user=ravi),
        Category: dining,
        Recipient: meera,
        Occasion: diwali,
        Expense: expense,
        RecurringRule: rule,
        ImportBatch: batch,
        ChatMessage: reply,
        ExpenseDraft: draft,
        Budget: budget,
        BudgetAlert: alert,
        Question: Question.objects.create(household=household, author=ravi, text="how much?"),
        ParseLog: ParseLog.objects.create(household=household, user=ravi, provider="builtin", input_text="x"),
        UsageRecord: call,
        AIReservation: reservation,
        LearnedWord: LearnedWord.objects.create(
            household=household, phrase="tiffin", category=dining, created_by=ravi
        ),
    }
    return rows


def test_the_world_fills_every_link(world):
    """A new model or link must be added to `world` (and so be exercised below)."""
    missing = [label(m, f) for m, f in LINKS if m not in world or getattr(world[m], f.attname) is None]
    assert missing == []


def snapshot(household) -> set:
    return {
        (model._meta.label, pk)
        for model in OWNED_MODELS
        for pk in model.objects.filter(household=household).values_list("pk", flat=True)
    }


def key(obj) -> tuple:
    return (obj._meta.label, obj.pk)


def admin_delete(target, **_):
    """What an operator's delete in the admin does (User has its own: see account deletion)."""
    with contextlib.suppress(ProtectedError):  # refused: the admin says which rows point at it
        target.delete()


def merge(target, client, household, **_):
    groceries = Category.objects.get(household=household, name="Groceries")
    response = client.post(f"/categories/{target.pk}/", {"action": "merge", "target": groceries.pk})
    assert response.status_code == 302


def archive(target, client, **_):
    assert client.post(f"/categories/{target.pk}/", {"action": "archive"}).status_code == 302


def member_removal(target, client, **_):
    membership = Membership.objects.get(user=target)
    assert client.post(f"/household/members/{membership.pk}/remove/").status_code == 302


def account_deletion(target, **_):
    account_delete(user=target)


def post(url):
    def run(target, client, **_):
        assert client.post(url.format(pk=target.pk)).status_code == 302

    run.__name__ = "the_page_delete"
    return run


def trash_then_purge(target, client, **_):
    assert client.post(f"/expenses/{target.pk}/delete/").status_code == 302
    trash_purge(now=timezone.now() + timedelta(days=31))


# How each kind of row can be removed, by a person or an operator. A link to a new kind of row
# fails `test_every_target_says_how_it_is_removed` until it is listed here.
REMOVALS = {
    Category: [merge, archive, admin_delete],
    User: [member_removal, account_deletion],
    Occasion: [post("/occasions/{pk}/delete/"), admin_delete],
    Budget: [post("/budgets/{pk}/delete/"), admin_delete],
    RecurringRule: [post("/recurring/{pk}/delete/"), admin_delete],
    Expense: [post("/expenses/{pk}/delete/"), trash_then_purge, admin_delete],
    Recipient: [admin_delete],  # no delete on the recipients page
    ChatMessage: [admin_delete],  # the chat offers no delete
    ImportBatch: [admin_delete],  # nor the import page
    UsageRecord: [admin_delete],  # nor the AI usage page: a call's record is the household's books
}


def test_every_target_says_how_it_is_removed():
    assert {f.related_model for _, f in LINKS} <= set(REMOVALS)


def deliberate_losses(removal, target) -> set:
    """Rows an operation removes on purpose: what was removed, its allowed cascades (a user's
    membership), and the occasion's own budgets when the occasion is deleted (the page says so)."""
    gone = {key(target)} if isinstance(target, HouseholdOwned) else set()
    if removal in (member_removal, account_deletion):
        gone |= {key(m) for m in Membership.objects.filter(user=target)}
    if isinstance(target, Occasion) and removal is not admin_delete:
        own = Budget.objects.filter(occasion=target)
        gone |= {key(b) for b in own} | {key(b) for b in Budget.objects.filter(parent__in=own)}
    return gone


CASES = [
    pytest.param(model, field, removal, id=f"{label(model, field)}-{removal.__name__}")
    for model, field in LINKS
    for removal in REMOVALS.get(field.related_model, [])
]


@pytest.mark.parametrize(("model", "field", "removal"), CASES)
def test_removing_what_a_row_points_at_loses_no_household_row(
    world, household, admin_user, model, field, removal
):
    row = world[model]
    target = getattr(row, field.name)
    expected_gone = deliberate_losses(removal, target)
    before = snapshot(household)

    removal(target, client=client_for(admin_user), household=household)

    lost = before - snapshot(household)
    assert lost <= expected_gone, f"lost {sorted(lost - expected_gone)}"
    if key(row) not in expected_gone:
        assert model.objects.filter(pk=row.pk).exists()
    else:  # deleted on purpose: the deletion is in its history
        assert model.history.filter(id=row.pk, history_type="-").exists()


# ---------------------------------------------------------------- the cases that were found


def today_status(household, budget):
    budget = Budget.objects.get(pk=budget.pk)
    return statuses(household=household, budgets=[budget], on=household.today())[0]


def test_merging_dining_into_groceries_keeps_and_moves_its_budgets(admin_client, household, admin_user):
    dining = Category.objects.get(household=household, name="Dining")
    groceries = Category.objects.get(household=household, name="Groceries")
    eating_out = Budget.objects.create(
        household=household, name="Eating out", amount=Decimal("4000"), category=dining
    )
    for amount, category in [("300", dining), ("200", groceries)]:
        Expense.objects.create(
            household=household,
            amount=Decimal(amount),
            currency="INR",
            category=category,
            date=household.today(),
            paid_by=admin_user,
        )
    assert today_status(household, eating_out).spent == Decimal("300")

    response = admin_client.post(f"/categories/{dining.pk}/", {"action": "merge", "target": groceries.pk})

    assert response.status_code == 302
    assert not Category.objects.filter(pk=dining.pk).exists()
    eating_out.refresh_from_db()
    assert eating_out.category == groceries
    assert today_status(household, eating_out).spent == Decimal("500")  # the meter counts Groceries
    change = eating_out.history.first()
    assert change.history_user == admin_user
    assert change.history_change_reason == "Category Dining merged into Groceries"
    page = admin_client.get(f"/budgets/{eating_out.pk}/")
    assert page.status_code == 200
    assert "Groceries" in page.content.decode()


def member_budget(household, ravi):
    budget = Budget.objects.create(
        household=household, name="Pocket money", amount=Decimal("2000"), member=ravi
    )
    expense = Expense.objects.create(
        household=household,
        amount=Decimal("400"),
        currency="INR",
        category=Category.objects.get(household=household, name="Dining"),
        date=household.today(),
        paid_by=ravi,
        logged_by=ravi,
        description="Lunch with the team",
    )
    RecurringRule.objects.create(
        household=household,
        amount=Decimal("900"),
        category=expense.category,
        description="Tiffin",
        paid_by=ravi,
        day_of_month=1,
        start_date=household.today(),
    )
    return budget, expense


def test_deleting_a_members_account_keeps_the_budgets_filtered_by_them(admin_client, household, member_user):
    budget, expense = member_budget(household, member_user)
    superuser = User.objects.create_superuser(email="ops@example.com", password="x", name="Ops")

    response = client_for(superuser).post(f"/admin/households/user/{member_user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(user_id=member_user.pk).exists()
    budget.refresh_from_db()
    expense.refresh_from_db()
    assert budget.member_id == member_user.pk  # still counts what they paid, not everyone's
    assert expense.paid_by_id == member_user.pk
    assert RecurringRule.objects.filter(household=household, paid_by_id=member_user.pk).exists()
    assert today_status(household, budget).spent == Decimal("400")
    gone = User.objects.get(pk=member_user.pk)
    assert (gone.name, gone.is_active, gone.has_usable_password()) == ("", False, False)
    assert "@example.com" not in gone.email
    for url in [
        "/budgets/",
        f"/budgets/{budget.pk}/",
        "/expenses/",
        f"/expenses/{expense.pk}/",
        "/recurring/",
    ]:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "former member" in text, url
        assert "Ravi" not in text, url


def test_a_deleted_account_cannot_sign_in_and_its_email_is_free(rf, household, member_user):
    email = member_user.email
    account_delete(user=member_user)
    signing_in = rf.post("/accounts/login/")
    assert authenticate(signing_in, email=email, password="correct-horse-battery-staple") is None
    assert User.objects.create_user(email=email, password="new-pass-words", name="Ravi again")


def test_a_removed_members_budgets_stay_shown_as_former_member(admin_client, household, member_user):
    budget, expense = member_budget(household, member_user)
    membership = Membership.objects.get(user=member_user)

    assert admin_client.post(f"/household/members/{membership.pk}/remove/").status_code == 302

    assert Budget.objects.filter(pk=budget.pk, member=member_user).exists()
    for url in ["/budgets/", f"/budgets/{budget.pk}/", "/expenses/", f"/expenses/{expense.pk}/"]:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert "Ravi (former member)" in page.content.decode(), url
    dashboard = admin_client.get("/").content.decode()
    assert "Former members" in dashboard  # their spending still counts in "by member"


def test_editing_a_former_members_budget_keeps_its_filter(admin_client, household, member_user):
    budget, _ = member_budget(household, member_user)
    Membership.objects.filter(user=member_user).delete()
    form = admin_client.get(f"/budgets/{budget.pk}/edit/")
    assert "Ravi (former member)" in form.content.decode()

    response = admin_client.post(
        f"/budgets/{budget.pk}/edit/",
        {
            "name": "Ravi's old spending",
            "amount": "2500",
            "period": "monthly",
            "member": member_user.pk,
            "thresholds": "50, 100",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    budget.refresh_from_db()
    assert (budget.name, budget.member_id) == ("Ravi's old spending", member_user.pk)


def test_editing_a_budget_on_an_archived_category_keeps_it(admin_client, household):
    dining = Category.objects.get(household=household, name="Dining")
    budget = Budget.objects.create(
        household=household, name="Eating out", amount=Decimal("4000"), category=dining
    )
    dining.archived = True
    dining.save()

    response = admin_client.post(
        f"/budgets/{budget.pk}/edit/",
        {
            "name": "Eating out",
            "amount": "3000",
            "period": "monthly",
            "category": dining.pk,
            "thresholds": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    budget.refresh_from_db()
    assert (budget.amount, budget.category) == (Decimal("3000"), dining)


def test_editing_an_expense_a_former_member_paid_keeps_the_payer(admin_client, household, member_user):
    _, expense = member_budget(household, member_user)
    Membership.objects.filter(user=member_user).delete()
    prefix = f"e{expense.pk.hex[:8]}"

    response = admin_client.post(
        f"/expenses/{expense.pk}/edit/",
        {
            f"{prefix}-amount": "450",
            f"{prefix}-description": "Lunch",
            f"{prefix}-category": expense.category_id,
            f"{prefix}-date": expense.date.isoformat(),
            f"{prefix}-paid_by": member_user.pk,
            f"{prefix}-status": "paid",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    expense.refresh_from_db()
    assert (expense.amount, expense.paid_by_id) == (Decimal("450"), member_user.pk)


def test_deleting_a_budget_moves_its_sub_budgets_up_and_keeps_its_alerts(admin_client, household):
    top = Budget.objects.create(household=household, name="Home", amount=Decimal("50000"))
    middle = Budget.objects.create(household=household, name="Food", amount=Decimal("9000"), parent=top)
    leaf = Budget.objects.create(household=household, name="Snacks", amount=Decimal("900"), parent=middle)
    BudgetAlert.objects.create(
        household=household, budget=middle, period_start=household.today(), threshold=90
    )

    response = admin_client.post(f"/budgets/{middle.pk}/delete/", follow=True)

    assert not Budget.objects.filter(pk=middle.pk).exists()
    leaf.refresh_from_db()
    assert leaf.parent == top
    assert "Its sub-budgets “Snacks” moved up to “Home”." in response.content.decode()
    alerts = admin_client.get("/alerts/").content.decode()
    assert "Food" in alerts and "(deleted)" in alerts
