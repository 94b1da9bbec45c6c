"""Board meetings: plan one, decide in meeting mode, close it, and read the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import role_required
from portal.http import HtmxRequest
from portal.models import Role
from portal.pdf import pdf_response
from portfolio.forms.meetings import MeetingForm
from portfolio.models import Meeting
from portfolio.selectors.flow import stalled_initiatives
from portfolio.selectors.meetings import (
    meeting_agenda,
    meeting_decisions,
    meeting_for,
    meeting_list,
)
from portfolio.selectors.phases import stalled_after
from portfolio.services.meetings import close_meeting, create_meeting
from portfolio.views.triage import agenda_items

PAGE_SIZE = 25
AGENDA_PAGE_SIZE = 20  # ideas with their decision forms per page of a meeting's agenda
STALLED_SHOWN = 20  # the longest stalled initiatives on the meeting page; the rest on «Flyt»


def _meeting(request: HtmxRequest, pk: int) -> Meeting:
    meeting = meeting_for(organisation=request.organisation, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


@require_GET
@role_required(Role.BOARD)
def meetings(request: HtmxRequest) -> HttpResponse:
    paginator = Paginator(meeting_list(organisation=request.organisation), PAGE_SIZE)
    template = "portfolio/meeting_list.html"
    if request.htmx:
        template += "#meeting-list"
    return render(request, template, {"page": paginator.get_page(request.GET.get("side"))})


@require_http_methods(["GET", "POST"])
@role_required(Role.BOARD)
def meeting_create(request: HtmxRequest) -> HttpResponse:
    initial = {"held_on": timezone.localdate(), "participants": [request.user.pk]}
    form = MeetingForm(request.POST or None, organisation=request.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = create_meeting(
            organisation=request.organisation,
            actor=request.user,
            title=form.cleaned_data["title"],
            held_on=form.cleaned_data["held_on"],
            participants=list(form.cleaned_data["participants"]),
        )
        messages.success(request, _("Møtet er opprettet. Sakslisten er hentet fra innboksen."))
        return redirect("portfolio:meeting", pk=meeting.pk)
    return render(request, "portfolio/meeting_form.html", {"form": form})


@require_GET
@role_required(Role.BOARD)
def meeting(request: HtmxRequest, pk: int) -> HttpResponse:
    """Meeting mode: the agenda (the inbox and stalled initiatives). Each item's decision
    forms load when its «Behandle saken» is opened and post to the triage page with the
    meeting's id. The agenda is paged (`?side=`) and the stalled list shows the longest
    stalled, so the page's size and query count do not grow with the inbox or the
    organisation's ideas (301 waiting ideas once made an 11.8 MB page)."""
    meeting = _meeting(request, pk)
    is_open = meeting.closed_at is None
    page = Paginator(meeting_agenda(meeting=meeting), AGENDA_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    context: dict[str, object] = {
        "meeting": meeting,
        "page": page,
        "agenda": agenda_items(list(page.object_list), meeting, start=page.start_index()),
    }
    if request.htmx and request.htmx.target == "agenda":
        return render(request, "portfolio/meeting_detail.html#agenda", context)
    stalled_days = stalled_after(request.organisation)
    stalled = stalled_initiatives(organisation=request.organisation, after_days=stalled_days)
    context.update(
        stalled=list(stalled[:STALLED_SHOWN]) if is_open else [],
        stalled_count=stalled.count() if is_open else 0,
        stalled_shown=STALLED_SHOWN,
        stalled_days=stalled_days,
    )
    return render(request, "portfolio/meeting_detail.html", context)


@require_POST
@role_required(Role.BOARD)
def meeting_close(request: HtmxRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    close_meeting(meeting=meeting, actor=request.user)
    messages.success(request, _("Møtet er avsluttet. Her er protokollen."))
    return redirect("portfolio:meeting_minutes", pk=meeting.pk)


def _minutes_context(meeting: Meeting) -> dict[str, object]:
    return {
        "meeting": meeting,
        "decisions": meeting_decisions(meeting=meeting),
        "participants": list(meeting.participants.all()),
        "organisation": meeting.organisation,
    }


@require_GET
@role_required(Role.BOARD)
def meeting_minutes(request: HtmxRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(request, "portfolio/meeting_minutes.html", _minutes_context(meeting))


@require_GET
@role_required(Role.BOARD)
def meeting_minutes_pdf(request: HtmxRequest, pk: int) -> FileResponse:
    """The minutes as an A4 PDF, shown in the browser (inline) with a dated file name."""
    meeting = _meeting(request, pk)
    return pdf_response(
        request,
        template="portfolio/meeting_minutes_pdf.html",
        context={**_minutes_context(meeting), "printed_at": timezone.now()},
        filename=f"protokoll-portefoljestyret-{meeting.held_on:%Y-%m-%d}.pdf",
    )


urlpatterns: list[URLPattern] = [
    path("moter/", meetings, name="meetings"),
    path("moter/ny/", meeting_create, name="meeting_create"),
    path("moter/<int:pk>/", meeting, name="meeting"),
    path("moter/<int:pk>/avslutt/", meeting_close, name="meeting_close"),
    path("moter/<int:pk>/protokoll/", meeting_minutes, name="meeting_minutes"),
    path("moter/<int:pk>/protokoll.pdf", meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
