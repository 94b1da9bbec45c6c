"""`python -m bench load`: a load test with locust against gunicorn on PostgreSQL, with a real
Celery worker, in a realistic mix of users (bench/locustfile.py); then the same server's
bare view as the ceiling. Prints requests per second, p50/p95/p99 and errors per action.

Needs the bench database seeded (`seed-dashboard`) and Redis (REDIS_URL). It changes data
(ideas submitted, comments, cards moved, ideas decided), as users do: run it on a bench
database only (the seed refuses any other).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from uuid import uuid4

import psutil
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count

from portal.models import Membership, Organisation, Role
from portal.sessions import LOGIN_AT, SEEN_AT

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


PARTS = ("gunicorn", "celery worker", "postgres (this db)", "redis", "locust", "other")


def _part(process: psutil.Process, database: str) -> str | None:
    try:
        name = process.name()
        command = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if "gunicorn" in command and "bench.wsgi" in command:
        return "gunicorn"
    if "celery" in command and "worker" in command and "bench-load-" in command:
        return "celery worker"
    if name.startswith("postgres") and database in command:
        return "postgres (this db)"
    if name.startswith("redis"):
        return "redis"
    return "other"


def cpu_snapshot(database: str) -> dict[tuple[int, float], tuple[str, float]]:
    """CPU seconds so far of every process on the machine, by part (the gunicorn workers,
    the Celery worker, PostgreSQL's backends of the bench database, Redis, the rest)."""
    seen: dict[tuple[int, float], tuple[str, float]] = {}
    for process in psutil.process_iter():
        part = _part(process, database)
        if part is None:
            continue
        try:
            times = process.cpu_times()
            seen[(process.pid, process.create_time())] = (part, times.user + times.system)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return seen


@dataclass
class CpuShare:
    seconds: float
    by_part: dict[str, float]  # CPU seconds in the run, by part

    def line(self) -> str:
        capacity = self.seconds * (os.cpu_count() or 1)
        used = sum(self.by_part.values())
        shares = ", ".join(f"{part} {self.by_part.get(part, 0.0) / capacity:.0%}" for part in PARTS)
        idle = max(capacity - used, 0) / capacity
        return f"CPU of the {os.cpu_count()} cores in the run: {shares}; idle {idle:.0%}"


def measure_cpu(database: str, run: Callable[[], list[Row]]) -> tuple[list[Row], CpuShare]:
    """Runs `run` (locust, a child this process waits for) and shares the machine's CPU in
    that time out by part; locust's own share is what its finished process used."""
    before = cpu_snapshot(database)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    rows = run()
    seconds = time.monotonic() - started
    after = cpu_snapshot(database)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    by_part: dict[str, float] = {}
    for key, (part, total) in after.items():
        if key[0] == os.getpid():
            continue  # this process waits; what it did before the run is not load
        by_part[part] = by_part.get(part, 0.0) + total - before.get(key, (part, 0.0))[1]
    by_part["locust"] = (reaped.ru_utime + reaped.ru_stime) - (
        children.ru_utime + children.ru_stime
    )
    return rows, CpuShare(seconds=seconds, by_part=by_part)


def logged_in_people(users: int, organisations: int = 6) -> dict[str, list[dict[str, str]]]:
    """Members of the largest municipalities (most load lands on the biggest, as it would),
    each with a session made in the database as a login makes it, enough for `users`."""
    largest = list(
        Organisation.objects.annotate(n=Count("ideas"))
        .order_by("-n")
        .values_list("pk", flat=True)[:organisations]
    )
    roles = {Role.STAFF: "staff", Role.BOARD: "board", Role.LEADER: "leader"}
    people: dict[str, list[dict[str, str]]] = {role: [] for role in roles.values()}
    members = Membership.objects.filter(organisation_id__in=largest).select_related("user")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    now = int(time.time())
    for member in members.order_by("organisation_id", "pk"):
        role = roles.get(Role(member.role))
        if role is None or len(people[role]) >= users:
            continue
        session = store()
        session[SESSION_KEY] = str(member.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
        session[LOGIN_AT] = session[SEEN_AT] = now
        session.create()
        people[role].append({"email": member.user.email, "session": str(session.session_key)})
    return people


def environment(queue: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "false",
        "STATIC_MANIFEST": "0",
        "CELERY_QUEUE": queue,
        "PDF_WARM_UP": "1",
    }


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {url}") from None
            time.sleep(0.3)


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else float("nan")


def run_locust(
    *, host: str, mode: str, users: int, spawn_rate: float, seconds: int, people: Path, out: Path
) -> list[Row]:
    prefix = out / mode
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
        + ["--host", host, "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s"]
        + ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--reset-stats"]
        + ["--exit-code-on-error", "0"],
        env={**os.environ, "LOAD_USERS": str(people), "LOAD_MODE": mode},
        check=True,
    )  # fmt: skip
    rows = []
    with (out / f"{mode}_stats.csv").open(encoding="utf-8") as file:
        for line in csv.DictReader(file):
            rows.append(
                Row(
                    name=line["Name"] if line["Name"] != "Aggregated" else "all",
                    requests=int(line["Request Count"]),
                    failures=int(line["Failure Count"]),
                    rps=float(line["Requests/s"]),
                    p50=_number(line["50%"]),
                    p95=_number(line["95%"]),
                    p99=_number(line["99%"]),
                )
            )
    return rows


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")  # noqa: T201
    head = ("requests", "errors", "req/s", "p50", "p95", "p99")
    print(f"{'action':<26} " + " ".join(f"{h:>{9 if i == 0 else 7}}" for i, h in enumerate(head)))  # noqa: T201
    for row in rows:
        print(  # noqa: T201
            f"{row.name:<26} {row.requests:>9,} {row.failures:>7} {row.rps:>7.1f} "
            f"{row.p50:>7.0f} {row.p95:>7.0f} {row.p99:>7.0f}"
        )


def load(*, users: int, spawn_rate: float, seconds: int, web_workers: int) -> None:
    if not settings.REDIS_URL:
        raise SystemExit("bench load: set REDIS_URL (the worker takes the reports and mail).")
    queue = f"bench-load-{uuid4().hex[:8]}"
    env = environment(queue)
    out = Path(tempfile.mkdtemp(prefix="nyttig-load-"))
    people = out / "people.json"
    people.write_text(json.dumps(logged_in_people(users)), encoding="utf-8")
    port = 8765
    host = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        worker = subprocess.Popen(
            [str(BIN / "celery"), "--app", "portal", "worker", "--queues", queue]
            + ["--concurrency", "1", "--loglevel", "WARNING"]
            + ["--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=(out / "worker.log").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(worker)
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "bench.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(web_workers), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=(out / "web.log").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(web)
        wait_until_up(f"{host}/helse/", web)
        database = str(settings.DATABASES["default"]["NAME"])
        load_before = os.getloadavg()[0]
        mix, mix_cpu = measure_cpu(database, lambda: run_locust(
            host=host, mode="mix", users=users, spawn_rate=spawn_rate, seconds=seconds,
            people=people, out=out,
        ))  # fmt: skip
        load_mix = os.getloadavg()[0]
        bare, bare_cpu = measure_cpu(database, lambda: run_locust(
            host=host, mode="bare", users=users, spawn_rate=spawn_rate, seconds=seconds,
            people=people, out=out,
        ))  # fmt: skip
        load_bare = os.getloadavg()[0]
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    print(  # noqa: T201
        f"\nLoad test: {users} users (spawned {spawn_rate}/s), {seconds} s each, gunicorn with "
        f"{web_workers} sync workers, one Celery worker, {os.cpu_count()} cores; locust runs "
        f"on the same machine. Load average: {load_before:.2f} before, {load_mix:.2f} after "
        f"the mix, {load_bare:.2f} after the bare view. Times in ms. Logs: {out}"
    )
    print_table("The mix (bench/locustfile.py)", mix)
    print(mix_cpu.line())  # noqa: T201
    print_table("The ceiling: the bare view, same server, same users", bare)
    print(bare_cpu.line())  # noqa: T201
    total = next((row for row in mix if row.name == "all"), None)
    ceiling = next((row for row in bare if row.name == "all"), None)
    if total and ceiling and ceiling.rps:
        print(  # noqa: T201
            f"\nThe mix: {total.rps:.1f} req/s, {total.rps / ceiling.rps:.0%} of the bare "
            f"view's {ceiling.rps:.1f} req/s; p95 {total.p95:.0f} ms; errors {total.failures}."
        )
