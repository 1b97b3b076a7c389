"""Create or update the periodic django-q2 schedules (idempotent: safe on every start)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django_q.models import Schedule


def schedules() -> list[tuple[str, str, str, int | None]]:
    """(name, task, schedule type, minutes) of every app's periodic jobs: each app lists its own
    as `schedules` on its AppConfig (the type a django-q2 name: "DAILY", "HOURLY", "MINUTES"…)."""
    return [
        (name, func, getattr(Schedule, kind), minutes)
        for config in apps.get_app_configs()
        for name, func, kind, minutes in getattr(config, "schedules", ())
    ]


class Command(BaseCommand):
    help = "Create the periodic jobs once; running it again changes nothing."

    def handle(self, *args, **options):
        for name, func, schedule_type, minutes in schedules():
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
