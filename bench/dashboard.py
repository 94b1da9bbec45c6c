"""`python -m bench seed-dashboard` and `python -m bench dashboard`: the leaders' dashboard.

`seed-dashboard` builds the issue's scenario: 357 municipalities holding 100,000 ideas
(`bench.seed`), the largest with 2,000 initiatives whose histories span five years (some
taken into use, some moved back out of use, some closed), the smallest with a few; benefits,
indicators and measurements for both (`bench.benefits`); and for every organisation the
maturity data the dashboard reads: owners, statuses and due dates on the strategy's measures
with progress notes, hand-entered KPI values, and assessments of 2024 and 2025 with leaders'
answers and an agreed level (the largest also a second, changed version and an open 2026).
Bulk inserts, topped up; the same data every time (fixed random seeds).

`dashboard` requests `maturity:dashboard?ar=2026` as a leader of the largest organisation,
with a cold cache every run, interleaved with the «bare view» floor (`bench.floor`), and
prints median/p95, query counts, the ratio and the same for a small organisation.
"""

from __future__ import annotations

import cProfile
import importlib
import io
import logging
import math
import os
import pkgutil
import pstats
import random
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import batched
from time import perf_counter, process_time

from django.core.cache import caches
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.board import accepted_ideas, insert_initiatives
from bench.bulk import copy_update
from bench.common import client_for
from bench.seed import (
    BATCH_SIZE,
    RANDOM_SEED,
)
from bench.urls import FLOOR_PATH
from ideas.models import Idea
from maturity.models import (
    AgreedLevel,
    CriterionTick,
    DimensionAnswer,
    Kpi,
    KpiValue,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    MeasureNote,
    MeasureStatus,
    StrategicMeasure,
    YearlyAssessment,
)
from portal.models import Membership, Organisation, Role
from portfolio.models import (
    Benefit,
    ChecklistItem,
    Initiative,
    Measurement,
    Phase,
    PhaseKind,
    PhaseVisit,
)

LARGE = 2_000
SMALL = 10
YEAR = 2026
WARM_UPS = 3
TARGET_MS = 300.0
TARGET_RATIO = 2.0
HISTORY_DAYS = 5 * 365
# Where the 2,000 end up. Active phases thin out towards «Ny praksis», as on the board; the
# closed ones were mostly taken into use first («Avsluttet»), a few were parked early.
ACTIVE_WEIGHTS = (30, 22, 18, 12, 10, 8)
ACTIVE_SHARE = 0.78
FINISHED_SHARE = 0.15  # in use, then «Avsluttet»: still counts as taken into use
PARKED_SHARE = 0.07
MOVED_BACK_OUT_OF_USE = 0.08  # of those that reached a phase in use: back to the one before
BACK_AND_FORTH = 0.15  # went back a phase once on the way, as on the board
SHARED_WITH_OTHERS = 0.12
ASSESSED_YEARS = (2024, 2025)


# Seeding ----------------------------------------------------------------------------------


Visit = tuple[Phase, datetime, datetime | None]


def ensure_dashboard_initiatives(org: Organisation, target: int) -> int:
    """Top the organisation up to `target` initiatives with five-year histories."""
    have = Initiative.objects.filter(organisation=org).count()
    missing = target - have
    if missing <= 0:
        return 0
    ideas = accepted_ideas(org, missing)
    if len(ideas) < missing:
        sys.exit(f"bench: {org.name} has only {len(ideas):,} ideas left to accept.")
    phases = list(Phase.objects.filter(organisation=org).order_by("order"))
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
    rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:dashboard:{have}")
    now = timezone.now()
    for batch in batched(ideas, BATCH_SIZE):
        histories = [five_year_history(phases, rng, now) for _ in batch]
        insert_initiatives(org, list(batch), histories, checklists, board, owners, rng)
    # Some solutions are shared with other municipalities (a KPI counts them).
    added = list(
        Initiative.objects.filter(organisation=org, idea_id__in=ideas).values_list("pk", flat=True)
    )
    shared = [pk for pk in added if rng.random() < SHARED_WITH_OTHERS]
    Initiative.objects.filter(pk__in=shared).update(
        shared_with_others=True, shared_with="Nabokommunene i regionen"
    )
    return missing


