"""Recording domain events: the audit trail of every change to an idea or initiative.

Action names are `TextChoices` of the app that records them (`ideas.events.IdeaAction`,
`portfolio.events.PortfolioAction`), whose labels are the history's Bokmål sentences with
%(who)s and the event's own values as placeholders. Each app registers its choices here
from `AppConfig.ready()`, so `describe` reads every app's events while portal imports none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import DomainEvent, Organisation, User


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """JSON-safe values of the given fields; foreign keys are stored as their ids."""
    encoder = DjangoJSONEncoder()
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        assert isinstance(field, models.Field)
        value = getattr(instance, field.attname)
        if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = encoder.default(value)
        values[name] = value
    return values


def record_event(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    subject: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> DomainEvent:
    """Append an event. Must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside the transaction of the change.")
    return DomainEvent.objects.create(
        organisation=organisation,
        actor=actor,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        before=before or {},
        after=after or {},
        occurred_at=occurred_at or timezone.now(),
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (before, after)."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def record_change(
    *,
    before: dict[str, Any],
    after: dict[str, Any],
    organisation: Organisation,
    actor: User | None,
    action: str,
    subject: models.Model,
    context: dict[str, Any] | None = None,
) -> DomainEvent | None:
    """Record an edit with only the fields that changed, and nothing when nothing did
    (HackSoft's `model_update`). `context` is stored on both sides whatever changed, such
    as the id of the benefit an initiative's event is about."""
    changed_before, changed_after = changes(before, after)
    if not changed_after:
        return None
    return record_event(
        organisation=organisation,
        actor=actor,
        action=action,
        subject=subject,
        before={**(context or {}), **changed_before},
        after={**(context or {}), **changed_after},
    )


def history_for(subject: models.Model) -> models.QuerySet[DomainEvent]:
    """The events of one object, oldest first, with their actors."""
    return DomainEvent.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).select_related("actor")


def last_actor(subject: models.Model, default: str, **filters: Any) -> str:
    """Who changed the object last, for «X saved it while you were typing» messages.

    `filters` narrow the events (for a benefit: its events on the initiative's history).
    """
    event = history_for(subject).filter(**filters).order_by("-occurred_at", "-id").first()
    return str(event.actor) if event and event.actor else default


# The history's sentences ------------------------------------------------------------------

# An app's extra placeholders for one of its events, given what the page passes along
# (the initiative page passes benefit_names, for edits that hold only what changed).
Placeholders = Callable[[DomainEvent, dict[str, Any]], dict[str, Any]]

_SENTENCES: dict[str, tuple[models.TextChoices, Placeholders | None]] = {}


def register_actions(actions: type[models.TextChoices], placeholders: Placeholders | None) -> None:
    """Make `describe` know an app's actions; called once from each AppConfig.ready()."""
    for action in actions:
        known = _SENTENCES.get(action.value)
        if known is not None and known[0] is not action:
            raise ValueError(f"Two apps name the action {action.value!r}.")
        _SENTENCES[action.value] = (action, placeholders)


def has_sentence(action: str) -> bool:
    return action in _SENTENCES


class _Values(dict[str, Any]):
    """A placeholder the event does not carry (an old event, say) reads as empty text."""

    def __missing__(self, key: str) -> str:
        return ""


def describe(event: DomainEvent, **context: Any) -> str:
    """The event as a sentence of the history: «Bob parkerte idéen («vente og se»).»"""
    who = str(event.actor) if event.actor else _("Systemet")
    known = _SENTENCES.get(event.action)
    if known is None:  # tests/portal/test_events.py keeps this from happening
        return f"{who}: {event.action}"
    action, placeholders = known
    values = _Values({**event.before, **event.after})
    if placeholders is not None:
        values.update(placeholders(event, context))
    values["who"] = who
    return str(action.label) % values


class PortalAction(models.TextChoices):
    """The organisation/user core's events: organisations, units, members, invitations."""

    ORGANISATION_CREATED = (
        "portal.organisation_created",
        gettext_lazy("%(who)s opprettet organisasjonen."),
    )
    ORGANISATION_UPDATED = (
        "portal.organisation_updated",
        gettext_lazy("%(who)s endret organisasjonen."),
    )
    UNIT_CREATED = "portal.unit_created", gettext_lazy("%(who)s opprettet enheten %(name)s.")
    UNIT_UPDATED = "portal.unit_updated", gettext_lazy("%(who)s endret enheten.")
    MEMBER_ADDED = "portal.member_added", gettext_lazy("%(who)s la til et medlem.")
    MEMBER_UPDATED = (
        "portal.member_updated",
        gettext_lazy("%(who)s endret rolle eller enhet for et medlem."),
    )
    MEMBER_DEACTIVATED = "portal.member_deactivated", gettext_lazy("%(who)s deaktiverte et medlem.")
    MEMBER_REACTIVATED = (
        "portal.member_reactivated",
        gettext_lazy("%(who)s aktiverte et medlem igjen."),
    )
    INVITATION_CREATED = "portal.invitation_created", gettext_lazy("%(who)s inviterte %(email)s.")
    INVITATION_RESENT = (
        "portal.invitation_resent",
        gettext_lazy("%(who)s sendte invitasjonen på nytt."),
    )
    INVITATION_REVOKED = (
        "portal.invitation_revoked",
        gettext_lazy("%(who)s trakk tilbake invitasjonen."),
    )
    INVITATION_ACCEPTED = "portal.invitation_accepted", gettext_lazy("%(who)s godtok invitasjonen.")
