"""`python -m bench seed-report` and `python -m bench report`: the council's yearly report.

`seed-report` is the dashboard's scenario made small (`bench.dashboard.seed_dashboard`): three
municipalities and 3,000 ideas, the largest with 500 initiatives with five-year histories,
benefits, indicators and measurements, measures, KPI values and assessments. About a
minute; topped up, the same data every time.

`report` builds the largest organisation's report for the year in fresh worker-like
processes (`python -m bench report --child`, one per run), as the Celery task would (the
process first warms WeasyPrint up, as a worker process does when it starts; `PDF_WARM_UP=0`
measures a cold one): the
gathering (`maturity.report_document.render_report_html`: the selectors and the template)
against the layout (WeasyPrint: one layout, written as pdf/ua-1 and, by a forked writer at
the same time, pdf/a-3a: `portal.pdf.write_pdfs`). Each child prints its figures as JSON: the
time of each step, the queries of the gathering, the pages, its peak resident memory
(`ru_maxrss`) once the report is made, and the forked writer's CPU time and peak memory. The
parent prints the medians, the share of gathering in the total, and WeasyPrint's own steps
(the floor: the layout alone, each variant written, a plain untagged PDF for comparison, and
both variants at once).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from time import perf_counter, process_time
from typing import Any

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.bulk import say
from bench.common import largest
from bench.scenario import seed_all
from bench.seed import require_bench_database
from maturity.report_document import build_report_files, render_report_html
from portal.pdf import (
    ACCESSIBLE,
    ARCHIVE,
    layout_pdf,
    static_base_url,
    warm_up,
    write_pdf,
    write_pdfs,
)

ORGANISATIONS = 3
IDEAS = 3_000
LARGE = 500
YEAR = 2026
TARGET_SECONDS = 10.0
TARGET_GATHER_SHARE = 0.30
TARGET_PEAK_MB = 500.0


def seed_report(*, initiatives: int = LARGE) -> None:
    require_bench_database()
    seed_all(organisations=ORGANISATIONS, ideas=IDEAS, largest=initiatives)


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def child(*, year: int) -> None:
    """One report in this process, as a worker makes it; the figures as one line of JSON."""
    org = largest(seed="seed-report")
    # What a worker process does when it starts (portal.celery.warm_up_pdfs), before any task.
    warm = warm_up() if settings.PDF_WARM_UP else 0.0
    started, cpu, forked_cpu = perf_counter(), process_time(), _children_cpu()
    files = build_report_files(org, year, version=1)
    total, cpu = perf_counter() - started, process_time() - cpu
    forked_cpu = _children_cpu() - forked_cpu  # the forked writer of the archive copy
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    writer_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # The steps once more, each on its own: the gathering's queries and WeasyPrint's floor.
    with CaptureQueriesContext(connection) as queries:
        step = perf_counter()
        html = render_report_html(org, year, version=1)
        gather = perf_counter() - step
    step = perf_counter()
    document = layout_pdf(html, static_base_url(), for_archive=True)
    layout = perf_counter() - step
    timings: dict[str, float] = {}
    for name, variant in (("ua", ACCESSIBLE), ("archive", ARCHIVE), ("plain", None)):
        step = perf_counter()
        write_pdf(document, variant=variant)
        timings[name] = perf_counter() - step
    step = perf_counter()
    write_pdfs(document, (ACCESSIBLE, ARCHIVE))
    timings["both"] = perf_counter() - step
    print(
        json.dumps(
            {
                "organisation": org.name,
                "initiatives": org.initiatives.count(),
                "pages": files.page_count,
                "total": total,
                "warm_up": warm,
                "cpu": cpu,
                "forked_cpu": forked_cpu,
                "gather": files.gather_seconds,
                "layout": files.layout_seconds,
                "peak_mb": peak_mb,
                "writer_mb": writer_mb,
                "queries": len(queries.captured_queries),
                "html_kb": len(html.encode()) / 1024,
                "ua_kb": len(files.accessible) / 1024,
                "archive_kb": len(files.archive) / 1024,
                "floor_gather": gather,
                "floor_layout": layout,
                "floor_write_ua": timings["ua"],
                "floor_write_archive": timings["archive"],
                "floor_write_plain": timings["plain"],
                "floor_write_both": timings["both"],
            }
        ),
        flush=True,
    )


def run(*, runs: int, year: int = YEAR) -> None:
    results: list[dict[str, Any]] = []
    for n in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "bench", "report", "--child", "--year", str(year)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        line = out.stdout.strip().splitlines()[-1]
        results.append(json.loads(line))
        say(f"  run {n + 1}/{runs}: {results[-1]['total']:.2f} s ({results[-1]['cpu']:.2f} s CPU)")
    first = results[0]

    def median(key: str) -> float:
        return float(statistics.median(float(r[key]) for r in results))

    total, gather, layout = median("total"), median("gather"), median("layout")
    share = gather / total
    peak = max(r["peak_mb"] for r in results)
    writer = max(r["writer_mb"] for r in results)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\n{first['organisation']}: {first['initiatives']} initiatives, report for {year}: "
        f"{first['pages']} pages, HTML {first['html_kb']:.0f} KiB, pdf/ua-1 "
        f"{first['ua_kb']:.0f} KiB, pdf/a-3a {first['archive_kb']:.0f} KiB.\n"
        f"{runs} runs, each in a fresh process (load average {load} on {os.cpu_count()} cores, "
        "shared with other work); medians in seconds.\n"
    )
    rows = [
        ("worker start-up: WeasyPrint warm-up, once", median("warm_up")),
        ("build_report_files, total", total),
        ("  of which CPU time of the process", median("cpu")),
        ("  CPU time of its forked writer", median("forked_cpu")),
        ("  gathering (selectors + template)", gather),
        ("  layout (WeasyPrint: both variants)", layout),
        ("floor: layout alone (render)", median("floor_layout")),
        ("floor: write pdf/ua-1", median("floor_write_ua")),
        ("floor: write pdf/a-3a", median("floor_write_archive")),
        ("floor: write plain (untagged)", median("floor_write_plain")),
        ("floor: both variants at once (write_pdfs)", median("floor_write_both")),
    ]
    for name, seconds in rows:
        print(f"{name:<40} {seconds:>7.2f}")
    print(f"\nGathering: {first['queries']} queries.")
    if settings.PDF_PARALLEL_WRITES:
        print(
            f"The forked writer of the archive copy peaked at {writer:.0f} MB RSS, partly pages "
            "shared with the worker (copy-on-write)."
        )
    verdicts = (
        f"total {total:.2f} s (target < {TARGET_SECONDS:.0f}: "
        f"{'PASS' if total < TARGET_SECONDS else 'FAIL'}); gathering {share:.0%} of it "
        f"(target < {TARGET_GATHER_SHARE:.0%}: "
        f"{'PASS' if share < TARGET_GATHER_SHARE else 'FAIL'}); "
        f"peak RSS of the worker process {peak:.0f} MB (target < {TARGET_PEAK_MB:.0f}: "
        f"{'PASS' if peak < TARGET_PEAK_MB else 'FAIL'})."
    )
    print(f"Report {verdicts}")
