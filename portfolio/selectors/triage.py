"""Reads for triage: the board's inbox and the choices of a decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from ideas.models import CLOSED_STATUSES, Idea, IdeaStatus
from portal.models import Organisation, User
from portfolio.models import (
    Decision,
    DecisionKind,
    Phase,
    PhaseKind,
)
from portfolio.roles import RoleLevel, role_levels

INBOX_RELATED = ("unit", "innovation_type", "submitter", "assessment")


WAITING = (IdeaStatus.SUBMITTED,)


MERGE_TARGETS_SHOWN = 200  # the select lists the newest; any open idea of the organisation is valid


def _with_revisit_date(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """Annotate `revisit_on`: the date set by the idea's latest «parkert» decision, if any."""
    latest_park = (
        Decision.objects.filter(idea=OuterRef("pk"), kind=DecisionKind.PARK)
        .order_by("-decided_at", "-id")
        .values("revisit_on")[:1]
    )
    return ideas.annotate(revisit_on=Subquery(latest_park))


def _waiting_for_board(today: date) -> Q:
    return Q(status__in=WAITING) | Q(status=IdeaStatus.PARKED, revisit_on__lte=today)


def triage_inbox(*, organisation: Organisation, today: date | None = None) -> QuerySet[Idea]:
    """Ideas waiting for the board, oldest first: new ones, and parked ones whose date to
    look again has come (`revisit_on` is set on those). Assessments come along."""
    today = today or timezone.localdate()
    ideas = Idea.objects.for_organisation(organisation).filter(
        status__in=[*WAITING, IdeaStatus.PARKED]
    )
    return (
        _with_revisit_date(ideas)
        .filter(_waiting_for_board(today))
        .select_related(*INBOX_RELATED)
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class TriageChoices:
    """What the decision forms offer, read once per page however many ideas it shows."""

    organisation: Organisation
    phases: list[Phase]
    members: list[User]
    merge_targets: list[Idea]
    roles: dict[int, RoleLevel]


def triage_choices(*, organisation: Organisation) -> TriageChoices:
    phases = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE)
    members = User.objects.filter(memberships__organisation=organisation, is_active=True)
    targets = (
        Idea.objects.for_organisation(organisation)
        .exclude(status__in=[*CLOSED_STATUSES, IdeaStatus.DRAFT])
        .only("id", "title")
        .order_by("-submitted_at", "-id")[:MERGE_TARGETS_SHOWN]
    )
    return TriageChoices(
        organisation=organisation,
        phases=list(phases.order_by("order")),
        members=list(members.order_by("first_name", "last_name", "email")),
        merge_targets=sorted(targets, key=lambda idea: (idea.title.lower(), idea.pk)),
        roles=role_levels(organisation),
    )


def open_merge_target(*, organisation: Organisation, pk: int) -> Idea | None:
    """An idea of the organisation another may be merged into: submitted and not closed."""
    return (
        Idea.objects.for_organisation(organisation)
        .exclude(status__in=[*CLOSED_STATUSES, IdeaStatus.DRAFT])
        .filter(pk=pk)
        .first()
    )


DECISION_RELATED = ("decided_by", "meeting", "phase", "merged_into")


def idea_decisions(idea: Idea) -> list[Decision]:
    """The board's decisions on one idea, oldest first."""
    return list(Decision.objects.filter(idea=idea).select_related(*DECISION_RELATED))
