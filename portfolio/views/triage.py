"""Triage: the board's inbox, and the page where one idea is assessed and decided.

The same forms are used in meeting mode (portfolio.views.meetings): there each agenda item
posts here with the meeting's id, and an htmx POST gets the updated agenda item back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from ideas import selectors as idea_selectors
from ideas.models import Idea
from portal.access import role_required
from portal.concurrency import StaleVersion
from portal.http import HtmxRequest
from portal.models import Role
from portal.params import parse_id, parse_int
from portfolio.exceptions import NotDecidable
from portfolio.forms.triage import (
    AcceptForm,
    AssessmentForm,
    MergeForm,
    MergeSearchForm,
    ParkForm,
    RejectForm,
    TriageForm,
)
from portfolio.models import Assessment, Decision, Meeting
from portfolio.selectors.meetings import agenda_item, meeting_agenda, meeting_for
from portfolio.selectors.triage import (
    MERGE_TARGETS_SHOWN,
    TriageChoices,
    idea_decisions,
    merge_targets,
    triage_choices,
    triage_inbox,
)
from portfolio.services.triage import (
    accept_idea,
    assess_idea,
    merge_idea,
    park_idea,
    reject_idea,
)

PAGE_SIZE = 25


@require_GET
@role_required(Role.BOARD)
def triage(request: HtmxRequest) -> HttpResponse:
    """The inbox: new ideas, and parked ones due for another look, oldest first."""
    ideas = triage_inbox(organisation=request.organisation)
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("side"))
    template = "portfolio/triage_inbox.html"
    if request.htmx:
        template += "#triage-list"
    return render(request, template, {"page": page})


@dataclass
class TriageForms:
    """The assessment form and the four decision forms for one idea."""

    assess: AssessmentForm
    accept: AcceptForm
    park: ParkForm
    reject: RejectForm
    merge: MergeForm
    open: str = ""  # the form to show unfolded: the one with errors

    @classmethod
    def build(
        cls, idea: Idea, choices: TriageChoices, bound: TriageForm | None = None
    ) -> TriageForms:
        assessment = _assessment_of(idea)
        initial = None
        if assessment is not None:
            names = [*Assessment.CRITERIA, "adjustment"]
            initial = {name: getattr(assessment, name) for name in names}
        forms = cls(
            assess=AssessmentForm(idea=idea, initial=initial),
            accept=AcceptForm(idea=idea, choices=choices),
            park=ParkForm(idea=idea),
            reject=RejectForm(idea=idea),
            merge=MergeForm(idea=idea, organisation=choices.organisation),
        )
        if bound is not None:
            setattr(forms, bound.kind, bound)
            forms.open = bound.kind
        return forms


def _assessment_of(idea: Idea) -> Assessment | None:
    # Rows from the selectors come with the assessment joined (None when there is none).
    try:
        return idea.assessment
    except Assessment.DoesNotExist:
        return None


def _meeting_of(request: HtmxRequest) -> Meeting | None:
    """The meeting a decision is taken in: the hidden `meeting` field (or ?meeting= on GET)."""
    raw = (request.POST if request.method == "POST" else request.GET).get("meeting", "")
    if not raw:
        return None
    meeting_pk = parse_id(raw)
    meeting = None
    if meeting_pk is not None:
        meeting = meeting_for(organisation=request.organisation, pk=meeting_pk)
    if meeting is None:
        raise Http404
    return meeting


@require_http_methods(["GET", "POST"])
@role_required(Role.BOARD)
def triage_idea(request: HtmxRequest, pk: int) -> HttpResponse:
    """Assess and decide one idea. POST `handling` names the form: one service each."""
    idea = idea_selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    meeting = _meeting_of(request)
    if request.method == "GET":
        if request.htmx and request.htmx.target == f"treat-{idea.pk}":
            return _agenda_item_forms(request, idea, meeting)
        return _treat_page(request, idea, meeting)
    handler = HANDLERS.get(request.POST.get("handling", ""))
    if handler is None:
        return HttpResponseBadRequest(_("Ukjent handling."))
    if meeting is not None and meeting.closed_at is not None:
        messages.error(request, _("Møtet er avsluttet, så vedtaket ble ikke registrert."))
        return _to_meeting(request, meeting)
    if idea.status not in Decision.DECIDABLE:
        return _not_decidable(request, idea, meeting)
    return handler(request, idea, meeting)


def _assess(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    form = AssessmentForm(request.POST, idea=idea)
    if not form.is_valid():
        return _invalid(request, idea, meeting, form)
    assessment = assess_idea(idea=idea, actor=request.user, **form.cleaned_data)
    message = _("Vurderingen er lagret: %(total)d poeng, %(priority)s.") % {
        "total": assessment.total,
        "priority": assessment.priority.label,
    }
    return _done(request, idea, meeting, message, stay=True)


def _accept(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    form = AcceptForm(request.POST, idea=idea, choices=_choices(request))
    if not form.is_valid():
        return _invalid(request, idea, meeting, form)
    try:
        initiative = accept_idea(
            idea=idea, actor=request.user, meeting=meeting, **form.service_fields()
        )
    except NotDecidable:
        return _not_decidable(request, idea, meeting)
    except StaleVersion:
        return _decided_meanwhile(request, idea, meeting)
    message = _("«%(title)s» er godkjent og lagt i fasen %(phase)s.") % {
        "title": idea.title,
        "phase": initiative.phase.name,
    }
    return _done(request, idea, meeting, message)


def _park(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    form = ParkForm(request.POST, idea=idea)
    if not form.is_valid():
        return _invalid(request, idea, meeting, form)
    try:
        park_idea(idea=idea, actor=request.user, meeting=meeting, **form.service_fields())
    except NotDecidable:
        return _not_decidable(request, idea, meeting)
    except StaleVersion:
        return _decided_meanwhile(request, idea, meeting)
    message = _("«%(title)s» er parkert og kommer tilbake i innboksen %(date)s.") % {
        "title": idea.title,
        "date": form.cleaned_data["revisit_on"].strftime("%d.%m.%Y"),
    }
    return _done(request, idea, meeting, message)


def _reject(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    form = RejectForm(request.POST, idea=idea)
    if not form.is_valid():
        return _invalid(request, idea, meeting, form)
    try:
        reject_idea(idea=idea, actor=request.user, meeting=meeting, **form.service_fields())
    except NotDecidable:
        return _not_decidable(request, idea, meeting)
    except StaleVersion:
        return _decided_meanwhile(request, idea, meeting)
    message = _("«%(title)s» er avvist. Innmelderen får beskjed med begrunnelsen.") % {
        "title": idea.title
    }
    return _done(request, idea, meeting, message)


def _merge(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    form = MergeForm(request.POST, idea=idea, organisation=request.organisation)
    if not form.is_valid():
        if request.POST.get("velger"):  # posted from the merge chooser: back to it
            return _chooser_page(request, idea, meeting, form)
        return _invalid(request, idea, meeting, form)
    try:
        merge_idea(idea=idea, actor=request.user, meeting=meeting, **form.service_fields())
    except NotDecidable:
        return _not_decidable(request, idea, meeting)
    except StaleVersion:
        return _decided_meanwhile(request, idea, meeting)
    message = _("«%(title)s» er slått sammen med «%(target)s».") % {
        "title": idea.title,
        "target": form.cleaned_data["into"].title,
    }
    return _done(request, idea, meeting, message)


Handler = Callable[[HtmxRequest, Idea, "Meeting | None"], HttpResponse]
HANDLERS: dict[str, Handler] = {
    AssessmentForm.kind: _assess,
    AcceptForm.kind: _accept,
    ParkForm.kind: _park,
    RejectForm.kind: _reject,
    MergeForm.kind: _merge,
}


def _choices(request: HtmxRequest) -> TriageChoices:
    return triage_choices(organisation=request.organisation)


def _treat_page(
    request: HtmxRequest,
    idea: Idea,
    meeting: Meeting | None,
    bound: TriageForm | None = None,
) -> HttpResponse:
    decidable = idea.status in Decision.DECIDABLE
    context = {
        "idea": idea,
        "meeting": meeting,
        "decidable": decidable,
        "forms": TriageForms.build(idea, _choices(request), bound) if decidable else None,
        "assessment": _assessment_of(idea),
        "decisions": idea_decisions(idea),
        "zero_foundations": idea.zero_foundations(),
        "bound": bound,
    }
    return render(request, "portfolio/triage_idea.html", context)


def _agenda_item_forms(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    """An agenda item's forms, fetched when its «Behandle saken» is opened: the meeting page
    itself holds only the items' summaries, however many ideas wait."""
    unavailable = ""
    if meeting is not None and meeting.closed_at is not None:
        unavailable = _("Møtet er avsluttet, så vedtak kan ikke registreres her.")
    elif idea.status not in Decision.DECIDABLE:
        unavailable = _("Idéen er allerede behandlet (status: %(status)s).") % {
            "status": idea.get_status_display()
        }
    context = {
        "idea": idea,
        "meeting": meeting,
        "unavailable": unavailable,
        "forms": None if unavailable else TriageForms.build(idea, _choices(request)),
        "item_assessment": _assessment_of(idea),
        "heading_level": 4,
    }
    return render(request, "portfolio/triage_forms_fragment.html", context)


