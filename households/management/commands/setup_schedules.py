"""Create or update the periodic django-q2 schedules (idempotent: safe on every start)."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

# (name, task function, schedule type, minutes for MINUTES schedules)
SCHEDULES: list[tuple[str, str, str, int | None]] = [
    ("Recurring drafts", "expenses.tasks.make_all_due_drafts", Schedule.DAILY, None),
    ("Empty the trash", "expenses.tasks.trash_empty", Schedule.DAILY, None),
]


class Command(BaseCommand):
    help = "Create the periodic jobs once; running it again changes nothing."

    def handle(self, *args, **options):
        for name, func, schedule_type, minutes in SCHEDULES:
            _, created = Schedule.objects.update_or_create(
                name=name,
                defaults={
                    "func": func,
                    "schedule_type": schedule_type,
                    "minutes": minutes,
                    "repeats": -1,
                },
            )
            self.stdout.write(f"{'created' if created else 'kept'} schedule {name}")