def five_year_history(phases: list[Phase], rng: random.Random, now: datetime) -> list[Visit]:
    """The phase visits of one initiative, oldest first; the last one is still open.

    Built backwards from its current state: an active phase entered recently (exponential,
    mean 28 days: about a third have stalled), «Ny praksis» or a closed state reached at
    any time in the last five years, so that «taken into use» spreads over the years."""
    active = [p for p in phases if p.kind == PhaseKind.ACTIVE]
    in_use = [n for n, p in enumerate(active) if p.in_use]
    first_in_use = in_use[0] if in_use else len(active) - 1
    by_name = {p.name: p for p in phases if p.kind == PhaseKind.CLOSED}
    finished, parked = by_name.get("Avsluttet"), by_name.get("Parkert")
    draw = rng.random()
    closed: Phase | None = None
    if draw < FINISHED_SHARE and finished is not None:
        path, closed = active[: rng.randint(first_in_use, len(active) - 1) + 1], finished
    elif draw < FINISHED_SHARE + PARKED_SHARE and parked is not None:
        path, closed = active[: rng.randint(0, max(first_in_use - 1, 0)) + 1], parked
    else:
        current = rng.choices(range(len(active)), weights=ACTIVE_WEIGHTS[: len(active)])[0]
        path = active[: current + 1]
        if current >= first_in_use and rng.random() < MOVED_BACK_OUT_OF_USE and first_in_use:
            # Taken into use, then back to the phase before: no longer in use today.
            path = [*active[: first_in_use + 1], active[first_in_use - 1]]
        elif current > 0 and rng.random() < BACK_AND_FORTH:
            path = [*path, active[current - 1], active[current]]
    if closed is not None:
        path = [*path, closed]
        entered = now - timedelta(days=rng.uniform(0, HISTORY_DAYS - 400))
    elif path[-1].in_use and path[-1] == active[-1]:
        entered = now - timedelta(days=rng.uniform(0, HISTORY_DAYS - 400))
    else:
        entered = now - timedelta(days=min(rng.expovariate(1 / 28), 400))
    visits: list[Visit] = [(path[-1], entered, None)]
    for phase in reversed(path[:-1]):
        left = entered
        entered = left - timedelta(days=rng.uniform(5, 90))
        visits.append((phase, entered, left))
    return visits[::-1]


@transaction.atomic
def ensure_maturity_data(orgs: list[Organisation], *, detailed: set[int]) -> None:
    """Owners, statuses, due dates and notes on the measures; KPI values; assessments with
    answers and agreed levels. An organisation that has an assessment is left as it is."""
    done = set(
        YearlyAssessment.objects.filter(organisation__in=orgs).values_list(
            "organisation_id", flat=True
        )
    )
    todo = [org for org in orgs if org.pk not in done]
    if not todo:
        return
    leaders: dict[int, list[int]] = {}
    for org_id, user_id in (
        Membership.objects.filter(organisation__in=todo, role__in=[Role.LEADER, Role.ADMIN])
        .order_by("organisation_id", "role", "user_id")
        .values_list("organisation_id", "user_id")
    ):
        leaders.setdefault(org_id, []).append(user_id)
    levels = {
        (org_id, number): pk
        for pk, org_id, number in MaturityLevel.objects.filter(organisation__in=todo).values_list(
            "pk", "organisation_id", "level"
        )
    }
    today = timezone.localdate()
    notes: list[MeasureNote] = []
    measures = list(StrategicMeasure.objects.filter(organisation__in=todo).select_related("period"))
    for measure in measures:
        rng = random.Random(f"{RANDOM_SEED}:measure:{measure.pk}")
        people = leaders[measure.organisation_id]
        set_up_measure(measure, people, rng, today)
        if measure.status != MeasureStatus.NOT_STARTED:
            for n in range(rng.randint(1, 3)):
                notes.append(
                    MeasureNote(
                        measure=measure,
                        author_id=measure.owner_id or people[0],
                        text="Arbeidet følges opp i ledergruppen.",
                        status=MeasureStatus.IN_PROGRESS if n else measure.status,
                        created_at=at(measure.period.start_year, 3 + 3 * n, 15, 12),
                    )
                )
    copy_update(StrategicMeasure, measures, ["owner", "status", "due_date", "version"])
    MeasureNote.objects.bulk_create(notes, batch_size=BATCH_SIZE)

    hand_entered = list(Kpi.objects.filter(organisation__in=todo, metric=""))
    KpiValue.objects.bulk_create(
        KpiValue(
            kpi=kpi,
            year=year,
            value=value,
            source="Rapport fra læringsplattformen",
            recorded_by_id=leaders[kpi.organisation_id][0],
            recorded_at=at(year, 12, 1, 9),
        )
        for kpi in hand_entered
        for year, value in ((2025, 18 + kpi.pk % 20), (2026, 31 + kpi.pk % 25))
    )
    insert_assessments(todo, leaders, levels, detailed)


