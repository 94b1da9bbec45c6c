"""«Bare view» floors for the pages and actions `python -m bench all` measures, beside the
dashboard's (`bench.floor`) and the board's (`bench.board_floor`).

Each floor sits behind the same middleware as every page (session, login, membership, CSP,
htmx …) and the same role check, fetches the rows its page shows with plain `values()`
queries (the same filters, often the selectors' own querysets narrowed to `values()`, so the
rows are the same) and renders them with a minimal template inside `base.html`: no model
instances, no forms, no includes or custom tags. What a page costs beyond its floor is its
own structure; issue 12 asks that it stay within 2×.

Mounted only in `bench.urls`, never in the app, so they need no row in the access table.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.template import engines
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bench.floor import initiatives_taken_into_use
from ideas.models import (
    Attachment,
    Comment,
    Follow,
    Idea,
    IdeaStatus,
    InnovationType,
    StrategicGoal,
    Support,
    Tag,
)
from ideas.search import search_ideas, similar_ideas
from portal.access import role_required
from portal.http import HtmxRequest
from portal.models import DomainEvent, Role, Unit, User
from portal.pagination import CappedPaginator
from portfolio.models import (
    SETTLED_ANSWERS,
    Benefit,
    ChecklistAnswer,
    ChecklistAnswerKind,
    ChecklistItem,
    Decision,
    Indicator,
    Initiative,
    Meeting,
    Phase,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
    StatusReport,
)
from portfolio.selectors.benefits import realised_by_latest
from portfolio.selectors.flow import initiatives_with_phase_time
from portfolio.selectors.triage import _waiting_for_board, _with_revisit_date

PAGE_SIZE = 25
_ENGINE = engines["django"]
IDEA_COLUMNS = (
    "id",
    "title",
    "question",
    "status",
    "submitted_at",
    "support_count",
    "comment_count",
    "innovation_type__name",
    "unit__name",
)


def _template(body: str) -> Any:
    # Compiled once, as the cached template loader does for the app's templates off DEBUG.
    return _ENGINE.from_string(
        '{% extends "base.html" %}{% block content %}' + body + "{% endblock %}"
    )


def _render(template: Any, context: dict[str, Any], request: HtmxRequest) -> HttpResponse:
    return HttpResponse(template.render(context, request))


# The idea list (also filtered, searched, paged) --------------------------------------------------

LIST_TEMPLATE = _template(
    """<h1>Alle idéer</h1><form method="get"><input type="search" name="q" value="{{ q }}">
