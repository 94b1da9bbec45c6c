"""PDF documents (the board's minutes, benefit plans, the council's yearly report) rendered
from HTML templates that extend templates/pdf_base.html, by WeasyPrint.

WeasyPrint needs Pango from the operating system, so it is imported only inside the functions
here: the app starts, and `/helse/` answers, on a machine without it; only making a PDF fails.

Variants: `render_pdf(html, base_url)` writes a plain PDF (minutes, benefit plans); with
`variant=` a PDF/UA or PDF/A file. One layout can be written as several variants
(`layout_pdf` then `write_pdfs`), which is what the council report does: its accessible copy
(`ACCESSIBLE`, pdf/ua-1: tagged, `/Lang` from `<html lang>`, title shown) and its archive copy
(`ARCHIVE`, pdf/a-3a, tagged too) are the same pages, laid out once and written at the same
time, the second in a forked process (`PDF_PARALLEL_WRITES`).

Fonts: the templates load the vendored Inter as WOFF2, which WeasyPrint decompresses (in
Python, with fontTools) for every layout: about 0.1 s a face. The fetcher hands it the
decompressed bytes instead, decompressed once per process (`_font_file`): the same bytes
WeasyPrint would have made, so the same embedded fonts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _font_file(path: Path, modified: int) -> bytes:
    """A WOFF2 font file decompressed to the OpenType font it holds, as WeasyPrint itself
    decompresses it (`fontTools.ttLib.woff2.decompress`); cached per file and modification
    time for the life of the process."""
    from fontTools.ttLib import woff2

    out = BytesIO()
    with path.open("rb") as source:
        woff2.decompress(source, out)
    return out.getvalue()


def _local_file_fetcher(root: Path) -> URLFetcher:
    """A fetcher that loads only files below one folder (fonts, images): a document never
    reaches the network or the rest of the disk, whatever URL ends up in it."""
    from weasyprint.urls import URLFetcher

    class LocalFileFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"})
            self.root = root.resolve()

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"Refusing to load {url} for a PDF.")
            if path.suffix == ".woff2" and path.is_file():
                from weasyprint.urls import URLFetcherResponse

                font = _font_file(path, path.stat().st_mtime_ns)
                return URLFetcherResponse(url, font, {"Content-Type": "font/otf"})
            return super().fetch(url, headers)

    return LocalFileFetcher()


def static_base_url() -> str:
    """The project's static folder as a file URL: what PDF templates resolve paths against."""
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


# The variants Nyttig writes (WeasyPrint's names). Both are tagged (a structure tree).
ACCESSIBLE = "pdf/ua-1"  # universal accessibility: what people read
ARCHIVE = "pdf/a-3a"  # long-term archive, level A (accessible): for the case system (Noark)
VARIANTS = (ACCESSIBLE, ARCHIVE)


