"""The root URLconf: the one place that knows every app.

Only the allauth views Nyttig uses are mounted: staff are invited by their municipality,
so there is no sign-up, email management or login by code; of allauth's social accounts
only the OpenID Connect login for Entra ID (portal.identity). Their names are allauth's own,
which allauth's templates and redirects reverse.
"""

from __future__ import annotations

from allauth.account import views as account
from allauth.socialaccount import views as socialaccount
from allauth.socialaccount.providers.openid_connect import views as oidc
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from portal import people_views, views
from portal.people_urls import operator_patterns, organisation_patterns

account_patterns = [
    path("logg-inn/", account.login, name="account_login"),
    path("logg-inn/<slug:slug>/", views.organisation_login, name="account_login_organisation"),
    path("logg-ut/", account.logout, name="account_logout"),
    path("inaktiv/", account.account_inactive, name="account_inactive"),
    path("passord/endre/", account.password_change, name="account_change_password"),
    path("passord/nytt/", account.password_set, name="account_set_password"),
    path("passord/glemt/", account.password_reset, name="account_reset_password"),
    path("passord/glemt/sendt/", account.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^passord/glemt/nokkel/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "passord/glemt/ferdig/",
        account.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    # Entra ID: allauth's OpenID Connect login and callback per organisation's app
    # (/konto/oidc/entra-<slug>/login/ and …/login/callback/, the redirect URI to register),
    # Microsoft out of reach a page that says so, and its pages for a cancelled or failed login.
    path(
        "oidc/<str:provider_id>/login/",
        views.provider_guard(oidc.login),
        name="openid_connect_login",
    ),
    path(
        "oidc/<str:provider_id>/login/callback/",
        views.provider_guard(oidc.callback),
        name="openid_connect_callback",
    ),
    path("oidc/avbrutt/", socialaccount.login_cancelled, name="socialaccount_login_cancelled"),
    path(
        "oidc/feil/",
        login_not_required(socialaccount.login_error),  # for the signed-out, as the cancel page
        name="socialaccount_login_error",
    ),
]

urlpatterns = [
    path("", include("portfolio.views.home")),  # the landing page shows portfolio data
    path("helse/", views.health, name="health"),
    path("konto/", include(account_patterns)),
    path("konto/varsler/", views.notification_settings, name="notification_settings"),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility_statement"),
    path(
        "tilgjengelighet/rediger/",
        views.accessibility_statement_edit,
        name="accessibility_statement_edit",
    ),
    path("personvern/", views.privacy_statement, name="privacy_statement"),
    path("personvern/rediger/", views.privacy_statement_edit, name="privacy_statement_edit"),
    path("personvern/tidligere-medlemmer/", views.former_member_list, name="former_members"),
    path(
        "personvern/tidligere-medlemmer/<int:user_id>/slett/",
        views.erase_member,
        name="erase_member",
    ),
    path("konto/mine-data/", views.my_data, name="my_data"),
    path("konto/mine-data/last-ned/<str:fmt>/", views.my_data_download, name="my_data_download"),
    path("organisasjon/velg/", people_views.organisation_choose, name="organisation_choose"),
    path("organisasjon/", include(organisation_patterns)),
    path("invitasjon/<str:token>/", people_views.invitation_accept, name="invitation_accept"),
    path("drift/", include(operator_patterns)),
    path("ideer/", include("ideas.urls")),
    path("portefolje/", include("portfolio.urls")),
    path("strategi/", include("maturity.urls")),
]
