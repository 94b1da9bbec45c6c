"""The landing page. It lives in portfolio, the highest app whose data it shows: its «N idéer
venter» count is the board's triage inbox, the same definition as the list it links to.

The root URLconf includes this module by name ("" → home), so portal never imports upwards.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from ideas import selectors as idea_selectors
from portal.http import HtmxRequest
from portal.models import Role
from portfolio.selectors.triage import triage_inbox


@require_GET
def home(request: HtmxRequest) -> HttpResponse:
    organisation = request.organisation
    ideas = idea_selectors.idea_list(organisation=organisation)
    recent = list(idea_selectors.idea_cards(ideas)[:5])
    idea_selectors.prepare_cards(recent)
    mine = idea_selectors.idea_list(organisation=organisation, submitter=request.user)
    context = {"recent_ideas": recent, "my_idea_count": mine.count()}
    if request.membership.has_role(Role.BOARD):
        context["inbox_count"] = triage_inbox(organisation=organisation).count()
    return render(request, "portfolio/home.html", context)


urlpatterns: list[URLPattern] = [path("", home, name="home")]
