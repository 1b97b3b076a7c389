"""Occasion and Recipient move from the budgets app to the ledger, beside Expense.

State only: the tables keep their names (budgets_occasion, budgets_recipient) and no row moves.
budgets 0004 removes the two models from the budgets app's state.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def _household():
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="households.household"
    )


STATE = [
    migrations.CreateModel(
        name="Occasion",
        fields=[
            ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("updated_at", models.DateTimeField(auto_now=True)),
            ("name", models.CharField(max_length=120)),
            (
                "kind",
                models.CharField(
                    choices=[
                        ("birthday", "Birthday"),
                        ("festival", "Festival"),
                        ("wedding", "Wedding"),
                        ("trip", "Trip"),
                        ("other", "Other"),
                    ],
                    default="other",
                    max_length=10,
                ),
            ),
            ("date", models.DateField()),
            ("notes", models.TextField(blank=True)),
            ("household", _household()),
        ],
        options={
            "db_table": "budgets_occasion",
            "ordering": ["date", "name"],
            "indexes": [models.Index(fields=["household", "date"], name="occasion_by_date")],
        },
    ),
    migrations.CreateModel(
        name="Recipient",
        fields=[
            ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("updated_at", models.DateTimeField(auto_now=True)),
            ("name", models.CharField(max_length=80)),
            ("relationship", models.CharField(blank=True, max_length=80)),
            ("household", _household()),
        ],
        options={
            "db_table": "budgets_recipient",
            "ordering": ["name"],
            "constraints": [
                models.UniqueConstraint(fields=("household", "name"), name="recipient_unique_name_per_household")
            ],
        },
    ),
]

for model in ("expense", "historicalexpense"):
    for name in ("occasion", "recipient"):
        if model == "expense":
            field = models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="items",
                to=f"expenses.{name}",
            )
        else:
            field = models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=f"expenses.{name}",
            )
        STATE.append(migrations.AlterField(model_name=model, name=name, field=field))


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_budget_links_never_cascade_alerts_keep_name"),
        ("expenses", "0008_drafts_and_replies_outlive_their_links"),
        ("households", "0001_initial"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[])]
