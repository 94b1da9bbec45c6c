"""Base views that need nothing above portal: the health check, notification settings and
one organisation's sign-in page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import identity
from portal.forms import EmailFrequencyForm, LoginForm
from portal.http import HtmxRequest
from portal.models import Organisation
from portal.services import set_email_frequency


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness and database readiness for the load balancer and docker compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
