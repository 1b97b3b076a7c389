from django.contrib import admin

from llmsettings.models import ModelPrice, ParseLog, ProviderSettings, UsageRecord


@admin.register(ProviderSettings)
class ProviderSettingsAdmin(admin.ModelAdmin):
    """The key itself is never shown: not its token, only the masked last four characters.
    Keys are set by the household's admins on their AI settings page."""

    list_display = ["household", "provider", "model", "masked_key", "use_for_chat", "use_for_analysis"]
    list_filter = ["provider", "household"]
    search_fields = ["household__name", "model"]
    list_select_related = ["household"]
    exclude = ["api_key_token", "api_key_last4"]
    readonly_fields = ["masked_key", "created_at", "updated_at"]

    @admin.display(description="API key")
    def masked_key(self, obj):
        return obj.masked_key or "—"


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    """What each provider call used and cost: a record, not something to edit."""

    list_display = ["created_at", "household", "user", "provider", "model", "task", "outcome", "cost"]
    list_filter = ["provider", "task", "outcome", "household"]
    search_fields = ["household__name", "model", "error"]
    list_select_related = ["household", "user"]
    readonly_fields = [f.name for f in UsageRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModelPrice)
class ModelPriceAdmin(admin.ModelAdmin):
    list_display = ["household", "provider", "model", "input_per_million", "output_per_million"]
    list_filter = ["provider", "household"]
    search_fields = ["household__name", "model"]
    list_select_related = ["household"]


@admin.register(ParseLog)
class ParseLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "household", "user", "provider", "input_text", "duration_ms"]
    list_filter = ["provider", "household"]
    search_fields = ["input_text"]
    list_select_related = ["household", "user"]
    readonly_fields = [f.name for f in ParseLog._meta.fields]
