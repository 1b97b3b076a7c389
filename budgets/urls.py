from django.urls import path

from budgets import views, views_ai

urlpatterns = [
    path("budgets/", views.budget_list, name="budgets"),
    path("budgets/new/", views.budget_new, name="budget_new"),
    path("budgets/context/", views.budget_context, name="budget_context"),
    path("budgets/ai/usage/", views_ai.ai_usage, name="ai_usage"),
    path("budgets/ai/usage.csv", views_ai.ai_usage_csv, name="ai_usage_csv"),
    path("budgets/ai/prices/", views_ai.ai_prices, name="ai_prices"),
    path("budgets/ai/prices/<uuid:pk>/delete/", views_ai.ai_price_delete, name="ai_price_delete"),
    path("budgets/<uuid:pk>/", views.budget_detail, name="budget_detail"),
    path("budgets/<uuid:pk>/edit/", views.budget_edit, name="budget_edit"),
    path("budgets/<uuid:pk>/delete/", views.budget_delete, name="budget_delete"),
    path("budgets/<uuid:pk>/meter/", views.budget_meter, name="budget_meter"),
    path("budgets/<uuid:pk>/items/", views.budget_items, name="budget_items"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/bell/", views.alert_bell, name="alert_bell"),
]
