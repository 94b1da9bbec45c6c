"""What the yearly strategy report for kommunestyret says: one year's figures for the whole
organisation, gathered from the same selectors as the leaders' dashboard
(`maturity.selectors.dashboard`, `.kpis`, `.measures`, `.assessments` and the portfolio's
benefit selectors), so that the council's document and the dashboard never disagree. At the
end, the reads of the reports' records (versions per year, one report) for the pages.

Nothing here computes a KPI of its own. What the dashboard does not show is read here in the
same way, with a fixed number of queries however many initiatives there are:

- the list of every initiative (the appendix), one query with idea, unit, phase and owner
  joined; the portfolio by unit is counted from it (the same active phases as the matrix);
- each initiative's benefits, two grouped queries (`initiative_benefits`) that apply the
  KPIs' rule: benefits due by the end of the year or without a date, realised by the latest
  measurement of each indicator, so the appendix adds up to the KPIs' freed hours and kroner;
- the initiatives taken into use in the year: those `maturity.selectors.kpis.taken_into_use`
  finds, with their `in_use_since` (the same rows the KPI «Innovasjoner tatt i bruk» counts);
- the notable initiatives: the ones the leaders chose, or by default those with the largest
  realised benefits (freed hours first, the strategy's headline benefit, then kroner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from maturity.models import AgreedLevel, StrategicMeasure, StrategyReport
from maturity.selectors.assessments import agreed_level
from maturity.selectors.dashboard import (
    PortfolioFigures,
    Staircase,
    latest_agreed,
    portfolio_figures,
    staircase_for,
)
from maturity.selectors.kpis import (
    KpiRow,
    Scope,
    counted_initiatives,
    initiators,
    kpi_scope,
    kpi_table,
    put_to_use_by_type,
    role_mix,
    start_of,
    taken_into_use,
    used_in,
)
from maturity.selectors.measures import (
    current_measures,
    measure_status_counts,
    measures_with_progress,
    overdue_measure_count,
)
from portal.models import Organisation
from portfolio.models import Benefit, BenefitKind, Indicator, Initiative, MeasureUnit
from portfolio.selectors.benefits import (
    BenefitFigures,
    GroupKey,
    realised_by_latest,  # the one definition of «realised»; shared, not copied
)

# How many initiatives the report presents on their own when the leaders chose none.
NOTABLE_BY_DEFAULT = 3


@dataclass(frozen=True)
class InitiativeLine:
    """One initiative as the report lists it."""

    initiative: Initiative
    benefits: BenefitFigures  # due by the end of the year (the KPIs' rule)
    taken_into_use_at: datetime | None  # when, if it was taken into use in the year

    @property
    def has_realised(self) -> bool:
        return bool(self.benefits.realised_hours or self.benefits.realised_amount)


@dataclass(frozen=True)
class NotableInitiative:
    line: InitiativeLine
    benefit_list: list[Benefit]


@dataclass(frozen=True)
class GroupRow:
    label: str
    figures: BenefitFigures


@dataclass(frozen=True)
class ReportContent:
    organisation: Organisation
    year: int
    today: date  # the day the figures were read
    staircase: Staircase
    agreed: AgreedLevel | None  # the year's agreed level, None while it is not agreed
    level: int | None  # the year's agreed level, or the latest earlier one
    level_year: int | None
    measures: list[StrategicMeasure]  # the year's (the periods containing it)
    status_counts: dict[str, int]
    overdue: int
    next_measures: list[StrategicMeasure]  # the next period's
    portfolio: PortfolioFigures
    scope: Scope = field(repr=False)
    kpis: list[KpiRow] = field(repr=False)
    put_to_use_by_type: list[tuple[str, int]] = field(repr=False)
    initiators: list[tuple[str, int]] = field(repr=False)
    role_mix: list[tuple[str, int]] = field(repr=False)
    benefits: BenefitFigures = field(repr=False)  # due by the end of the year
    benefits_by_kind: list[GroupRow] = field(repr=False)
    benefits_by_unit: list[GroupRow] = field(repr=False)
    by_unit: list[tuple[str, int]] = field(repr=False)  # active initiatives per unit
    taken_into_use: list[InitiativeLine] = field(repr=False)  # in the year, oldest first
    notable: list[NotableInitiative] = field(repr=False)
    notable_chosen: bool = False  # chosen by the leaders (else the largest benefits)
    appendix: list[InitiativeLine] = field(repr=False, default_factory=list)

    @property
    def per_fte(self) -> Decimal:
        return self.portfolio.per_fte

    @property
    def next_period_label(self) -> str:
        upcoming = self.staircase.targets.next
        return upcoming.label if upcoming else ""

    @property
    def kpis_on_target(self) -> int:
        return sum(1 for row in self.kpis if row.on_target)

    @property
    def kpis_assessed(self) -> int:
        return sum(1 for row in self.kpis if row.on_target is not None)


def _due_by(year: int, due: int | None) -> bool:
    """The KPIs' rule (`Scope.benefits_by`): due by the end of the year, or with no date."""
    return due is None or due <= year


