"""Reads for the strategy's exports that the KPI selectors do not already make."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from maturity.models import StrategicMeasure
from portal.models import Organisation, Unit
from portfolio.models import Initiative


def measures_for_year(
    *, organisation: Organisation, year: int, unit: Unit | None = None
) -> QuerySet[StrategicMeasure]:
    """The measures of the periods that contain the year, in the strategy's order, with owner
    and period, and their linked initiatives (only the unit's, with a unit): three queries
    however many there are."""
    initiatives = Initiative.objects.select_related("idea").order_by("idea__title", "pk")
    if unit is not None:
        initiatives = initiatives.filter(idea__unit=unit)
    return (
        StrategicMeasure.objects.filter(organisation=organisation)
        .filter(Q(period__start_year__lte=year) & Q(period__end_year__gte=year))
        .select_related("period", "owner")
        .prefetch_related(Prefetch("initiatives", queryset=initiatives))
        .order_by("period__start_year", "period__end_year", "order", "pk")
    )
