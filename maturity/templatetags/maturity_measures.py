"""Template helpers for the strategic measures."""

from __future__ import annotations

from datetime import date

from django import template

from maturity.models import StrategicMeasure

register = template.Library()


@register.filter
def overdue(measure: StrategicMeasure, today: date | None = None) -> bool:
    """`StrategicMeasure.is_overdue` on the page's day, so a page agrees with itself."""
    return measure.is_overdue(today)
