"""`python -m bench seed-benefits` and `python -m bench benefits`: benefits at scale.

`seed-benefits` gives every initiative of the two organisations with the most initiatives
(after `seed-board`: Oslo's 2,000 and Bergen's 200) one or two benefits, each with one or
two indicators and ten monthly measurements (a few benefits get no indicator: the overview
flags those), and every active initiative three monthly published status reports, so that
the board's cards show their traffic lights. Bulk inserts, topped up: an initiative that
already has a benefit (or a status report) gets no more. The same data every time (fixed
random seeds). No domain events are written: none of the measured pages reads them.

`benefits` requests the benefit overview as a board member and prints server time and
queries (target: under 200 ms median at 2,000 initiatives), with the flagged list's second
page (htmx), the board with the status lights, one status report list, and the selection
behind the morning reminders.
"""

from __future__ import annotations

import logging
import os
import random
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import batched
from time import perf_counter

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.board import WARM_UPS, Result, board_member, ensure_initiatives, measure_get, print_table
from bench.bulk import say
from bench.seed import (
    BATCH_SIZE,
    RANDOM_SEED,
    historical_timestamps,
    require_bench_database,
    vacuum_analyze,
)
from portal.models import Membership, Organisation
from portfolio.models import (
    Benefit,
    BenefitKind,
    Indicator,
    Initiative,
    Measurement,
    MeasureUnit,
    PhaseKind,
    StatusReport,
    TrafficLight,
)
from portfolio.selectors.reminders import due_reminders
from portfolio.services.derived import refresh_latest_measurements

LARGE = 2_000
SMALL = 200
OVERVIEW_TARGET_MS = 200.0
MEASUREMENTS_PER_INDICATOR = 10
STATUS_REPORTS_PER_INITIATIVE = 3
KIND_WEIGHTS = {BenefitKind.INDIRECT: 50, BenefitKind.DIRECT: 30, BenefitKind.QUALITATIVE: 20}
WITHOUT_INDICATOR = 0.03  # share of benefits nobody has set up a measure for yet
LIGHT_WEIGHTS = {TrafficLight.GREEN: 70, TrafficLight.YELLOW: 22, TrafficLight.RED: 8}
LIGHTS = ("progress", "economy", "quality", "risk", "benefits")
DESCRIPTIONS = {
    BenefitKind.INDIRECT: (
        "Frigjort tid i saksbehandlingen",
        "Færre manuelle registreringer",
        "Mindre tid til kjøring mellom brukere",
        "Kortere tid per søknad",
    ),
    BenefitKind.DIRECT: (
        "Lavere lisenskostnader",
        "Sparte kostnader til porto og trykk",
        "Unngåtte kostnader til innleie",
        "Lavere driftskostnader",
    ),
    BenefitKind.QUALITATIVE: (
        "Tryggere tjenester for brukerne",
        "Høyere tilfredshet blant innbyggerne",
        "Bedre arbeidsmiljø",
        "Færre avvik",
    ),
}


# Seeding ----------------------------------------------------------------------------------


def seed_benefits(*, large: int = LARGE, small: int = SMALL) -> None:
    require_bench_database()
    started = perf_counter()
    orgs = list(
        Organisation.objects.annotate(n=Count("initiatives"))
        .filter(n__gt=0)
        .order_by("-n", "pk")[:2]
    )
    if len(orgs) < 2:
        sys.exit("bench: too few organisations with initiatives; run `python -m bench seed-board`.")
    for org, target in zip(orgs, (large, small), strict=True):
        added = ensure_initiatives(org, target)  # another run of seed-board may have done it
        benefits = ensure_benefits(org)
        reports = ensure_status_reports(org)
        say(
            f"{org.name}: {target:,} initiatives ({added:,} added), {benefits:,} benefits and "
            f"{reports:,} status reports added"
        )
    say("VACUUM ANALYZE …")
    vacuum_analyze(
        [m._meta.db_table for m in (Initiative, Benefit, Indicator, Measurement, StatusReport)]
    )
    counts = {
        model.__name__: model.objects.count()
        for model in (Benefit, Indicator, Measurement, StatusReport)
    }
    say(f"in all: {counts}")
    say(f"done in {perf_counter() - started:.0f} s")


