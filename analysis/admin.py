from django.contrib import admin

from analysis.models import Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "text", "intent", "classifier", "household"]
    list_filter = ["intent", "classifier", "household"]
    search_fields = ["text", "answer"]
    list_select_related = ["household"]
