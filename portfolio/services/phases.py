"""Phase administration: phases are data; administrators rename, add, reorder and delete them,
edit their exit checklists, or switch to another template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max

from portal.events import record_change, record_event, snapshot
from portal.models import Organisation, User
from portfolio.defaults import IN_USE_PHASES, PHASE_TEMPLATES
from portfolio.events import PortfolioAction
from portfolio.exceptions import ChecklistItemInUse, PhaseInUse
from portfolio.models import (
    ChecklistAnswer,
    ChecklistItem,
    Initiative,
    Phase,
    PhaseKind,
    PortfolioSettings,
)
from portfolio.selectors.phases import PhaseUsage, phase_usage
from portfolio.services.derived import refresh_in_use_since


@transaction.atomic
def apply_phase_template(*, organisation: Organisation, template: str) -> list[Phase]:
    """Create the template's phases and checklists that the organisation lacks (by name).

    The inbox is found by its kind: an organisation has one, whatever it has renamed it to.
    """
    phases = []
    for item in PHASE_TEMPLATES[template]:
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


PHASE_FIELDS = ("order", "name", "kind", "description", "key_questions", "wip_limit", "in_use")


KIND_RANK = {PhaseKind.INBOX: 0, PhaseKind.ACTIVE: 1, PhaseKind.CLOSED: 2}


Direction = Literal["up", "down"]


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


def _refresh_in_use(organisation: Organisation) -> None:
    """After a change to the board's order or to which phases are in use: whether (and
    since when) each initiative counts as in use depends on both.

    The initiatives are locked first, in a statement of their own: a move in flight
    commits before the UPDATE starts, so the UPDATE's reading of the visits includes it
    (a blocked UPDATE would re-check the row but read the visits as they were)."""
    initiatives = Initiative.objects.filter(organisation=organisation)
    list(initiatives.select_for_update().values_list("pk", flat=True))
    refresh_in_use_since(initiatives)


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
        action=PortfolioAction.PHASE_CREATED,
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
    if before["kind"] != new_kind or before["in_use"] != current.in_use:
        _refresh_in_use(current.organisation)
    record_change(
        before=before,
        after=_phase_state(current),
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.PHASE_UPDATED,
        subject=current,
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
    _refresh_in_use(current.organisation)
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.PHASE_MOVED,
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
        action=PortfolioAction.PHASE_DELETED,
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
        action=PortfolioAction.CHECKLIST_ITEM_ADDED,
        subject=phase,
        after={"item": item.pk, "text": item.text, "order": item.order},
    )
    return item


@transaction.atomic
def update_checklist_item(*, item: ChecklistItem, actor: User, text: str) -> ChecklistItem:
    """Reword a checkpoint. Answers already given keep the text they were given to."""
    current = ChecklistItem.objects.select_for_update().select_related("phase").get(pk=item.pk)
    before = {"text": current.text}
    current.text = text.strip()
    if current.text != before["text"]:
        current.save(update_fields=["text"])
    record_change(
        before=before,
        after={"text": current.text},
        organisation=current.phase.organisation,
        actor=actor,
        action=PortfolioAction.CHECKLIST_ITEM_UPDATED,
        subject=current.phase,
        context={"item": current.pk},
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
        action=PortfolioAction.CHECKLIST_ITEM_REMOVED,
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
        action=PortfolioAction.CHECKLIST_ITEM_MOVED,
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
    before = {"stalled_after_days": settings.stalled_after_days}
    if settings.stalled_after_days != stalled_after_days:
        settings.stalled_after_days = stalled_after_days
        settings.save(update_fields=["stalled_after_days"])
    record_change(
        before=before,
        after={"stalled_after_days": stalled_after_days},
        organisation=organisation,
        actor=actor,
        action=PortfolioAction.SETTINGS_UPDATED,
        subject=settings,
    )
    return settings


@transaction.atomic
def switch_phase_template(
    *, organisation: Organisation, actor: User, template: str
) -> TemplateSwitch:
    """Change to another phase template (KS Veikart or Digdir Prosjektveiviseren).

    The template's missing phases are added by name. The left template's phases go unless
    initiatives are or have been in them; phases the organisation added itself stay too.
    Then the inbox comes first, active phases next and closed states last, the template's
    own in its order before those that stayed.
    """
    if template not in PHASE_TEMPLATES:
        raise ValueError(f"Unknown phase template {template!r}.")
    settings = _locked_settings(organisation)
    left = settings.phase_template
    phases = _locked_phases(organisation)
    # Lift the current phases clear of the template's orders, where new ones are created.
    _renumber(phases, start=max(item["order"] for item in PHASE_TEMPLATES[template]) + 1)
    existing = {p.pk for p in phases}
    added = [
        p
        for p in apply_phase_template(organisation=organisation, template=template)
        if p.pk not in existing
    ]
    wanted = {item["name"] for item in PHASE_TEMPLATES[template]}
    left_names = {item["name"] for item in PHASE_TEMPLATES.get(left, [])}
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
    rank = {item["name"]: position for position, item in enumerate(PHASE_TEMPLATES[template])}

    def board_position(phase: Phase) -> tuple[int, int, int]:
        # Within each kind the template's phases in its order, then the others as they were.
        in_template = rank.get(phase.name, len(rank))
        return (KIND_RANK[PhaseKind(phase.kind)], in_template, phase.order)

    remaining = [p for p in phases if p not in removed] + added
    _renumber(sorted(remaining, key=board_position))
    _refresh_in_use(organisation)
    for phase in added:
        record_event(
            organisation=organisation,
            actor=actor,
            action=PortfolioAction.PHASE_CREATED,
            subject=phase,
            after=_phase_state(phase),
        )
    settings.phase_template = template
    settings.save(update_fields=["phase_template"])
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortfolioAction.PHASE_TEMPLATE_SWITCHED,
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
