"""Reads for board meetings: the list, the agenda and the decisions."""

from __future__ import annotations

from datetime import date

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from ideas.models import Idea
from portal.models import Organisation, User
from portfolio.models import (
    Decision,
    Meeting,
)
from portfolio.selectors.triage import (
    DECISION_RELATED,
    INBOX_RELATED,
    _waiting_for_board,
    _with_revisit_date,
)


def meeting_list(*, organisation: Organisation) -> QuerySet[Meeting]:
    """The board's meetings, newest first, each with its number of decisions."""
    return (
        Meeting.objects.filter(organisation=organisation)
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-id")
    )


def meeting_for(*, organisation: Organisation, pk: int) -> Meeting | None:
    return (
        Meeting.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "created_by")
        .prefetch_related(
            Prefetch("participants", queryset=User.objects.order_by("first_name", "last_name"))
        )
        .first()
    )


def _agenda_ideas(meeting: Meeting) -> QuerySet[Idea]:
    """Ideas with what an agenda item shows: assessment, revisit date and the decision
    taken in this meeting (`meeting_decisions`)."""
    here = Decision.objects.filter(meeting=meeting).select_related(*DECISION_RELATED)
    ideas = Idea.objects.for_organisation(meeting.organisation)
    return (
        _with_revisit_date(ideas)
        .select_related(*INBOX_RELATED)
        .prefetch_related(Prefetch("decisions", queryset=here, to_attr="meeting_decisions"))
        .order_by("submitted_at", "id")
    )


def meeting_agenda(*, meeting: Meeting, today: date | None = None) -> QuerySet[Idea]:
    """The meeting's agenda of ideas: while it is open the inbox, and always the ideas
    decided in it (so a decided item stays where it was)."""
    decided_here = Q(pk__in=Decision.objects.filter(meeting=meeting).values("idea_id"))
    if meeting.closed_at is not None:
        return _agenda_ideas(meeting).filter(decided_here)
    waiting = _waiting_for_board(today or timezone.localdate())
    return _agenda_ideas(meeting).filter(waiting | decided_here)


def agenda_item(*, meeting: Meeting, pk: int) -> Idea | None:
    return _agenda_ideas(meeting).filter(pk=pk).first()


def meeting_decisions(*, meeting: Meeting) -> list[Decision]:
    """The decisions of a meeting in the order they were taken: the minutes."""
    return list(
        meeting.decisions.select_related(
            "idea", "decided_by", "phase", "merged_into", "idea__initiative__owner"
        ).order_by("decided_at", "id")
    )
