"""Moving initiatives between the phases of the board."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.concurrency import lock_at_version, save_new_version
from portal.events import record_event
from portal.models import User
from portfolio.events import PortfolioAction
from portfolio.exceptions import ChecklistIncomplete
from portfolio.models import (
    ChecklistAnswer,
    ChecklistAnswerKind,
    Initiative,
    Phase,
    PhaseKind,
    PhaseVisit,
)
from portfolio.selectors.board import open_checklist_items
from portfolio.services.derived import refresh_in_use_since


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
    StaleVersion; missing answers raise ChecklistIncomplete. Nothing is saved then.
    """
    current = lock_at_version(Initiative.objects.all(), pk=initiative.pk, expected=expected_version)
    # The row is locked alone (lock_row); its phase and organisation as the caller read them,
    # when they are still the same rows, save two queries.
    for relation in (Initiative.phase, Initiative.organisation):
        field = relation.field
        if relation.is_cached(initiative) and (
            getattr(initiative, field.attname) == getattr(current, field.attname)
        ):
            setattr(current, field.name, getattr(initiative, field.name))
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
    save_new_version(current, update_fields=["phase", "phase_entered_at"])
    # Into use, on past an in-use phase, or back out of use: «nyttiggjort» reads the column.
    mine = Initiative.objects.filter(pk=current.pk)
    refresh_in_use_since(mine)
    current.in_use_since = mine.values_list("in_use_since", flat=True).get()
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.INITIATIVE_MOVED,
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
