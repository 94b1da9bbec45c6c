"""The leaders' dashboard (/strategi/ledelse/): where the municipality stands on the
staircase, the period's measures, the KPIs against their targets, and what the portfolio
shows (phases and types, benefits, flow), for a year and a unit.

The filters are a GET form kept in the URL (`ar`, `enhet`): it works without JavaScript,
and with htmx a change swaps only the dashboard body and pushes the URL. A bad value is an
error at its field and is left out. Every figure is an aggregate in the database; the page
makes the same number of queries however large the portfolio is.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from maturity import figures
from maturity.forms.dashboard import DashboardFilterForm
from maturity.permissions import LEADERS
from maturity.selectors.assessments import agreed_level
from maturity.selectors.dashboard import (
    latest_agreed,
    portfolio_figures,
    staircase_for,
    strategy_years,
)
from maturity.selectors.kpis import (
    initiators,
    kpi_scope,
    kpi_table,
    median_days_per_phase,
    put_to_use_by_type,
    role_mix,
)
from maturity.selectors.measures import (
    current_measures,
    measure_status_counts,
    overdue_measure_count,
)
from portal.access import role_required
from portal.http import HtmxRequest


def _filters(request: HtmxRequest) -> tuple[DashboardFilterForm, int]:
    """The filter form and the year it selects (this year when none or a bad one is given)."""
    this_year = timezone.localdate().year
    years = strategy_years(request.organisation)
    data = request.GET.copy()
    if not data.get("ar"):
        data["ar"] = str(this_year)
    form = DashboardFilterForm(data, organisation=request.organisation, years=years)
    year: int = form.filters().get("year", this_year)
    return form, year


def dashboard_context(request: HtmxRequest) -> dict[str, Any]:
    organisation = request.organisation
    form, year = _filters(request)
    unit = form.unit()
    today = timezone.localdate()
    staircase = staircase_for(organisation=organisation, year=year)
    agreed = agreed_level(organisation=organisation, year=year)
    level, level_year = (agreed.level.level, year) if agreed else latest_agreed(organisation, year)
    overdue = overdue_measure_count(organisation=organisation, year=year, today=today)
    portfolio = portfolio_figures(organisation=organisation, unit=unit)
    scope = kpi_scope(
        organisation=organisation,
        year=year,
        unit=unit,
        cells=portfolio.cells,
        per_fte=portfolio.per_fte,
        stalled_days=portfolio.flow.stalled_days,
    )
    kpis = kpi_table(organisation=organisation, year=year, unit=unit, scope=scope)
    return {
        "filter_form": form,
        "year": year,
        "today": today,
        "unit": unit,
        "staircase": staircase,
        "agreed": agreed,
        # The year's agreed level, or while it is pending the latest earlier one.
        "staircase_chart": figures.staircase_chart(staircase, agreed=level, agreed_year=level_year),
        "measures": current_measures(organisation=organisation, year=year),
        "overdue": overdue,
        "measure_chart": figures.measure_status_chart(
            measure_status_counts(organisation=organisation, year=year),
            overdue=overdue,
            year=year,
        ),
        "portfolio": portfolio,
        "phase_type_chart": figures.portfolio_by_phase_chart(portfolio.matrix),
        "type_chart": figures.portfolio_by_type_chart(portfolio.matrix),
        "benefit_charts": figures.benefit_progress_charts(
            portfolio.benefits, per_fte=portfolio.per_fte
        ),
        "kpis": [(row, figures.kpi_trend_chart(row)) for row in kpis],
        "role_chart": figures.role_mix_chart(role_mix(organisation=organisation, unit=unit)),
        "put_to_use_chart": figures.put_to_use_chart(
            put_to_use_by_type(
                organisation=organisation,
                year=year,
                unit=unit,
                scope=scope,
                types=portfolio.matrix.types,
            ),
            year=year,
        ),
        "initiators_chart": figures.initiators_chart(
            initiators(organisation=organisation, year=year, unit=unit), year=year
        ),
        "median_chart": figures.median_days_chart(
            median_days_per_phase(
                organisation=organisation, year=year, unit=unit, phases=portfolio.flow.phases
            ),
            year=year,
        ),
        "throughput_chart": figures.throughput_chart(portfolio.flow),
    }


@require_GET
@role_required(*LEADERS)
def dashboard(request: HtmxRequest) -> HttpResponse:
    context = dashboard_context(request)
    if request.htmx:
        return render(request, "maturity/dashboard.html#dashboard-body", context)
    return render(request, "maturity/dashboard.html", context)


urlpatterns: list[URLPattern] = [
    path("ledelse/", dashboard, name="dashboard"),
]
