"""Reading the strategic measures: the current period's, a page of them by period and status,
and their status counts for the dashboard.

Every list is one query for the measures (owner and period joined, the note count annotated)
plus one each for the prefetched latest notes and linked initiatives, however many rows
there are. `StrategicMeasure.note_count` and `.latest_note` read what is annotated and
prefetched here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from maturity.models import MeasureNote, MeasureStatus, StrategicMeasure, StrategyPeriod
from maturity.selectors.staircase import targets_for
from portal.models import Organisation
from portfolio.models import Initiative


def _note_count() -> Coalesce:
    counts = (
        MeasureNote.objects.filter(measure=OuterRef("pk"))
        .order_by()
        .values("measure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def measures_with_progress(organisation: Organisation) -> QuerySet[StrategicMeasure]:
    """The organisation's measures with period, owner, note count, latest note (with its
    author) and linked initiatives (with their ideas' titles), in the strategy's order."""
    return (
        StrategicMeasure.objects.filter(organisation=organisation)
        .select_related("period", "period__target_level", "owner")
        .annotate(annotated_note_count=_note_count())
        .prefetch_related(
            Prefetch(
                "notes",
                # A sliced prefetch: the newest note of each measure, by a window function.
                queryset=MeasureNote.objects.select_related("author").order_by(
                    "-created_at", "-id"
                )[:1],
                to_attr="latest_notes",
            ),
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.select_related("idea", "phase").order_by("idea__title"),
            ),
        )
        .order_by("period__start_year", "period__end_year", "order", "id")
    )


def _in_year(year: int) -> Q:
    return Q(period__start_year__lte=year, period__end_year__gte=year)


def current_measures(*, organisation: Organisation, year: int) -> list[StrategicMeasure]:
    """The measures of the periods that contain `year` (2027 lies in 2026–27 and 2027–28),
    with owner, note count, latest note and initiatives: constant queries (three)."""
    return list(measures_with_progress(organisation).filter(_in_year(year)))


def measure_status_counts(*, organisation: Organisation, year: int) -> dict[str, int]:
    """How many of the year's measures have each status, keyed by `MeasureStatus` value in
    the enum's order (every status present, 0 when none). One aggregate query."""
    counts = StrategicMeasure.objects.filter(_in_year(year), organisation=organisation).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in MeasureStatus}
    )
    return {status.value: int(counts[status.value] or 0) for status in MeasureStatus}


def overdue_measure_count(
    *, organisation: Organisation, year: int, today: date | None = None
) -> int:
    """How many of the year's measures are past their due date and not done
    (`StrategicMeasure.is_overdue`, counted in the database)."""
    day = today or timezone.localdate()
    return (
        StrategicMeasure.objects.filter(_in_year(year), organisation=organisation)
        .filter(due_date__lt=day)
        .exclude(status=MeasureStatus.DONE)
        .count()
    )


@dataclass(frozen=True)
class PeriodGroup:
    period: StrategyPeriod
    is_current: bool  # contains the year the page is about
    measures: list[StrategicMeasure]


def ordered_periods(periods: list[StrategyPeriod], year: int) -> list[StrategyPeriod]:
    """The periods containing `year` first (the one whose target applies to the year before
    the one it overlaps), then the others in the strategy's order."""
    targets = targets_for(periods, year)
    containing = sorted(
        (p for p in periods if p.contains(year)),
        key=lambda p: (p != targets.current, p.end_year, p.start_year),
    )
    rest = sorted((p for p in periods if not p.contains(year)), key=lambda p: p.start_year)
    return [*containing, *rest]


def organisation_periods(organisation: Organisation) -> list[StrategyPeriod]:
    return list(
        StrategyPeriod.objects.filter(organisation=organisation).select_related("target_level")
    )


def grouped_measures(
    *,
    organisation: Organisation,
    year: int,
    period: int | None = None,
    status: str | None = None,
    overdue: bool = False,
    today: date | None = None,
    periods: list[StrategyPeriod] | None = None,
) -> list[PeriodGroup]:
    """The measures page: measures grouped by period, the current period first, filtered by
    period (a pk), status (a MeasureStatus value) and «over fristen». A period without a
    matching measure is left out. Three queries for the measures, one for the periods
    unless the caller has them (`organisation_periods`)."""
    if periods is None:
        periods = organisation_periods(organisation)
    measures = measures_with_progress(organisation)
    if period is not None:
        measures = measures.filter(period_id=period)
    if status:
        measures = measures.filter(status=status)
    if overdue:
        day = today or timezone.localdate()
        measures = measures.filter(due_date__lt=day).exclude(status=MeasureStatus.DONE)
    by_period: dict[int, list[StrategicMeasure]] = {}
    for measure in measures:
        by_period.setdefault(measure.period_id, []).append(measure)
    return [
        PeriodGroup(period=p, is_current=p.contains(year), measures=by_period[p.pk])
        for p in ordered_periods(periods, year)
        if p.pk in by_period
    ]


def organisation_measure(organisation: Organisation, pk: int) -> StrategicMeasure | None:
    """One measure of the organisation, with everything its page shows; None elsewhere."""
    return measures_with_progress(organisation).filter(pk=pk).first()


def measure_notes(measure: StrategicMeasure) -> QuerySet[MeasureNote]:
    """The measure's progress notes, newest first, with their authors."""
    return measure.notes.select_related("author").order_by("-created_at", "-id")
