"""Reads of the portfolio that are more than a filter, always taking the organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Coalesce,
    CumeDist,
    ExtractYear,
    Greatest,
    Now,
    RowNumber,
    TruncMonth,
)
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from ideas.models import CLOSED_STATUSES, Idea, IdeaStatus, ValueType
from portal.models import DomainEvent, Organisation, User
from portfolio.models import (
    Benefit,
    BenefitKind,
    Decision,
    DecisionKind,
    Indicator,
    Initiative,
    Measurement,
    MeasureUnit,
    Meeting,
    Phase,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
    StatusReport,
)

CARDS_PER_COLUMN = 20  # about 1 ms of rendering per card: 6 columns × 20 stay well under 300 ms
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


def with_benefit_summary(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate each card with its number of benefits and expected kroner and hours per
    year, as subqueries (no join fan-out, no extra query)."""

    def total(expression: Any, output: Any) -> Subquery:
        per_initiative = (
            Benefit.objects.filter(initiative=OuterRef("pk"))
            .order_by()
            .values("initiative")
            .annotate(total=expression)
            .values("total")
        )
        return Subquery(per_initiative, output_field=output)

    money = DecimalField(max_digits=16, decimal_places=2)
    return initiatives.annotate(
        benefit_count=Coalesce(total(Count("id"), models.IntegerField()), 0),
        benefit_amount=total(Sum("expected_amount"), money),
        benefit_hours=total(Sum("expected_hours"), money),
    )


def board_columns(
    *,
    organisation: Organisation,
    filters: dict[str, Any],
    stalled_days: int,
    include_closed: bool = False,
    per_column: int = CARDS_PER_COLUMN,
) -> list[Column]:
    """Columns with their counts and the first cards of each: a fixed number of queries
    however many cards there are (phases, counts, one windowed page of cards).
    `stalled_days` comes from the caller, which shows it on the page too."""
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
        with_benefit_summary(initiatives)
        .select_related(*CARD_RELATED)
        .prefetch_related(latest_published_status())  # one query for all the cards
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
        with_benefit_summary(
            board_initiatives(organisation=organisation, filters=filters, stalled_days=stalled_days)
        )
        .filter(phase=phase)
        .select_related(*CARD_RELATED)
        .prefetch_related(latest_published_status())
        .order_by("-phase_entered_at", "-id")[offset : offset + limit]
    )
    for card in cards:
        card.stalled = card.days_in_phase() > stalled_days  # type: ignore[attr-defined]
    return cards


def board_card(*, organisation: Organisation, pk: int, stalled_days: int) -> Initiative:
    """One card as the board shows it (after a move), in two queries."""
    card = (
        with_benefit_summary(Initiative.objects.for_organisation(organisation))
        .select_related(*CARD_RELATED)
        .prefetch_related(latest_published_status())
        .get(pk=pk)
    )
    card.stalled = card.days_in_phase() > stalled_days  # type: ignore[attr-defined]
    return card


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


# Benefits (gevinstrealisering) ------------------------------------------------------------

ONE_DECIMAL = Decimal("0.1")
DEFAULT_HOURS_PER_FTE = Decimal("1695.0")  # PortfolioSettings.hours_per_fte's default


def put_to_use_q() -> Q:
    """«Nyttiggjort», as a condition on initiatives: it has reached a phase where the solution
    is in use (Phase.in_use: it is in one, or has been, so it stays true after a move on to
    «Avsluttet») and at least one of its benefits is measured. Lists filter on it in SQL."""
    visited = PhaseVisit.objects.filter(initiative=OuterRef("pk"), phase__in_use=True)
    measured = Measurement.objects.filter(indicator__benefit__initiative=OuterRef("pk"))
    return (Q(phase__in_use=True) | Q(Exists(visited))) & Q(Exists(measured))


