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

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, Greatest, TruncMonth
from django.db.models.lookups import GreaterThanOrEqual
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
from maturity.selectors.staircase import targets_for
from portal.access import role_required
from portal.http import HtmxRequest
from portal.models import Organisation, Unit
from portfolio.models import (
    Benefit,
    Indicator,
    Initiative,
    Measurement,
    MeasureUnit,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
)
from portfolio.selectors.flow import active_phases, median_days_per_phase

YEARS_SHOWN = 5  # innovations taken into use per year: this year and the four before
INNOVATION_WINDOW = timedelta(days=730)  # innovasjonsgrad: the last 24 months
MONTHS_OF_THROUGHPUT = 12
MONEY = DecimalField(max_digits=16, decimal_places=2)


def first_in_use() -> Subquery:
    """When the initiative (the outer query) first entered a phase where the solution is in use
    («nyttiggjort»); NULL if it never did. An initiative moved back out of use keeps it."""
    visits = (
        PhaseVisit.objects.filter(initiative=OuterRef("pk"), phase__in_use=True)
        .order_by("entered_at")
        .values("entered_at")[:1]
    )
    return Subquery(visits)


def realised_by_latest() -> Subquery:
    """What the indicator's (the outer query's) latest measurement has realised towards its
    target, never below 0; NULL when it is not measured."""
    baseline, target = OuterRef("baseline"), OuterRef("target")
    towards = Case(
        When(GreaterThanOrEqual(target, baseline), then=F("value") - baseline),
        default=baseline - F("value"),
        output_field=MONEY,
    )
    latest = (
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .order_by("-measured_on", "-id")
        .annotate(realised=Greatest(towards, Value(Decimal(0)), output_field=MONEY))
        .values("realised")[:1]
    )
    return Subquery(latest, output_field=MONEY)


