"""The isolation walker: no URL that takes an object id lets another household see or change it.

Every URL pattern of the project (outside the Django admin) that has a path argument is checked.
Each one needs either

* a builder in BUILDERS: ``(household_a) -> URL kwargs`` that creates the object in household A
  (add a plausible form body to POST_DATA if the view reads one), or
* an entry in NOT_OBJECT_IDS saying why its argument is not an object id.

An admin of household B then asks for A's object with GET, an htmx GET, POST and DELETE: each must
answer 404 (405 where the view doesn't take that method, which it decides before looking anything
up), and no row of any table may change. As a control, A's own admin must reach the object (no
404), so a builder that builds something unreachable is caught too.

A new URL with an id argument and no builder fails ``test_other_household_gets_404`` with a message
naming it, so no URL escapes this test by being forgotten.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from budgets.models import Budget
from expenses.models import (
    Category,
    ChatMessage,
    DraftState,
    ImportBatch,
    LearnedWord,
    Occasion,
    Recipient,
    RecurringRule,
    Source,
)
from households.models import Household, Role
from llmsettings.models import ModelPrice
from tests.factories import DraftFactory, ExpenseFactory, MembershipFactory

# ---------------------------------------------------------------------------------------------
# Walking the URL configuration (also used by tests/households/test_views.py for anonymous users)
# ---------------------------------------------------------------------------------------------

SKIPPED_NAMESPACES = {"admin"}  # the operator's Django admin: staff only, tested in test_admin.py


@dataclass
class Route:
    """One URL pattern of the project, with the arguments of its whole path (includes too)."""

    name: str | None  # "namespace:name", as reverse() wants it
    route: str  # the full pattern, e.g. "household/members/<uuid:pk>/role/"
    arguments: dict  # argument name → converter (None for a regex group)
    callback: object = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.name or self.route


def _arguments(pattern) -> dict:
    if isinstance(pattern, RoutePattern):
        return dict(pattern.converters)
    return dict.fromkeys(pattern.regex.groupindex)  # a re_path: named groups, no converter


def iter_routes(patterns=None, prefix: str = "", namespace: str = "", arguments=None):
    """Every URL pattern of the project outside SKIPPED_NAMESPACES, includes followed."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    arguments = arguments or {}
    for entry in patterns:
        here = {**arguments, **_arguments(entry.pattern)}
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_routes(entry.url_patterns, route, inner, here)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(name=name, route=route, arguments=here, callback=entry.callback)


def unique_routes() -> list[Route]:
    """One Route per name (reverse() answers with the first of a repeated name, so do we)."""
    seen, routes = set(), []
    for route in iter_routes():
        key = route.name or route.route
        if key not in seen:
            seen.add(key)
            routes.append(route)
    return routes


# ---------------------------------------------------------------------------------------------
# The registry: extend it when you add a URL with an argument
# ---------------------------------------------------------------------------------------------


def build_membership(household_a: Household) -> dict:
    membership = MembershipFactory(household=household_a, role=Role.MEMBER, user__name="Target")
    return {"pk": membership.pk}


def build_expense(household_a: Household) -> dict:
    return {"pk": ExpenseFactory(household=household_a, description="Target").pk}


def build_trashed_expense(household_a: Household) -> dict:
    return {"pk": ExpenseFactory(household=household_a, deleted_at=timezone.now()).pk}


def build_draft(household_a: Household) -> dict:
    return {"pk": DraftFactory(household=household_a).pk}


def build_confirmed_draft(household_a: Household) -> dict:
    expense = ExpenseFactory(household=household_a, source=Source.CHAT)
    return {"pk": DraftFactory(household=household_a, state=DraftState.CONFIRMED, expense=expense).pk}


def build_chat_message(household_a: Household) -> dict:
    message = ChatMessage.objects.create(
        household=household_a, role=ChatMessage.Role.MEMBER, text="450 target"
    )
    return {"pk": message.pk}


def build_category(household_a: Household) -> dict:
    return {"pk": Category.objects.create(household=household_a, name="Target").pk}


def build_learned_word(household_a: Household) -> dict:
    category = Category.objects.create(household=household_a, name="Target")
    return {"pk": LearnedWord.objects.create(household=household_a, phrase="target", category=category).pk}


def build_recurring_rule(household_a: Household) -> dict:
    rule = RecurringRule.objects.create(
        household=household_a,
        amount=Decimal("1200.00"),
        category=Category.objects.for_household(household_a).get(name="Utilities"),
        description="Electricity",
        day_of_month=5,
        start_date=household_a.today(),
    )
    return {"pk": rule.pk}