def at(year: int, month: int, day: int, hour: int) -> datetime:
    """A moment in the organisation's time zone (Europe/Oslo)."""
    return timezone.make_aware(datetime(year, month, day, hour))  # noqa: DTZ001 (made aware)


def set_up_measure(
    measure: StrategicMeasure, people: list[int], rng: random.Random, today: date
) -> None:
    """2025's measures mostly done, the current period's under way (some delayed or past
    their date), later ones not started; an owner for most, due dates through the period."""
    period = measure.period
    measure.owner_id = rng.choice(people) if rng.random() < 0.85 else None
    measure.due_date = date(period.end_year, rng.choice((3, 6, 9, 12)), 1)
    if period.end_year < today.year:
        measure.status = rng.choices(
            [MeasureStatus.DONE, MeasureStatus.DELAYED, MeasureStatus.IN_PROGRESS], [75, 15, 10]
        )[0]
    elif period.start_year <= today.year:
        measure.status = rng.choices(
            [
                MeasureStatus.IN_PROGRESS,
                MeasureStatus.NOT_STARTED,
                MeasureStatus.DELAYED,
                MeasureStatus.DONE,
            ],
            [50, 20, 15, 15],
        )[0]
        if measure.status != MeasureStatus.DONE and rng.random() < 0.3:
            measure.due_date = today - timedelta(days=rng.randint(10, 200))  # overdue
    else:
        measure.status = MeasureStatus.NOT_STARTED
    measure.version = 2


