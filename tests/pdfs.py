"""Reading PDFs in tests with pypdf, so no test needs poppler's command-line tools."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

A4_POINTS = (595.276, 841.89)


def pdf_text(content: bytes) -> str:
    """The text of every page, in layout order, with non-breaking spaces as ordinary ones."""
    reader = PdfReader(BytesIO(content))
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def page_sizes(content: bytes) -> list[tuple[float, float]]:
    """Width and height of each page in points, rounded as pdfinfo prints them."""
    reader = PdfReader(BytesIO(content))
    return [
        (round(float(page.mediabox.width), 3), round(float(page.mediabox.height), 3))
        for page in reader.pages
    ]
