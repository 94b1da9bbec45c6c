"""PDF documents (the board's minutes) rendered from HTML templates by WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


class LocalFileFetcher(URLFetcher):
    """Loads only files below one folder (fonts, images): a document never reaches the
    network or the rest of the disk, whatever URL ends up in it."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file"})
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"Refusing to load {url} for a PDF.")
        return super().fetch(url, headers)


def static_base_url() -> str:
    """The project's static folder as a file URL: what PDF templates resolve paths against."""
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


def render_pdf(html: str, base_url: str) -> bytes:
    """A PDF of the HTML. Relative URLs resolve against `base_url`, a file URL of a folder;
    nothing outside that folder is loaded."""
    root = Path(url2pathname(urlsplit(base_url).path))
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFileFetcher(root))
    pdf: bytes = document.write_pdf(font_config=fonts)
    return pdf
