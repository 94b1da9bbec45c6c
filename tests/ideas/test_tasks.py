"""The board's new-idea mail and the mail outbox: claim, send, stamp; retries; the sweep;
and a Redis outage that loses nothing, with a private redis-server and a real worker."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail import send_mail as real_send_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas import emails
from ideas.models import Comment, Idea, IdeaStatus, InnovationType, Notification
from ideas.services import add_comment
from ideas.tasks import notify_board_of_new_idea, requeue_unsent_mail, send_notification_email
from portal.celery import app
from portal.models import Unit, User
from tests.celery_helpers import PrivateRedis, private_queue, wait_for, worker_on


@pytest.fixture
def tasks_run_in_process() -> Iterator[None]:
    """Queued tasks run at once even where REDIS_URL is set (CI)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def new_idea(make_idea: Callable[..., Idea]) -> Idea:
    """Submitted through the form's path: the board is to be told (on commit)."""
    return make_idea(notify_board=True)


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_board_is_told_about_a_new_idea_once(new_idea: Idea, bob: User, admin: User) -> None:
    assert notify_board_of_new_idea(new_idea.pk) == 2
    assert notify_board_of_new_idea(new_idea.pk) == 0  # a redelivered task sends nothing twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == [admin.email, bob.email]
    assert message.subject == f"Ny idé til vurdering: {new_idea.title}"
    assert message.body == (
        "En ny idé venter i innboksen til porteføljestyret.\n\n"
        f"{new_idea.question}\n\nEnhet: {new_idea.unit.name if new_idea.unit else ''}\n\n"
        f"Les idéen: {settings.SITE_URL}{new_idea.get_absolute_url()}\n"
    )
    new_idea.refresh_from_db()
    assert new_idea.board_notified_at is not None
    assert new_idea.board_mail_claimed_until is None


def test_an_imported_idea_needs_no_board_mail(idea: Idea, bob: User) -> None:
    assert idea.board_notified_at == idea.submitted_at  # make_idea imports (notify_board=False)
    with later(5):
        assert emails.unsent_mail(now=timezone.now()).board_mail_ideas == []
    assert notify_board_of_new_idea(idea.pk) == 0


# Claim, send, stamp -------------------------------------------------------------------


def test_a_claimed_row_is_left_alone_while_the_lease_holds_and_sent_once_after(
    idea: Idea, bob: User
) -> None:
    add_comment(idea=idea, author=bob, body="Hei!")  # on_commit never runs here: no mail yet
    notification = Notification.objects.get()
    # A worker claims the row and dies before it sends (or before it stamps).
    [claimed] = emails._claim_notifications(
        Notification.objects.filter(pk=notification.pk), timezone.now()
    )
    assert claimed.pk == notification.pk
    assert send_notification_email(notification.pk) is False  # a second worker
    with later(2):
        assert emails.unsent_mail(now=timezone.now()).notifications == []
        assert send_notification_email(notification.pk) is False
    assert mail.outbox == []
    with later(4):  # the lease (3 minutes) has run out
        assert emails.unsent_mail(now=timezone.now()).notifications == [notification.pk]
        assert send_notification_email(notification.pk) is True
        assert send_notification_email(notification.pk) is False
        assert emails.unsent_mail(now=timezone.now()).notifications == []
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.claimed_until is None


def test_a_claimed_board_mail_waits_for_its_lease(new_idea: Idea, bob: User) -> None:
    assert emails._claim_board_mail(new_idea.pk, timezone.now()) is not None  # then dies
    assert notify_board_of_new_idea(new_idea.pk) == 0
    with later(2):
        assert emails.unsent_mail(now=timezone.now()).board_mail_ideas == []
    with later(4):
        assert emails.unsent_mail(now=timezone.now()).board_mail_ideas == [new_idea.pk]
        assert notify_board_of_new_idea(new_idea.pk) == 1
        assert notify_board_of_new_idea(new_idea.pk) == 0
    assert len(mail.outbox) == 1


