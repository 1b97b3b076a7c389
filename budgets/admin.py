from django.contrib import admin

from budgets.models import Budget, BudgetAlert


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["name", "household", "amount", "period", "parent", "measure"]
    list_filter = ["period", "measure", "household"]
    search_fields = ["name"]
    list_select_related = ["household", "parent"]
    raw_id_fields = ["parent", "category", "member", "recipient", "occasion"]


@admin.register(BudgetAlert)
class BudgetAlertAdmin(admin.ModelAdmin):
    list_display = ["__str__", "household", "period_start", "threshold", "used", "total", "created_at"]
    list_filter = ["threshold", "household"]
    list_select_related = ["budget", "household"]
    search_fields = ["budget_name", "period_label"]
    # Who has still to read it: the household's members, each their own (ids, not a list of every user).
    raw_id_fields = ["budget", "unread_by"]
