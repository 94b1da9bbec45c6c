"""`python -m bench ideas`: server time and queries of the idea screens at scale.

Each page is requested through django.test.Client in this process (the whole Django request:
middleware, view, queries, template; no network), three times to warm up and then `runs`
times under time.perf_counter. The queries are counted on one extra, untimed request, since
capturing them makes every query a little slower.
"""

from __future__ import annotations

import logging
import math
import os
import re
import statistics
from dataclasses import dataclass
from time import perf_counter
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.common import client_for as logged_in
from ideas.models import Idea, IdeaStatus, InnovationTypeCode
from portal.models import Organisation, Role

WARM_UPS = 3
TARGET_MS = 150.0
# The count the list template shows («22 226 idéer»): tells whether a filter took effect.
RESULT_COUNT = re.compile(r'class="[^"]*result-count[^"]*">\s*([\d\s\xa0]+)\s')


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    target_ms: float | None = None


@dataclass(frozen=True)
class Figures:
    page: Page
    status: int
    timings_ms: list[float]
    queries: int
    results: str

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank

    @property
    def verdict(self) -> str:
        if self.page.target_ms is None:
            return ""
        if self.status != 200:
            return "FAIL"
        return "PASS" if self.median < self.page.target_ms else "FAIL"


def run(*, runs: int, explain: bool = False) -> None:
    # A 404 from a page that is not built yet would otherwise be logged on every run.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    sizes = Organisation.objects.annotate(n=Count("ideas")).filter(n__gt=0).order_by("-n", "pk")
    large, small = sizes.first(), sizes.last()
    if large is None or small is None:
        raise SystemExit("bench: no ideas in the database; run `python -m bench seed` first.")
    client = client_for(large)
    pages = pages_for(large)

    print(
        f"{Idea.objects.count():,} ideas in the database; {large.name} has "
        f"{large.n:,} (the largest), {small.name} {small.n:,} (the smallest)."
    )
    load = os.getloadavg()[0]
    print(
        f"{runs} timed runs per page after {WARM_UPS} warm-ups; server time in ms "
        f"(load average {load:.2f} on {os.cpu_count()} cores).\n"
    )
    results = [measure(client, page, runs) for page in pages]
    print_table(results)
    if explain:
        for page in pages:
            explain_slow_queries(client, page)

    small_list = measure(client_for(small), Page("list (smallest org)", "/ideer/"), runs=1)
    large_list = results[0]
    same = "the same" if small_list.queries == large_list.queries else "NOT the same"
    print(
        f"\nQuery count does not grow with data: the list makes {large_list.queries} queries "
        f"for {large.name} ({large.n:,} ideas) and {small_list.queries} for {small.name} "
        f"({small.n:,} ideas): {same}."
    )


def client_for(org: Organisation) -> Client:
    """A client logged in as one of the organisation's staff (role «ansatt»)."""
    return logged_in(org, Role.STAFF)


def pages_for(org: Organisation) -> list[Page]:
    ideas = Idea.objects.filter(organisation=org).exclude(status=IdeaStatus.DRAFT)
    # The busiest unit, so that the filtered list is as large as a filtered list gets.
    unit_id = (
        ideas.values("unit").annotate(n=Count("id")).order_by("-n").values_list("unit", flat=True)
    ).first()
    filtered = urlencode(
        {"type": InnovationTypeCode.PROCESS, "status": IdeaStatus.SUBMITTED, "unit": unit_id}
    )
    similar = urlencode({"title": "Digitalt tilsyn", "question": "Hvordan kan vi bruke sensorer"})
    newest = ideas.order_by("-submitted_at", "-id").values_list("pk", flat=True).first()
    return [
        Page("1 list", "/ideer/", TARGET_MS),
        Page("2 filtered list", f"/ideer/?{filtered}", TARGET_MS),
        Page("3 search", "/ideer/?q=tjeneste", TARGET_MS),
        Page("3 search, 2 words", "/ideer/?q=hjemmetjenesten+velferdsteknologi", TARGET_MS),
        Page("4 page 40", "/ideer/?side=40"),
        Page("5 similar ideas", f"/ideer/lignende/?{similar}"),
        Page("6 detail", f"/ideer/{newest}/"),
    ]


def measure(client: Client, page: Page, runs: int) -> Figures:
    for _ in range(WARM_UPS):
        client.get(page.url)
    timings = []
    for _ in range(runs):
        started = perf_counter()
        client.get(page.url)
        timings.append((perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    found = RESULT_COUNT.search(response.content.decode())
    results = found.group(1).replace("\xa0", "").replace(" ", "") if found else ""
    return Figures(page, response.status_code, timings, len(captured), results)


def explain_slow_queries(client: Client, page: Page, *, slower_than_ms: float = 10) -> None:
    """EXPLAIN ANALYZE of the page's queries that take longer than `slower_than_ms`."""
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    for query in captured.captured_queries:
        took_ms = float(query["time"]) * 1000
        if took_ms < slower_than_ms:
            continue
        print(f"\n-- {page.name} ({page.url}): {took_ms:.0f} ms\n{query['sql']}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(line for (line,) in cursor.fetchall()))


def print_table(results: list[Figures]) -> None:
    header = ("page", "status", "median", "p95", "min", "queries", "results", "target", "")
    rows = [
        (
            r.page.name,
            str(r.status),
            f"{r.median:.1f}",
            f"{r.p95:.1f}",
            f"{min(r.timings_ms):.1f}",
            str(r.queries),
            f"{int(r.results):,}" if r.results else "–",
            f"< {r.page.target_ms:.0f}" if r.page.target_ms else "–",
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
        print(f"  {r.page.name}: {r.page.url}")
