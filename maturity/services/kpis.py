"""KPIs: administrators define them (computed from the portfolio or entered by hand); leaders
and administrators enter the yearly values of the hand-entered ones, with their source.

Every change is a domain event (`MaturityAction.KPI_*`) in the same transaction, and every
edit names the version it was made from: a stale one raises `StaleVersion`, nothing is
overwritten.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from maturity.events import MaturityAction
from maturity.models import Kpi, KpiValue
from maturity.selectors.kpis import METRICS
from portal.concurrency import StaleVersion, lock_at_version, lock_row, save_new_version
from portal.events import record_change, record_event, snapshot
from portal.models import Organisation, User

KPI_FIELDS = (
    "name",
    "definition",
    "metric",
    "unit",
    "target",
    "higher_is_better",
    "period",
    "measure",
)
VALUE_FIELDS = ("value", "source")


class KpiHasValues(ValueError):
    """A hand-entered KPI with recorded values cannot become a computed one: the values
    would silently stop counting."""


def _kpi_state(kpi: Kpi) -> dict[str, Any]:
    return snapshot(kpi, KPI_FIELDS)


def _check(kpi: Kpi) -> None:
    if kpi.metric and kpi.metric not in METRICS:
        raise ValueError(f"Unknown metric {kpi.metric!r}.")
    for related in (kpi.period, kpi.measure):
        if related is not None and related.organisation_id != kpi.organisation_id:
            raise ValueError("The period and measure must be the organisation's own.")
    kpi.full_clean()


@transaction.atomic
def create_kpi(*, organisation: Organisation, actor: User, **fields: Any) -> Kpi:
    """A new KPI, last in the order."""
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"Unknown KPI fields: {sorted(unknown)}")
    last = Kpi.objects.filter(organisation=organisation).aggregate(last=Max("order"))["last"]
    kpi = Kpi(organisation=organisation, order=(last or 0) + 1, **fields)
    _check(kpi)
    kpi.save()
    record_event(
        organisation=organisation,
        actor=actor,
        action=MaturityAction.KPI_CREATED,
        subject=kpi,
        after=_kpi_state(kpi),
    )
    return kpi


@transaction.atomic
def update_kpi(*, kpi: Kpi, actor: User, expected_version: int, **fields: Any) -> Kpi:
    """Save an edit if nobody saved since `expected_version` (else StaleVersion)."""
    current = lock_at_version(Kpi.objects.all(), pk=kpi.pk, expected=expected_version)
    before = _kpi_state(current)
    for name, value in fields.items():
        if name not in KPI_FIELDS:
            raise TypeError(f"Unknown KPI field {name!r}.")
        setattr(current, name, value)
    if current.metric and not before["metric"] and current.values.exists():
        raise KpiHasValues(current.name)
    _check(current)
    after = _kpi_state(current)
    if after != before:  # a save that changes nothing keeps the version
        save_new_version(current)
    record_change(
        before=before,
        after=after,
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.KPI_UPDATED,
        subject=current,
        context={"name": current.name},
    )
    return current


@transaction.atomic
def delete_kpi(*, kpi: Kpi, actor: User, expected_version: int) -> None:
    """Delete the KPI and its hand-entered values (the event keeps what it was)."""
    current = lock_at_version(Kpi.objects.all(), pk=kpi.pk, expected=expected_version)
    values = list(current.values.order_by("year").values_list("year", "value"))
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.KPI_DELETED,
        subject=current,
        before={
            **_kpi_state(current),
            "values": {str(year): str(value) for year, value in values},
        },
    )
    current.delete()


def _value_state(value: KpiValue) -> dict[str, Any]:
    return {"value": str(value.value), "source": value.source}


@transaction.atomic
def record_kpi_value(
    *,
    kpi: Kpi,
    actor: User,
    year: int,
    value: Decimal,
    source: str,
    expected_version: int,
) -> KpiValue:
    """Enter or change a hand-entered KPI's value for the year, with its source; who and
    when are kept. `expected_version` is the value's version the form was loaded at (0 for
    a year with no value yet): a value someone else saved meanwhile raises StaleVersion."""
    if kpi.metric:
        raise ValueError("A computed KPI takes no hand-entered values.")
    # Lock the KPI so that two first entries for the same year cannot race past each other.
    locked = lock_row(Kpi.objects.all(), pk=kpi.pk)
    existing = KpiValue.objects.select_for_update().filter(kpi=locked, year=year).first()
    source = source.strip()
    context = {"name": locked.name, "year": year}
    if existing is None:
        entry = KpiValue(
            kpi=locked,
            year=year,
            value=value,
            source=source,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        entry.full_clean()
        entry.save()
        record_event(
            organisation=locked.organisation,
            actor=actor,
            action=MaturityAction.KPI_VALUE_RECORDED,
            subject=locked,
            after={**context, **_value_state(entry)},
        )
        return entry
    if existing.version != expected_version:
        raise StaleVersion(existing)
    before = _value_state(existing)
    existing.value, existing.source = value, source
    existing.full_clean()
    after = _value_state(existing)
    if after == before:
        return existing
    existing.recorded_by, existing.recorded_at = actor, timezone.now()
    save_new_version(existing)
    record_change(
        before=before,
        after=after,
        organisation=locked.organisation,
        actor=actor,
        action=MaturityAction.KPI_VALUE_UPDATED,
        subject=locked,
        context=context,
    )
    return existing