def layout_pdf(html: str, base_url: str, *, for_archive: bool = False) -> Any:
    """The HTML laid out into pages (a `weasyprint.Document`), ready for `write_pdf`.
    Relative URLs resolve against `base_url`, a file URL of a folder; nothing outside that
    folder is loaded. `for_archive`: with the sRGB output intent PDF/A needs (a PDF/UA file
    may carry it too, so one layout serves both)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    root = Path(url2pathname(urlsplit(base_url).path))
    source = HTML(string=html, base_url=base_url, url_fetcher=_local_file_fetcher(root))
    # The document keeps the font configuration alive as long as it needs it.
    options = {"output_intent": "srgb"} if for_archive else {}
    return source.render(font_config=FontConfiguration(), **options)


def _cache_page_references() -> None:
    """pydyf (0.13, WeasyPrint's PDF writer) rebuilds `PDF.page_references`, a tuple of every
    page's reference, on each read, and WeasyPrint's tagger reads it once per structure
    element: pages × elements, about 0.6 s of each tagged write of a 55-page report. Cache it
    per PDF on the number of pages, which WeasyPrint only ever appends to; the same tuple
    comes back, so the file is the same. A workaround until pydyf caches it itself."""
    import pydyf

    original = pydyf.PDF.__dict__["page_references"]
    if getattr(original.fget, "nyttig_cached", False):
        return

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        count = len(pdf.pages["Kids"])
        cached = pdf.__dict__.get("_nyttig_page_references")
        if cached is None or cached[0] != count:
            cached = (count, original.fget(pdf))
            pdf.__dict__["_nyttig_page_references"] = cached
        references: tuple[bytes, ...] = cached[1]
        return references

    page_references.nyttig_cached = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


def warm_up() -> float:
    """Lay out and write a one-line tagged document on `templates/pdf_base.html`, so that
    WeasyPrint's start-up (Pango and fontconfig, its user-agent stylesheet, every font face
    the PDF templates load, decompressed) is paid when a worker process starts rather than by
    its first report (about 1.5 s of a report). Returns seconds."""
    started = time.perf_counter()
    html = render_to_string("pdf_base.html", {})
    write_pdf(layout_pdf(html, static_base_url()), variant=ACCESSIBLE)
    return time.perf_counter() - started


def write_pdf(document: Any, *, variant: str | None = None) -> bytes:
    """The laid-out document as PDF bytes, plain or as one of `VARIANTS`."""
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"Unknown PDF variant {variant!r}.")
    _cache_page_references()
    pdf: bytes = document.write_pdf(pdf_variant=variant)
    return pdf


def _die_with_parent(parent: int) -> None:
    """Let the kernel kill this forked writer when the process that forked it dies (Linux's
    PR_SET_PDEATHSIG; elsewhere it ends when its write to the pipe fails): a worker child
    killed by Celery's hard time limit or by SIGKILL takes its writer with it."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _write_in_child(document: Any, variant: str, out: int) -> None:
    """In the forked writer: the variant's bytes and WeasyPrint's warnings, pickled, to the
    pipe `out`; the parent reads them (a process forked from it: trusted)."""
    records: list[tuple[int, str]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append((record.levelno, record.getMessage()))

    # The parent logs them (once, through its own handlers), not this copy of its handlers.
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.handlers = [Keep(level=logging.WARNING)]
    weasyprint_logger.propagate = False
    data = pickle.dumps((write_pdf(document, variant=variant), records))
    with os.fdopen(out, "wb") as pipe:
        pipe.write(data)


@dataclass
class _Writer:
    """A forked writer of one variant, as the parent sees it."""

    variant: str
    pid: int
    pipe: int  # the reading end, -1 once closed
    status: int | None = None  # os.waitstatus_to_exitcode once reaped

    def answer(self) -> tuple[bytes, list[tuple[int, str]]] | None:
        """What the writer sent (waiting for it), or None (logged) if it died without."""
        with os.fdopen(self.pipe, "rb") as pipe:
            self.pipe = -1  # closed below, whatever happens: its number may be reused
            data = pipe.read()  # until the writer closes its end: done or dead
        self.reap()
        if self.status == 0 and data:
            answer: tuple[bytes, list[tuple[int, str]]] = pickle.loads(data)
            return answer
        logger.warning(
            "Writing %s in a separate process failed (exit code %s); writing it here.",
            self.variant,
            self.status,
        )
        return None

    def reap(self) -> None:
        if self.status is None:
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def _fork_writer(document: Any, variant: str, inherited: Sequence[int]) -> _Writer:
    """Fork a process that writes `variant` of the document (shared copy-on-write, never
    pickled) and exits; `inherited`: reading ends of earlier writers, which it closes."""
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer: nothing of the parent's (its atexit, its database) runs here
        code = 1
        try:
            _die_with_parent(parent)
            # The reading ends came along with the fork: closed, so that a write to a parent
            # that is gone fails (a broken pipe) instead of filling a pipe nobody reads.
            for fd in (read_end, *inherited):
                os.close(fd)
            _write_in_child(document, variant, write_end)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_end)  # only the writer holds it: EOF here once it is done or gone
    return _Writer(variant, pid, read_end)


# How long `write_pdfs` waits for a passing thread (Pango starts one to load fontconfig's
# configuration for each new font map, gone within milliseconds) before it forks.
FORK_WAIT_SECONDS = 2.0