def build_import_batch(household_a: Household) -> dict:
    batch = ImportBatch.objects.create(
        household=household_a,
        file_name="statement.csv",
        content="Date,Amount,Description\n2026-01-05,450.00,Groceries\n",
        total_rows=1,
    )
    return {"pk": batch.pk}


def build_budget(household_a: Household) -> dict:
    return {"pk": Budget.objects.create(household=household_a, name="Target", amount=Decimal("5000")).pk}


def build_occasion(household_a: Household) -> dict:
    occasion = Occasion.objects.create(
        household=household_a, name="Target", kind="festival", date=household_a.today()
    )
    Budget.objects.create(
        household=household_a, name="Target", amount=Decimal("1000"), period="once", occasion=occasion
    )
    return {"pk": occasion.pk}


def build_occasion_item(household_a: Household) -> dict:
    kwargs = build_occasion(household_a)
    item = ExpenseFactory(
        household=household_a,
        occasion_id=kwargs["pk"],
        stage="to_buy",
        status="planned",
        category_name="Gifts",
    )
    return {**kwargs, "item_pk": item.pk}


def build_recipient(household_a: Household) -> dict:
    return {"pk": Recipient.objects.create(household=household_a, name="Target").pk}


def build_model_price(household_a: Household) -> dict:
    price = ModelPrice.objects.create(
        household=household_a,
        provider="openai",
        model="gpt-4o-mini",
        input_per_million=Decimal("13.2"),
        output_per_million=Decimal("52.8"),
    )
    return {"pk": price.pk}


BUILDERS = {
    # households
    "member_role": build_membership,
    "member_remove": build_membership,
    # expenses
    "expense_detail": build_expense,
    "expense_edit": build_expense,
    "expense_row": build_expense,
    "expense_mark_paid": build_expense,
    "expense_delete": build_expense,
    "expense_restore": build_trashed_expense,
    "draft_confirm": build_draft,
    "draft_discard": build_draft,
    "draft_undo": build_confirmed_draft,
    "category_edit": build_category,
    "learned_word_edit": build_learned_word,
    "chat_message": build_chat_message,
    "recurring_edit": build_recurring_rule,
    "recurring_pause": build_recurring_rule,
    "recurring_delete": build_recurring_rule,
    "import_map": build_import_batch,
    "import_status": build_import_batch,
    "import_undo": build_import_batch,
    # budgets
    "budget_detail": build_budget,
    "budget_edit": build_budget,
    "budget_delete": build_budget,
    "budget_meter": build_budget,
    "budget_items": build_budget,
    "occasion_detail": build_occasion,
    "occasion_edit": build_occasion,
    "occasion_delete": build_occasion,
    "occasion_subbudget_add": build_occasion,
    "occasion_item_add": build_occasion,
    "occasion_item_move": build_occasion_item,
    "occasion_wedding_template": build_occasion,
    "recipient_edit": build_recipient,
    "ai_price_delete": build_model_price,
}


def _expense_form(kwargs: dict) -> dict:
    prefix = f"e{kwargs['pk'].hex[:8]}"
    return {
        f"{prefix}-amount": "99.00",
        f"{prefix}-description": "changed",
        f"{prefix}-date": "2026-01-05",
        f"{prefix}-status": "paid",
    }


def _draft_form(kwargs: dict) -> dict:
    prefix = f"d{kwargs['pk'].hex[:8]}"
    return {f"{prefix}-amount": "450.00", f"{prefix}-date": "2026-01-05", f"{prefix}-status": "paid"}


# The form body each POST carries: what a real form of that page sends. A dict, or a function
# (URL kwargs) -> dict for forms whose field names carry the object's id.
POST_DATA = {
    "member_role": {"role": Role.ADMIN},
    "expense_edit": _expense_form,
    "draft_confirm": _draft_form,
    "category_edit": {"action": "archive", "name": "Renamed", "colour": "#000000"},
    "learned_word_edit": {"action": "remove"},
    "recurring_edit": {"description": "Changed", "amount": "1.00", "cadence": "monthly"},
    "recurring_pause": {"paused": "1"},
    "import_map": {"date": "0", "amount": "1", "description": "2", "has_header": "on"},
    "budget_edit": {"name": "Changed", "amount": "1.00", "period": "monthly", "measure": "expenses"},
    "occasion_edit": {"name": "Mine", "kind": "other", "date": "2026-01-01", "amount": "1"},
    "occasion_subbudget_add": {"sub-amount": "1"},
    "occasion_item_add": {
        "item-description": "Mine",
        "item-amount": "1",
        "item-stage": "idea",
        "item-date": "2026-01-01",
    },
    "occasion_item_move": {"stage": "bought"},
    "recipient_edit": {"name": "Renamed"},
}


