"""Alerts are read by each member on their own, and name the period they are about.

The household-wide `read` flag becomes `unread_by`: an alert nobody had read is unread for every
current member of its household, an alert that was read stays read for all of them. Each alert
gets the words for its period (the month, the year, the occasion or the dates of a one-off
budget, its root's for a sub-budget) and the budget's amount as its total. Backwards, an alert
is read when no member has it unread.
"""

from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def _day(d) -> str:
    return f"{d.day} {d:%b %Y}"


def _root(budget, budgets):
    seen = set()
    while budget.parent_id and budget.parent_id in budgets and budget.pk not in seen:
        seen.add(budget.pk)
        budget = budgets[budget.parent_id]
    return budget


def _label(alert, budgets) -> str:
    budget = budgets.get(alert.budget_id)
    if budget is None:
        return f"from {_day(alert.period_start)}"  # its budget is gone: all that is known is when
    root = _root(budget, budgets)
    if root.period == "monthly":
        return f"{alert.period_start:%B %Y}"
    if root.period == "yearly":
        return str(alert.period_start.year)
    if root.occasion_id:
        return f"{root.occasion.name} ({_day(root.occasion.date)})"
    start, end = root.start_date, root.end_date
    if start and end:
        return f"{_day(start)} – {_day(end)}"
    if start:
        return f"from {_day(start)}"
    if end:
        return f"until {_day(end)}"
    return "all time"


def carry_over(apps, schema_editor):
    BudgetAlert = apps.get_model("budgets", "BudgetAlert")
    Budget = apps.get_model("budgets", "Budget")
    Membership = apps.get_model("households", "Membership")
    Unread = BudgetAlert.unread_by.through
    members = defaultdict(list)
    for household_id, user_id in Membership.objects.values_list("household_id", "user_id"):
        members[household_id].append(user_id)
    budgets = {b.pk: b for b in Budget.objects.select_related("occasion")}
    changed, unread = [], []
    for alert in BudgetAlert.objects.order_by("pk").iterator(chunk_size=BATCH):
        alert.period_label = _label(alert, budgets)
        budget = budgets.get(alert.budget_id)
        alert.total = budget.amount if budget is not None else None
        changed.append(alert)
        if not alert.read:
            unread += [Unread(budgetalert_id=alert.pk, user_id=u) for u in members[alert.household_id]]
        if len(changed) >= BATCH:
            BudgetAlert.objects.bulk_update(changed, ["period_label", "total"])
            changed = []
        if len(unread) >= BATCH:
            Unread.objects.bulk_create(unread)
            unread = []
    BudgetAlert.objects.bulk_update(changed, ["period_label", "total"])
    Unread.objects.bulk_create(unread)


def carry_back(apps, schema_editor):
    BudgetAlert = apps.get_model("budgets", "BudgetAlert")
    Unread = BudgetAlert.unread_by.through
    BudgetAlert.objects.exclude(pk__in=Unread.objects.values("budgetalert_id")).update(read=True)


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0005_ai_task_and_reservations"),
        ("households", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="budgetalert",
            name="period_label",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="budgetalert",
            name="total",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=28, null=True),
        ),
        migrations.AddField(
            model_name="budgetalert",
            name="unread_by",
            field=models.ManyToManyField(blank=True, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name="budgetalert",
            index=models.Index(fields=["household", "-created_at"], name="alert_newest"),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveIndex(model_name="budgetalert", name="alert_unread"),
        migrations.RemoveField(model_name="budgetalert", name="read"),
    ]
