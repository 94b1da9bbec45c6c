"""Administering the staircase model: the municipality's own levels, strategy periods,
dimensions and criteria, edited without code.

Each edit locks its row at the version the form was loaded at (two administrators cannot
overwrite each other silently) and records its event in the same transaction. Renaming a
level renames the municipality's role on the board too: initiatives carry the level number,
and `portfolio.roles` is told to read the names again.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maturity.events import MaturityAction
from maturity.exceptions import CriterionInUse, PeriodInUse
from maturity.models import (
    CriterionTick,
    EvidenceKind,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategicMeasure,
    StrategyPeriod,
)
from maturity.selectors.model import conflicting_period
from portal.concurrency import lock_at_version, save_new_version
from portal.events import record_change, record_event, snapshot
from portal.models import Organisation, User
from portfolio.roles import forget_role_levels

Direction = Literal["up", "down"]

LEVEL_FIELDS = ("level", "name", "stance", "description")
PERIOD_FIELDS = ("start_year", "end_year", "target_level", "description")
DIMENSION_FIELDS = ("name", "description", "is_active", "order")
CRITERION_FIELDS = ("dimension", "level", "practice", "evidence", "guidance", "order")


def _save_if_changed(row: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    if after != before:
        save_new_version(row)


# Levels --------------------------------------------------------------------------------


@transaction.atomic
def update_level(
    *,
    level: MaturityLevel,
    actor: User,
    expected_version: int,
    name: str,
    stance: str,
    description: str,
) -> MaturityLevel:
    """Rename a level or change its stance and description (its number stays)."""
    organisation = level.organisation
    current = lock_at_version(MaturityLevel.objects.all(), pk=level.pk, expected=expected_version)
    before = snapshot(current, LEVEL_FIELDS)
    current.name = name.strip()
    current.stance = stance.strip()
    current.description = description.strip()
    after = snapshot(current, LEVEL_FIELDS)
    _save_if_changed(current, before, after)
    record_change(
        before=before,
        after=after,
        organisation=organisation,
        actor=actor,
        action=MaturityAction.LEVEL_UPDATED,
        subject=current,
        context={"name": current.name, "level": current.level},
    )
    # The board, the triage form and the initiative page read the names through this cache.
    forget_role_levels(organisation)
    return current


# Periods -------------------------------------------------------------------------------


def _check_period(
    *,
    organisation: Organisation,
    start_year: int,
    end_year: int,
    target_level: MaturityLevel,
    exclude: StrategyPeriod | None = None,
) -> None:
    """The form says the same at the fields; this guards every other caller."""
    if target_level.organisation_id != organisation.pk:
        raise ValidationError({"target_level": _("Velg et av organisasjonens nivåer.")})
    if end_year < start_year:
        raise ValidationError({"end_year": _("Til-året kan ikke være før fra-året.")})
    other = conflicting_period(
        organisation=organisation, start_year=start_year, end_year=end_year, exclude=exclude
    )
    if other is not None:
        raise ValidationError(
            {"start_year": _("Årene overlapper perioden %(label)s.") % {"label": other.label}}
        )


def _lock_periods(organisation: Organisation) -> None:
    """Serialise period edits of one organisation, so that two overlapping periods cannot
    both pass the check."""
    list(StrategyPeriod.objects.select_for_update().filter(organisation=organisation))


@transaction.atomic
def create_period(
    *,
    organisation: Organisation,
    actor: User,
    start_year: int,
    end_year: int,
    target_level: MaturityLevel,
    description: str = "",
) -> StrategyPeriod:
    _lock_periods(organisation)
    _check_period(
        organisation=organisation,
        start_year=start_year,
        end_year=end_year,
        target_level=target_level,
    )
    period = StrategyPeriod.objects.create(
        organisation=organisation,
        start_year=start_year,
        end_year=end_year,
        target_level=target_level,
        description=description.strip(),
    )
    record_event(
        organisation=organisation,
        actor=actor,
        action=MaturityAction.PERIOD_CREATED,
        subject=period,
        after={**snapshot(period, PERIOD_FIELDS), "name": period.label},
    )
    return period


@transaction.atomic
def update_period(
    *,
    period: StrategyPeriod,
    actor: User,
    expected_version: int,
    start_year: int,
    end_year: int,
    target_level: MaturityLevel,
    description: str,
) -> StrategyPeriod:
    organisation = period.organisation
    _lock_periods(organisation)
    current = lock_at_version(StrategyPeriod.objects.all(), pk=period.pk, expected=expected_version)
    _check_period(
        organisation=organisation,
        start_year=start_year,
        end_year=end_year,
        target_level=target_level,
        exclude=current,
    )
    before = snapshot(current, PERIOD_FIELDS)
    old_label = current.label
    current.start_year = start_year
    current.end_year = end_year
    current.target_level = target_level
    current.description = description.strip()
    after = snapshot(current, PERIOD_FIELDS)
    _save_if_changed(current, before, after)
    record_change(
        before={**before, "name": old_label},
        after={**after, "name": current.label},
        organisation=organisation,
        actor=actor,
        action=MaturityAction.PERIOD_UPDATED,
        subject=current,
    )
    return current


@transaction.atomic
def delete_period(*, period: StrategyPeriod, actor: User, expected_version: int) -> None:
    """Delete a period without measures (its KPIs, if any, keep going without a period)."""
    current = lock_at_version(StrategyPeriod.objects.all(), pk=period.pk, expected=expected_version)
    measures = StrategicMeasure.objects.filter(period=current).count()
    if measures:
        raise PeriodInUse(measures)
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.PERIOD_DELETED,
        subject=current,
        before={**snapshot(current, PERIOD_FIELDS), "name": current.label},
    )
    current.delete()


# Dimensions ----------------------------------------------------------------------------


@transaction.atomic
def create_dimension(
    *, organisation: Organisation, actor: User, name: str, description: str = ""
) -> MaturityDimension:
    """Add a dimension at the end of the list."""
    list(MaturityDimension.objects.select_for_update().filter(organisation=organisation))
    last = MaturityDimension.objects.filter(organisation=organisation).aggregate(last=Max("order"))[
        "last"
    ]
    dimension = MaturityDimension.objects.create(
        organisation=organisation,
        order=(last or 0) + 1,
        name=name.strip(),
        description=description.strip(),
    )
    record_event(
        organisation=organisation,
        actor=actor,
        action=MaturityAction.DIMENSION_CREATED,
        subject=dimension,
        after=snapshot(dimension, DIMENSION_FIELDS),
    )
    return dimension


@transaction.atomic
def update_dimension(
    *,
    dimension: MaturityDimension,
    actor: User,
    expected_version: int,
    name: str,
    description: str,
    is_active: bool,
) -> MaturityDimension:
    """Rename a dimension, change its description, or take it out of use (an inactive
    dimension is left out of new assessments; earlier answers stay readable)."""
    current = lock_at_version(
        MaturityDimension.objects.all(), pk=dimension.pk, expected=expected_version
    )
    before = snapshot(current, DIMENSION_FIELDS)
    current.name = name.strip()
    current.description = description.strip()
    current.is_active = is_active
    after = snapshot(current, DIMENSION_FIELDS)
    _save_if_changed(current, before, after)
    record_change(
        before=before,
        after=after,
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.DIMENSION_UPDATED,
        subject=current,
        context={"name": current.name},
    )
    return current


@transaction.atomic
def move_dimension(
    *, dimension: MaturityDimension, actor: User, direction: Direction
) -> MaturityDimension:
    """Swap the dimension with its neighbour; at the edge nothing changes. Orders are
    renumbered 1, 2, … on the way, so gaps and ties from earlier edits disappear."""
    dimensions = list(
        MaturityDimension.objects.select_for_update()
        .filter(organisation=dimension.organisation)
        .order_by("order", "id")
    )
    position = next(i for i, d in enumerate(dimensions) if d.pk == dimension.pk)
    target = position + (-1 if direction == "up" else 1)
    if not 0 <= target < len(dimensions):
        return dimensions[position]
    moved = dimensions[position]
    old = moved.order
    dimensions[position], dimensions[target] = dimensions[target], dimensions[position]
    changed = []
    for order, candidate in enumerate(dimensions, start=1):
        if candidate.order != order:
            candidate.order = order
            candidate.version += 1  # an open form of a moved dimension is now stale
            changed.append(candidate)
    MaturityDimension.objects.bulk_update(changed, ["order", "version"])
    record_event(
        organisation=moved.organisation,
        actor=actor,
        action=MaturityAction.DIMENSION_UPDATED,
        subject=moved,
        before={"name": moved.name, "order": old},
        after={
            "name": moved.name,
            "order": moved.order,
            "direction": direction,
            "swapped_with": dimensions[position].name,
        },
    )
    return moved


# Criteria ------------------------------------------------------------------------------


def _check_criterion_level(dimension: MaturityDimension, level: MaturityLevel) -> None:
    if level.organisation_id != dimension.organisation_id:
        raise ValidationError({"level": _("Velg et av organisasjonens nivåer.")})


@transaction.atomic
def create_criterion(
    *,
    dimension: MaturityDimension,
    actor: User,
    level: MaturityLevel,
    practice: str,
    evidence: EvidenceKind,
    guidance: str = "",
) -> MaturityCriterion:
    """Add a criterion at the end of the dimension's criteria for the level."""
    _check_criterion_level(dimension, level)
    MaturityDimension.objects.select_for_update().filter(pk=dimension.pk).first()
    last = MaturityCriterion.objects.filter(dimension=dimension, level=level).aggregate(
        last=Max("order")
    )["last"]
    criterion = MaturityCriterion.objects.create(
        dimension=dimension,
        level=level,
        order=(last or 0) + 1,
        practice=practice.strip(),
        evidence=evidence,
        guidance=guidance.strip(),
    )
    record_event(
        organisation=dimension.organisation,
        actor=actor,
        action=MaturityAction.CRITERION_CREATED,
        subject=criterion,
        after={**snapshot(criterion, CRITERION_FIELDS), "text": criterion.practice},
    )
    return criterion


