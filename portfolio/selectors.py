"""Reads of the portfolio that are more than a filter, always taking the organisation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, CumeDist, Now, RowNumber, TruncMonth
from django.utils import timezone

from ideas.models import CLOSED_STATUSES, Idea, IdeaStatus
from portal.models import Organisation, User
from portfolio.models import (
    Decision,
    DecisionKind,
    Initiative,
    Meeting,
    Phase,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
)

CARDS_PER_COLUMN = 30
CARD_RELATED = ("owner", "idea", "idea__unit", "idea__innovation_type", "phase")


@dataclass
class Column:
    phase: Phase
    count: int
    cards: list[Initiative] = field(default_factory=list)

    @property
    def over_limit(self) -> bool:
        return self.phase.wip_limit is not None and self.count > self.phase.wip_limit

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


def stalled_after(organisation: Organisation) -> int:
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    return settings.stalled_after_days if settings else 30


def board_phases(*, organisation: Organisation, include_closed: bool = False) -> list[Phase]:
    kinds = [PhaseKind.ACTIVE, PhaseKind.CLOSED] if include_closed else [PhaseKind.ACTIVE]
    return list(Phase.objects.filter(organisation=organisation, kind__in=kinds).order_by("order"))


def board_initiatives(
    *, organisation: Organisation, filters: dict[str, Any], stalled_days: int
) -> QuerySet[Initiative]:
    """The organisation's initiatives with the board's filters applied."""
    initiatives = Initiative.objects.for_organisation(organisation)
    lookups = {
        "type": "idea__innovation_type__code",
        "enhet": "idea__unit_id",
        "eier": "owner_id",
        "mal": "idea__strategic_goals",
        "stikkord": "idea__tags__name__iexact",
        "rolle": "role",
    }
    for key, lookup in lookups.items():
        if filters.get(key) not in (None, ""):
            initiatives = initiatives.filter(**{lookup: filters[key]})
    if filters.get("stoppet"):
        cutoff = timezone.now() - timedelta(days=stalled_days)
        initiatives = initiatives.filter(phase_entered_at__lt=cutoff)
    return initiatives


def board_columns(
    *,
    organisation: Organisation,
    filters: dict[str, Any],
    include_closed: bool = False,
    per_column: int = CARDS_PER_COLUMN,
) -> list[Column]:
    """Columns with their counts and the first cards of each: a fixed number of queries
    however many cards there are (phases, counts, one windowed page of cards)."""
    stalled_days = stalled_after(organisation)
    phases = board_phases(organisation=organisation, include_closed=include_closed)
    initiatives = board_initiatives(
        organisation=organisation, filters=filters, stalled_days=stalled_days
    ).filter(phase__in=phases)
    counts = dict(
        initiatives.order_by()
        .values_list("phase_id")
        .annotate(n=Count("id"))
        .values_list("phase_id", "n")
    )
    cards = (
        initiatives.select_related(*CARD_RELATED)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("phase_id")],
                order_by=[F("phase_entered_at").desc(), F("id").desc()],
            )
        )
        .filter(position__lte=per_column)
        .order_by("phase__order", "position")
    )
    columns = {phase.pk: Column(phase=phase, count=counts.get(phase.pk, 0)) for phase in phases}
    for card in cards:
        card.stalled = card.days_in_phase() > stalled_days  # type: ignore[attr-defined]
        columns[card.phase_id].cards.append(card)
    return list(columns.values())


def column_cards(
    *, organisation: Organisation, phase: Phase, filters: dict[str, Any], offset: int, limit: int
) -> list[Initiative]:
    """More cards of one column («Vis flere»)."""
    stalled_days = stalled_after(organisation)
    cards = list(
        board_initiatives(organisation=organisation, filters=filters, stalled_days=stalled_days)
        .filter(phase=phase)
        .select_related(*CARD_RELATED)
        .order_by("-phase_entered_at", "-id")[offset : offset + limit]
    )
    for card in cards:
        card.stalled = card.days_in_phase() > stalled_days  # type: ignore[attr-defined]
    return cards


def active_phase_counts(organisation: Organisation) -> dict[int, int]:
    """Cards per phase, for the column counts after a move."""
    return dict(
        Initiative.objects.for_organisation(organisation)
        .order_by()
        .values_list("phase_id")
        .annotate(n=Count("id"))
        .values_list("phase_id", "n")
    )


# Flow figures -----------------------------------------------------------------------------

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


def visit_duration(prefix: str = "") -> Any:
    """The length of a phase visit; a visit still open counts up to now (the database's)."""
    return Coalesce(f"{prefix}left_at", Now()) - F(f"{prefix}entered_at")


def days(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds() / SECONDS_PER_DAY


def active_phases(*, organisation: Organisation) -> list[Phase]:
    return list(Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE))


# Time in each phase -----------------------------------------------------------------------


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


# Throughput -------------------------------------------------------------------------------


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
    *, organisation: Organisation, phases: Sequence[Phase], months: int = 12
) -> list[ThroughputRow]:
    """Per month (local time): how many initiatives entered each active phase, and how many
    were closed. An initiative that enters a phase twice in a month counts once."""
    calendar = months_back(months)
    start = timezone.make_aware(datetime.combine(calendar[0], datetime.min.time()))
    counts = {
        f"entered_{phase.pk}": Count("initiative_id", distinct=True, filter=Q(phase_id=phase.pk))
        for phase in phases
    }
    rows = (
        PhaseVisit.objects.filter(initiative__organisation=organisation, entered_at__gte=start)
        .annotate(month=TruncMonth("entered_at"))
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


# Stalled initiatives ----------------------------------------------------------------------


def stalled_initiatives(*, organisation: Organisation, after_days: int) -> QuerySet[Initiative]:
    """Initiatives in an active phase that have not moved for more than `after_days` days,
    longest first, each with `time_in_phase` (a timedelta up to the database's now)."""
    return (
        Initiative.objects.for_organisation(organisation)
        .filter(
            phase__kind=PhaseKind.ACTIVE,
            phase_entered_at__lt=Now() - timedelta(days=after_days),
        )
        .select_related("idea", "phase", "owner")
        .only("idea_id", *INITIATIVE_ROW_FIELDS)
        .annotate(time_in_phase=Now() - F("phase_entered_at"))
        .order_by("phase_entered_at", "pk")
    )


# Triage and board meetings ----------------------------------------------------------------

INBOX_RELATED = ("unit", "innovation_type", "submitter", "assessment")
WAITING = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)
MERGE_TARGETS_SHOWN = 200  # the select lists the newest; any open idea of the organisation is valid


