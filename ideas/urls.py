from __future__ import annotations

from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("mine/", views.my_ideas, name="mine"),
    path("ny/", views.idea_create, name="create"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/vedlegg/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/vedlegg/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/vedlegg/<int:attachment_pk>/slett/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/kommentarer/", views.comment_add, name="comment_add"),
    path(
        "<int:pk>/kommentarer/<int:comment_pk>/endre/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "<int:pk>/kommentarer/<int:comment_pk>/slett/",
        views.comment_delete,
        name="comment_delete",
    ),
    path("<int:pk>/stott/", views.support_toggle, name="support"),
    path("<int:pk>/folg/", views.follow_toggle, name="follow"),
    path("<int:pk>/endre/", views.idea_edit, name="edit"),
    path("<int:pk>/trekk/", views.idea_withdraw, name="withdraw"),
    path("lignende/", views.similar_ideas, name="similar"),
    path("eksport/<str:fmt>/", views.idea_export, name="export"),
]
