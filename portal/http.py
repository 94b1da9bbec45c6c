"""The typed request every view receives (set up by HtmxMiddleware and MembershipMiddleware)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from portal.models import Membership, Organisation, User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails
    user: User  # views behind LoginRequiredMiddleware always have a real user
    membership: Membership
    organisation: Organisation