@require_GET
@role_required(Role.BOARD)
def merge_chooser(request: HtmxRequest, pk: int) -> HttpResponse:
    """Find the idea to merge into by its title or number. A page of its own with a search
    and the merge form, posting to triage_idea like the short form; htmx swaps only the
    results as the user types, and without JavaScript the search is a plain GET form."""
    idea = idea_selectors.visible_idea(organisation=request.organisation, user=request.user, pk=pk)
    return _chooser_page(request, idea, _meeting_of(request))


def _chooser_page(
    request: HtmxRequest, idea: Idea, meeting: Meeting | None, bound: MergeForm | None = None
) -> HttpResponse:
    search = MergeSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    params = request.POST if bound is not None else request.GET
    chosen = parse_id(params.get("into", "").strip().removeprefix("#"))
    decidable = idea.status in Decision.DECIDABLE and (meeting is None or meeting.closed_at is None)
    form = bound
    if form is None:
        # The version the board member saw where the chooser was opened, carried in its
        # link, so a decision taken meanwhile still makes this one a conflict.
        raw = request.GET.get("versjon")
        version = idea.version if raw is None else parse_int(raw, default=0, minimum=1)
        form = MergeForm(idea=idea, organisation=request.organisation, initial={"versjon": version})
    context = {
        "idea": idea,
        "meeting": meeting,
        "decidable": decidable,
        "search": search,
        "form": form,
        "bound": bound,
        "chosen": chosen,
        "query": query,
        "limit": MERGE_TARGETS_SHOWN,
        "results": merge_targets(
            organisation=request.organisation, idea=idea, query=query, chosen=chosen
        )
        if decidable
        else [],
    }
    template = "portfolio/triage_merge_chooser.html"
    if request.htmx and request.htmx.target == "merge-results":
        template += "#merge-results"
    return render(request, template, context)


