"""Attach the user's organisation membership to the request, and turn away non-members;
tell caches that a URL answers htmx requests differently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from portal import logs
from portal.models import Membership


class MembershipMiddleware:
    """Sets request.membership and request.organisation for logged-in users.

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
    ) -> None:
        membership = None
        if request.user.is_authenticated:
            membership = (
                Membership.objects.select_related("organisation", "unit")
                .filter(user=request.user)
                .order_by("created_at")
                .first()
            )
        logs.bind(
            user=request.user.pk if request.user.is_authenticated else None,
            organisation=membership.organisation_id if membership else None,
        )
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation if membership else None  # type: ignore[attr-defined]
        public = not getattr(view_func, "login_required", True)
        if membership is None and not public and request.user.is_authenticated:
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
