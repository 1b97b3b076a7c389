from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "expenses"

    def ready(self):
        from expenses import receivers  # noqa: F401  (connects them)
