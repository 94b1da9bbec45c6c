"""Readable Bokmål for the domain events in an idea's history."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.models import Idea
from portal.models import DomainEvent

register = template.Library()

EVENT_TEXTS = {
    "idea.draft_created": gettext_lazy("%(who)s lagret et utkast."),
    "idea.submitted": gettext_lazy("%(who)s meldte inn idéen."),
    "idea.edited": gettext_lazy("%(who)s endret %(fields)s."),
    "idea.withdrawn": gettext_lazy("%(who)s trakk idéen tilbake."),
    "comment.added": gettext_lazy("%(who)s skrev en kommentar."),
    "comment.edited": gettext_lazy("%(who)s endret en kommentar."),
    "comment.deleted": gettext_lazy("%(who)s slettet en kommentar."),
    "idea.supported": gettext_lazy("%(who)s støttet idéen."),
    "idea.unsupported": gettext_lazy("%(who)s trakk tilbake støtten sin."),
    "idea.followed": gettext_lazy("%(who)s begynte å følge idéen."),
    "idea.unfollowed": gettext_lazy("%(who)s sluttet å følge idéen."),
    "attachment.added": gettext_lazy("%(who)s la ved filen «%(name)s»."),
    "attachment.deleted": gettext_lazy("%(who)s fjernet filen «%(name)s»."),
    # The board's triage (portfolio.services); the decisions themselves are listed on the page.
    "idea.assessed": gettext_lazy("%(who)s vurderte idéen (%(total)s poeng)."),
    "idea.accepted": gettext_lazy("%(who)s godkjente idéen, som ble et initiativ på tavla."),
    "idea.parked": gettext_lazy("%(who)s parkerte idéen («vente og se»)."),
    "idea.rejected": gettext_lazy("%(who)s avviste idéen."),
    "idea.merged": gettext_lazy("%(who)s slo idéen sammen med en annen idé."),
}
EXTRA_LABELS = {"tags": gettext_lazy("stikkord")}


def _field_label(name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        field = Idea._meta.get_field(name)
    except FieldDoesNotExist:  # an old event may name a field that no longer exists
        return name
    return str(getattr(field, "verbose_name", name))


@register.filter
def describe_event(event: DomainEvent) -> str:
    who = str(event.actor) if event.actor else _("Systemet")
    text = EVENT_TEXTS.get(event.action)
    if text is None:
        return f"{who}: {event.action}"
    fields = ", ".join(_field_label(name) for name in event.after)
    name = event.after.get("name") or event.before.get("name") or ""
    total = event.after.get("total", "")
    return str(text) % {"who": who, "fields": fields, "name": name, "total": total}
