"""Benefits in templates: measured values in their unit, and the initiative's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.templatetags.idea_history import describe_event
from portal.models import DomainEvent
from portal.numbers import format_decimal, format_nok
from portfolio.models import Benefit, MeasureUnit

register = template.Library()

NBSP = "\u00a0"


def _places(value: Decimal) -> int:
    """Show the decimals a value has (12,5 stays 12,5; 12,50 is shown as 12,5), at most two."""
    exponent = value.normalize().as_tuple().exponent
    return min(2, max(0, -exponent)) if isinstance(exponent, int) else 0


def format_measure(value: Decimal | int | None, unit: str) -> str:
    """«kr 12 500», «1 200,5 timer», «42», «12,5 %»: a value in its unit, in Norwegian."""
    if value is None:
        return ""
    number = Decimal(value)
    if unit == MeasureUnit.NOK:
        return format_nok(number)
    text = format_decimal(number, _places(number))
    if unit == MeasureUnit.HOURS:
        return f"{text}{NBSP}" + (_("time") if number == 1 else _("timer"))
    if unit == MeasureUnit.PERCENT:
        return f"{text}{NBSP}%"
    return text


@register.filter
def measure(value: Decimal | int | None, unit: str) -> str:
    return format_measure(value, unit)


@register.filter
def hours(value: Decimal | None) -> str:
    return format_measure(value, MeasureUnit.HOURS)


@register.filter
def fte(value: Decimal | None) -> str:
    """«0,7 årsverk»: always one decimal."""
    if value is None:
        return ""
    return f"{format_decimal(value, 1)}{NBSP}" + _("årsverk")


@register.filter
def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format_decimal(value)}{NBSP}%"


# The initiative's history: the benefit events in words, the others as on the idea page.

BENEFIT_FIELD_LABELS = {
    name: str(Benefit._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    for name in (
        "description",
        "kind",
        "value_types",
        "owner",
        "responsible",
        "preconditions",
        "realisation_date",
        "expected_amount",
        "expected_hours",
        "measure_every_days",
    )
}
EVENT_TEXTS = {
    "initiative.created": gettext_lazy(
        "%(who)s godkjente idéen, som ble et initiativ i %(phase)s."
    ),
    "initiative.moved": gettext_lazy("%(who)s flyttet initiativet fra %(from)s til %(to)s."),
    "benefit.added": gettext_lazy("%(who)s la til gevinsten «%(benefit)s»."),
    "benefit.edited": gettext_lazy("%(who)s endret gevinsten «%(benefit)s»: %(fields)s."),
    "indicator.added": gettext_lazy("%(who)s la til indikatoren «%(name)s» (%(unit)s)."),
    "measurement.recorded": gettext_lazy(
        "%(who)s registrerte målingen %(value)s for «%(name)s», målt %(date)s."
    ),
}


def _short(value: Any, length: int = 60) -> str:
    text = str(value or "").strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _number(text: Any) -> str:
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        return str(text)
    return format_decimal(number, _places(number))


def _date(text: Any) -> str:
    try:
        measured_on = date.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return str(date_format(measured_on, "j. F Y"))


@register.filter
def describe_initiative_event(
    event: DomainEvent, benefit_names: dict[int, str] | None = None
) -> str:
    """A sentence for an event on the initiative's history. `benefit_names` maps benefit ids
    to their current descriptions (an edit event holds only what changed)."""
    text = EVENT_TEXTS.get(event.action)
    if text is None:
        return describe_event(event)
    before, after = event.before, event.after
    benefit_id = after.get("benefit")
    benefit = after.get("description") or (benefit_names or {}).get(benefit_id, "")
    unit = after.get("unit", "")
    values = {
        "who": str(event.actor) if event.actor else _("Systemet"),
        "phase": after.get("phase", ""),
        "from": before.get("phase", ""),
        "to": after.get("phase", ""),
        "benefit": _short(benefit),
        "fields": ", ".join(
            BENEFIT_FIELD_LABELS.get(name, name) for name in after if name != "benefit"
        ),
        "name": after.get("name", ""),
        "unit": MeasureUnit(unit).label if unit in MeasureUnit.values else unit,
        "value": _number(after.get("value", "")),
        "date": _date(after.get("measured_on", "")),
    }
    return str(text) % values