def _invalid(
    request: HtmxRequest, idea: Idea, meeting: Meeting | None, form: TriageForm
) -> HttpResponse:
    """The form again with its messages at the fields and what was typed kept."""
    if meeting is not None and request.htmx:
        return agenda_item_response(request, meeting, idea.pk, bound=form)
    return _treat_page(request, idea, meeting, bound=form)


def _done(
    request: HtmxRequest, idea: Idea, meeting: Meeting | None, message: str, *, stay: bool = False
) -> HttpResponse:
    if meeting is not None and request.htmx:
        return agenda_item_response(request, meeting, idea.pk, notice=message)
    messages.success(request, message)
    if meeting is not None:
        return redirect(f"{reverse('portfolio:meeting', args=[meeting.pk])}#agenda-item-{idea.pk}")
    if stay:
        return redirect("portfolio:triage_idea", pk=idea.pk)
    return redirect("portfolio:triage")


def _not_decidable(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    current = Idea.objects.only("status").get(pk=idea.pk)
    message = _("Idéen er allerede behandlet (status: %(status)s). Ingenting ble endret.") % {
        "status": current.get_status_display()
    }
    if meeting is not None and request.htmx:
        return agenda_item_response(request, meeting, idea.pk, notice=message, failed=True)
    messages.error(request, message)
    if meeting is not None:
        return _to_meeting(request, meeting)
    return redirect("portfolio:triage_idea", pk=idea.pk)


def _decided_meanwhile(request: HtmxRequest, idea: Idea, meeting: Meeting | None) -> HttpResponse:
    """Another board member decided (or edited) the idea after this form was loaded: only the
    first decision is kept. The idea is shown as it is now, 409 for htmx like the board."""
    message = _(
        "Noen andre har nettopp behandlet idéen, så vedtaket ditt ble ikke registrert. "
        "Se over idéen slik den er nå. Prøv igjen om det fortsatt trengs."
    )
    if meeting is not None and request.htmx:
        response = agenda_item_response(request, meeting, idea.pk, notice=message, failed=True)
        response.status_code = 409
        return response
    messages.error(request, message)
    if meeting is not None:
        return _to_meeting(request, meeting)
    return redirect("portfolio:triage_idea", pk=idea.pk)


def _to_meeting(request: HtmxRequest, meeting: Meeting) -> HttpResponse:
    url = reverse("portfolio:meeting", args=[meeting.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@dataclass
class AgendaItem:
    number: int
    idea: Idea
    treatable: bool  # undecided in an open meeting: «Behandle saken» loads its forms
    forms: TriageForms | None = None  # shown at once: a form that came back with errors

    @property
    def decision(self) -> Decision | None:
        decisions = getattr(self.idea, "meeting_decisions", [])
        return decisions[-1] if decisions else None

    @property
    def assessment(self) -> Assessment | None:
        return _assessment_of(self.idea)


def agenda_items(ideas: list[Idea], meeting: Meeting, *, start: int = 1) -> list[AgendaItem]:
    """Agenda items numbered from `start` (a later page of the agenda). In an open meeting
    the ideas still undecided can be treated; their forms are loaded when opened."""
    is_open = meeting.closed_at is None
    return [
        # The agenda holds only ideas waiting for the board besides those decided here.
        AgendaItem(
            number=number,
            idea=idea,
            treatable=is_open and not getattr(idea, "meeting_decisions", None),
        )
        for number, idea in enumerate(ideas, start=start)
    ]


def agenda_item_response(
    request: HtmxRequest,
    meeting: Meeting,
    pk: int,
    *,
    bound: TriageForm | None = None,
    notice: str = "",
    failed: bool = False,
) -> HttpResponse:
    """One agenda item of the meeting page, after a decision (or a form with errors)."""
    idea = agenda_item(meeting=meeting, pk=pk)
    if idea is None:
        raise Http404
    order = list(meeting_agenda(meeting=meeting).values_list("pk", flat=True))
    number = order.index(pk) + 1 if pk in order else 0
    undecided = bound is not None or not getattr(idea, "meeting_decisions", None)
    treatable = undecided and idea.status in Decision.DECIDABLE
    forms = None
    if treatable and bound is not None:
        forms = TriageForms.build(idea, _choices(request), bound)
    item = AgendaItem(number=number, idea=idea, treatable=treatable, forms=forms)
    context = {"item": item, "meeting": meeting, "notice": notice, "failed": failed}
    return render(request, "portfolio/meeting_detail.html#agenda-item", context)


urlpatterns: list[URLPattern] = [
    path("innboks/", triage, name="triage"),
    path("ideer/<int:pk>/behandle/", triage_idea, name="triage_idea"),
    path("ideer/<int:pk>/behandle/slaa-sammen/", merge_chooser, name="merge_chooser"),
]
