"""Sessions end after a while without activity, and after a fixed time from login however busy.

Django keeps a session for SESSION_COOKIE_AGE from its last save; it has neither an idle nor
an absolute limit. The login time and the last request are stamped in the session (the last
one at most once a minute, so a busy user does not write the session on every request), and
a session past either limit is ended on the server and the user sent to log in again, with a
notice that says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LOGIN_AT = "nyttig_login_at"
SEEN_AT = "nyttig_seen_at"
STAMP_EVERY = 60  # seconds between writes of the last-seen stamp


@receiver(user_logged_in, dispatch_uid="portal.sessions.stamp_login")
def stamp_login(sender: object, request: HttpRequest | None, user: object, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware, before LoginRequiredMiddleware (which then sends the
    logged-out user to the login page, htmx included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if not isinstance(login_at, int) or not isinstance(seen_at, int):
            # A session from before the limits, or one someone tampered with: start the
            # clocks now rather than trusting it forever.
            session[LOGIN_AT] = session[SEEN_AT] = now
            return
        if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
            notice = _("Du ble logget ut fordi du ikke hadde vært aktiv på en stund.")
        elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            notice = _("Du ble logget ut fordi du hadde vært logget inn lenge.")
        else:
            if now - seen_at >= STAMP_EVERY:
                session[SEEN_AT] = now
            return
        logout(request)  # deletes the session on the server and gives a new, empty one
        messages.info(request, notice + " " + _("Logg inn igjen for å fortsette."))
