"""The «bare view» floor for the leaders' dashboard benchmark.

A minimal view behind the same middleware as every page (session, login, membership, CSP,
htmx …) that fetches the aggregates the dashboard shows with plain `values()`/`aggregate()`
queries and renders them in plain tables inside `base.html`: no selectors layer, no
dataclasses, no chart partials. What the dashboard costs beyond this is its own structure
(selectors, charts, partials); the issue asks that it stay within 2× of the floor.

It is mounted only in `bench.urls` (the project's URLconf plus this one path), so it never
ships in the app and needs no row in the access table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import ExtractYear, TruncMonth
from django.http import HttpResponse
from django.template import engines
from django.utils import timezone

from ideas.models import Idea, IdeaStatus
from maturity.models import (
    AgreedLevel,
    Kpi,
    KpiValue,
    MaturityLevel,
    MeasureStatus,
    StrategicMeasure,
    StrategyPeriod,
)
from maturity.permissions import LEADERS
from maturity.selectors.kpis import Median
from maturity.selectors.staircase import targets_for
from portal.access import role_required
from portal.http import HtmxRequest
from portal.models import Organisation, Unit
from portal.params import parse_int
from portfolio.models import (
    Benefit,
    Indicator,
    Initiative,
    MeasureUnit,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
)
from portfolio.selectors.benefits import never_counted_ideas, realised_by_latest
from portfolio.selectors.flow import active_phases, days

YEARS_SHOWN = 5  # innovations taken into use per year: this year and the four before
INNOVATION_WINDOW = timedelta(days=730)  # innovasjonsgrad: the last 24 months
MONTHS_OF_THROUGHPUT = 12


def initiatives_taken_into_use(organisation: Organisation) -> QuerySet[Initiative]:
    """«Nyttiggjort» as `maturity.selectors.kpis` counts it, one row per initiative: in use
    now (the maintained `in_use_since`, when it last entered an in-use phase), at least one
    of its benefits measured (an indicator's maintained latest measurement), its idea
    neither withdrawn nor merged."""
    measured = Indicator.objects.filter(
        benefit__initiative_id=OuterRef("pk"), latest_measured_on__isnull=False
    )
    return (
        Initiative.objects.filter(organisation=organisation, in_use_since__isnull=False)
        .exclude(idea_id__in=never_counted_ideas(organisation))
        .filter(Exists(measured))
    )


def year_start(year: int) -> datetime:
    return timezone.make_aware(datetime(year, 1, 1))  # noqa: DTZ001 (made aware)


def year_end(year: int) -> datetime:
    return year_start(year + 1) - timedelta(microseconds=1)


def floor_figures(organisation: Organisation, year: int) -> dict[str, Any]:
    """Every figure the leaders' dashboard shows for `year`, each by one plain query."""
    now = timezone.now()
    today = timezone.localdate()
    settings = (
        PortfolioSettings.objects.filter(organisation=organisation)
        .values("stalled_after_days", "hours_per_fte")
        .first()
    ) or {"stalled_after_days": 30, "hours_per_fte": Decimal("1695.0")}
    stalled_days = settings["stalled_after_days"]
    stalled_before = now - timedelta(days=stalled_days)
    initiatives = Initiative.objects.filter(organisation=organisation)
    taken_into_use = initiatives_taken_into_use(organisation)

    inbox_by_type = list(
        Idea.objects.filter(organisation=organisation, status=IdeaStatus.SUBMITTED)
        .values("innovation_type__name")
        .annotate(n=Count("pk"))
        .order_by("innovation_type__name")
    )
    by_phase_type = list(
        initiatives.filter(phase__kind=PhaseKind.ACTIVE)
        .values("phase__order", "phase__name", "idea__innovation_type__name")
        .annotate(
            n=Count("pk"),
            stalled=Count("pk", filter=Q(phase_entered_at__lt=stalled_before)),
        )
        .order_by("phase__order", "idea__innovation_type__name")
    )
    secondary = Idea.secondary_types.through.objects.filter(idea_id=OuterRef("idea_id"))
    put_to_use = list(
        taken_into_use.filter(
            in_use_since__year__gte=year - YEARS_SHOWN + 1, in_use_since__year__lte=year
        )
        .values(year=ExtractYear("in_use_since"), type=F("idea__innovation_type__name"))
        .annotate(
            n=Count("pk"),
            multi_type=Count("pk", filter=Q(Exists(secondary))),
            reused=Count("pk", filter=Q(idea__reuses_solution=True)),
            shared=Count("pk", filter=Q(shared_with_others=True)),
        )
        .order_by("year", "type")
    )
    # Innovasjonsgrad at the end of each of the five years (now, for this year): units with
    # an innovation taken into use in the 24 months before, in one aggregate.
    span = list(range(year - YEARS_SHOWN + 1, year + 1))
    moments = {y: min(year_end(y), now) for y in span if year_start(y) <= now}
    innovation_rate = taken_into_use.aggregate(
        **{
            f"units_{y}": Count(
                "idea__unit",
                distinct=True,
                filter=Q(in_use_since__gt=end - INNOVATION_WINDOW, in_use_since__lte=end),
            )
            for y, end in moments.items()
        }
    )
    units = Unit.objects.filter(organisation=organisation).count()

    # At each year's end: active initiatives, those with a dated baseline, those where the
    # municipality is initiator or partner, and the stalled ones (one aggregate, as the KPIs).
    state: dict[str, Any] = {}
    for y, end in moments.items():
        active = Q(visits__phase__kind=PhaseKind.ACTIVE, visits__entered_at__lte=end) & (
            Q(visits__left_at__isnull=True) | Q(visits__left_at__gt=end)
        )
        baseline = Exists(
            Indicator.objects.filter(
                benefit__initiative=OuterRef("pk"), baseline_date__lte=end.date()
            )
        )
        state[f"active_{y}"] = Count("pk", distinct=True, filter=active)
        state[f"baseline_{y}"] = Count("pk", distinct=True, filter=active & Q(baseline))
        state[f"initiator_{y}"] = Count("pk", distinct=True, filter=active & Q(role__gte=3))
        state[f"stalled_{y}"] = Count(
            "pk",
            distinct=True,
            filter=active & Q(visits__entered_at__lt=end - timedelta(days=stalled_days)),
        )
    counted = initiatives.exclude(idea_id__in=never_counted_ideas(organisation))
    states = counted.aggregate(**state)
    roles = list(
        counted.filter(phase__kind=PhaseKind.ACTIVE)
        .values("role")
        .annotate(n=Count("pk"))
        .order_by("role")
    )
    expected = list(
        Benefit.objects.filter(organisation=organisation)
        .values(year=ExtractYear("realisation_date"))
        .annotate(hours=Sum("expected_hours"), amount=Sum("expected_amount"), benefits=Count("pk"))
        .order_by("year")
    )
    realised = list(
        Indicator.objects.filter(
            benefit__organisation=organisation, unit__in=[MeasureUnit.HOURS, MeasureUnit.NOK]
        )
        .alias(gain=realised_by_latest())
        .values("unit", year=ExtractYear("benefit__realisation_date"))
        .annotate(realised=Sum("gain"), measured=Count("gain"), indicators=Count("pk"))
        .order_by("unit", "year")
    )
    # Median days per phase of the active-phase stays that ended in the year: PostgreSQL's
    # PERCENTILE_CONT, as the KPIs compute it there.
    phases = active_phases(organisation=organisation)
    stays = PhaseVisit.objects.filter(
        initiative__organisation=organisation, phase__kind=PhaseKind.ACTIVE
    ).exclude(initiative__idea_id__in=never_counted_ideas(organisation))
    length = ExpressionWrapper(F("left_at") - F("entered_at"), output_field=DurationField())
    medians = dict(
        stays.filter(left_at__gte=year_start(year), left_at__lt=year_start(year + 1))
        .values("phase_id")
        .annotate(median=Median(length))
        .values_list("phase_id", "median")
    )
    median_days = [(phase, days(medians.get(phase.pk))) for phase in phases]
    since = now - timedelta(days=31 * MONTHS_OF_THROUGHPUT)
    throughput = list(
        PhaseVisit.objects.filter(initiative__organisation=organisation, entered_at__gte=since)
        .values(month=TruncMonth("entered_at"))
        .annotate(
            entered=Count("initiative_id", distinct=True),
            closed=Count("initiative_id", distinct=True, filter=Q(phase__kind=PhaseKind.CLOSED)),
        )
        .order_by("month")
    )
    visits_in_span = PhaseVisit.objects.filter(
        initiative__organisation=organisation, entered_at__gte=year_start(span[0])
    )
    moved_per_year = list(
        visits_in_span.values(year=ExtractYear("entered_at"))
        .annotate(moved=Count("initiative_id", distinct=True))
        .order_by("year")
    )
    # Median days of the active-phase stays that ended in each year.
    median_per_year = dict(
        stays.filter(left_at__gte=year_start(span[0]))
        .annotate(bucket=ExtractYear("left_at"))
        .values("bucket")
        .annotate(median=Median(length))
        .values_list("bucket", "median")
    )

    periods = list(
        StrategyPeriod.objects.filter(organisation=organisation).select_related("target_level")
    )
    targets = targets_for(periods, year)
    levels = list(
        MaturityLevel.objects.filter(organisation=organisation).values("level", "name", "stance")
    )
    agreed = (
        AgreedLevel.objects.filter(
            assessment__organisation=organisation, assessment__year__lte=year
        )
        .select_related("level", "assessment")
        .order_by("-assessment__year", "-version")
        .first()
    )
    measures = list(
        StrategicMeasure.objects.filter(organisation=organisation, period=targets.current)
        .values("status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(due_date__lt=today) & ~Q(status=MeasureStatus.DONE)),
        )
        .order_by("status")
    )
    kpis = list(
        Kpi.objects.filter(organisation=organisation).values("pk", "name", "metric", "target")
    )
    kpi_values = list(
        KpiValue.objects.filter(
            kpi__organisation=organisation, year__gt=year - YEARS_SHOWN, year__lte=year
        )
        .values("kpi_id", "year", "value")
        .order_by("kpi_id", "year")
    )
    return {
        "year": year,
        "inbox_by_type": inbox_by_type,
        "initiatives_by_phase_type": by_phase_type,
        "stalled": sum(row["stalled"] for row in by_phase_type),
        "states": states,
        "moved_per_year": moved_per_year,
        "median_per_year": median_per_year,
        "put_to_use": put_to_use,
        "innovation_rate": innovation_rate,
        "units": units,
        "roles": roles,
        "expected": expected,
        "realised": realised,
        "hours_per_fte": settings["hours_per_fte"],
        "median_days": [{"phase": phase.name, "days": days} for phase, days in median_days],
        "throughput": throughput,
        "levels": levels,
        "targets": targets,
        "agreed": agreed,
        "measures": measures,
        "kpis": kpis,
        "kpi_values": kpi_values,
    }


# Compiled once, as the cached template loader does for the app's templates off DEBUG.
FLOOR_TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Gulv for ledernes oversikt {{ year }}{% endblock %}
{% block content %}
<h1>Gulv {{ year }}</h1>
<p>Omforent nivå: {{ agreed.level.name|default:"–" }} ({{ agreed.assessment.year }}).
Mål i år: {{ targets.current.target_level.name|default:"–" }};
neste: {{ targets.next.target_level.name|default:"–" }}.</p>
<ul>{% for level in levels %}<li>{{ level.level }}. {{ level.name }}: {{ level.stance }}</li>
{% endfor %}</ul>
<table class="ds-table"><caption>Tiltak</caption>
{% for row in measures %}<tr><td>{{ row.status }}</td><td>{{ row.n }}</td>
<td>{{ row.overdue }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Nøkkeltall</caption>
{% for kpi in kpis %}<tr><td>{{ kpi.name }}</td><td>{{ kpi.target|default:"" }}</td></tr>
{% endfor %}{% for value in kpi_values %}<tr><td>{{ value.kpi_id }}</td><td>{{ value.year }}</td>
<td>{{ value.value }}</td></tr>{% endfor %}</table>
<p>Enheter: {{ units }}. Stopper opp: {{ stalled }}.</p>
<table class="ds-table"><caption>Per år</caption>
{% for key, value in innovation_rate.items %}<tr><td>{{ key }}</td><td>{{ value }}</td></tr>
{% endfor %}{% for key, value in states.items %}<tr><td>{{ key }}</td><td>{{ value }}</td></tr>
{% endfor %}{% for row in moved_per_year %}<tr><td>{{ row.year }}</td><td>{{ row.moved }}</td></tr>
{% endfor %}{% for key, value in median_per_year.items %}<tr><td>{{ key }}</td><td>{{ value }}</td>
</tr>{% endfor %}</table>
<table class="ds-table"><caption>Roller</caption>
{% for row in roles %}<tr><td>{{ row.role }}</td><td>{{ row.n }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Tatt i bruk per år og type</caption>
{% for row in put_to_use %}<tr><td>{{ row.year }}</td><td>{{ row.type }}</td><td>{{ row.n }}</td>
<td>{{ row.multi_type }}</td><td>{{ row.reused }}</td><td>{{ row.shared }}</td></tr>
{% endfor %}</table>
<table class="ds-table"><caption>Innkommet per type</caption>
{% for row in inbox_by_type %}<tr><td>{{ row.innovation_type__name }}</td><td>{{ row.n }}</td>
</tr>{% endfor %}</table>
<table class="ds-table"><caption>Initiativ per fase og type</caption>
{% for row in initiatives_by_phase_type %}<tr><td>{{ row.phase__name }}</td>
<td>{{ row.idea__innovation_type__name }}</td><td>{{ row.n }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Forventet ({{ hours_per_fte }} timer per årsverk)</caption>
{% for row in expected %}<tr><td>{{ row.year }}</td><td>{{ row.hours|default:0 }}</td>
<td>{{ row.amount|default:0 }}</td><td>{{ row.benefits }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Realisert</caption>
{% for row in realised %}<tr><td>{{ row.unit }} {{ row.year }}</td>
<td>{{ row.realised|default:0 }}</td>
<td>{{ row.measured }} av {{ row.indicators }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Median dager per fase</caption>
{% for row in median_days %}<tr><td>{{ row.phase }}</td>
<td>{{ row.days|floatformat:0 }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Gjennomstrømning</caption>
{% for row in throughput %}<tr><td>{{ row.month|date:"Y-m" }}</td><td>{{ row.entered }}</td>
<td>{{ row.closed }}</td></tr>{% endfor %}</table>
{% endblock %}"""
)


def parse_year(raw: str | None) -> int:
    """`?ar=` as the dashboard reads it: ASCII digits 2000–2100, else this year."""
    this_year = timezone.localdate().year
    return parse_int(raw, default=this_year, minimum=2000, maximum=2100)


@role_required(*LEADERS)
def floor_view(request: HtmxRequest) -> HttpResponse:
    figures = floor_figures(request.organisation, parse_year(request.GET.get("ar")))
    return HttpResponse(FLOOR_TEMPLATE.render(figures, request))
