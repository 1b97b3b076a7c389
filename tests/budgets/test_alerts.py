"""Budget alerts through HTTP: one alert per crossing, at the highest threshold crossed; every
alert names its period; each member reads their own (the bell, Mark read, Mark all read); another
household's alert is a 404; the bell costs the same with 3 or 300 alerts."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Budget, BudgetAlert
from budgets.services import alerts_check
from expenses.models import Category, Expense, Recipient
from expenses.services import expense_delete
from households.models import Role
from tests.conftest import client_for
from tests.factories import DraftFactory, ExpenseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
UNREAD = BudgetAlert.unread_by.through
BEFORE = ("budgets", "0005_ai_task_and_reservations")  # the household-wide read flag


@pytest.fixture(autouse=True)
def mid_december():
    with time_machine.travel(datetime(2026, 12, 10, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


def cat(household, name):
    return Category.objects.get(household=household, name=name)


def new_budget(client, household, **fields) -> Budget:
    """A budget made on the budgets page: by default ₹1,000 a month on Dining."""
    data = {"name": "Dining", "amount": "1000", "period": "monthly"}
    data.update(fields)
    if data["name"] == "Dining" and "category" not in data:
        data["category"] = Category.objects.get(household=household, name="Dining").pk
    response = client.post("/budgets/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Budget.objects.get(name=data["name"])


def spend(client, household, member, amount, category="Dining", day="2026-12-10"):
    response = client.post(
        "/expenses/add/",
        {
            "add-amount": amount,
            "add-description": "Spent",
            "add-category": cat(household, category).pk,
            "add-date": day,
            "add-paid_by": member.pk,
            "add-status": "paid",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def bell(client) -> int:
    """The count the bell shows this member (0 when it shows none)."""
    html = client.get("/alerts/bell/", headers=HX).content.decode()
    found = re.search(r'class="bell-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def alert_lines(client) -> list[str]:
    """The alerts page's rows, as text, newest first."""
    html = client.get("/alerts/").content.decode()
    rows = re.findall(r'<li class="row-between[^"]*" id="alert-row-[^"]+">(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def thresholds(household) -> list[int]:
    return sorted(BudgetAlert.objects.for_household(household).values_list("threshold", flat=True))


# ---------------------------------------------------------------- one alert per crossing


def test_each_expense_raises_one_alert_at_the_highest_threshold_it_crossed(
    member_client, household, member_user, admin_user, django_capture_on_commit_callbacks
):
    new_budget(member_client, household)  # thresholds 50, 75, 90, 100
    with django_capture_on_commit_callbacks(execute=True):
        spend(member_client, household, member_user, "800")  # past 50 and 75 at once
    assert thresholds(household) == [75]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin_user.email]
    assert "Dining budget reached 75%" in mail.outbox[0].subject
    assert "Dining reached 75% of its budget for December 2026" in mail.outbox[0].body
    assert alert_lines(member_client)[0].startswith(
        "Dining reached 75% of its budget for December 2026 (₹800.00 of ₹1,000.00) New"
    )

    spend(member_client, household, member_user, "120")  # 920: past 90
    assert thresholds(household) == [75, 90]
    spend(member_client, household, member_user, "30")  # 950: nothing new crossed
    assert thresholds(household) == [75, 90]
    spend(member_client, household, member_user, "100")  # 1,050: past 100
    assert thresholds(household) == [75, 90, 100]
    lines = alert_lines(member_client)
    assert len(lines) == 3
    assert any(
        line.startswith("Dining went over its budget for December 2026 (past 100%) (₹1,050.00 of ₹1,000.00)")
        for line in lines
    )
    assert bell(member_client) == 3


def test_falling_back_under_and_crossing_again_raises_nothing_new(member_client, household, member_user):
    new_budget(member_client, household, thresholds="50, 90")
    spend(member_client, household, member_user, "600")
    assert thresholds(household) == [50]
    expense_delete(household=household, user=member_user, expense=Expense.objects.get())
    spend(member_client, household, member_user, "600")
    assert thresholds(household) == [50]
    spend(member_client, household, member_user, "400")
    assert thresholds(household) == [50, 90]


