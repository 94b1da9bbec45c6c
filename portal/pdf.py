"""PDF documents (the board's minutes, benefit plans, later the council report) rendered from
HTML templates that extend templates/pdf_base.html, by WeasyPrint.

WeasyPrint needs Pango from the operating system, so it is imported only inside `render_pdf`:
the app starts, and `/helse/` answers, on a machine without it; only making a PDF fails there.
"""

from __future__ import annotations

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


def render_pdf(html: str, base_url: str) -> bytes:
    """A PDF of the HTML. Relative URLs resolve against `base_url`, a file URL of a folder;
    nothing outside that folder is loaded."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    root = Path(url2pathname(urlsplit(base_url).path))
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=base_url, url_fetcher=_local_file_fetcher(root))
    pdf: bytes = document.write_pdf(font_config=fonts)
    return pdf


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