def _threads() -> int:
    """Threads of this process: the operating system's count on Linux (Pango's own threads
    too), else Python's."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _single_threaded(*, wait: float) -> bool:
    """Whether this process has one thread, waiting up to `wait` seconds for it to have. A
    fork copies only the calling thread, so a lock another thread holds (fontconfig's, say)
    would stay locked in the child forever: `write_pdfs` forks only a single-threaded
    process, as a Celery prefork worker child is."""
    deadline = time.monotonic() + wait
    while _threads() > 1:
        if time.monotonic() >= deadline:
            logger.info("Not forking a PDF writer: this process has %s threads.", _threads())
            return False
        time.sleep(0.01)
    return True


def write_pdfs(
    document: Any,
    variants: Sequence[str],
    *,
    written: Callable[[str], None] | None = None,
) -> list[bytes]:
    """One laid-out document written as each of `variants` (of `VARIANTS`), in that order.

    With `PDF_PARALLEL_WRITES` (the default) and more than one variant, the first is written
    here while each other one is written at the same time by a forked copy of this process
    (`os.fork`: the document is shared copy-on-write, not pickled; only a single-threaded
    process forks, see `_single_threaded`), which sends back its bytes and WeasyPrint's
    warnings (logged here, as if written here). A worker with two cores then makes both
    files in about the time of the longer write. A plain fork rather than multiprocessing,
    whose `Process` refuses to start in a Celery prefork child («daemonic processes are not
    allowed to have children»). If a forked writer dies without an answer, its variant is
    written here instead (logged); if this process is stopped (a time limit), the forked
    writers are killed and reaped; if it is killed, the kernel kills them (Linux).
    `written(variant)` is called as each file is ready, in order."""
    for variant in variants:
        if variant not in VARIANTS:
            raise ValueError(f"Unknown PDF variant {variant!r}.")
    _cache_page_references()  # before the fork: the writers inherit the patched pydyf
    parallel = (
        settings.PDF_PARALLEL_WRITES
        and len(variants) > 1
        and hasattr(os, "fork")
        and _single_threaded(wait=FORK_WAIT_SECONDS)
    )
    if not parallel:
        files = []
        for variant in variants:
            files.append(write_pdf(document, variant=variant))
            if written is not None:
                written(variant)
        return files

    writers: list[_Writer] = []
    try:
        for variant in variants[1:]:
            writers.append(_fork_writer(document, variant, [w.pipe for w in writers]))
        files = [write_pdf(document, variant=variants[0])]
        if written is not None:
            written(variants[0])
        for writer in writers:
            answer = writer.answer()
            if answer is None:
                files.append(write_pdf(document, variant=writer.variant))
            else:
                files.append(answer[0])
                for level, message in answer[1]:
                    logging.getLogger("weasyprint").log(level, "%s", message)
            if written is not None:
                written(writer.variant)
    except BaseException:
        for writer in writers:
            if writer.status is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(writer.pid, signal.SIGKILL)  # no writer outlives a stopped write
        raise
    finally:
        for writer in writers:
            if writer.pipe >= 0:  # not read: stopped before its answer
                os.close(writer.pipe)
                writer.pipe = -1
            writer.reap()
    return files


def render_pdf(html: str, base_url: str, *, variant: str | None = None) -> bytes:
    """A PDF of the HTML (see `layout_pdf`), plain or as one of `VARIANTS`."""
    document = layout_pdf(html, base_url, for_archive=variant == ARCHIVE)
    return write_pdf(document, variant=variant)


def pdf_response(
    request: HttpRequest, *, template: str, context: dict[str, Any], filename: str
) -> FileResponse:
    """The template as a PDF shown in the browser (inline). Django writes Content-Disposition
    from `filename`; keep it ASCII, so every browser and archive system keeps it as it is."""
    html = render_to_string(template, context, request=request)
    pdf = render_pdf(html, static_base_url())
    response = FileResponse(
        BytesIO(pdf), filename=filename, as_attachment=False, content_type="application/pdf"
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response
