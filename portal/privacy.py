"""A person's own data (GDPR art. 15 and 20) and the erasure of a former member (art. 17).

portal imports no app, so each app registers what it holds about a person from its
`AppConfig.ready()` (`register_personal_data`): an `export` that returns its sections of the
download, and an `erase` that removes what only it knows how to (comment text, a person's
notifications). What every app shares is done here, generically:

- the name and e-mail are replaced by a neutral marker in every text and JSON column of every
  model (found through the models' fields, so a new column is covered without code here);
- the event log keeps its rows, but its before/after values lose the name, e-mail and the
  texts the apps hand back (the person's comments): the only UPDATE the append-only log
  allows, on PostgreSQL only while `nyttig.redaction` is on in this transaction (trigger in
  migration portal 0005), and recorded as events of its own.

docs/privacy.md says what is kept, for how long and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.actions import PortalAction
from portal.events import describe, record_event
from portal.models import DomainEvent, Membership, Organisation, User
from portal.spreadsheets import safe_text

ERASED_FIRST_NAME = "Slettet"
ERASED_LAST_NAME = "person"
REMOVED_TEXT = "[slettet]"


def erased_email(user: User) -> str:
    """A unique address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"slettet-{user.pk}@slettet.invalid"


@dataclass
class Erasure:
    """What an erasure removes: exact strings and their markers, and the person's texts."""

    user: User
    organisation: Organisation
    actor: User
    replacements: dict[str, str] = field(default_factory=dict)  # name/e-mail → marker
    names: dict[str, str] = field(default_factory=dict)  # a JSON value equal to one → marker
    texts: set[str] = field(default_factory=set)  # the person's own writing, removed
    counts: dict[str, int] = field(default_factory=dict)


Exporter = Callable[[User, Organisation], dict[str, Any]]
Eraser = Callable[[Erasure], None]

_PROVIDERS: list[tuple[str, Exporter, Eraser | None]] = []


def register_personal_data(app: str, export: Exporter, erase: Eraser | None = None) -> None:
    """Called once from each app's AppConfig.ready()."""
    if app not in {name for name, _e, _r in _PROVIDERS}:
        _PROVIDERS.append((app, export, erase))


# The download ---------------------------------------------------------------------------


def export_personal_data(*, user: User, organisation: Organisation) -> dict[str, Any]:
    """Everything Nyttig holds about the person in this organisation, as JSON-safe data."""
    data: dict[str, Any] = {
        "generert": timezone.now().isoformat(),
        "organisasjon": {"navn": organisation.name, "kommunenummer": organisation.kommunenummer},
        "profil": {
            "id": user.pk,
            "fornavn": user.first_name,
            "etternavn": user.last_name,
            "e-post": user.email,
            "registrert": user.date_joined.isoformat(),
            "sist_innlogget": user.last_login.isoformat() if user.last_login else None,
            "e-postvarsler": user.get_email_frequency_display(),
        },
        "medlemskap": [
            {
                "organisasjon": m.organisation.name,
                "rolle": m.get_role_display(),
                "enhet": m.unit.name if m.unit else None,
                "aktiv": m.is_active,
                "siden": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user)
            .select_related("organisation", "unit")
            .order_by("created_at")
        ],
        "hendelser": [
            {
                "tidspunkt": event.occurred_at.isoformat(),
                "hendelse": describe(event),
                "handling": event.action,
                "gjelder": f"{event.subject_type}#{event.subject_id}",
            }
            for event in DomainEvent.objects.filter(organisation=organisation, actor=user)
            .select_related("actor")
            .order_by("occurred_at", "id")
        ],
    }
    for _app, export, _erase in _PROVIDERS:
        data.update(export(user, organisation))
    return data


def export_json(*, user: User, organisation: Organisation) -> bytes:
    data = export_personal_data(user=user, organisation=organisation)
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def export_xlsx(*, user: User, organisation: Organisation) -> bytes:
    """The same data to read in a spreadsheet: one sheet per part, a row per item."""
    data = export_personal_data(user=user, organisation=organisation)
    workbook = Workbook(write_only=True)
    for title, value in data.items():
        if not isinstance(value, dict | list):
            continue
        items = value if isinstance(value, list) else [value]
        sheet = workbook.create_sheet(title=title.capitalize()[:31])
        headings = list(dict.fromkeys(key for item in items for key in item))
        header = []
        for heading in headings or [_("Ingen opplysninger")]:
            cell = WriteOnlyCell(sheet, value=heading.replace("_", " ").capitalize())
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for item in items:
            sheet.append([_cell(item.get(key)) for key in headings])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return safe_text(value) if isinstance(value, str) else value


