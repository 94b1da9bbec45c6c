"""A worker killed with SIGKILL in the middle of a mail: the next worker sends it, once.

A real Celery worker (prefork, one child, its own process) on a private queue starts sending
a notification or a digest and is killed, parent and child, as a machine that dies. Its task
message stays unacknowledged in Redis, to come back only after the hour of the visibility
timeout; the outbox sweep (the beat's, every minute) queues the mail again once the killed
worker's claim has run out, and a new worker sends it: one mail, within minutes.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email import message_from_string
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from ideas.models import Idea, Notification
from ideas.services import add_comment
from ideas.tasks import requeue_unsent_mail, send_digest
from portal.models import User
from portal.services import set_email_frequency
from tests.celery_helpers import WorkerProcess, private_queue, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 5  # the workers' MAIL_LEASE_SECONDS: production's is 3 minutes


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(mail_dir: Path, tmp_path: Path) -> Iterator[Callable[[float], WorkerProcess]]:
    workers: list[WorkerProcess] = []
    with private_queue() as queue:

        def start(slow_seconds: float) -> WorkerProcess:
            worker = WorkerProcess(
                "tests.ideas.mail_worker",
                queue,
                tmp_path / f"worker-{len(workers)}.log",
                {
                    "MAIL_DIR": str(mail_dir),
                    "SLOW_MAIL_SECONDS": str(slow_seconds),
                    "MAIL_LEASE_SECONDS": str(LEASE_SECONDS),
                    "STATIC_MANIFEST": "0",
                },
            )
            workers.append(worker)
            return worker

        yield start
        for worker in workers:
            worker.stop()


def delivered(mail_dir: Path) -> list[tuple[str, str]]:
    """(To, body) of every mail the file backend wrote."""
    found = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = message_from_string(chunk.strip())
                body = message.get_payload(decode=True)
                assert isinstance(body, bytes)
                found.append((str(message["To"]), body.decode()))
    return found


def kill(worker: WorkerProcess) -> None:
    """SIGKILL the pool's child and the worker itself: nothing acknowledges or cleans up."""
    os.kill(worker.child(), signal.SIGKILL)
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


def sweep_like_beat_until(done: Callable[[], bool], when: Callable[[], datetime]) -> float:
    """Run the outbox sweep once a second, as of `when()` (the sweep looks at rows a minute
    old), until `done()`; returns the seconds it took."""
    started = time.monotonic()
    deadline = started + 60
    while not done():
        assert time.monotonic() < deadline, "the mail was never sent again"
        with time_machine.travel(when(), tick=False):
            requeue_unsent_mail()
        time.sleep(1)
    return time.monotonic() - started


def test_a_notification_whose_worker_was_killed_is_sent_once(
    idea: Idea, alice: User, bob: User, mail_dir: Path, start_worker: Callable[..., WorkerProcess]
) -> None:
    first = start_worker(slow_seconds=60)
    add_comment(idea=idea, author=bob, body="Hei fra Bob!")  # queues the mail on commit
    wait_for(lambda: "sending mail to" in first.log.read_text())
    kill(first)
    notification = Notification.objects.get()
    assert notification.sent_at is None and notification.claimed_until is not None
    assert delivered(mail_dir) == []

    start_worker(slow_seconds=0)
    took = sweep_like_beat_until(
        lambda: Notification.objects.filter(sent_at__isnull=False).exists(),
        lambda: timezone.now() + timedelta(minutes=2),
    )
    assert took < LEASE_SECONDS + 15
    # More sweeps and the killed worker's message, were it to come back, send nothing more.
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert requeue_unsent_mail() == 0
    time.sleep(2)
    assert [to for to, _body in delivered(mail_dir)] == [alice.email]


def test_a_digest_whose_worker_was_killed_is_sent_once(
    idea: Idea, alice: User, bob: User, mail_dir: Path, start_worker: Callable[..., WorkerProcess]
) -> None:
    set_email_frequency(user=alice, frequency="daily")
    add_comment(idea=idea, author=bob, body="Første")
    add_comment(idea=idea, author=bob, body="Andre")
    first = start_worker(slow_seconds=60)
    send_digest.delay(alice.pk)  # what the 06:30 beat task queues
    wait_for(lambda: "sending mail to" in first.log.read_text())
    kill(first)
    assert delivered(mail_dir) == []

    start_worker(slow_seconds=0)
    tomorrow_morning = timezone.localtime().replace(hour=7, minute=0) + timedelta(days=1)
    sweep_like_beat_until(
        lambda: not Notification.objects.filter(sent_at__isnull=True).exists(),
        lambda: tomorrow_morning,
    )
    with time_machine.travel(tomorrow_morning, tick=False):
        assert requeue_unsent_mail() == 0
    time.sleep(2)
    mails = delivered(mail_dir)
    [(to, body)] = mails  # one digest, with both
    assert to == alice.email
    assert "Første" in body and "Andre" in body
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2
