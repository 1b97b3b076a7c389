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
    list_display = ["budget", "household", "period_start", "threshold", "used", "read", "created_at"]
    list_filter = ["threshold", "read", "household"]
    list_select_related = ["budget", "household"]