<select name="type">{% for t in types %}<option value="{{ t.code }}">{{ t.name }}</option>
{% endfor %}</select><select name="unit">{% for u in units %}<option value="{{ u.id }}">
{{ u.name }}</option>{% endfor %}</select><select name="goal">{% for g in goals %}
<option value="{{ g.id }}">{{ g.title }}</option>{% endfor %}</select>
<datalist id="tags">{% for tag in tags %}<option value="{{ tag }}">{% endfor %}</datalist>
<button type="submit">Bruk filter</button></form>
<p class="result-count">{{ count }} idéer</p><ul>{% for idea in ideas %}<li>
<h3><a href="/ideer/{{ idea.id }}/">{{ idea.title }}</a></h3><p>{{ idea.question }}</p>
<p>{{ idea.innovation_type__name }} {{ idea.status }} {{ idea.unit__name }}
{{ idea.submitted_at|date:"j. F Y" }} {{ idea.support_count }} {{ idea.comment_count }}</p>
</li>{% endfor %}</ul><p>Side {{ number }} av {{ pages }}</p>"""
)


@require_GET
def idea_list_floor(request: HtmxRequest) -> HttpResponse:
    organisation = request.organisation
    ideas = Idea.objects.filter(organisation=organisation).exclude(status=IdeaStatus.DRAFT)
    for key, lookup in (
        ("type", "innovation_type__code"),
        ("status", "status"),
        ("unit", "unit_id"),
    ):
        if request.GET.get(key):
            ideas = ideas.filter(**{lookup: request.GET[key]})
    q = request.GET.get("q", "").strip()
    # The same full-text and trigram match, ranked; else the list's own order.
    ideas = search_ideas(ideas, q) if q else ideas.order_by("-submitted_at", "-id")
    # A search counts only up to the cap, as the list does (portal.pagination).
    paginator = (CappedPaginator if q else Paginator)(ideas.values(*IDEA_COLUMNS), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("side"))
    context = {
        "q": q,
        "types": InnovationType.objects.filter(organisation=organisation)
        .order_by("order")
        .values("code", "name"),
        "units": Unit.objects.filter(organisation=organisation)
        .order_by("name")
        .values("id", "name"),
        "goals": StrategicGoal.objects.filter(organisation=organisation)
        .order_by("order")
        .values("id", "title"),
        "tags": Tag.objects.filter(organisation=organisation).values_list("name", flat=True),
        "ideas": list(page.object_list),
        "count": page.paginator.count,
        "number": page.number,
        "pages": page.paginator.num_pages,
    }
    return _render(LIST_TEMPLATE, context, request)


SIMILAR_TEMPLATE = _template(
    """<ul>{% for idea in ideas %}<li><a href="/ideer/{{ idea.id }}/">{{ idea.title }}</a>
{{ idea.status }}</li>{% endfor %}</ul>"""
)


@require_GET
def similar_floor(request: HtmxRequest) -> HttpResponse:
    text = f"{request.GET.get('title', '')} {request.GET.get('question', '')}"
    ideas = Idea.objects.filter(organisation=request.organisation).exclude(status=IdeaStatus.DRAFT)
    rows = list(similar_ideas(ideas, text).values("id", "title", "status"))
    return _render(SIMILAR_TEMPLATE, {"ideas": rows}, request)


# The idea page -----------------------------------------------------------------------------------

DETAIL_TEMPLATE = _template(
    """<article><p>{{ idea.innovation_type__name }} Status: {{ idea.status }}</p>