def test_a_stamped_row_is_never_sent_again(idea: Idea, bob: User) -> None:
    add_comment(idea=idea, author=bob, body="Hei!")
    notification = Notification.objects.get()
    assert send_notification_email(notification.pk) is True
    with later(60 * 24):
        assert requeue_unsent_mail() == 0
        assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_drops_its_claim_so_the_retry_may_send(idea: Idea, bob: User) -> None:
    add_comment(idea=idea, author=bob, body="Hei!")
    notification = Notification.objects.get()
    with (
        mock.patch("portal.mail.send_mail", side_effect=smtplib.SMTPServerDisconnected("nede")),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.claimed_until is None
    assert send_notification_email(notification.pk) is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_send_one_mail(idea: Idea, bob: User) -> None:
    with mock.patch("ideas.notifications.enqueue_on_commit"):  # the threads below send it
        add_comment(idea=idea, author=bob, body="Hei!")
    notification = Notification.objects.get()
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def slow_send(**kwargs: Any) -> int:
        time.sleep(0.5)  # the other worker tries while this one is sending
        return real_send_mail(**kwargs)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(send_notification_email(notification.pk))
        finally:
            from django.db import connection

            connection.close()

    with mock.patch("portal.mail.send_mail", side_effect=slow_send):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


# Retries ------------------------------------------------------------------------------


class FlakySMTP:
    """portal.mail.send_mail that refuses for the first `seconds` after the first attempt,
    as a mail server does while it restarts."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.attempts: list[float] = []

    def __call__(self, **kwargs: Any) -> int:
        self.attempts.append(time.monotonic())
        if self.attempts[-1] - self.attempts[0] < self.seconds:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send_mail(**kwargs)


def test_mail_tasks_retry_with_backoff_on_mail_and_connection_errors() -> None:
    for task in (notify_board_of_new_idea, send_notification_email):
        assert set(task.autoretry_for) >= {smtplib.SMTPException, ConnectionError, OSError}
        assert task.retry_backoff == 1 and task.max_retries == 5 and task.acks_late


# A real worker, a Redis outage --------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_board_mail(make_idea: Callable[..., Idea], bob: User) -> None:
    with private_queue() as queue, worker_on(queue):
        make_idea(notify_board=True)  # queued on commit
        wait_for(lambda: Idea.objects.filter(board_notified_at__isnull=False).exists())
    assert [m.to for m in mail.outbox] == [[bob.email]]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_refuses_for_five_seconds_loses_nothing(
    idea: Idea, alice: User, bob: User
) -> None:
    flaky = FlakySMTP(seconds=5)
    with (
        mock.patch("portal.mail.send_mail", side_effect=flaky),
        private_queue() as queue,
        worker_on(queue),
    ):
        started = time.monotonic()
        add_comment(idea=idea, author=bob, body="Hei!")  # queued on commit
        wait_for(lambda: Notification.objects.filter(sent_at__isnull=False).exists())
        elapsed = time.monotonic() - started
    # Tried at once, then after 1, 2 and 4 s: the fourth attempt, 7 s on, gets through.
    assert len(flaky.attempts) == 4
    assert 5 <= elapsed < 20
    assert [m.to for m in mail.outbox if "Hei!" in m.body] == [[alice.email]]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_while_redis_is_down(
    make_idea: Callable[..., Idea],
    alice: User,
    bob: User,
    admin: User,
    unit: Unit,
    service_type: InnovationType,
    client_for: Callable[[User | None], Client],
    private_redis: PrivateRedis,
) -> None:
    commented = make_idea(title="Kommentert")
    rejected = make_idea(title="Avvist")
    staff, board = client_for(alice), client_for(bob)
    with private_queue(private_redis.url) as queue:
        private_redis.stop()

        timings = []
        started = time.monotonic()
        response = board.post(reverse("ideas:comment_add", args=[commented.pk]), {"body": "Flott!"})
        timings.append(time.monotonic() - started)
        assert response.status_code == 302
        started = time.monotonic()
        response = staff.post(
            reverse("ideas:create"),
            {
                "title": "Ny under utfallet",
                "question": "Hvordan kan vi gi brukerne bedre søvn",
                "need": "Nattpatruljen vekker brukerne.",
                "innovation_type": str(service_type.pk),
                "unit": str(unit.pk),
            },
        )
        timings.append(time.monotonic() - started)
        assert response.status_code == 302
        started = time.monotonic()
        response = board.post(
            reverse("portfolio:triage_idea", args=[rejected.pk]),
            {
                "handling": "reject",
                "basis": "Ikke nå.",
                "case_number": "",
                "versjon": rejected.version,
            },
        )
        timings.append(time.monotonic() - started)
        assert response.status_code == 302
        assert max(timings) < 3, timings
        print("answered in", [f"{t:.2f} s" for t in timings])  # noqa: T201 (the figure)

        # The data is saved; its mail waits in the outbox.
        assert Comment.objects.filter(idea=commented, body="Flott!").exists()
        created = Idea.objects.get(title="Ny under utfallet")
        assert created.board_notified_at is None
        assert Idea.objects.get(pk=rejected.pk).status == IdeaStatus.REJECTED
        assert Notification.objects.filter(sent_at__isnull=True).count() == 2
        assert mail.outbox == []

        private_redis.start()
        with worker_on(queue):
            with later(2):  # the sweep takes rows older than a minute
                assert requeue_unsent_mail() == 3
            wait_for(lambda: len(mail.outbox) == 3)
            with later(2):
                assert requeue_unsent_mail() == 0
            time.sleep(1)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    recipients = sorted(" ".join(sorted(str(to) for to in m.to)) for m in mail.outbox)
    assert recipients == sorted([f"{admin.email} {bob.email}", alice.email, alice.email])
    bodies = "\n".join(str(m.body) for m in mail.outbox)
    assert "Flott!" in bodies and "Begrunnelse: Ikke nå." in bodies


def test_the_sweep_runs_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-unsent-mail"]
    assert entry["task"] == "ideas.tasks.requeue_unsent_mail"
    assert entry["schedule"] == 60.0
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
    assert app.conf.task_ignore_result is True and not app.conf.result_backend