def post_data(route: Route, kwargs: dict) -> dict:
    body = POST_DATA.get(route.name, {})
    return body(kwargs) if callable(body) else body


NOT_OBJECT_IDS = {
    "join": "an invite code: it names a household on purpose; joining is a POST (join page, login, sign-up)",
    "password_reset_confirm": "a user id and a signed token from a password-reset email",
}


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------

ID_ROUTES = [route for route in unique_routes() if route.arguments]


def snapshot() -> dict:
    """Every row of every table, except sessions (a request may touch its own session)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label == "sessions.Session":
            continue
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def build(route: Route, household_a: Household) -> dict:
    if route.name is None:
        pytest.fail(f"Give the URL pattern {route.route} a name so it can be reversed and registered.")
    builder = BUILDERS.get(route.name)
    if builder is None:
        pytest.fail(
            f"The URL {route.name} ({route.route}) takes "
            f"{', '.join(route.arguments)}, and tests/test_isolation.py can't check that another "
            f"household gets a 404 for it. Add a builder to BUILDERS: a function "
            f"(household_a) -> {{URL kwargs}} that creates the object in household A (and a form "
            f"body in POST_DATA if the view reads one). If the argument is not an object id, add "
            f"the URL name to NOT_OBJECT_IDS with the reason."
        )
    return builder(household_a)


@pytest.mark.parametrize(
    "route",
    [r for r in ID_ROUTES if r.name not in NOT_OBJECT_IDS],
    ids=str,
)
def test_other_household_gets_404(route, household, admin_user, other_client):
    """An admin of household B can neither see nor change household A's objects by id."""
    kwargs = build(route, household)
    url = reverse(route.name, kwargs=kwargs)
    body = post_data(route, kwargs)
    before = snapshot()

    answers = {
        "GET": other_client.get(url).status_code,
        "GET (htmx)": other_client.get(url, headers={"HX-Request": "true"}).status_code,
        "POST": other_client.post(url, body).status_code,
        "POST (htmx)": other_client.post(url, body, headers={"HX-Request": "true"}).status_code,
        "DELETE": other_client.delete(url).status_code,
    }

    leaks = {method: status for method, status in answers.items() if status not in (404, 405)}
    assert not leaks, f"{url} answered another household with {leaks}; it must be a 404"
    assert 404 in answers.values(), f"{url} never looked the object up: {answers}"
    assert changed_tables(before, snapshot()) == [], f"{url} changed another household's data"


@pytest.mark.parametrize(
    "route",
    [r for r in ID_ROUTES if r.name not in NOT_OBJECT_IDS and r.name in BUILDERS],
    ids=str,
)
def test_own_household_reaches_the_object(route, household, admin_client):
    """The control: the builder makes an object its own household's admin can reach."""
    kwargs = build(route, household)
    url = reverse(route.name, kwargs=kwargs)
    get = admin_client.get(url)
    assert get.status_code != 404, f"GET {url}: the builder's object is not reachable"
    post = admin_client.post(url, post_data(route, kwargs))
    assert post.status_code != 404, f"POST {url}: the builder's object is not reachable"
    assert get.status_code != 405 or post.status_code != 405, f"{url} takes neither GET nor POST"


def test_registry_names_only_existing_urls():
    """A renamed or removed URL must leave the registry too, or its builder guards nothing."""
    names = {route.name for route in ID_ROUTES}
    stale = (set(BUILDERS) | set(POST_DATA) | set(NOT_OBJECT_IDS)) - names
    assert not stale, f"tests/test_isolation.py names URLs that take no argument: {sorted(stale)}"
    both = set(BUILDERS) & set(NOT_OBJECT_IDS)
    assert not both, f"in both BUILDERS and NOT_OBJECT_IDS: {sorted(both)}"


def test_walker_sees_the_id_urls():
    """The walker itself works: it finds known id URLs and skips the admin."""
    names = {route.name for route in ID_ROUTES}
    assert {"member_role", "member_remove", "join"} <= names
    assert not any(route.route.startswith("admin/") for route in iter_routes())


def test_a_missing_builder_fails_with_a_useful_message(household):
    route = Route(name="occasion_example", route="occasions/<uuid:pk>/", arguments={"pk": None})
    with pytest.raises(pytest.fail.Exception, match="Add a builder to BUILDERS"):
        build(route, household)


def test_snapshot_sees_a_change(household):
    before = snapshot()
    MembershipFactory(household=household)
    assert "households.Membership" in changed_tables(before, snapshot())
