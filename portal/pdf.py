"""PDF documents (the board's minutes, benefit plans, the council's yearly report) rendered
from HTML templates that extend templates/pdf_base.html, by WeasyPrint.

WeasyPrint needs Pango from the operating system, so it is imported only inside the functions
here: the app starts, and `/helse/` answers, on a machine without it; only making a PDF fails.

Variants: `render_pdf(html, base_url)` writes a plain PDF (minutes, benefit plans); with
`variant=` a PDF/UA or PDF/A file. One layout can be written as several variants
(`layout_pdf` then `write_pdf` per variant), which is what the council report does: its
accessible copy (`ACCESSIBLE`, pdf/ua-1: tagged, `/Lang` from `<html lang>`, title shown) and
its archive copy (`ARCHIVE`, pdf/a-3a, tagged too) are the same pages, laid out once.
"""

from __future__ import annotations

import time
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


WARM_UP_HTML = (
    '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Nyttig</title>'
    '<style>@font-face { font-family: "Inter"; '
    'src: url("vendor/inter-5.3.0/files/inter-latin-400-normal.woff2"); } '
    'html { font: 10pt "Inter", sans-serif; }</style></head>'
    "<body><h1>Nyttig</h1><table><tr><th>Å</th><td>1 234,5</td></tr></table></body></html>"
)


def warm_up() -> float:
    """Lay out and write a one-line tagged document, so that WeasyPrint's start-up (Pango
    and fontconfig, its user-agent stylesheet, the first font) is paid when a worker process
    starts rather than by its first report (about 1 s of a 10 s report). Returns seconds."""
    started = time.perf_counter()
    write_pdf(layout_pdf(WARM_UP_HTML, static_base_url()), variant=ACCESSIBLE)
    return time.perf_counter() - started


def write_pdf(document: Any, *, variant: str | None = None) -> bytes:
    """The laid-out document as PDF bytes, plain or as one of `VARIANTS`."""
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"Unknown PDF variant {variant!r}.")
    _cache_page_references()
    pdf: bytes = document.write_pdf(pdf_variant=variant)
    return pdf


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
