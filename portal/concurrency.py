"""Versions and conflicts: the one way a write refuses to overwrite someone else's change.

Ideas, initiatives (board moves), benefits and status reports carry a `version` that every
save bumps. A form posts back the version it was loaded at (`VersionField`); the service
locks the row with `lock_at_version`, and a stale version raises `StaleVersion` carrying the
row as it is now, so the view can show it. Triage decisions lock the idea the same way, so
two board members deciding at once cannot both be recorded.

Every row lock waits a bounded time: the web process sets PostgreSQL's `lock_timeout`
(settings, `DB_LOCK_TIMEOUT_MS`). A row held longer elsewhere raises `RowBusy`, and
`RowBusyMiddleware` answers with a «prøv igjen» message instead of a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import OperationalError, models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from portal.params import parse_int

# PostgreSQL's SQLSTATE for «could not obtain lock» (lock_timeout or NOWAIT).
LOCK_NOT_AVAILABLE = "55P03"


class StaleVersion(Exception):  # noqa: N818 - the name says what the caller has: a stale version
    """Someone else saved the row after the form was loaded; nothing was overwritten.

    `current` is the row as it is now (locked until the transaction ends).
    """

    def __init__(self, current: Any) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}.")
        self.current = current


class RowBusy(Exception):  # noqa: N818 - a state, like Django's DoesNotExist
    """The row stayed locked by another transaction for longer than lock_timeout."""


def lock_row[M: models.Model](queryset: models.QuerySet[M], *, pk: Any) -> M:
    """SELECT … FOR UPDATE of one row, waiting at most lock_timeout (else RowBusy)."""
    # Lock the row alone: with joins in a FOR UPDATE, PostgreSQL re-checks the join against
    # the old joined row after waiting for a concurrent update, and the row would vanish.
    try:
        return queryset.select_related(None).select_for_update().get(pk=pk)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise RowBusy(f"{queryset.model.__name__} {pk} is locked elsewhere.") from error
        raise


def save_new_version(row: Any, *, update_fields: list[str] | None = None) -> None:
    """Save a changed row as its next version: the one place a version is bumped, so a
    form loaded before this save is refused as stale. A save that changes nothing should
    not come here (see `portal.events.record_change`)."""
    row.version += 1
    row.save(update_fields=None if update_fields is None else [*update_fields, "version"])


def lock_at_version[M: models.Model](queryset: models.QuerySet[M], *, pk: Any, expected: int) -> M:
    """Lock the row and check it is still at `expected`; else StaleVersion (or RowBusy)."""
    current = lock_row(queryset, pk=pk)
    if getattr(current, "version") != expected:  # noqa: B009 - any model with a version
        raise StaleVersion(current)
    return current


class VersionField(forms.IntegerField):
    """The row's version the form was loaded at, posted back in a hidden input.

    A missing or garbled value cleans to 0, which no row has (versions start at 1): the
    write is refused as stale and the user sees the row as it is now, never a 500.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int:
        # ASCII digits only: int() would also take «١» (Arabic-Indic one) as version 1.
        return parse_int(value, default=0, minimum=1)

    def validate(self, value: Any) -> None:
        """Any value is acceptable: a wrong one is a conflict, not a mistake in the form."""


class VersionForm(forms.Form):
    """For POSTs that carry nothing but the version (withdrawing an idea)."""

    versjon = VersionField()

    @classmethod
    def posted(cls, data: Any) -> int:
        form = cls(data)
        form.is_valid()
        return int(form.cleaned_data.get("versjon") or 0)


class RowBusyMiddleware:
    """Turn RowBusy into «prøv igjen»: 409 with an alert for htmx, else a message and a
    redirect back to the page the user came from. Place it after MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RowBusy):
            return None
        text = busy_message()
        if request.headers.get("HX-Request") == "true":
            alert = format_html(
                '<div class="ds-alert" data-color="warning" role="alert"><p>{}</p></div>', text
            )
            # #main is on every page (base.html); the alert lands at its top.
            return reswap(retarget(HttpResponse(alert, status=409), "#main"), "afterbegin")
        messages.error(request, text)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.path
        return HttpResponseRedirect(back)


def busy_message() -> str:
    return _(
        "Noen andre lagrer det samme akkurat nå, så ingenting ble endret. Vent litt og prøv igjen."
    )
