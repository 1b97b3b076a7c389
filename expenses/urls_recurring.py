from django.urls import path

from expenses import views_recurring as views

urlpatterns = [
    path("recurring/", views.recurring_list, name="recurring"),
    path("recurring/new/", views.recurring_new, name="recurring_new"),
    path("recurring/<uuid:pk>/", views.recurring_edit, name="recurring_edit"),
    path("recurring/<uuid:pk>/pause/", views.recurring_pause, name="recurring_pause"),
    path("recurring/<uuid:pk>/delete/", views.recurring_delete, name="recurring_delete"),
]