<h1>{{ idea.title }}</h1><p>{{ idea.question }}</p>{% if initiative %}<p>
<a href="/portefolje/initiativ/{{ initiative.id }}/">{{ initiative.phase__name }}</a></p>{% endif %}
<dl><dt>Enhet</dt><dd>{{ idea.unit__name }}</dd>
<dt>Innmelder</dt><dd>{{ idea.submitter__first_name }} {{ idea.submitter__last_name }}</dd>
<dt>Initiativ fra</dt><dd>{{ idea.initiator }}</dd>
<dt>Meldt inn</dt><dd>{{ idea.submitted_at|date:"j. F Y H:i" }}</dd></dl>
<section><h2>Behov</h2><p>{{ idea.need|linebreaksbr }}</p><p>{{ idea.need_holder }}</p></section>
<section><h2>Forslag til løsning</h2><p>{{ idea.proposed_solution|linebreaksbr }}</p>
<p>{{ idea.reuse_url }}</p></section>
<section><h2>Berørte parter</h2><p>{{ idea.affected_parties|linebreaksbr }}</p></section>
<section><h2>Klassifisering</h2><dl>
<dt>Innovasjonstype</dt><dd>{{ idea.innovation_type__name }} ({{ secondary|join:", " }})</dd>
<dt>Strategiske mål</dt><dd>{{ goals|join:", " }}</dd>
<dt>Bærekraftsmål</dt><dd>{{ sdgs|join:", " }}</dd>
<dt>Forventet verdi</dt><dd>{{ idea.value_types|join:", " }}</dd>
<dt>Stikkord</dt><dd>{% for tag in tags %}<a href="/ideer/?tag={{ tag|urlencode }}">{{ tag }}</a>
{% endfor %}</dd></dl></section>
<table><tr><td>{{ idea.score_need }}</td><td>{{ idea.score_value }}</td>
<td>{{ idea.score_champion }}</td><td>{{ idea.score_team }}</td>
<td>{{ idea.score_anchoring }}</td></tr></table>
<form method="post" action="/ideer/{{ idea.id }}/stott/">{% csrf_token %}
<button type="submit">{% if state.supported %}Støtter{% else %}Støtt{% endif %}</button></form>
<form method="post" action="/ideer/{{ idea.id }}/folg/">{% csrf_token %}
<button type="submit">{% if state.following %}Følger{% else %}Følg{% endif %}</button></form>
<section><h2>Kommentarer</h2><ol>{% for c in comments %}<li>{{ c.author__first_name }}
{{ c.created_at|date:"j. M Y H:i" }} {{ c.body|linebreaksbr }}</li>{% endfor %}</ol>
<form method="post" action="/ideer/{{ idea.id }}/kommentarer/">{% csrf_token %}
<textarea name="body"></textarea><button type="submit">Publiser</button></form></section>
<section><h2>Vedlegg</h2><ul>{% for a in attachments %}<li>{{ a.original_name }}
{{ a.uploaded_by__first_name }}</li>{% endfor %}</ul></section>
<section><h2>Vedtak</h2><ul>{% for d in decisions %}<li>{{ d.kind }} {{ d.decided_at }}
{{ d.decided_by__first_name }}</li>{% endfor %}</ul></section>
<section><h2>Historikk</h2><ol>{% for e in events %}<li>{{ e.occurred_at|date:"j. M Y H:i" }}
– {{ e.action }} {{ e.actor__first_name }} {{ e.actor__last_name }}</li>{% endfor %}</ol>
</section></article>"""
)


@require_GET
def idea_detail_floor(request: HtmxRequest, pk: int) -> HttpResponse:
    idea = (
        Idea.objects.filter(organisation=request.organisation, pk=pk)
        .values(
            "id",
            "title",
            "question",
            "status",
            "need",
            "need_holder",
            "proposed_solution",
            "reuse_url",
            "affected_parties",
            "initiator",
            "submitted_at",
            "value_types",
            "submitter_id",
            "triaged_at",
            "score_need",
            "score_value",
            "score_champion",
            "score_team",
            "score_anchoring",
            "innovation_type__name",
            "unit__name",
            "submitter__first_name",
            "submitter__last_name",
        )
        .first()
    )
    if idea is None or (
        idea["status"] == IdeaStatus.DRAFT and idea["submitter_id"] != request.user.pk
    ):
        raise Http404
    through = Idea.secondary_types.through.objects.filter(idea_id=pk)
    state = (
        Idea.objects.filter(pk=pk)
        .values(
            supported=Exists(Support.objects.filter(idea_id=pk, user=request.user)),
            following=Exists(Follow.objects.filter(idea_id=pk, user=request.user)),
        )
        .get()
    )
    initiative = None
    if idea["status"] == IdeaStatus.ACCEPTED:
        initiative = Initiative.objects.filter(idea_id=pk).values("id", "phase__name").first()
    context = {
        "idea": idea,
        "initiative": initiative,
        "secondary": list(through.values_list("innovationtype__name", flat=True)),
        "goals": list(
            Idea.strategic_goals.through.objects.filter(idea_id=pk).values_list(
                "strategicgoal__title", flat=True
            )
        ),
        "sdgs": [
            f"{number}. {title}"
            for number, title in Idea.sustainability_goals.through.objects.filter(
                idea_id=pk
            ).values_list("sustainabilitygoal__number", "sustainabilitygoal__title")
        ],
        "tags": list(
            Idea.tags.through.objects.filter(idea_id=pk).values_list("tag__name", flat=True)
        ),
        "state": state,
        "comments": list(
            Comment.objects.filter(idea_id=pk).values(
                "body", "created_at", "author__first_name", "author__last_name"
            )
        ),
        "attachments": list(
            Attachment.objects.filter(idea_id=pk).values("original_name", "uploaded_by__first_name")
        ),
        "decisions": list(
            Decision.objects.filter(idea_id=pk).values(
                "kind", "decided_at", "decided_by__first_name"
            )
        )
        if idea["triaged_at"]
        else [],
        "events": list(
            DomainEvent.objects.filter(subject_type="ideas.idea", subject_id=pk)
            .order_by("occurred_at", "id")
            .values("occurred_at", "action", "actor__first_name", "actor__last_name")
        ),
    }
    return _render(DETAIL_TEMPLATE, context, request)


# The flow page -----------------------------------------------------------------------------------

FLOW_TEMPLATE = _template(
    """<h1>Flyt</h1><table><tr>{% for p in phases %}<th>{{ p.name }}</th>{% endfor %}</tr>
