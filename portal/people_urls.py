"""URLs of the organisation's people (/organisasjon/…) and the operator's pages (/drift/…)."""

from __future__ import annotations

from django.urls import path

from portal import people_views as views

organisation_patterns = (
    [
        path("enheter/", views.units, name="units"),
        path("enheter/<int:pk>/", views.unit_edit, name="unit_edit"),
        path("medlemmer/", views.member_list, name="members"),
        path("medlemmer/<int:pk>/", views.member_edit, name="member_edit"),
        path("medlemmer/<int:pk>/deaktiver/", views.member_deactivate, name="member_deactivate"),
        path("medlemmer/<int:pk>/aktiver/", views.member_reactivate, name="member_reactivate"),
        path("invitasjoner/", views.invitation_list, name="invitations"),
        path(
            "invitasjoner/<int:pk>/send-igjen/",
            views.invitation_resend,
            name="invitation_resend",
        ),
        path(
            "invitasjoner/<int:pk>/trekk-tilbake/",
            views.invitation_revoke,
            name="invitation_revoke",
        ),
    ],
    "organisation",
)

operator_patterns = (
    [
        path("organisasjoner/", views.operator_organisations, name="organisations"),
        path("organisasjoner/ny/", views.operator_organisation_create, name="organisation_create"),
        path(
            "organisasjoner/<int:pk>/",
            views.operator_organisation_edit,
            name="organisation_edit",
        ),
    ],
    "operator",
)
