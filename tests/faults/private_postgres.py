"""A PostgreSQL cluster of the test's own (own port, own data directory), to restart at will.

The shared server is never stopped: a fault test initialises a cluster in a temporary
directory with the same binaries, as the `postgres` user when it runs as root (PostgreSQL
refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.celery_helpers import free_port


def _bin_dir() -> Path | None:
    # Debian keeps the server's binaries out of PATH, beside its cluster wrappers.
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


BIN = _bin_dir()


class PrivatePostgres:
    def __init__(self) -> None:
        assert BIN, "PostgreSQL's server binaries (pg_ctl, initdb) are not installed"
        # Not under pytest's tmp_path: its parents are private to root, and the server runs
        # as postgres.
        directory = Path(tempfile.mkdtemp(prefix="nyttig-pg-"))
        directory.chmod(0o755)
        self.directory = directory
        self.bin = BIN
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
            "-l", str(self.directory / "log"), *extra, action,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
