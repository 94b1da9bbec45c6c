"""Reading the yearly assessments: the years with their agreed levels, one year's answers,
and the agreed level of a year (the latest version) for the dashboards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Prefetch, QuerySet, Subquery

from maturity.models import (
    AgreedLevel,
    CriterionTick,
    DimensionAnswer,
    KpiUnit,
    MaturityDimension,
    MaturityLevel,
    YearlyAssessment,
)
from maturity.selectors.kpis import kpi_table
from portal.models import Organisation, User


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


@dataclass(frozen=True)
class Indicator:
    """A KPI beside the assessment: support for the verdict, never the verdict."""

    kpi: int
    name: str
    definition: str
    unit: str  # a KpiUnit value
    unit_label: str
    value: Decimal | None
    target: Decimal | None
    on_target: bool | None
    source: str
    computed: bool  # from the portfolio, else entered by hand

    def as_snapshot(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi,
            "name": self.name,
            "unit": self.unit,
            "value": None if self.value is None else str(self.value),
            "target": None if self.target is None else str(self.target),
            "on_target": self.on_target,
            "computed": self.computed,
        }


def indicators(*, organisation: Organisation, year: int) -> list[Indicator]:
    """The organisation's KPIs for the year with their values and targets, as the dashboard
    and the export read them (`maturity.selectors.kpis.kpi_table`), so they never differ."""
    return [
        Indicator(
            kpi=row.kpi.pk,
            name=row.kpi.name,
            definition=row.definition,
            unit=row.kpi.unit,
            unit_label=row.kpi.get_unit_display(),
            value=row.value,
            target=row.target,
            on_target=row.on_target,
            source=row.source,
            computed=row.kpi.is_computed,
        )
        for row in kpi_table(organisation=organisation, year=year, years=1)
    ]


def indicator_snapshot(*, organisation: Organisation, year: int) -> dict[str, Any]:
    """The KPI table as it stands, kept with an agreed level (`AgreedLevel.indicators`)."""
    return {
        "year": year,
        "kpis": [row.as_snapshot() for row in indicators(organisation=organisation, year=year)],
    }


def year_assessment(*, organisation: Organisation, year: int) -> YearlyAssessment | None:
    return (
        YearlyAssessment.objects.filter(organisation=organisation, year=year)
        .select_related("opened_by")
        .first()
    )


def _with_ticks(answers: QuerySet[DimensionAnswer]) -> QuerySet[DimensionAnswer]:
    ticks = CriterionTick.objects.select_related(
        "criterion__level", "initiative__idea", "kpi"
    ).order_by("criterion__level__level", "criterion__order", "criterion_id")
    return answers.select_related("respondent", "level").prefetch_related(
        Prefetch("ticks", queryset=ticks)
    )


def own_answer(
    *, assessment: YearlyAssessment, dimension: MaturityDimension, respondent: User
) -> DimensionAnswer | None:
    """The respondent's own answer for the dimension, with its ticks (nobody else's)."""
    answers = DimensionAnswer.objects.filter(
        assessment=assessment, dimension=dimension, respondent=respondent
    )
    return _with_ticks(answers).first()


@dataclass(frozen=True)
class DimensionSummary:
    """One dimension of the year: each leader's answer, and how far apart they are."""

    dimension: MaturityDimension
    answers: list[DimensionAnswer]  # with respondent, level and ticks
    lowest: MaturityLevel | None
    highest: MaturityLevel | None
    answered_by_viewer: bool

    @property
    def spread(self) -> int | None:
        """Levels between the lowest and the highest answer (0: all agree)."""
        if self.lowest is None or self.highest is None:
            return None
        return self.highest.level - self.lowest.level


@dataclass(frozen=True)
class SnapshotRow:
    """A KPI as it stood when a level was agreed (from `AgreedLevel.indicators`)."""

    name: str
    value: Decimal | None
    target: Decimal | None
    unit_label: str


def snapshot_rows(agreed: AgreedLevel) -> list[SnapshotRow]:
    """The indicators kept with an agreed level, readable however the KPIs changed since."""
    units = dict(KpiUnit.choices)

    def number(value: object) -> Decimal | None:
        return None if value in (None, "") else Decimal(str(value))

    return [
        SnapshotRow(
            name=str(row.get("name", "")),
            value=number(row.get("value")),
            target=number(row.get("target")),
            unit_label=str(units.get(row.get("unit", ""), row.get("unit", ""))),
        )
        for row in (agreed.indicators or {}).get("kpis", [])
    ]


@dataclass(frozen=True)
class AgreedVersion:
    agreed: AgreedLevel
    indicators: list[SnapshotRow]


@dataclass(frozen=True)
class AssessmentSummary:
    assessment: YearlyAssessment
    levels: list[MaturityLevel]
    dimensions: list[DimensionSummary]
    versions: list[AgreedVersion]  # newest first

    @property
    def agreed(self) -> AgreedLevel | None:
        return self.versions[0].agreed if self.versions else None


def assessment_summary(*, assessment: YearlyAssessment, viewer: User) -> AssessmentSummary:
    """The year on one page, in a fixed number of queries however many answers: the
    active dimensions, every leader's answer with its ticks, the spread per dimension
    (counted in the database) and every agreed version."""
    organisation_id = assessment.organisation_id
    levels = list(MaturityLevel.objects.filter(organisation_id=organisation_id))
    by_number = {level.level: level for level in levels}
    dimensions = list(
        MaturityDimension.objects.filter(organisation_id=organisation_id, is_active=True)
    )
    answers: dict[int, list[DimensionAnswer]] = {}
    for answer in _with_ticks(DimensionAnswer.objects.filter(assessment=assessment)).order_by(
        "dimension_id", "respondent__first_name", "respondent__last_name", "respondent_id"
    ):
        answers.setdefault(answer.dimension_id, []).append(answer)
    spreads = {
        row["dimension"]: (row["lowest"], row["highest"])
        for row in DimensionAnswer.objects.filter(assessment=assessment)
        .values("dimension")
        .annotate(lowest=Min("level__level"), highest=Max("level__level"))
    }
    versions = [
        AgreedVersion(agreed=agreed, indicators=snapshot_rows(agreed))
        for agreed in AgreedLevel.objects.filter(assessment=assessment)
        .select_related("level", "agreed_by")
        .order_by("-version")
    ]
    summaries = []
    for dimension in dimensions:
        lowest, highest = spreads.get(dimension.pk, (0, 0))
        own = answers.get(dimension.pk, [])
        summaries.append(
            DimensionSummary(
                dimension=dimension,
                answers=own,
                lowest=by_number.get(lowest),
                highest=by_number.get(highest),
                answered_by_viewer=any(a.respondent_id == viewer.pk for a in own),
            )
        )
    return AssessmentSummary(
        assessment=assessment, levels=levels, dimensions=summaries, versions=versions
    )
