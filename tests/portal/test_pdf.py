"""The PDF helper: WeasyPrint is needed only where a PDF is made."""

from __future__ import annotations

import importlib
import io
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string

from portal import pdf

# Runs in a fresh interpreter where `import weasyprint` fails, as on a machine without Pango.
WITHOUT_WEASYPRINT = textwrap.dedent(
    """
    import sys

    sys.modules["weasyprint"] = None  # `import weasyprint` now raises ImportError
    import django
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import get_resolver

    django.setup()
    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    import portal.wsgi  # what gunicorn loads

    get_resolver().url_patterns  # imports every view module
    response = Client().get("/helse/")
    print(response.status_code, response.content.decode())
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        print("weasyprint blocked")
    """
)


def test_app_starts_and_health_answers_without_weasyprint(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "a-key-for-this-test-only",  # started as in production, not as a test
    }
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_WEASYPRINT],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ['200 {"status": "ok"}', "weasyprint blocked"]


def test_pdf_module_imports_without_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    monkeypatch.delitem(sys.modules, "portal.pdf")
    fresh = importlib.import_module("portal.pdf")
    assert callable(fresh.pdf_response)
    with pytest.raises(ImportError):
        fresh.render_pdf("<p>x</p>", fresh.static_base_url())
    monkeypatch.setitem(sys.modules, "portal.pdf", pdf)  # later tests keep the module they had


def test_pdf_fetcher_refuses_files_outside_its_folder(tmp_path: Path) -> None:
    inside = tmp_path / "static"
    inside.mkdir()
    html = f'<img src="{(tmp_path / "secret.png").as_uri()}"><p>Hei</p>'
    (tmp_path / "secret.png").write_bytes(b"not an image")
    document = pdf.render_pdf(html, inside.as_uri() + "/")
    assert document.startswith(b"%PDF")  # rendered, the outside file simply not loaded


def test_cached_page_references_follow_the_pages_as_they_are_added() -> None:
    import pydyf

    pdf._cache_page_references()
    pdf._cache_page_references()  # a second call changes nothing
    document = pydyf.PDF()
    seen = []
    for _ in range(3):
        page = pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference})
        document.add_object(page)
        document.pages["Kids"].extend([page.number, 0, "R"])
        document.pages["Count"] += 1
        seen.append(document.page_references)
    assert [len(references) for references in seen] == [1, 2, 3]
    assert seen[-1] == tuple(f"{number} 0 R".encode() for number in document.pages["Kids"][::3])
    assert document.page_references is seen[-1]  # read again: the cached tuple


