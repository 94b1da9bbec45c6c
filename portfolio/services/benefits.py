"""Benefits (gevinstrealisering): benefits, indicators and measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.concurrency import lock_at_version, save_new_version
from portal.events import record_change, record_event, snapshot
from portal.models import User
from portfolio.events import PortfolioAction
from portfolio.models import (
    Benefit,
    Indicator,
    Initiative,
    Measurement,
)

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
        action=PortfolioAction.BENEFIT_ADDED,
        subject=initiative,
        after={"benefit": benefit.pk, **_benefit_state(benefit)},
    )
    return benefit


@transaction.atomic
def update_benefit(
    *, benefit: Benefit, actor: User, expected_version: int, **fields: Any
) -> Benefit:
    """Save an edit if nobody else saved since `expected_version`; else StaleVersion."""
    current = lock_at_version(Benefit.objects.all(), pk=benefit.pk, expected=expected_version)
    before = _benefit_state(current)
    for name, value in fields.items():
        if name not in BENEFIT_FIELDS:
            raise TypeError(f"Unknown benefit field {name!r}.")
        setattr(current, name, value)
    current.full_clean()
    after = _benefit_state(current)
    if after != before:  # a save that changes nothing keeps the version
        save_new_version(current)
    record_change(
        before=before,
        after=after,
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.BENEFIT_EDITED,
        subject=current.initiative,
        context={"benefit": current.pk},
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
        action=PortfolioAction.INDICATOR_ADDED,
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
    # Locked, so that two measurements recorded at once both see the other's latest.
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    measurement = Measurement(
        indicator=indicator,
        measured_on=measured_on,
        value=value,
        comment=comment,
        recorded_by=actor,
    )
    measurement.full_clean()
    measurement.save()
    # The latest by date, and of one date the one recorded last (see services.derived).
    if current.latest_measured_on is None or measured_on >= current.latest_measured_on:
        current.latest_value, current.latest_measured_on = value, measured_on
        current.save(update_fields=["latest_value", "latest_measured_on"])
        indicator.latest_value, indicator.latest_measured_on = value, measured_on
    record_event(
        organisation=indicator.benefit.organisation,
        actor=actor,
        action=PortfolioAction.MEASUREMENT_RECORDED,
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
