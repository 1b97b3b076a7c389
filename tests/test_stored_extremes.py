"""Pages never fail on stored data: whatever a service accepted, every page that shows it renders.

The test stores the extremes each service allows — the largest amount many times over, the smallest,
the longest names and descriptions in odd Unicode, the oldest and newest dates a service takes,
budgets of zero, alerts on sums far past any single amount, drafts of every kind — through the
services, then GETs every page of the household (the URL conf walked as tests/test_isolation.py
walks it, so a new page is covered) as an admin and a viewer, full page and htmx fragment: none
may answer 500. Run on SQLite and on PostgreSQL (`DATABASE_URL=postgres://…`).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analysis.services import ask_question
from budgets import services as budget_services
from budgets.models import Budget
from budgets.occasions import services as occasions
from budgets.occasions import wedding
from expenses import csv_format, models, services
from expenses import services as ledger
from expenses.models import Category, DraftState, ExpenseDraft, ExpenseStatus, Occasion, Source, Stage
from households.models import Role
from households.money import MAX_AMOUNT
from households.services import account_signup, household_join, household_update
from llmsettings import calls as llm_calls
from llmsettings import services as llm_services
from llmsettings.models import UsageRecord
from llmsettings.providers.base import Usage
from tests.conftest import client_for
from tests.test_isolation import BUILDERS, NOT_OBJECT_IDS, unique_routes

pytestmark = pytest.mark.django_db

SMALLEST = Decimal("0.01")
# Right-to-left override, combining marks, a family emoji (one grapheme, seven code points), an
# Arabic ligature, astral letters, a zero-width space, markup and template syntax.
ODD = "\u202eṨ̸̡̛ ﷽ 👨‍👩‍👧‍👦 <script>alert(1)</script> {{ x }} {% y %} &amp; 'q\" \u200b עברית العربية 中文 𝕳 "


@dataclass
class ExtremeProvider:
    """A provider that reports the most tokens a usage record holds (and calls nobody)."""

    model: str
    paid: bool
    name: str = "openai"
    label: str = "OpenAI"

    def parse(self):
        most = 2**31 - 1
        return SimpleNamespace(usage=Usage(input_tokens=most, output_tokens=most))


def odd(length: int) -> str:
    """`length` characters of odd Unicode, as the services keep them (whitespace folded)."""
    text = " ".join((ODD * (length // len(ODD) + 1)).split())
    return text[:length].strip() or "x"


def first_accepted(candidates, store):
    """The most extreme candidate a service accepts (it may refuse, say, year 1 or 9999)."""
    for candidate in candidates:
        try:
            return store(candidate)
        except ValidationError:
            continue
    raise AssertionError(f"no candidate was accepted: {candidates}")


def store_extremes(household, admin, today: date) -> dict:
    """Everything the services let a household keep, at its limits. Returns objects pages show."""
    household = household_update(
        household=household,
        user=admin,
        name=odd(80),
        currency=household.currency,
        locale=household.locale,
        timezone=household.timezone,
    )
    member = account_signup(email="odd@example.com", password="x" * 12, name=odd(80))
    household_join(user=member, code=household.invite_code)
    odd_category = ledger.category_create(household=household, user=admin, name=odd(60), colour="#000000")
    archived = ledger.category_create(household=household, user=admin, name=odd(59) + "!", colour="#ffffff")
    groceries = Category.objects.get(household=household, name="Groceries")

    # Budgets first, so the expenses below raise their alerts on sums far past MAX_AMOUNT.
    budget = budget_services.budget_create(
        household=household, user=admin, name=odd(120), amount=MAX_AMOUNT, thresholds=[1, 1000]
    )
    budget_services.budget_create(
        household=household, user=admin, name="Nothing on groceries", amount=Decimal("0"), category=groceries
    )
    budget_services.budget_create(
        household=household,
        user=admin,
        name="Tiny",
        amount=SMALLEST,
        period=Budget.Period.YEARLY,
        member=member,
    )
    once = first_accepted(
        [(date(1, 1, 1), date(9999, 12, 31)), (date(1900, 1, 1), date(2199, 12, 31)), (today, today)],
        lambda span: budget_services.budget_create(
            household=household,
            user=admin,
            name="Forever",
            amount=MAX_AMOUNT,
            period=Budget.Period.ONCE,
            start_date=span[0],
            end_date=span[1],
        ),
    )
    budget_services.budget_create(
        household=household, user=admin, name=odd(119), amount=MAX_AMOUNT, parent=once, category=odd_category
    )
    ai_root = budget_services.budget_create(
        household=household, user=admin, name="AI", amount=SMALLEST, measure=Budget.Measure.AI_USAGE
    )
    budget_services.budget_create(
        household=household,
        user=admin,
        name=odd(120),
        amount=MAX_AMOUNT,
        parent=ai_root,
        member=member,
        ai_task="chat",
    )
    # AI calls: the dearest a price and the token counts allow, one refused by the ₹0.01 budget.
    llm_services.model_price_set(
        household=household,
        user=admin,
        provider="openai",
        model=odd(120),
        input_per_million=llm_services.PRICE_MAX,
        output_per_million=llm_services.PRICE_MAX,
    )
    for paid in (False, True):
        llm_calls.call(
            ExtremeProvider(odd(120), paid),
            household=household,
            user=member,
            task="chat",
            prompt=odd(2000),
            run=lambda p: p.parse(),
        )
    outcomes = dict(UsageRecord.objects.filter(household=household).values_list("outcome", "cost"))
    assert outcomes["ok"] > 10**11 and outcomes["refused"] == 0  # the dearest call, and the refused one

    occasion = occasions.occasion_create(
        household=household,
        user=admin,
        name=odd(120),
        kind=Occasion.Kind.WEDDING,
        date=today,
        amount=MAX_AMOUNT,
        notes=odd(2000),
    )
    rows = wedding.template_rows(MAX_AMOUNT)
    occasions.wedding_template_apply(
        household=household, user=admin, occasion=occasion, amounts={r.category: r.amount for r in rows}
    )
    person = budget_services.recipient_create(
        household=household, user=admin, name=odd(80), relationship=odd(80)
    )
    occasions.subbudget_create(
        household=household, user=admin, occasion=occasion, amount=MAX_AMOUNT, recipient=person
    )
    items = [
        occasions.item_create(
            household=household,
            user=admin,
            occasion=occasion,
            data=occasions.ItemData(
                description=odd(200),
                amount=amount,
                category=odd_category,
                stage=stage,
                date=today,
                recipient=person,
            ),
        )
        for amount, stage in [(MAX_AMOUNT, s) for s in Stage.values] + [(SMALLEST, Stage.IDEA)]
    ]

    expenses = []
    for n in range(40):
        planned = n % 4 == 0
        expenses.append(
            ledger.expense_create(
                household=household,
                user=admin,
                data=ledger.ExpenseData(
                    amount=MAX_AMOUNT,
                    category=[groceries, odd_category][n % 2],
                    date=today - timedelta(days=n % 3),
                    description=odd(200),
                    status=ExpenseStatus.PLANNED if planned else ExpenseStatus.PAID,
                    due_date=today - timedelta(days=1) if planned else None,
                    paid_by=[admin, member, None][n % 3],
                ),
            )
        )
    smallest = ledger.expense_create(
        household=household,
        user=member,
        data=ledger.ExpenseData(amount=SMALLEST, category=groceries, date=today, paid_by=member),
    )

    def dated(day):
        return ledger.expense_create(
            household=household,
            user=admin,
            data=ledger.ExpenseData(amount=MAX_AMOUNT, category=odd_category, date=day, description=odd(200)),
        )

    oldest = first_accepted(
        [date(1, 1, 1), date(1900, 1, 1), date(1970, 1, 1), today - timedelta(days=3650)], dated
    )
    newest = first_accepted([date(9999, 12, 31), date(2199, 12, 31), today + timedelta(days=3650)], dated)
    trashed = ledger.expense_delete(household=household, user=admin, expense=expenses[-1])
    ledger.category_set_archived(household=household, user=admin, category=archived, archived=True)

    # Drafts: what the chat, a provider, a rule and a file propose.
    for text in ["99999999999999 rent", "1000000000000 groceries", "20000000 lakh", odd(2000)]:
        ledger.chat_message_post(household=household, user=member, text=text)
    for amount in [MAX_AMOUNT, Decimal("1e30"), Decimal("NaN"), None, SMALLEST]:
        ledger.draft_create(
            household=household,
            user=admin,
            data=ledger.DraftData(amount=amount, category=odd_category, date=today, description=odd(200)),
            source=Source.CHAT,
            raw_text=odd(5000),
        )
    for cadence, extra in [
        ("monthly", {"day_of_month": 31}),
        ("weekly", {"weekday": 6}),
        ("yearly", {"month": 2, "day_of_month": 29}),
    ]:
        services.rule_create(
            household=household,
            user=admin,
            data=services.RuleData(
                amount=MAX_AMOUNT,
                category=odd_category,
                description=odd(200),
                cadence=cadence,
                start_date=today - timedelta(days=400),
                paid_by=member,
                **extra,
            ),
        )
    services.make_due_drafts(household=household, today=today)
    content = "Date,Description,Amount\n" + "".join(
        f'{today.isoformat()},"{odd(200).replace(chr(34), "")}","{value}"\n'
        for value in ["999,999,999,999.99", "0.01", "1000000000000", "-5", "abc"]
    )
    upload = csv_format.read_upload("statement.csv", "text/csv", len(content.encode()), content.encode())
    batch = services.import_batch_create(
        household=household, user=admin, file_name=odd(200) + ".csv", upload=upload
    )
    services.import_batch_start(
        household=household,
        user=admin,
        batch=batch,
        mapping={
            "date": 0,
            "date_format": "YYYY-MM-DD",
            "amount": 2,
            "description": 1,
            "category": None,
            "has_header": True,
        },
    )
    pending = ExpenseDraft.objects.for_household(household).filter(
        state=DraftState.PENDING, amount__isnull=False
    )
    confirmed = ledger.draft_confirm(household=household, user=admin, draft=pending.first())

    for question in ["how much did we spend this month?", "who spent more this year?", odd(500)]:
        ask_question(household=household, user=admin, text=question)

    return {
        "expense": expenses[0],
        "smallest": smallest,
        "oldest": oldest,
        "newest": newest,
        "trashed": trashed,
        "budget": budget,
        "once": once,
        "occasion": occasion,
        "item": items[0],
        "person": person,
        "category": odd_category,
        "rule": models.RecurringRule.objects.for_household(household).first(),
        "batch": batch,
        "draft": pending.first(),
        "confirmed": confirmed.draft,
        "member": member,
    }


def kwargs_for(route, household, stored: dict) -> list[dict]:
    """URL kwargs that show the stored extremes; other id URLs use the isolation walker's builders."""
    pk = {
        "expense_detail": ["expense", "smallest", "oldest", "newest"],
        "expense_edit": ["expense", "newest"],
        "expense_row": ["expense", "oldest"],
        "expense_restore": ["trashed"],
        "draft_confirm": ["draft"],
        "draft_undo": ["confirmed"],
        "category_edit": ["category"],
        "recurring_edit": ["rule"],
        "import_map": ["batch"],
        "import_status": ["batch"],
        "budget_detail": ["budget", "once"],
        "budget_edit": ["budget"],
        "budget_meter": ["budget", "once"],
        "budget_items": ["budget", "once"],
        "occasion_detail": ["occasion"],
        "occasion_edit": ["occasion"],
        "occasion_wedding_template": ["occasion"],
        "recipient_edit": ["person"],
    }
    if route.name in pk:
        return [{"pk": stored[key].pk} for key in pk[route.name]]
    if route.name == "occasion_item_move":
        return [{"pk": stored["occasion"].pk, "item_pk": stored["item"].pk}]
    if route.name == "member_role":
        return [{"pk": stored["member"].membership.pk}]
    if route.name == "join":
        return [{"code": household.invite_code}]
    if route.name in NOT_OBJECT_IDS:
        return []
    if not route.arguments:
        return [{}]
    return [BUILDERS[route.name](household)]  # a URL with no extreme of its own


