"""Which files may be attached to an idea, judged by their content and not only their name.

The browser's file name and content type are claims. The bytes decide what a file is
(puremagic for the signatures; for the ZIP-based office formats the archive's own
`[Content_Types].xml` or `mimetype` entry), and the extension must agree with them. A refused
file gets a Bokmål message that says why.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
import zlib
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_NAME_LENGTH = 255
MEGABYTE = 1024 * 1024
# Entries read from inside an archive are small XML files; a bigger one is a ZIP bomb.
MAX_ZIP_ENTRY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str | Promise  # as a message names it, with its article: «et PNG-bilde»
    content_type: str
    extensions: tuple[str, ...] = ()


PDF = FileKind(_("en PDF-fil"), "application/pdf", (".pdf",))
PNG = FileKind(_("et PNG-bilde"), "image/png", (".png",))
JPEG = FileKind(_("et JPEG-bilde"), "image/jpeg", (".jpg", ".jpeg"))
GIF = FileKind(_("et GIF-bilde"), "image/gif", (".gif",))
WEBP = FileKind(_("et WebP-bilde"), "image/webp", (".webp",))
DOCX = FileKind(
    _("et Word-dokument"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    _("et Excel-regneark"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PPTX = FileKind(
    _("en PowerPoint-presentasjon"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = FileKind(
    _("et OpenDocument-tekstdokument"), "application/vnd.oasis.opendocument.text", (".odt",)
)
ODS = FileKind(
    _("et OpenDocument-regneark"), "application/vnd.oasis.opendocument.spreadsheet", (".ods",)
)
# Plain text has no signature: it is accepted by its extension once the bytes read as text.
TEXT = FileKind(_("en tekstfil"), "text/plain", (".txt",))
CSV = FileKind(_("en CSV-fil"), "text/csv", (".csv",))

ALLOWED_KINDS = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, TEXT, CSV)
KIND_BY_EXTENSION = {ext: kind for kind in ALLOWED_KINDS for ext in kind.extensions}
ACCEPT = ",".join(KIND_BY_EXTENSION)
ALLOWED_TYPES_TEXT = _(
    "PDF, Word, Excel, PowerPoint, OpenDocument, bilder (PNG, JPEG, GIF, WebP), tekst og CSV"
)

# Recognised only to tell the uploader what a refused file is.
HTML = FileKind(_("en HTML-fil"), "text/html")
SVG = FileKind(_("et SVG-bilde"), "image/svg+xml")
XML = FileKind(_("en XML-fil"), "application/xml")
PROGRAM = FileKind(_("et program"), "application/octet-stream")
ZIP = FileKind(_("et ZIP-arkiv"), "application/zip")
OFFICE_WITH_MACROS = FileKind(_("et Office-dokument med makroer"), "application/octet-stream")

SIGNATURE_KINDS = {kind.content_type: kind for kind in (PDF, PNG, JPEG, GIF, WEBP)}
# The WHATWG MIME Sniffing Standard's HTML patterns: a browser that sniffs takes text that
# starts so (after blanks, in any case, followed by a space or «>») for HTML.
HTML_PATTERNS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
)
# Windows PE, ELF and Mach-O: puremagic names these by obscure relatives, so check them here.
PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
OOXML_MAIN_TYPES = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
ODF_MIMETYPES = {kind.content_type.encode(): kind for kind in (ODT, ODS)}
CONTENT_TYPE_ATTRIBUTE = re.compile(rb'ContentType="([^"]+)"')


def format_megabytes(size: int) -> str:
    """«12,4» (MB), rounded up so that a file just over the limit never reads as the limit."""
    tenths = math.ceil(size * 10 / MEGABYTE)
    return number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)


def clean_name(name: str) -> str:
    """The uploader's file name without folders or invisible characters (such as the
    right-to-left override that makes «fil\u202efdp.exe» read as «filexe.pdf»)."""
    base = os.path.basename(name.replace("\\", "/"))
    return "".join(ch for ch in base if ch.isprintable()).strip()


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_ZIP_ENTRY_BYTES:
        raise ValueError(f"{name} is too large for what it claims to be.")
    with archive.open(name) as entry:
        return entry.read(MAX_ZIP_ENTRY_BYTES + 1)[:MAX_ZIP_ENTRY_BYTES]


def _zip_kind(data: bytes) -> FileKind | None:
    """What an OOXML or ODF file says it is inside; ZIP for any other archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF_MIMETYPES.get(_read_entry(archive, "mimetype").strip(), ZIP)
            if "[Content_Types].xml" in names:
                types = set(
                    CONTENT_TYPE_ATTRIBUTE.findall(_read_entry(archive, "[Content_Types].xml"))
                )
                if any(b"macroEnabled" in t or b"vbaProject" in t for t in types):
                    return OFFICE_WITH_MACROS
                for main_type, kind in OOXML_MAIN_TYPES.items():
                    if main_type in types:
                        return kind
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
        return None  # damaged, encrypted or oversized: not the document it claims to be
    except NotImplementedError:
        return None  # a compression method Office and LibreOffice never write
    return ZIP


