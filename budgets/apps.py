from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"

    def ready(self):
        from budgets import receivers  # noqa: F401  (connects them)
