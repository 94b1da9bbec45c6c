"""Triage: the board's assessment of an idea and its decision (accept, park, reject, merge)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from ideas.models import Idea, IdeaStatus
from ideas.services import close_idea, lock_idea, transfer_followers
from portal.concurrency import lock_row
from portal.events import record_event
from portal.models import User
from portfolio.events import PortfolioAction
from portfolio.exceptions import NotDecidable
from portfolio.models import (
    Assessment,
    Decision,
    DecisionKind,
    Initiative,
    Meeting,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
)

DECISION_ACTIONS = {
    DecisionKind.ACCEPT: PortfolioAction.ACCEPTED,
    DecisionKind.PARK: PortfolioAction.PARKED,
    DecisionKind.REJECT: PortfolioAction.REJECTED,
    DecisionKind.MERGE: PortfolioAction.MERGED,
}


@transaction.atomic
def assess_idea(
    *,
    idea: Idea,
    actor: User,
    strategic_value: int,
    qualitative_benefit: int,
    economic_benefit: int,
    operational_need: int,
    risk: int,
    adjustment: int = 0,
) -> Assessment:
    """Score an idea on the five criteria; the total gives its priority."""
    scores = {
        "strategic_value": strategic_value,
        "qualitative_benefit": qualitative_benefit,
        "economic_benefit": economic_benefit,
        "operational_need": operational_need,
        "risk": risk,
        "adjustment": adjustment,
    }
    previous = Assessment.objects.filter(idea=idea).first()
    before = {k: getattr(previous, k) for k in scores} if previous else {}
    assessment, _created = Assessment.objects.update_or_create(
        idea=idea, defaults={**scores, "assessed_by": actor, "assessed_at": timezone.now()}
    )
    assessment.full_clean()
    record_event(
        organisation=idea.organisation,
        actor=actor,
        action=PortfolioAction.ASSESSED,
        subject=idea,
        before=before,
        after={**scores, "total": assessment.total, "priority": assessment.priority.value},
    )
    return assessment


def _lock_decidable(idea: Idea, expected_version: int | None) -> Idea:
    """The idea locked at the version the board member saw: of two decisions taken at once
    the second raises StaleVersion, so exactly one is recorded. The views always pass the
    version their form carried; scripts and the demo seed (None) decide on the idea as is."""
    if expected_version is None:
        current = lock_row(Idea.objects.all(), pk=idea.pk)
    else:
        current = lock_idea(idea=idea, expected_version=expected_version)
    if current.status not in Decision.DECIDABLE:
        raise NotDecidable(f"Idea {idea.pk} is {current.status}.")
    return current


def _record_decision(
    *,
    idea: Idea,
    actor: User,
    status: IdeaStatus,
    kind: DecisionKind,
    basis: str,
    case_number: str,
    meeting: Meeting | None,
    **extra: Any,
) -> Decision:
    """Store the decision, close the idea (ideas.services), and record the event."""
    if meeting is not None and meeting.organisation_id != idea.organisation_id:
        raise ValueError("The meeting belongs to another organisation.")
    before = {"status": idea.status}
    decision = Decision.objects.create(
        organisation=idea.organisation,
        idea=idea,
        kind=kind,
        basis=basis,
        case_number=case_number,
        decided_by=actor,
        meeting=meeting,
        **extra,
    )
    after: dict[str, Any] = {
        "status": status,
        "decision": kind,
        "basis": basis,
        "case_number": case_number,
        "meeting": meeting.pk if meeting else None,
    }
    for key, value in extra.items():
        after[key] = getattr(value, "pk", value)
    record_event(
        organisation=idea.organisation,
        actor=actor,
        action=DECISION_ACTIONS[kind],
        subject=idea,
        before=before,
        after=after,  # DomainEvent's JSON encoder writes dates as ISO text
    )
    # The submitter of a rejected idea is told why, in the notification itself.
    close_idea(
        idea=idea,
        actor=actor,
        status=status,
        reason=basis if kind == DecisionKind.REJECT else "",
    )
    return decision


@transaction.atomic
def accept_idea(
    *,
    idea: Idea,
    actor: User,
    expected_version: int | None = None,
    phase: Phase,
    owner: User | None,
    role: MunicipalRole,
    team: list[User] | None = None,
    basis: str = "",
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Initiative:
    """Accept the idea into a phase: it becomes an initiative on the board."""
    if phase.organisation_id != idea.organisation_id or phase.kind != PhaseKind.ACTIVE:
        raise ValueError("Accept into one of the organisation's active phases.")
    current = _lock_decidable(idea, expected_version)
    _record_decision(
        idea=current,
        actor=actor,
        status=IdeaStatus.ACCEPTED,
        kind=DecisionKind.ACCEPT,
        basis=basis,
        case_number=case_number,
        meeting=meeting,
        phase=phase,
    )
    now = timezone.now()
    initiative = Initiative.objects.create(
        organisation=current.organisation,
        idea=current,
        phase=phase,
        owner=owner,
        role=role,
        phase_entered_at=now,
        # Its one visit so far is this phase's (see portfolio.services.derived).
        in_use_since=now if phase.in_use else None,
    )
    initiative.team.set(team or [])
    PhaseVisit.objects.create(initiative=initiative, phase=phase, entered_at=now)
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.INITIATIVE_CREATED,
        subject=initiative,
        after={
            "idea": current.pk,
            "phase": phase.name,
            "owner": owner.pk if owner else None,
            "team": sorted(u.pk for u in team or []),
            "role": role,
        },
    )
    return initiative


@transaction.atomic
def park_idea(
    *,
    idea: Idea,
    actor: User,
    expected_version: int | None = None,
    revisit_on: date,
    basis: str = "",
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Decision:
    """«Vente og se»: the idea waits, with a date to look at it again."""
    current = _lock_decidable(idea, expected_version)
    return _record_decision(
        idea=current,
        actor=actor,
        status=IdeaStatus.PARKED,
        kind=DecisionKind.PARK,
        basis=basis,
        case_number=case_number,
        meeting=meeting,
        revisit_on=revisit_on,
    )


@transaction.atomic
def reject_idea(
    *,
    idea: Idea,
    actor: User,
    expected_version: int | None = None,
    basis: str,
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Decision:
    """Reject with a reason, which the submitter is told."""
    if not basis.strip():
        raise ValueError("A rejection needs a reason.")
    current = _lock_decidable(idea, expected_version)
    return _record_decision(
        idea=current,
        actor=actor,
        status=IdeaStatus.REJECTED,
        kind=DecisionKind.REJECT,
        basis=basis,
        case_number=case_number,
        meeting=meeting,
    )


@transaction.atomic
def merge_idea(
    *,
    idea: Idea,
    actor: User,
    expected_version: int | None = None,
    into: Idea,
    basis: str = "",
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Decision:
    """Merge a duplicate into another idea; its followers and supporters come along."""
    if into.pk == idea.pk or into.organisation_id != idea.organisation_id:
        raise ValueError("Merge into another idea of the same organisation.")
    current = _lock_decidable(idea, expected_version)
    target = lock_row(Idea.objects.all(), pk=into.pk)
    transfer_followers(source=current, target=target)
    return _record_decision(
        idea=current,
        actor=actor,
        status=IdeaStatus.MERGED,
        kind=DecisionKind.MERGE,
        basis=basis,
        case_number=case_number,
        meeting=meeting,
        merged_into=target,
    )