def initiative_benefits(*, organisation: Organisation, year: int) -> dict[int, BenefitFigures]:
    """Each initiative's benefit figures, counted as the KPIs count them for the year: two
    grouped queries (benefits, indicators), as `portfolio.selectors.benefits.benefit_cells`
    makes them per kind and unit, so that an expected value is not counted once per
    indicator and the per-initiative figures add up to the KPIs'."""
    due = Q(realisation_date__isnull=True) | Q(realisation_date__year__lte=year)
    no_indicator = ~Exists(Indicator.objects.filter(benefit=OuterRef("pk")))
    figures: dict[int, BenefitFigures] = {}
    benefits = (
        Benefit.objects.filter(due, organisation=organisation)
        .values("initiative_id")
        .annotate(
            count=Count("pk"),
            amount=Sum("expected_amount"),
            hours=Sum("expected_hours"),
            unmeasurable=Count("pk", filter=Q(no_indicator)),
        )
        .order_by()
    )
    for row in benefits:
        item = figures.setdefault(row["initiative_id"], BenefitFigures())
        item.benefits += row["count"]
        item.expected_amount += row["amount"] or 0
        item.expected_hours += row["hours"] or 0
        item.without_indicators += row["unmeasurable"]
    indicators = (
        Indicator.objects.filter(
            Q(benefit__realisation_date__isnull=True)
            | Q(benefit__realisation_date__year__lte=year),
            benefit__organisation=organisation,
        )
        .alias(gain=realised_by_latest())
        .values("unit", initiative_id=F("benefit__initiative_id"))
        .annotate(count=Count("pk"), measured=Count("gain"), realised=Sum("gain"))
        .order_by()
    )
    for group in indicators:
        item = figures.setdefault(group["initiative_id"], BenefitFigures())
        item.indicators += group["count"]
        item.measured += group["measured"]
        if group["unit"] == MeasureUnit.NOK:
            item.realised_amount += group["realised"] or 0
        elif group["unit"] == MeasureUnit.HOURS:
            item.realised_hours += group["realised"] or 0
    return figures


def _grouped(
    cells: dict[GroupKey, BenefitFigures], year: int
) -> tuple[list[GroupRow], list[GroupRow]]:
    """The benefit overview's cells due by the year, per kind (every kind) and per unit."""
    kinds: dict[str, BenefitFigures] = {kind.value: BenefitFigures() for kind in BenefitKind}
    units: dict[str, BenefitFigures] = {}
    for (kind, _unit_id, unit_name, due), figures in cells.items():
        if not _due_by(year, due):
            continue
        kinds.setdefault(kind, BenefitFigures()).add(figures)
        units.setdefault(unit_name or "", BenefitFigures()).add(figures)
    by_kind = [GroupRow(str(BenefitKind(kind).label), kinds[kind.value]) for kind in BenefitKind]
    by_unit = [
        GroupRow(name, units[name])
        for name in sorted(units, key=lambda name: (name == "", name.lower()))
    ]
    return by_kind, by_unit


def _every_initiative(organisation: Organisation) -> list[Initiative]:
    return list(
        Initiative.objects.for_organisation(organisation)
        .select_related("idea", "idea__unit", "idea__innovation_type", "phase", "owner")
        .order_by("phase__order", "idea__title", "pk")
    )


def _taken_into_use_in(organisation: Organisation, year: int) -> dict[int, datetime]:
    """The initiatives the KPI counts as taken into use in the year, with the moment."""
    initiatives = taken_into_use(counted_initiatives(organisation)).filter(
        used_in(start_of(year), start_of(year + 1))
    )
    return {pk: since for pk, since in initiatives.values_list("pk", "in_use_since") if since}


def _notable(
    lines: dict[int, InitiativeLine], notable_ids: Sequence[int] | None
) -> tuple[list[InitiativeLine], bool]:
    if notable_ids:
        chosen = [lines[pk] for pk in dict.fromkeys(notable_ids) if pk in lines]
        if chosen:
            return chosen, True
    ranked = sorted(
        (line for line in lines.values() if line.has_realised),
        key=lambda line: (
            -line.benefits.realised_hours,
            -line.benefits.realised_amount,
            line.initiative.idea.title,
        ),
    )
    return ranked[:NOTABLE_BY_DEFAULT], False


