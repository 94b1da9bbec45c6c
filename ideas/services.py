"""Writes to ideas. Each service runs in one transaction and records its domain event."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ideas.models import Idea, IdeaStatus, InnovationType
from portal.events import record_event, snapshot
from portal.models import Organisation, Unit, User

IDEA_EVENT_FIELDS = (
    "title",
    "question",
    "need",
    "proposed_solution",
    "innovation_type",
    "unit",
    "status",
    "version",
)


@transaction.atomic
def submit_idea(
    *,
    organisation: Organisation,
    submitter: User,
    title: str,
    question: str,
    need: str,
    innovation_type: InnovationType,
    unit: Unit,
    proposed_solution: str = "",
    submitted_at: datetime | None = None,
    notify_board: bool = True,
) -> Idea:
    """Register a new idea and place it in the board's triage inbox («Innkommet»).

    `submitted_at` keeps the original date of ideas imported from earlier tools
    (spreadsheets, Viima); such imports usually pass `notify_board=False`.
    """
    submitted_at = submitted_at or timezone.now()
    if (
        innovation_type.organisation_id != organisation.pk
        or unit.organisation_id != organisation.pk
    ):
        raise ValueError("Type and unit must belong to the idea's organisation.")
    idea = Idea(
        organisation=organisation,
        submitter=submitter,
        title=title,
        question=question,
        need=need,
        proposed_solution=proposed_solution,
        innovation_type=innovation_type,
        unit=unit,
        status=IdeaStatus.SUBMITTED,
        submitted_at=submitted_at,
    )
    idea.full_clean()
    idea.save()
    record_event(
        organisation=organisation,
        actor=submitter,
        action="idea.submitted",
        subject=idea,
        after=snapshot(idea, IDEA_EVENT_FIELDS),
        occurred_at=submitted_at,
    )
    if notify_board:
        from ideas.tasks import notify_board_of_new_idea  # tasks import this module

        transaction.on_commit(lambda: notify_board_of_new_idea.delay(idea.pk))
    return idea
