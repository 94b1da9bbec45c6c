"""Triage: the board's assessment of an idea and its decision (accept, park, reject, merge)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Follow, Idea, IdeaStatus, Support
from ideas.notifications import notify_followers
from ideas.services import notify_status_change
from portal.events import record_event
from portal.models import User
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
    DecisionKind.ACCEPT: "idea.accepted",
    DecisionKind.PARK: "idea.parked",
    DecisionKind.REJECT: "idea.rejected",
    DecisionKind.MERGE: "idea.merged",
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
        action="idea.assessed",
        subject=idea,
        before=before,
        after={**scores, "total": assessment.total, "priority": assessment.priority.value},
    )
    return assessment


def _lock_decidable(idea: Idea) -> Idea:
    current = Idea.objects.select_for_update(of=("self",)).get(pk=idea.pk)
    if current.status not in Decision.DECIDABLE:
        raise NotDecidable(f"Idea {idea.pk} is {current.status}.")
    return current


def _close_decision(
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
    """Store the decision, set the idea's status, record the event and tell the followers."""
    if meeting is not None and meeting.organisation_id != idea.organisation_id:
        raise ValueError("The meeting belongs to another organisation.")
    before = {"status": idea.status}
    idea.status = status
    idea.triaged_at = idea.triaged_at or timezone.now()
    idea.version += 1
    idea.save(update_fields=["status", "triaged_at", "version", "updated_at"])
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
    if kind == DecisionKind.REJECT:
        # The submitter is told why, in the notification itself.
        notify_followers(
            idea=idea,
            actor=actor,
            message=_("Status for «%(title)s» er nå: %(status)s. Begrunnelse: %(reason)s")
            % {"title": idea.title, "status": idea.get_status_display(), "reason": basis},
        )
    else:
        notify_status_change(idea, actor)
    return decision


@transaction.atomic
def accept_idea(
    *,
    idea: Idea,
    actor: User,
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
    current = _lock_decidable(idea)
    _close_decision(
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
    )
    initiative.team.set(team or [])
    PhaseVisit.objects.create(initiative=initiative, phase=phase, entered_at=now)
    record_event(
        organisation=current.organisation,
        actor=actor,
        action="initiative.created",
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
    revisit_on: date,
    basis: str = "",
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Decision:
    """«Vente og se»: the idea waits, with a date to look at it again."""
    current = _lock_decidable(idea)
    return _close_decision(
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
    basis: str,
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Decision:
    """Reject with a reason, which the submitter is told."""
    if not basis.strip():
        raise ValueError("A rejection needs a reason.")
    current = _lock_decidable(idea)
    return _close_decision(
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
    into: Idea,
    basis: str = "",
    case_number: str = "",
    meeting: Meeting | None = None,
) -> Decision:
    """Merge a duplicate into another idea; its followers and supporters come along."""
    if into.pk == idea.pk or into.organisation_id != idea.organisation_id:
        raise ValueError("Merge into another idea of the same organisation.")
    current = _lock_decidable(idea)
    target = Idea.objects.select_for_update(of=("self",)).get(pk=into.pk)
    followers = Follow.objects.filter(idea=current).exclude(
        user__in=Follow.objects.filter(idea=target).values("user")
    )
    Follow.objects.bulk_create(Follow(idea=target, user_id=f.user_id) for f in followers)
    supporters = Support.objects.filter(idea=current).exclude(
        user__in=Support.objects.filter(idea=target).values("user")
    )
    Support.objects.bulk_create(Support(idea=target, user_id=s.user_id) for s in supporters)
    target.support_count = Support.objects.filter(idea=target).count()
    target.save(update_fields=["support_count"])
    return _close_decision(
        idea=current,
        actor=actor,
        status=IdeaStatus.MERGED,
        kind=DecisionKind.MERGE,
        basis=basis,
        case_number=case_number,
        meeting=meeting,
        merged_into=target,
    )
