"""Attach the user's organisation membership to the request, and turn away non-members;
tell caches that a URL answers htmx requests differently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from portal import logs
from portal.models import Membership


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login requirement, with an answer htmx can use when the session has ended.

    A plain redirect would make htmx fetch the login page and swap it into a fragment (the
    similar-ideas hint would show a login form), and rendering it would set a new CSRF cookie
    behind the back of a login form open in the same browser, whose next post then fails.
    htmx gets `HX-Redirect` to the login page instead, with the page the user was on as
    `next`, so the whole page goes there and comes back after login.
    """

    # Django types the answer as a redirect; htmx's is a 200 with HX-Redirect.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponseBase:
        if request.headers.get("HX-Request") != "true":
            return super().handle_no_permission(request, view_func)
        current = request.headers.get("HX-Current-URL", "")
        if url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(current)
            back = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            back = "/"
        login = redirect_to_login(
            back, self.get_login_url(view_func), self.get_redirect_field_name(view_func)
        )
        return HttpResponseClientRedirect(login["Location"])


# The organisation a person in more than one chose (its id), kept in their session.
CHOSEN_ORGANISATION = "nyttig_organisation"


def operator_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a view the operator (a platform superuser, no membership) may open."""
    view.operator_view = True  # type: ignore[attr-defined]
    return view


def chooser_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a view a signed-in person may open before they chose an organisation."""
    view.chooser_view = True  # type: ignore[attr-defined]
    return view


def _is_account_view(view_func: Callable[..., Any]) -> bool:
    """allauth's own views (log out, change password): every signed-in person needs them."""
    return getattr(view_func, "__module__", "").startswith("allauth.")


class MembershipMiddleware:
    """Sets request.membership and request.organisation for logged-in users, and
    request.memberships (their active memberships of active organisations).

    Someone in more than one organisation works in the one they chose (CHOSEN_ORGANISATION
    in the session), and is sent to the chooser until they have chosen. Only active
    memberships of active organisations count. The operator (a superuser who is nobody's
    member) reaches only the operator pages; everyone else without a membership gets 403.
    Runs after LoginRequiredMiddleware, so a view that needs login gets a member or a 403.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        memberships: list[Membership] = []
        if request.user.is_authenticated:
            memberships = list(
                Membership.objects.select_related("organisation", "unit")
                .filter(user=request.user, is_active=True, organisation__is_active=True)
                .order_by("organisation__name", "pk")
            )
        chosen = request.session.get(CHOSEN_ORGANISATION) if memberships else None
        membership = next((m for m in memberships if m.organisation_id == chosen), None)
        if membership is None and len(memberships) == 1:
            membership = memberships[0]
        request.memberships = memberships  # type: ignore[attr-defined]
        logs.bind(
            user=request.user.pk if request.user.is_authenticated else None,
            organisation=membership.organisation_id if membership else None,
        )
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation if membership else None  # type: ignore[attr-defined]
        public = not getattr(view_func, "login_required", True)
        if public or not request.user.is_authenticated or membership is not None:
            operator_page = getattr(view_func, "operator_view", False)
            if membership is not None and operator_page and not request.user.is_superuser:
                raise PermissionDenied("Operator pages are for the operator.")
            return None
        if getattr(view_func, "chooser_view", False) or _is_account_view(view_func):
            return None
        if memberships:  # more than one, none chosen yet
            return redirect_to_login(
                request.get_full_path(), resolve_url("organisation_choose"), "neste"
            )
        if request.user.is_superuser and getattr(view_func, "operator_view", False):
            return None
        raise PermissionDenied("Not a member of any organisation.")


class VaryOnHtmxMiddleware:
    """Adds `Vary: HX-Request` to every response.

    Many URLs answer a whole page, or only a fragment of it when htmx asks (`HX-Request`).
    Without the header a browser or proxy cache may hand the fragment back for a plain
    visit (the back button, a reload), and the user sees a bare list without the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response
