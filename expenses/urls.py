from django.urls import include, path

from expenses import views

urlpatterns = [
    path("expenses/", views.expense_list, name="expenses"),
    path("expenses/add/", views.expense_add, name="expense_add"),
    path("expenses/trash/", views.trash, name="trash"),
    path("expenses/<uuid:pk>/", views.expense_detail, name="expense_detail"),
    path("expenses/<uuid:pk>/edit/", views.expense_edit, name="expense_edit"),
    path("expenses/<uuid:pk>/row/", views.expense_row, name="expense_row"),
    path("expenses/<uuid:pk>/paid/", views.expense_mark_paid, name="expense_mark_paid"),
    path("expenses/<uuid:pk>/delete/", views.expense_delete, name="expense_delete"),
    path("expenses/<uuid:pk>/restore/", views.expense_restore, name="expense_restore"),
    path("chat/", views.chat, name="chat"),
    path("chat/<uuid:pk>/", views.chat_message, name="chat_message"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/confirm-all/", views.drafts_confirm_all, name="drafts_confirm_all"),
    path("inbox/discard/", views.drafts_discard_many, name="drafts_discard_many"),
    path("inbox/restore/", views.drafts_restore_many, name="drafts_restore_many"),
    path("drafts/<uuid:pk>/confirm/", views.draft_confirm, name="draft_confirm"),
    path("drafts/<uuid:pk>/discard/", views.draft_discard, name="draft_discard"),
    path("drafts/<uuid:pk>/undo/", views.draft_undo, name="draft_undo"),
    path("categories/", views.categories, name="categories"),
    path("categories/<uuid:pk>/", views.category_edit, name="category_edit"),
    path("categories/words/<uuid:pk>/", views.learned_word_edit, name="learned_word_edit"),
    path("", include("expenses.urls_recurring")),
    path("", include("expenses.urls_csv")),
]
