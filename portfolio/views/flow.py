"""Flow figures for the board and leaders: time in each phase, throughput, stalled cards.

Every figure is an aggregate in the database (portfolio.selectors); the page makes the same
number of queries for one initiative as for thousands. The time-in-phase table is paged;
an htmx request for another page gets only that table back.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from portal.access import role_required
from portal.http import HtmxRequest
from portal.models import Role
from portfolio.selectors.flow import (
    STALLED_SHOWN,
    ThroughputRow,
    active_phases,
    initiatives_with_phase_time,
    median_days_per_phase,
    monthly_throughput,
    phase_time_rows,
    stalled_initiatives,
)
from portfolio.selectors.phases import stalled_after

PAGE_SIZE = 25
BAR_STEPS = 10  # a bar is 0–10 steps long; site.css has one width per step


def _bar_step(count: int, peak: int) -> int:
    """The bar's length next to a count, relative to the largest count in the table."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, round(BAR_STEPS * count / peak))


def _throughput_table(rows: list[ThroughputRow]) -> list[dict[str, object]]:
    peak = max((n for row in rows for n in [*row.entered, row.closed]), default=0)
    return [
        {
            "month": row.month,
            "cells": [(n, _bar_step(n, peak)) for n in [*row.entered, row.closed]],
        }
        for row in rows
    ]


@require_GET
@role_required(Role.BOARD, Role.LEADER)
def flow(request: HtmxRequest) -> HttpResponse:
    organisation = request.organisation
    phases = active_phases(organisation=organisation)
    initiatives = initiatives_with_phase_time(organisation=organisation, phases=phases)
    page = Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get("side"))
    context: dict[str, object] = {
        "phases": phases,
        "page": page,
        "rows": phase_time_rows(page.object_list, phases),
    }
    if request.htmx:
        return render(request, "portfolio/flow.html#phase-time", context)

    stalled_days = stalled_after(organisation)
    stalled = stalled_initiatives(organisation=organisation, after_days=stalled_days)
    throughput = monthly_throughput(organisation=organisation, phases=phases)
    context.update(
        medians=median_days_per_phase(organisation=organisation, phases=phases),
        throughput=_throughput_table(throughput),
        stalled=list(stalled[:STALLED_SHOWN]),
        stalled_count=stalled.count(),
        stalled_days=stalled_days,
        stalled_shown=STALLED_SHOWN,
    )
    return render(request, "portfolio/flow.html", context)


urlpatterns: list[URLPattern] = [
    path("flyt/", flow, name="flow"),
]
