"""Structured logs: the lines the configured handler writes, read back as JSON."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from portal import logs
from portal.celery import app
from portal.models import Organisation, User
from tests.celery_helpers import private_queue, wait_for, worker_on

ROOT = Path(__file__).resolve().parents[2]
Lines = Callable[[], list[dict[str, Any]]]


@app.task(name="tests.log_from_a_task")
def log_from_a_task() -> None:
    logging.getLogger("nyttig.test").info("From a task")


@contextmanager
def capture() -> Iterator[Lines]:
    """What settings.LOGGING's console handler writes, one parsed JSON object per line.
    (Found each time: a worker's start configures logging again, with a new handler.)"""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, logs.ContextFilter) for f in h.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    assert isinstance(handler.formatter, logs.JsonFormatter)
    stream = io.StringIO()
    previous = handler.setStream(stream)

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    try:
        yield read
    finally:
        handler.setStream(previous)


@pytest.fixture
def lines() -> Iterator[Lines]:
    with capture() as read:
        yield read


def _events(lines: Lines, event: str) -> list[dict[str, Any]]:
    return [line for line in lines() if line.get("event") == event]


def test_a_request_logs_one_json_line_with_its_id_person_and_organisation(
    lines: Lines, alice: User, organisation: Organisation, client_for: Callable[..., Client]
) -> None:
    response = client_for(alice).get(reverse("home"))
    [line] = [line for line in _events(lines, "request") if line["path"] == "/"]
    assert set(line) >= {"time", "level", "logger", "message", "request_id", "user_id"}
    assert line["time"].endswith("+00:00") and line["level"] == "INFO"
    assert line["logger"] == "nyttig.request" and line["message"] == "GET / 200"
    assert (line["user_id"], line["organisation_id"]) == (alice.pk, organisation.pk)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["status"] == 200 and line["duration_ms"] >= 0


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("5f0c3c1e-9d9b-4c2e-8d8e-1f2a3b4c5d6e", True),
        ("lb.trace-42:a", True),
        ('x"}\n{"level": "CRITICAL"', False),
        ("a" * 129, False),
        ("", False),
    ],
)
def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(
    lines: Lines, db: None, client: Client, incoming: str, kept: bool
) -> None:
    response = client.get(reverse("account_login"), headers={"X-Request-ID": incoming})
    assert (response["X-Request-ID"] == incoming) is kept
    [line] = _events(lines, "request")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] is None


def test_a_passing_health_check_is_not_logged(lines: Lines, db: None, client: Client) -> None:
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response["X-Request-ID"]
    assert _events(lines, "request") == []


def test_sign_ins_and_failed_sign_ins_are_auth_events_without_the_password(
    lines: Lines, alice: User, client: Client
) -> None:
    url = reverse("account_login")
    client.post(url, {"login": "alice@nittedal.example", "password": "feil-passord-123"})
    client.post(url, {"login": "alice@nittedal.example", "password": "pw"})
    [failed] = _events(lines, "login_failed")
    [signed_in] = _events(lines, "login")
    assert failed["logger"] == signed_in["logger"] == "nyttig.auth"
    assert failed["level"] == "WARNING"
    assert failed["account"] == logs.account_key("alice@nittedal.example")
    assert failed["account"].endswith("@nittedal.example") and "alice" not in failed["account"]
    assert signed_in["user_id"] == alice.pk
    text = json.dumps(lines())
    assert "feil-passord-123" not in text and "alice@" not in text


def test_a_refused_authorisation_is_a_security_event(
    lines: Lines, alice: User, organisation: Organisation, client_for: Callable[..., Client]
) -> None:
    response = client_for(alice).get(reverse("portfolio:phases"))  # administrators only
    assert response.status_code == 403
    [refused] = _events(lines, "access_denied")
    assert refused["logger"] == "nyttig.security" and refused["level"] == "WARNING"
    assert refused["path"] == reverse("portfolio:phases") and refused["status"] == 403
    assert (refused["user_id"], refused["organisation_id"]) == (alice.pk, organisation.pk)
    assert refused["request_id"] == response["X-Request-ID"]


def test_a_task_logs_with_the_request_id_that_queued_it(lines: Lines) -> None:
    token = logs.request_id.set("from-the-request")
    try:
        headers: dict[str, Any] = {}
        logs.pass_request_id(headers=headers)  # what before_task_publish adds to a message
        assert headers == {logs.TASK_HEADER: "from-the-request"}
        log_from_a_task.apply()
    finally:
        logs.request_id.reset(token)
    result = log_from_a_task.apply()  # not queued by a request: its own task id
    from_task = [line for line in lines() if line["logger"] == "nyttig.test"]
    assert [line["request_id"] for line in from_task] == ["from-the-request", f"task-{result.id}"]


def test_a_celery_worker_logs_through_the_same_configuration() -> None:
    """Celery's own set-up (what `celery worker` runs) leaves the logging to settings."""
    script = (
        "from portal.celery import app\n"
        "app.log.setup(loglevel='INFO')\n"
        "import logging; logging.getLogger('celery.worker').info('Worker ready')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(raw) for raw in done.stderr.splitlines() if "Worker ready" in raw]
    assert line["logger"] == "celery.worker" and line["level"] == "INFO"
    assert set(line) >= {"time", "request_id", "user_id", "organisation_id"}


@pytest.mark.redis
def test_a_real_worker_logs_with_the_request_id_of_the_queuing_request() -> None:
    """Through Redis: the id travels in the message's headers to a worker's thread, whose
    context variables start empty."""
    with private_queue() as queue, worker_on(queue), capture() as lines:
        token = logs.request_id.set("queued-by-a-request")
        try:
            log_from_a_task.delay()
        finally:
            logs.request_id.reset(token)

        def logged() -> list[dict[str, Any]]:
            return [line for line in lines() if line["logger"] == "nyttig.test"]

        wait_for(logged, timeout=20)
    assert [line["request_id"] for line in logged()] == ["queued-by-a-request"]
