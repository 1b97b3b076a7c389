from django.urls import path

from expenses import views_csv

urlpatterns = [
    path("expenses/export.csv", views_csv.expenses_export, name="expenses_export"),
    path("expenses/import/", views_csv.import_upload, name="import"),
    path("expenses/import/<uuid:pk>/", views_csv.import_map, name="import_map"),
    path("expenses/import/<uuid:pk>/status/", views_csv.import_status, name="import_status"),
    path("expenses/import/<uuid:pk>/undo/", views_csv.import_undo, name="import_undo"),
]