def floor_figures(organisation: Organisation, year: int) -> dict[str, Any]:
    """Every figure the leaders' dashboard shows for `year`, each by one plain query."""
    now = timezone.now()
    today = timezone.localdate()
    settings = (
        PortfolioSettings.objects.filter(organisation=organisation)
        .values("stalled_after_days", "hours_per_fte")
        .first()
    ) or {"stalled_after_days": 30, "hours_per_fte": Decimal("1695.0")}
    stalled_before = now - timedelta(days=settings["stalled_after_days"])
    initiatives = Initiative.objects.filter(organisation=organisation)
    in_use = initiatives.annotate(first_in_use=first_in_use())

    ideas_by_status_type = list(
        Idea.objects.filter(organisation=organisation)
        .exclude(status=IdeaStatus.DRAFT)
        .values("status", "innovation_type__name")
        .annotate(n=Count("pk"))
        .order_by("status", "innovation_type__name")
    )
    by_phase_type = list(
        initiatives.values("phase__order", "phase__name", "idea__innovation_type__name")
        .annotate(
            n=Count("pk"),
            stalled=Count(
                "pk",
                filter=Q(phase__kind=PhaseKind.ACTIVE, phase_entered_at__lt=stalled_before),
            ),
        )
        .order_by("phase__order", "idea__innovation_type__name")
    )
    roles = list(
        initiatives.filter(phase__kind=PhaseKind.ACTIVE)
        .values("role")
        .annotate(n=Count("pk"))
        .order_by("role")
    )
    secondary = Idea.secondary_types.through.objects.filter(idea_id=OuterRef("idea_id"))
    put_to_use = list(
        in_use.filter(first_in_use__year__gte=year - YEARS_SHOWN + 1, first_in_use__year__lte=year)
        .values(year=ExtractYear("first_in_use"), type=F("idea__innovation_type__name"))
        .annotate(
            n=Count("pk"),
            multi_type=Count("pk", filter=Q(Exists(secondary))),
            reused=Count("pk", filter=Q(idea__reuses_solution=True)),
            shared=Count("pk", filter=Q(shared_with_others=True)),
        )
        .order_by("year", "type")
    )
    initiators = list(
        in_use.filter(first_in_use__year=year)
        .values("idea__initiator")
        .annotate(n=Count("pk"))
        .order_by("idea__initiator")
    )
    innovation_rate = in_use.filter(first_in_use__gte=now - INNOVATION_WINDOW).aggregate(
        units=Count("idea__unit", distinct=True)
    )
    units = Unit.objects.filter(organisation=organisation).count()

    expected = Benefit.objects.filter(organisation=organisation).aggregate(
        hours=Sum("expected_hours"), amount=Sum("expected_amount"), benefits=Count("pk")
    )
    realised = list(
        Indicator.objects.filter(
            benefit__organisation=organisation, unit__in=[MeasureUnit.HOURS, MeasureUnit.NOK]
        )
        .alias(gain=realised_by_latest())
        .values("unit")
        .annotate(realised=Sum("gain"), measured=Count("gain"), indicators=Count("pk"))
        .order_by("unit")
    )
    with_baseline = Indicator.objects.filter(
        benefit__initiative=OuterRef("pk"), baseline_date__isnull=False
    )
    baseline_share = initiatives.filter(phase__kind=PhaseKind.ACTIVE).aggregate(
        active=Count("pk"), with_baseline=Count("pk", filter=Q(Exists(with_baseline)))
    )

    # The median is the flow page's own query (one grouped query with two windows): there is
    # no plainer way to a median in Django that works on SQLite too.
    phases = active_phases(organisation=organisation)
    medians = median_days_per_phase(organisation=organisation, phases=phases)
    median_days = zip(phases, medians, strict=True)
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
        "ideas_by_status_type": ideas_by_status_type,
        "initiatives_by_phase_type": by_phase_type,
        "stalled": sum(row["stalled"] for row in by_phase_type),
        "roles": roles,
        "put_to_use": put_to_use,
        "initiators": initiators,
        "units_with_innovation": innovation_rate["units"],
        "units": units,
        "expected": expected,
        "realised": realised,
        "hours_per_fte": settings["hours_per_fte"],
        "baseline_share": baseline_share,
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
<p>Enheter med nyttiggjort innovasjon siste 24 mnd: {{ units_with_innovation }} av {{ units }}.
Stopper opp: {{ stalled }}.</p>
<table class="ds-table"><caption>Tatt i bruk per år og type</caption>
{% for row in put_to_use %}<tr><td>{{ row.year }}</td><td>{{ row.type }}</td><td>{{ row.n }}</td>
<td>{{ row.multi_type }}</td><td>{{ row.reused }}</td><td>{{ row.shared }}</td></tr>
{% endfor %}</table>
<table class="ds-table"><caption>Initiert av</caption>
{% for row in initiators %}<tr><td>{{ row.idea__initiator }}</td><td>{{ row.n }}</td></tr>
{% endfor %}</table>
<table class="ds-table"><caption>Idéer</caption>
{% for row in ideas_by_status_type %}<tr><td>{{ row.status }}</td>
<td>{{ row.innovation_type__name }}</td><td>{{ row.n }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Initiativ per fase og type</caption>
{% for row in initiatives_by_phase_type %}<tr><td>{{ row.phase__name }}</td>
<td>{{ row.idea__innovation_type__name }}</td><td>{{ row.n }}</td></tr>{% endfor %}</table>
<table class="ds-table"><caption>Roller</caption>
{% for row in roles %}<tr><td>{{ row.role }}</td><td>{{ row.n }}</td></tr>{% endfor %}</table>
<p>Forventet: {{ expected.hours|default:0 }} timer, {{ expected.amount|default:0 }} kroner
({{ expected.benefits }} gevinster, {{ hours_per_fte }} timer per årsverk).
Med nullpunkt: {{ baseline_share.with_baseline }} av {{ baseline_share.active }}.</p>
<table class="ds-table"><caption>Realisert</caption>
{% for row in realised %}<tr><td>{{ row.unit }}</td><td>{{ row.realised|default:0 }}</td>
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
    try:
        year = int(raw or "")
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@role_required(*LEADERS)
def floor_view(request: HtmxRequest) -> HttpResponse:
    figures = floor_figures(request.organisation, parse_year(request.GET.get("ar")))
    return HttpResponse(FLOOR_TEMPLATE.render(figures, request))
