from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "expenses"
    # Read by households' `setup_schedules` and `seed_demo`, which name no app above the kernel.
    schedules = [
        ("Recurring drafts", "expenses.tasks.make_all_due_drafts", "DAILY", None),
        ("Empty the trash", "expenses.tasks.trash_empty", "DAILY", None),
    ]
    demo_steps = ["expenses.demo.seed"]
    first_run_steps = ["expenses.firstrun.first_entry"]  # read by households.selectors

    def ready(self):
        from . import receivers  # noqa: F401  (connects them, as Django advises for signals)
