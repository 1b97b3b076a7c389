from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"
    demo_steps = ["budgets.demo_tree.seed", "budgets.demo.seed", "budgets.demo_tree.settle_alerts"]

    def ready(self):
        from . import receivers  # noqa: F401  (connects them, as Django advises for signals)
