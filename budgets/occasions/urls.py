from django.urls import path

from budgets.occasions import views

urlpatterns = [
    path("occasions/", views.occasion_list, name="occasions"),
    path("occasions/new/", views.occasion_new, name="occasion_new"),
    path("occasions/<uuid:pk>/", views.occasion_detail, name="occasion_detail"),
    path("occasions/<uuid:pk>/edit/", views.occasion_edit, name="occasion_edit"),
    path("occasions/<uuid:pk>/delete/", views.occasion_delete, name="occasion_delete"),
    path("occasions/<uuid:pk>/sub-budgets/", views.occasion_subbudget_add, name="occasion_subbudget_add"),
    path("occasions/<uuid:pk>/items/", views.occasion_item_add, name="occasion_item_add"),
    path(
        "occasions/<uuid:pk>/items/<uuid:item_pk>/move/",
        views.occasion_item_move,
        name="occasion_item_move",
    ),
    path(
        "occasions/<uuid:pk>/wedding-template/",
        views.occasion_wedding_template,
        name="occasion_wedding_template",
    ),
    path("recipients/", views.recipients, name="recipients"),
    path("recipients/<uuid:pk>/", views.recipient_edit, name="recipient_edit"),
]