<tr>{% for m in medians %}<td>{{ m.median }}</td>{% endfor %}</tr></table>
<table>{% for row in rows %}<tr><td><a href="/ideer/{{ row.idea_id }}/">{{ row.idea__title }}
</a></td>
<td>{{ row.phase__name }}</td>{% for d in row.days %}<td>{{ d }}</td>{% endfor %}</tr>{% endfor %}
</table><table>{% for row in throughput %}<tr><td>{{ row.month|date:"Y-m" }}</td>
<td>{{ row.entered }}</td><td>{{ row.closed }}</td></tr>{% endfor %}</table>
<p>{{ stalled_count }}</p><ul>{% for s in stalled %}<li>{{ s.idea__title }} {{ s.phase__name }}
{{ s.phase_entered_at|date:"j. M Y" }}</li>{% endfor %}</ul>"""
)


def _stalled_days(organisation_id: int) -> int:
    days = (
        PortfolioSettings.objects.filter(organisation_id=organisation_id)
        .values_list("stalled_after_days", flat=True)
        .first()
    )
    return days or 30


@require_GET
@role_required(Role.BOARD, Role.LEADER)
def flow_floor(request: HtmxRequest) -> HttpResponse:
    from portfolio.selectors.flow import median_days_per_phase

    organisation = request.organisation
    phase_objects = list(Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE))
    phases = [{"id": p.pk, "name": p.name} for p in phase_objects]
    keys = [f"time_in_phase_{p['id']}" for p in phases]
    rows_qs = initiatives_with_phase_time(organisation=organisation, phases=phase_objects).values(
        "idea_id", "idea__title", "phase__name", *keys
    )
    page = Paginator(rows_qs, PAGE_SIZE).get_page(request.GET.get("side"))
    rows = [
        {**row, "days": [row[key].days if row[key] else None for key in keys]}
        for row in page.object_list
    ]
    since = timezone.now() - timedelta(days=366)
    visits = PhaseVisit.objects.filter(initiative__organisation=organisation, entered_at__gte=since)
    throughput = list(
        visits.values(month=F("entered_at__month"))
        .annotate(
            entered=Count("initiative_id", distinct=True),
            closed=Count("initiative_id", distinct=True, filter=Q(phase__kind=PhaseKind.CLOSED)),
        )
        .order_by("month")
    )
    stalled = Initiative.objects.filter(
        organisation=organisation,
        phase__kind=PhaseKind.ACTIVE,
        phase_entered_at__lt=timezone.now() - timedelta(days=_stalled_days(organisation.pk)),
    ).order_by("phase_entered_at", "pk")
    medians = median_days_per_phase(organisation=organisation, phases=phase_objects)
    context = {
        "phases": phases,
        "medians": [{"median": m} for m in medians],
        "rows": rows,
        "throughput": throughput,
        "stalled": list(stalled.values("idea__title", "phase__name", "phase_entered_at")[:20]),
        "stalled_count": stalled.count(),
    }
    return _render(FLOW_TEMPLATE, context, request)


# The benefit overview ----------------------------------------------------------------------------

OVERVIEW_TEMPLATE = _template(
    """<h1>Gevinster</h1><table>{% for row in expected %}<tr><td>{{ row.kind }}</td>
