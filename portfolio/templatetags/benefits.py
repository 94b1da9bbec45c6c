"""Benefits in templates: measured values in their unit, and the initiative's history."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from portal.events import describe
from portal.models import DomainEvent
from portal.numbers import format_decimal, format_nok
from portfolio.models import MeasureUnit

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


# The initiative's history: every event as its sentence (portfolio.events).


@register.filter
def describe_initiative_event(
    event: DomainEvent, benefit_names: dict[int, str] | None = None
) -> str:
    """A sentence for an event on the initiative's history. `benefit_names` maps benefit ids
    to their current descriptions (an edit event holds only what changed)."""
    return describe(event, benefit_names=benefit_names or {})
