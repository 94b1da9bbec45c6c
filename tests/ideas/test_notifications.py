"""Email about ideas one follows: at once, as a daily digest, or never."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from ideas.models import Idea, Notification
from ideas.notifications import notify_followers
from ideas.services import add_comment, follow_idea
from ideas.tasks import (
    requeue_unsent_mail,
    send_daily_digests,
    send_digest,
    send_notification_email,
)
from portal.celery import app
from portal.models import EmailFrequency, User
from portal.services import set_email_frequency

SETTINGS_URL = f"{settings.SITE_URL}/konto/varsler/"


@pytest.fixture(autouse=True)
def tasks_run_in_process() -> Iterator[None]:
    """Queued tasks run at once even where REDIS_URL is set (CI), so mail is in mail.outbox."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def recipients(idea: Idea) -> set[str]:
    return set(Notification.objects.filter(idea=idea).values_list("recipient__email", flat=True))


def test_submitter_and_followers_are_told_but_not_the_actor(
    idea: Idea, alice: User, bob: User, leader: User, admin: User
) -> None:
    follow_idea(idea=idea, user=bob)
    follow_idea(idea=idea, user=leader)
    add_comment(idea=idea, author=leader, body="Jeg kan hjelpe til.")
    assert recipients(idea) == {alice.email, bob.email}
    assert Notification.objects.count() == 2  # the submitter, who also follows, once
    message = Notification.objects.filter(idea=idea).first()
    assert message is not None
    assert message.message.startswith("Lena kommenterte «Digitalt nattilsyn»")


def test_never_means_no_notification_at_all(idea: Idea, alice: User, bob: User) -> None:
    set_email_frequency(user=alice, frequency="never")
    follow_idea(idea=idea, user=bob)
    add_comment(idea=idea, author=bob, body="Hei!")
    assert recipients(idea) == set()
    assert mail.outbox == []