def report_content(
    *,
    organisation: Organisation,
    year: int,
    notable_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> ReportContent:
    """Everything the year's report shows, for the whole organisation: a fixed number of
    queries (pinned in tests/maturity/test_report_document.py)."""
    today = today or timezone.localdate()
    staircase = staircase_for(organisation=organisation, year=year)
    agreed = agreed_level(organisation=organisation, year=year)
    level, level_year = (agreed.level.level, year) if agreed else latest_agreed(organisation, year)
    portfolio = portfolio_figures(organisation=organisation, unit=None)
    scope = kpi_scope(
        organisation=organisation, year=year, cells=portfolio.cells, per_fte=portfolio.per_fte
    )
    kpis = kpi_table(organisation=organisation, year=year, scope=scope)
    upcoming = staircase.targets.next
    next_measures = (
        list(measures_with_progress(organisation).filter(period=upcoming)) if upcoming else []
    )
    by_kind, by_unit = _grouped(portfolio.cells, year)

    per_initiative = initiative_benefits(organisation=organisation, year=year)
    used = _taken_into_use_in(organisation, year)
    initiatives = _every_initiative(organisation)
    lines = {
        initiative.pk: InitiativeLine(
            initiative=initiative,
            benefits=per_initiative.get(initiative.pk, BenefitFigures()),
            taken_into_use_at=used.get(initiative.pk),
        )
        for initiative in initiatives
    }
    active = {phase.pk for phase in portfolio.matrix.phases}
    units: dict[str, int] = {}
    for initiative in initiatives:
        if initiative.phase_id in active:
            name = initiative.idea.unit.name if initiative.idea.unit else ""
            units[name] = units.get(name, 0) + 1
    notable_lines, chosen = _notable(lines, notable_ids)
    benefit_lists: dict[int, list[Benefit]] = {line.initiative.pk: [] for line in notable_lines}
    if benefit_lists:
        for benefit in Benefit.objects.filter(initiative_id__in=list(benefit_lists)).order_by(
            "created_at", "pk"
        ):
            benefit_lists[benefit.initiative_id].append(benefit)

    return ReportContent(
        organisation=organisation,
        year=year,
        today=today,
        staircase=staircase,
        agreed=agreed,
        level=level,
        level_year=level_year,
        measures=current_measures(organisation=organisation, year=year),
        status_counts=measure_status_counts(organisation=organisation, year=year),
        overdue=overdue_measure_count(organisation=organisation, year=year, today=today),
        next_measures=next_measures,
        portfolio=portfolio,
        scope=scope,
        kpis=kpis,
        put_to_use_by_type=put_to_use_by_type(organisation=organisation, year=year, scope=scope),
        initiators=initiators(organisation=organisation, year=year),
        role_mix=role_mix(organisation=organisation),
        benefits=scope.benefits_by(year),
        benefits_by_kind=by_kind,
        benefits_by_unit=by_unit,
        by_unit=sorted(units.items(), key=lambda item: (item[0] == "", -item[1], item[0])),
        taken_into_use=sorted(
            (lines[pk] for pk in used if pk in lines),
            key=lambda line: (line.taken_into_use_at, line.initiative.idea.title),
        ),
        notable=[
            NotableInitiative(line, benefit_lists[line.initiative.pk]) for line in notable_lines
        ],
        notable_chosen=chosen,
        appendix=list(lines.values()),
    )


# The reports' records (the versions, their status and files), always through the organisation.


def organisation_reports(organisation: Organisation) -> QuerySet[StrategyReport]:
    return StrategyReport.objects.filter(organisation=organisation).select_related("requested_by")


def reports_by_year(organisation: Organisation) -> list[tuple[int, list[StrategyReport]]]:
    """Every version, grouped by year, newest year and version first (one query)."""
    rows = organisation_reports(organisation).order_by("-year", "-version")
    return [(year, list(versions)) for year, versions in groupby(rows, key=lambda r: r.year)]


def organisation_report(organisation: Organisation, pk: int) -> StrategyReport | None:
    """One report of the organisation with its chosen initiatives; None outside it."""
    notable = Initiative.objects.select_related("idea").order_by("idea__title", "pk")
    return (
        organisation_reports(organisation)
        .prefetch_related(Prefetch("notable_initiatives", queryset=notable))
        .filter(pk=pk)
        .first()
    )


def year_versions(report: StrategyReport) -> QuerySet[StrategyReport]:
    """The other versions of the report's year, newest first."""
    return (
        StrategyReport.objects.filter(organisation_id=report.organisation_id, year=report.year)
        .select_related("requested_by")
        .exclude(pk=report.pk)
        .order_by("-version")
    )
