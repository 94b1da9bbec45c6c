"""Writes to the portfolio."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Follow, Idea, IdeaStatus, Support
from ideas.notifications import notify_followers
from ideas.services import notify_status_change
from portal.events import record_event, snapshot
from portal.models import Membership, Organisation, Role, User
from portfolio.defaults import DIGDIR_PHASES, IN_USE_PHASES, KS_VEIKART_PHASES
from portfolio.models import (
    Assessment,
    Benefit,
    ChecklistAnswer,
    ChecklistAnswerKind,
    ChecklistItem,
    Decision,
    DecisionKind,
    Indicator,
    Initiative,
    Measurement,
    Meeting,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
    StatusReport,
    TrafficLight,
)

PhaseTemplate = Literal["ks_veikart", "digdir"]
TEMPLATES = {"ks_veikart": KS_VEIKART_PHASES, "digdir": DIGDIR_PHASES}


@transaction.atomic
def apply_phase_template(*, organisation: Organisation, template: PhaseTemplate) -> list[Phase]:
    """Create the template's phases and checklists that the organisation lacks (by name).

    The inbox is found by its kind: an organisation has one, whatever it has renamed it to.
    """
    phases = []
    for item in TEMPLATES[template]:
        is_inbox = item["kind"] == "inbox"
        phase, created = Phase.objects.get_or_create(
            organisation=organisation,
            **({"kind": PhaseKind.INBOX} if is_inbox else {"name": item["name"]}),
            defaults={
                "name": item["name"],
                "order": item["order"],
                "kind": item["kind"],
                "description": item["description"],
                "key_questions": list(item["key_questions"]),
                "in_use": item["name"] in IN_USE_PHASES,
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
    # Lock the row alone: with joins in a FOR UPDATE, PostgreSQL re-checks the join against
    # the old phase row after waiting for a concurrent move, and the row would vanish.
    current = Initiative.objects.select_for_update().get(pk=initiative.pk)
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


# Phase administration. Phases are data: an organisation's administrators rename, add,
# reorder and delete them and edit their exit checklists, or switch to another template.

PHASE_FIELDS = ("order", "name", "kind", "description", "key_questions", "wip_limit", "in_use")
KIND_RANK = {PhaseKind.INBOX: 0, PhaseKind.ACTIVE: 1, PhaseKind.CLOSED: 2}
Direction = Literal["up", "down"]


@dataclass(frozen=True)
class PhaseUsage:
    """Initiatives in a phase now, and traces in the history (visits, decisions) of it."""

    initiatives: int
    history: int

    @property
    def is_used(self) -> bool:
        return bool(self.initiatives or self.history)


class PhaseInUse(ValueError):
    """Deleting the phase would remove initiatives from the board or rewrite their history."""

    def __init__(self, phase: Phase, usage: PhaseUsage) -> None:
        super().__init__(f"Phase {phase.pk} is in use: {usage}.")
        self.usage = usage


class ChecklistItemInUse(ValueError):
    """The checkpoint has been answered when an initiative left the phase; the answer stays."""


@dataclass(frozen=True)
class KeptPhase:
    """A phase that stayed when the template was switched, and why."""

    name: str
    usage: PhaseUsage
    custom: bool  # not a phase of the template being left: the organisation added it


@dataclass(frozen=True)
class TemplateSwitch:
    template: str
    added: list[str]
    removed: list[str]
    kept: list[KeptPhase]


def phase_usage(phase: Phase) -> PhaseUsage:
    return PhaseUsage(
        initiatives=Initiative.objects.filter(phase=phase).count(),
        history=PhaseVisit.objects.filter(phase=phase).count()
        + Decision.objects.filter(phase=phase).count(),
    )


def _phase_state(phase: Phase) -> dict[str, Any]:
    return snapshot(phase, PHASE_FIELDS)


def _locked_phases(organisation: Organisation) -> list[Phase]:
    """All the organisation's phases in order, locked until the transaction ends."""
    return list(
        Phase.objects.select_for_update().filter(organisation=organisation).order_by("order", "pk")
    )


def _locked(phase: Phase) -> tuple[Phase, list[Phase]]:
    phases = _locked_phases(phase.organisation)
    for candidate in phases:
        if candidate.pk == phase.pk:
            return candidate, phases
    raise Phase.DoesNotExist(f"Phase {phase.pk} is gone.")


