"""Strategic measures: administrators create, edit and delete them; leaders and
administrators write progress notes, and the measure's status follows the latest note.

Every write locks the measure at the version its form was loaded at
(`portal.concurrency.lock_at_version`): two leaders writing at once never overwrite each
other silently, the second is told and keeps what they typed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from maturity.events import MaturityAction
from maturity.models import MeasureNote, MeasureStatus, StrategicMeasure, StrategyPeriod
from portal.concurrency import lock_at_version, lock_row, save_new_version
from portal.events import record_change, record_event, snapshot
from portal.models import Organisation, User
from portfolio.models import Initiative

MEASURE_FIELDS = ("text", "description", "period", "owner", "status", "due_date", "order")


def _state(measure: StrategicMeasure) -> dict[str, Any]:
    state = snapshot(measure, MEASURE_FIELDS)
    state["initiatives"] = sorted(measure.initiatives.values_list("pk", flat=True))
    return state


def _check_scope(
    *,
    organisation: Organisation,
    period: StrategyPeriod,
    owner: User | None,
    initiatives: list[Initiative],
) -> None:
    """The period, the owner and every initiative belong to the measure's organisation.

    The forms offer nothing else; this keeps a tampered post or a careless caller from
    tying a measure to another organisation's people or initiatives."""
    errors: dict[str, str] = {}
    if period.organisation_id != organisation.pk:
        errors["period"] = _("Velg en av organisasjonens perioder.")
    if owner is not None and not owner.memberships.filter(organisation=organisation).exists():
        errors["owner"] = _("Velg en ansvarlig som er med i organisasjonen.")
    if any(initiative.organisation_id != organisation.pk for initiative in initiatives):
        errors["initiatives"] = _("Velg bare organisasjonens egne initiativer.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_measure(
    *,
    organisation: Organisation,
    actor: User,
    period: StrategyPeriod,
    text: str,
    description: str = "",
    owner: User | None = None,
    due_date: date | None = None,
    initiatives: list[Initiative] | None = None,
    status: MeasureStatus = MeasureStatus.NOT_STARTED,
) -> StrategicMeasure:
    """Add a measure at the end of its period's list."""
    initiatives = list(initiatives or [])
    _check_scope(organisation=organisation, period=period, owner=owner, initiatives=initiatives)
    lock_row(StrategyPeriod.objects.all(), pk=period.pk)  # orders stay unique per period
    last = StrategicMeasure.objects.filter(period=period).aggregate(last=Max("order"))["last"]
    measure = StrategicMeasure.objects.create(
        organisation=organisation,
        period=period,
        order=(last or 0) + 1,
        text=text.strip(),
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        status=status,
    )
    measure.initiatives.set(initiatives)
    record_event(
        organisation=organisation,
        actor=actor,
        action=MaturityAction.MEASURE_CREATED,
        subject=measure,
        after=_state(measure),
    )
    return measure


@transaction.atomic
def update_measure(
    *,
    measure: StrategicMeasure,
    actor: User,
    expected_version: int,
    text: str,
    description: str,
    period: StrategyPeriod,
    owner: User | None,
    due_date: date | None,
    initiatives: list[Initiative],
) -> StrategicMeasure:
    """Edit a measure's text, period, owner, due date and linked initiatives (its status
    follows the progress notes). StaleVersion if someone saved it after the form loaded."""
    current = lock_at_version(
        StrategicMeasure.objects.all(), pk=measure.pk, expected=expected_version
    )
    organisation = current.organisation
    _check_scope(organisation=organisation, period=period, owner=owner, initiatives=initiatives)
    before = _state(current)
    current.text = text.strip()
    current.description = description.strip()
    current.period = period
    current.owner = owner
    current.due_date = due_date
    current.initiatives.set(initiatives)
    after = _state(current)
    if after != before:
        save_new_version(current)
    record_change(
        before=before,
        after=after,
        organisation=organisation,
        actor=actor,
        action=MaturityAction.MEASURE_UPDATED,
        subject=current,
        context={"text": current.text},
    )
    return current


@transaction.atomic
def delete_measure(*, measure: StrategicMeasure, actor: User, expected_version: int) -> None:
    """Delete a measure with its progress notes (the event keeps what it said)."""
    current = lock_at_version(
        StrategicMeasure.objects.all(), pk=measure.pk, expected=expected_version
    )
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.MEASURE_DELETED,
        subject=current,
        before={**_state(current), "notes": current.notes.count()},
    )
    current.delete()


@transaction.atomic
def add_measure_note(
    *,
    measure: StrategicMeasure,
    actor: User,
    expected_version: int,
    text: str,
    status: MeasureStatus,
    written_at: datetime | None = None,
) -> MeasureNote:
    """A progress note: who wrote what, when, and the status the measure now has.

    The measure is locked at the version the writer saw; if another note or edit came first
    the note is refused (StaleVersion) so that the writer can read it before sending theirs.
    `written_at` lets the demo date its notes in the past; it defaults to now."""
    current = lock_at_version(
        StrategicMeasure.objects.all(), pk=measure.pk, expected=expected_version
    )
    note = MeasureNote.objects.create(
        measure=current,
        author=actor,
        text=text.strip(),
        status=status,
        created_at=written_at or timezone.now(),
    )
    before_status = current.status
    current.status = status
    save_new_version(current, update_fields=["status", "updated_at"])
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.MEASURE_NOTE_ADDED,
        subject=current,
        before={"text": current.text, "status": before_status},
        after={
            "text": current.text,
            "status": status.value,
            "note": note.pk,
            "version": current.version,
        },
        occurred_at=note.created_at,
    )
    return note
