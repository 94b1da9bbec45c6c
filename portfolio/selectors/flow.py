"""Flow figures: time in each phase, throughput and stalled initiatives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import (
    Coalesce,
    CumeDist,
    TruncMonth,
)
from django.utils import timezone

from portal.models import Organisation
from portfolio.models import (
    Initiative,
    Phase,
    PhaseKind,
    PhaseVisit,
)

# The few columns the flow lists show: an idea row also holds long texts and a tsvector.
INITIATIVE_ROW_FIELDS = (
    "phase_entered_at",
    "idea__title",
    "phase__name",
    "phase__order",
    "owner__first_name",
    "owner__last_name",
    "owner__email",
)


STALLED_SHOWN = 100


SECONDS_PER_DAY = 86_400


def _as_value(moment: datetime) -> Value:
    return Value(moment, output_field=DateTimeField())


def _now() -> Value:
    """Python's now as a query parameter, not the database's NOW(): one clock for the whole
    app (the stalled mark on the board is computed in Python), and tests can freeze it."""
    return _as_value(timezone.now())


def visit_duration(prefix: str = "") -> Any:
    """The length of a phase visit; a visit still open counts up to now."""
    return Coalesce(f"{prefix}left_at", _now()) - F(f"{prefix}entered_at")


def days(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds() / SECONDS_PER_DAY


def active_phases(*, organisation: Organisation) -> list[Phase]:
    return list(Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE))


def _time_key(phase: Phase) -> str:
    return f"time_in_phase_{phase.pk}"


def initiatives_with_phase_time(
    *, organisation: Organisation, phases: Sequence[Phase]
) -> QuerySet[Initiative]:
    """The organisation's initiatives, each annotated with its total time in every phase.

    One grouped query: a conditional SUM of the visit durations per phase. Ordered by the
    current phase, and within it by the time since the last move (longest first).
    """
    sums = {
        _time_key(phase): Sum(visit_duration("visits__"), filter=Q(visits__phase_id=phase.pk))
        for phase in phases
    }
    return (
        Initiative.objects.for_organisation(organisation)
        .select_related("idea", "phase", "owner")
        .only(*INITIATIVE_ROW_FIELDS)
        .annotate(**sums)
        .order_by("phase__order", "phase_entered_at", "pk")
    )


@dataclass(frozen=True)
class PhaseTimeRow:
    initiative: Initiative
    days: list[float | None]  # per phase, in the order of the phases; None: never there


def phase_time_rows(
    initiatives: Iterable[Initiative], phases: Sequence[Phase]
) -> list[PhaseTimeRow]:
    """The annotated initiatives as table rows, days per phase in the phases' order."""
    return [
        PhaseTimeRow(initiative, [days(getattr(initiative, _time_key(phase))) for phase in phases])
        for initiative in initiatives
    ]


def median_days_per_phase(
    *, organisation: Organisation, phases: Sequence[Phase]
) -> list[float | None]:
    """The median, across initiatives that have been in a phase, of their total time there.

    The database sums each initiative's visits and ranks the sums per phase from below and
    from above (CUME_DIST, ties broken by id). The middle one or two sums are those with at
    least half of the sums at or below them and at least half at or above: for 4 sums the
    2nd and 3rd (0.5 and 0.75 both ways), for 5 the 3rd. Averaging two is left to do here.
    """
    total = Sum(visit_duration())
    middle = (
        PhaseVisit.objects.filter(
            initiative__organisation=organisation, phase__in=[phase.pk for phase in phases]
        )
        .order_by()
        .values("phase_id", "initiative_id")
        .annotate(total=total)
        # The windows in an annotate() of their own: in the same call as the SUM, Django
        # would add them to the GROUP BY.
        .annotate(
            from_below=Window(
                CumeDist(), partition_by=F("phase_id"), order_by=[total.asc(), F("initiative_id")]
            ),
            from_above=Window(
                CumeDist(),
                partition_by=F("phase_id"),
                order_by=[total.desc(), F("initiative_id").desc()],
            ),
        )
        .filter(from_below__gte=0.5, from_above__gte=0.5)
        .values_list("phase_id", "total")
    )
    found: dict[int, list[timedelta]] = {}
    for phase_id, total in middle:
        found.setdefault(phase_id, []).append(total)
    return [
        days(sum(found[phase.pk], timedelta()) / len(found[phase.pk]))
        if phase.pk in found
        else None
        for phase in phases
    ]


def months_back(count: int, *, today: date | None = None) -> list[date]:
    """The first days of the last `count` months, oldest first, this month included."""
    today = today or timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass(frozen=True)
class ThroughputRow:
    month: date
    entered: list[int]  # initiatives that entered each phase, in the order of the phases
    closed: int  # initiatives that went to a closed state (parkert, avvist, avsluttet …)


def monthly_throughput(
    *,
    organisation: Organisation,
    phases: Sequence[Phase],
    months: int = 12,
    unit_id: int | None = None,
) -> list[ThroughputRow]:
    """Per month (local time): how many initiatives entered each active phase, and how many
    were closed. An initiative that enters a phase twice in a month counts once. `unit_id`
    keeps only the initiatives of one unit."""
    calendar = months_back(months)
    start = timezone.make_aware(datetime.combine(calendar[0], datetime.min.time()))
    counts = {
        f"entered_{phase.pk}": Count("initiative_id", distinct=True, filter=Q(phase_id=phase.pk))
        for phase in phases
    }
    visits = PhaseVisit.objects.filter(initiative__organisation=organisation, entered_at__gte=start)
    if unit_id is not None:
        visits = visits.filter(initiative__idea__unit_id=unit_id)
    rows = (
        visits.annotate(month=TruncMonth("entered_at"))
        .values("month")
        .annotate(
            **counts,
            closed=Count("initiative_id", distinct=True, filter=Q(phase__kind=PhaseKind.CLOSED)),
        )
        .order_by("month")
    )
    by_month: dict[tuple[int, int], Any] = {
        (row["month"].year, row["month"].month): row for row in rows
    }
    result = []
    for month in calendar:
        row = by_month.get((month.year, month.month), {})
        result.append(
            ThroughputRow(
                month=month,
                entered=[row.get(f"entered_{phase.pk}", 0) for phase in phases],
                closed=row.get("closed", 0),
            )
        )
    return result


def stalled_initiatives(*, organisation: Organisation, after_days: int) -> QuerySet[Initiative]:
    """Initiatives in an active phase that have not moved for more than `after_days` days,
    longest first, each with `time_in_phase` (a timedelta up to now)."""
    now = timezone.now()
    return (
        Initiative.objects.for_organisation(organisation)
        .filter(
            phase__kind=PhaseKind.ACTIVE,
            phase_entered_at__lt=now - timedelta(days=after_days),
        )
        .select_related("idea", "phase", "owner")
        .only("idea_id", *INITIATIVE_ROW_FIELDS)
        .annotate(time_in_phase=_as_value(now) - F("phase_entered_at"))
        .order_by("phase_entered_at", "pk")
    )
