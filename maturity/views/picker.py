"""The initiative picker's answers to htmx (maturity.forms.picker): the organisation's
initiatives that match a search, at most SEARCH_LIMIT and none of those already chosen, and
the checkbox of one to add. Leaders and administrators, who fill in the forms with pickers
(the report request, the measures); the field name in the URL names the inputs rendered.
Without JavaScript the forms do this themselves, so these answer fragments only."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, re_path
from django.views.decorators.http import require_GET

from maturity.forms.picker import (
    picker_context,
    posted_ids,
    search_name,
    shown_name,
)
from maturity.permissions import LEADERS
from portal.access import role_required
from portal.http import HtmxRequest
from portal.params import parse_id
from portfolio.models import Initiative
from portfolio.selectors.initiatives import chosen_initiatives, find_initiatives

TEMPLATES = "maturity/widgets"


@require_GET
@role_required(*LEADERS)
def initiative_search(request: HtmxRequest, field: str) -> HttpResponse:
    initiatives = Initiative.objects.for_organisation(request.organisation)
    chosen = posted_ids(request.GET, field, shown_name(field))
    text = request.GET.get(search_name(field), "")
    results = find_initiatives(initiatives, text, exclude=chosen)
    context = {"picker": picker_context(field, chosen=[], search=text, results=results)}
    return render(request, f"{TEMPLATES}/initiative_picker_results.html", context)


@require_GET
@role_required(*LEADERS)
def initiative_pick(request: HtmxRequest, field: str, pk: str) -> HttpResponse:
    # Looked up through the organisation: another organisation's initiative is a 404.
    initiatives = Initiative.objects.for_organisation(request.organisation)
    number = parse_id(pk)  # 18 digits match the URL but not the column
    found = chosen_initiatives(initiatives, [number]) if number is not None else []
    if not found:
        raise Http404
    context = {
        "picker": picker_context(field, chosen=found, search="", results=None),
        "added": found[0],
    }
    return render(request, f"{TEMPLATES}/initiative_picker_added.html", context)


FIELD = r"(?P<field>[a-z][a-z0-9_]{0,39})"

urlpatterns: list[URLPattern] = [
    re_path(rf"^initiativer/velg/{FIELD}/$", initiative_search, name="initiative_search"),
    re_path(
        rf"^initiativer/velg/{FIELD}/(?P<pk>[0-9]{{1,18}})/$",
        initiative_pick,
        name="initiative_pick",
    ),
]