<td>{{ row.initiative__idea__unit__name }}</td><td>{{ row.year }}</td><td>{{ row.hours }}</td>
<td>{{ row.amount }}</td></tr>{% endfor %}</table><table>{% for row in realised %}<tr>
<td>{{ row.benefit__kind }}</td><td>{{ row.benefit__initiative__idea__unit__name }}</td>
<td>{{ row.year }}</td><td>{{ row.realised }}</td><td>{{ row.measured }}</td></tr>{% endfor %}
</table><p>{{ counts.initiatives }} {{ counts.put_to_use }}</p>
<ul>{% for b in flagged %}<li>{{ b.description }} {{ b.initiative__idea__title }}
{{ b.owner__first_name }} {{ b.responsible__first_name }}</li>{% endfor %}</ul>
<p>{{ flagged_count }}</p>"""
)


@require_GET
@role_required(Role.BOARD, Role.LEADER)
def benefit_overview_floor(request: HtmxRequest) -> HttpResponse:
    organisation = request.organisation
    flagged = (
        Benefit.objects.filter(organisation=organisation)
        .filter(~Exists(Indicator.objects.filter(benefit=OuterRef("pk"))))
        .order_by("initiative__idea__title", "created_at", "pk")
        .values(
            "description", "initiative__idea__title", "owner__first_name", "responsible__first_name"
        )
    )
    page = Paginator(flagged, PAGE_SIZE).get_page(request.GET.get("side"))
    context: dict[str, Any] = {
        "flagged": list(page.object_list),
        "flagged_count": page.paginator.count,
    }
    if not request.htmx:
        context["expected"] = list(
            Benefit.objects.filter(organisation=organisation)
            .values("kind", "initiative__idea__unit__name", year=ExtractYear("realisation_date"))
            .annotate(hours=Sum("expected_hours"), amount=Sum("expected_amount"))
            .order_by("kind", "initiative__idea__unit__name", "year")
        )
        context["realised"] = list(
            Indicator.objects.filter(benefit__organisation=organisation)
            .alias(gain=realised_by_latest())
            .values(
                "benefit__kind",
                "benefit__initiative__idea__unit__name",
                year=ExtractYear("benefit__realisation_date"),
            )
            .annotate(realised=Sum("gain"), measured=Count("gain"))
            .order_by("benefit__kind", "benefit__initiative__idea__unit__name", "year")
        )
        context["counts"] = {
            "initiatives": Initiative.objects.filter(organisation=organisation).count(),
            "put_to_use": initiatives_taken_into_use(organisation).count(),
        }
    return _render(OVERVIEW_TEMPLATE, context, request)


# An initiative's status reports ------------------------------------------------------------------

STATUS_TEMPLATE = _template(
    """<h1>{{ initiative.idea__title }}</h1><p>{{ initiative.phase__name }}</p>
<ol>{% for r in reports %}<li>{{ r.period_end|date:"j. M Y" }} {{ r.progress }} {{ r.economy }}
{{ r.quality }} {{ r.risk }} {{ r.benefits }} {{ r.created_by__first_name }}
{{ r.summary|linebreaksbr }}</li>{% endfor %}</ol><p>{{ number }} / {{ pages }}</p>"""
)


@require_GET
def status_floor(request: HtmxRequest, pk: int) -> HttpResponse:
    initiative = (
        Initiative.objects.filter(organisation=request.organisation, pk=pk)
        .values("id", "idea__title", "phase__name")
        .first()
    )
    if initiative is None:
        raise Http404
    reports = (
        StatusReport.objects.filter(initiative_id=pk)
        .order_by("-period_end", "-published_at", "-id")
        .values(
            "period_end",
            "progress",
            "economy",
            "quality",
            "risk",
            "benefits",
            "summary",
            "created_by__first_name",
        )
    )
    page = Paginator(reports, 12).get_page(request.GET.get("side"))
    context = {
        "initiative": initiative,
        "reports": list(page.object_list),
        "number": page.number,
        "pages": page.paginator.num_pages,
    }
    return _render(STATUS_TEMPLATE, context, request)


# The triage inbox and the meeting page -----------------------------------------------------------

INBOX_COLUMNS = (
    "id",
    "title",
    "question",
    "status",
    "submitted_at",
    "innovation_type__name",
    "unit__name",
    "submitter__first_name",
    "submitter__last_name",
    "assessment__id",
    "revisit_on",
)
TRIAGE_TEMPLATE = _template(
    """<h1>Innboks</h1><p>{{ count }}</p><ul>{% for idea in ideas %}<li>
