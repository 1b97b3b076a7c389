from django.apps import AppConfig

from llmsettings.spend import register


class BudgetsConfig(AppConfig):
    name = "budgets"
    # Read by households' `setup_schedules` and `seed_demo`, which name no app above the kernel.
    schedules = [
        ("Expire AI reservations", "budgets.tasks.ai_reservations_expire", "HOURLY", None),
    ]
    demo_steps = [
        "budgets.demo_tree.seed",
        "budgets.demo.seed",
        "budgets.demo_ai.seed",
        "budgets.demo_tree.settle_alerts",
    ]
    first_run_steps = ["budgets.firstrun.first_budget"]  # read by households.selectors

    def ready(self):
        from . import ai, receivers  # noqa: F401  (connects them, as Django advises for signals)

        # The AI budget is checked before every paid provider call (llmsettings sits below budgets).
        register(ai.GUARD)
