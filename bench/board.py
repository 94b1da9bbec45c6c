"""`python -m bench seed-board` and `python -m bench board`: the portfolio board at scale.

`seed-board` gives the organisation with the most ideas 2,000 initiatives and the next one
200: accepted ideas become Initiative rows spread over the six active phases, with the phase
visits, checklist answers, decision and event that `accept_idea` and `move_initiative` leave
behind. Bulk inserts, topped up to the totals; the same totals always give the same data.

`board` requests the board, a filtered board and the flow figures as a board member, and
moves cards: by POST to the board's move URL and through `move_initiative` directly.
"""

from __future__ import annotations

import logging
import math
import os
import random
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import batched
from time import perf_counter, process_time

from django.db import connection, transaction
from django.db.models import Count, F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from bench.bulk import say
from bench.seed import (
    BATCH_SIZE,
    RANDOM_SEED,
    historical_timestamps,
    require_bench_database,
    vacuum_analyze,
)
from ideas.models import Idea, IdeaStatus
from portal.models import DomainEvent, Membership, Organisation, Role
from portfolio.events import PortfolioAction
from portfolio.models import (
    ChecklistAnswer,
    ChecklistAnswerKind,
    ChecklistItem,
    Decision,
    DecisionKind,
    Initiative,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
)
from portfolio.selectors.board import open_checklist_items
from portfolio.services.board import move_initiative
from portfolio.services.derived import refresh_in_use_since

LARGE = 2_000
SMALL = 200
WARM_UPS = 3
BOARD_TARGET_MS = 300.0
MOVE_TARGET_MS = 50.0
# Cards thin out towards «Ny praksis», as on a real board.
PHASE_WEIGHTS = (30, 22, 18, 12, 10, 8)
# Days in the current phase: exponential with this mean, so about a third have stalled
# (more than the default 30 days) and a few have waited for a year.
MEAN_DAYS_IN_PHASE = 28
BACK_AND_FORTH = 0.15  # share of initiatives that went back a phase once


# Seeding ----------------------------------------------------------------------------------


def seed_board(*, large: int = LARGE, small: int = SMALL) -> None:
    require_bench_database()
    started = perf_counter()
    orgs = list(
        Organisation.objects.annotate(n=Count("ideas")).filter(n__gt=0).order_by("-n", "pk")[:2]
    )
    if len(orgs) < 2:
        sys.exit("bench: too few organisations with ideas; run `python -m bench seed` first.")
    for org, target in zip(orgs, (large, small), strict=True):
        added = ensure_initiatives(org, target)
        say(f"{org.name}: {target:,} initiatives ({added:,} added)")
    say("VACUUM ANALYZE …")
    tables = [
        m._meta.db_table
        for m in (Idea, Initiative, PhaseVisit, ChecklistAnswer, Decision, DomainEvent)
    ]
    vacuum_analyze(tables)
    say(f"done in {perf_counter() - started:.0f} s")


def ensure_initiatives(org: Organisation, target: int) -> int:
    """Top the organisation up to `target` initiatives; returns how many were added."""
    have = Initiative.objects.filter(organisation=org).count()
    missing = target - have
    if missing <= 0:
        return 0
    ideas = accepted_ideas(org, missing)
    if len(ideas) < missing:
        sys.exit(f"bench: {org.name} has only {len(ideas):,} ideas left to accept.")
    phases = list(Phase.objects.filter(organisation=org, kind=PhaseKind.ACTIVE))
    checklists: dict[int, list[int]] = {phase.pk: [] for phase in phases}
    for item in ChecklistItem.objects.filter(phase__in=phases):
        checklists[item.phase_id].append(item.pk)
    people = Membership.objects.filter(organisation=org)
    board = list(people.filter(role=Role.BOARD).values_list("user_id", flat=True))
    owners = list(
        people.filter(role__in=[Role.BOARD, Role.LEADER, Role.ADMIN]).values_list(
            "user_id", flat=True
        )
    )
    rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:board:{have}")
    now = timezone.now()
    for batch in batched(ideas, BATCH_SIZE):
        histories = [history(phases, rng, now) for _ in batch]
        insert_initiatives(org, list(batch), histories, checklists, board, owners, rng)
    return missing


def accepted_ideas(org: Organisation, count: int) -> list[int]:
    """Accepted ideas without an initiative; ideas in the inbox are accepted if too few."""
    free = Idea.objects.filter(organisation=org, initiative__isnull=True)
    ideas = list(
        free.filter(status=IdeaStatus.ACCEPTED).order_by("pk")[:count].values_list("pk", flat=True)
    )
    if len(ideas) < count:
        more = list(
            free.filter(status=IdeaStatus.SUBMITTED)
            .order_by("pk")[: count - len(ideas)]
            .values_list("pk", flat=True)
        )
        Idea.objects.filter(pk__in=more).update(
            status=IdeaStatus.ACCEPTED, version=F("version") + 1
        )
        ideas += more
    return ideas


