"""The portfolio's benefit overview (gevinstoversikt) for the board, leaders and admins.

Expected against realised per kind, unit and year, freed hours and årsverk in total (the
strategy's headline figure), the number of «nyttiggjorte» initiatives, and the benefits that
have no indicator yet, flagged and listed. Every figure is an aggregate in the database
(portfolio.benefit_overview_selector): the page makes the same number of queries for one
initiative as for thousands. The flagged list is paged; an htmx request for another page
gets only that list back.
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
from portfolio.selectors.benefits import benefit_overview as benefit_overview_selector
from portfolio.selectors.benefits import benefits_without_indicators

FLAGGED_PER_PAGE = 25


@require_GET
@role_required(Role.BOARD, Role.LEADER)
def benefit_overview(request: HtmxRequest) -> HttpResponse:
    organisation = request.organisation
    flagged = benefits_without_indicators(organisation=organisation)
    page = Paginator(flagged, FLAGGED_PER_PAGE).get_page(request.GET.get("side"))
    context: dict[str, object] = {"page": page}
    if request.htmx:
        return render(request, "portfolio/overview.html#flagged-benefits", context)
    context["overview"] = benefit_overview_selector(organisation=organisation)
    return render(request, "portfolio/overview.html", context)


urlpatterns: list[URLPattern] = [
    path("gevinster/", benefit_overview, name="benefit_overview"),
]
