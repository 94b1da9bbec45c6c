"""The portfolio board: columns are phases; cards move by drag and drop or by a form.

Both ways post to `move`, which calls the one service `move_initiative`. An htmx move
answers with out-of-band swaps (the card leaves its old place and lands on top of its new
column, both counts update, a status message is announced); leaving a phase with open
checkpoints answers with the checklist dialog; a stale version answers 409 with the fresh
card. Without JavaScript the same URL redirects back to the board or shows the checklist
as a page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from portal.concurrency import StaleVersion
from portal.events import last_actor
from portal.http import HtmxRequest
from portal.models import Role
from portal.params import parse_int
from portfolio.exceptions import ChecklistIncomplete
from portfolio.forms.board import BoardFilterForm, MoveForm
from portfolio.models import Initiative, Phase
from portfolio.selectors.board import (
    CARDS_PER_COLUMN,
    Column,
    active_phase_counts,
    board_card,
    board_columns,
    board_phases,
    column_cards,
    open_checklist_items,
)
from portfolio.selectors.phases import stalled_after
from portfolio.services.board import move_initiative


def _filters(request: HtmxRequest) -> tuple[BoardFilterForm, dict[str, Any]]:
    form = BoardFilterForm(request.GET, organisation=request.organisation)
    return form, form.filters()


def _lanes(columns: list[Column], by: str) -> list[dict[str, Any]]:
    """Swimlanes: the same columns, split by unit or type of the cards shown."""
    if not by:
        return [{"title": "", "columns": [(c, c.cards) for c in columns]}]

    def key(card: Initiative) -> str:
        if by == "enhet":
            return card.idea.unit.name if card.idea.unit else _("Uten enhet")
        return card.idea.innovation_type.name if card.idea.innovation_type else _("Uten type")

    titles = sorted({key(card) for column in columns for card in column.cards})
    return [
        {
            "title": title,
            "columns": [(c, [card for card in c.cards if key(card) == title]) for c in columns],
        }
        for title in titles
    ]


@require_GET
def board(request: HtmxRequest) -> HttpResponse:
    """Everyone in the organisation sees the board; only the board and admins move cards."""
    form, filters = _filters(request)
    stalled_days = stalled_after(request.organisation)
    columns = board_columns(
        organisation=request.organisation,
        filters=filters,
        stalled_days=stalled_days,
        include_closed=bool(filters.get("closed")),
    )
    can_move = request.membership.has_role(Role.BOARD)
    context = {
        "filter_form": form,
        "columns": columns,
        "lanes": _lanes(columns, filters.get("lanes", "")),
        "can_move": can_move,
        "move_phases": [c.phase for c in columns] if can_move else [],
        "stalled_days": stalled_days,
    }
    template = "portfolio/board.html"
    if request.htmx and request.htmx.target == "board":
        template += "#board"
    return render(request, template, context)


@require_GET
def column_more(request: HtmxRequest, phase_pk: int) -> HttpResponse:
    """«Vis flere»: the next cards of one column."""
    phase = get_object_or_404(Phase, organisation=request.organisation, pk=phase_pk)
    _form, filters = _filters(request)
    offset = parse_int(request.GET.get("fra"), default=0)
    limit = CARDS_PER_COLUMN
    cards = column_cards(
        organisation=request.organisation,
        phase=phase,
        filters=filters,
        offset=offset,
        limit=limit + 1,
    )
    can_move = request.membership.has_role(Role.BOARD)
    context = {
        "phase": phase,
        "cards": cards[:limit],
        "next_offset": offset + limit if len(cards) > limit else None,
        "can_move": can_move,
        "move_phases": board_phases(organisation=request.organisation, include_closed=True)
        if can_move
        else [],
    }
    template = "portfolio/board_column.html"
    if request.htmx:
        template += "#more-cards"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def move(request: HtmxRequest, pk: int) -> HttpResponse:
    # Look up first: another organisation's card is a 404 whatever the role.
    initiative = get_object_or_404(
        Initiative.objects.for_organisation(request.organisation).select_related(
            "phase", "idea", "owner", "idea__unit", "idea__innovation_type"
        ),
        pk=pk,
    )
    initiative.organisation = request.organisation  # the same row (for_organisation)
    if not request.membership.has_role(Role.BOARD):
        raise PermissionDenied
    open_items = open_checklist_items(initiative)
    form = MoveForm(
        request.POST or None,
        initiative=initiative,
        open_items=open_items,
        initial={"versjon": initiative.version, "fase": request.GET.get("fase")},
    )
    if request.method == "GET" or not form.is_valid():
        return _checklist(request, initiative, form)
    to_phase = form.cleaned_data["fase"]
    if form.cleaned_data["versjon"] != initiative.version:
        return _conflict(request, initiative)  # checked first: the checklist may have changed
    if open_items and not form.has_answers and to_phase.pk != initiative.phase_id:
        return _checklist(request, initiative, form, fresh=True)
    try:
        moved = move_initiative(
            initiative=initiative,
            actor=request.user,
            to_phase=to_phase,
            expected_version=form.cleaned_data["versjon"],
            answers=form.answers(),
        )
    except StaleVersion as conflict:
        return _conflict(request, conflict.current)
    except ChecklistIncomplete as incomplete:
        form.add_checklist_errors(incomplete.errors)
        return _checklist(request, initiative, form)
    text = _("«%(title)s» er flyttet fra %(from)s til %(to)s.") % {
        "title": initiative.idea.title,
        "from": initiative.phase.name,
        "to": to_phase.name,
    }
    if not request.htmx:
        messages.success(request, text)
        return redirect(reverse("portfolio:board"))
    if "rader=" in (request.htmx.current_url or ""):
        return HttpResponseClientRefresh()  # swimlanes: cards are spread over many rows
    card = _card(request, moved.pk)
    return _moved(request, card, text, from_phase=initiative.phase)


def _checklist(
    request: HtmxRequest, initiative: Initiative, form: MoveForm, *, fresh: bool = False
) -> HttpResponse:
    """The «leave the phase» checklist: a dialog for htmx, a page without JavaScript."""
    context = {"initiative": initiative, "form": form, "fresh": fresh}
    if request.htmx:
        response = render(request, "portfolio/move_checklist.html#checklist-dialog", context)
        return reswap(retarget(response, "#dialog-slot"), "innerHTML")
    return render(request, "portfolio/move_checklist.html", context)


def _conflict(request: HtmxRequest, current: Initiative) -> HttpResponse:
    """Someone moved the card first: say so and show where it is now (409, never a
    silent overwrite)."""
    who = _last_mover(current)
    card = _card(request, current.pk)
    text = _(
        "%(who)s flyttet «%(title)s» mens du så på tavla. Kortet står nå i %(phase)s. "
        "Se over og flytt på nytt om det fortsatt trengs."
    ) % {"who": who, "title": card.idea.title, "phase": card.phase.name}
    if not request.htmx:
        messages.error(request, text)
        return redirect(reverse("portfolio:board"))
    return _moved(request, card, text, conflict=True)


def _card(request: HtmxRequest, pk: int) -> Initiative:
    return board_card(
        organisation=request.organisation,
        pk=pk,
        stalled_days=stalled_after(request.organisation),
    )


def _moved(
    request: HtmxRequest,
    card: Initiative,
    status: str,
    *,
    from_phase: Phase | None = None,
    conflict: bool = False,
) -> HttpResponse:
    """Out-of-band swaps: the card lands on top of its (current) column, the counts of the
    columns involved update, and the status is announced; 409 when it was a conflict."""
    counts = active_phase_counts(request.organisation)
    context = {
        "card": card,
        "from_phase": from_phase,
        "to_phase": card.phase,
        "from_count": counts.get(from_phase.pk, 0) if from_phase else 0,
        "to_count": counts.get(card.phase_id, 0),
        "status": status,
        "conflict": conflict,
        "can_move": True,
        "move_phases": board_phases(organisation=request.organisation, include_closed=True),
    }
    return render(request, "portfolio/board_moved.html", context, status=409 if conflict else 200)


def _last_mover(initiative: Initiative) -> str:
    return last_actor(initiative, _("En annen"))


urlpatterns: list[URLPattern] = [
    path("", board, name="board"),
    path("kolonne/<int:phase_pk>/", column_more, name="column"),
    path("initiativ/<int:pk>/flytt/", move, name="move"),
]
