"""The KPIs of the strategy: one selector per computed KPI, used by the leaders' dashboard,
the CSV/XLSX export and the council report alike, so that the three never disagree.

Definitions (the texts users see are the KPI definitions in `maturity.defaults.KPIS`):

- An initiative is **taken into use** («nyttiggjort») when `portfolio.selectors.benefits.
  put_to_use_q` holds for it now: it is in a phase where the solution is in use
  (`Phase.in_use`), or has been and has since only moved on to a later phase (such as
  «Avsluttet»), and at least one of its benefits is measured. Moved back to an earlier phase
  that is not in use, it no longer counts. Ideas withdrawn or merged never count. The moment
  it was taken into use is the latest `PhaseVisit.entered_at` of an in-use phase, kept on the
  initiative as `Initiative.in_use_since` (`portfolio.services.derived`).
- **Innovasjonsgrad** for year Y (KS Innovasjonsbarometeret): the share of the organisation's
  active units (`portal.Unit.is_active`) with at least one innovation (through `idea.unit`)
  taken into use in the 24 months ending 31 December Y, or today for the current year. With a
  unit filter the denominator is that unit. Without units it has no value (not 0 %).
- **Innovations taken into use** in year Y, by type (`idea.innovation_type`); the share that
  combines two or more types (a secondary type other than the primary); those that reuse a
  solution from others (`idea.reuses_solution`) and those shared with others
  (`initiative.shared_with_others`); who initiated them (`idea.initiator`).
- **Freed hours, årsverk and kroner**: the benefit figures of `portfolio.selectors.benefits`
  (realised = the latest measurement of each indicator, towards its target), for benefits
  with a realisation date up to and including year Y or none, against the expected figures.
  Årsverk are hours divided by the hours per årsverk of the portfolio settings.
- **State at the end of a year** (31 December, or now for the current year), rebuilt from the
  phase visits: an initiative is *active* when it was then in an active phase. The share of
  them with a benefit indicator whose baseline (nullpunktsmåling) was dated by then; the share
  where the municipality's role is level 3 (Initiativtaker) or higher (the role as it stands
  now: roles keep no history); those *stalled*, in the same phase longer than
  `portfolio.selectors.phases.stalled_after` days.
- **Median days in phase**: the median length of the stays in an active phase that ended (the
  phase was left) in year Y. **Throughput**: initiatives moved forward in year Y, to an active
  phase later on the board than the one they left.
- Hand-entered KPIs (`Kpi.metric == ""`) take their yearly `KpiValue`.

Years after the current one have no values. Every figure is a database aggregate: one query
per metric family for the whole trend window (grouped or filtered by year), so `kpi_table`
makes a fixed number of queries however many KPIs, years and initiatives there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import CumeDist, ExtractYear, Lag
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ideas.models import Idea, Initiator, InnovationType, InnovationTypeCode
from maturity.defaults import KPIS
from maturity.models import Kpi, KpiUnit, KpiValue
from portal.models import Organisation, Unit
from portfolio.models import Initiative, MunicipalRole, Phase, PhaseKind, PhaseVisit
from portfolio.roles import role_levels
from portfolio.selectors.benefits import (
    BenefitFigures,
    GroupKey,
    benefit_cells,
    fte,
    never_counted_ideas,
    put_to_use_q,
)
from portfolio.selectors.phases import hours_per_fte, stalled_after

ONE_DECIMAL = Decimal("0.1")
SECONDS_PER_DAY = Decimal(86_400)
# The lowest role that counts as the municipality taking the initiative.
INITIATOR_LEVEL = MunicipalRole.INITIATOR


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int
    percent: Decimal | None  # None when there is nothing to divide by


def share(numerator: int, denominator: int) -> Share:
    """`numerator` of `denominator` in per cent, to one decimal, half up."""
    if not denominator:
        return Share(numerator, denominator, None)
    percent = (Decimal(numerator) * 100 / denominator).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return Share(numerator, denominator, percent)


@dataclass(frozen=True)
class YearValue:
    year: int
    value: Decimal | None


@dataclass(frozen=True)
class Figure:
    """One computed KPI for one year."""

    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    expected: Decimal | None = None

    @classmethod
    def of_share(cls, part: Share) -> Figure:
        return cls(part.percent, part.numerator, part.denominator)


NO_FIGURE = Figure(None)


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    value: Decimal | None
    expected: Decimal | None  # only for freed_hours, freed_fte and realised_nok
    target: Decimal | None
    on_target: bool | None  # None when there is no target or no value
    trend: list[YearValue]  # oldest first, `years` years ending at `year`
    definition: str
    source: str
    numerator: int | None  # for shares, e.g. 5 of 8 units
    denominator: int | None


# Moments ---------------------------------------------------------------------------------


def start_of(year: int) -> datetime:
    """Midnight on 1 January, local time."""
    return datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())


def end_of(year: int, now: datetime) -> datetime | None:
    """The moment a year's state is read at: 1 January after it, or now for the current
    year; None for a year still to come."""
    if start_of(year) > now:
        return None
    return min(start_of(year + 1), now)


def last_day(year: int, now: datetime) -> date:
    return min(date(year, 12, 31), timezone.localdate(now))


def two_years_before(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - 2)
    except ValueError:  # 29 February
        return local.replace(year=local.year - 2, day=28)


def _in(field: str, start: datetime, end: datetime, now: datetime) -> Q:
    """`field` within [start, end); the current year's window ends now, now included."""
    upper = f"{field}__lte" if end == now else f"{field}__lt"
    return Q(**{f"{field}__gte": start, upper: end})


