from django.urls import path

from budgets import views

urlpatterns = [
    path("budgets/", views.budget_list, name="budgets"),
    path("budgets/new/", views.budget_new, name="budget_new"),
    path("budgets/context/", views.budget_context, name="budget_context"),
    path("budgets/<uuid:pk>/", views.budget_detail, name="budget_detail"),
    path("budgets/<uuid:pk>/edit/", views.budget_edit, name="budget_edit"),
    path("budgets/<uuid:pk>/delete/", views.budget_delete, name="budget_delete"),
    path("budgets/<uuid:pk>/meter/", views.budget_meter, name="budget_meter"),
    path("budgets/<uuid:pk>/items/", views.budget_items, name="budget_items"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/bell/", views.alert_bell, name="alert_bell"),
]
