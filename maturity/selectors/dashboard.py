"""The leaders' dashboard and the staff page: what they aggregate themselves.

The KPIs, measures and assessments come from their own selectors (maturity.selectors.kpis,
.measures, .assessments) and the benefit and flow figures from the portfolio's; this module
adds the portfolio by phase and type, and gathers one year's figures for one unit (or the
whole organisation). Every figure is an aggregate in the database: the number of queries is
the same for one initiative as for thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Max, Min
from django.utils import timezone

from ideas.models import InnovationType
from maturity.models import MaturityLevel, StrategyPeriod
from maturity.selectors.assessments import assessment_years
from maturity.selectors.staircase import Targets, targets_for
from portal.models import Organisation, Unit
from portfolio.models import Initiative, Phase
from portfolio.selectors.benefits import (
    BenefitFigures,
    BenefitOverview,
    GroupKey,
    benefit_cells,
    benefit_overview,
)
from portfolio.selectors.flow import (
    ThroughputRow,
    active_phases,
    monthly_throughput,
    stalled_initiatives,
)
from portfolio.selectors.phases import portfolio_settings, stalled_after


@dataclass(frozen=True)
class PortfolioMatrix:
    """Active initiatives per phase (in the board's order) and innovation type."""

    phases: list[Phase]
    types: list[InnovationType]
    counts: dict[tuple[int, int | None], int]  # (phase id, type id or None) → initiatives

    def count(self, phase_id: int, type_id: int | None) -> int:
        return self.counts.get((phase_id, type_id), 0)

    @property
    def has_untyped(self) -> bool:
        return any(type_id is None for _phase, type_id in self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_phase(self) -> list[tuple[Phase, int]]:
        return [
            (phase, sum(n for (p, _t), n in self.counts.items() if p == phase.pk))
            for phase in self.phases
        ]

    def by_type(self) -> list[tuple[InnovationType | None, int]]:
        rows: list[tuple[InnovationType | None, int]] = [
            (kind, sum(n for (_p, t), n in self.counts.items() if t == kind.pk))
            for kind in self.types
        ]
        if self.has_untyped:
            rows.append((None, sum(n for (_p, t), n in self.counts.items() if t is None)))
        return rows


def portfolio_by_phase_and_type(
    *, organisation: Organisation, phases: list[Phase], unit_id: int | None = None
) -> PortfolioMatrix:
    """One grouped query (and one for the types): initiatives in the given phases counted
    by phase and by their idea's primary innovation type."""
    initiatives = Initiative.objects.for_organisation(organisation).filter(
        phase__in=[phase.pk for phase in phases]
    )
    if unit_id is not None:
        initiatives = initiatives.filter(idea__unit_id=unit_id)
    grouped = (
        initiatives.order_by()
        .values_list("phase_id", "idea__innovation_type_id")
        .annotate(n=Count("pk"))
    )
    types = list(InnovationType.objects.filter(organisation=organisation).order_by("order", "pk"))
    return PortfolioMatrix(
        phases=list(phases),
        types=types,
        counts={(phase_id, type_id): n for phase_id, type_id, n in grouped},
    )


@dataclass(frozen=True)
class FlowFigures:
    phases: list[Phase]
    throughput: list[ThroughputRow]  # the last twelve months, oldest first
    stalled: int  # active initiatives that have not moved for more than stalled_days
    stalled_days: int

    @property
    def reached_last(self) -> int:
        """Initiatives that entered the last active phase in the twelve months."""
        return sum(row.entered[-1] for row in self.throughput if row.entered)

    @property
    def closed(self) -> int:
        return sum(row.closed for row in self.throughput)

    @property
    def entered_first(self) -> int:
        return sum(row.entered[0] for row in self.throughput if row.entered)


def flow_figures(
    *,
    organisation: Organisation,
    phases: list[Phase],
    unit_id: int | None = None,
    stalled_days: int | None = None,
) -> FlowFigures:
    """Throughput over twelve months and the stalled count now, from the portfolio's flow
    selectors (the same figures as the flow page, for one unit if given). The median days
    per phase of a year is a KPI: `maturity.selectors.kpis.median_days_per_phase`.
    `stalled_days`: the organisation's `stalled_after`, when the caller has read it."""
    days = stalled_after(organisation) if stalled_days is None else stalled_days
    stalled = stalled_initiatives(organisation=organisation, after_days=days)
    if unit_id is not None:
        stalled = stalled.filter(idea__unit_id=unit_id)
    return FlowFigures(
        phases=list(phases),
        throughput=monthly_throughput(organisation=organisation, phases=phases, unit_id=unit_id),
        stalled=stalled.order_by().count(),
        stalled_days=days,
    )


def benefits_of_unit(cells: dict[GroupKey, BenefitFigures], unit: Unit | None) -> BenefitFigures:
    """The benefit cells summed for one unit (nothing yet: zeros), or in total: the figures
    of the unit's row of the benefit overview."""
    total = BenefitFigures()
    for (_kind, unit_id, _name, _year), figures in cells.items():
        if unit is None or unit_id == unit.pk:
            total.add(figures)
    return total


def benefits_for_unit(overview: BenefitOverview, unit: Unit | None) -> BenefitFigures:
    """The overview's figures for one unit (its row; nothing yet: zeros), or in total.
    The dashboard sums the cells instead (`benefits_of_unit`): the same figures."""
    if unit is None:
        return overview.total
    for row in overview.by_unit:
        if row.key == unit.name:  # unit names are unique in an organisation
            return row.figures
    return BenefitFigures()


def strategy_years(organisation: Organisation) -> list[int]:
    """The years a leader may pick: the strategy's periods, and this year if outside them."""
    span = StrategyPeriod.objects.filter(organisation=organisation).aggregate(
        first=Min("start_year"), last=Max("end_year")
    )
    this_year = timezone.localdate().year
    first = min(span["first"] or this_year, this_year)
    last = max(span["last"] or this_year, this_year)
    return list(range(first, last + 1))


@dataclass(frozen=True)
class Staircase:
    """The staircase for a year: the levels, the year's target and the next."""

    year: int
    levels: list[MaturityLevel]
    targets: Targets

    @property
    def target_level(self) -> MaturityLevel | None:
        return self.targets.current.target_level if self.targets.current else None

    @property
    def next_level(self) -> MaturityLevel | None:
        return self.targets.next.target_level if self.targets.next else None


def staircase_for(*, organisation: Organisation, year: int) -> Staircase:
    """Two queries: the levels, and the periods with their target levels."""
    levels = list(MaturityLevel.objects.filter(organisation=organisation).order_by("level"))
    periods = list(
        StrategyPeriod.objects.filter(organisation=organisation).select_related("target_level")
    )
    return Staircase(year=year, levels=levels, targets=targets_for(periods, year))


@dataclass(frozen=True)
class PortfolioFigures:
    """What the dashboard shows of the portfolio, for one unit or all."""

    unit: Unit | None
    matrix: PortfolioMatrix
    flow: FlowFigures
    benefits: BenefitFigures
    per_fte: Decimal  # hours per årsverk
    cells: dict[GroupKey, BenefitFigures] = field(repr=False)  # benefit_cells: for the KPIs
    organisation: Organisation = field(repr=False)

    @cached_property
    def overview(self) -> BenefitOverview:
        """The whole benefit overview, made from the same cells, only when asked for (two
        more queries: the «nyttiggjort» count and the hours per årsverk)."""
        return benefit_overview(organisation=self.organisation, cells=self.cells)


def portfolio_figures(*, organisation: Organisation, unit: Unit | None) -> PortfolioFigures:
    """The portfolio by phase and type, the flow and the benefits: a fixed number of queries.
    The benefit cells and hours per årsverk are kept for `kpi_table`, so that the dashboard
    reads them once."""
    phases = active_phases(organisation=organisation)
    unit_id = unit.pk if unit else None
    cells = benefit_cells(organisation)
    settings = portfolio_settings(organisation)
    return PortfolioFigures(
        unit=unit,
        matrix=portfolio_by_phase_and_type(
            organisation=organisation, phases=phases, unit_id=unit_id
        ),
        flow=flow_figures(
            organisation=organisation,
            phases=phases,
            unit_id=unit_id,
            stalled_days=settings.stalled_after_days,
        ),
        benefits=benefits_of_unit(cells, unit),
        per_fte=settings.hours_per_fte,
        cells=cells,
        organisation=organisation,
    )


def latest_agreed(organisation: Organisation, year: int) -> tuple[int | None, int | None]:
    """The agreed level of the year, or else of the latest earlier year that has one:
    (level number, year), or (None, None). One query (assessment_years)."""
    for summary in assessment_years(organisation=organisation):  # newest first
        if summary.year <= year and summary.agreed_level is not None:
            return summary.agreed_level, summary.year
    return None, None
