"""Production's security settings, cookies, CSP on every response, and the session's life:
new at login, ended on the server at logout, after idleness and after a fixed time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from portal.models import User
from tests.celery_helpers import free_port

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
PASSWORD = "pw"  # tests/conftest.py's members


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production web process, as docker compose gives it."""
    keep = {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return (
        env
        | {
            "SECRET_KEY": "k" * 20 + "-production-like-secret-key-" + "q" * 30,
            "ALLOWED_HOSTS": "nyttig.kommune.example,127.0.0.1",
            "DATABASE_URL": "sqlite:////tmp/nyttig-security-test.sqlite3",
            "EMAIL_HOST": "smtp.kommune.example",
            "STATIC_MANIFEST": "0",
        }
        | extra
    )


def settings_in(env: dict[str, str], *names: str) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_deploy_check_finds_nothing_with_production_settings() -> None:
    done = subprocess.run(
        [sys.executable, MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_is_https_with_host_only_cookies() -> None:
    values = settings_in(
        production_env(),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_AGE",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_NAME": "__Host-nyttig-sesjon",
        "CSRF_COOKIE_NAME": "__Host-nyttig-csrf",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_AGE": None,  # ends with the browser session
        "SECURE_PROXY_SSL_HEADER": None,  # gunicorn decides which proxy to believe
    }


def test_https_redirect_and_hsts_are_configurable_from_the_environment() -> None:
    plain = settings_in(production_env(HTTPS="false"), "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    assert plain == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}
    tuned = settings_in(
        production_env(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="600"),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    assert tuned == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 600}


@pytest.fixture
def gunicorn_behind(request: pytest.FixtureRequest) -> Iterator[str]:
    """A production gunicorn that believes forwarded headers from `request.param` only."""
    port = free_port()
    env = production_env(FORWARDED_ALLOW_IPS=request.param)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env | {"DJANGO_SETTINGS_MODULE": "portal.settings"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/helse/", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch_as_forwarded_https(url: str) -> tuple[int, dict[str, str]]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(
        url, headers={"X-Forwarded-Proto": "https", "Host": "nyttig.kommune.example"}
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.parametrize("gunicorn_behind", ["10.9.8.7"], indirect=True)
def test_a_client_that_is_not_the_proxy_cannot_claim_https(gunicorn_behind: str) -> None:
    status, headers = fetch_as_forwarded_https(gunicorn_behind + "/konto/logg-inn/")
    assert status == 301
    assert headers["Location"] == "https://nyttig.kommune.example/konto/logg-inn/"


@pytest.mark.parametrize("gunicorn_behind", ["127.0.0.1"], indirect=True)
def test_the_configured_proxy_is_believed(gunicorn_behind: str) -> None:
    status, headers = fetch_as_forwarded_https(gunicorn_behind + "/konto/logg-inn/")
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "__Host-nyttig-csrf=" in headers["Set-Cookie"]
    assert "Secure" in headers["Set-Cookie"] and "SameSite=Lax" in headers["Set-Cookie"]


# --- CSP on every response -------------------------------------------------------------


def assert_strict_csp(header: str) -> None:
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert "default-src" in directives and "script-src" in directives


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_strict_csp(
    client_for: object, alice: User, idea: Idea
) -> None:
    anonymous = Client()
    member = client_for(alice)  # type: ignore[operator]
    responses = [
        anonymous.get("/konto/logg-inn/"),  # a page
        anonymous.get("/ideer/"),  # a redirect to login
        anonymous.get(reverse("health")),  # JSON
        anonymous.get("/finnes-ikke/"),  # 404
        member.get(reverse("ideas:list")),
        member.get(reverse("ideas:list"), headers={"HX-Request": "true"}),  # a fragment
        member.get(reverse("ideas:detail", args=[idea.pk])),
        member.get(reverse("ideas:export", args=["csv"])),  # a download
        member.get(reverse("portfolio:triage")),  # 403 for staff
        member.post(reverse("ideas:list")),  # 405
        member.get("/static/css/site.css"),  # static files, through WhiteNoise
    ]
    for response in responses:
        assert "Content-Security-Policy" in response, (response.status_code, response)
        assert_strict_csp(response["Content-Security-Policy"])


# --- The session's life ----------------------------------------------------------------


def login(client: Client, user: User) -> None:
    response = client.post("/konto/logg-inn/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.mark.django_db
def test_login_gives_a_new_session_id(alice: User) -> None:
    client = Client()
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    assert before is not None
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    login(client, alice)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(alice: User) -> None:
    client = Client()
    login(client, alice)
    copied = Client()
    copied.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert copied.get(reverse("ideas:list")).status_code == 200
    client.post(reverse("account_logout"))
    response = copied.get(reverse("ideas:list"))
    assert response.status_code == 302 and response["Location"].startswith("/konto/logg-inn/")


@pytest.mark.django_db
def test_a_session_ends_after_idleness_with_a_notice(alice: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        login(client, alice)
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert client.get(reverse("ideas:list")).status_code == 200
        # Active a minute ago: the idle clock restarted then.
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert client.get(reverse("ideas:list")).status_code == 200
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get(reverse("ideas:list"), follow=True)
        assert response.redirect_chain[-1][0].startswith("/konto/logg-inn/")
        assert "ikke hadde vært aktiv" in response.content.decode()
        assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_a_busy_session_still_ends_after_the_absolute_limit(alice: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        login(client, alice)
        step = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT // 2)
        elapsed = timedelta()
        while elapsed + step <= timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT):
            clock.shift(step)
            elapsed += step
            assert client.get(reverse("ideas:list")).status_code == 200
        clock.shift(step)
        response = client.get(reverse("ideas:list"), follow=True)
        assert response.redirect_chain[-1][0].startswith("/konto/logg-inn/")
        assert "logget inn lenge" in response.content.decode()


@pytest.mark.django_db
def test_an_active_user_does_not_write_the_session_on_every_request(alice: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        login(client, alice)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        data = Session.objects.get(session_key=key).session_data
        clock.shift(timedelta(seconds=20))
        client.get(reverse("ideas:list"))
        assert Session.objects.get(session_key=key).session_data == data
        clock.shift(timedelta(seconds=60))
        client.get(reverse("ideas:list"))
        assert Session.objects.get(session_key=key).session_data != data