def test_an_edit_that_crosses_several_thresholds_raises_one_alert(member_client, household, member_user):
    new_budget(member_client, household)
    spend(member_client, household, member_user, "100")
    expense = Expense.objects.get()
    prefix = f"e{expense.pk.hex[:8]}"
    response = member_client.post(
        f"/expenses/{expense.pk}/edit/",
        {
            f"{prefix}-amount": "950",
            f"{prefix}-description": "Anniversary dinner",
            f"{prefix}-category": expense.category_id,
            f"{prefix}-date": expense.date.isoformat(),
            f"{prefix}-paid_by": member_user.pk,
            f"{prefix}-status": "paid",
        },
        headers=HX,
    )
    assert response.status_code == 200
    assert thresholds(household) == [90]


def test_a_bulk_confirm_that_crosses_several_thresholds_raises_one_alert(
    member_client, household, member_user
):
    new_budget(member_client, household, name="Groceries", category=cat(household, "Groceries").pk)
    DraftFactory.create_batch(3, household=household, paid_by=member_user, amount=Decimal("310"))
    member_client.post("/inbox/confirm-all/", {"scope": "all"})
    assert Expense.objects.count() == 3
    assert thresholds(household) == [90]  # 930 of 1,000: past 50, 75 and 90 in one confirm
    assert alert_lines(member_client)[0].startswith("Groceries reached 90% of its budget for December 2026")


# ---------------------------------------------------------------- every alert names its period


def test_a_yearly_budget_names_the_year_and_a_one_off_its_dates(member_client, household, member_user):
    new_budget(member_client, household, name="Travel", period="yearly", category=cat(household, "Travel").pk)
    new_budget(
        member_client,
        household,
        name="Renovation",
        period="once",
        start_date="2026-12-01",
        end_date="2027-01-31",
        category=cat(household, "Housing").pk,
    )
    spend(member_client, household, member_user, "500", category="Travel")
    spend(member_client, household, member_user, "750", category="Housing")
    lines = alert_lines(member_client)
    assert any(line.startswith("Travel reached 50% of its budget for 2026 ") for line in lines)
    assert any(
        line.startswith("Renovation reached 75% of its budget for 1 Dec 2026 – 31 Jan 2027 ")
        for line in lines
    )


def test_an_occasion_and_its_sub_budgets_name_the_occasion(member_client, household, member_user):
    response = member_client.post(
        "/occasions/new/",
        {"name": "Diwali", "kind": "festival", "date": "2026-12-20", "amount": "10,000", "notes": ""},
    )
    assert response.status_code == 302
    diwali = Budget.objects.get(occasion__name="Diwali", parent=None)
    meera = Recipient.objects.create(household=household, name="Meera")
    member_client.post(
        f"/occasions/{diwali.occasion_id}/sub-budgets/", {"sub-recipient": meera.pk, "sub-amount": "2,000"}
    )
    response = member_client.post(
        f"/occasions/{diwali.occasion_id}/items/",
        {
            "item-description": "Silver anklets",
            "item-amount": "6,000",
            "item-recipient": meera.pk,
            "item-new_recipient": "",
            "item-category": cat(household, "Gifts").pk,
            "item-stage": "bought",
            "item-date": "2026-12-10",
        },
    )
    assert response.status_code == 302
    lines = alert_lines(member_client)
    assert any(line.startswith("Diwali reached 50% of its budget for Diwali (20 Dec 2026)") for line in lines)
    assert any(
        line.startswith("Meera went over its budget for Diwali (20 Dec 2026) (past 100%)") for line in lines
    )


def test_an_alert_keeps_its_period_and_total_when_its_budget_is_edited_or_deleted(
    member_client, household, member_user
):
    budget = new_budget(member_client, household)
    spend(member_client, household, member_user, "600")
    member_client.post(f"/budgets/{budget.pk}/delete/")
    assert not Budget.objects.filter(pk=budget.pk).exists()
    assert alert_lines(member_client)[0].startswith(
        "Dining (deleted) reached 50% of its budget for December 2026 (₹600.00 of ₹1,000.00)"
    )


# ---------------------------------------------------------------- each member reads their own