Visit = tuple[Phase, datetime, datetime | None]


def history(phases: list[Phase], rng: random.Random, now: datetime) -> list[Visit]:
    """The phase visits of one initiative, oldest first; the last one is still open."""
    current = rng.choices(range(len(phases)), weights=PHASE_WEIGHTS)[0]
    path = phases[: current + 1]
    if current > 0 and rng.random() < BACK_AND_FORTH:
        path = [*path, phases[current - 1], phases[current]]
    entered = now - timedelta(days=min(rng.expovariate(1 / MEAN_DAYS_IN_PHASE), 400))
    visits: list[Visit] = [(path[-1], entered, None)]
    for phase in reversed(path[:-1]):
        left = entered
        entered = left - timedelta(days=rng.uniform(5, 90))
        visits.append((phase, entered, left))
    return visits[::-1]


@transaction.atomic
def insert_initiatives(
    org: Organisation,
    idea_ids: list[int],
    histories: list[list[Visit]],
    checklists: dict[int, list[int]],
    board: list[int],
    owners: list[int],
    rng: random.Random,
) -> None:
    initiatives = [
        Initiative(
            organisation=org,
            idea_id=idea_id,
            phase=visits[-1][0],
            owner_id=rng.choice(owners),
            role=rng.choice(MunicipalRole.values),
            version=len(visits),
            phase_entered_at=visits[-1][1],
            created_at=visits[0][1],
        )
        for idea_id, visits in zip(idea_ids, histories, strict=True)
    ]
    with historical_timestamps(Initiative):
        Initiative.objects.bulk_create(initiatives)
    actors = {initiative.pk: rng.choice(board) for initiative in initiatives}
    PhaseVisit.objects.bulk_create(
        PhaseVisit(initiative=initiative, phase=phase, entered_at=entered, left_at=left)
        for initiative, visits in zip(initiatives, histories, strict=True)
        for phase, entered, left in visits
    )
    # The maintained «in use since» column, as move_initiative would have left it.
    refresh_in_use_since(Initiative.objects.filter(pk__in=[i.pk for i in initiatives]))
    # Leaving a phase settles its checkpoints; «Utført» here, as the benchmark's moves do.
    ChecklistAnswer.objects.bulk_create(
        (
            ChecklistAnswer(
                initiative=initiative,
                item_id=item_id,
                answer=ChecklistAnswerKind.DONE,
                answered_by_id=actors[initiative.pk],
                answered_at=left,
            )
            for initiative, visits in zip(initiatives, histories, strict=True)
            for phase, _entered, left in visits
            if left is not None
            for item_id in checklists[phase.pk]
        ),
        batch_size=BATCH_SIZE,
    )
    first_phase = {
        initiative.pk: visits[0] for initiative, visits in zip(initiatives, histories, strict=True)
    }
    Decision.objects.bulk_create(
        Decision(
            organisation=org,
            idea_id=initiative.idea_id,
            kind=DecisionKind.ACCEPT,
            decided_by_id=actors[initiative.pk],
            decided_at=first_phase[initiative.pk][1],
            phase=first_phase[initiative.pk][0],
        )
        for initiative in initiatives
    )
    DomainEvent.objects.bulk_create(
        DomainEvent(
            organisation=org,
            actor_id=actors[initiative.pk],
            action=PortfolioAction.INITIATIVE_CREATED,
            subject_type=Initiative._meta.label_lower,
            subject_id=initiative.pk,
            after={"idea": initiative.idea_id, "phase": first_phase[initiative.pk][0].name},
            occurred_at=first_phase[initiative.pk][1],
        )
        for initiative in initiatives
    )


# Measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    name: str
    what: str  # the URL or the function
    status: str
    timings_ms: list[float]
    queries: int
    sql_ms: float  # the time of those queries, as the database driver saw it
    target_ms: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        if self.status not in {"200", "302", "ok"}:
            return "FAIL"
        return "PASS" if self.median < self.target_ms else "FAIL"


