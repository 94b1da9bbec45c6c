"""A real Celery worker process (prefork) for tests/maturity/test_report_worker.py.

`python -m tests.maturity.report_worker <queue>` starts `celery worker` on one private queue
with one pool child, after wrapping `maturity.report_document.build_report_files` so that a
report spends SLOW_REPORT_SECONDS (environment) gathering, reporting progress, before the
real document is made: long enough for the test to kill the worker in the middle. The
slowness lives here, in the test's own process, not in production code.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from maturity import report_document  # noqa: E402  (needs the apps loaded)
from portal.celery import app  # noqa: E402

real_build = report_document.build_report_files
STEPS = 4


def slow_build(*args: Any, progress: report_document.Progress | None = None, **kwargs: Any) -> Any:
    pause = float(os.environ.get("SLOW_REPORT_SECONDS", "0")) / STEPS
    for step in range(STEPS):
        if progress:
            progress(10 * step, "Samler tall")
        time.sleep(pause)
    return real_build(*args, progress=progress, **kwargs)


report_document.build_report_files = slow_build

if __name__ == "__main__":
    queue = sys.argv[1]
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={queue}",
            f"--hostname=report-test-{os.getpid()}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