def _days(duration: timedelta) -> Decimal:
    return (Decimal(duration.total_seconds()) / SECONDS_PER_DAY).quantize(
        ONE_DECIMAL, ROUND_HALF_UP
    )


def _median(values: list[timedelta]) -> Decimal | None:
    if not values:
        return None
    return _days(sum(values, timedelta()) / len(values))


# The querysets the figures are made from ----------------------------------------------------


def counted_initiatives(
    organisation: Organisation, unit: Unit | None = None
) -> QuerySet[Initiative]:
    """The organisation's initiatives that may count (not withdrawn or merged), of a unit."""
    initiatives = Initiative.objects.for_organisation(organisation).exclude(
        idea_id__in=never_counted_ideas(organisation)
    )
    if unit is not None:
        initiatives = initiatives.filter(idea__unit=unit)
    return initiatives


def taken_into_use(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The initiatives «nyttiggjort» now; each one's `in_use_since` (maintained on the row,
    see `portfolio.services.derived`) is when it was taken into use: its latest entry into
    an in-use phase."""
    return initiatives.filter(put_to_use_q())


def used_in(start: datetime, end: datetime) -> Q:
    """On `taken_into_use`: taken into use within [start, end)."""
    return Q(in_use_since__gte=start, in_use_since__lt=end)


def active_at(moment: datetime) -> Q:
    """On initiatives: a phase visit shows it was in an active phase at `moment`."""
    return Q(visits__phase__kind=PhaseKind.ACTIVE, visits__entered_at__lte=moment) & (
        Q(visits__left_at__isnull=True) | Q(visits__left_at__gt=moment)
    )


def _multi_type() -> Exists:
    """On initiatives: the idea has a secondary type besides its primary one."""
    through = Idea.secondary_types.through
    return Exists(
        through.objects.filter(idea_id=OuterRef("idea_id")).exclude(
            innovationtype_id=OuterRef("idea__innovation_type_id")
        )
    )


class Scope:
    """The organisation, unit and years a set of KPIs is read for. Each family of figures is
    one query, made the first time a KPI of the family asks for it."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        unit: Unit | None,
        years: list[int],
        now: datetime | None = None,
        cells: dict[GroupKey, BenefitFigures] | None = None,
        per_fte: Decimal | None = None,
        stalled_days: int | None = None,
    ) -> None:
        self.organisation = organisation
        # The benefit cells, hours per årsverk and stalled-after days, when the caller has
        # read them already.
        self._cells = cells
        self._per_fte = per_fte
        self._stalled_days = stalled_days
        self.unit = unit
        self.years = sorted(years)
        self.now = now or timezone.now()
        # Years whose state can be read (not in the future), with the moment to read it at.
        self.moments: dict[int, datetime] = {
            year: moment for year in self.years if (moment := end_of(year, self.now))
        }

    def is_future(self, year: int) -> bool:
        return year not in self.moments

    @cached_property
    def initiatives(self) -> QuerySet[Initiative]:
        return counted_initiatives(self.organisation, self.unit)

    @cached_property
    def put_to_use_by_year_and_type(self) -> dict[tuple[int, str | None], dict[str, Any]]:
        """Per (year, primary type code): taken into use, combining types, reusing, shared.
        Each initiative has one such visit and one primary type, so it falls in exactly one
        group and the groups add up to the year's figures."""
        if not self.moments:
            return {}
        rows = (
            taken_into_use(self.initiatives)
            .filter(used_in(start_of(self.years[0]), start_of(self.years[-1] + 1)))
            .annotate(year=ExtractYear("in_use_since"))
            .values("year", code=F("idea__innovation_type__code"))
            .annotate(
                total=Count("pk"),
                multi=Count("pk", filter=Q(_multi_type())),
                reused=Count("pk", filter=Q(idea__reuses_solution=True)),
                shared=Count("pk", filter=Q(shared_with_others=True)),
            )
            .order_by()
        )
        return {(row["year"], row["code"]): dict(row) for row in rows}

    @cached_property
    def put_to_use(self) -> dict[int, dict[str, int]]:
        """Per year: taken into use, combining types, reusing, shared."""
        years: dict[int, dict[str, int]] = {}
        for (year, _code), row in self.put_to_use_by_year_and_type.items():
            counts = years.setdefault(year, {"total": 0, "multi": 0, "reused": 0, "shared": 0})
            for key in counts:
                counts[key] += row[key]
        return years

    def put_to_use_by_type(self, year: int) -> dict[str | None, int]:
        """Taken into use in the year per primary type code (None: no type)."""
        return {
            code: row["total"]
            for (row_year, code), row in self.put_to_use_by_year_and_type.items()
            if row_year == year
        }

    def put_to_use_in(self, year: int, key: str) -> int:
        return int(self.put_to_use.get(year, {}).get(key, 0))

    @cached_property
    def innovation_rate(self) -> dict[int, Share]:
        if not self.moments:
            return {}
        if self.unit is not None:
            denominator = 1
            users = taken_into_use(self.initiatives)
        else:
            denominator = Unit.objects.filter(
                organisation=self.organisation, is_active=True
            ).count()
            if not denominator:
                return {year: share(0, 0) for year in self.moments}
            users = taken_into_use(self.initiatives).filter(idea__unit__is_active=True)
        windows = {
            f"units_{year}": Count(
                "idea__unit",
                distinct=True,
                filter=_in("in_use_since", two_years_before(end), end, self.now),
            )
            for year, end in self.moments.items()
        }
        counts = users.aggregate(**windows)
        return {year: share(counts[f"units_{year}"] or 0, denominator) for year in self.moments}

    @cached_property
    def state(self) -> dict[int, dict[str, int]]:
        """Per year, at its end: active initiatives, with a dated baseline, with the
        municipality as initiator or partner, and stalled.

        One pass over the stays in active phases that overlap the years: each stay carries
        its initiative's first baseline date and role, is joined with the year ends it
        covers, and an initiative counts in a year when one of its stays covers the year's
        end. The stays are an ORM query; the join with the year ends (a VALUES list) is SQL
        of its own, four counts per year instead of twenty filtered aggregates to build."""
        if not self.moments:
            return {}
        days = self._stalled_days
        if days is None:
            days = stalled_after(self.organisation)
        moments = list(self.moments.values())
        stays = (
            self.active_visits()
            .filter(entered_at__lte=max(moments))
            .exclude(left_at__lte=min(moments))
            # Grouped per stay: one row each however many indicators the initiative has.
            .annotate(
                first_baseline=Min("initiative__benefits__indicators__baseline_date"),
                role=Min("initiative__role"),
            )
            .values("initiative_id", "entered_at", "left_at", "first_baseline", "role")
        )
        stays_sql, stays_params = stays.query.sql_with_params()
        ops = connection.ops
        year_ends: list[Any] = []
        for year, moment in self.moments.items():
            year_ends += [
                year,
                ops.adapt_datetimefield_value(moment),
                ops.adapt_datefield_value(last_day(year, self.now)),
                ops.adapt_datetimefield_value(moment - timedelta(days=days)),
            ]
        # Only placeholders go into the text: the values are parameters, the stays the ORM's.
        values = ", ".join(["(%s, %s, %s, %s)"] * len(self.moments))
        sql = f"""
            WITH year_end (year, moment, last_day, stalled_before) AS (VALUES {values})
            SELECT year_end.year,
                COUNT(DISTINCT stay.initiative_id),
                COUNT(DISTINCT CASE WHEN stay.first_baseline <= year_end.last_day
                    THEN stay.initiative_id END),
                COUNT(DISTINCT CASE WHEN stay.role >= %s THEN stay.initiative_id END),
                COUNT(DISTINCT CASE WHEN stay.entered_at < year_end.stalled_before
                    THEN stay.initiative_id END)
            FROM ({stays_sql}) stay
            JOIN year_end ON stay.entered_at <= year_end.moment
                AND (stay.left_at IS NULL OR stay.left_at > year_end.moment)
            GROUP BY year_end.year"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [*year_ends, INITIATOR_LEVEL, *stays_params])
            found = {row[0]: row[1:] for row in cursor.fetchall()}
        keys = ("active", "baseline", "initiator", "stalled")
        return {
            year: dict(zip(keys, found.get(year, (0, 0, 0, 0)), strict=True))
            for year in self.moments
        }

    @cached_property
    def per_fte(self) -> Decimal:
        if self._per_fte is not None:
            return self._per_fte
        return hours_per_fte(self.organisation)

    @cached_property
    def benefit_cells(self) -> list[tuple[int | None, int | None, BenefitFigures]]:
        """(unit id, realisation year, figures) of the portfolio's benefit overview."""
        cells = self._cells if self._cells is not None else benefit_cells(self.organisation)
        return [
            (unit_id, year, figures) for (_kind, unit_id, _name, year), figures in cells.items()
        ]

    def benefits_by(self, year: int) -> BenefitFigures:
        """Benefits due by the end of the year (or with no date), of the unit if one."""
        if year not in self.benefits_due:
            self.benefits_due[year] = self._benefits_due([year])[year]
        return self.benefits_due[year]

    @cached_property
    def benefits_due(self) -> dict[int, BenefitFigures]:
        """`benefits_by` for every year of the scope: the cells summed once per year rather
        than once per KPI and year."""
        return self._benefits_due(self.years)

    def _benefits_due(self, years: list[int]) -> dict[int, BenefitFigures]:
        totals = {year: BenefitFigures() for year in years}
        for unit_id, due, figures in self.benefit_cells:
            if self.unit is not None and unit_id != self.unit.pk:
                continue
            for year, total in totals.items():
                if due is None or due <= year:
                    total.add(figures)
        return totals

    def active_visits(self) -> QuerySet[PhaseVisit]:
        visits = PhaseVisit.objects.filter(
            initiative__organisation=self.organisation, phase__kind=PhaseKind.ACTIVE
        ).exclude(initiative__idea_id__in=never_counted_ideas(self.organisation))
        if self.unit is not None:
            visits = visits.filter(initiative__idea__unit=self.unit)
        return visits

    def _window(self) -> tuple[datetime, datetime]:
        return start_of(self.years[0]), start_of(self.years[-1] + 1)

    @cached_property
    def median_days(self) -> dict[int, Decimal | None]:
        if not self.moments:
            return {}
        start, end = self._window()
        visits = self.active_visits().filter(left_at__gte=start, left_at__lt=end)
        found = _middle_durations(visits, partition="year")
        return {year: _median(found.get(year, [])) for year in self.moments}

    @cached_property
    def throughput(self) -> dict[int, int]:
        if not self.moments:
            return {}
        start, end = self._window()
        # Each visit with the board order of the phase visited before it (the initiative's
        # previous visit, by entry): one window over the organisation's visits, not a
        # lookup per visit. Two visits of one initiative never share an entry moment (a
        # move records a new visit at its own moment), so «previous» is well defined.
        forward = (
            PhaseVisit.objects.filter(initiative__organisation=self.organisation)
            .annotate(
                left_order=Window(
                    Lag("phase__order"),
                    partition_by=[F("initiative_id")],
                    order_by=[F("entered_at").asc(), F("id").asc()],
                )
            )
            .filter(phase__order__gt=F("left_order"))
            .values("pk")
        )
        rows = (
            self.active_visits()
            .filter(entered_at__gte=start, entered_at__lt=end, pk__in=forward)
            .annotate(year=ExtractYear("entered_at"))
            .values("year")
            .annotate(moved=Count("initiative", distinct=True))
            .order_by()
        )
        return {row["year"]: row["moved"] for row in rows}


