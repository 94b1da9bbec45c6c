"""Reads of ideas, always scoped to one organisation."""

from __future__ import annotations

from ideas.models import Idea, IdeaQuerySet, IdeaStatus
from portal.models import Organisation, User


def idea_list(*, organisation: Organisation, submitter: User | None = None) -> IdeaQuerySet:
    """Ideas visible in lists: everything but other people's drafts."""
    ideas = (
        Idea.objects.for_organisation(organisation)
        .select_related("unit", "innovation_type", "submitter")
        .order_by("-submitted_at", "-id")
    )
    if submitter is not None:
        return ideas.filter(submitter=submitter)
    return ideas.exclude(status=IdeaStatus.DRAFT)


def triage_inbox(*, organisation: Organisation) -> IdeaQuerySet:
    """Submitted ideas waiting for the portfolio board, oldest first."""
    return (
        Idea.objects.for_organisation(organisation)
        .filter(status=IdeaStatus.SUBMITTED)
        .select_related("unit", "innovation_type", "submitter")
        .order_by("submitted_at", "id")
    )
