from django.contrib import admin
from django.urls import include, path

from analysis.dashboard import dashboard

admin.site.site_header = "Hearth administration"
admin.site.site_title = "Hearth"
admin.site.index_title = "Households, money and settings"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", dashboard, name="home"),
    path("", include("households.urls")),
    path("", include("expenses.urls")),
    path("", include("budgets.urls")),
    path("", include("budgets.occasions.urls")),
    path("", include("analysis.urls")),
    path("", include("llmsettings.urls")),
]
