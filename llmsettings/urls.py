from django.urls import path

from llmsettings import views

urlpatterns = [
    path("settings/ai/", views.llm_settings, name="llm_settings"),
    path("settings/ai/test/", views.llm_settings_test, name="llm_settings_test"),
    path("settings/ai/models/", views.llm_settings_models, name="llm_settings_models"),
]
