"""Real-worker test tools: a private queue, a private redis-server to stop and start, and
waiting for what a worker does.

A test never stops the shared Redis; it points the Celery app at a redis-server of its own
instead, and its worker consumes a queue no other worker knows.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

from celery.contrib.testing.worker import start_worker
from django.db import close_old_connections

from portal.celery import app

REDIS_SERVER = shutil.which("redis-server")


def _reset_connections() -> None:
    # The app caches its AMQP helper (queues, routes) and its connection pools; both must
    # see the changed configuration.
    app.__dict__.pop("amqp", None)
    app._after_fork()  # type: ignore[attr-defined]  # what a forked worker calls


@contextmanager
def private_queue(broker_url: str | None = None) -> Iterator[str]:
    """Route every task to a queue of its own (on `broker_url` if given); yields its name."""
    name = f"test-{uuid4().hex}"
    keys = ("broker_url", "task_default_queue", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_default_queue=name,
        task_always_eager=False,
        broker_url=broker_url or saved["broker_url"],
    )
    _reset_connections()
    try:
        yield name
    finally:
        app.conf.update(saved)
        _reset_connections()


@contextmanager
def worker_on(queue: str, **options: Any) -> Iterator[None]:
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue], **options
    ):
        yield
    close_old_connections()


def wait_for(condition: Callable[[], object], timeout: float = 30) -> None:
    """Poll until `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still not true after {timeout} s: {condition}")
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server on a free port with its own directory, stopped and started at will."""

    def __init__(self, directory: Path) -> None:
        assert REDIS_SERVER, "redis-server is not installed"
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def test_database_url() -> str:
    """The URL of the test database, for a worker process that must see what a test commits."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`python -m <module> <queue>` as a process of its own (a real prefork worker with one
    child), its output in `log`; `env` is added to this process's environment."""

    def __init__(self, module: str, queue: str, log: Path, env: dict[str, str]) -> None:
        from django.conf import settings

        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, queue],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": test_database_url(), **env},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self.ready, timeout=60)

    def ready(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        return " ready." in self.log.read_text()

    def child(self) -> int:
        """The pid of the pool's one child."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        assert len(pids) == 1, pids
        return pids[0]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
