"""Upgrading moves no data: a database at the migrations before the layers change, holding the demo
household, migrates to the head with every row count and every total unchanged.

Occasion and Recipient moved from the budgets app to the ledger by state only (expenses 0009,
budgets 0004): their tables keep their names and no row is copied. The test fills the database with
the demo household, steps it back to the migrations main had before the move (what an installation
upgrading from it has: tables and columns added since are dropped, every other row stays), reads
every table through the old state's models and raw SQL, migrates to the head and reads everything
again. (The demo is seeded at the head because today's code writes today's columns.)
"""

import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from budgets.models import Budget
from expenses.models import Expense, Occasion, Recipient

# The leaves of every app of ours before the move.
BEFORE = [
    ("households", "0001_initial"),
    ("llmsettings", "0001_initial"),
    ("expenses", "0008_drafts_and_replies_outlive_their_links"),
    ("budgets", "0003_budget_links_never_cascade_alerts_keep_name"),
    ("analysis", "0001_initial"),
]
OURS = {app for app, _ in BEFORE}

# Every money column: the totals that must not move.
SUMS = [
    ("expenses_expense", "amount"),
    ("expenses_expensedraft", "amount"),
    ("expenses_recurringrule", "amount"),
    ("budgets_budget", "amount"),
    ("budgets_budgetalert", "used"),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _head() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] in OURS]


def _snapshot() -> dict:
    """Row counts of every table of ours and the sums of every money column, by raw SQL."""
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t.split("_")[0] in OURS]
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        sums = {}
        for table, column in SUMS:
            cursor.execute(f"SELECT SUM({column}) FROM {connection.ops.quote_name(table)}")
            sums[f"{table}.{column}"] = Decimal(str(cursor.fetchone()[0] or 0)).quantize(Decimal("0.01"))
        # The links the move must keep: items per occasion, budgets per occasion and recipient.
        cursor.execute(
            "SELECT occasion_id, COUNT(*), SUM(amount) FROM expenses_expense "
            "WHERE occasion_id IS NOT NULL GROUP BY occasion_id"
        )
        links = {"items": sorted((str(o), n, str(Decimal(str(s)))) for o, n, s in cursor.fetchall())}
        cursor.execute(
            "SELECT occasion_id, recipient_id, COUNT(*) FROM budgets_budget "
            "WHERE occasion_id IS NOT NULL OR recipient_id IS NOT NULL GROUP BY occasion_id, recipient_id"
        )
        links["budgets"] = sorted((str(o), str(r), n) for o, r, n in cursor.fetchall())
    return {"counts": counts, "sums": sums, "links": links}


def _unread_alert_seats() -> int:
    """Unread alerts (the household-wide flag before budgets 0006) times their household's members."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM budgets_budgetalert a JOIN households_membership m "
            f"ON m.household_id = a.household_id WHERE a.{connection.ops.quote_name('read')} = %s",
            [False],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_upgrading_a_database_with_the_demo_household_changes_no_row_and_no_total():
    head = _head()
    call_command("seed_demo", stdout=io.StringIO())
    _migrate(BEFORE)
    try:
        before = _snapshot()
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        assert (
            old.get_model("budgets", "Occasion").objects.count() == before["counts"]["budgets_occasion"] > 0
        )
        assert (
            old.get_model("budgets", "Recipient").objects.count() == before["counts"]["budgets_recipient"] > 0
        )
        assert before["links"]["items"] and before["links"]["budgets"]
        unread_seats = _unread_alert_seats()
        assert unread_seats > 0
    finally:
        _migrate(head)

    after = _snapshot()
    added = {table: n for table, n in after["counts"].items() if table not in before["counts"]}
    # Filled on purpose (budgets 0006): alerts are read per member now, and an alert the household
    # had not read is unread for each of its members.
    assert added.pop("budgets_budgetalert_unread_by") == unread_seats
    assert set(added.values()) <= {0}, "a table added since the move was filled by the upgrade"
    after["counts"] = {table: n for table, n in after["counts"].items() if table in before["counts"]}
    assert after == before

    # And the models of today read the same rows through their new app.
    assert Occasion.objects.count() == before["counts"]["budgets_occasion"]
    assert Recipient.objects.count() == before["counts"]["budgets_recipient"]
    assert Expense.objects.filter(occasion__isnull=False).count() == sum(
        n for _, n, _ in before["links"]["items"]
    )
    assert Budget.objects.filter(occasion__isnull=False).count() == sum(
        n for o, _, n in before["links"]["budgets"] if o != "None"
    )
    # The operators' permissions followed the models.
    assert ContentType.objects.filter(app_label="expenses", model="occasion").exists()
    assert not ContentType.objects.filter(app_label="budgets", model="occasion").exists()
