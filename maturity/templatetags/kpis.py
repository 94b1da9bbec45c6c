"""KPI figures in templates: {{ row.value|kpi_value:row.kpi.unit }} → «62,5 %», «kr 12 500»,
«1 200,5 timer», «2,0 årsverk», «20,5 dager», «6»."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maturity.models import KpiUnit
from portal.numbers import format_decimal, format_nok

register = template.Library()

NBSP = "\u00a0"
PLACES = {KpiUnit.PERCENT: 1, KpiUnit.FTE: 1, KpiUnit.DAYS: 1}


def format_kpi(value: Decimal | int | None, unit: str) -> str:
    """A KPI's value in its unit, the Norwegian way; an en dash for no value."""
    if value is None:
        return "–"
    number = Decimal(value)
    if unit == KpiUnit.NOK:
        return format_nok(number)
    places = PLACES.get(KpiUnit(unit), 0) if number != number.to_integral_value() else 0
    if unit == KpiUnit.HOURS and number != number.to_integral_value():
        places = 1
    text = format_decimal(number, places)
    if unit == KpiUnit.PERCENT:
        return f"{text}{NBSP}%"
    if unit == KpiUnit.HOURS:
        return f"{text}{NBSP}" + ngettext("time", "timer", 1 if number == 1 else 2)
    if unit == KpiUnit.FTE:
        return f"{text}{NBSP}" + _("årsverk")
    if unit == KpiUnit.DAYS:
        return f"{text}{NBSP}" + ngettext("dag", "dager", 1 if number == 1 else 2)
    return text


@register.filter
def kpi_value(value: Decimal | int | None, unit: str) -> str:
    return format_kpi(value, unit)
