"""Benefits: the initiative's benefit statuses and the benefit overview."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    ExtractYear,
    Greatest,
)
from django.db.models.lookups import GreaterThanOrEqual

from ideas.models import Idea, IdeaStatus, ValueType
from portal.models import Organisation, User
from portfolio.models import (
    Benefit,
    BenefitKind,
    Indicator,
    Initiative,
    Measurement,
    MeasureUnit,
)
from portfolio.selectors.phases import hours_per_fte

ONE_DECIMAL = Decimal("0.1")


# Ideas that never count as innovations, whatever their initiative went through.
NEVER_COUNTED = (IdeaStatus.WITHDRAWN, IdeaStatus.MERGED)


def never_counted_ideas(organisation: Organisation) -> QuerySet[Idea, int]:
    """The organisation's withdrawn and merged ideas (their pks), to exclude with
    `idea_id__in`: one hashed lookup from the (organisation, status) index rather than
    reading every initiative's idea row."""
    return Idea.objects.filter(organisation=organisation, status__in=NEVER_COUNTED).values_list(
        "pk", flat=True
    )


def put_to_use_q() -> Q:
    """«Nyttiggjort», as a condition on initiatives: the solution is in use and at least one
    of its benefits is measured. In use means the initiative is in a phase where the solution
    is in use (Phase.in_use), or has been in one and has since only moved on to a later phase
    (for example «Avsluttet»); moved back to an earlier phase that is not in use, it no
    longer counts. Ideas withdrawn or merged never count. Lists filter on it in SQL.

    Both halves read maintained columns (`portfolio.services.derived`): `in_use_since` is set
    exactly while the initiative is in use so defined, and an indicator's
    `latest_measured_on` once it has a measurement."""
    measured = Indicator.objects.filter(
        benefit__initiative=OuterRef("pk"), latest_measured_on__isnull=False
    )
    return Q(in_use_since__isnull=False) & Q(Exists(measured)) & ~Q(idea__status__in=NEVER_COUNTED)