# Erasure --------------------------------------------------------------------------------


def may_erase(*, user: User, organisation: Organisation, actor: User) -> str | None:
    """Why the person cannot be erased now (a Bokmål sentence), or None when they can."""
    if user.pk == actor.pk:
        return _("Du kan ikke slette deg selv.")
    if user.erased_at is not None:
        return _("Personopplysningene er allerede slettet.")
    if user.is_superuser:
        return _("En driftsansvarlig kan ikke slettes her.")
    if Membership.objects.filter(user=user, is_active=True).exists():
        return _("Personen er fortsatt et aktivt medlem. Deaktiver medlemskapet først.")
    return None


@transaction.atomic
def erase_person(*, user: User, organisation: Organisation, actor: User) -> User:
    """Erase a former member of `organisation`: name and e-mail become a neutral marker
    everywhere, their comments lose their text, and the event log keeps its rows without
    their personal data. Their ideas stay, under the marker. Raises PermissionDenied when
    `may_erase` says no (or they were never a member here)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise PermissionDenied("Not a member of this organisation.")
    reason = may_erase(user=user, organisation=organisation, actor=actor)
    if reason is not None:
        raise PermissionDenied(reason)
    erasure = Erasure(user=user, organisation=organisation, actor=actor)
    marker_name = f"{ERASED_FIRST_NAME} {ERASED_LAST_NAME}"
    full_name = user.get_full_name()
    if full_name:
        erasure.replacements[full_name] = marker_name
    erasure.replacements[user.email] = erased_email(user)
    for part in (user.first_name, user.last_name, full_name):
        if part:
            erasure.names[part] = marker_name

    for _app, _export, erase in _PROVIDERS:
        if erase is not None:
            erase(erasure)
    # Their sign-in links (Entra ID's object id and tenant, allauth's tokens) go too: a
    # former member signs in to nothing, and an identifier that points at a person is
    # personal data.
    erasure.counts["sign_in_links"] = SocialAccount.objects.filter(user=user).delete()[0]

    user.first_name, user.last_name = ERASED_FIRST_NAME, ERASED_LAST_NAME
    user.email = erased_email(user)
    user.password = make_password(None)  # unusable; also ends every session (its hash)
    user.is_active = False
    user.erased_at = timezone.now()
    user.save(
        update_fields=["first_name", "last_name", "email", "password", "is_active", "erased_at"]
    )

    erasure.counts["rows"] = _replace_everywhere(erasure)
    redacted = _redact_event_log(erasure)
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortalAction.PERSON_ERASED,
        subject=user,
        after={"person": user.pk, **erasure.counts},
    )
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortalAction.EVENTS_REDACTED,
        subject=user,
        after={"count": len(redacted), "events": redacted},
    )
    return user


def _pattern(needles: list[str]) -> re.Pattern[str]:
    """The needles as whole words: «ann@x.no» is not in «joann@x.no» or «ann@x.no.eu», nor
    «Ann Berg» in «Ann Bergersen» or «Jo-Ann Berg» (but it is in «Ann Berg.pdf»)."""

    def whole(needle: str) -> str:
        if "@" in needle:
            return rf"(?<![\w.+-]){re.escape(needle)}(?![\w-]|\.\w)"
        return rf"(?<![\w-]){re.escape(needle)}(?![\w-])"

    ordered = sorted(needles, key=len, reverse=True)  # the full name before its parts
    return re.compile("|".join(whole(n) for n in ordered), re.IGNORECASE)


def _json_forms(text: str) -> set[str]:
    """How a string looks inside stored JSON: as is, and escaped (SQLite keeps \\u00f8)."""
    return {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def _text_fields(model: type[models.Model]) -> Iterator[models.Field[Any, Any]]:
    for f in model._meta.concrete_fields:
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices:
            yield f


def _replace_everywhere(erasure: Erasure) -> int:
    """Replace the name and e-mail in every text and JSON column of every model except the
    event log (redacted on its own); one query per model with text columns, plus one
    UPDATE per row that holds them."""
    pattern = _pattern(list(erasure.replacements))
    markers = {k.lower(): v for k, v in erasure.replacements.items()}
    changed_rows = 0
    for model in apps.get_models():
        if model is DomainEvent or model._meta.proxy or not model._meta.managed:
            continue
        fields = list(_text_fields(model))
        if not fields:
            continue
        query, annotations = Q(), {}
        for f in fields:
            name = f.name
            if isinstance(f, models.JSONField):
                name = f"_privacy_{f.name}"
                annotations[name] = Cast(f.name, models.TextField())
            for needle in erasure.replacements:
                for form in _json_forms(needle) if isinstance(f, models.JSONField) else {needle}:
                    query |= Q(**{f"{name}__icontains": form})
        rows = model._default_manager.annotate(**annotations).filter(query)
        for row in rows:
            changes = {}
            for f in fields:
                value = getattr(row, f.attname)
                new = _substitute(value, pattern, markers)
                if new != value:
                    changes[f.attname] = new
            if changes:
                model._default_manager.filter(pk=row.pk).update(**changes)
                changed_rows += 1
    return changed_rows


def _substitute(value: Any, pattern: re.Pattern[str], markers: dict[str, str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda m: markers[m.group(0).lower()], value)
    if isinstance(value, list):
        return [_substitute(v, pattern, markers) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, pattern, markers) for k, v in value.items()}
    return value


@contextmanager
def _redaction() -> Iterator[None]:
    """Let this transaction UPDATE the event log's before/after (PostgreSQL's trigger reads
    `nyttig.redaction`; set_config(…, true) lasts at most until the transaction ends)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('nyttig.redaction', 'on', true)")
    yield
    # Off again at once, in case the erasure runs inside a longer transaction. After an
    # error there is nothing to do: rolling back the erasure's savepoint undoes the setting.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('nyttig.redaction', 'off', true)")