def _with_revisit_date(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """Annotate `revisit_on`: the date set by the idea's latest «parkert» decision, if any."""
    latest_park = (
        Decision.objects.filter(idea=OuterRef("pk"), kind=DecisionKind.PARK)
        .order_by("-decided_at", "-id")
        .values("revisit_on")[:1]
    )
    return ideas.annotate(revisit_on=Subquery(latest_park))


def _waiting_for_board(today: date) -> Q:
    return Q(status__in=WAITING) | Q(status=IdeaStatus.PARKED, revisit_on__lte=today)


def triage_inbox(*, organisation: Organisation, today: date | None = None) -> QuerySet[Idea]:
    """Ideas waiting for the board, oldest first: new ones, and parked ones whose date to
    look again has come (`revisit_on` is set on those). Assessments come along."""
    today = today or timezone.localdate()
    ideas = Idea.objects.for_organisation(organisation).filter(
        status__in=[*WAITING, IdeaStatus.PARKED]
    )
    return (
        _with_revisit_date(ideas)
        .filter(_waiting_for_board(today))
        .select_related(*INBOX_RELATED)
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class TriageChoices:
    """What the decision forms offer, read once per page however many ideas it shows."""

    organisation: Organisation
    phases: list[Phase]
    members: list[User]
    merge_targets: list[Idea]


def triage_choices(*, organisation: Organisation) -> TriageChoices:
    phases = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE)
    members = User.objects.filter(memberships__organisation=organisation, is_active=True)
    targets = (
        Idea.objects.for_organisation(organisation)
        .exclude(status__in=[*CLOSED_STATUSES, IdeaStatus.DRAFT])
        .only("id", "title")
        .order_by("-submitted_at", "-id")[:MERGE_TARGETS_SHOWN]
    )
    return TriageChoices(
        organisation=organisation,
        phases=list(phases.order_by("order")),
        members=list(members.order_by("first_name", "last_name", "email")),
        merge_targets=sorted(targets, key=lambda idea: (idea.title.lower(), idea.pk)),
    )


def open_merge_target(*, organisation: Organisation, pk: int) -> Idea | None:
    """An idea of the organisation another may be merged into: submitted and not closed."""
    return (
        Idea.objects.for_organisation(organisation)
        .exclude(status__in=[*CLOSED_STATUSES, IdeaStatus.DRAFT])
        .filter(pk=pk)
        .first()
    )


DECISION_RELATED = ("decided_by", "meeting", "phase", "merged_into")


def idea_decisions(idea: Idea) -> list[Decision]:
    """The board's decisions on one idea, oldest first."""
    return list(Decision.objects.filter(idea=idea).select_related(*DECISION_RELATED))


def meeting_list(*, organisation: Organisation) -> QuerySet[Meeting]:
    """The board's meetings, newest first, each with its number of decisions."""
    return (
        Meeting.objects.filter(organisation=organisation)
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-id")
    )


def meeting_for(*, organisation: Organisation, pk: int) -> Meeting | None:
    return (
        Meeting.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "created_by")
        .prefetch_related(
            Prefetch("participants", queryset=User.objects.order_by("first_name", "last_name"))
        )
        .first()
    )


def _agenda_ideas(meeting: Meeting) -> QuerySet[Idea]:
    """Ideas with what an agenda item shows: assessment, revisit date and the decision
    taken in this meeting (`meeting_decisions`)."""
    here = Decision.objects.filter(meeting=meeting).select_related(*DECISION_RELATED)
    ideas = Idea.objects.for_organisation(meeting.organisation)
    return (
        _with_revisit_date(ideas)
        .select_related(*INBOX_RELATED)
        .prefetch_related(Prefetch("decisions", queryset=here, to_attr="meeting_decisions"))
        .order_by("submitted_at", "id")
    )


def meeting_agenda(*, meeting: Meeting, today: date | None = None) -> QuerySet[Idea]:
    """The meeting's agenda of ideas: while it is open the inbox, and always the ideas
    decided in it (so a decided item stays where it was)."""
    decided_here = Q(pk__in=Decision.objects.filter(meeting=meeting).values("idea_id"))
    if meeting.closed_at is not None:
        return _agenda_ideas(meeting).filter(decided_here)
    waiting = _waiting_for_board(today or timezone.localdate())
    return _agenda_ideas(meeting).filter(waiting | decided_here)


def agenda_item(*, meeting: Meeting, pk: int) -> Idea | None:
    return _agenda_ideas(meeting).filter(pk=pk).first()


def meeting_decisions(*, meeting: Meeting) -> list[Decision]:
    """The decisions of a meeting in the order they were taken: the minutes."""
    return list(
        meeting.decisions.select_related(
            "idea", "decided_by", "phase", "merged_into", "idea__initiative__owner"
        ).order_by("decided_at", "id")
    )