<a href="/portefolje/ideer/{{ idea.id }}/behandle/">{{ idea.title }}</a> {{ idea.question }}
{{ idea.innovation_type__name }} {{ idea.unit__name }} {{ idea.submitter__first_name }}
{{ idea.submitted_at|date:"j. M Y" }} {{ idea.revisit_on }} {{ idea.assessment__id }}</li>
{% endfor %}</ul>"""
)


def _inbox(organisation: Any) -> Any:
    ideas = Idea.objects.filter(
        organisation=organisation, status__in=[IdeaStatus.SUBMITTED, IdeaStatus.PARKED]
    )
    return (
        _with_revisit_date(ideas)
        .filter(_waiting_for_board(timezone.localdate()))
        .order_by("submitted_at", "id")
    )


@require_GET
@role_required(Role.BOARD)
def triage_floor(request: HtmxRequest) -> HttpResponse:
    page = Paginator(_inbox(request.organisation).values(*INBOX_COLUMNS), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    context = {"ideas": list(page.object_list), "count": page.paginator.count}
    return _render(TRIAGE_TEMPLATE, context, request)


MEETING_TEMPLATE = _template(
    """<h1>{{ meeting.title }} {{ meeting.held_on }}</h1><p>{{ participants|join:", " }}</p>
<ol>{% for idea in ideas %}<li><h2><a href="/ideer/{{ idea.id }}/">{{ idea.title }}</a></h2>
<p>{{ idea.question }} {{ idea.innovation_type__name }} {{ idea.unit__name }}
{{ idea.submitter__first_name }} {{ idea.submitter__last_name }}
{{ idea.submitted_at|date:"j. F Y" }} {{ idea.revisit_on }} {{ idea.assessment__id }}</p>
<details><summary>Behandle saken</summary>
<a href="/portefolje/ideer/{{ idea.id }}/behandle/?meeting={{ meeting.id }}">Åpne</a></details>
</li>{% endfor %}</ol><form method="post" action="/portefolje/moter/{{ meeting.id }}/avslutt/">
{% csrf_token %}<button type="submit">Avslutt</button></form>
<p>{{ stalled_count }}</p><ul>{% for s in stalled %}<li>{{ s.idea__title }} {{ s.phase__name }}
{{ s.owner__first_name }} {{ s.phase_entered_at }}</li>{% endfor %}</ul>"""
)


@require_GET
@role_required(Role.BOARD)
def meeting_floor(request: HtmxRequest, pk: int) -> HttpResponse:
    """What the meeting page shows: each agenda item's summary (its decision forms load on
    demand, as on the page), the participants and the stalled initiatives."""
    organisation = request.organisation
    meeting = (
        Meeting.objects.filter(organisation=organisation, pk=pk)
        .values("id", "title", "held_on", "closed_at")
        .first()
    )
    if meeting is None:
        raise Http404
    decided_here = Q(pk__in=Decision.objects.filter(meeting_id=pk).values("idea_id"))
    ideas = (
        _with_revisit_date(Idea.objects.filter(organisation=organisation))
        .filter(_waiting_for_board(timezone.localdate()) | decided_here)
        .order_by("submitted_at", "id")
        .values(*INBOX_COLUMNS, "submitter__last_name")
    )
    page = Paginator(ideas, 20).get_page(request.GET.get("side"))
    stalled = Initiative.objects.filter(
        organisation=organisation,
        phase__kind=PhaseKind.ACTIVE,
        phase_entered_at__lt=timezone.now() - timedelta(days=_stalled_days(organisation.pk)),
    ).order_by("phase_entered_at", "pk")
    participants = User.objects.filter(board_meetings__id=pk).values_list("first_name", flat=True)
    context = {
        "meeting": meeting,
        "ideas": list(page.object_list),
        "participants": list(participants),
        "stalled": list(
            stalled.values("idea__title", "phase__name", "owner__first_name", "phase_entered_at")[
                :20
            ]
        ),
        "stalled_count": stalled.count(),
    }
    return _render(MEETING_TEMPLATE, context, request)


# Moving a card (htmx POST) -----------------------------------------------------------------------

MOVED_TEMPLATE = _ENGINE.from_string(
    """<article id="card-{{ card.id }}" data-version="{{ card.version }}"><h3>