def _redact_event_log(erasure: Erasure) -> list[int]:
    """Remove the person's name and e-mail from every event's before/after, and their own
    texts (a comment's body) from the events they made; the rows, actors, actions and times
    stay. Returns the ids of the events changed."""
    pattern = _pattern(list(erasure.replacements))
    markers = {k.lower(): v for k, v in erasure.replacements.items()}
    names = {k.lower(): v for k, v in erasure.names.items()}
    texts = {text.lower() for text in erasure.texts}

    def clean(value: Any, own: bool) -> Any:
        if isinstance(value, str):
            low = value.lower()
            if own and low in texts:
                return ""  # their comment's body: now as blank as the comment itself
            if low in names:
                return names[low]
            return pattern.sub(lambda m: markers[m.group(0).lower()], value)
        if isinstance(value, list):
            return [clean(v, own) for v in value]
        if isinstance(value, dict):
            return {k: clean(v, own) for k, v in value.items()}
        return value

    def mentions(needles: list[str]) -> Q:
        query = Q()
        for needle in needles:
            for form in _json_forms(needle):
                query |= Q(_before__icontains=form) | Q(_after__icontains=form)
        return query

    query = mentions([*erasure.replacements, *erasure.names])
    if erasure.texts:
        query |= Q(actor=erasure.user) & mentions(sorted(erasure.texts))
    candidates = (
        DomainEvent.objects.annotate(
            _before=Cast("before", models.TextField()), _after=Cast("after", models.TextField())
        )
        .filter(query)
        .order_by("pk")
    )
    redacted = []
    with _redaction():
        for event in candidates:
            own = event.actor_id == erasure.user.pk
            before, after = clean(event.before, own), clean(event.after, own)
            if (before, after) != (event.before, event.after):
                DomainEvent.objects.filter(pk=event.pk).update(before=before, after=after)
                redacted.append(event.pk)
    return redacted


def former_members(organisation: Organisation) -> models.QuerySet[Membership]:
    """Deactivated members of the organisation not yet erased, newest first."""
    return (
        Membership.objects.filter(
            organisation=organisation, is_active=False, user__erased_at__isnull=True
        )
        .select_related("user", "unit")
        .order_by("-deactivated_at", "-id")
    )
