from django.contrib import admin

from llmsettings.models import ParseLog


@admin.register(ParseLog)
class ParseLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "household", "user", "provider", "input_text", "duration_ms"]
    list_filter = ["provider", "household"]
    search_fields = ["input_text"]
    list_select_related = ["household", "user"]
    readonly_fields = [f.name for f in ParseLog._meta.fields]
