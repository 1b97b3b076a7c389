from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from expenses.models import (
    Category,
    ChatMessage,
    Expense,
    ExpenseDraft,
    ImportBatch,
    LearnedWord,
    Occasion,
    Recipient,
    RecurringRule,
)


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "household", "colour", "archived"]
    list_filter = ["archived", "household"]
    search_fields = ["name", "household__name"]
    list_select_related = ["household"]


@admin.register(Expense)
class ExpenseAdmin(SimpleHistoryAdmin):
    list_display = [
        "date",
        "description",
        "amount",
        "currency",
        "category",
        "status",
        "paid_by",
        "household",
        "deleted_at",
    ]
    list_filter = ["household", "status", "category", "source", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["description", "category__name", "household__name"]
    date_hierarchy = "date"
    list_select_related = ["household", "category", "paid_by"]
    raw_id_fields = ["category", "paid_by", "logged_by", "occasion", "recipient"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(ExpenseDraft)
class ExpenseDraftAdmin(admin.ModelAdmin):
    list_display = ["created_at", "raw_text", "amount", "category", "state", "source", "household"]
    list_filter = ["state", "source", "household"]
    search_fields = ["raw_text", "description"]
    list_select_related = ["household", "category"]
    raw_id_fields = [
        "category",
        "paid_by",
        "expense",
        "created_by",
        "rule",
        "import_batch",
        "duplicate_of",
        "chat_message",
    ]


@admin.register(RecurringRule)
class RecurringRuleAdmin(admin.ModelAdmin):
    list_display = ["description", "amount", "cadence", "day_of_month", "weekday", "paused", "household"]
    list_filter = ["cadence", "paused", "household"]
    search_fields = ["description"]
    list_select_related = ["household"]
    raw_id_fields = ["category", "paid_by", "created_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "state",
        "total_rows",
        "processed_rows",
        "draft_count",
        "household",
        "created_at",
    ]
    list_filter = ["state", "household"]
    exclude = ["content"]
    readonly_fields = ["errors", "mapping"]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "role", "author", "text", "household"]
    list_filter = ["role", "household"]
    search_fields = ["text"]
    list_select_related = ["household", "author"]


@admin.register(Occasion)
class OccasionAdmin(admin.ModelAdmin):
    list_display = ["name", "household", "kind", "date"]
    list_filter = ["kind", "household"]
    search_fields = ["name"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "relationship", "household"]
    list_filter = ["household"]
    search_fields = ["name"]


@admin.register(LearnedWord)
class LearnedWordAdmin(SimpleHistoryAdmin):
    list_display = ["phrase", "category", "times", "household", "updated_at"]
    list_filter = ["household"]
    search_fields = ["phrase", "category__name", "household__name"]
    list_select_related = ["household", "category"]
    raw_id_fields = ["category", "created_by"]