def run(*, runs: int) -> None:
    # A 404 or 405 from a view that is not built yet would otherwise be logged every time.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    sizes = (
        Organisation.objects.annotate(n=Count("initiatives")).filter(n__gt=0).order_by("-n", "pk")
    )
    large, small = sizes.first(), sizes.last()
    if large is None or small is None or large.pk == small.pk:
        raise SystemExit("bench: run `python -m bench seed-board` first.")
    member = board_member(large)
    client = Client()
    client.force_login(member.user)
    active = Initiative.objects.filter(organisation=large, phase__kind=PhaseKind.ACTIVE).count()
    print(
        f"{large.name}: {large.n:,} initiatives ({active:,} in active phases); "
        f"{small.name}: {small.n:,}. Logged in as {member.user} (porteføljestyret)."
    )
    print(
        f"{runs} timed runs after {WARM_UPS} warm-ups; server time in ms "
        f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores).\n"
    )
    unit_id = (
        Initiative.objects.filter(organisation=large)
        .values("idea__unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("idea__unit", flat=True)
        .first()
    )
    results = [
        measure_get(client, "1 board", "/portefolje/", runs, BOARD_TARGET_MS),
        measure_get(client, "2 board, one unit", f"/portefolje/?enhet={unit_id}", runs),
        measure_get(client, "3 flow figures", "/portefolje/flyt/", runs),
    ]
    phases = list(Phase.objects.filter(organisation=large, kind=PhaseKind.ACTIVE))
    source, target = phases[0], phases[1]
    results.append(measure_http_moves(client, large, source, target, runs))
    results.append(measure_service_moves(member, large, source, target, runs))
    print_table(results)
    with override_settings(ROOT_URLCONF="bench.urls"):
        against_floor(client, runs)

    small_member = board_member(small)
    small_client = Client()
    small_client.force_login(small_member.user)
    small_board = measure_get(small_client, "board (smaller org)", "/portefolje/", 1)
    same = "the same" if small_board.queries == results[0].queries else "NOT the same"
    print(
        f"\nQuery count does not grow with the cards: the board makes {results[0].queries} "
        f"queries for {large.name} ({large.n:,} initiatives) and {small_board.queries} for "
        f"{small.name} ({small.n:,}): {same} (status {results[0].status} and "
        f"{small_board.status})."
    )


def against_floor(client: Client, runs: int) -> None:
    """The board and its floor (`bench.board_floor`: the same rows by `values()`, a minimal
    template) requested in turn, the order alternating each run, so the load of the moment
    falls on both alike. `py cpu` is this process's CPU time per request
    (`time.process_time`), the figure least moved by other work on the machine."""
    from bench.urls import BOARD_FLOOR_PATH

    urls = {"board": "/portefolje/", "floor (bare view)": BOARD_FLOOR_PATH}
    for _ in range(WARM_UPS):
        for url in urls.values():
            client.get(url)
    wall: dict[str, list[float]] = {name: [] for name in urls}
    cpu: dict[str, list[float]] = {name: [] for name in urls}
    names = list(urls)
    for run in range(runs):
        for name in names if run % 2 == 0 else names[::-1]:
            started, cpu_started = perf_counter(), process_time()
            response = client.get(urls[name])
            wall[name].append((perf_counter() - started) * 1000)
            cpu[name].append((process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
    print(
        f"\nAgainst the floor, interleaved, {runs} runs (load average {os.getloadavg()[0]:.2f}):\n"
    )
    print("measured           median    p95  py cpu  queries  bytes")
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            size = len(client.get(url).content)
        result = Result(name, url, "200", wall[name], len(captured), sql_time(captured))
        print(
            f"{name:<17} {result.median:7.1f} {result.p95:6.1f} "
            f"{statistics.median(cpu[name]):7.1f} {len(captured):8d} {size:6d}"
        )
    ratio = statistics.median(wall["board"]) / statistics.median(wall["floor (bare view)"])
    cpu_ratio = statistics.median(cpu["board"]) / statistics.median(cpu["floor (bare view)"])
    verdict = "PASS" if ratio <= 2 else "FAIL"
    print(f"ratio board/floor {ratio:.2f} (py cpu {cpu_ratio:.2f}); target ≤ 2: {verdict}")


def board_member(org: Organisation) -> Membership:
    member = (
        Membership.objects.filter(organisation=org, role=Role.BOARD).select_related("user").first()
    )
    if member is None:
        raise SystemExit(f"bench: {org.name} has no board member to log in as.")
    return member


def measure_get(
    client: Client, name: str, url: str, runs: int, target_ms: float | None = None
) -> Result:
    for _ in range(WARM_UPS):
        client.get(url)
    timings = []
    for _ in range(runs):
        started = perf_counter()
        client.get(url)
        timings.append((perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    status = str(response.status_code)
    return Result(name, url, status, timings, len(captured), sql_time(captured), target_ms)


def sql_time(captured: CaptureQueriesContext) -> float:
    return sum(float(query["time"]) for query in captured.captured_queries) * 1000


def cards_to_move(org: Organisation, phase: Phase, count: int) -> list[int]:
    """Cards that have waited longest in the phase: the ones a board would move on."""
    return list(
        Initiative.objects.filter(organisation=org, phase=phase)
        .order_by("phase_entered_at", "pk")
        .values_list("pk", flat=True)[:count]
    )


def open_answers(initiative: Initiative) -> dict[int, tuple[str, str]]:
    return {item.pk: (ChecklistAnswerKind.DONE, "") for item in open_checklist_items(initiative)}


def timed_moves(
    cards: list[int], move: Callable[[int], int | str]
) -> tuple[list[float], CaptureQueriesContext, str]:
    """Move the cards: the first WARM_UPS to warm up, the last one to count its queries, the
    rest timed. Each move's inputs (version, open checkpoints) are read beforehand."""
    timings, statuses = [], set()
    for n, pk in enumerate(cards[:-1]):
        started = perf_counter()
        statuses.add(str(move(pk)))
        if n >= WARM_UPS:
            timings.append((perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        statuses.add(str(move(cards[-1])))
    return timings, captured, "/".join(sorted(statuses))


def move_back(member: Membership, pks: list[int], to_phase: Phase) -> None:
    for initiative in Initiative.objects.filter(pk__in=pks).select_related("phase"):
        if initiative.phase_id != to_phase.pk:
            move_initiative(
                initiative=initiative,
                actor=member.user,
                to_phase=to_phase,
                expected_version=initiative.version,
                answers=open_answers(initiative),
            )


def measure_http_moves(
    client: Client, org: Organisation, source: Phase, target: Phase, runs: int
) -> Result:
    """POST /portefolje/initiativ/<pk>/flytt/ as the board's drag and drop does (htmx)."""
    prepared: dict[int, dict[str, object]] = {}

    def prepare(pk: int) -> None:
        initiative = Initiative.objects.select_related("phase").get(pk=pk)
        data: dict[str, object] = {"fase": target.pk, "versjon": initiative.version}
        for item_id in open_answers(initiative):
            data[f"svar-{item_id}"] = ChecklistAnswerKind.DONE
        prepared[pk] = data

    cards = cards_to_move(org, source, WARM_UPS + runs + 1)
    for pk in cards:
        prepare(pk)

    def move(pk: int) -> int:
        url = f"/portefolje/initiativ/{pk}/flytt/"
        return client.post(url, prepared[pk], HTTP_HX_REQUEST="true").status_code

    timings, captured, status = timed_moves(cards, move)
    note = moved_note(cards, target)
    # Back (untimed), so that the board keeps its shape from one run to the next.
    move_back(board_member(org), cards, source)
    return Result(
        "4 move, POST (htmx)",
        "/portefolje/initiativ/<pk>/flytt/",
        status,
        timings,
        len(captured),
        sql_time(captured),
        MOVE_TARGET_MS,
        note,
    )


def measure_service_moves(
    member: Membership, org: Organisation, source: Phase, target: Phase, runs: int
) -> Result:
    """portfolio.services.move_initiative alone: the transaction, no request around it."""
    cards = cards_to_move(org, source, WARM_UPS + runs + 1)
    inputs = {
        initiative.pk: (initiative, open_answers(initiative))
        for initiative in Initiative.objects.filter(pk__in=cards).select_related("phase")
    }

    def move(pk: int) -> str:
        initiative, answers = inputs[pk]
        move_initiative(
            initiative=initiative,
            actor=member.user,
            to_phase=target,
            expected_version=initiative.version,
            answers=answers,
        )
        return "ok"

    timings, captured, status = timed_moves(cards, move)
    note = moved_note(cards, target)
    move_back(member, cards, source)
    return Result(
        "5 move, service",
        "portfolio.services.move_initiative",
        status,
        timings,
        len(captured),
        sql_time(captured),
        MOVE_TARGET_MS,
        note,
    )


def moved_note(cards: list[int], target: Phase) -> str:
    """Whether the moves took effect: a 200 could also be the checklist dialog."""
    moved = Initiative.objects.filter(pk__in=cards, phase=target).count()
    return f"{moved} of {len(cards)} cards are now in {target.name}"


def print_table(results: list[Result]) -> None:
    header = ("measured", "status", "median", "p95", "min", "queries", "sql ms", "target", "")
    rows = [
        (
            r.name,
            r.status,
            f"{r.median:.1f}",
            f"{r.p95:.1f}",
            f"{min(r.timings_ms):.1f}",
            str(r.queries),
            f"{r.sql_ms:.1f}",
            f"< {r.target_ms:.0f}" if r.target_ms else "–",
            r.verdict,
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    for r in results:
        print(f"  {r.name}: {r.what}{f' ({r.note})' if r.note else ''}")
