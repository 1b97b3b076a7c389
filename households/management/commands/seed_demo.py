"""Load a lived-in demo household (idempotent: running it again changes nothing)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from households.models import Membership, Role, User
from households.services import household_create

DEMO_PASSWORD = "hearth-demo-2026"
DEMO_MEMBERS = [
    ("asha@demo.hearth", "Asha Sharma", Role.ADMIN),
    ("ravi@demo.hearth", "Ravi Sharma", Role.MEMBER),
]


def demo_steps() -> list[str]:
    """Each app names its demo steps (`demo_steps` on its AppConfig: functions taking household=
    and members=), run in the order of INSTALLED_APPS: the kernel names no app above it."""
    return [step for config in apps.get_app_configs() for step in getattr(config, "demo_steps", ())]


class Command(BaseCommand):
    help = "Create the demo household, its two members and their money (safe to run again)."

    def handle(self, *args, **options):
        # The demo's history crosses budget thresholds; its alert emails (sent when the
        # transaction commits) are not news to anyone.
        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        ):
            household = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo household: {household.name}"))
        for email, name, role in DEMO_MEMBERS:
            self.stdout.write(f"  {name:<12} {role.label:<7} login: {email}  password: {DEMO_PASSWORD}")

    @transaction.atomic
    def seed(self):
        users = []
        for email, name, _role in DEMO_MEMBERS:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users.append(user)
        admin = users[0]
        membership = Membership.objects.filter(user=admin).select_related("household").first()
        if membership is None:
            household = household_create(
                user=admin, name="The Sharmas", currency="INR", timezone="Asia/Kolkata"
            )
        else:
            household = membership.household
        for user, (_email, _name, role) in zip(users[1:], DEMO_MEMBERS[1:], strict=True):
            if not Membership.objects.filter(user=user).exists():
                Membership.objects.create(household=household, user=user, role=role)

        for step in demo_steps():
            import_string(step)(household=household, members=users)
        return household