def with_put_to_use(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate each initiative with `put_to_use` (a bool)."""
    return initiatives.annotate(
        put_to_use=ExpressionWrapper(put_to_use_q(), output_field=BooleanField())
    )


def initiative_detail(*, organisation: Organisation, pk: int) -> Initiative | None:
    """One initiative with what its page shows: idea, phase, pådriver, team, «nyttiggjort»."""
    team = Prefetch("team", queryset=User.objects.order_by("first_name", "last_name", "email"))
    return (
        with_put_to_use(Initiative.objects.for_organisation(organisation))
        .select_related("idea", "phase", "owner", "organisation")
        .prefetch_related(team)
        .filter(pk=pk)
        .first()
    )


def fte(hours: Decimal | None, per_fte: Decimal) -> Decimal | None:
    """Årsverk: hours divided by the hours of one FTE, to one decimal, half up (0,05 → 0,1)."""
    if hours is None or not per_fte:
        return None
    return (hours / per_fte).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def progress_percent(*, baseline: Decimal, target: Decimal, value: Decimal) -> Decimal:
    """How far `value` has come from the baseline toward the target, in whole per cent
    (half up). The target may lie below the baseline (fewer hours is progress too); below 0
    is worse than at the start, above 100 beyond the target."""
    share = (value - baseline) / (target - baseline) * 100
    return share.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    measurements: list[Measurement]  # oldest first

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def progress(self) -> Decimal | None:
        latest = self.latest
        if latest is None:
            return None
        indicator = self.indicator
        return progress_percent(
            baseline=indicator.baseline, target=indicator.target, value=latest.value
        )

    @property
    def progress_bar(self) -> int:
        """The progress clamped to 0–100, for a <progress> element beside the text."""
        progress = self.progress
        return 0 if progress is None else int(min(max(progress, Decimal(0)), Decimal(100)))


@dataclass(frozen=True)
class BenefitStatus:
    benefit: Benefit
    indicators: list[IndicatorStatus]
    fte: Decimal | None  # expected hours in årsverk

    @property
    def missing_indicator(self) -> bool:
        return not self.indicators

    @property
    def value_labels(self) -> list[str]:
        return [str(ValueType(v).label) for v in self.benefit.value_types if v in ValueType.values]


def benefit_statuses(*, initiative: Initiative, per_fte: Decimal) -> list[BenefitStatus]:
    """The initiative's benefits with indicators and measurements: three queries however
    many there are."""
    measurements = Measurement.objects.select_related("recorded_by").order_by("measured_on", "id")
    indicators = Indicator.objects.order_by("created_at", "id").prefetch_related(
        Prefetch("measurements", queryset=measurements)
    )
    benefits = (
        Benefit.objects.filter(initiative=initiative)
        .select_related("owner", "responsible")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("created_at", "id")
    )
    return [
        BenefitStatus(
            benefit=benefit,
            indicators=[
                IndicatorStatus(indicator, list(indicator.measurements.all()))
                for indicator in benefit.indicators.all()
            ],
            fte=fte(benefit.expected_hours, per_fte),
        )
        for benefit in benefits
    ]


@dataclass(frozen=True)
class BenefitTotals:
    amount: Decimal  # expected kroner a year
    hours: Decimal  # expected freed hours a year
    fte: Decimal | None  # the summed hours in årsverk (not a sum of rounded årsverk)
    missing_indicator: int  # benefits without an indicator


def benefit_totals(statuses: Iterable[BenefitStatus], per_fte: Decimal) -> BenefitTotals:
    statuses = list(statuses)
    amount = sum((s.benefit.expected_amount or Decimal(0) for s in statuses), Decimal(0))
    hours = sum((s.benefit.expected_hours or Decimal(0) for s in statuses), Decimal(0))
    return BenefitTotals(
        amount=amount,
        hours=hours,
        fte=fte(hours, per_fte),
        missing_indicator=sum(1 for s in statuses if s.missing_indicator),
    )


@dataclass
class BenefitFigures:
    """Expected against realised for a group of benefits (see «Realisert» above)."""

    benefits: int = 0
    expected_amount: Decimal = Decimal(0)  # kroner a year
    expected_hours: Decimal = Decimal(0)  # freed hours a year
    realised_amount: Decimal = Decimal(0)  # kroner, from indicators in kroner
    realised_hours: Decimal = Decimal(0)  # hours, from indicators in hours
    indicators: int = 0
    measured: int = 0  # indicators with at least one measurement
    without_indicators: int = 0  # benefits nobody can measure yet

    def add(self, other: BenefitFigures) -> None:
        # Spelled out rather than a loop over the fields: the dashboard adds a thousand.
        self.benefits += other.benefits
        self.expected_amount += other.expected_amount
        self.expected_hours += other.expected_hours
        self.realised_amount += other.realised_amount
        self.realised_hours += other.realised_hours
        self.indicators += other.indicators
        self.measured += other.measured
        self.without_indicators += other.without_indicators


@dataclass(frozen=True)
class OverviewRow:
    key: Any  # a BenefitKind, a unit's name or a year; None: no unit / no realisation date
    figures: BenefitFigures


@dataclass(frozen=True)
class BenefitOverview:
    by_kind: list[OverviewRow]
    by_unit: list[OverviewRow]
    by_year: list[OverviewRow]
    total: BenefitFigures
    per_fte: Decimal
    initiatives: int
    put_to_use: int  # «nyttiggjort»: taken into use and measured

    @property
    def realised_fte(self) -> Decimal | None:
        return fte(self.total.realised_hours, self.per_fte)

    @property
    def expected_fte(self) -> Decimal | None:
        return fte(self.total.expected_hours, self.per_fte)


GroupKey = tuple[str, int | None, str | None, int | None]  # kind, unit id, unit name, year


def realised_by_latest() -> Case:
    """For each indicator, what its latest measurement (the maintained `latest_value`) has
    realised towards the target, never below 0; None when it is not measured."""
    money = DecimalField(max_digits=16, decimal_places=2)
    towards_target = Case(
        When(
            GreaterThanOrEqual(F("target"), F("baseline")), then=F("latest_value") - F("baseline")
        ),
        default=F("baseline") - F("latest_value"),
        output_field=money,
    )
    return Case(
        When(latest_value__isnull=True, then=Value(None)),
        default=Greatest(towards_target, Value(Decimal(0)), output_field=money),
        output_field=money,
    )


def benefit_cells(organisation: Organisation) -> dict[GroupKey, BenefitFigures]:
    """Figures per (benefit kind, unit, year): two grouped queries, benefits and indicators,
    so that a benefit's expected value is not counted once per indicator. The overview sums
    them here; the strategy's KPIs (maturity.selectors.kpis) sum the same cells."""
    cells: dict[GroupKey, BenefitFigures] = {}
    no_indicator = ~Exists(Indicator.objects.filter(benefit=OuterRef("pk")))
    benefits = (
        Benefit.objects.filter(organisation=organisation)
        .values(
            "kind",
            unit_id=F("initiative__idea__unit_id"),
            unit_name=F("initiative__idea__unit__name"),
            year=ExtractYear("realisation_date"),
        )
        .annotate(
            count=Count("pk"),
            amount=Sum("expected_amount"),
            hours=Sum("expected_hours"),
            unmeasurable=Count("pk", filter=Q(no_indicator)),
        )
        .order_by()
    )
    for row in benefits:
        figures = cells.setdefault(_key(row), BenefitFigures())
        figures.benefits += row["count"]
        figures.expected_amount += row["amount"] or 0
        figures.expected_hours += row["hours"] or 0
        figures.without_indicators += row["unmeasurable"]
    indicators = (
        Indicator.objects.filter(benefit__organisation=organisation)
        .alias(gain=realised_by_latest())
        .values(
            "unit",
            kind=F("benefit__kind"),
            unit_id=F("benefit__initiative__idea__unit_id"),
            unit_name=F("benefit__initiative__idea__unit__name"),
            year=ExtractYear("benefit__realisation_date"),
        )
        .annotate(
            count=Count("pk"),
            measured=Count("gain"),  # NULL: not measured
            realised=Sum("gain"),
        )
        .order_by()
    )
    for group in indicators:
        figures = cells.setdefault(_key(group), BenefitFigures())
        figures.indicators += group["count"]
        figures.measured += group["measured"]
        if group["unit"] == MeasureUnit.NOK:
            figures.realised_amount += group["realised"] or 0
        elif group["unit"] == MeasureUnit.HOURS:
            figures.realised_hours += group["realised"] or 0
    return cells


def _key(row: Mapping[str, Any]) -> GroupKey:
    return (row["kind"], row["unit_id"], row["unit_name"], row["year"])


def _rows(cells: dict[GroupKey, BenefitFigures], part: Callable[[GroupKey], Any]) -> list[Any]:
    grouped: dict[Any, BenefitFigures] = {}
    for key, figures in cells.items():
        grouped.setdefault(part(key), BenefitFigures()).add(figures)
    return list(grouped.items())


def benefit_overview(
    *, organisation: Organisation, cells: dict[GroupKey, BenefitFigures] | None = None
) -> BenefitOverview:
    """The portfolio's benefits: expected against realised per kind, unit and year, the
    freed hours in total, and how many initiatives are «nyttiggjort». Every sum is made in the
    database; a fixed number of queries however many benefits and measurements. `cells`:
    `benefit_cells(organisation)` when the caller has them already (not read again)."""
    if cells is None:
        cells = benefit_cells(organisation)
    total = BenefitFigures()
    for figures in cells.values():
        total.add(figures)
    kinds = dict(_rows(cells, lambda key: key[0]))
    by_kind = [OverviewRow(kind, kinds.get(kind.value, BenefitFigures())) for kind in BenefitKind]
    units = sorted(
        _rows(cells, lambda key: (key[1], key[2])),
        key=lambda item: (item[0][1] is None, (item[0][1] or "").lower(), item[0][0] or 0),
    )
    years = sorted(_rows(cells, lambda key: key[3]), key=lambda item: (item[0] is None, item[0]))
    counts = Initiative.objects.for_organisation(organisation).aggregate(
        initiatives=Count("pk"), put_to_use=Count("pk", filter=put_to_use_q())
    )
    return BenefitOverview(
        by_kind=by_kind,
        by_unit=[OverviewRow(name, figures) for (_pk, name), figures in units],
        by_year=[OverviewRow(year, figures) for year, figures in years],
        total=total,
        per_fte=hours_per_fte(organisation),
        initiatives=counts["initiatives"],
        put_to_use=counts["put_to_use"],
    )


def benefits_without_indicators(*, organisation: Organisation) -> QuerySet[Benefit]:
    """Benefits nobody can measure yet: flagged in the overview, never left out."""
    return (
        Benefit.objects.filter(organisation=organisation)
        .filter(~Exists(Indicator.objects.filter(benefit=OuterRef("pk"))))
        .select_related("initiative__idea", "owner", "responsible")
        .order_by("initiative__idea__title", "created_at", "pk")
    )