def with_put_to_use(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate each initiative with `put_to_use` (a bool)."""
    return initiatives.annotate(
        put_to_use=ExpressionWrapper(put_to_use_q(), output_field=BooleanField())
    )


def initiative_detail(*, organisation: Organisation, pk: int) -> Initiative | None:
    """One initiative with what its page shows: idea, phase, pådriver, team, «nyttiggjort»."""
    team = Prefetch("team", queryset=User.objects.order_by("first_name", "last_name", "email"))
    return (
        with_put_to_use(Initiative.objects.for_organisation(organisation))
        .select_related("idea", "phase", "owner", "organisation")
        .prefetch_related(team)
        .filter(pk=pk)
        .first()
    )


def hours_per_fte(organisation: Organisation) -> Decimal:
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    return settings.hours_per_fte if settings else DEFAULT_HOURS_PER_FTE


def fte(hours: Decimal | None, per_fte: Decimal) -> Decimal | None:
    """Årsverk: hours divided by the hours of one FTE, to one decimal, half up (0,05 → 0,1)."""
    if hours is None or not per_fte:
        return None
    return (hours / per_fte).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def progress_percent(*, baseline: Decimal, target: Decimal, value: Decimal) -> Decimal:
    """How far `value` has come from the baseline toward the target, in whole per cent
    (half up). The target may lie below the baseline (fewer hours is progress too); below 0
    is worse than at the start, above 100 beyond the target."""
    share = (value - baseline) / (target - baseline) * 100
    return share.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    measurements: list[Measurement]  # oldest first

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def progress(self) -> Decimal | None:
        latest = self.latest
        if latest is None:
            return None
        indicator = self.indicator
        return progress_percent(
            baseline=indicator.baseline, target=indicator.target, value=latest.value
        )

    @property
    def progress_bar(self) -> int:
        """The progress clamped to 0–100, for a <progress> element beside the text."""
        progress = self.progress
        return 0 if progress is None else int(min(max(progress, Decimal(0)), Decimal(100)))


@dataclass(frozen=True)
class BenefitStatus:
    benefit: Benefit
    indicators: list[IndicatorStatus]
    fte: Decimal | None  # expected hours in årsverk

    @property
    def missing_indicator(self) -> bool:
        return not self.indicators

    @property
    def value_labels(self) -> list[str]:
        return [str(ValueType(v).label) for v in self.benefit.value_types if v in ValueType.values]


def benefit_statuses(*, initiative: Initiative, per_fte: Decimal) -> list[BenefitStatus]:
    """The initiative's benefits with indicators and measurements: three queries however
    many there are."""
    measurements = Measurement.objects.select_related("recorded_by").order_by("measured_on", "id")
    indicators = Indicator.objects.order_by("created_at", "id").prefetch_related(
        Prefetch("measurements", queryset=measurements)
    )
    benefits = (
        Benefit.objects.filter(initiative=initiative)
        .select_related("owner", "responsible")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("created_at", "id")
    )
    return [
        BenefitStatus(
            benefit=benefit,
            indicators=[
                IndicatorStatus(indicator, list(indicator.measurements.all()))
                for indicator in benefit.indicators.all()
            ],
            fte=fte(benefit.expected_hours, per_fte),
        )
        for benefit in benefits
    ]


@dataclass(frozen=True)
class BenefitTotals:
    amount: Decimal  # expected kroner a year
    hours: Decimal  # expected freed hours a year
    fte: Decimal | None  # the summed hours in årsverk (not a sum of rounded årsverk)
    missing_indicator: int  # benefits without an indicator


def benefit_totals(statuses: Iterable[BenefitStatus], per_fte: Decimal) -> BenefitTotals:
    statuses = list(statuses)
    amount = sum((s.benefit.expected_amount or Decimal(0) for s in statuses), Decimal(0))
    hours = sum((s.benefit.expected_hours or Decimal(0) for s in statuses), Decimal(0))
    return BenefitTotals(
        amount=amount,
        hours=hours,
        fte=fte(hours, per_fte),
        missing_indicator=sum(1 for s in statuses if s.missing_indicator),
    )


# Status reports, reminders and the benefit overview ---------------------------------------
#
# «Realisert» in the overview: for each indicator, how far its latest measurement has moved
# from the baseline (startverdi) in the direction of the target: latest − baseline when the
# target is higher, baseline − latest when it is lower, and never below 0. An indicator not
# measured yet has realised nothing. Indicators in kroner and in hours are summed; counts and
# per cents cannot be added across indicators, so they only count as measured or not.

# Newest period first; within a period a draft (not published yet) before the published ones.
STATUS_ORDER = (F("period_end").desc(), F("published_at").desc(nulls_first=True), F("id").desc())
DEFAULT_STATUS_EVERY_DAYS = 30  # PortfolioSettings.status_report_every_days's default
REMINDER_SENT = "reminder.sent"  # recorded by portfolio.services.record_reminder_sent


def latest_published_status() -> Prefetch[str, QuerySet[StatusReport], str]:
    """Each initiative's latest published status report as `latest_status` (a list of at most
    one): a single query however many initiatives (a window over the reports)."""
    published = StatusReport.objects.filter(published_at__isnull=False).order_by(*STATUS_ORDER)
    return Prefetch("status_reports", queryset=published[:1], to_attr="latest_status")


def initiative_status_reports(
    *, initiative: Initiative, include_drafts: bool
) -> QuerySet[StatusReport]:
    """The initiative's status reports, newest first; drafts only for those who may edit."""
    reports = StatusReport.objects.filter(initiative=initiative).select_related("created_by")
    if not include_drafts:
        reports = reports.filter(published_at__isnull=False)
    return reports.order_by(*STATUS_ORDER)


