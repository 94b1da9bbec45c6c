"""What happens in the portfolio, as the names its events are recorded under; each label is
the sentence the idea's or initiative's history shows (portal.events.describe)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.models import DomainEvent
from portal.numbers import format_decimal


class PortfolioAction(models.TextChoices):
    # Triage, recorded on the idea.
    ASSESSED = "idea.assessed", _("%(who)s vurderte idéen (%(total)s poeng).")
    ACCEPTED = "idea.accepted", _("%(who)s godkjente idéen, som ble et initiativ på tavla.")
    PARKED = "idea.parked", _("%(who)s parkerte idéen («vente og se»).")
    REJECTED = "idea.rejected", _("%(who)s avviste idéen.")
    MERGED = "idea.merged", _("%(who)s slo idéen sammen med en annen idé.")
    # The initiative on the board.
    INITIATIVE_CREATED = (
        "initiative.created",
        _("%(who)s godkjente idéen, som ble et initiativ i %(phase)s."),
    )
    INITIATIVE_MOVED = (
        "initiative.moved",
        _("%(who)s flyttet initiativet fra %(from)s til %(to)s."),
    )
    INITIATIVE_EDITED = "initiative.edited", _("%(who)s endret initiativet: %(fields)s.")
    # Benefits, recorded on the initiative.
    BENEFIT_ADDED = "benefit.added", _("%(who)s la til gevinsten «%(benefit)s».")
    BENEFIT_EDITED = "benefit.edited", _("%(who)s endret gevinsten «%(benefit)s»: %(fields)s.")
    INDICATOR_ADDED = "indicator.added", _("%(who)s la til indikatoren «%(name)s» (%(unit)s).")
    MEASUREMENT_RECORDED = (
        "measurement.recorded",
        _("%(who)s registrerte målingen %(value)s for «%(name)s», målt %(date)s."),
    )
    # Status reports and reminders, recorded on the initiative (or the benefit).
    STATUS_SAVED = "status.saved", _("%(who)s lagret et utkast til statusrapport.")
    STATUS_PUBLISHED = "status.published", _("%(who)s publiserte en statusrapport.")
    REMINDER_SENT = (
        "reminder.sent",
        _("%(who)s sendte en påminnelse om %(reminder)s til %(email)s."),
    )
    # The board's meetings.
    MEETING_CREATED = "meeting.created", _("%(who)s satte opp møtet.")
    MEETING_CLOSED = "meeting.closed", _("%(who)s avsluttet møtet.")
    # Phase administration, recorded on the phase or the settings.
    PHASE_CREATED = "phase.created", _("%(who)s opprettet fasen «%(name)s».")
    PHASE_UPDATED = "phase.updated", _("%(who)s endret fasen: %(fields)s.")
    PHASE_MOVED = "phase.moved", _("%(who)s byttet plass på fasen og «%(swapped_with)s».")
    PHASE_DELETED = "phase.deleted", _("%(who)s slettet fasen «%(name)s».")
    CHECKLIST_ITEM_ADDED = (
        "phase.checklist_item_added",
        _("%(who)s la til sjekkpunktet «%(text)s»."),
    )
    CHECKLIST_ITEM_UPDATED = (
        "phase.checklist_item_updated",
        _("%(who)s endret sjekkpunktet til «%(text)s»."),
    )
    CHECKLIST_ITEM_REMOVED = (
        "phase.checklist_item_removed",
        _("%(who)s fjernet sjekkpunktet «%(text)s»."),
    )
    CHECKLIST_ITEM_MOVED = (
        "phase.checklist_item_moved",
        _("%(who)s endret rekkefølgen på sjekkpunktene."),
    )
    SETTINGS_UPDATED = (
        "portfolio.settings_updated",
        _("%(who)s satte at et kort er stoppet etter %(stalled_after_days)s dager uten flytting."),
    )
    PHASE_TEMPLATE_SWITCHED = (
        "portfolio.phase_template_switched",
        _("%(who)s byttet fasemal til %(phase_template)s."),
    )


REMINDER_KINDS = {"status": _("statusrapport"), "measurement": _("måling")}


def _short(value: Any, length: int = 60) -> str:
    text = str(value or "").strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _number(text: Any) -> str:
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return str(text)
    exponent = number.normalize().as_tuple().exponent
    places = min(2, max(0, -exponent)) if isinstance(exponent, int) else 0
    return format_decimal(number, places)


def _date(text: Any) -> str:
    try:
        measured_on = date.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return str(date_format(measured_on, "j. F Y"))


def _labels(model: type[models.Model], names: Any) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(getattr(model._meta.get_field(name), "verbose_name", name)))
        except Exception:  # noqa: BLE001 - an old event may name a field that no longer exists
            labels.append(name)
    return ", ".join(labels)


def placeholders(event: DomainEvent, context: dict[str, Any]) -> dict[str, Any]:
    """What the sentences need beyond the event's own values: names, labels, numbers and
    dates in Norwegian. `benefit_names` (from the initiative page) maps benefit ids to their
    current descriptions, as an edit event holds only what changed."""
    from portfolio.models import Benefit, Initiative, MeasureUnit, Phase, PhaseTemplate

    FIELD_MODELS: dict[str, type[models.Model]] = {
        PortfolioAction.PHASE_UPDATED: Phase,
        PortfolioAction.INITIATIVE_EDITED: Initiative,
    }
    before, after = event.before, event.after
    benefit_names = context.get("benefit_names") or {}
    unit = after.get("unit", "")
    changed = [name for name in after if name not in ("benefit", "item")]
    template = after.get("phase_template", "")
    return {
        "phase": after.get("phase", ""),
        "from": before.get("phase", ""),
        "to": after.get("phase", ""),
        "benefit": _short(after.get("description") or benefit_names.get(after.get("benefit"), "")),
        "fields": _labels(FIELD_MODELS.get(event.action, Benefit), changed),
        "name": after.get("name") or before.get("name") or "",
        "text": after.get("text") or before.get("text") or "",
        "unit": MeasureUnit(unit).label if unit in MeasureUnit.values else unit,
        "value": _number(after.get("value", "")),
        "date": _date(after.get("measured_on", "")),
        "reminder": REMINDER_KINDS.get(after.get("kind", ""), ""),
        "phase_template": (
            PhaseTemplate(template).label if template in PhaseTemplate.values else template
        ),
    }
