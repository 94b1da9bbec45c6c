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
