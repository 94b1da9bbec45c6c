"""`{{ value|kpi_value:unit }}`: a KPI value in its unit, as the charts write it."""

from __future__ import annotations

from decimal import Decimal

from django import template

from maturity.figures import format_kpi

register = template.Library()


@register.filter
def kpi_value(value: Decimal | None, unit: str) -> str:
    return format_kpi(value, unit)