class Median(Aggregate):
    """PostgreSQL's median of durations: the middle value, or the mean of the middle two
    (`PERCENTILE_CONT(0.5)`, an ordered-set aggregate SQLite lacks)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _middle_durations(
    visits: QuerySet[PhaseVisit], *, partition: str
) -> dict[Any, list[timedelta]]:
    """The middle one or two visit lengths per group (`year` of leaving, or `phase_id`),
    whose mean is the group's median.

    The database ranks the lengths within each group from below and from above (CUME_DIST,
    ties broken by id); the middle ones have at least half at or below them and at least
    half at or above (as `portfolio.selectors.flow.median_days_per_phase` does). On
    PostgreSQL it computes the median itself (`Median`): the same figure, cheaper."""
    length = ExpressionWrapper(F("left_at") - F("entered_at"), output_field=DurationField())
    group = ExtractYear("left_at") if partition == "year" else F("phase_id")
    if connection.vendor == "postgresql":
        # The same median in one sort per group instead of two windows over every stay.
        medians = (
            visits.order_by()
            .annotate(bucket=group)
            .values("bucket")
            .annotate(median=Median(length))
            .values_list("bucket", "median")
        )
        return {key: [median] for key, median in medians}
    middle = (
        visits.order_by()
        .annotate(bucket=group, length=length)
        .annotate(
            from_below=Window(
                CumeDist(), partition_by=[F("bucket")], order_by=[F("length").asc(), F("id")]
            ),
            from_above=Window(
                CumeDist(),
                partition_by=[F("bucket")],
                order_by=[F("length").desc(), F("id").desc()],
            ),
        )
        .filter(from_below__gte=0.5, from_above__gte=0.5)
        .values_list("bucket", "length")
    )
    found: dict[Any, list[timedelta]] = {}
    for key, duration in middle:
        found.setdefault(key, []).append(duration)
    return found


# The metrics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    definition: str
    unit: str  # a KpiUnit
    higher_is_better: bool
    figure: Callable[[Scope, int], Figure]
    has_expected: bool = False


def _count(key: str) -> Callable[[Scope, int], Figure]:
    def figure(scope: Scope, year: int) -> Figure:
        return Figure(Decimal(scope.put_to_use_in(year, key)))

    return figure


def _multi_type_share(scope: Scope, year: int) -> Figure:
    return Figure.of_share(
        share(scope.put_to_use_in(year, "multi"), scope.put_to_use_in(year, "total"))
    )


def _innovation_rate(scope: Scope, year: int) -> Figure:
    return Figure.of_share(scope.innovation_rate[year])


def _state_share(key: str) -> Callable[[Scope, int], Figure]:
    def figure(scope: Scope, year: int) -> Figure:
        state = scope.state[year]
        return Figure.of_share(share(state[key], state["active"]))

    return figure


def _stalled(scope: Scope, year: int) -> Figure:
    return Figure(Decimal(scope.state[year]["stalled"]))


def _freed_hours(scope: Scope, year: int) -> Figure:
    figures = scope.benefits_by(year)
    return Figure(figures.realised_hours, expected=figures.expected_hours)


def _freed_fte(scope: Scope, year: int) -> Figure:
    figures = scope.benefits_by(year)
    return Figure(
        fte(figures.realised_hours, scope.per_fte),
        expected=fte(figures.expected_hours, scope.per_fte),
    )


def _realised_nok(scope: Scope, year: int) -> Figure:
    figures = scope.benefits_by(year)
    return Figure(figures.realised_amount, expected=figures.expected_amount)


def _median_days(scope: Scope, year: int) -> Figure:
    return Figure(scope.median_days[year])


def _throughput(scope: Scope, year: int) -> Figure:
    return Figure(Decimal(scope.throughput.get(year, 0)))


_FIGURES: dict[str, tuple[Callable[[Scope, int], Figure], bool]] = {
    "innovation_rate": (_innovation_rate, False),
    "put_to_use": (_count("total"), False),
    "multi_type_share": (_multi_type_share, False),
    "reused": (_count("reused"), False),
    "shared": (_count("shared"), False),
    "freed_hours": (_freed_hours, True),
    "freed_fte": (_freed_fte, True),
    "realised_nok": (_realised_nok, True),
    "baseline_share": (_state_share("baseline"), False),
    "initiator_share": (_state_share("initiator"), False),
    "median_days_in_phase": (_median_days, False),
    "throughput": (_throughput, False),
    "stalled": (_stalled, False),
}

# The computed KPIs by key, named and defined as the strategy's defaults seed them.
METRICS: dict[str, Metric] = {
    data["metric"]: Metric(
        key=data["metric"],
        name=data["name"],
        definition=data["definition"],
        unit=KpiUnit(data["unit"]).value,
        higher_is_better=data["higher_is_better"],
        figure=_FIGURES[data["metric"]][0],
        has_expected=_FIGURES[data["metric"]][1],
    )
    for data in KPIS
    if data["metric"]
}


def metric_choices() -> list[tuple[str, str]]:
    """For the KPI form: the computed metrics by name."""
    return [(metric.key, metric.name) for metric in METRICS.values()]


# The KPI table ------------------------------------------------------------------------------


def _on_target(kpi: Kpi, value: Decimal | None) -> bool | None:
    if kpi.target is None or value is None:
        return None
    return value >= kpi.target if kpi.higher_is_better else value <= kpi.target


def _hand_source(value: KpiValue | None, year: int, unit: Unit | None) -> str:
    if value is None:
        return _("Ikke registrert for %(year)s") % {"year": year}
    source = _("Kilde: %(source)s, registrert av %(who)s %(date)s") % {
        "source": value.source,
        "who": value.recorded_by,
        "date": date_format(timezone.localtime(value.recorded_at), "j. F Y"),
    }
    if unit is not None:
        source += " " + _("(gjelder hele kommunen)")
    return source


def kpi_scope(
    *,
    organisation: Organisation,
    year: int,
    unit: Unit | None = None,
    years: int = 5,
    cells: dict[GroupKey, BenefitFigures] | None = None,
    per_fte: Decimal | None = None,
    stalled_days: int | None = None,
) -> Scope:
    """The scope `kpi_table` reads its figures from: the `years` years ending at `year`.
    `cells`, `per_fte` and `stalled_days` (`stalled_after`): when the caller has them."""
    span = list(range(year - years + 1, year + 1))
    return Scope(
        organisation=organisation,
        unit=unit,
        years=span,
        cells=cells,
        per_fte=per_fte,
        stalled_days=stalled_days,
    )


def kpi_table(
    *,
    organisation: Organisation,
    year: int,
    unit: Unit | None = None,
    years: int = 5,
    cells: dict[GroupKey, BenefitFigures] | None = None,
    per_fte: Decimal | None = None,
    scope: Scope | None = None,
) -> list[KpiRow]:
    """Every KPI of the organisation for the year, in their order, with their trend over the
    `years` years ending at `year`: a fixed number of queries however many KPIs and years.
    `cells` (`portfolio.selectors.benefits.benefit_cells`) and `per_fte` (`hours_per_fte`):
    when the caller has read them already, for example the dashboard. `scope`: one the
    caller made with `kpi_scope` (same organisation, unit, year and years), so that it can
    read more from it (`put_to_use_by_type(scope=…)`) without repeating the queries."""
    span = list(range(year - years + 1, year + 1))
    if scope is None:
        scope = kpi_scope(
            organisation=organisation,
            year=year,
            unit=unit,
            years=years,
            cells=cells,
            per_fte=per_fte,
        )
    kpis = list(
        Kpi.objects.filter(organisation=organisation)
        .select_related("period", "measure")
        .order_by("order", "pk")
    )
    hand = [kpi.pk for kpi in kpis if not kpi.metric]
    values: dict[tuple[int, int], KpiValue] = {}
    if hand:
        values = {
            (value.kpi_id, value.year): value
            for value in KpiValue.objects.filter(
                kpi_id__in=hand, year__gte=span[0], year__lte=span[-1]
            ).select_related("recorded_by")
        }
    rows = []
    for kpi in kpis:
        metric = METRICS.get(kpi.metric) if kpi.metric else None
        if kpi.metric and metric is None:
            continue  # a metric this version no longer computes
        if metric is not None:
            figures = {
                y: NO_FIGURE if scope.is_future(y) else metric.figure(scope, y) for y in span
            }
            source = _("Beregnet fra porteføljen")
        else:
            figures = {
                y: Figure(values[(kpi.pk, y)].value) if (kpi.pk, y) in values else NO_FIGURE
                for y in span
            }
            source = _hand_source(values.get((kpi.pk, year)), year, unit)
        current = figures[year]
        rows.append(
            KpiRow(
                kpi=kpi,
                value=current.value,
                expected=current.expected,
                target=kpi.target,
                on_target=_on_target(kpi, current.value),
                trend=[YearValue(y, figures[y].value) for y in span],
                definition=kpi.definition,
                source=source,
                numerator=current.numerator,
                denominator=current.denominator,
            )
        )
    return rows


# Breakdowns for the dashboard ---------------------------------------------------------------


def innovation_rate(*, organisation: Organisation, year: int, unit: Unit | None = None) -> Share:
    """Innovasjonsgrad for the year (see the module docstring); 0 of 0 for a future year."""
    scope = Scope(organisation=organisation, unit=unit, years=[year])
    return scope.innovation_rate.get(year, share(0, 0))


def _used_in(organisation: Organisation, year: int, unit: Unit | None) -> QuerySet[Initiative]:
    return taken_into_use(counted_initiatives(organisation, unit)).filter(
        used_in(start_of(year), start_of(year + 1))
    )


def put_to_use_by_type(
    *,
    organisation: Organisation,
    year: int,
    unit: Unit | None = None,
    scope: Scope | None = None,
    types: list[InnovationType] | None = None,
) -> list[tuple[str, int]]:
    """Innovations taken into use in the year per primary type, all four types, zeros too.
    `scope`: the KPI table's (`kpi_scope`, the same organisation and unit, `year` among its
    years), whose yearly counts by type are read already; `types`: the organisation's
    innovation types, when the caller has read them."""
    if scope is None or year not in scope.years:
        scope = Scope(organisation=organisation, unit=unit, years=[year])
    counts = scope.put_to_use_by_type(year)
    if types is None:
        types = list(InnovationType.objects.filter(organisation=organisation))
    names = {kind.code: kind.name for kind in types}
    return [
        (names.get(code.value, str(code.label)), counts.get(code.value, 0))
        for code in InnovationTypeCode
    ]


def initiators(
    *, organisation: Organisation, year: int, unit: Unit | None = None
) -> list[tuple[str, int]]:
    """Innovations taken into use in the year by who initiated them, every kind, zeros too."""
    counts = dict(
        _used_in(organisation, year, unit)
        .values_list("idea__initiator")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [(str(initiator.label), counts.get(initiator.value, 0)) for initiator in Initiator]


def role_mix(*, organisation: Organisation, unit: Unit | None = None) -> list[tuple[str, int]]:
    """Active initiatives now per level of the staircase, named as the organisation names
    the levels; every level, zeros too."""
    counts = dict(
        counted_initiatives(organisation, unit)
        .filter(active_at(timezone.now()))
        .values_list("role")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    return [
        (level.name, counts.get(number, 0)) for number, level in role_levels(organisation).items()
    ]


def median_days_per_phase(
    *,
    organisation: Organisation,
    year: int,
    unit: Unit | None = None,
    phases: list[Phase] | None = None,
) -> list[tuple[str, Decimal | None]]:
    """Per active phase, in board order: the median length in days of the stays in it that
    ended in the year; None for a phase nobody left that year. `phases`: the organisation's
    active phases, when the caller has read them."""
    scope = Scope(organisation=organisation, unit=unit, years=[year])
    if phases is None:
        phases = list(Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE))
    phases = sorted(phases, key=lambda phase: phase.order)
    visits = scope.active_visits().filter(
        left_at__gte=start_of(year), left_at__lt=start_of(year + 1)
    )
    found = _middle_durations(visits, partition="phase")
    return [(phase.name, _median(found.get(phase.pk, []))) for phase in phases]