def test_asha_reading_an_alert_leaves_ravis_unread(admin_client, member_client, household, member_user):
    new_budget(member_client, household)
    spend(member_client, household, member_user, "600")
    alert = BudgetAlert.objects.get()
    assert bell(admin_client) == bell(member_client) == 1

    response = admin_client.post("/alerts/", {"alert": alert.pk}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    # The row, read now (no New badge, no button), and the bell, out of band, with Asha's count.
    assert f'id="alert-row-{alert.pk}"' in html and "New" not in html and "Mark read" not in html
    assert 'id="alert-bell"' in html and 'hx-swap-oob="true"' in html and "bell-count" not in html
    assert bell(admin_client) == 0
    assert bell(member_client) == 1
    assert "New" in alert_lines(member_client)[0] and "New" not in alert_lines(admin_client)[0]
    assert admin_client.post("/alerts/", {"alert": alert.pk}).status_code == 302  # again: no change
    assert bell(member_client) == 1


def test_mark_all_read_is_each_members_own(admin_client, member_client, household, member_user):
    new_budget(member_client, household)
    new_budget(member_client, household, name="Groceries", category=cat(household, "Groceries").pk)
    spend(member_client, household, member_user, "600")
    spend(member_client, household, member_user, "900", category="Groceries")
    assert bell(admin_client) == bell(member_client) == 2
    assert "Mark all read" in member_client.get("/alerts/").content.decode()

    response = member_client.post("/alerts/")
    assert response.status_code == 302 and response["Location"] == reverse("alerts")
    assert bell(member_client) == 0 and bell(admin_client) == 2
    page = member_client.get("/alerts/").content.decode()
    assert "Mark all read" not in page and "Mark read" not in page
    spend(member_client, household, member_user, "300")  # Dining past 90: new for both
    assert bell(member_client) == 1 and bell(admin_client) == 3


def test_a_viewer_reads_their_own_alerts_and_nothing_else(
    viewer_client, member_client, household, member_user
):
    new_budget(member_client, household)
    spend(member_client, household, member_user, "600")
    assert bell(viewer_client) == 1
    assert viewer_client.post("/alerts/").status_code == 302
    assert bell(viewer_client) == 0 and bell(member_client) == 1


def test_a_member_who_joins_later_finds_the_older_alerts_read(member_client, household, member_user):
    new_budget(member_client, household)
    spend(member_client, household, member_user, "600")
    newcomer = UserFactory(name="Kiran")
    client = client_for(newcomer)
    joined = client.post(reverse("onboarding"), {"action": "join", "join-code": household.invite_code})
    assert joined.status_code == 302
    assert bell(client) == 0
    assert len(alert_lines(client)) == 1 and "New" not in alert_lines(client)[0]
    spend(member_client, household, member_user, "200")  # past 75: raised after Kiran joined
    assert bell(client) == 1 and bell(member_client) == 2


def test_another_households_alert_is_a_404_and_stays_unread(
    member_client, household, member_user, other_household, other_user
):
    Budget.objects.create(household=other_household, name="Theirs", amount=Decimal("100"))
    ExpenseFactory(household=other_household, paid_by=other_user, amount=Decimal("60"))
    [theirs] = alerts_check(household=other_household, dates=[other_household.today()])
    new_budget(member_client, household)
    spend(member_client, household, member_user, "600")

    for body, headers in [({"alert": theirs.pk}, {}), ({"alert": theirs.pk}, HX)]:
        assert member_client.post("/alerts/", body, headers=headers).status_code == 404
    for junk in ["", "not-an-id", "00000000-0000-0000-0000-000000000000", "' OR 1=1 --"]:
        assert member_client.post("/alerts/", {"alert": junk}).status_code == 404
    assert bell(client_for(other_user)) == 1
    assert bell(member_client) == 1  # a refused per-alert mark marks nothing, not all
    assert "Theirs" not in member_client.get("/alerts/").content.decode()


def test_the_per_alert_button_works_without_javascript(member_client, household, member_user):
    new_budget(member_client, household)
    spend(member_client, household, member_user, "600")
    alert = BudgetAlert.objects.get()
    page = member_client.get("/alerts/").content.decode()
    form = page.split(f'id="alert-row-{alert.pk}"')[1].split("</li>")[0]
    assert 'method="post" action="/alerts/"' in form and f'name="alert" value="{alert.pk}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'class="secondary small alert-mark"' in form  # 44 px tall (hearth.css: budget alerts)
    assert "Mark read: Dining reached 50% of its budget for December 2026" in form  # the button's name
    response = member_client.post("/alerts/", {"alert": alert.pk}, follow=True)
    assert response.redirect_chain == [(reverse("alerts"), 302)]
    assert bell(member_client) == 0


# ---------------------------------------------------------------- cost


def test_the_bell_costs_the_same_with_3_or_300_alerts(
    member_client, admin_user, household, member_user, django_assert_max_num_queries
):
    budget = Budget.objects.create(household=household, name="Dining", amount=Decimal("1000"))

    def raise_alerts(start, stop):
        alerts = BudgetAlert.objects.bulk_create(
            BudgetAlert(
                household=household,
                budget=budget,
                period_start=datetime(2000 + i // 12, i % 12 + 1, 1).date(),
                threshold=50,
                period_label="a month",
            )
            for i in range(start, stop)
        )
        UNREAD.objects.bulk_create(
            UNREAD(budgetalert_id=a.pk, user_id=u.pk) for a in alerts for u in (member_user, admin_user)
        )

    counts = []
    raise_alerts(0, 3)
    member_client.get("/alerts/bell/", headers=HX)  # the session is warm
    for total in (3, 300):
        if total == 300:
            raise_alerts(3, 300)
        # session, user, membership, the count: one query whatever the number of alerts
        with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as queries:
            assert bell(member_client) == total
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as page:
            member_client.get("/alerts/")
        counts.append(len(page))
    assert counts[:2] == counts[2:]
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1 and "budgets_budgetalert_unread_by" in counting[0]


# ---------------------------------------------------------------- the read state of older alerts


@pytest.mark.django_db(transaction=True)
def test_migrating_keeps_read_alerts_read_for_every_member_and_names_their_period(
    household, admin_user, member_user
):
    """Back to the household-wide flag and forward again: an alert read by everyone stays read for
    everyone, one someone had still to read is unread again for every member (never lost), and
    every alert gets its period's words from its budget."""
    dining = Budget.objects.create(household=household, name="Dining", amount=Decimal("1000"))
    trip = Budget.objects.create(
        household=household,
        name="Trip",
        amount=Decimal("500"),
        period=Budget.Period.ONCE,
        start_date=datetime(2026, 12, 1).date(),
        end_date=datetime(2026, 12, 24).date(),
    )
    december = datetime(2026, 12, 1).date()
    read = BudgetAlert.objects.create(household=household, budget=dining, period_start=december, threshold=50)
    half = BudgetAlert.objects.create(household=household, budget=dining, period_start=december, threshold=90)
    half.unread_by.add(member_user)  # Asha has read it, Ravi not yet
    unread = BudgetAlert.objects.create(household=household, budget=trip, period_start=december, threshold=75)
    unread.unread_by.add(member_user, admin_user)

    executor = MigrationExecutor(connection)
    head = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "budgets"]
    executor.migrate([BEFORE])
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        OldAlert = old.get_model("budgets", "BudgetAlert")
        assert dict(OldAlert.objects.values_list("pk", "read")) == {
            read.pk: True,
            half.pk: False,
            unread.pk: False,
        }
        OldAlert.objects.filter(pk=half.pk).update(read=True)  # the household read it, as before
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(head)

    for alert in (read, half, unread):
        alert.refresh_from_db()
    assert not UNREAD.objects.filter(budgetalert_id__in=[read.pk, half.pk]).exists()
    assert set(UNREAD.objects.filter(budgetalert_id=unread.pk).values_list("user_id", flat=True)) == {
        admin_user.pk,
        member_user.pk,
    }
    assert read.message == "Dining reached 50% of its budget for December 2026"
    assert unread.message == "Trip reached 75% of its budget for 1 Dec 2026 – 24 Dec 2026"
    assert unread.total == Decimal("500.00")
    other = MembershipFactory(household=household, role=Role.MEMBER).user  # joins after: reads nothing new
    assert not BudgetAlert.objects.unread_by(other).exists()