def _grouped(phases: list[Phase]) -> list[Phase]:
    """Inbox first, active phases next, closed states last; order kept within each group."""
    return sorted(phases, key=lambda p: (KIND_RANK[PhaseKind(p.kind)], p.order))


def _renumber(phases: list[Phase], *, start: int = 0) -> None:
    """Give all of an organisation's phases the orders start, start + 1, … in list order.

    The unique (organisation, order) constraint is checked row by row on PostgreSQL, so
    every phase is first lifted above all current and wanted orders, then set to its own.
    """
    wanted = list(range(start, start + len(phases)))
    if [p.order for p in phases] == wanted:
        return
    lifted = max([start + len(phases), *(p.order + 1 for p in phases)])
    for first in (lifted, start):
        for position, phase in enumerate(phases):
            phase.order = first + position
        Phase.objects.bulk_update(phases, ["order"])


@transaction.atomic
def create_phase(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    kind: PhaseKind,
    description: str = "",
    key_questions: list[str] | None = None,
    wip_limit: int | None = None,
    in_use: bool = False,
) -> Phase:
    """Add an active phase or a closed state at the end of its group."""
    if kind not in (PhaseKind.ACTIVE, PhaseKind.CLOSED):
        raise ValueError("An organisation has one inbox; add an active phase or a closed state.")
    phases = _locked_phases(organisation)
    phase = Phase.objects.create(
        organisation=organisation,
        order=max((p.order for p in phases), default=-1) + 1,
        name=name.strip(),
        kind=kind,
        description=description.strip(),
        key_questions=list(key_questions or []),
        wip_limit=wip_limit,
        in_use=in_use,
    )
    _renumber(_grouped([*phases, phase]))
    record_event(
        organisation=organisation,
        actor=actor,
        action="phase.created",
        subject=phase,
        after=_phase_state(phase),
    )
    return phase