def test_a_worker_process_warms_weasyprint_up_when_it_starts(
    settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from celery.signals import worker_process_init

    from portal.celery import warm_up_pdfs

    assert warm_up_pdfs in [receiver() for _, receiver in worker_process_init.receivers]
    assert pdf.warm_up() > 0  # a real layout and a tagged write

    calls: list[str] = []

    def counted() -> float:
        calls.append("warm")
        return 0.5

    # By name: another test here imports portal.pdf afresh, which the handler then finds.
    monkeypatch.setattr("portal.pdf.warm_up", counted)
    settings.PDF_WARM_UP = False
    warm_up_pdfs()
    assert calls == []
    settings.PDF_WARM_UP = True
    warm_up_pdfs()
    assert calls == ["warm"]

    def broken() -> float:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("portal.pdf.warm_up", broken)
    warm_up_pdfs()  # logged, not raised: the mail tasks still run on such a machine
    assert "WeasyPrint could not start" in caplog.text


# One layout written as both variants at once (write_pdfs) ------------------------------------

# No lang and an image without alt: WeasyPrint warns about both on every tagged write.
UNTAGGABLE = (
    '<html><head><title>T</title></head><body><h1>T</h1><img src="img/logo.svg">'
    "<p>Hei</p></body></html>"
)


def _all_children() -> set[int]:
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            found.update(int(pid) for pid in (task / "children").read_text().split())
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return found


_before: set[int] = set()


def children() -> list[int]:
    """The child processes this test started (Linux), as the worker tests read them."""
    return sorted(_all_children() - _before)


@pytest.fixture(autouse=True)
def only_what_this_test_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole test run leaves threads (the browser tests' live server) and child processes
    (their Chromium) behind in pytest's process: the fork's checks count only the threads
    and processes this test starts, as a worker child has none but its own."""
    global _before  # noqa: PLW0603
    _before = _all_children()
    real, already = pdf._threads, pdf._threads() - 1
    monkeypatch.setattr(pdf, "_threads", lambda: real() - already)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def weasyprint_log() -> Iterator[list[str]]:
    collect = Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    yield collect.messages
    logger.removeHandler(collect)


def test_both_variants_written_at_once_are_the_files_written_one_by_one(
    settings: Any, weasyprint_log: list[str]
) -> None:
    """The second variant is written by a forked process; the files are the ones this
    process would have written, and the forked writer's warnings are logged here."""
    html = '<html lang="nb"><head><title>T</title></head><body><h1>Tittel</h1><p>Å</p></body>'
    settings.PDF_PARALLEL_WRITES = False
    one_by_one = pdf.write_pdfs(
        pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True), pdf.VARIANTS
    )
    settings.PDF_PARALLEL_WRITES = True
    seen: list[tuple[str, int]] = []
    at_once = pdf.write_pdfs(
        pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True),
        pdf.VARIANTS,
        written=lambda variant: seen.append((variant, len(children()))),
    )
    assert at_once == one_by_one
    with pikepdf.open(io.BytesIO(at_once[0])) as accessible:
        assert accessible.open_metadata().get("pdfuaid:part") == "1"
    with pikepdf.open(io.BytesIO(at_once[1])) as archive:
        assert archive.open_metadata().get("pdfaid:part") == "3"
    # The accessible copy is ready while the archive copy's writer may still run; none is left.
    assert [variant for variant, _n in seen] == [pdf.ACCESSIBLE, pdf.ARCHIVE]
    assert children() == []
    assert weasyprint_log == []

    document = pdf.layout_pdf(UNTAGGABLE, pdf.static_base_url(), for_archive=True)
    pdf.write_pdfs(document, pdf.VARIANTS)
    lang = [m for m in weasyprint_log if 'Missing required "lang"' in m]
    assert len(lang) == 2  # one per file: the forked writer's warning is logged here too


def test_a_forked_writer_that_dies_is_replaced_by_a_write_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    html = '<html lang="nb"><head><title>T</title></head><body><h1>T</h1></body></html>'
    expected = pdf.write_pdfs(
        pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True), pdf.VARIANTS
    )

    def killed(*_args: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would

    monkeypatch.setattr(pdf, "_write_in_child", killed)
    files = pdf.write_pdfs(
        pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True), pdf.VARIANTS
    )
    assert files == expected
    assert "Writing pdf/a-3a in a separate process failed (exit code -9)" in caplog.text


def test_a_stopped_write_leaves_no_forked_writer_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """A time limit (Celery's SoftTimeLimitExceeded) raised while the parent writes: the
    forked writer is killed and reaped, not left running."""
    html = '<html lang="nb"><head><title>T</title></head><body><h1>T</h1></body></html>'
    document = pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True)

    class Stopped(Exception):
        pass

    def slow(*_args: object) -> None:
        time.sleep(60)  # a long write of the archive copy

    def stop(_variant: str) -> None:
        assert len(children()) == 1  # the archive copy's writer, still at it
        raise Stopped

    monkeypatch.setattr(pdf, "_write_in_child", slow)
    started = time.perf_counter()
    with pytest.raises(Stopped):
        pdf.write_pdfs(document, pdf.VARIANTS, written=stop)
    assert children() == []  # killed and reaped
    assert time.perf_counter() - started < 10  # not waited for


