"""What happens to the organisation and its people, as the names their events are recorded
under; each label is the history's sentence (portal.events.describe)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalAction(models.TextChoices):
    ACCESSIBILITY_STATEMENT_CHANGED = (
        "organisation.accessibility_statement_changed",
        _("%(who)s endret tilgjengelighetserklæringen."),
    )
    PRIVACY_STATEMENT_CHANGED = (
        "organisation.privacy_statement_changed",
        _("%(who)s endret personvernerklæringen."),
    )
    # The erasure itself, and the redaction of the event log it made (portal.privacy).
    PERSON_ERASED = (
        "person.erased",
        _("%(who)s slettet personopplysningene til et tidligere medlem."),
    )
    EVENTS_REDACTED = (
        "event_log.redacted",
        _("%(who)s fjernet personopplysninger fra %(count)s hendelser i loggen."),
    )
    # Organisations, units, members and invitations (portal.services, members, invitations).

    ORGANISATION_CREATED = (
        "portal.organisation_created",
        _("%(who)s opprettet organisasjonen."),
    )
    ORGANISATION_UPDATED = (
        "portal.organisation_updated",
        _("%(who)s endret organisasjonen."),
    )
    UNIT_CREATED = "portal.unit_created", _("%(who)s opprettet enheten %(name)s.")
    UNIT_UPDATED = "portal.unit_updated", _("%(who)s endret enheten.")
    MEMBER_ADDED = "portal.member_added", _("%(who)s la til et medlem.")
    MEMBER_UPDATED = (
        "portal.member_updated",
        _("%(who)s endret rolle eller enhet for et medlem."),
    )
    MEMBER_DEACTIVATED = "portal.member_deactivated", _("%(who)s deaktiverte et medlem.")
    MEMBER_REACTIVATED = (
        "portal.member_reactivated",
        _("%(who)s aktiverte et medlem igjen."),
    )
    INVITATION_CREATED = "portal.invitation_created", _("%(who)s inviterte %(email)s.")
    INVITATION_RESENT = (
        "portal.invitation_resent",
        _("%(who)s sendte invitasjonen på nytt."),
    )
    INVITATION_REVOKED = (
        "portal.invitation_revoked",
        _("%(who)s trakk tilbake invitasjonen."),
    )
    INVITATION_ACCEPTED = "portal.invitation_accepted", _("%(who)s godtok invitasjonen.")
