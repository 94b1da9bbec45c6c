"""`python -m bench seed`: the whole scale scenario in one command.

On top of the organisations, people and ideas of `bench.seed`, every municipality gets, in
proportion to its size (inhabitants, `bench.texts.population`; the largest, Oslo, gets
`largest` initiatives, 2,000 by default, and every municipality at least one):

- initiatives with five-year phase histories (`bench.dashboard.five_year_history`): phase
  visits, settled checkpoints, the board's decision to accept the idea and the events
  «initiative created» and «initiative moved» for each step on the way;
- the board's meetings (monthly in a large municipality, a few a year in a small one, each
  closed, with board members and a leader as participants) and their agenda: the board's
  decisions on the ideas it took up (accept, park, reject, merge), each in the meeting held
  last before it, with the decision's event on the idea;
- one or two benefits per initiative, indicators and ten monthly measurements
  (`bench.benefits.indicator_with_values`) and, for the active ones, three monthly published
  status reports, with the events «benefit added», «indicator added», «measurement
  recorded» and «status published»;
- the strategy's maturity data (`bench.dashboard.ensure_maturity_data`): owners, statuses
  and notes on the measures, hand-entered KPI values, the 2024 and 2025 assessments with
  every leader's answers and the agreed level (the largest and smallest also a revised 2025
  and an open 2026);
- the council report of 2025 as beat makes it: a done StrategyReport (no files: the rows
  only, as a report whose PDFs were never written to this machine's storage), with its
  «requested», «started» and «done» events.

Everything is written with PostgreSQL COPY (`bench.bulk`), table by table for all
municipalities at once. Run again on the same database, it tops up: an organisation that
already has initiatives (or assessments, or a report) is left as it is.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from time import perf_counter
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from bench import texts
from bench.benefits import (
    DESCRIPTIONS,
    KIND_WEIGHTS,
    LIGHT_WEIGHTS,
    LIGHTS,
    MEASUREMENTS_PER_INDICATOR,
    STATUS_REPORTS_PER_INITIATIVE,
    WITHOUT_INDICATOR,
    indicator_with_values,
)
from bench.bulk import Steps, copy_rows, copy_tuples, copy_values, loading, say
from bench.dashboard import SHARED_WITH_OTHERS, YEAR, ensure_maturity_data, five_year_history
from bench.seed import EVENT_FIELDS, RANDOM_SEED, require_bench_database, seed_scale_data
from ideas.models import Idea, IdeaStatus
from maturity.events import MaturityAction
from maturity.models import ReportStatus, StrategyReport, YearlyAssessment
from portal.models import DomainEvent, Membership, Organisation, Role
from portfolio.events import PortfolioAction
from portfolio.models import (
    Benefit,
    BenefitKind,
    ChecklistAnswer,
    ChecklistAnswerKind,
    ChecklistItem,
    Decision,
    DecisionKind,
    Indicator,
    Initiative,
    Measurement,
    Meeting,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
    StatusReport,
    TrafficLight,
)
from portfolio.services.derived import refresh_in_use_since

LARGEST = 2_000
REPORT_YEAR = YEAR - 1
DECISION_KINDS = {
    IdeaStatus.PARKED: DecisionKind.PARK,
    IdeaStatus.REJECTED: DecisionKind.REJECT,
    IdeaStatus.MERGED: DecisionKind.MERGE,
}
DECISION_STATUS = {
    DecisionKind.ACCEPT: IdeaStatus.ACCEPTED,
    DecisionKind.PARK: IdeaStatus.PARKED,
    DecisionKind.REJECT: IdeaStatus.REJECTED,
    DecisionKind.MERGE: IdeaStatus.MERGED,
}
DECISION_ACTIONS = {
    DecisionKind.ACCEPT: PortfolioAction.ACCEPTED,
    DecisionKind.PARK: PortfolioAction.PARKED,
    DecisionKind.REJECT: PortfolioAction.REJECTED,
    DecisionKind.MERGE: PortfolioAction.MERGED,
}
BASES = {
    DecisionKind.ACCEPT: "Stort behov og god forankring; styret tar idéen inn på tavla.",
    DecisionKind.PARK: "Gode tanker, men ikke rom i porteføljen nå. Tas opp igjen.",
    DecisionKind.REJECT: "Løses allerede i et annet initiativ, eller nytten er for liten.",
    DecisionKind.MERGE: "Slås sammen med en idé om det samme behovet.",
}
MEETING_HISTORY_DAYS = 5 * 365


def seed_all(*, organisations: int, ideas: int, largest: int = LARGEST) -> None:
    require_bench_database()
    steps = Steps()
    with transaction.atomic(), loading(bulk_tables()):
        orgs = seed_scenario(organisations, ideas, largest, steps)
        step = perf_counter()
    say(f"  indexes and foreign keys back: {perf_counter() - step:.1f} s")
    steps.times.append(("indexes and foreign keys back", perf_counter() - step))
    with steps("in use since"):
        # The maintained column, as move_initiative leaves it; its subqueries want the
        # visits' index, so it runs once that is back.
        refresh_in_use_since(Initiative.objects.filter(organisation__in=orgs))
    with steps("VACUUM ANALYZE"):
        vacuum_analyze_all()
    print_counts(orgs)
    steps.summary()


def bulk_tables() -> list[str]:
    """The tables the scenario fills with thousands of rows."""
    big: list[type[models.Model]] = [
        Idea,
        DomainEvent,
        Initiative,
        PhaseVisit,
        ChecklistAnswer,
        Decision,
        Meeting,
        Benefit,
        Indicator,
        Measurement,
        StatusReport,
    ]
    big += [
        cast("type[models.Model]", f.remote_field.through)
        for f in [*Idea._meta.local_many_to_many, Meeting._meta.get_field("participants")]
    ]
    tables = [model._meta.db_table for model in big]
    return tables


def seed_scenario(organisations: int, ideas: int, largest: int, steps: Steps) -> list[Organisation]:
    orgs = seed_scale_data(organisations=organisations, ideas=ideas, steps=steps, vacuum=False)
    with steps("initiatives, phase visits, checkpoints"):
        initiatives = ensure_initiatives(orgs, largest)
    with steps("meetings and decisions"):
        decisions = ensure_meetings(orgs)
    with steps("benefits, indicators, measurements"):
        benefits = ensure_benefits(orgs)
    with steps("status reports"):
        reports = ensure_status_reports(orgs)
    with steps("maturity data"):
        # The largest and the smallest as the benchmarks pick them (most initiatives, then
        # the lowest pk; fewest, then the highest).
        ranked = sorted(initiatives.items(), key=lambda item: (-item[1], item[0]))
        detailed = {ranked[0][0], ranked[-1][0]} if ranked else set()
        for start in range(0, len(orgs), 100):
            ensure_maturity_data(orgs[start : start + 100], detailed=detailed)
    with steps("council reports"):
        council = ensure_council_reports(orgs)
    say(
        f"added: initiatives in {len(initiatives)} organisations, {decisions:,} decisions, "
        f"{benefits:,} benefits, {reports:,} status reports, {council:,} council reports"
    )
    return orgs


def vacuum_analyze_all() -> None:
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(map(connection.ops.quote_name, tables))}")


def print_counts(orgs: Sequence[Organisation]) -> None:
    """Rows per table (exact counts), the largest first, and how the initiatives spread."""
    per_org = sorted(
        Organisation.objects.filter(pk__in=[org.pk for org in orgs])
        .annotate(n=Count("initiatives"))
        .values_list("n", "name"),
        reverse=True,
    )
    if per_org:
        middle = per_org[len(per_org) // 2]
        say(
            "initiatives per organisation: "
            + ", ".join(f"{name} {n:,}" for n, name in per_org[:3])
            + f" … median {middle[1]} {middle[0]:,} … smallest {per_org[-1][1]} {per_org[-1][0]:,}"
        )
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {connection.ops.quote_name(t)}" for t in tables
            ),
            tables,
        )
        counts = sorted(((n, t) for t, n in cursor.fetchall() if n), reverse=True)
    say("rows per table:")
    for n, table in counts:
        say(f"  {table:<40} {n:>9,}")


Event = tuple[int, int | None, str, str, int, dict[str, Any], dict[str, Any], datetime]


def event(
    org_id: int,
    actor_id: int | None,
    action: str,
    subject: type[models.Model],
    subject_id: int,
    at: datetime,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> Event:
    """A DomainEvent's row (EVENT_FIELDS), for `copy_values`."""
    return (
        org_id,
        actor_id,
        action,
        subject._meta.label_lower,
        subject_id,
        before or {},
        after,
        at,
    )


