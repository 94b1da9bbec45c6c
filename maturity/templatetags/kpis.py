"""KPI figures in templates: {{ row.value|kpi_value:row.kpi.unit }} → «62,5 %», «kr 12 500»,
«1 200 timer», «2,0 årsverk», «34 dager». The one formatter is `maturity.figures.format_kpi`,
so the tables, the charts and their summaries write a figure the same way."""

from __future__ import annotations

from decimal import Decimal

from django import template

from maturity.figures import format_kpi

register = template.Library()


@register.filter
def kpi_value(value: Decimal | int | None, unit: str) -> str:
    return format_kpi(None if value is None else Decimal(value), unit)
