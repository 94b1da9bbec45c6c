"""PostgreSQL restarted under a running app: it recovers without a restart of its own.

A real gunicorn serves from a PostgreSQL cluster of the test's own. Its worker keeps its
connection between requests (CONN_MAX_AGE); after the database restarts that connection is
dead, and the health check Django runs on a reused connection (conn_health_checks) must
notice it and connect again: without it the first request after the restart fails. While
the database is down, a request gets the clear error page, and nothing else. One worker, so
the request after the restart is sure to meet the connection made before it.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.celery_helpers import free_port
from tests.faults.private_postgres import BIN, PrivatePostgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BIN is None, reason="needs PostgreSQL's server binaries (pg_ctl)"),
]

EMAIL = "kari@restart.example"
PASSWORD = "et-langt-passord-2025"


class Browser:
    """Just enough of a browser: cookies, and the CSRF token from the last form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self) -> None:
        _, page = self.get("/konto/logg-inn/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token[1], "login": EMAIL, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(
            self.base + "/konto/logg-inn/", data=data, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=30) as response:
            assert response.url.rstrip("/") == self.base, response.url


@pytest.fixture
def app_on_private_database() -> Iterator[tuple[PrivatePostgres, str]]:
    database = PrivatePostgres()
    database.init()
    database.start()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
    }
    env |= {
        "DATABASE_URL": database.url,
        "SECRET_KEY": "restart-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_MANIFEST": "0",  # no collectstatic in a test
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "shell", "-c",
         "from portal.services import create_organisation, add_member\n"
         "org = create_organisation(name='Ås kommune', kommunenummer='3218', slug='as')\n"
         f"add_member(organisation=org, email='{EMAIL}', role='staff', first_name='Kari',"
         f" password='{PASSWORD}')"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/helse/", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        yield database, base
    finally:
        server.terminate()
        server.wait(timeout=30)
        database.stop()
        database.remove()


def test_the_app_recovers_from_a_database_restart_without_a_restart_of_its_own(
    app_on_private_database: tuple[PrivatePostgres, str],
) -> None:
    database, base = app_on_private_database
    browser = Browser(base)
    browser.login()
    for _ in range(3):
        status, page = browser.get("/ideer/")
        assert status == 200 and "Alle idéer" in page

    database.stop()
    database.start()
    # The worker's connection died with the old server; no request may notice.
    for _ in range(5):
        status, page = browser.get("/ideer/")
        assert status == 200, page[:500]
        assert "Alle idéer" in page  # still logged in: the session is in the database

    database.stop()
    status, page = browser.get("/ideer/")
    assert status == 500
    assert "Noe gikk galt" in page and "Prøv igjen om litt" in page  # the clear error page

    database.start()
    status, page = browser.get("/ideer/")
    assert status == 200 and "Alle idéer" in page
