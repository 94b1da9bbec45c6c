"""Base views that need nothing above portal: the health check, notification settings, the
statements the law asks for, the person's own data (export, erasure), and one
organisation's sign-in page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

import requests
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import identity
from portal.access import role_required
from portal.forms import (
    AccessibilityStatementForm,
    EmailFrequencyForm,
    LoginForm,
    StatementForm,
)
from portal.http import HtmxRequest
from portal.models import Membership, Organisation, Role
from portal.privacy import erase_person, export_json, export_xlsx, former_members, may_erase
from portal.services import set_email_frequency, set_statement
from portal.statements import (
    UUSTATUS_URL,
    Statement,
    organisation_for,
    render_statement,
    statement_text,
)

logger = logging.getLogger("nyttig.auth")


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness and database readiness for the load balancer and docker compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def provider_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """allauth's OpenID Connect login and callback, with Microsoft out of reach answered by a
    page that says so (503) instead of a 500: allauth fetches the provider's configuration and
    tokens over the network, and a refused, slow or broken answer raises from `requests`."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except requests.RequestException as error:
            logger.warning(
                "Entra ID unreachable",
                extra={
                    "event": "login_entra_unreachable",
                    "provider": kwargs.get("provider_id", ""),
                    "error": type(error).__name__,
                },
            )
            return render(request, "account/entra_unreachable.html", status=503)

    return guarded


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: say so in Bokmål and offer the way back.

    The most common cause is a page left open while the session ended or the user logged in
    elsewhere; reloading the form gives it a fresh token. Idea forms keep a copy of what was
    typed in the browser, so nothing is lost by going back.
    """
    again = request.get_full_path() if request.method == "POST" else "/"
    return render(request, "403_csrf.html", {"again": again}, status=403)


@require_http_methods(["GET", "POST"])
def notification_settings(request: HtmxRequest) -> HttpResponse:
    """Immediate mail, a daily digest or nothing: every notification mail links here."""
    form = EmailFrequencyForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        set_email_frequency(user=request.user, frequency=form.cleaned_data["email_frequency"])
        messages.success(request, _("Valget ditt er lagret."))
        return redirect("notification_settings")
    connect_app = identity.may_connect(request.user, request.organisation)
    return render(
        request,
        "portal/notification_settings.html",
        {"form": form, "connect_provider_id": connect_app.provider_id if connect_app else None},
    )


# The statements the law asks for (portal.statements): public pages, edited by administrators.

STATEMENT_TITLES = {
    Statement.ACCESSIBILITY: _lazy("Tilgjengelighetserklæring"),
    Statement.PRIVACY: _lazy("Personvernerklæring"),
}


def _statement_page(request: HttpRequest, statement: Statement) -> HttpResponse:
    organisation = organisation_for(request)
    membership = getattr(request, "membership", None)
    context = {
        "title": STATEMENT_TITLES[statement],
        "statement": statement.value,
        "body": render_statement(statement_text(statement, organisation)),
        "statement_organisation": organisation,
        "uustatus_url": (organisation and organisation.accessibility_statement_url) or UUSTATUS_URL,
        "may_edit": bool(membership and membership.role == Role.ADMIN),
        "edit_url": reverse(f"{statement.value}_edit"),
    }
    return render(request, "portal/statement_page.html", context)


@login_not_required
@require_GET
def organisation_login(request: HttpRequest, slug: str) -> HttpResponse:
    """One municipality's sign-in page, for its intranet to link to: «Logg inn med Entra ID»
    when it has Entra ID, the password form unless it has turned that off."""
    organisation = get_object_or_404(Organisation, slug=slug, is_active=True)
    if request.user.is_authenticated:
        return redirect("home")
    app = identity.entra_app(organisation) if organisation.entra_enabled else None
    return render(
        request,
        "account/login_organisation.html",
        {
            "login_organisation": organisation,
            "provider_id": app.provider_id if app else None,
            "form": LoginForm(request=request) if organisation.local_login_enabled else None,
        },
    )


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Tilgjengelighetserklæringen, readable without signing in."""
    return _statement_page(request, Statement.ACCESSIBILITY)


@login_not_required
@require_GET
def privacy_statement(request: HttpRequest) -> HttpResponse:
    """Personvernerklæringen, readable without signing in."""
    return _statement_page(request, Statement.PRIVACY)


def _statement_edit(request: HtmxRequest, statement: Statement) -> HttpResponse:
    organisation = request.organisation
    form_class = (
        AccessibilityStatementForm if statement is Statement.ACCESSIBILITY else StatementForm
    )
    initial = {
        "text": statement_text(statement, organisation),
        "url": organisation.accessibility_statement_url,
    }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        set_statement(
            organisation=organisation,
            actor=request.user,
            statement=statement,
            text=form.cleaned_data["text"],
            url=form.cleaned_data.get("url", ""),
        )
        messages.success(request, _("Erklæringen er lagret."))
        return redirect(statement.value)
    context = {"form": form, "title": STATEMENT_TITLES[statement], "statement": statement.value}
    return render(request, "portal/statement_edit.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def accessibility_statement_edit(request: HtmxRequest) -> HttpResponse:
    return _statement_edit(request, Statement.ACCESSIBILITY)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def privacy_statement_edit(request: HtmxRequest) -> HttpResponse:
    return _statement_edit(request, Statement.PRIVACY)


# The person's own data (portal.privacy): the download, and erasure by an administrator.


@require_GET
def my_data(request: HtmxRequest) -> HttpResponse:
    """«Mine data»: what Nyttig holds about the member, and the download."""
    return render(request, "portal/my_data.html")


DATA_FORMATS = {
    "json": (export_json, "application/json; charset=utf-8"),
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@never_cache
@require_GET
def my_data_download(request: HtmxRequest, fmt: str) -> HttpResponse:
    """The member's own data in this organisation as a file (GDPR art. 15 and 20): JSON
    for a machine, or an Excel workbook to read."""
    if fmt not in DATA_FORMATS:
        raise Http404
    export, content_type = DATA_FORMATS[fmt]
    body = export(user=request.user, organisation=request.organisation)
    response = HttpResponse(body, content_type=content_type)
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mine-data-nyttig-{day}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.ADMIN)
def former_member_list(request: HtmxRequest) -> HttpResponse:
    """Deactivated members whose personal data an administrator may erase."""
    members = list(former_members(request.organisation))
    return render(request, "portal/former_members.html", {"members": members})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def erase_member(request: HtmxRequest, user_id: int) -> HttpResponse:
    """Confirm, then erase a former member's name, e-mail and comments (portal.privacy)."""
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        organisation=request.organisation,
        user_id=user_id,
        user__erased_at__isnull=True,
    )
    person = membership.user
    reason = may_erase(user=person, organisation=request.organisation, actor=request.user)
    if request.method == "POST" and reason is None:
        erase_person(user=person, organisation=request.organisation, actor=request.user)
        messages.success(request, _("Personopplysningene er slettet."))
        return redirect("former_members")
    status = 409 if request.method == "POST" else 200
    return render(
        request,
        "portal/erase_member.html",
        {"person": person, "membership": membership, "reason": reason},
        status=status,
    )
