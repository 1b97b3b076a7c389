"""The ledger's periodic jobs moved to expenses.tasks: point existing schedules at the new paths,
so a worker started before `setup_schedules` runs again keeps working."""

from django.db import migrations

MOVED = {
    "expenses.recurring.make_all_due_drafts": "expenses.tasks.make_all_due_drafts",
    "expenses.services.trash_purge": "expenses.tasks.trash_empty",
}


def _repoint(apps, moves: dict) -> None:
    Schedule = apps.get_model("django_q", "Schedule")
    for old, new in moves.items():
        Schedule.objects.filter(func=old).update(func=new)


def forwards(apps, schema_editor):
    _repoint(apps, MOVED)


def backwards(apps, schema_editor):
    _repoint(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("expenses", "0009_occasions_and_recipients_are_ledger_dimensions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
