"""Role checks for views. Organisation scoping happens in the querysets (see selectors)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase

from portal.http import HtmxRequest
from portal.models import Role

View = Callable[..., HttpResponseBase]


def role_required(*roles: Role) -> Callable[[View], View]:
    """Allow members with one of the roles (administrators always); others get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HtmxRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.membership.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
