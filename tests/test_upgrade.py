"""Upgrading moves no data: a database at the migrations before the layers change, holding the demo
household, migrates to the head with every row count and every total unchanged.

Occasion and Recipient moved from the budgets app to the ledger by state only (expenses 0009,
budgets 0004): their tables keep their names and no row is copied. The test steps the database back
to the migrations main had before the move (what an installation upgrading from it has), fills it
with the demo household, reads every table through the old state's models and raw SQL, migrates to
the head and reads everything again.
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

# The leaves of every app of ours before the move (llmsettings' provider tables, which the move
# doesn't touch, are there: today's demo records AI calls).
BEFORE = [
    ("households", "0001_initial"),
    ("llmsettings", "0002_providers_usage_prices"),
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


# Columns today's models write that migrations after the move add: while the demo is seeded into
# the old database they are there, then dropped again, so the upgrade adds them as it does for an
# installation (and their values are the migration's defaults, which the snapshot doesn't read).
LATER_FIELDS = [(Budget, "ai_task"), (Budget.history.model, "ai_task")]


def _later_fields(add: bool) -> None:
    with connection.schema_editor() as editor:
        for model, name in LATER_FIELDS:
            field = model._meta.get_field(name)
            (editor.add_field if add else editor.remove_field)(model, field)


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


@pytest.mark.django_db(transaction=True)
def test_upgrading_a_database_with_the_demo_household_changes_no_row_and_no_total():
    head = _head()
    _migrate(BEFORE)
    try:
        _later_fields(add=True)
        call_command("seed_demo", stdout=io.StringIO())
        _later_fields(add=False)
        before = _snapshot()
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        assert (
            old.get_model("budgets", "Occasion").objects.count() == before["counts"]["budgets_occasion"] > 0
        )
        assert (
            old.get_model("budgets", "Recipient").objects.count() == before["counts"]["budgets_recipient"] > 0
        )
        assert before["links"]["items"] and before["links"]["budgets"]
    finally:
        _migrate(head)

    after = _snapshot()
    new_tables = {table: n for table, n in after["counts"].items() if table not in before["counts"]}
    assert set(new_tables.values()) <= {0}  # tables added since the move start empty
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