QUERIES = {  # the pages' own views of the stored extremes
    "expenses": ["", "?status=planned", "?overdue=on", "?q=%F0%9F%91%A8"],
    "budget_items": ["", "?segment=planned", "?segment=paid"],
    "expenses_export": [""],
    "import_status": ["", "?errors=all"],
    "ai_usage": ["", "?task=chat", "?member=none", "?start=1970-01-01&end=2099-12-31", "?month=2099-12"],
    "ai_usage_csv": ["", "?start=1970-01-01&end=2099-12-31"],
}


@pytest.mark.parametrize(
    ("currency", "locale", "timezone"),
    [
        ("INR", "en_IN", "Asia/Kolkata"),
        ("BHD", "ar_BH", "Pacific/Kiritimati"),
        ("JPY", "ja_JP", "America/Adak"),
    ],
)
def test_every_page_renders_whatever_the_services_stored(household, admin_user, currency, locale, timezone):
    household = household_update(
        household=household, user=admin_user, name="x", currency=currency, locale=locale, timezone=timezone
    )
    stored = store_extremes(household, admin_user, household.today())
    viewer = account_signup(email="viewer@example.com", password="x" * 12, name=odd(80))
    household_join(user=viewer, code=household.invite_code)
    viewer.membership.role = Role.VIEWER
    viewer.membership.save()

    clients = {"admin": client_for(admin_user), "viewer": client_for(viewer)}
    for client in clients.values():
        client.raise_request_exception = False
    failures, pages = [], 0
    for route in unique_routes():
        for kwargs in kwargs_for(route, household, stored):
            url = reverse(route.name, kwargs=kwargs)
            for query in QUERIES.get(route.name, [""]):
                for who, client in clients.items():
                    for headers in ({}, {"HX-Request": "true"}):
                        response = client.get(url + query, headers=headers)
                        pages += 1
                        if getattr(response, "streaming", False):
                            b"".join(response.streaming_content)
                        if response.status_code >= 500:
                            error = getattr(response, "exc_info", None)
                            failures.append(f"{who} GET {url}{query} {headers}: {error and error[1]!r}")
    assert pages > 200
    assert not failures, "\n".join(failures)