def status_report_every_days(organisation: Organisation) -> int:
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    return settings.status_report_every_days if settings else DEFAULT_STATUS_EVERY_DAYS


def status_reports_due(
    *, organisation: Organisation, every_days: int, now: datetime, owner: User | None = None
) -> QuerySet[Initiative]:
    """Active initiatives whose pådriver is to be reminded: no status report published in the
    last `every_days` days (counted from the initiative's start when it has none yet).
    Each has `last_published` (None when nothing has been published)."""
    cutoff = now - timedelta(days=every_days)
    latest = (
        StatusReport.objects.filter(initiative=OuterRef("pk"), published_at__isnull=False)
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    initiatives = Initiative.objects.for_organisation(organisation).filter(
        phase__kind=PhaseKind.ACTIVE, owner__is_active=True
    )
    if owner is not None:
        initiatives = initiatives.filter(owner=owner)
    return (
        initiatives.annotate(last_published=Subquery(latest))
        .filter(
            Q(last_published__lt=cutoff) | Q(last_published__isnull=True, created_at__lt=cutoff)
        )
        .select_related("idea", "owner")
        .only("organisation_id", "created_at", "idea__title", "owner__is_active")
        .order_by("pk")
    )


def benefit_reminder_recipients(benefit: Benefit) -> list[User]:
    """Gevinsteier and gevinstansvarlig; the initiative's pådriver when the benefit has
    neither (or neither is active any more)."""
    people = {u.pk: u for u in (benefit.owner, benefit.responsible) if u and u.is_active}
    if not people and benefit.initiative.owner and benefit.initiative.owner.is_active:
        return [benefit.initiative.owner]
    return list(people.values())


def measurements_due(
    *, organisation: Organisation, today: date, person: User | None = None
) -> list[Benefit]:
    """Benefits with indicators that have not been measured in the last `measure_every_days`
    days (counted from the first indicator when nothing is measured yet), whether or not the
    initiative has ended: benefits are followed up in the line after the project. With
    `person`, only the benefits that may be theirs to measure (see
    benefit_reminder_recipients). Each has `last_measured` (a date or None)."""
    last = (
        Measurement.objects.filter(indicator__benefit=OuterRef("pk"))
        .order_by("-measured_on")
        .values("measured_on")[:1]
    )
    first_indicator = (
        Indicator.objects.filter(benefit=OuterRef("pk")).order_by("created_at").values("created_at")
    )[:1]
    benefits = Benefit.objects.filter(organisation=organisation)
    if person is not None:
        benefits = benefits.filter(
            Q(owner=person) | Q(responsible=person) | Q(initiative__owner=person)
        )
    benefits = (
        benefits.annotate(last_measured=Subquery(last), measuring_since=Subquery(first_indicator))
        .filter(measuring_since__isnull=False)
        .select_related("initiative__idea", "initiative__owner", "owner", "responsible")
        .only(
            "organisation_id",
            "description",
            "measure_every_days",
            "initiative__idea__title",
            "initiative__owner__is_active",
            "owner__is_active",
            "responsible__is_active",
        )
        .order_by("pk")
    )
    due: list[Benefit] = []
    for benefit in benefits:
        since = benefit.last_measured or timezone.localdate(benefit.measuring_since)
        if since <= today - timedelta(days=benefit.measure_every_days):
            due.append(benefit)
    return due


@dataclass
class BenefitFigures:
    """Expected against realised for a group of benefits (see «Realisert» above)."""

    benefits: int = 0
    expected_amount: Decimal = Decimal(0)  # kroner a year
    expected_hours: Decimal = Decimal(0)  # freed hours a year
    realised_amount: Decimal = Decimal(0)  # kroner, from indicators in kroner
    realised_hours: Decimal = Decimal(0)  # hours, from indicators in hours
    indicators: int = 0
    measured: int = 0  # indicators with at least one measurement
    without_indicators: int = 0  # benefits nobody can measure yet

    def add(self, other: BenefitFigures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class OverviewRow:
    key: Any  # a BenefitKind, a unit's name or a year; None: no unit / no realisation date
    figures: BenefitFigures


@dataclass(frozen=True)
class BenefitOverview:
    by_kind: list[OverviewRow]
    by_unit: list[OverviewRow]
    by_year: list[OverviewRow]
    total: BenefitFigures
    per_fte: Decimal
    initiatives: int
    put_to_use: int  # «nyttiggjort»: taken into use and measured

    @property
    def realised_fte(self) -> Decimal | None:
        return fte(self.total.realised_hours, self.per_fte)

    @property
    def expected_fte(self) -> Decimal | None:
        return fte(self.total.expected_hours, self.per_fte)


GroupKey = tuple[str, int | None, str | None, int | None]  # kind, unit id, unit name, year


def _realised_by_latest() -> Subquery:
    """For each indicator (the outer query), what its latest measurement has realised; None
    when it is not measured. The whole sum is made in the subquery, so that the database
    looks up the latest measurement once per indicator."""
    money = DecimalField(max_digits=16, decimal_places=2)
    baseline, target = OuterRef("baseline"), OuterRef("target")
    towards_target = Case(
        When(GreaterThanOrEqual(target, baseline), then=F("value") - baseline),
        default=baseline - F("value"),
        output_field=money,
    )
    latest = (
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .order_by("-measured_on", "-id")
        .annotate(realised=Greatest(towards_target, Value(Decimal(0)), output_field=money))
        .values("realised")[:1]
    )
    return Subquery(latest, output_field=money)


def _benefit_cells(organisation: Organisation) -> dict[GroupKey, BenefitFigures]:
    """Figures per (benefit kind, unit, year): two grouped queries, benefits and indicators,
    so that a benefit's expected value is not counted once per indicator."""
    cells: dict[GroupKey, BenefitFigures] = {}
    no_indicator = ~Exists(Indicator.objects.filter(benefit=OuterRef("pk")))
    benefits = (
        Benefit.objects.filter(organisation=organisation)
        .values(
            "kind",
            unit_id=F("initiative__idea__unit_id"),
            unit_name=F("initiative__idea__unit__name"),
            year=ExtractYear("realisation_date"),
        )
        .annotate(
            count=Count("pk"),
            amount=Sum("expected_amount"),
            hours=Sum("expected_hours"),
            unmeasurable=Count("pk", filter=Q(no_indicator)),
        )
        .order_by()
    )
    for row in benefits:
        figures = cells.setdefault(_key(row), BenefitFigures())
        figures.benefits += row["count"]
        figures.expected_amount += row["amount"] or 0
        figures.expected_hours += row["hours"] or 0
        figures.without_indicators += row["unmeasurable"]
    indicators = (
        Indicator.objects.filter(benefit__organisation=organisation)
        .alias(gain=_realised_by_latest())
        .values(
            "unit",
            kind=F("benefit__kind"),
            unit_id=F("benefit__initiative__idea__unit_id"),
            unit_name=F("benefit__initiative__idea__unit__name"),
            year=ExtractYear("benefit__realisation_date"),
        )
        .annotate(
            count=Count("pk"),
            measured=Count("gain"),  # NULL: not measured
            realised=Sum("gain"),
        )
        .order_by()
    )
    for group in indicators:
        figures = cells.setdefault(_key(group), BenefitFigures())
        figures.indicators += group["count"]
        figures.measured += group["measured"]
        if group["unit"] == MeasureUnit.NOK:
            figures.realised_amount += group["realised"] or 0
        elif group["unit"] == MeasureUnit.HOURS:
            figures.realised_hours += group["realised"] or 0
    return cells


def _key(row: Mapping[str, Any]) -> GroupKey:
    return (row["kind"], row["unit_id"], row["unit_name"], row["year"])


def _rows(cells: dict[GroupKey, BenefitFigures], part: Callable[[GroupKey], Any]) -> list[Any]:
    grouped: dict[Any, BenefitFigures] = {}
    for key, figures in cells.items():
        grouped.setdefault(part(key), BenefitFigures()).add(figures)
    return list(grouped.items())


def benefit_overview(*, organisation: Organisation) -> BenefitOverview:
    """The portfolio's benefits: expected against realised per kind, unit and year, the
    freed hours in total, and how many initiatives are «nyttiggjort». Every sum is made in the
    database; a fixed number of queries however many benefits and measurements."""
    cells = _benefit_cells(organisation)
    total = BenefitFigures()
    for figures in cells.values():
        total.add(figures)
    kinds = dict(_rows(cells, lambda key: key[0]))
    by_kind = [OverviewRow(kind, kinds.get(kind.value, BenefitFigures())) for kind in BenefitKind]
    units = sorted(
        _rows(cells, lambda key: (key[1], key[2])),
        key=lambda item: (item[0][1] is None, (item[0][1] or "").lower(), item[0][0] or 0),
    )
    years = sorted(_rows(cells, lambda key: key[3]), key=lambda item: (item[0] is None, item[0]))
    counts = Initiative.objects.for_organisation(organisation).aggregate(
        initiatives=Count("pk"), put_to_use=Count("pk", filter=put_to_use_q())
    )
    return BenefitOverview(
        by_kind=by_kind,
        by_unit=[OverviewRow(name, figures) for (_pk, name), figures in units],
        by_year=[OverviewRow(year, figures) for year, figures in years],
        total=total,
        per_fte=hours_per_fte(organisation),
        initiatives=counts["initiatives"],
        put_to_use=counts["put_to_use"],
    )


def benefits_without_indicators(*, organisation: Organisation) -> QuerySet[Benefit]:
    """Benefits nobody can measure yet: flagged in the overview, never left out."""
    return (
        Benefit.objects.filter(organisation=organisation)
        .filter(~Exists(Indicator.objects.filter(benefit=OuterRef("pk"))))
        .select_related("initiative__idea", "owner", "responsible")
        .order_by("initiative__idea__title", "created_at", "pk")
    )


def reminded_today(*, recipient: User, since: datetime) -> set[tuple[str, int]]:
    """(subject type, id) of what `recipient` has been reminded about since `since`."""
    return set(
        DomainEvent.objects.filter(
            action=REMINDER_SENT, occurred_at__gte=since, after__recipient=recipient.pk
        ).values_list("subject_type", "subject_id")
    )