def owners_of(org: Organisation) -> list[int]:
    return list(
        Membership.objects.filter(organisation=org)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def ensure_benefits(org: Organisation) -> int:
    """Benefits, indicators and measurements for the initiatives that have no benefit yet."""
    initiatives = list(
        Initiative.objects.filter(organisation=org)
        .exclude(Exists(Benefit.objects.filter(initiative=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "owner_id", "created_at")
    )
    if not initiatives:
        return 0
    people = owners_of(org)
    rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:benefits:{initiatives[0][0]}")
    today = timezone.localdate()
    added = 0
    for batch in batched(initiatives, BATCH_SIZE // 4):
        added += insert_benefits(org, list(batch), people, rng, today)
    return added


@transaction.atomic
def insert_benefits(
    org: Organisation,
    initiatives: list[tuple[int, int | None, datetime]],
    people: list[int],
    rng: random.Random,
    today: date,
) -> int:
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    benefits = []
    for initiative_id, owner_id, created_at in initiatives:
        for _ in range(rng.choice((1, 1, 2))):
            kind = rng.choices(kinds, weights)[0]
            benefits.append(
                Benefit(
                    organisation=org,
                    initiative_id=initiative_id,
                    description=rng.choice(DESCRIPTIONS[kind]),
                    kind=kind,
                    owner_id=rng.choice(people),
                    responsible_id=owner_id or rng.choice(people),
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
    with historical_timestamps(Benefit):
        Benefit.objects.bulk_create(benefits)
    indicators: list[tuple[Indicator, list[Decimal]]] = []
    for benefit in benefits:
        if rng.random() < WITHOUT_INDICATOR:
            continue
        for _ in range(rng.choice((1, 2))):
            indicators.append(indicator_with_values(benefit, rng))
    with historical_timestamps(Indicator):
        Indicator.objects.bulk_create([indicator for indicator, _values in indicators])
    recorders = {benefit.pk: benefit.responsible_id or people[0] for benefit in benefits}
    Measurement.objects.bulk_create(
        (
            Measurement(
                indicator=indicator,
                measured_on=today - timedelta(days=30 * (MEASUREMENTS_PER_INDICATOR - n)),
                value=value,
                recorded_by_id=recorders[indicator.benefit_id],
            )
            for indicator, values in indicators
            for n, value in enumerate(values)
        ),
        batch_size=BATCH_SIZE,
    )
    # Each indicator's latest measurement, as record_measurement keeps it.
    refresh_latest_measurements(
        Indicator.objects.filter(pk__in=[indicator.pk for indicator, _values in indicators])
    )
    return len(benefits)


def indicator_with_values(benefit: Benefit, rng: random.Random) -> tuple[Indicator, list[Decimal]]:
    """An indicator in the benefit's unit and ten values drifting towards the target (some
    overshoot, some fall back below the baseline)."""
    if benefit.kind == BenefitKind.INDIRECT:
        unit, baseline = MeasureUnit.HOURS, Decimal(rng.randrange(2_000, 20_000))
        target = (baseline * Decimal(rng.uniform(0.6, 0.9))).quantize(Decimal(1))
    elif benefit.kind == BenefitKind.DIRECT:
        unit, baseline = MeasureUnit.NOK, Decimal(rng.randrange(200_000, 5_000_000, 1_000))
        target = (baseline * Decimal(rng.uniform(0.5, 0.9))).quantize(Decimal(1))
    else:
        unit, baseline, target = rng.choice(
            (
                (MeasureUnit.PERCENT, Decimal(60), Decimal(85)),
                (MeasureUnit.COUNT, Decimal(40), Decimal(15)),
            )
        )
    reach = rng.uniform(-0.2, 1.2)
    values = []
    for n in range(1, MEASUREMENTS_PER_INDICATOR + 1):
        share = Decimal(reach * n / MEASUREMENTS_PER_INDICATOR + rng.uniform(-0.05, 0.05))
        values.append((baseline + (target - baseline) * share).quantize(Decimal("0.01")))
    indicator = Indicator(
        benefit=benefit,
        name=f"Måling i {unit.label}",
        unit=unit,
        baseline=baseline,
        target=target,
        baseline_date=benefit.created_at.date() if benefit.created_at else None,
        created_at=benefit.created_at,
    )
    return indicator, values


def ensure_status_reports(org: Organisation) -> int:
    """Three monthly published reports for each active initiative that has none."""
    initiatives = list(
        Initiative.objects.filter(organisation=org, phase__kind=PhaseKind.ACTIVE)
        .exclude(Exists(StatusReport.objects.filter(initiative=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "owner_id")
    )
    if not initiatives:
        return 0
    people = owners_of(org)
    rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:status:{initiatives[0][0]}")
    lights, weights = list(LIGHT_WEIGHTS), list(LIGHT_WEIGHTS.values())
    now = timezone.now()
    reports = []
    for initiative_id, owner_id in initiatives:
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
                    created_by_id=owner_id or rng.choice(people),
                    created_at=published,
                    **values,
                    **comments,
                )
            )
    with historical_timestamps(StatusReport):
        StatusReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
    return len(reports)


# Measuring --------------------------------------------------------------------------------


def run(*, runs: int) -> None:
    logging.getLogger("django.request").setLevel(logging.ERROR)
    sizes = (
        Organisation.objects.annotate(n=Count("initiatives")).filter(n__gt=0).order_by("-n", "pk")
    )
    large, small = sizes.first(), sizes.last()
    if large is None or small is None or large.pk == small.pk:
        raise SystemExit("bench: run `python -m bench seed-benefits` first.")
    if not Benefit.objects.filter(organisation=large).exists():
        raise SystemExit("bench: run `python -m bench seed-benefits` first.")
    member = board_member(large)
    client = Client()
    client.force_login(member.user)
    htmx = Client(headers={"HX-Request": "true"})
    htmx.force_login(member.user)
    counts = {
        "benefits": Benefit.objects.filter(organisation=large).count(),
        "indicators": Indicator.objects.filter(benefit__organisation=large).count(),
        "measurements": Measurement.objects.filter(indicator__benefit__organisation=large).count(),
        "status reports": StatusReport.objects.filter(initiative__organisation=large).count(),
    }
    print(
        f"{large.name}: {large.n:,} initiatives, "
        + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        + f"; {small.name}: {small.n:,} initiatives. Logged in as {member.user} "
        "(porteføljestyret)."
    )
    print(
        f"{runs} timed runs after {WARM_UPS} warm-ups; server time in ms "
        f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores).\n"
    )
    busiest = (
        Initiative.objects.filter(organisation=large, phase__kind=PhaseKind.ACTIVE)
        .annotate(n=Count("status_reports"))
        .order_by("-n", "pk")
        .first()
    )
    assert busiest is not None
    results = [
        measure_get(
            client, "1 benefit overview", "/portefolje/gevinster/", runs, OVERVIEW_TARGET_MS
        ),
        measure_get(htmx, "2 flagged list, page 2 (htmx)", "/portefolje/gevinster/?side=2", runs),
        measure_get(client, "3 board with status lights", "/portefolje/", runs, 300.0),
        measure_get(
            client, "4 status reports of one", f"/portefolje/initiativ/{busiest.pk}/status/", runs
        ),
        measure_reminders(large, runs),
    ]
    print_table(results)

    small_client = Client()
    small_client.force_login(board_member(small).user)
    small_overview = measure_get(
        small_client, "overview (smaller org)", "/portefolje/gevinster/", 1
    )
    same = "the same" if small_overview.queries == results[0].queries else "NOT the same"
    print(
        f"\nQuery count does not grow with the data: the overview makes {results[0].queries} "
        f"queries for {large.name} ({large.n:,} initiatives) and {small_overview.queries} for "
        f"{small.name} ({small.n:,}): {same} (status {results[0].status} and "
        f"{small_overview.status})."
    )


def measure_reminders(org: Organisation, runs: int) -> Result:
    """What the 07:00 beat task reads for one organisation: who is due for what."""
    now = timezone.now()
    for _ in range(WARM_UPS):
        due_reminders(org, now)
    timings = []
    for _ in range(runs):
        started = perf_counter()
        due_reminders(org, now)
        timings.append((perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        due = due_reminders(org, now)
    items = sum(len(d.status_reports) + len(d.measurements) for d in due.values())
    return Result(
        "5 reminders: who is due",
        "portfolio.selectors.reminders.due_reminders",
        "ok",
        timings,
        len(captured),
        sum(float(q["time"]) for q in captured.captured_queries) * 1000,
        note=f"{len(due):,} people, {items:,} reminders",
    )
