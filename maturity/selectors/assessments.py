"""Reading the yearly assessments: the years with their agreed levels, one year's answers,
and the agreed level of a year (the latest version) for the dashboards."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from maturity.models import AgreedLevel, YearlyAssessment
from portal.models import Organisation


@dataclass(frozen=True)
class YearSummary:
    """A year in the list of assessments."""

    year: int
    agreed_level: int | None  # the level number of the latest agreed version, if any
    agreed_level_name: str | None  # in the organisation's own words
    answers: int  # the leaders' answers per dimension, all leaders together

    @property
    def is_agreed(self) -> bool:
        return self.agreed_level is not None


def agreed_level(*, organisation: Organisation, year: int) -> AgreedLevel | None:
    """The level the leader group agreed for the year (its latest version), with the level
    and who agreed it; None before anything is agreed."""
    return (
        AgreedLevel.objects.filter(assessment__organisation=organisation, assessment__year=year)
        .select_related("level", "agreed_by")
        .order_by("-version")
        .first()
    )


def assessment_years(*, organisation: Organisation) -> list[YearSummary]:
    """Every year with an assessment, newest first, in one query."""
    latest = AgreedLevel.objects.filter(assessment=OuterRef("pk")).order_by("-version")
    rows = (
        YearlyAssessment.objects.filter(organisation=organisation)
        .annotate(
            answer_count=Count("answers"),
            level_number=Subquery(latest.values("level__level")[:1]),
            level_name=Subquery(latest.values("level__name")[:1]),
        )
        .order_by("-year")
        .values("year", "answer_count", "level_number", "level_name")
    )
    return [
        YearSummary(
            year=row["year"],
            agreed_level=row["level_number"],
            agreed_level_name=row["level_name"],
            answers=row["answer_count"],
        )
        for row in rows
    ]