def _signature_kind(data: bytes) -> FileKind | None:
    try:
        matches = puremagic.magic_string(data[:4096])
    except puremagic.PureError:
        return None
    return next(
        (SIGNATURE_KINDS[m.mime_type] for m in matches if m.mime_type in SIGNATURE_KINDS), None
    )


def _markup_kind(data: bytes) -> FileKind | None:
    start = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b"\t\n\x0c\r ").lower()
    if start.startswith(b"<?xml"):
        return XML
    if start.startswith((b"<svg ", b"<svg>")):
        return SVG
    if any(start.startswith((p + b" ", p + b">")) for p in HTML_PATTERNS):
        return HTML
    return None


def detect_kind(data: bytes) -> FileKind | None:
    """What the bytes are, whatever the file is called. None if they are nothing we know."""
    if data.startswith(PROGRAM_SIGNATURES):
        return PROGRAM
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return _signature_kind(data) or _markup_kind(data)


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_upload(upload: UploadedFile[bytes]) -> FileKind:
    """The kind of an acceptable upload, or a ValidationError that says why it is refused."""
    extension = _check_name_and_size(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return _check_content(data, extension)


def _check_name_and_size(upload: UploadedFile[bytes]) -> str:
    """The upload's extension, once its name, size and extension are acceptable."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            gettext("Filnavnet har %(length)d tegn. Gi filen et navn på høyst %(max)d tegn."),
            code="name_too_long",
            params={"length": len(name), "max": MAX_NAME_LENGTH},
        )
    if size == 0:
        raise ValidationError(gettext("Filen er tom."), code="empty")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            gettext("Filen er %(size)s MB. Største tillatte størrelse er %(max)s MB."),
            code="too_large",
            params={
                "size": format_megabytes(size),
                "max": format_megabytes(settings.ATTACHMENT_MAX_BYTES),
            },
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in KIND_BY_EXTENSION:
        message = (
            gettext("Filtypen %(extension)s er ikke tillatt. Tillatte typer: %(allowed)s.")
            if extension
            else gettext("Filen har ingen filendelse. Tillatte typer: %(allowed)s.")
        )
        raise ValidationError(
            message,
            code="extension",
            params={"extension": extension, "allowed": ALLOWED_TYPES_TEXT},
        )
    return extension


def _check_content(data: bytes, extension: str) -> FileKind:
    """The kind the extension promises, if the bytes are that kind."""
    expected = KIND_BY_EXTENSION[extension]
    detected = detect_kind(data)
    if detected is expected:
        return expected
    if detected is None and expected in (TEXT, CSV):
        if _is_plain_text(data):
            return expected
        raise ValidationError(
            gettext("Filen heter %(extension)s, men er ikke ren tekst i UTF-8."),
            code="not_text",
            params={"extension": extension},
        )
    if detected is None:
        raise ValidationError(
            gettext("Filen heter %(extension)s, men innholdet er ikke %(expected)s."),
            code="content_mismatch",
            params={"extension": extension, "expected": expected.label},
        )
    message = (
        gettext("Filen ser ut som %(detected)s, men heter %(extension)s.")
        if detected in ALLOWED_KINDS
        else gettext(
            "Filen ser ut som %(detected)s, men heter %(extension)s. Den typen er ikke tillatt."
        )
    )
    raise ValidationError(
        message,
        code="content_mismatch",
        params={"extension": extension, "detected": detected.label},
    )


def validate_attachment(upload: UploadedFile[bytes]) -> None:
    check_upload(upload)


def storage_failed() -> ValidationError:
    """What the uploader reads when the server could not write the file (disk full, no
    permission): not their fault, and nothing they did is lost but the upload itself."""
    return ValidationError(
        gettext(
            "Filen kunne ikke lagres på serveren (lagringen er full eller utilgjengelig). "
            "Det er ikke noe galt med filen. Prøv igjen senere, eller si fra til en "
            "administrator hvis det skjer igjen."
        ),
        code="not_stored",
    )
