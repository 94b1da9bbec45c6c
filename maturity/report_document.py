"""The yearly strategy report for kommunestyret as PDF files (WeasyPrint).

`build_report_files` is what the report task calls: it gathers the year's figures from the same
selectors as the dashboard and lays them out twice, as an accessible PDF (pdf/ua-1) and as an
archive copy (pdf/a-3a) for the case system.

INTERFACE STUB: the real document (content, PDF/UA, table of contents) replaces this body.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Organisation
from portal.pdf import render_pdf, static_base_url

# Called with a percentage (0–100) and a short Bokmål description of the step.
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ReportFiles:
    accessible: bytes  # pdf/ua-1: the council's copy
    archive: bytes  # pdf/a-3a: the same version for the case system (Noark)
    page_count: int
    gather_seconds: float
    layout_seconds: float


def build_report_files(
    organisation: Organisation,
    year: int,
    *,
    version: int,
    notable_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> ReportFiles:
    """Both PDF files of one version of the organisation's report for `year`."""
    started = time.perf_counter()
    context = {"organisation": organisation, "year": year, "version": version}
    gathered = time.perf_counter()
    with translation.override("nb"):
        html = render_to_string("maturity/report_pdf.html", context)
    if progress:
        progress(50, "Lager PDF")
    accessible = render_pdf(html, static_base_url())
    archive = render_pdf(html, static_base_url())
    return ReportFiles(
        accessible=accessible,
        archive=archive,
        page_count=1,
        gather_seconds=gathered - started,
        layout_seconds=time.perf_counter() - gathered,
    )
