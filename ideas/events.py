"""What happens to an idea, as the names its events are recorded under; each label is the
sentence the idea's history shows (portal.events.describe)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import DomainEvent


class IdeaAction(models.TextChoices):
    DRAFT_CREATED = "idea.draft_created", _("%(who)s lagret et utkast.")
    SUBMITTED = "idea.submitted", _("%(who)s meldte inn idéen.")
    EDITED = "idea.edited", _("%(who)s endret %(fields)s.")
    WITHDRAWN = "idea.withdrawn", _("%(who)s trakk idéen tilbake.")
    COMMENT_ADDED = "comment.added", _("%(who)s skrev en kommentar.")
    COMMENT_EDITED = "comment.edited", _("%(who)s endret en kommentar.")
    COMMENT_DELETED = "comment.deleted", _("%(who)s slettet en kommentar.")
    SUPPORTED = "idea.supported", _("%(who)s støttet idéen.")
    UNSUPPORTED = "idea.unsupported", _("%(who)s trakk tilbake støtten sin.")
    FOLLOWED = "idea.followed", _("%(who)s begynte å følge idéen.")
    UNFOLLOWED = "idea.unfollowed", _("%(who)s sluttet å følge idéen.")
    ATTACHMENT_ADDED = "attachment.added", _("%(who)s la ved filen «%(name)s».")
    ATTACHMENT_DELETED = "attachment.deleted", _("%(who)s fjernet filen «%(name)s».")


EXTRA_LABELS = {"tags": _("stikkord")}


def _field_label(name: str) -> str:
    from ideas.models import Idea

    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        field = Idea._meta.get_field(name)
    except FieldDoesNotExist:  # an old event may name a field that no longer exists
        return name
    return str(getattr(field, "verbose_name", name))


def placeholders(event: DomainEvent, context: dict[str, Any]) -> dict[str, Any]:
    """The edited fields by their labels; an attachment's name (also when it was deleted)."""
    return {
        "fields": ", ".join(_field_label(name) for name in event.after),
        "name": event.after.get("name") or event.before.get("name") or "",
    }
