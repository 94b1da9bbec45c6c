from __future__ import annotations

from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("mine/", views.my_ideas, name="mine"),
    path("ny/", views.idea_create, name="create"),
    path("innboks/", views.triage_inbox, name="inbox"),
    path("<int:pk>/", views.idea_detail, name="detail"),
]
