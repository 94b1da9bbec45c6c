"""Template filters for Norwegian numbers: {{ amount|nok }}, {{ hours|decimal:1 }}."""

from __future__ import annotations

from decimal import Decimal

from django import template

from portal.numbers import format_decimal, format_nok

register = template.Library()


@register.filter
def nok(value: Decimal | int | None) -> str:
    return format_nok(value)


@register.filter(name="decimal")
def decimal_filter(value: Decimal | int | None, places: int = 0) -> str:
    return format_decimal(value, int(places))