def insert_assessments(
    orgs: list[Organisation],
    leaders: dict[int, list[int]],
    levels: dict[tuple[int, int], int],
    detailed: set[int],
) -> None:
    """Assessments of 2024 and 2025: each leader answers every dimension (level 1–2, a
    practice or two ticked), then the agreed level; the detailed ones (the largest and the
    smallest organisation) also have a changed 2025 version and an open 2026."""
    dimensions: dict[int, list[int]] = {}
    for pk, org_id in MaturityDimension.objects.filter(organisation__in=orgs).values_list(
        "pk", "organisation_id"
    ):
        dimensions.setdefault(org_id, []).append(pk)
    criteria: dict[tuple[int, int], list[int]] = {}
    for pk, dimension_id, level in MaturityCriterion.objects.filter(
        dimension__organisation__in=orgs
    ).values_list("pk", "dimension_id", "level__level"):
        criteria.setdefault((dimension_id, level), []).append(pk)
    assessments = []
    for org in orgs:
        years = [*ASSESSED_YEARS, YEAR] if org.pk in detailed else list(ASSESSED_YEARS)
        for year in years:
            assessments.append(
                YearlyAssessment(
                    organisation=org,
                    year=year,
                    opened_by_id=leaders[org.pk][0],
                    opened_at=at(year, 11, 1, 9),
                )
            )
    YearlyAssessment.objects.bulk_create(assessments)
    answers: list[DimensionAnswer] = []
    answer_levels: dict[int, int] = {}
    agreed = []
    for assessment in assessments:
        org_id = assessment.organisation_id
        rng = random.Random(f"{RANDOM_SEED}:assessment:{org_id}:{assessment.year}")
        base = 1 if assessment.year == 2024 else rng.choice((1, 2))
        for dimension_id in dimensions[org_id]:
            for respondent in leaders[org_id][:3]:
                level = max(1, min(4, base + rng.choice((-1, 0, 0, 1))))
                answers.append(
                    DimensionAnswer(
                        assessment=assessment,
                        dimension_id=dimension_id,
                        respondent_id=respondent,
                        level_id=levels[(org_id, level)],
                        comment="Vurdert ut fra porteføljen og tiltakene i perioden.",
                        answered_at=at(assessment.year, 11, 20, 10),
                    )
                )
                answer_levels[len(answers) - 1] = level
        if assessment.year == YEAR:
            continue  # this year's assessment is still open
        agreed_at = at(assessment.year, 12, 10, 14)
        agreed.append(
            AgreedLevel(
                assessment=assessment,
                version=1,
                level_id=levels[(org_id, base)],
                reasoning="Ledergruppen er enig om nivået ut fra svarene og nøkkeltallene.",
                agreed_by_id=leaders[org_id][0],
                agreed_at=agreed_at,
                indicators={"innovation_rate": "42.0", "put_to_use": 3},
            )
        )
        if org_id in detailed and assessment.year == ASSESSED_YEARS[-1]:
            agreed.append(
                AgreedLevel(
                    assessment=assessment,
                    version=2,
                    level_id=levels[(org_id, min(base + 1, 4))],
                    reasoning="Ny vurdering etter at årsrapporten kom.",
                    change_reason="Flere initiativ tatt i bruk enn først registrert.",
                    agreed_by_id=leaders[org_id][0],
                    agreed_at=agreed_at + timedelta(days=30),
                    indicators={"innovation_rate": "50.0", "put_to_use": 5},
                )
            )
    DimensionAnswer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    AgreedLevel.objects.bulk_create(agreed, batch_size=BATCH_SIZE)
    ticks = []
    for n, answer in enumerate(answers):
        pool = criteria.get((answer.dimension_id, answer_levels[n]), [])
        for criterion_id in pool[: 1 + n % 2]:
            ticks.append(
                CriterionTick(
                    answer=answer,
                    criterion_id=criterion_id,
                    url="https://innsyn.example/dokument/strategi",
                    document="Innovasjonsstrategi 2025–2029",
                    case_number=f"{answer.assessment.year}/{100 + n % 900}",
                )
            )
    CriterionTick.objects.bulk_create(ticks, batch_size=BATCH_SIZE)


# Measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    name: str
    url: str
    status: str
    timings_ms: list[float]
    queries: int
    sql_ms: float
    # This process's CPU time per run (time.process_time): Python's own work, which waiting
    # for the database or for a core taken by other work on the machine does not inflate.
    cpu_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def dashboard_url() -> str | None:
    try:
        return f"{reverse('maturity:dashboard')}?ar={YEAR}"
    except NoReverseMatch:
        return None