class People:
    """Each organisation's members by role, from one query."""

    def __init__(self, orgs: Sequence[Organisation]) -> None:
        self.board: dict[int, list[int]] = defaultdict(list)
        self.leaders: dict[int, list[int]] = defaultdict(list)
        self.owners: dict[int, list[int]] = defaultdict(list)
        self.everyone: dict[int, list[int]] = defaultdict(list)
        for org_id, user_id, role in (
            Membership.objects.filter(organisation__in=orgs)
            .order_by("organisation_id", "user_id")
            .values_list("organisation_id", "user_id", "role")
        ):
            self.everyone[org_id].append(user_id)
            if role == Role.BOARD:
                self.board[org_id].append(user_id)
            if role in {Role.LEADER, Role.ADMIN}:
                self.leaders[org_id].append(user_id)
            if role in {Role.BOARD, Role.LEADER, Role.ADMIN}:
                self.owners[org_id].append(user_id)


def initiative_targets(orgs: Sequence[Organisation], largest: int) -> dict[int, int]:
    """Initiatives per organisation in proportion to its inhabitants, at least one."""
    rank = {number: n for n, (_name, number) in enumerate(texts.MUNICIPALITIES, start=1)}
    sizes = {
        org.pk: texts.population(rank.get(org.kommunenummer, len(rank)), org.kommunenummer)
        for org in orgs
    }
    biggest = max(sizes.values(), default=1)
    return {pk: max(1, round(largest * size / biggest)) for pk, size in sizes.items()}


