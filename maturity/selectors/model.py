"""Reads for administering the staircase model: levels, periods, dimensions and criteria.

Each list is a fixed number of queries with its counts annotated in the database, however
many periods, measures, dimensions or criteria there are."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from maturity.models import (
    CriterionTick,
    DimensionAnswer,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategicMeasure,
    StrategyPeriod,
)
from portal.models import Organisation

# Periods may share one year (2026–27 and 2027–28 both hold 2027), never more.
MAX_SHARED_YEARS = 1


def _count_of(model: type[Model], field: str) -> Coalesce:
    counts = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def organisation_levels(organisation: Organisation) -> list[MaturityLevel]:
    return list(MaturityLevel.objects.filter(organisation=organisation).order_by("level"))


def periods_with_counts(organisation: Organisation) -> list[StrategyPeriod]:
    """The periods in order with their target level and `measure_count`."""
    return list(
        StrategyPeriod.objects.filter(organisation=organisation)
        .select_related("target_level")
        .annotate(measure_count=_count_of(StrategicMeasure, "period"))
        .order_by("start_year", "end_year")
    )


def dimensions_with_counts(organisation: Organisation) -> list[MaturityDimension]:
    """The dimensions in order with `criterion_count` and `answer_count`."""
    return list(
        MaturityDimension.objects.filter(organisation=organisation)
        .annotate(
            criterion_count=_count_of(MaturityCriterion, "dimension"),
            answer_count=_count_of(DimensionAnswer, "dimension"),
        )
        .order_by("order", "id")
    )


def dimension_criteria(dimension: MaturityDimension) -> QuerySet[MaturityCriterion]:
    """The dimension's criteria by level, each with `tick_count` (ticked ones stay)."""
    return (
        MaturityCriterion.objects.filter(dimension=dimension)
        .select_related("level")
        .annotate(tick_count=_count_of(CriterionTick, "criterion"))
        .order_by("level__level", "order", "id")
    )


@dataclass(frozen=True)
class LevelCriteria:
    level: MaturityLevel
    criteria: list[MaturityCriterion]


def criteria_by_level(
    dimension: MaturityDimension, levels: list[MaturityLevel]
) -> list[LevelCriteria]:
    """Each of the organisation's `levels` with the dimension's criteria for it (one query)."""
    criteria = list(dimension_criteria(dimension))
    return [
        LevelCriteria(level=level, criteria=[c for c in criteria if c.level_id == level.pk])
        for level in levels
    ]


def conflicting_period(
    *,
    organisation: Organisation,
    start_year: int,
    end_year: int,
    exclude: StrategyPeriod | None = None,
) -> StrategyPeriod | None:
    """An existing period the years would duplicate: the same years, one inside the other,
    or more than one year in common. None when the years fit beside the others."""
    others = StrategyPeriod.objects.filter(
        organisation=organisation, start_year__lte=end_year, end_year__gte=start_year
    ).order_by("start_year", "end_year")
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        shared = min(end_year, other.end_year) - max(start_year, other.start_year) + 1
        inside = (other.start_year <= start_year and end_year <= other.end_year) or (
            start_year <= other.start_year and other.end_year <= end_year
        )
        if inside or shared > MAX_SHARED_YEARS:
            return other
    return None