@transaction.atomic
def update_phase(
    *,
    phase: Phase,
    actor: User,
    name: str,
    description: str,
    key_questions: list[str],
    wip_limit: int | None,
    kind: PhaseKind | None = None,
    in_use: bool | None = None,
) -> Phase:
    """Edit a phase. Active phases and closed states may swap kind; the inbox stays the inbox.

    `kind` and `in_use` (the solution is taken into use here: «nyttiggjort») stay as they
    are when not given.
    """
    current, phases = _locked(phase)
    new_kind = PhaseKind(kind or current.kind)
    if new_kind != current.kind and PhaseKind.INBOX in (new_kind, current.kind):
        raise ValueError("The inbox cannot change kind, and no phase can become a second inbox.")
    before = _phase_state(current)
    current.name = name.strip()
    current.description = description.strip()
    current.key_questions = list(key_questions)
    current.wip_limit = wip_limit
    current.kind = new_kind
    if in_use is not None:
        current.in_use = in_use
    current.save(
        update_fields=["name", "description", "key_questions", "wip_limit", "kind", "in_use"]
    )
    if before["kind"] != new_kind:
        _renumber(_grouped(phases))  # to the start of the closed states, or the end of the active
    after = _phase_state(current)
    changed = [key for key in PHASE_FIELDS if before[key] != after[key]]
    if changed:
        record_event(
            organisation=current.organisation,
            actor=actor,
            action="phase.updated",
            subject=current,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return current


@transaction.atomic
def move_phase(*, phase: Phase, actor: User, direction: Direction) -> Phase:
    """Swap the phase with its neighbour of the same kind; at the edge nothing changes."""
    current, phases = _locked(phase)
    group = [p for p in phases if p.kind == current.kind]
    index = group.index(current) + (-1 if direction == "up" else 1)
    if not 0 <= index < len(group):
        return current
    neighbour = group[index]
    old, new = current.order, neighbour.order
    # Through a free order, so that (organisation, order) stays unique after every statement.
    Phase.objects.filter(pk=current.pk).update(order=max(p.order for p in phases) + 1)
    Phase.objects.filter(pk=neighbour.pk).update(order=old)
    Phase.objects.filter(pk=current.pk).update(order=new)
    current.order, neighbour.order = new, old
    record_event(
        organisation=current.organisation,
        actor=actor,
        action="phase.moved",
        subject=current,
        before={"order": old},
        after={"order": new, "direction": direction, "swapped_with": neighbour.name},
    )
    return current


@transaction.atomic
def delete_phase(*, phase: Phase, actor: User) -> None:
    """Delete a phase no initiative is in or has been in (their history points to it)."""
    current, _phases = _locked(phase)
    if current.kind == PhaseKind.INBOX:
        raise ValueError("The triage inbox cannot be deleted.")
    usage = phase_usage(current)
    if usage.is_used:
        raise PhaseInUse(current, usage)
    record_event(
        organisation=current.organisation,
        actor=actor,
        action="phase.deleted",
        subject=current,
        before={
            **_phase_state(current),
            "checklist": list(current.checklist.values_list("text", flat=True)),
        },
    )
    current.delete()


@transaction.atomic
def add_checklist_item(*, phase: Phase, actor: User, text: str) -> ChecklistItem:
    """Add a checkpoint at the end of the phase's exit checklist."""
    last = phase.checklist.aggregate(last=Max("order"))["last"] or 0
    item = ChecklistItem.objects.create(phase=phase, order=last + 1, text=text.strip())
    record_event(
        organisation=phase.organisation,
        actor=actor,
        action="phase.checklist_item_added",
        subject=phase,
        after={"item": item.pk, "text": item.text, "order": item.order},
    )
    return item


@transaction.atomic
def update_checklist_item(*, item: ChecklistItem, actor: User, text: str) -> ChecklistItem:
    """Reword a checkpoint. Answers already given keep the text they were given to."""
    current = ChecklistItem.objects.select_for_update().select_related("phase").get(pk=item.pk)
    before = current.text
    current.text = text.strip()
    if current.text == before:
        return current
    current.save(update_fields=["text"])
    record_event(
        organisation=current.phase.organisation,
        actor=actor,
        action="phase.checklist_item_updated",
        subject=current.phase,
        before={"item": current.pk, "text": before},
        after={"item": current.pk, "text": current.text},
    )
    return current


@transaction.atomic
def remove_checklist_item(*, item: ChecklistItem, actor: User) -> None:
    """Remove a checkpoint that no initiative has answered yet."""
    current = ChecklistItem.objects.select_for_update().select_related("phase").get(pk=item.pk)
    if ChecklistAnswer.objects.filter(item=current).exists():
        raise ChecklistItemInUse(f"Checklist item {current.pk} has answers.")
    record_event(
        organisation=current.phase.organisation,
        actor=actor,
        action="phase.checklist_item_removed",
        subject=current.phase,
        before={"item": current.pk, "text": current.text, "order": current.order},
    )
    current.delete()


@transaction.atomic
def move_checklist_item(*, item: ChecklistItem, actor: User, direction: Direction) -> ChecklistItem:
    """Swap a checkpoint with its neighbour in the checklist; at the edge nothing changes."""
    phase = Phase.objects.select_for_update().get(pk=item.phase_id)
    items = list(phase.checklist.order_by("order", "pk"))
    position = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    target = position + (-1 if direction == "up" else 1)
    if not 0 <= target < len(items):
        return items[position]
    before = items[position].order
    items[position], items[target] = items[target], items[position]
    for order, candidate in enumerate(items, start=1):
        candidate.order = order
    ChecklistItem.objects.bulk_update(items, ["order"])
    moved = items[target]
    record_event(
        organisation=phase.organisation,
        actor=actor,
        action="phase.checklist_item_moved",
        subject=phase,
        before={"item": moved.pk, "order": before},
        after={"item": moved.pk, "order": moved.order, "direction": direction},
    )
    return moved


def _locked_settings(organisation: Organisation) -> PortfolioSettings:
    settings, _created = PortfolioSettings.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    return settings


@transaction.atomic
def set_portfolio_settings(
    *, organisation: Organisation, actor: User, stalled_after_days: int
) -> PortfolioSettings:
    """How many days without a move make a card «stoppet» on the board (1–365)."""
    if not 1 <= stalled_after_days <= 365:
        raise ValueError("stalled_after_days must be between 1 and 365.")
    settings = _locked_settings(organisation)
    before = settings.stalled_after_days
    settings.stalled_after_days = stalled_after_days
    settings.save(update_fields=["stalled_after_days"])
    record_event(
        organisation=organisation,
        actor=actor,
        action="portfolio.settings_updated",
        subject=settings,
        before={"stalled_after_days": before},
        after={"stalled_after_days": stalled_after_days},
    )
    return settings


@transaction.atomic
def switch_phase_template(
    *, organisation: Organisation, actor: User, template: PhaseTemplate
) -> TemplateSwitch:
    """Change to another phase template (KS Veikart or Digdir Prosjektveiviseren).

    The template's missing phases are added by name. The left template's phases go unless
    initiatives are or have been in them; phases the organisation added itself stay too.
    Then the inbox comes first, active phases next and closed states last, the template's
    own in its order before those that stayed.
    """
    if template not in TEMPLATES:
        raise ValueError(f"Unknown phase template {template!r}.")
    settings = _locked_settings(organisation)
    left = settings.phase_template
    phases = _locked_phases(organisation)
    # Lift the current phases clear of the template's orders, where new ones are created.
    _renumber(phases, start=max(item["order"] for item in TEMPLATES[template]) + 1)
    existing = {p.pk for p in phases}
    added = [
        p
        for p in apply_phase_template(organisation=organisation, template=template)
        if p.pk not in existing
    ]
    wanted = {item["name"] for item in TEMPLATES[template]}
    left_names = {item["name"] for item in TEMPLATES.get(left, [])}
    removed: list[Phase] = []
    kept: list[KeptPhase] = []
    for phase in phases:
        if phase.name in wanted or phase.kind == PhaseKind.INBOX:
            continue
        usage = phase_usage(phase)
        custom = phase.name not in left_names
        if usage.is_used or custom:
            kept.append(KeptPhase(name=phase.name, usage=usage, custom=custom))
            continue
        removed.append(phase)
        delete_phase(phase=phase, actor=actor)
    rank = {item["name"]: position for position, item in enumerate(TEMPLATES[template])}

    def board_position(phase: Phase) -> tuple[int, int, int]:
        # Within each kind the template's phases in its order, then the others as they were.
        in_template = rank.get(phase.name, len(rank))
        return (KIND_RANK[PhaseKind(phase.kind)], in_template, phase.order)

    remaining = [p for p in phases if p not in removed] + added
    _renumber(sorted(remaining, key=board_position))
    for phase in added:
        record_event(
            organisation=organisation,
            actor=actor,
            action="phase.created",
            subject=phase,
            after=_phase_state(phase),
        )
    settings.phase_template = template
    settings.save(update_fields=["phase_template"])
    record_event(
        organisation=organisation,
        actor=actor,
        action="portfolio.phase_template_switched",
        subject=settings,
        before={"phase_template": left},
        after={
            "phase_template": template,
            "added": [p.name for p in added],
            "removed": [p.name for p in removed],
            "kept": [k.name for k in kept],
        },
    )
    return TemplateSwitch(
        template=template,
        added=[p.name for p in added],
        removed=[p.name for p in removed],
        kept=kept,
    )


# Board meetings ---------------------------------------------------------------------------

MEETING_ROLES = (Role.BOARD, Role.LEADER, Role.ADMIN)


@transaction.atomic
def create_meeting(
    *,
    organisation: Organisation,
    actor: User,
    held_on: date,
    participants: list[User],
    title: str = "",
) -> Meeting:
    """Plan a meeting of the portfolio board; its agenda is built from the inbox.

    Participants must be board members, leaders or administrators of the organisation.
    """
    wanted = {user.pk for user in participants}
    eligible = set(
        Membership.objects.filter(
            organisation=organisation, role__in=MEETING_ROLES, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - eligible:
        raise ValueError("Participants must be board members, leaders or administrators.")
    meeting = Meeting.objects.create(
        organisation=organisation,
        title=title.strip() or _("Porteføljestyremøte"),
        held_on=held_on,
        created_by=actor,
    )
    meeting.participants.set(participants)
    record_event(
        organisation=organisation,
        actor=actor,
        action="meeting.created",
        subject=meeting,
        after={
            "title": meeting.title,
            "held_on": held_on.isoformat(),
            "participants": sorted(wanted),
        },
    )
    return meeting


@transaction.atomic
def close_meeting(*, meeting: Meeting, actor: User) -> Meeting:
    """End the meeting: its decisions are the minutes (protokoll). Closing twice does nothing."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.closed_at is not None:
        return current
    current.closed_at = timezone.now()
    current.save(update_fields=["closed_at"])
    record_event(
        organisation=current.organisation,
        actor=actor,
        action="meeting.closed",
        subject=current,
        after={
            "closed_at": current.closed_at.isoformat(),
            "decisions": sorted(current.decisions.values_list("pk", flat=True)),
        },
    )
    return current


# Benefits (gevinstrealisering) and status reports --------------------------------------

BENEFIT_FIELDS = (
    "description",
    "kind",
    "value_types",
    "owner",
    "responsible",
    "preconditions",
    "realisation_date",
    "expected_amount",
    "expected_hours",
    "measure_every_days",
)


class BenefitConflict(Exception):
    """Someone else saved the benefit since the form was loaded; nothing was overwritten."""

    def __init__(self, current: Benefit) -> None:
        super().__init__(f"Benefit {current.pk} is at version {current.version}.")
        self.current = current


def _benefit_state(benefit: Benefit) -> dict[str, Any]:
    return snapshot(benefit, BENEFIT_FIELDS)


@transaction.atomic
def add_benefit(*, initiative: Initiative, actor: User, **fields: Any) -> Benefit:
    """Plan a benefit of the initiative (recorded on the initiative's history)."""
    unknown = set(fields) - set(BENEFIT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown benefit fields: {sorted(unknown)}")
    benefit = Benefit(organisation=initiative.organisation, initiative=initiative, **fields)
    benefit.full_clean()
    benefit.save()
    record_event(
        organisation=initiative.organisation,
        actor=actor,
        action="benefit.added",
        subject=initiative,
        after={"benefit": benefit.pk, **_benefit_state(benefit)},
    )
    return benefit


@transaction.atomic
def update_benefit(
    *, benefit: Benefit, actor: User, expected_version: int, **fields: Any
) -> Benefit:
    current = Benefit.objects.select_for_update(of=("self",)).get(pk=benefit.pk)
    if current.version != expected_version:
        raise BenefitConflict(current)
    before = _benefit_state(current)
    for name, value in fields.items():
        if name not in BENEFIT_FIELDS:
            raise TypeError(f"Unknown benefit field {name!r}.")
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    current.save()
    after = _benefit_state(current)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        record_event(
            organisation=current.organisation,
            actor=actor,
            action="benefit.edited",
            subject=current.initiative,
            before={"benefit": current.pk, **{k: before[k] for k in changed}},
            after={"benefit": current.pk, **{k: after[k] for k in changed}},
        )
    return current


@transaction.atomic
def add_indicator(
    *,
    benefit: Benefit,
    actor: User,
    name: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
    baseline_date: date | None = None,
) -> Indicator:
    """A measure with its baseline (nullpunktsmåling) and target; the target must differ."""
    if baseline == target:
        raise ValueError("The target must differ from the baseline.")
    indicator = Indicator(
        benefit=benefit,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        baseline_date=baseline_date,
    )
    indicator.full_clean()
    indicator.save()
    record_event(
        organisation=benefit.organisation,
        actor=actor,
        action="indicator.added",
        subject=benefit.initiative,
        after=(
            {
                "benefit": benefit.pk,
                "indicator": indicator.pk,
                "name": name,
                "unit": unit,
                "baseline": str(baseline),
                "target": str(target),
            }
        ),
    )
    return indicator


@transaction.atomic
def record_measurement(
    *,
    indicator: Indicator,
    actor: User,
    measured_on: date,
    value: Decimal,
    comment: str = "",
) -> Measurement:
    """Record a measured value. Allowed after the initiative is closed: benefits are
    measured long after the project (Realisere / Ny praksis)."""
    if measured_on > timezone.localdate():
        raise ValueError("A measurement cannot be dated in the future.")
    measurement = Measurement(
        indicator=indicator,
        measured_on=measured_on,
        value=value,
        comment=comment,
        recorded_by=actor,
    )
    measurement.full_clean()
    measurement.save()
    record_event(
        organisation=indicator.benefit.organisation,
        actor=actor,
        action="measurement.recorded",
        subject=indicator.benefit.initiative,
        after=(
            {
                "indicator": indicator.pk,
                "name": indicator.name,
                "measured_on": measured_on,
                "value": str(value),
                "comment": comment,
            }
        ),
    )
    return measurement


STATUS_FIELDS = (
    "period_end",
    "summary",
    "progress",
    "progress_comment",
    "economy",
    "economy_comment",
    "quality",
    "quality_comment",
    "risk",
    "risk_comment",
    "benefits",
    "benefits_comment",
    "budget",
    "costs_to_date",
)
STATUS_LIGHTS = ("progress", "economy", "quality", "risk", "benefits")
LIGHTS_NEEDING_COMMENT = (TrafficLight.YELLOW, TrafficLight.RED)


class StatusReportPublished(ValueError):
    """A published status report is history: it is not changed, a new one is written."""


class StatusReportConflict(Exception):
    """Someone else saved the draft since the form was loaded; nothing was overwritten."""

    def __init__(self, current: StatusReport) -> None:
        super().__init__(f"Status report {current.pk} is at version {current.version}.")
        self.current = current


def status_report_errors(report: StatusReport) -> dict[str, str]:
    """What the model cannot say: yellow and red need a comment (never a colour alone), and
    budget and costs are not negative."""
    errors = {}
    for light in STATUS_LIGHTS:
        comment = getattr(report, f"{light}_comment") or ""
        if getattr(report, light) in LIGHTS_NEEDING_COMMENT and not comment.strip():
            errors[f"{light}_comment"] = _("Skriv en kommentar når statusen er gul eller rød.")
    for amount in ("budget", "costs_to_date"):
        value = getattr(report, amount)
        if value is not None and value < 0:
            errors[amount] = _("Beløpet kan ikke være negativt.")
    return errors


@transaction.atomic
def save_status_report(
    *,
    initiative: Initiative,
    actor: User,
    publish: bool,
    report: StatusReport | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> StatusReport:
    """Create or edit a draft status report; `publish` makes it visible on the board card.

    A published report is history and is not edited again (StatusReportPublished): write a
    new one. A draft saved by someone else since `expected_version` raises
    StatusReportConflict; invalid values raise ValidationError. Nothing is saved then.
    """
    unknown = set(fields) - set(STATUS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown status report fields: {sorted(unknown)}")
    if report is None:
        report = StatusReport(initiative=initiative, created_by=actor)
    else:
        # Read again under a lock: the draft may have been published or saved meanwhile.
        report = StatusReport.objects.select_for_update().get(pk=report.pk)
        if report.initiative_id != initiative.pk:
            raise ValueError("The status report belongs to another initiative.")
        if report.published_at is not None:
            raise StatusReportPublished("A published status report cannot be changed.")
        if expected_version is not None and report.version != expected_version:
            raise StatusReportConflict(report)
        report.version += 1
    for name, value in fields.items():
        setattr(report, name, value)
    if publish:
        report.published_at = timezone.now()
    errors = status_report_errors(report)
    if errors:
        raise ValidationError(errors)
    report.full_clean()
    report.save()
    record_event(
        organisation=initiative.organisation,
        actor=actor,
        action="status.published" if publish else "status.saved",
        subject=initiative,
        after=({"report": report.pk, **{k: str(getattr(report, k)) for k in STATUS_FIELDS}}),
    )
    return report


# Reminders --------------------------------------------------------------------------------


@transaction.atomic
def record_reminder_sent(
    *,
    organisation: Organisation,
    recipient: User,
    subject: Initiative | Benefit,
    kind: Literal["status", "measurement"],
) -> None:
    """Note that `recipient` has been reminded about `subject` today; portfolio.tasks reads
    these events so that a reminder goes out at most once a day."""
    record_event(
        organisation=organisation,
        actor=None,
        action="reminder.sent",  # selectors.reminded_today reads it
        subject=subject,
        after={"kind": kind, "recipient": recipient.pk, "email": recipient.email},
    )
