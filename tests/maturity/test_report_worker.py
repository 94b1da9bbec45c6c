"""The report is made exactly once with real workers: a real Celery worker process (prefork,
one child) against real Redis and PostgreSQL is killed with SIGKILL in the middle of a
report, a new one takes over, and there is one finished report with one file per variant.
And a Redis outage loses no report: the row waits, and the sweep queues it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from maturity.events import MaturityAction
from maturity.models import ReportStatus, StrategyReport
from maturity.services.reports import request_report
from maturity.tasks import requeue_pending_reports
from portal.models import DomainEvent, Organisation, User
from tests.celery_helpers import PrivateRedis, WorkerProcess, private_queue, wait_for, worker_on

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Redis hands a killed worker's report to another after this many seconds; the worker
# looks for such reports every second (kombu's unacked_restore_interval, throttle 1).
VISIBILITY = 10
SLOW_REPORT_SECONDS = 3


def report_worker(queue: str, media: Path, log: Path, restore_interval: int) -> WorkerProcess:
    """`python -m tests.maturity.report_worker` as a process of its own; its log in a file."""
    return WorkerProcess(
        "tests.maturity.report_worker",
        queue,
        log,
        {
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(media),
            "STATIC_MANIFEST": "0",
            "SLOW_REPORT_SECONDS": str(SLOW_REPORT_SECONDS),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "CELERY_UNACKED_RESTORE_INTERVAL": str(restore_interval),
            "REPORT_TIME_LIMIT": str(VISIBILITY - 1),
            "REPORT_SOFT_TIME_LIMIT": str(VISIBILITY - 2),
        },
    )


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def start_worker(media: Path, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    workers: list[WorkerProcess] = []
    with private_queue() as queue:

        def start(restore_interval: int = 10) -> WorkerProcess:
            worker = report_worker(
                queue, media, tmp_path / f"worker-{len(workers)}.log", restore_interval
            )
            workers.append(worker)
            return worker

        yield start
        for worker in workers:
            worker.stop()


def _report() -> StrategyReport:
    return StrategyReport.objects.get()


def _running_in_the_middle() -> bool:
    report = _report()
    return report.status == ReportStatus.RUNNING and report.progress >= 10


def _files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def _assert_made_once(report: StrategyReport, media: Path) -> None:
    assert StrategyReport.objects.count() == 1
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.attempts == 2  # the killed one and the one that finished
    folder = f"strategy-reports/{report.organisation_id}/{report.pk}"
    assert _files(media) == [
        f"{folder}/attempt-2-accessible.pdf",
        f"{folder}/attempt-2-archive.pdf",
    ]
    for name, checksum in (
        (report.accessible_file.name, report.accessible_sha256),
        (report.archive_file.name, report.archive_sha256),
    ):
        content = (media / str(name)).read_bytes()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == checksum
    done = DomainEvent.objects.filter(action=MaturityAction.REPORT_DONE, subject_id=report.pk)
    assert done.count() == 1
    started = DomainEvent.objects.filter(action=MaturityAction.REPORT_STARTED)
    assert started.count() == 2


def test_killing_the_pool_child_in_the_middle_makes_the_report_once(
    organisation: Organisation,
    leader: User,
    media: Path,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    worker = start_worker()
    report = request_report(organisation=organisation, actor=leader, year=2025)  # on commit
    wait_for(_running_in_the_middle, timeout=30)
    os.kill(worker.child(), signal.SIGKILL)
    killed_at = time.monotonic()
    # The main process sees its child die, rejects the message back into the queue
    # (reject_on_worker_lost), forks a new child, which claims the report again: the same
    # task, whose claim the dead child held.
    wait_for(lambda: _report().status == ReportStatus.DONE, timeout=60)
    print(f"done {time.monotonic() - killed_at:.1f} s after the kill")  # noqa: T201 (the figure)
    report.refresh_from_db()
    _assert_made_once(report, media)
    assert "WorkerLostError" in worker.log.read_text()


def test_killing_the_main_process_in_the_middle_makes_the_report_once(
    organisation: Organisation,
    leader: User,
    media: Path,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    worker = start_worker()
    report = request_report(organisation=organisation, actor=leader, year=2025)
    wait_for(_running_in_the_middle, timeout=30)
    child = worker.child()
    os.kill(worker.process.pid, signal.SIGKILL)
    os.kill(child, signal.SIGKILL)
    worker.process.wait(timeout=5)
    killed_at = time.monotonic()
    assert _report().status == ReportStatus.RUNNING  # nobody left to finish it

    # The message sits in Redis's unacked set until the visibility timeout; the new worker
    # restores it then and claims the report with the same task's id.
    start_worker(restore_interval=1)
    wait_for(lambda: _report().status == ReportStatus.DONE, timeout=VISIBILITY + 45)
    print(f"done {time.monotonic() - killed_at:.1f} s after the kill")  # noqa: T201 (the figure)
    report.refresh_from_db()
    _assert_made_once(report, media)


# Redis down -----------------------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_a_report_requested_while_redis_is_down_is_made_once_it_is_back(
    organisation: Organisation,
    leader: User,
    media: Path,
    client_for: Callable[[User | None], Client],
    private_redis: PrivateRedis,
) -> None:
    with private_queue(private_redis.url) as queue:
        private_redis.stop()
        started = time.monotonic()
        response = client_for(leader).post(reverse("maturity:report_request"), {"year": "2025"})
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 3, elapsed
        print(f"answered in {elapsed:.2f} s")  # noqa: T201 (the figure)
        report = _report()
        assert response["Location"] == reverse("maturity:report", args=[report.pk])
        assert report.status == ReportStatus.QUEUED
        with later(0.5):  # younger than a minute: its own task may still be on its way
            assert requeue_pending_reports() == 0

        private_redis.start()
        with worker_on(queue):
            with later(2):
                assert requeue_pending_reports() == 1
            wait_for(lambda: _report().status == ReportStatus.DONE, timeout=60)
            with later(3):
                assert requeue_pending_reports() == 0
    report.refresh_from_db()
    assert report.attempts == 1 and report.version == 1
    assert len(_files(media)) == 2
