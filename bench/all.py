"""`python -m bench all` (and `make bench`): every page and action against its floor, in one
table.

Each row is a page (or an action) and its floor: a bare view behind the same middleware and
role check that fetches the same rows with plain `values()` queries and renders them with a
minimal template (`bench.floor`, `bench.board_floor`, `bench.page_floors`). The two are
requested interleaved, page, floor, floor, page … (the order alternating each run), so the
load of the moment falls on both alike, after three warm-ups of each. Queries are counted on
one extra, untimed request of each. The verdict is the issue 12 goal: the page's median within
2× of its floor's. Everything runs on the organisation with the most initiatives (Oslo after
`seed-dashboard`), through `django.test.Client` in this process (no network), like the other
benchmarks.

Reads only, except the card move, which moves cards on and back (as `bench board` does), and
the meeting page, which needs a meeting: one is created inside a transaction that is rolled
back when the row is measured, so the database is left as it was.
"""

from __future__ import annotations

import logging
import math
import os
import statistics
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from time import perf_counter, process_time

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from bench.board import cards_to_move, move_back, open_answers
from bench.common import client_for, largest
from bench.dashboard import YEAR, cold_cache, dashboard_url, print_profile
from bench.ideas import pages_for
from bench.urls import BOARD_FLOOR_PATH, FLOOR_PATH
from ideas.models import Idea, IdeaStatus
from portal.models import Membership, Organisation, Role
from portfolio.models import (
    ChecklistAnswerKind,
    Initiative,
    Meeting,
    Phase,
    PhaseKind,
    StatusReport,
)

WARM_UPS = 3
TARGET_RATIO = 2.0
FLOOR = "/bench/gulv"  # the page floors' prefix in bench.urls (bench.page_floors)


@dataclass(frozen=True)
class Case:
    name: str
    role: str  # whom the client is logged in as
    page: str
    floor: str
    cold: bool = False  # every cache emptied before each request (the dashboard's rule)
    htmx: bool = False


@dataclass
class Side:
    """The timings of one side (the page or its floor) of a row."""

    timings_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms) if self.timings_ms else math.nan

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] if ordered else math.nan  # nearest rank

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else math.nan

    @property
    def status(self) -> str:
        return "/".join(sorted(self.statuses))


@dataclass
class Row:
    name: str
    page: Side
    floor: Side
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.page.median / self.floor.median

    @property
    def verdict(self) -> str:
        if not self.page.statuses <= {"200"} or not self.floor.statuses <= {"200"}:
            return "FAIL"
        return "PASS" if self.ratio <= TARGET_RATIO else "FAIL"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(*, runs: int, only: str = "", profile: bool = False) -> None:
    logging.getLogger("django.request").setLevel(logging.ERROR)
    for chatty in ("nyttig.request", "nyttig.auth"):  # a line per request, per login
        logging.getLogger(chatty).setLevel(logging.WARNING)
    started = perf_counter()
    print(f"start: {uptime()}")
    org = largest()
    clients = {role: client_for(org, role) for role in (Role.STAFF, Role.BOARD, Role.LEADER)}
    print(
        f"{Idea.objects.count():,} ideas; {org.name}: "
        f"{Idea.objects.filter(organisation=org).count():,} ideas, "
        f"{Initiative.objects.filter(organisation=org).count():,} initiatives. {runs} runs of "
        f"each page and its floor, interleaved, after {WARM_UPS} warm-ups; server time in ms "
        f"on {os.cpu_count()} cores.\n"
    )
    rows: list[Row] = []
    with override_settings(ROOT_URLCONF="bench.urls"):
        for case in cases(org):
            if only.lower() in case.name.lower():
                rows.append(measure(clients[case.role], case, runs))
                if profile:
                    print_profile(clients[case.role], case.name, case.page)
                    print_profile(clients[case.role], f"{case.name}: floor", case.floor)
        if only.lower() in "meeting page":
            rows.append(measure_meeting(clients[Role.BOARD], org, runs, profile=profile))
        if only.lower() in "card move (htmx post)":
            rows.append(measure_moves(clients[Role.BOARD], org, runs))
    print_table(rows)
    print(f"\nend: {uptime()}  ({perf_counter() - started:.0f} s in all)")