@transaction.atomic
def update_criterion(
    *,
    criterion: MaturityCriterion,
    actor: User,
    expected_version: int,
    level: MaturityLevel,
    practice: str,
    evidence: EvidenceKind,
    guidance: str,
) -> MaturityCriterion:
    current = lock_at_version(
        MaturityCriterion.objects.select_related("dimension__organisation"),
        pk=criterion.pk,
        expected=expected_version,
    )
    dimension = criterion.dimension
    _check_criterion_level(dimension, level)
    before = snapshot(current, CRITERION_FIELDS)
    current.level = level
    current.practice = practice.strip()
    current.evidence = evidence
    current.guidance = guidance.strip()
    after = snapshot(current, CRITERION_FIELDS)
    _save_if_changed(current, before, after)
    record_change(
        before=before,
        after=after,
        organisation=dimension.organisation,
        actor=actor,
        action=MaturityAction.CRITERION_UPDATED,
        subject=current,
        context={"text": current.practice, "dimension": dimension.pk},
    )
    return current


@transaction.atomic
def delete_criterion(*, criterion: MaturityCriterion, actor: User, expected_version: int) -> None:
    """Remove a criterion no leader has ticked (ticked ones keep the answers' evidence)."""
    current = lock_at_version(
        MaturityCriterion.objects.all(), pk=criterion.pk, expected=expected_version
    )
    ticks = CriterionTick.objects.filter(criterion=current).count()
    if ticks:
        raise CriterionInUse(ticks)
    record_event(
        organisation=criterion.dimension.organisation,
        actor=actor,
        action=MaturityAction.CRITERION_DELETED,
        subject=current,
        before={**snapshot(current, CRITERION_FIELDS), "text": current.practice},
    )
    current.delete()
