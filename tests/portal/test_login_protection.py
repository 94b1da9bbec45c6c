"""Password guessing meets a cool-off counted in one shared store, and password reset says
the same whether or not an account exists."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from portal import cache as cache_module
from portal.models import User
from tests.celery_helpers import REDIS_SERVER, PrivateRedis

COOL_OFF = "Vent fem minutter"


def _login(email: str, password: str, client: Client | None = None):  # type: ignore[no-untyped-def]
    return (client or Client()).post(
        reverse("account_login"), {"login": email, "password": password}
    )


def test_five_wrong_passwords_cool_off_then_the_real_user_gets_in(alice: User) -> None:
    alice.set_password("riktig-passord")
    alice.save()
    for _ in range(5):
        response = _login(alice.email, "feil")
        assert "E-postadressen eller passordet er feil." in response.content.decode()
    refused = _login(alice.email, "riktig-passord")
    assert refused.status_code == 200 and COOL_OFF in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1), tick=False):
        assert _login(alice.email, "riktig-passord").status_code == 302


def test_a_cool_off_is_logged_without_the_address_or_password(
    alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="nyttig.auth"):
        for _ in range(6):
            _login(alice.email, "hemmelig-feil")
    limited = [r for r in caplog.records if getattr(r, "event", "") == "login_rate_limited"]
    assert len(limited) == 1
    assert limited[0].account.endswith("@nittedal.example")  # type: ignore[attr-defined]
    assert "hemmelig-feil" not in caplog.text and alice.email not in caplog.text


WORKER = """
import django
django.setup()
from django.test import RequestFactory
from allauth.account.adapter import get_adapter
request = RequestFactory().post("/konto/logg-inn/")
for _ in range({n}):
    get_adapter(request).pre_authenticate(request, email={email!r}, password="feil")
print("counted")
"""


@pytest.mark.redis
def test_failures_counted_by_another_process_count_here_too(alice: User) -> None:
    """Two web workers: three failures here, two in a separate Python process with its own
    Redis connection, and the sixth attempt here meets the cool-off."""
    assert str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache")
    alice.set_password("riktig-passord")
    alice.save()
    for _ in range(3):
        _login(alice.email, "feil")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "CACHE_KEY_PREFIX": str(settings.CACHES["default"]["KEY_PREFIX"]),
        "ALLOWED_HOSTS": "testserver",  # the count is per site and address, as here
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKER.format(n=2, email=alice.email)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "counted", result.stderr
    refused = _login(alice.email, "riktig-passord")
    assert COOL_OFF in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1), tick=False):
        assert _login(alice.email, "riktig-passord").status_code == 302


@pytest.mark.redis
def test_the_cache_is_redis_when_redis_url_is_set() -> None:
    from django.core.cache import caches

    first = caches.create_connection("default")
    second = caches.create_connection("default")
    first.set("delt-nokkel", 41)
    assert second.get("delt-nokkel") == 41
    second.delete("delt-nokkel")


# Password reset -----------------------------------------------------------------------------


def _reset(email: object):  # type: ignore[no-untyped-def]
    return Client().post(reverse("account_reset_password"), {"email": email})


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(
    alice: User,
) -> None:
    known = _reset(alice.email)
    assert len(mail.outbox) == 1 and alice.email in mail.outbox[0].to
    unknown = _reset("finnes.ikke@kommune.example")
    assert len(mail.outbox) == 1  # nothing is sent to an address nobody has
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "ikke-en-adresse",
        "a" * 10_000 + "@kommune.example",
        "nul\x00@kommune.example",
        "' OR 1=1 --@kommune.example",
        "<script>alert(1)</script>@kommune.example",
        "æøå@æøå.example",
        ["a@kommune.example", "b@kommune.example"],
    ],
)
def test_password_reset_never_fails_on_hostile_input(db: None, hostile: object) -> None:
    response = _reset(hostile)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert "ds-alert" in response.content.decode() or "error" in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server (Redis)")
def test_signing_in_and_working_go_on_while_the_cache_redis_is_down(
    alice: User,
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cache (rate limits) on a redis-server of the test's own, stopped: a login with
    the right password gets in, a wrong one gets the form's message, pages answer; the
    failed logins are not counted meanwhile (portal.cache says why), and once Redis is back
    the cool-off counts again."""
    alice.set_password("riktig-passord")
    alice.save()
    monkeypatch.setattr(cache_module, "_last_warning", 0.0)  # the warning is once per 30 s
    redis = PrivateRedis(tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        redis.stop()
        started = time.monotonic()
        for _ in range(6):
            wrong = _login(alice.email, "feil")
            assert wrong.status_code == 200
            assert "E-postadressen eller passordet er feil." in wrong.content.decode()
        client = Client()
        assert _login(alice.email, "riktig-passord", client).status_code == 302
        assert client.get(reverse("ideas:list")).status_code == 200
        assert time.monotonic() - started < 10
        assert "Redis cache unreachable" in caplog.text

        redis.start()
        for _ in range(5):
            _login(alice.email, "feil")
        assert COOL_OFF in _login(alice.email, "riktig-passord").content.decode()
    finally:
        redis.stop()