# Initiatives ------------------------------------------------------------------------------


def ensure_initiatives(orgs: Sequence[Organisation], largest: int) -> dict[int, int]:
    """Initiatives with five-year histories for every organisation that has none yet;
    returns the organisations given some, with how many, largest first."""
    have = set(
        Initiative.objects.filter(organisation__in=orgs).values_list("organisation_id", flat=True)
    )
    todo = [org for org in orgs if org.pk not in have]
    if not todo:
        return {}
    targets = initiative_targets(orgs, largest)
    free: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    submitted: dict[int, datetime | None] = {}
    for pk, org_id, status, submitted_at in (
        Idea.objects.filter(
            organisation__in=todo,
            initiative__isnull=True,
            status__in=[IdeaStatus.ACCEPTED, IdeaStatus.SUBMITTED],
        )
        .order_by("pk")
        .values_list("pk", "organisation_id", "status", "submitted_at")
    ):
        free[org_id][status].append(pk)
        submitted[pk] = submitted_at
    chosen: dict[int, list[int]] = {}
    promoted: list[int] = []
    for org in todo:
        accepted, waiting = free[org.pk][IdeaStatus.ACCEPTED], free[org.pk][IdeaStatus.SUBMITTED]
        target = min(targets[org.pk], len(accepted) + len(waiting))
        chosen[org.pk] = accepted[:target]
        more = waiting[: target - len(chosen[org.pk])]
        chosen[org.pk] += more
        promoted += more
    phases: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(organisation__in=todo).order_by("organisation_id", "order"):
        phases[phase.organisation_id].append(phase)
    checklists: dict[int, list[int]] = defaultdict(list)
    for item_id, phase_id in (
        ChecklistItem.objects.filter(phase__organisation__in=todo)
        .order_by("phase_id", "order", "pk")
        .values_list("pk", "phase_id")
    ):
        checklists[phase_id].append(item_id)
    people = People(todo)
    now = timezone.now()
    initiatives: list[Initiative] = []
    histories: list[list[tuple[Phase, datetime, datetime | None]]] = []
    actors: list[int] = []
    for org in todo:
        rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:scenario:initiatives")
        # The earliest history for the earliest idea, and so on: an initiative mostly starts
        # after its idea came in (histories reach five years back, ideas three: not always).
        ideas = sorted(chosen[org.pk], key=lambda pk: (submitted[pk] or now, pk))
        org_histories = sorted(
            (five_year_history(phases[org.pk], rng, now) for _ in ideas),
            key=lambda visits: visits[0][1],
        )
        for idea_id, visits in zip(ideas, org_histories, strict=True):
            shared = rng.random() < SHARED_WITH_OTHERS
            initiatives.append(
                Initiative(
                    organisation_id=org.pk,
                    idea_id=idea_id,
                    phase=visits[-1][0],
                    owner_id=rng.choice(people.owners[org.pk]),
                    role=rng.choice(MunicipalRole.values),
                    version=len(visits),
                    phase_entered_at=visits[-1][1],
                    created_at=visits[0][1],
                    shared_with_others=shared,
                    shared_with="Nabokommunene i regionen" if shared else "",
                )
            )
            histories.append(visits)
            actors.append(rng.choice(people.board[org.pk]))
    with transaction.atomic():
        Idea.objects.filter(pk__in=promoted).update(status=IdeaStatus.ACCEPTED, version=2)
        copy_rows(Initiative, initiatives)
        copy_rows(
            PhaseVisit,
            [
                PhaseVisit(initiative_id=i.pk, phase_id=phase.pk, entered_at=entered, left_at=left)
                for i, visits in zip(initiatives, histories, strict=True)
                for phase, entered, left in visits
            ],
        )
        copy_values(
            ChecklistAnswer,
            ["initiative_id", "item_id", "answer", "comment", "answered_by_id", "answered_at"],
            (
                (i.pk, item_id, ChecklistAnswerKind.DONE, "", actor, left)
                for i, visits, actor in zip(initiatives, histories, actors, strict=True)
                for phase, _entered, left in visits
                if left is not None
                for item_id in checklists[phase.pk]
            ),
        )
        decisions = [
            Decision(
                organisation_id=i.organisation_id,
                idea_id=i.idea_id,
                kind=DecisionKind.ACCEPT,
                basis=BASES[DecisionKind.ACCEPT],
                case_number=f"{visits[0][1].year}/{i.idea_id % 9000 + 100}",
                decided_by_id=actor,
                decided_at=visits[0][1],
                phase_id=visits[0][0].pk,
            )
            for i, visits, actor in zip(initiatives, histories, actors, strict=True)
        ]
        copy_rows(Decision, decisions)
        events = []
        for i, visits, actor, decision in zip(
            initiatives, histories, actors, decisions, strict=True
        ):
            first, entered, _left = visits[0]
            events.append(decision_event(decision, IdeaStatus.SUBMITTED, None))
            events.append(
                event(
                    i.organisation_id,
                    actor,
                    PortfolioAction.INITIATIVE_CREATED,
                    Initiative,
                    i.pk,
                    entered,
                    {
                        "idea": i.idea_id,
                        "phase": first.name,
                        "owner": i.owner_id,
                        "team": [],
                        "role": i.role,
                    },
                )
            )
            for (before, _e, _l), (after, moved_at, _left) in pairwise(visits):
                events.append(
                    event(
                        i.organisation_id,
                        actor,
                        PortfolioAction.INITIATIVE_MOVED,
                        Initiative,
                        i.pk,
                        moved_at,
                        {
                            "phase": after.name,
                            "phase_id": after.pk,
                            "direction": "back" if after.order < before.order else "forward",
                            "checklist": [],
                        },
                        {"phase": before.name, "phase_id": before.pk},
                    )
                )
        copy_values(DomainEvent, EVENT_FIELDS, events)
    counts: dict[int, int] = defaultdict(int)
    for i in initiatives:
        counts[i.organisation_id] += 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def decision_event(decision: Decision, before: str, meeting_id: int | None) -> Event:
    after: dict[str, Any] = {
        "status": DECISION_STATUS[DecisionKind(decision.kind)],
        "decision": decision.kind,
        "basis": decision.basis,
        "case_number": decision.case_number,
        "meeting": meeting_id,
    }
    if decision.phase_id is not None:
        after["phase"] = decision.phase_id
    if decision.merged_into_id is not None:
        after["merged_into"] = decision.merged_into_id
    return event(
        decision.organisation_id,
        decision.decided_by_id,
        DECISION_ACTIONS[DecisionKind(decision.kind)],
        Idea,
        decision.idea_id,
        decision.decided_at,
        after,
        {"status": before},
    )


