from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from ideas.models import Idea
from ideas.tasks import notify_board_of_new_idea
from portal.celery import app
from portal.models import User


def test_board_is_told_about_a_new_idea_once(idea: Idea, bob: User, admin: User) -> None:
    assert notify_board_of_new_idea(idea.pk) == 2
    assert notify_board_of_new_idea(idea.pk) == 0  # a redelivered task sends nothing twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == [admin.email, bob.email]
    assert idea.title in message.subject
    assert idea.get_absolute_url() in message.body


@pytest.fixture
def worker() -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_task_against_the_database(
    make_idea: Callable[..., Idea], bob: User, worker: None
) -> None:
    idea = make_idea()
    result = notify_board_of_new_idea.delay(idea.pk)
    assert result.get(timeout=30) == 1
    idea.refresh_from_db()
    assert idea.board_notified_at is not None
    assert [m.to for m in mail.outbox] == [[bob.email]]
