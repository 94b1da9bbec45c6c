"""Columns derived from other rows, kept true by the services that change those rows, so
that the dashboard and the KPIs read a plain, indexed column instead of searching the
history on every request.

- `Initiative.in_use_since`: when the initiative last entered a phase where the solution is
  in use (`Phase.in_use`), as long as it still counts as in use: it is in such a phase, or it
  has been in one with a lower board order than the phase it is in now (it has moved on, for
  example to «Avsluttet»). Moved back to an earlier phase that is not in use, it is None
  until the initiative is in use again. Set by `accept_idea` and `move_initiative`; the phase
  administration refreshes the whole organisation when a phase's order or `in_use` changes.
- `Indicator.latest_value` / `latest_measured_on`: the indicator's latest measurement (by
  date, then the one recorded last), set by `record_measurement`.

The `refresh_*` functions rebuild the columns from the rows they derive from, in one UPDATE
for any number of rows: the services call them for one row, the phase administration for an
organisation, and seeders that bulk-insert history for what they wrote. The data migration
`portfolio.0006_maintained_in_use_and_latest_measurement` filled them the same way.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from portfolio.models import Indicator, Initiative, Measurement, Phase, PhaseVisit


def in_use_since_expression() -> Case:
    """`in_use_since` computed from the initiative's (the outer row's) visits and phase."""
    in_use_visits = PhaseVisit.objects.filter(initiative=OuterRef("pk"), phase__in_use=True)
    current_in_use = Exists(Phase.objects.filter(pk=OuterRef("phase_id"), in_use=True))
    # An in-use phase visited earlier on the board than the phase it is in now.
    moved_on = Exists(
        in_use_visits.filter(
            Exists(
                Phase.objects.filter(
                    pk=OuterRef(OuterRef("phase_id")), order__gt=OuterRef("phase__order")
                )
            )
        )
    )
    latest = in_use_visits.order_by("-entered_at", "-id").values("entered_at")[:1]
    return Case(
        When(Q(current_in_use) | Q(moved_on), then=Subquery(latest)),
        default=Value(None),
        output_field=DateTimeField(),
    )


def refresh_in_use_since(initiatives: QuerySet[Initiative]) -> int:
    """Recompute `in_use_since` of the initiatives; returns how many rows were updated."""
    return initiatives.update(in_use_since=in_use_since_expression())


def refresh_latest_measurements(indicators: QuerySet[Indicator]) -> int:
    """Recompute each indicator's latest measurement columns (None when unmeasured)."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-id")
    return indicators.update(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_measured_on=Subquery(latest.values("measured_on")[:1]),
    )
