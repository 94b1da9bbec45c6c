"""The production image carries no test tools (Playwright, pytest, ruff, mypy).

No Docker engine runs here, so these read what the image is built from: the Dockerfile's
install step, the Makefile recipe it runs (`make -n` prints it without running it), the
run-time dependency tree of the installed package, and the compose services' commands.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "playwright",
    "axe-playwright-python",
    "ruff",
    "mypy",
    "pip-audit",
}


def _dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines() if i.strip()]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_image_installs_without_the_dev_extra() -> None:
    instructions = _dockerfile_instructions()
    installs = [i for i in instructions if i.startswith("RUN") and "make install" in i]
    assert installs, "the Dockerfile installs the app with `make install`"
    for step in installs:
        assert re.search(r"INSTALL_EXTRAS=(\s|$)", step), step
        assert "[dev]" not in step and "[test]" not in step
    assert not [i for i in instructions if "pip install" in i], "only `make install` installs"
    # At run time too: `make serve` depends on `install`, which must not add the dev extra.
    assert 'ENV INSTALL_EXTRAS=""' in instructions


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_install_without_extras_runs_pip_on_the_bare_package(tmp_path: Path) -> None:
    def recipe(*args: str) -> str:
        return subprocess.run(
            ["make", "-n", "install", f"VENV={tmp_path / 'venv'}", "PYTHON=python3", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    image = [line for line in recipe("INSTALL_EXTRAS=").splitlines() if "-e " in line]
    assert len(image) == 1 and image[0].endswith("-e '.'"), image
    developer = [line for line in recipe().splitlines() if "-e " in line]
    assert len(developer) == 1 and developer[0].endswith("-e '.[dev]'"), developer


def _runtime_closure(package: str) -> set[str]:
    """Every distribution the package needs at run time (no extras), transitively."""
    seen: set[str] = set()
    todo = [(package, frozenset[str]())]
    while todo:
        name, extras = todo.pop()
        key = _canonical(name)
        if key in seen and not extras:
            continue
        seen.add(key)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # not needed on this platform
            continue
        for line in requires:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is not None and not any(
                marker.evaluate({"extra": extra}) for extra in (extras or {""})
            ):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_the_run_time_dependencies_hold_no_test_tools() -> None:
    closure = _runtime_closure("nyttig")
    assert {"django", "celery", "weasyprint", "gunicorn"} <= closure
    assert closure & TEST_TOOLS == set()
    dev = {_canonical(Requirement(r).name) for r in metadata.requires("nyttig") or []}
    assert dev >= TEST_TOOLS, "the dev extra (make install) still has them"


def test_every_compose_service_starts_through_a_makefile_target() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    commands = re.findall(r"^\s+command: \[\"make\", \"([a-z-]+)\"\]$", compose, re.MULTILINE)
    assert sorted(commands) == ["beat", "serve", "worker"]
    makefile = (ROOT / "Makefile").read_text()
    for target in commands:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "build: ." in compose  # web, worker and beat run the Dockerfile's image