def test_a_second_thread_or_parallel_writes_off_forks_nothing(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = '<html lang="nb"><head><title>T</title></head><body><h1>T</h1></body></html>'
    document = pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True)

    def alone(_variant: str) -> None:
        assert children() == []

    (only,) = pdf.write_pdfs(document, (pdf.ACCESSIBLE,), written=alone)
    assert only.startswith(b"%PDF")
    # Another thread (it could hold a lock the forked child would wait for forever): no fork.
    monkeypatch.setattr(pdf, "FORK_WAIT_SECONDS", 0.05)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not pdf._single_threaded(wait=0.05)
        assert len(pdf.write_pdfs(document, pdf.VARIANTS, written=alone)) == 2
    finally:
        release.set()
        other.join()
    assert pdf._single_threaded(wait=1)
    settings.PDF_PARALLEL_WRITES = False
    assert len(pdf.write_pdfs(document, pdf.VARIANTS, written=alone)) == 2
    with pytest.raises(ValueError, match="Unknown PDF variant"):
        pdf.write_pdfs(document, ("pdf/x-1a",))


def test_the_fetcher_hands_weasyprint_the_fonts_decompressed_once() -> None:
    """WeasyPrint would decompress each WOFF2 face for every layout; the fetcher gives it the
    same OpenType bytes (fontTools' decompression, as WeasyPrint's), decompressed once."""
    from fontTools.ttLib import woff2

    font = (
        Path(django_settings.STATICFILES_DIRS[0])
        / "vendor/inter-5.3.0/files/inter-latin-400-normal.woff2"
    )
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(font.read_bytes()), out)
    pdf._font_file.cache_clear()
    fetcher = pdf._local_file_fetcher(font.parents[3])
    fetched = [fetcher.fetch(font.as_uri()).read() for _ in range(2)]
    assert fetched == [out.getvalue()] * 2 and fetched[0][:4] == b"\x00\x01\x00\x00"  # TrueType
    assert pdf._font_file.cache_info().hits == 1
    # A PDF template's fonts: embedded, named Inter (the test of the report checks more).
    data = pdf.render_pdf(render_to_string("pdf_base.html", {}), pdf.static_base_url())
    with pikepdf.open(io.BytesIO(data)) as document:
        fonts = {
            str(font.BaseFont).split("+")[-1]
            for page in document.pages
            for font in page.Resources.Font.values()
        }
    assert fonts == {"Inter"}


def _report_in_a_daemon(connection: Any) -> None:
    html = '<html lang="nb"><head><title>T</title></head><body><h1>T</h1></body></html>'
    document = pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True)
    connection.send([len(children()), *pdf.write_pdfs(document, pdf.VARIANTS)])


def test_both_variants_are_written_at_once_in_a_daemonic_process_too(settings: Any) -> None:
    """A Celery prefork child is a daemonic process, where multiprocessing refuses to start a
    child: the forked writer is a plain fork, and works there (the worker test runs a real
    Celery worker)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    daemon = context.Process(target=_report_in_a_daemon, args=(sender,), daemon=True)
    daemon.start()
    answer = receiver.recv()
    daemon.join()
    assert daemon.exitcode == 0 and answer[0] == 0
    html = '<html lang="nb"><head><title>T</title></head><body><h1>T</h1></body></html>'
    settings.PDF_PARALLEL_WRITES = False
    expected = pdf.write_pdfs(
        pdf.layout_pdf(html, pdf.static_base_url(), for_archive=True), pdf.VARIANTS
    )
    assert answer[1:] == expected


def test_a_forked_writer_dies_with_the_process_that_forked_it() -> None:
    """SIGKILL of a worker child (or Celery's hard time limit) takes its writer with it."""
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # a worker child, which forks a writer and then waits for it
        try:
            parent = os.getpid()  # before the fork, as write_pdfs does: the writer may be late
            writer = os.fork()
            if writer == 0:
                pdf._die_with_parent(parent)
                time.sleep(60)
                os._exit(0)
            os.write(write_end, str(writer).encode())
            os.waitpid(writer, 0)
        finally:
            os._exit(0)
    os.close(write_end)
    writer = int(os.read(read_end, 32))
    os.close(read_end)
    os.kill(middle, signal.SIGKILL)
    os.waitpid(middle, 0)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{writer}").exists() and "Z" not in _state(writer):
        assert time.monotonic() < deadline, "the writer outlived the process that forked it"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
