"""The staff page «Strategien og hvor vi står» (/strategi/): the staircase with the agreed
level of this year, this year's measures and a few headline figures. Everyone in the
organisation sees it; the assessment's notes and reasoning stay on the leaders' pages.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from maturity import figures
from maturity.selectors.assessments import agreed_level
from maturity.selectors.dashboard import staircase_for
from maturity.selectors.kpis import KpiRow, kpi_table
from maturity.selectors.measures import current_measures
from portal.http import HtmxRequest

# The staff page's headline figures, by metric key, in this order.
HEADLINE = ("innovation_rate", "put_to_use", "freed_fte", "realised_nok")


@require_GET
def strategy(request: HtmxRequest) -> HttpResponse:
    organisation = request.organisation
    today = timezone.localdate()
    year = today.year
    staircase = staircase_for(organisation=organisation, year=year)
    # The level only: the reasoning and the leaders' answers stay on the leaders' pages.
    agreed = agreed_level(organisation=organisation, year=year)
    context = {
        "year": year,
        "today": today,
        "staircase": staircase,
        "staircase_chart": figures.staircase_chart(
            staircase, agreed=agreed.level.level if agreed else None
        ),
        "measures": current_measures(organisation=organisation, year=year),
        "headline": _headline(kpi_table(organisation=organisation, year=year)),
    }
    return render(request, "maturity/strategy.html", context)


def _headline(rows: list[KpiRow]) -> list[KpiRow]:
    by_metric = {row.kpi.metric: row for row in rows if row.kpi.metric}
    return [by_metric[key] for key in HEADLINE if key in by_metric]


urlpatterns: list[URLPattern] = [
    path("", strategy, name="strategy"),
]