# Meetings and decisions -------------------------------------------------------------------


def ensure_meetings(orgs: Sequence[Organisation]) -> int:
    """Closed board meetings over five years for each organisation without any; the ideas
    the board parked, rejected or merged get their decision; every decision (the accepted
    ones too) is put on the agenda of the meeting held last before it."""
    have = set(
        Meeting.objects.filter(organisation__in=orgs).values_list("organisation_id", flat=True)
    )
    todo = [org for org in orgs if org.pk not in have]
    if not todo:
        return 0
    people = People(todo)
    sizes = dict(
        Initiative.objects.filter(organisation__in=todo)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
    )
    today = timezone.localdate()
    meetings: list[Meeting] = []
    by_org: dict[int, list[Meeting]] = defaultdict(list)
    for org in todo:
        rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:scenario:meetings")
        # Monthly (not in July) from 50 initiatives up; quarterly in the smallest.
        months = (
            (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)
            if sizes.get(org.pk, 0) >= 50
            else ((2, 4, 6, 9, 11) if sizes.get(org.pk, 0) >= 10 else (3, 6, 10, 12))
        )
        first = today - timedelta(days=MEETING_HISTORY_DAYS)
        for year in range(first.year, today.year + 1):
            for month in months:
                held_on = date(year, month, rng.randint(5, 25))
                if not first <= held_on < today:
                    continue
                meeting = Meeting(
                    organisation_id=org.pk,
                    title="Porteføljestyremøte",
                    held_on=held_on,
                    created_by_id=people.leaders[org.pk][0],
                    created_at=at_noon(held_on - timedelta(days=14)),
                    closed_at=at_noon(held_on) + timedelta(hours=3),
                )
                meetings.append(meeting)
                by_org[org.pk].append(meeting)
    with transaction.atomic():
        copy_rows(Meeting, meetings)
        participants = {
            org.pk: sorted({*people.board[org.pk], people.leaders[org.pk][0]}) for org in todo
        }
        through = Meeting.participants.through
        copy_tuples(
            through._meta.db_table,
            ["meeting_id", "user_id"],
            (
                (meeting.pk, user_id)
                for meeting in meetings
                for user_id in participants[meeting.organisation_id]
            ),
        )
        decisions = new_decisions(todo, people)
        copy_rows(Decision, decisions)
        # Every decision of these organisations onto the agenda of the meeting before it.
        decided = list(
            Decision.objects.filter(organisation__in=todo, meeting__isnull=True).only(
                "pk", "organisation_id", "decided_at"
            )
        )
        held = {
            org_id: sorted((m.held_on, m.pk) for m in org_meetings)
            for org_id, org_meetings in by_org.items()
        }
        assignments = []
        for decision in decided:
            day = timezone.localdate(decision.decided_at)
            earlier = [
                pk for held_on, pk in held.get(decision.organisation_id, ()) if held_on <= day
            ]
            if earlier:
                assignments.append((decision.pk, earlier[-1]))
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_agenda (decision_id bigint, meeting_id bigint) "
                "ON COMMIT DROP"
            )
        copy_tuples("bench_agenda", ["decision_id", "meeting_id"], assignments)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Decision._meta.db_table} d SET meeting_id = a.meeting_id "
                "FROM bench_agenda a WHERE d.id = a.decision_id"
            )
        meeting_of = dict(assignments)
        events = [
            decision_event(decision, IdeaStatus.SUBMITTED, meeting_of.get(decision.pk))
            for decision in decisions
        ]
        for meeting in meetings:
            org_id, leader = meeting.organisation_id, people.leaders[meeting.organisation_id][0]
            events.append(
                event(
                    org_id,
                    leader,
                    PortfolioAction.MEETING_CREATED,
                    Meeting,
                    meeting.pk,
                    meeting.created_at,
                    {
                        "title": meeting.title,
                        "held_on": meeting.held_on.isoformat(),
                        "participants": participants[org_id],
                    },
                )
            )
            assert meeting.closed_at is not None
            events.append(
                event(
                    org_id,
                    leader,
                    PortfolioAction.MEETING_CLOSED,
                    Meeting,
                    meeting.pk,
                    meeting.closed_at,
                    {"closed_at": meeting.closed_at.isoformat(), "decisions": []},
                )
            )
        copy_values(DomainEvent, EVENT_FIELDS, events)
    return len(decisions)


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))  # noqa: DTZ001