<a href="/ideer/{{ card.idea_id }}/">{{ card.idea__title }}</a></h3>
<p>{{ card.idea__innovation_type__name }} {{ card.idea__unit__name }} {{ card.owner__first_name }}
{{ card.phase__name }}</p></article>{% for phase, n in counts.items %}<span id="count-{{ phase }}">
{{ n }}</span>{% endfor %}<p role="status">Flyttet til {{ card.phase__name }}.</p>"""
)


@require_POST
@role_required(Role.BOARD)
def move_floor(request: HtmxRequest, pk: int) -> HttpResponse:
    """The move's writes as plain statements: lock the row at its version, answer the open
    checkpoints, close the visit, open one, bump the version, record the event."""
    organisation = request.organisation
    to_phase = int(request.POST["fase"])
    version = int(request.POST["versjon"])
    now = timezone.now()
    with transaction.atomic():
        current = (
            Initiative.objects.select_for_update()
            .filter(organisation=organisation, pk=pk, version=version)
            .values("id", "phase_id", "phase__name")
            .first()
        )
        if current is None:
            return HttpResponse(status=409)
        answered = ChecklistAnswer.objects.filter(
            initiative_id=pk, answer__in=SETTLED_ANSWERS
        ).values("item_id")
        items = list(
            ChecklistItem.objects.filter(phase_id=current["phase_id"])
            .exclude(pk__in=answered)
            .values_list("id", flat=True)
        )
        ChecklistAnswer.objects.bulk_create(
            ChecklistAnswer(
                initiative_id=pk,
                item_id=item,
                answer=ChecklistAnswerKind.DONE,
                answered_by=request.user,
                answered_at=now,
            )
            for item in items
        )
        PhaseVisit.objects.filter(initiative_id=pk, left_at__isnull=True).update(left_at=now)
        PhaseVisit.objects.create(initiative_id=pk, phase_id=to_phase, entered_at=now)
        Initiative.objects.filter(pk=pk).update(
            phase_id=to_phase, phase_entered_at=now, version=F("version") + 1
        )
        DomainEvent.objects.create(
            organisation=organisation,
            actor=request.user,
            action="initiative.moved",
            subject_type="portfolio.initiative",
            subject_id=pk,
            before={"phase_id": current["phase_id"], "phase": current["phase__name"]},
            after={"phase_id": to_phase},
            occurred_at=now,
        )
    card = (
        Initiative.objects.filter(pk=pk)
        .values(
            "id",
            "version",
            "idea_id",
            "idea__title",
            "idea__innovation_type__name",
            "idea__unit__name",
            "owner__first_name",
            "phase__name",
        )
        .get()
    )
    counts = dict(
        Initiative.objects.filter(organisation=organisation, phase__kind=PhaseKind.ACTIVE)
        .order_by()
        .values_list("phase_id")
        .annotate(n=Count("id"))
        .values_list("phase_id", "n")
    )
    context = {"card": card, "counts": counts}
    return HttpResponse(MOVED_TEMPLATE.render(context, request))