def cold_cache() -> None:
    """Nothing from an earlier request may serve this one: every configured cache is
    emptied, and any memoised function (`functools.cache`/`lru_cache`) in the maturity
    app's selectors and views is cleared. Each request also gets new Organisation and
    Membership objects from the middleware, so per-object memos (`role_levels`) start empty."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    for clear in memo_clearers():
        clear()


_clearers: list[Callable[[], None]] | None = None


def memo_clearers() -> list[Callable[[], None]]:
    global _clearers
    if _clearers is None:
        found: list[Callable[[], None]] = []
        for package_name in ("maturity.selectors", "maturity.views", "portfolio.selectors"):
            package = importlib.import_module(package_name)
            for info in pkgutil.iter_modules(package.__path__):
                module = importlib.import_module(f"{package_name}.{info.name}")
                for value in vars(module).values():
                    clear = getattr(value, "cache_clear", None)
                    if callable(clear) and getattr(value, "__module__", "") == module.__name__:
                        found.append(clear)
        _clearers = found
    return _clearers


def leader_client(org: Organisation) -> Client:
    return client_for(org, Role.LEADER)


def get(client: Client, url: str) -> int:
    cold_cache()
    return client.get(url).status_code


def count_queries(client: Client, url: str) -> tuple[int, float, int]:
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return len(captured), sql_ms, status


def interleaved(client: Client, urls: dict[str, str], runs: int) -> dict[str, Timing]:
    """Each run requests every URL once, in an order that alternates, so that the load of
    the moment falls on all of them alike."""
    names = list(urls)
    for _ in range(WARM_UPS):
        for name in names:
            get(client, urls[name])
    timings: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    statuses: dict[str, set[str]] = {name: set() for name in names}
    for run in range(runs):
        for name in names if run % 2 == 0 else names[::-1]:
            cold_cache()
            started, cpu_started = perf_counter(), process_time()
            response = client.get(urls[name])
            timings[name].append((perf_counter() - started) * 1000)
            cpu[name].append((process_time() - cpu_started) * 1000)
            statuses[name].add(str(response.status_code))
    result = {}
    for name in names:
        queries, sql_ms, _status = count_queries(client, urls[name])
        status = "/".join(sorted(statuses[name]))
        result[name] = Timing(name, urls[name], status, timings[name], queries, sql_ms, cpu[name])
    return result


def time_call(name: str, call: Callable[[], object], runs: int) -> Timing:
    for _ in range(WARM_UPS):
        cold_cache()
        call()
    timings, cpu = [], []
    for _ in range(runs):
        cold_cache()
        started, cpu_started = perf_counter(), process_time()
        call()
        timings.append((perf_counter() - started) * 1000)
        cpu.append((process_time() - cpu_started) * 1000)
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        call()
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return Timing(name, "", "ok", timings, len(captured), sql_ms, cpu)


def optional(module: str, name: str) -> Callable[..., object] | None:
    """A function of another helper's module, or None while it is not merged yet."""
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def hot_selectors(org: Organisation) -> list[tuple[str, Callable[[], object]]]:
    """The selectors the dashboard leans on, timed alone (cold cache, no request), for
    whichever of them the merged branches have."""
    found: list[tuple[str, Callable[[], object]]] = []
    kpi_table = optional("maturity.selectors.kpis", "kpi_table")
    if kpi_table is not None:
        found.append(("kpi_table", lambda: kpi_table(organisation=org, year=YEAR)))
    portfolio_figures = optional("maturity.selectors.dashboard", "portfolio_figures")
    if portfolio_figures is not None:
        found.append(("portfolio_figures", lambda: portfolio_figures(organisation=org, unit=None)))
    benefit_overview = optional("portfolio.selectors.benefits", "benefit_overview")
    if benefit_overview is not None:
        found.append(("  of which benefit_overview", lambda: benefit_overview(organisation=org)))
    current_measures = optional("maturity.selectors.measures", "current_measures")
    if current_measures is not None:
        found.append(("current_measures", lambda: current_measures(organisation=org, year=YEAR)))
    return found


def organisations() -> tuple[Organisation, Organisation]:
    sizes = (
        Organisation.objects.annotate(n=Count("initiatives")).filter(n__gt=0).order_by("-n", "pk")
    )
    large, small = sizes.first(), sizes.last()
    if large is None or small is None or large.pk == small.pk:
        raise SystemExit("bench: run `python -m bench seed-dashboard` first.")
    return large, small


@contextmanager
def floor_mounted() -> Iterator[None]:
    with override_settings(ROOT_URLCONF="bench.urls"):
        yield


def run(*, runs: int, profile: bool = False, explain: bool = False, jit: bool = True) -> None:
    logging.getLogger("django.request").setLevel(logging.ERROR)
    if not jit:
        turn_jit_off()
    with floor_mounted():
        measure_all(runs=runs, profile=profile, explain=explain)


