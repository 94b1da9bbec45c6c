"""Idea screens: submit, list, «Mine idéer», detail and the board's triage inbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ideas import selectors, services
from ideas.forms import IdeaForm
from ideas.models import Idea, IdeaQuerySet, IdeaStatus
from portal.access import role_required
from portal.events import history_for
from portal.http import HtmxRequest
from portal.models import Role

PAGE_SIZE = 25


def _render_list(
    request: HtmxRequest, template: str, ideas: IdeaQuerySet, **context: object
) -> HttpResponse:
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("side"))
    if request.htmx:
        template = f"{template}#idea-list"
    return render(request, template, {"page": page, **context})


def home(request: HtmxRequest) -> HttpResponse:
    """The landing page. It lives here, not in portal, because it shows ideas."""
    recent = selectors.idea_list(organisation=request.organisation)[:5]
    mine = selectors.idea_list(organisation=request.organisation, submitter=request.user)
    context = {"recent_ideas": recent, "my_idea_count": mine.count()}
    if request.membership.has_role(Role.BOARD):
        context["inbox_count"] = selectors.triage_inbox(organisation=request.organisation).count()
    return render(request, "portal/home.html", context)


def idea_list(request: HtmxRequest) -> HttpResponse:
    ideas = selectors.idea_list(organisation=request.organisation)
    return _render_list(request, "ideas/idea_list.html", ideas, heading=_("Alle idéer"))


def my_ideas(request: HtmxRequest) -> HttpResponse:
    ideas = selectors.idea_list(organisation=request.organisation, submitter=request.user)
    return _render_list(request, "ideas/idea_list.html", ideas, heading=_("Mine idéer"), mine=True)


@role_required(Role.BOARD)
def triage_inbox(request: HtmxRequest) -> HttpResponse:
    ideas = selectors.triage_inbox(organisation=request.organisation)
    return _render_list(request, "ideas/idea_inbox.html", ideas)


@require_http_methods(["GET", "POST"])
def idea_create(request: HtmxRequest) -> HttpResponse:
    form = IdeaForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        idea = services.submit_idea(
            organisation=request.organisation,
            submitter=request.user,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, _("Takk! Idéen er sendt inn og venter på porteføljestyret."))
        return redirect(idea)
    return render(request, "ideas/idea_form.html", {"form": form})


def idea_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    visible = Idea.objects.for_organisation(request.organisation).select_related(
        "unit", "innovation_type", "submitter"
    )
    idea = get_object_or_404(visible, pk=pk)
    if idea.status == IdeaStatus.DRAFT and idea.submitter_id != request.user.pk:
        raise Http404  # drafts are private to their author until submitted

    return render(request, "ideas/idea_detail.html", {"idea": idea, "events": history_for(idea)})
