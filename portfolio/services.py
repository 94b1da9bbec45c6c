"""Writes to the portfolio."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Follow, Idea, IdeaStatus, Support
from ideas.services import notify_status_change
from portal.events import record_event
from portal.models import Organisation, User
from portfolio.defaults import DIGDIR_PHASES, KS_VEIKART_PHASES
from portfolio.models import (
    Assessment,
    ChecklistAnswer,
    ChecklistAnswerKind,
    ChecklistItem,
    Decision,
    DecisionKind,
    Initiative,
    Meeting,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
)

PhaseTemplate = Literal["ks_veikart", "digdir"]
TEMPLATES = {"ks_veikart": KS_VEIKART_PHASES, "digdir": DIGDIR_PHASES}


@transaction.atomic
def apply_phase_template(*, organisation: Organisation, template: PhaseTemplate) -> list[Phase]:
    """Create the template's phases and checklists that the organisation lacks (by name)."""
    phases = []
    for item in TEMPLATES[template]:
        phase, created = Phase.objects.get_or_create(
            organisation=organisation,
            name=item["name"],
            defaults={
                "order": item["order"],
                "kind": item["kind"],
                "description": item["description"],
                "key_questions": list(item["key_questions"]),
            },
        )
        if created:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(phase=phase, order=order, text=text)
                for order, text in enumerate(item["checklist"], start=1)
            )
        phases.append(phase)
    return phases


class InitiativeConflict(Exception):
    """Someone else moved or changed the initiative since it was shown; nothing was saved."""

    def __init__(self, current: Initiative) -> None:
        super().__init__(f"Initiative {current.pk} is at version {current.version}.")
        self.current = current


class ChecklistIncomplete(ValueError):
    """Leaving a phase needs an answer for each open checkpoint (and a comment for some)."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class NotDecidable(ValueError):
    """The idea is not waiting for a decision (a draft, or already decided and closed)."""


DECISION_ACTIONS = {
    DecisionKind.ACCEPT: "idea.accepted",
    DecisionKind.PARK: "idea.parked",
    DecisionKind.REJECT: "idea.rejected",
    DecisionKind.MERGE: "idea.merged",
}
DECIDABLE = {IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW, IdeaStatus.PARKED}
SETTLED = {ChecklistAnswerKind.DONE, ChecklistAnswerKind.NOT_RELEVANT}


def open_checklist_items(initiative: Initiative) -> list[ChecklistItem]:
    """Checkpoints of the current phase not yet settled as «Utført» or «Ikke relevant»."""
    settled = set(
        ChecklistAnswer.objects.filter(
            initiative=initiative, item__phase=initiative.phase, answer__in=SETTLED
        ).values_list("item_id", flat=True)
    )
    return [item for item in initiative.phase.checklist.all() if item.pk not in settled]


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
    if current.status not in DECIDABLE:
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
        after=snapshot_json(after),
    )
    notify_status_change(idea, actor)
    return decision


def snapshot_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


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


@transaction.atomic
def move_initiative(
    *,
    initiative: Initiative,
    actor: User,
    to_phase: Phase,
    expected_version: int,
    answers: Mapping[int, tuple[str, str]] | None = None,
) -> Initiative:
    """Move a card to another phase (backwards too: the Veikart is not linear).

    `answers` maps each open checkpoint of the phase being left to (answer, comment):
    «Ikke relevant» and «Fortsatt åpen» need a comment. A stale `expected_version` raises
    InitiativeConflict; missing answers raise ChecklistIncomplete. Nothing is saved then.
    """
    current = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("phase", "organisation")
        .get(pk=initiative.pk)
    )
    if current.version != expected_version:
        raise InitiativeConflict(current)
    if to_phase.organisation_id != current.organisation_id or to_phase.kind == PhaseKind.INBOX:
        raise ValueError("Move to one of the organisation's phases on the board.")
    if to_phase.pk == current.phase_id:
        return current
    answers = answers or {}
    open_items = open_checklist_items(current)
    errors: dict[int, str] = {}
    for item in open_items:
        answer, comment = answers.get(item.pk, ("", ""))
        if answer not in ChecklistAnswerKind.values:
            errors[item.pk] = str(_("Velg Utført, Ikke relevant eller Fortsatt åpen."))
        elif answer != ChecklistAnswerKind.DONE and not comment.strip():
            errors[item.pk] = str(_("Skriv en kommentar når punktet ikke er utført."))
    if errors:
        raise ChecklistIncomplete(errors)
    now = timezone.now()
    ChecklistAnswer.objects.bulk_create(
        ChecklistAnswer(
            initiative=current,
            item=item,
            answer=answers[item.pk][0],
            comment=answers[item.pk][1].strip(),
            answered_by=actor,
            answered_at=now,
        )
        for item in open_items
    )
    from_phase = current.phase
    PhaseVisit.objects.filter(initiative=current, left_at__isnull=True).update(left_at=now)
    PhaseVisit.objects.create(initiative=current, phase=to_phase, entered_at=now)
    current.phase = to_phase
    current.phase_entered_at = now
    current.version += 1
    current.save(update_fields=["phase", "phase_entered_at", "version"])
    record_event(
        organisation=current.organisation,
        actor=actor,
        action="initiative.moved",
        subject=current,
        before={"phase": from_phase.name, "phase_id": from_phase.pk},
        after={
            "phase": to_phase.name,
            "phase_id": to_phase.pk,
            "direction": "back" if to_phase.order < from_phase.order else "forward",
            "checklist": [
                {"item": item.text, "answer": answers[item.pk][0], "comment": answers[item.pk][1]}
                for item in open_items
            ],
        },
    )
    return current