def turn_jit_off() -> None:
    """`SET jit = off` on every connection, as `-c jit=off` in the connection options would:
    PostgreSQL's JIT compiles a query whose estimated cost passes `jit_above_cost` (100,000),
    which for the KPI queries takes seconds, far more than running them."""

    def set_jit_off(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")

    connection_created.connect(set_jit_off, weak=False)
    connection.close()  # the next query opens a connection with the setting


def measure_all(*, runs: int, profile: bool, explain: bool) -> None:
    large, small = organisations()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        (jit,) = cursor.fetchone() or ("?",)
    counts = {
        "ideas": Idea.objects.filter(organisation=large).count(),
        "initiatives": Initiative.objects.filter(organisation=large).count(),
        "phase visits": PhaseVisit.objects.filter(initiative__organisation=large).count(),
        "benefits": Benefit.objects.filter(organisation=large).count(),
        "measurements": Measurement.objects.filter(indicator__benefit__organisation=large).count(),
    }
    print(
        f"{Organisation.objects.count()} organisations, {Idea.objects.count():,} ideas. "
        f"{large.name}: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()) + "; "
        f"{small.name}: {Initiative.objects.filter(organisation=small).count():,} initiatives."
    )
    print(
        f"{runs} timed runs after {WARM_UPS} warm-ups, cold cache each; server time in ms "
        f"(load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on "
        f"{os.cpu_count()} cores, shared with other work); PostgreSQL jit={jit}.\n"
    )
    url = dashboard_url()
    floor = f"{FLOOR_PATH}?ar={YEAR}"
    urls = {"floor (bare view)": floor}
    if url is None:
        print(
            "NOTE: the dashboard URL `maturity:dashboard` is not there yet: "
            "timing only the floor.\n"
        )
    else:
        urls = {"dashboard": url, **urls}
    client = leader_client(large)
    results = interleaved(client, urls, runs)
    rows = list(results.values())
    for name, call in hot_selectors(large):
        rows.append(time_call(name, call, runs))
    print_table(rows)

    small_client = leader_client(small)
    print()
    for name, timing in results.items():
        queries, _sql, status = count_queries(small_client, timing.url)
        same = "the same" if queries == timing.queries else "NOT the same"
        print(
            f"Query count, {name}: {timing.queries} for {large.name} and {queries} for "
            f"{small.name} (status {timing.status} and {status}): {same}."
        )
    if url is not None:
        dashboard, bare = results["dashboard"], results["floor (bare view)"]
        ratio = dashboard.median / bare.median
        verdict_ms = (
            "PASS" if dashboard.median < TARGET_MS and dashboard.status == "200" else "FAIL"
        )
        verdict_ratio = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(
            f"\nDashboard {dashboard.median:.1f} ms median (target < {TARGET_MS:.0f}: "
            f"{verdict_ms}); floor {bare.median:.1f} ms; ratio dashboard/floor "
            f"{ratio:.2f} (target ≤ {TARGET_RATIO:.0f}: {verdict_ratio})."
        )
    if profile:
        for name, target in urls.items():
            print_profile(client, name, target)
    if explain:
        for name, target in urls.items():
            explain_slow_queries(client, name, target)


def print_table(rows: list[Timing]) -> None:
    header = ("measured", "status", "median", "p95", "min", "py cpu", "queries", "sql ms")
    cells = [
        (
            r.name,
            r.status,
            f"{r.median:.1f}",
            f"{r.p95:.1f}",
            f"{min(r.timings_ms):.1f}",
            f"{statistics.median(r.cpu_ms):.1f}",
            str(r.queries),
            f"{r.sql_ms:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    for row in [header, *cells]:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for r in rows:
        if r.url:
            print(f"  {r.name}: {r.url}")


def print_profile(client: Client, name: str, url: str, *, top: int = 30) -> None:
    """cProfile of one cold request: where the Python time goes (cumulative), and the
    queries with their time as the driver saw it."""
    cold_cache()
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        profiler.enable()
        client.get(url)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    # Only Nyttig's own functions (and its templates' rendering), not Django's machinery.
    stats.print_stats(r"/(maturity|portfolio|ideas|portal|bench)/", top)
    stats.sort_stats("tottime").print_stats(15)
    print(f"\n-- cProfile of {name} ({url}): Nyttig's functions by cumulative time, then the")
    print(f"-- 15 costliest functions by own time\n{out.getvalue()}")
    print(f"-- its {len(captured)} queries, slowest first")
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    for query in queries:
        print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")


def explain_slow_queries(client: Client, name: str, url: str, *, slower_than_ms: float = 5) -> None:
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for query in captured.captured_queries:
        took_ms = float(query["time"]) * 1000
        if took_ms < slower_than_ms:
            continue
        print(f"\n-- {name}: {took_ms:.0f} ms\n{query['sql']}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(line for (line,) in cursor.fetchall()))