def new_decisions(orgs: Sequence[Organisation], people: People) -> list[Decision]:
    """A decision for each parked, rejected or merged idea, at the time it was triaged."""
    ideas = (
        Idea.objects.filter(organisation__in=orgs, status__in=list(DECISION_KINDS))
        .exclude(Exists(Decision.objects.filter(idea=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "organisation_id", "status", "triaged_at", "submitted_at")
    )
    targets: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in (
        Idea.objects.filter(organisation__in=orgs, status=IdeaStatus.ACCEPTED)
        .order_by("pk")
        .values_list("pk", "organisation_id")
    ):
        targets[org_id].append(pk)
    rng = random.Random(f"{RANDOM_SEED}:scenario:decisions")
    decisions = []
    for pk, org_id, status, triaged_at, submitted_at in ideas:
        kind = DECISION_KINDS[IdeaStatus(status)]
        into = None
        if kind == DecisionKind.MERGE:
            if not targets[org_id]:
                kind = DecisionKind.REJECT
            else:
                into = rng.choice(targets[org_id])
        decided_at = triaged_at or submitted_at or timezone.now()
        decisions.append(
            Decision(
                organisation_id=org_id,
                idea_id=pk,
                kind=kind,
                basis=BASES[kind],
                case_number=f"{decided_at.year}/{pk % 9000 + 100}",
                decided_by_id=rng.choice(people.board[org_id]),
                decided_at=decided_at,
                revisit_on=(decided_at + timedelta(days=180)).date()
                if kind == DecisionKind.PARK
                else None,
                merged_into_id=into,
            )
        )
    return decisions


# Benefits and status reports --------------------------------------------------------------


def ensure_benefits(orgs: Sequence[Organisation]) -> int:
    """Benefits, indicators and measurements for every initiative without a benefit."""
    initiatives = list(
        Initiative.objects.filter(organisation__in=orgs)
        .exclude(Exists(Benefit.objects.filter(initiative=OuterRef("pk"))))
        .order_by("organisation_id", "pk")
        .values_list("pk", "organisation_id", "owner_id", "created_at")
    )
    if not initiatives:
        return 0
    people = People(orgs)
    rng = random.Random(f"{RANDOM_SEED}:scenario:benefits:{initiatives[0][0]}")
    today = timezone.localdate()
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    benefits: list[Benefit] = []
    for initiative_id, org_id, owner_id, created_at in initiatives:
        members = people.everyone[org_id]
        for _ in range(rng.choice((1, 1, 2))):
            kind = rng.choices(kinds, weights)[0]
            benefits.append(
                Benefit(
                    organisation_id=org_id,
                    initiative_id=initiative_id,
                    description=rng.choice(DESCRIPTIONS[kind]),
                    kind=kind,
                    owner_id=rng.choice(members),
                    responsible_id=owner_id or rng.choice(members),
                    realisation_date=date(rng.randint(2025, 2029), rng.randint(1, 12), 1)
                    if rng.random() > 0.1
                    else None,
                    expected_amount=Decimal(rng.randrange(50_000, 2_000_000, 5_000))
                    if kind == BenefitKind.DIRECT
                    else None,
                    expected_hours=Decimal(rng.randrange(1_000, 50_000)) / 10
                    if kind == BenefitKind.INDIRECT
                    else None,
                    measure_every_days=rng.choice((30, 90, 90, 180)),
                    created_at=created_at,
                )
            )
    indicators: list[tuple[Indicator, list[Decimal]]] = []
    for benefit in benefits:
        if rng.random() < WITHOUT_INDICATOR:
            continue
        for _ in range(rng.choice((1, 2))):
            indicators.append(indicator_with_values(benefit, rng))
    dates = [
        today - timedelta(days=30 * (MEASUREMENTS_PER_INDICATOR - n))
        for n in range(MEASUREMENTS_PER_INDICATOR)
    ]
    for indicator, values in indicators:
        # The maintained latest measurement, as record_measurement keeps it.
        indicator.latest_value, indicator.latest_measured_on = values[-1], dates[-1]
    with transaction.atomic():
        copy_rows(Benefit, benefits)
        for indicator, _values in indicators:
            indicator.benefit_id = indicator.benefit.pk
        copy_rows(Indicator, [indicator for indicator, _values in indicators])
        by_pk = {b.pk: b for b in benefits}
        measured = [at_noon(day) for day in dates]
        copy_values(
            Measurement,
            ["indicator_id", "measured_on", "value", "comment", "recorded_by_id", "recorded_at"],
            (
                (indicator.pk, day, value, "", by_pk[indicator.benefit_id].responsible_id, moment)
                for indicator, values in indicators
                for day, moment, value in zip(dates, measured, values, strict=True)
            ),
        )
        events = [
            event(
                b.organisation_id,
                b.owner_id,
                PortfolioAction.BENEFIT_ADDED,
                Initiative,
                b.initiative_id,
                b.created_at,
                {
                    "benefit": b.pk,
                    "description": b.description,
                    "kind": b.kind,
                    "expected_amount": b.expected_amount,
                    "expected_hours": b.expected_hours,
                },
            )
            for b in benefits
        ]
        for indicator, values in indicators:
            benefit = by_pk[indicator.benefit_id]
            events.append(
                event(
                    benefit.organisation_id,
                    benefit.responsible_id,
                    PortfolioAction.INDICATOR_ADDED,
                    Initiative,
                    benefit.initiative_id,
                    benefit.created_at,
                    {
                        "benefit": benefit.pk,
                        "indicator": indicator.pk,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "baseline": str(indicator.baseline),
                        "target": str(indicator.target),
                    },
                )
            )
            for day, moment, value in zip(dates, measured, values, strict=True):
                events.append(
                    event(
                        benefit.organisation_id,
                        benefit.responsible_id,
                        PortfolioAction.MEASUREMENT_RECORDED,
                        Initiative,
                        benefit.initiative_id,
                        moment,
                        {
                            "indicator": indicator.pk,
                            "name": indicator.name,
                            "measured_on": day.isoformat(),
                            "value": str(value),
                            "comment": "",
                        },
                    )
                )
        copy_values(DomainEvent, EVENT_FIELDS, events)
    return len(benefits)


def ensure_status_reports(orgs: Sequence[Organisation]) -> int:
    """Three monthly published reports for each active initiative that has none."""
    initiatives = list(
        Initiative.objects.filter(organisation__in=orgs, phase__kind=PhaseKind.ACTIVE)
        .exclude(Exists(StatusReport.objects.filter(initiative=OuterRef("pk"))))
        .order_by("organisation_id", "pk")
        .values_list("pk", "organisation_id", "owner_id")
    )
    if not initiatives:
        return 0
    rng = random.Random(f"{RANDOM_SEED}:scenario:status:{initiatives[0][0]}")
    lights, weights = list(LIGHT_WEIGHTS), list(LIGHT_WEIGHTS.values())
    now = timezone.now()
    reports = []
    for initiative_id, _org_id, owner_id in initiatives:
        for months_ago in range(STATUS_REPORTS_PER_INITIATIVE, 0, -1):
            published = now - timedelta(days=30 * months_ago - rng.randint(0, 5))
            values = {light: rng.choices(lights, weights)[0] for light in LIGHTS}
            comments = {
                f"{light}_comment": "Avvik som følges opp." if value != TrafficLight.GREEN else ""
                for light, value in values.items()
            }
            reports.append(
                StatusReport(
                    initiative_id=initiative_id,
                    period_end=timezone.localdate(published),
                    summary="Arbeidet går videre etter planen for perioden.",
                    budget=Decimal(rng.randrange(100_000, 3_000_000, 10_000)),
                    costs_to_date=Decimal(rng.randrange(0, 2_000_000, 1_000)),
                    published_at=published,
                    created_by_id=owner_id,
                    created_at=published,
                    **values,
                    **comments,
                )
            )
    org_of = {pk: org_id for pk, org_id, _owner in initiatives}
    with transaction.atomic():
        copy_rows(StatusReport, reports)
        copy_values(
            DomainEvent,
            EVENT_FIELDS,
            [
                event(
                    org_of[r.initiative_id],
                    r.created_by_id,
                    PortfolioAction.STATUS_PUBLISHED,
                    Initiative,
                    r.initiative_id,
                    r.published_at or now,
                    {
                        "report": r.pk,
                        **{k: str(getattr(r, k)) for k in StatusReport.EDITABLE_FIELDS},
                    },
                )
                for r in reports
            ],
        )
    return len(reports)


# Council reports --------------------------------------------------------------------------


def ensure_council_reports(orgs: Sequence[Organisation]) -> int:
    """The yearly report of REPORT_YEAR as beat makes it (nobody requested it), done."""
    have = set(
        StrategyReport.objects.filter(organisation__in=orgs).values_list(
            "organisation_id", flat=True
        )
    )
    assessed = set(
        YearlyAssessment.objects.filter(organisation__in=orgs).values_list(
            "organisation_id", flat=True
        )
    )
    todo = [org for org in orgs if org.pk not in have and org.pk in assessed]
    sizes = dict(
        Initiative.objects.filter(organisation__in=todo)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
    )
    requested = timezone.make_aware(datetime(REPORT_YEAR + 1, 1, 15, 6))  # noqa: DTZ001
    reports = []
    for org in todo:
        initiatives = sizes.get(org.pk, 0)
        pages = 24 + initiatives // 40  # the appendix grows with the initiatives
        layout = 2.0 + pages * 0.15
        reports.append(
            StrategyReport(
                organisation_id=org.pk,
                year=REPORT_YEAR,
                version=1,
                status=ReportStatus.DONE,
                progress=100,
                step="Ferdig",
                page_count=pages,
                gather_seconds=0.05 + initiatives / 5_000,
                layout_seconds=layout,
                requested_by=None,
                requested_at=requested,
                queued_at=requested,
                started_at=requested + timedelta(seconds=2),
                finished_at=requested + timedelta(seconds=2 + layout),
                attempts=1,
            )
        )
    with transaction.atomic():
        copy_rows(StrategyReport, reports)
        events = []
        for r in reports:
            assert r.started_at is not None and r.finished_at is not None
            state = {"year": r.year, "version": r.version}
            for action, moment, after in (
                (MaturityAction.REPORT_REQUESTED, r.requested_at, {**state, "notable": []}),
                (MaturityAction.REPORT_STARTED, r.started_at, {**state, "attempt": 1}),
                (MaturityAction.REPORT_DONE, r.finished_at, {**state, "pages": r.page_count}),
            ):
                events.append(
                    event(r.organisation_id, None, action, StrategyReport, r.pk, moment, after)
                )
        copy_values(DomainEvent, EVENT_FIELDS, events)
    return len(reports)
