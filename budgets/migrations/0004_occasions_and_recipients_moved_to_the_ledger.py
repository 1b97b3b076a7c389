"""Occasion and Recipient now belong to the expenses app (expenses 0009): state only, no row moves.

The content types follow the models, so operators' permissions on them are kept.
"""

import django.db.models.deletion
from django.db import migrations, models


def _content_types(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("occasion", "recipient"):
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _content_types(apps, "budgets", "expenses")


def backwards(apps, schema_editor):
    _content_types(apps, "expenses", "budgets")


STATE = []
for model in ("budget", "historicalbudget"):
    for name in ("occasion", "recipient"):
        if model == "budget":
            field = models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="budgets",
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
STATE += [migrations.DeleteModel(name="Occasion"), migrations.DeleteModel(name="Recipient")]


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_budget_links_never_cascade_alerts_keep_name"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("expenses", "0009_occasions_and_recipients_are_ledger_dimensions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[]),
        migrations.RunPython(forwards, backwards),
    ]