def test_immediate_mail_is_sent_after_commit_with_the_idea_and_settings_links(
    idea: Idea,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(idea=idea, author=bob, body="Dette bør vi prøve!")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Nytt om idéen «Digitalt nattilsyn»"
    assert "Bob kommenterte «Digitalt nattilsyn»: Dette bør vi prøve!" in message.body
    assert f"{settings.SITE_URL}{idea.get_absolute_url()}" in message.body
    assert SETTINGS_URL in message.body
    assert Notification.objects.get().sent_at is not None


def test_a_redelivered_immediate_task_sends_nothing_twice(idea: Idea, bob: User) -> None:
    add_comment(idea=idea, author=bob, body="Hei!")  # on_commit never runs here: no mail yet
    notification = Notification.objects.get()
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_status_changes_reach_followers_through_the_same_function(
    idea: Idea,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_followers(idea=idea, actor=None, message="Status er nå: Til vurdering.")
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "Status er nå: Til vurdering." in mail.outbox[0].body


def test_daily_digest_groups_the_day_and_marks_it_sent(
    make_idea: Callable[..., Idea],
    alice: User,
    bob: User,
    leader: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    set_email_frequency(user=alice, frequency="daily")
    first = make_idea()
    second = make_idea(title="Felles bildeling")
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(idea=first, author=bob, body="Første kommentar")
        add_comment(idea=first, author=leader, body="Andre kommentar")
        add_comment(idea=second, author=bob, body="Tredje kommentar")
    assert mail.outbox == []  # daily means no mail at once

    assert send_daily_digests() == 1
    [digest] = mail.outbox
    assert digest.to == [alice.email]
    assert digest.subject == "Daglig sammendrag fra Nyttig: 3 nye varsler"
    body = digest.body
    assert body.count("«Digitalt nattilsyn»\n") == 1 and body.count("«Felles bildeling»\n") == 1
    assert body.index("Første kommentar") < body.index("Andre kommentar")
    assert body.index("Andre kommentar") < body.index("«Felles bildeling»\n")
    assert f"{settings.SITE_URL}{second.get_absolute_url()}" in body
    assert SETTINGS_URL in body
    assert not Notification.objects.filter(sent_at__isnull=True).exists()

    assert send_daily_digests() == 0
    assert send_digest(alice.pk) == 0
    assert len(mail.outbox) == 1


def test_digest_leaves_people_who_want_mail_at_once_alone(idea: Idea, bob: User) -> None:
    add_comment(idea=idea, author=bob, body="Hei!")  # alice: immediate, not yet sent
    assert send_daily_digests() == 0
    assert mail.outbox == []


def test_digest_runs_every_morning_at_half_past_six_oslo_time() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-digests"]
    assert entry["task"] == "ideas.tasks.send_daily_digests"
    assert entry["schedule"] == crontab(hour=6, minute=30)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"


# The settings page every mail links to


def test_settings_page_shows_the_three_choices(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(reverse("notification_settings")).content.decode()
    assert reverse("notification_settings") == "/konto/varsler/"
    for label in ("Med en gang", "Daglig sammendrag", "Aldri"):
        assert label in html
    assert 'value="immediate" required id="id_email_frequency_0" checked>' in html
    assert html.count(" checked>") == 1


def test_choosing_the_daily_digest_is_saved_and_redirected(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    response = client.post(reverse("notification_settings"), {"email_frequency": "daily"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_settings")
    alice.refresh_from_db()
    assert alice.email_frequency == "daily"
    assert "Valget ditt er lagret." in client.get(response["Location"]).content.decode()


def test_the_service_refuses_an_unknown_frequency(alice: User) -> None:
    with pytest.raises(ValidationError):
        set_email_frequency(user=alice, frequency="hourly")
    alice.refresh_from_db()
    assert alice.email_frequency == "immediate"


def test_an_unknown_choice_gets_a_field_message(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).post(reverse("notification_settings"), {"email_frequency": "x"})
    html = response.content.decode()
    assert "Velg ett av de tre valgene." in html
    assert 'id="id_email_frequency_error"' in html
    alice.refresh_from_db()
    assert alice.email_frequency == "immediate"


def test_the_header_links_to_the_settings(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(reverse("home")).content.decode()
    assert f'href="{reverse("notification_settings")}"' in html


# The outbox sweep (ideas.tasks.requeue_unsent_mail) -------------------------------------

OSLO = ZoneInfo("Europe/Oslo")


def test_an_immediate_mail_whose_task_was_lost_is_sent_by_the_sweep(
    idea: Idea, alice: User, bob: User
) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=OSLO), tick=False) as clock:
        add_comment(idea=idea, author=bob, body="Hei!")  # on_commit never runs: task lost
        assert requeue_unsent_mail() == 0  # younger than a minute: its task may be on its way
        clock.shift(timedelta(minutes=2))
        assert requeue_unsent_mail() == 1
        assert requeue_unsent_mail() == 0
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_people_who_chose_never_meanwhile_are_not_swept(idea: Idea, alice: User, bob: User) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=OSLO), tick=False) as clock:
        add_comment(idea=idea, author=bob, body="Hei!")
        set_email_frequency(user=alice, frequency=EmailFrequency.NEVER)
        clock.shift(timedelta(minutes=2))
        assert requeue_unsent_mail() == 0
    assert mail.outbox == []


def test_a_digest_that_did_not_run_at_half_past_six_is_sent_by_the_sweep(
    idea: Idea, alice: User, bob: User
) -> None:
    set_email_frequency(user=alice, frequency=EmailFrequency.DAILY)
    with time_machine.travel(datetime(2026, 12, 1, 22, 0, tzinfo=OSLO), tick=False) as clock:
        add_comment(idea=idea, author=bob, body="Hei!")
        clock.move_to(datetime(2026, 12, 2, 6, 0, tzinfo=OSLO))
        assert requeue_unsent_mail() == 0  # before the digest is due
        clock.move_to(datetime(2026, 12, 2, 6, 45, tzinfo=OSLO))  # beat's digest was lost
        assert requeue_unsent_mail() == 1
        assert requeue_unsent_mail() == 0
    [digest] = mail.outbox
    assert digest.subject == "Daglig sammendrag fra Nyttig: 1 nytt varsel"