IDEA_PAGE_NAMES = (
    "idea list",
    "idea list, filtered",
    "idea list, search",
    "idea list, search 2 words",
    "idea list, page 40",
    "similar ideas (htmx)",
    "idea page",
)


def cases(org: Organisation) -> list[Case]:
    staff = Role.STAFF
    # The idea screens of `bench ideas`, under the table's names.
    idea_pages = [
        (name, page.url) for name, page in zip(IDEA_PAGE_NAMES, pages_for(org), strict=True)
    ]
    # The page a board member opens most: an accepted idea, with its initiative and the
    # board's decision (the one with the most history events).
    accepted = (
        Idea.objects.filter(organisation=org, status=IdeaStatus.ACCEPTED, initiative__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if accepted is not None:
        idea_pages.append(("idea page, accepted", f"/ideer/{accepted}/"))
    result = [
        Case(name, staff, url, FLOOR + url, htmx=name.endswith("(htmx)"))
        for name, url in idea_pages
    ]
    busiest = (
        StatusReport.objects.filter(initiative__organisation=org)
        .values("initiative")
        .annotate(n=Count("id"))
        .order_by("-n", "initiative")
        .values_list("initiative", flat=True)
        .first()
    )
    board = Role.BOARD
    result += [
        Case("board", board, "/portefolje/", BOARD_FLOOR_PATH),
        Case("flow", board, "/portefolje/flyt/", f"{FLOOR}/flyt/"),
        Case("benefit overview", board, "/portefolje/gevinster/", f"{FLOOR}/gevinster/"),
        Case(
            "benefits flagged, page 2 (htmx)",
            board,
            "/portefolje/gevinster/?side=2",
            f"{FLOOR}/gevinster/?side=2",
            htmx=True,
        ),
    ]
    if busiest is not None:
        status = f"/portefolje/initiativ/{busiest}/status/"
        result.append(
            Case("status reports", board, status, FLOOR + status.removeprefix("/portefolje"))
        )
    result.append(Case("triage inbox", board, "/portefolje/innboks/", f"{FLOOR}/innboks/"))
    dashboard = dashboard_url()
    if dashboard is not None:
        result.append(
            Case("leaders' dashboard", Role.LEADER, dashboard, f"{FLOOR_PATH}?ar={YEAR}", cold=True)
        )
    return result


def request(client: Client, case: Case, url: str, side: Side) -> None:
    if case.cold:
        cold_cache()
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    started, cpu_started = perf_counter(), process_time()
    response = client.get(url, **headers)
    side.timings_ms.append((perf_counter() - started) * 1000)
    side.cpu_ms.append((process_time() - cpu_started) * 1000)
    side.statuses.add(str(response.status_code))


def count_queries(client: Client, case: Case, url: str) -> int:
    if case.cold:
        cold_cache()
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    return len(captured)


def measure(client: Client, case: Case, runs: int) -> Row:
    page, floor = Side(), Side()
    pair = [(case.page, page), (case.floor, floor)]
    for _ in range(WARM_UPS):
        for url, _side in pair:
            request(client, case, url, Side())
    for n in range(runs):
        for url, side in pair if n % 2 == 0 else pair[::-1]:
            request(client, case, url, side)
    page.queries = count_queries(client, case, case.page)
    floor.queries = count_queries(client, case, case.floor)
    return Row(case.name, page, floor)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone: for rows that need data the bench does not keep."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def measure_meeting(client: Client, org: Organisation, runs: int, *, profile: bool = False) -> Row:
    """The meeting page of an open meeting: the agenda (20 items a page, each with its five
    decision forms) and the stalled initiatives. The meeting is made for the run and rolled
    back afterwards."""
    member = Membership.objects.filter(organisation=org, role=Role.BOARD).order_by("pk").first()
    assert member is not None
    with rolled_back():
        meeting = Meeting.objects.create(
            organisation=org,
            title="Porteføljemøte (bench)",
            held_on=timezone.localdate(),
            created_by_id=member.user_id,
        )
        case = Case(
            "meeting page",
            Role.BOARD,
            f"/portefolje/moter/{meeting.pk}/",
            f"{FLOOR}/moter/{meeting.pk}/",
        )
        row = measure(client, case, runs)
        if profile:
            print_profile(client, case.name, case.page)
        return row


def measure_moves(client: Client, org: Organisation, runs: int) -> Row:
    """The board's card move (htmx POST, as a drop does) against the floor's plain writes
    (`bench.page_floors.move_floor`), each on cards of their own, interleaved; every card is
    moved back afterwards (untimed), as `bench board` does."""
    phases = list(Phase.objects.filter(organisation=org, kind=PhaseKind.ACTIVE).order_by("order"))
    source, target = phases[0], phases[1]
    per_side = WARM_UPS + runs + 1
    cards = cards_to_move(org, source, 2 * per_side)
    page_cards, floor_cards = cards[0::2], cards[1::2]
    data: dict[int, dict[str, object]] = {}
    for initiative in Initiative.objects.filter(pk__in=cards).select_related("phase"):
        posted: dict[str, object] = {"fase": target.pk, "versjon": initiative.version}
        for item_id in open_answers(initiative):
            posted[f"svar-{item_id}"] = ChecklistAnswerKind.DONE
        data[initiative.pk] = posted
    page, floor = Side(), Side()

    def move(url: str, pk: int, side: Side, *, count: bool = False) -> None:
        if count:
            with CaptureQueriesContext(connection) as captured:
                client.post(url, data[pk], HTTP_HX_REQUEST="true")
            side.queries = len(captured)
            return
        started, cpu_started = perf_counter(), process_time()
        response = client.post(url, data[pk], HTTP_HX_REQUEST="true")
        side.timings_ms.append((perf_counter() - started) * 1000)
        side.cpu_ms.append((process_time() - cpu_started) * 1000)
        side.statuses.add(str(response.status_code))

    sides: list[tuple[Callable[[int], str], list[int], Side]] = [
        (lambda pk: f"/portefolje/initiativ/{pk}/flytt/", page_cards, page),
        (lambda pk: f"{FLOOR}/initiativ/{pk}/flytt/", floor_cards, floor),
    ]
    try:
        for n in range(min(len(page_cards), len(floor_cards)) - 1):
            for url, pks, side in sides if n % 2 == 0 else sides[::-1]:
                move(url(pks[n]), pks[n], side if n >= WARM_UPS else Side())
        for url, pks, side in sides:
            move(url(pks[-1]), pks[-1], side, count=True)
    finally:
        moved = Initiative.objects.filter(pk__in=cards, phase=target).count()
        member = Membership.objects.filter(organisation=org, role=Role.BOARD).order_by("pk").first()
        assert member is not None
        move_back(member, cards, source)
    note = f"{moved} of {len(cards)} cards moved to {target.name}, all moved back"
    return Row("card move (htmx POST)", page, floor, note)


def print_table(rows: list[Row]) -> None:
    header = (
        "page / action",
        "status",
        "median",
        "p95",
        "py cpu",
        "queries",
        "floor median",
        "floor queries",
        "ratio",
        "cpu ratio",
        "≤ 2×",
    )
    cells = [
        (
            r.name,
            r.page.status,
            f"{r.page.median:.1f}",
            f"{r.page.p95:.1f}",
            f"{r.page.cpu:.1f}",
            str(r.page.queries),
            f"{r.floor.median:.1f}",
            str(r.floor.queries),
            f"{r.ratio:.2f}",
            f"{r.page.cpu / r.floor.cpu:.2f}",
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    for row in [header, *cells]:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    passed = sum(r.verdict == "PASS" for r in rows)
    print(
        f"\n{passed} of {len(rows)} within {TARGET_RATIO:.0f}× of their floor (the medians' "
        "ratio; «cpu ratio»: of this process's CPU time per request, time.process_time, the "
        "figure other work on the machine moves least)."
    )
    for r in rows:
        if r.note:
            print(f"  {r.name}: {r.note}")
