"""Attachments: checked by content, stored under server-made names, served only to members."""

from __future__ import annotations

import errno
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import FileResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from ideas.forms import AttachmentForm
from ideas.models import Attachment, Idea, IdeaStatus
from ideas.services import add_attachment, delete_attachment
from ideas.uploads import check_upload, clean_name
from portal.models import DomainEvent, User

ClientFor = Callable[[User | None], Client]

ALLOWED_TYPES = (
    "Tillatte typer: PDF, Word, Excel, PowerPoint, OpenDocument, bilder (PNG, JPEG, GIF, WebP), "
    "tekst og CSV."
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


# Real, minimal files, built here so the tests need no fixtures on disk.


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1 pixel, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def ooxml_bytes(main_type: str = DOCX_MAIN, part: str = "/word/document.xml") -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main_type}"/>'
        "</Types>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part.lstrip("/"), "<document/>")
    return out.getvalue()


def odf_bytes(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype)  # first and stored, as the standard asks
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hei")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
    b"/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)
HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"
SVG_IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()]


def upload_url(idea: Idea) -> str:
    return reverse("ideas:attachment_add", args=[idea.pk])


def download_url(attachment: Attachment) -> str:
    return reverse("ideas:attachment_download", args=[attachment.idea_id, attachment.pk])


def delete_url(attachment: Attachment) -> str:
    return reverse("ideas:attachment_delete", args=[attachment.idea_id, attachment.pk])


def attach(idea: Idea, user: User, name: str = "plan.pdf", data: bytes | None = None) -> Attachment:
    upload = SimpleUploadedFile(name, pdf_bytes() if data is None else data)
    return add_attachment(idea=idea, uploaded_by=user, upload=upload)


def raw_multipart(filename: str, data: bytes) -> dict[str, Any]:
    """A multipart body as a browser sends it; the test client would clean the name itself."""
    boundary = "----NyttigTestBoundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def body_of(response: object) -> bytes:
    assert isinstance(response, FileResponse)
    return response.getvalue()


# Accepted files


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Budsjett 2026.pdf", pdf_bytes(), "application/pdf"),
        ("skisse.PNG", png_bytes(), "image/png"),
        (
            "Søknad.docx",
            ooxml_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_submitter_attaches_a_file_stored_under_a_server_made_name(
    name: str,
    data: bytes,
    content_type: str,
    idea: Idea,
    alice: User,
    client_for: ClientFor,
    media_root: Path,
) -> None:
    response = client_for(alice).post(upload_url(idea), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    attachment = Attachment.objects.get()
    assert attachment.original_name == name
    assert attachment.content_type == content_type  # from the bytes, not the browser's claim
    assert attachment.size == len(data)
    assert attachment.uploaded_by == alice
    assert re.fullmatch(
        rf"attachments/{idea.organisation_id}/[0-9a-f]{{32}}", attachment.file.name or ""
    )
    assert stored_files(media_root) == [media_root / (attachment.file.name or "")]
    assert (media_root / (attachment.file.name or "")).read_bytes() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("foto.jpg", JPEG),
        ("foto.jpeg", JPEG),
        ("animasjon.gif", GIF),
        ("bilde.webp", WEBP),
        ("tall.xlsx", ooxml_bytes(XLSX_MAIN, "/xl/workbook.xml")),
        ("lysark.pptx", ooxml_bytes(PPTX_MAIN, "/ppt/presentation.xml")),
        ("notat.odt", odf_bytes("application/vnd.oasis.opendocument.text")),
        ("tall.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet")),
        ("notat.txt", "Blåbærsyltetøy og «anførselstegn»\n".encode()),
        ("tall.csv", "enhet;beløp\nHjemmetjenesten;1 200,50\n".encode()),
        ("med-bom.csv", b"\xef\xbb\xbfa;b\n1;2\n"),
    ],
)
def test_every_allowed_kind_passes_the_content_check(name: str, data: bytes) -> None:
    kind = check_upload(SimpleUploadedFile(name, data))
    assert name.lower().endswith(kind.extensions)


# Refused files: the message says why, at the field, and nothing is stored.

BAD_UPLOADS = [
    ("installer.exe", WINDOWS_EXE, f"Filtypen .exe er ikke tillatt. {ALLOWED_TYPES}"),
    ("skript.sh", b"#!/bin/sh\nrm -rf /\n", f"Filtypen .sh er ikke tillatt. {ALLOWED_TYPES}"),
    ("side.html", HTML_PAGE, "Filtypen .html er ikke tillatt."),
    ("README", b"hei", f"Filen har ingen filendelse. {ALLOWED_TYPES}"),
    ("program.pdf", ELF, "Filen ser ut som et program, men heter .pdf. Den typen er ikke tillatt."),
    ("oppsett.docx", WINDOWS_EXE, "Filen ser ut som et program, men heter .docx."),
    ("bilde.pdf", png_bytes(), "Filen ser ut som et PNG-bilde, men heter .pdf."),
    ("dokument.png", pdf_bytes(), "Filen ser ut som en PDF-fil, men heter .png."),
    ("regneark.xlsx", ooxml_bytes(), "Filen ser ut som et Word-dokument, men heter .xlsx."),
    ("notat.txt", pdf_bytes(), "Filen ser ut som en PDF-fil, men heter .txt."),
    ("side.txt", HTML_PAGE, "Filen ser ut som en HTML-fil, men heter .txt."),
    ("  side.csv", b"  \n<HTML><body onload=alert(1)>", "Filen ser ut som en HTML-fil"),
    ("tegning.txt", SVG_IMAGE, "Filen ser ut som et SVG-bilde, men heter .txt."),
    ("arkiv.docx", zip_bytes(), "Filen ser ut som et ZIP-arkiv, men heter .docx."),
    (
        "makro.docx",
        ooxml_bytes("application/vnd.ms-word.document.macroEnabled.main+xml"),
        "Filen ser ut som et Office-dokument med makroer, men heter .docx.",
    ),
    (
        "skadet.docx",
        b"PK\x03\x04" + b"\x00" * 40,
        "Filen heter .docx, men innholdet er ikke et Word-dokument.",
    ),
    (
        "tomt.odt",
        b"PK\x05\x06" + b"\x00" * 18,
        "Filen heter .odt, men innholdet er ikke et OpenDocument",
    ),
    ("tekst.pdf", b"Bare tekst, ingen PDF.", "Filen heter .pdf, men innholdet er ikke en PDF-fil."),
    (
        "latin1.csv",
        "navn;beløp\nÅse;12\n".encode("latin-1"),
        "Filen heter .csv, men er ikke ren tekst i UTF-8.",
    ),
    ("nul.txt", b"abc\x00def", "Filen heter .txt, men er ikke ren tekst i UTF-8."),
    ("tom.pdf", b"", "Filen er tom."),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_UPLOADS)
def test_refused_file_gets_a_message_at_the_field(
    name: str,
    data: bytes,
    message: str,
    idea: Idea,
    alice: User,
    client_for: ClientFor,
    media_root: Path,
) -> None:
    response = client_for(alice).post(upload_url(idea), {"file": SimpleUploadedFile(name, data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="id_file_error"' in html
    assert 'aria-invalid="true"' in html
    assert "<html" in html  # without JavaScript: a page of its own
    assert not Attachment.objects.exists()
    assert not DomainEvent.objects.filter(action="attachment.added").exists()
    assert stored_files(media_root) == []


def test_file_over_ten_megabytes_is_refused(
    idea: Idea, alice: User, client_for: ClientFor, media_root: Path
) -> None:
    data = pdf_bytes().ljust(10 * 1024 * 1024 + 1, b"\n")
    response = client_for(alice).post(
        upload_url(idea), {"file": SimpleUploadedFile("stor.pdf", data)}
    )
    assert "Filen er 10,1 MB. Største tillatte størrelse er 10 MB." in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_size_limit_is_the_setting_and_inclusive(settings: Settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    at_limit = pdf_bytes().ljust(2 * 1024 * 1024, b"\n")
    assert (
        check_upload(SimpleUploadedFile("grense.pdf", at_limit)).content_type == "application/pdf"
    )
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("over.pdf", at_limit + b"\n"))
    assert refused.value.messages == ["Filen er 2,1 MB. Største tillatte størrelse er 2 MB."]


def test_post_without_a_file_asks_for_one(idea: Idea, alice: User, client_for: ClientFor) -> None:
    response = client_for(alice).post(upload_url(idea), {})
    assert "Velg en fil å legge ved." in response.content.decode()
    assert not Attachment.objects.exists()


def test_refused_file_with_htmx_returns_the_fragment_with_the_message(
    idea: Idea, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        upload_url(idea),
        {"file": SimpleUploadedFile("bilde.pdf", png_bytes())},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx responses only
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="attachments"')
    assert "Filen ser ut som et PNG-bilde, men heter .pdf." in html
    assert 'id="id_file_error"' in html


def test_service_checks_the_upload_itself(idea: Idea, alice: User, media_root: Path) -> None:
    with pytest.raises(ValidationError):
        attach(idea, alice, "bilde.pdf", png_bytes())
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


# Storage that cannot write


def failing_save(error: OSError) -> Callable[..., str]:
    def save(*args: object, **kwargs: object) -> str:
        raise error

    return save


STORAGE_ERRORS = [
    pytest.param(OSError(errno.ENOSPC, "No space left on device"), id="disk-full"),
    pytest.param(PermissionError(errno.EACCES, "Permission denied"), id="no-permission"),
]
NOT_STORED = "Filen kunne ikke lagres på serveren (lagringen er full eller utilgjengelig)."


@pytest.mark.parametrize("error", STORAGE_ERRORS)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_file_the_storage_cannot_write_gets_a_message_at_the_field(
    error: OSError,
    htmx: bool,
    idea: Idea,
    alice: User,
    client_for: ClientFor,
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(FileSystemStorage, "_save", failing_save(error))  # the default storage
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(alice).post(
        upload_url(idea), {"file": SimpleUploadedFile("plan.pdf", pdf_bytes())}, **headers
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx only: the message must reach the field
    assert NOT_STORED in html
    assert 'id="id_file_error"' in html
    assert 'aria-invalid="true"' in html
    if htmx:
        assert html.lstrip().startswith('<section id="attachments"')
    else:
        assert "<html" in html  # without JavaScript: a page of its own
    assert not Attachment.objects.exists()
    assert not DomainEvent.objects.filter(action="attachment.added").exists()
    assert stored_files(media_root) == []


def test_file_is_removed_when_the_row_cannot_be_saved(
    idea: Idea, alice: User, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_event(**kwargs: object) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr("ideas.services.record_event", broken_event)
    with pytest.raises(RuntimeError):
        attach(idea, alice)
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_attaching_refuses_to_run_inside_a_callers_transaction(
    idea: Idea, alice: User, media_root: Path
) -> None:
    # Inside a caller's transaction a later rollback would strand the stored file.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        attach(idea, alice)
    assert stored_files(media_root) == []


# Hostile names and text


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\plan.pdf", "plan.pdf"),
        ("/var/www/html/index.pdf", "index.pdf"),
    ],
)
def test_path_in_the_file_name_is_dropped_and_the_file_stored_under_a_server_made_name(
    sent: str, kept: str, idea: Idea, alice: User, client_for: ClientFor, media_root: Path
) -> None:
    response = client_for(alice).post(upload_url(idea), **raw_multipart(sent, pdf_bytes()))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == kept
    assert re.fullmatch(
        rf"attachments/{idea.organisation_id}/[0-9a-f]{{32}}", attachment.file.name or ""
    )
    assert stored_files(media_root) == [media_root / (attachment.file.name or "")]


@pytest.mark.parametrize(
    "name",
    ["<script>.pdf", "<svg onload=alert(1)>.pdf", "<img src=x onerror='alert(1)'>.pdf"],
)
def test_markup_in_the_file_name_is_escaped_on_the_page_and_in_the_fragment(
    name: str, idea: Idea, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    fragment = client.post(
        upload_url(idea), **raw_multipart(name, pdf_bytes()), HTTP_HX_REQUEST="true"
    ).content.decode()
    page = client.get(idea.get_absolute_url()).content.decode()
    assert Attachment.objects.get().original_name == name
    for html in (fragment, page):
        assert name not in html
        assert escape(name) in html


def test_path_without_an_extension_is_refused(
    idea: Idea, alice: User, client_for: ClientFor, media_root: Path
) -> None:
    response = client_for(alice).post(
        upload_url(idea), **raw_multipart("../../etc/passwd", b"root:x:0:0")
    )
    assert "Filen har ingen filendelse." in response.content.decode()
    assert stored_files(media_root) == []


def test_invisible_characters_are_removed_from_the_name() -> None:
    # U+202E makes «rapport\u202efdp.exe» display as «rapportexe.pdf».
    assert clean_name("rapport\u202efdp.exe") == "rapportfdp.exe"
    assert clean_name("plan\r\n.pdf") == "plan.pdf"
    with pytest.raises(ValidationError, match="Filtypen .exe er ikke tillatt"):
        check_upload(SimpleUploadedFile("rapport\u202efdp.exe", pdf_bytes()))


def test_overlong_name_is_cut_to_255_characters_keeping_the_extension(
    idea: Idea, alice: User, client_for: ClientFor
) -> None:
    # Django shortens upload names over 255 characters before any check sees them.
    name = "a" * 300 + ".pdf"
    client_for(alice).post(upload_url(idea), {"file": SimpleUploadedFile(name, pdf_bytes())})
    attachment = Attachment.objects.get()
    assert len(attachment.original_name) == 255
    assert attachment.original_name.endswith("a.pdf")


def test_text_with_markup_inside_is_accepted_but_only_ever_downloaded(
    idea: Idea, alice: User, bob: User, client_for: ClientFor
) -> None:
    """Decision: plain text may mention <script>; a file that *starts* as a web page is
    refused (above), and every download is an octet-stream attachment with nosniff and a
    sandboxing CSP, so no browser renders it in the portal's origin."""
    data = b"Notat fra verksted\nEksempel: <script>alert(1)</script>\n"
    attachment = attach(idea, alice, "notat.txt", data)
    assert attachment.content_type == "text/plain"
    response = client_for(bob).get(download_url(attachment))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body_of(response) == data


# Downloads: members only, always as attachments


def test_member_downloads_the_file_as_an_attachment(
    idea: Idea, alice: User, leader: User, client_for: ClientFor
) -> None:
    data = pdf_bytes()
    attachment = attach(idea, alice, "Søknad om midler.pdf", data)
    response = client_for(leader).get(download_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''S%C3%B8knad%20om%20midler.pdf"
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert body_of(response) == data


def test_quote_in_the_name_cannot_break_the_header(
    idea: Idea, alice: User, client_for: ClientFor
) -> None:
    attachment = attach(idea, alice, 'plan"; filename="evil.html.pdf')
    disposition = client_for(alice).get(download_url(attachment))["Content-Disposition"]
    assert disposition == 'attachment; filename="plan\\"; filename=\\"evil.html.pdf"'


def test_outsider_gets_404_for_an_attachment(
    idea: Idea, alice: User, charlie: User, client_for: ClientFor
) -> None:
    attachment = attach(idea, alice)
    assert client_for(charlie).get(download_url(attachment)).status_code == 404
    assert client_for(charlie).post(delete_url(attachment)).status_code == 404
    response = client_for(charlie).post(
        upload_url(idea), {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    assert response.status_code == 404
    assert Attachment.objects.count() == 1


def test_anonymous_is_sent_to_login(idea: Idea, alice: User, client_for: ClientFor) -> None:
    attachment = attach(idea, alice)
    response = client_for(None).get(download_url(attachment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_attachment_is_reached_only_through_its_own_idea(
    make_idea: Callable[..., Idea], idea: Idea, alice: User, client_for: ClientFor
) -> None:
    other = make_idea(title="En annen idé")
    attachment = attach(other, alice)
    wrong = reverse("ideas:attachment_download", args=[idea.pk, attachment.pk])
    assert client_for(alice).get(wrong).status_code == 404


def test_attachments_of_other_peoples_drafts_are_hidden(
    idea: Idea, alice: User, bob: User, client_for: ClientFor
) -> None:
    attachment = attach(idea, alice)
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.DRAFT)
    assert client_for(bob).get(download_url(attachment)).status_code == 404
    assert client_for(alice).get(download_url(attachment)).status_code == 200


def test_missing_file_is_a_404_not_an_error(
    idea: Idea, alice: User, client_for: ClientFor, media_root: Path
) -> None:
    attachment = attach(idea, alice)
    (media_root / (attachment.file.name or "")).unlink()
    assert client_for(alice).get(download_url(attachment)).status_code == 404


def test_media_files_have_no_public_url(idea: Idea, alice: User, client_for: ClientFor) -> None:
    attachment = attach(idea, alice)
    for url in (f"/media/{attachment.file.name}", f"/{attachment.file.name}"):
        assert client_for(alice).get(url).status_code == 404


# Who may attach and delete


def test_board_attaches_to_any_idea_and_others_may_not(
    idea: Idea, bob: User, leader: User, client_for: ClientFor
) -> None:
    def post(user: User) -> int:
        upload = SimpleUploadedFile("plan.pdf", pdf_bytes())
        return client_for(user).post(upload_url(idea), {"file": upload}).status_code

    assert post(leader) == 403
    assert post(bob) == 302
    assert Attachment.objects.get().uploaded_by == bob


def test_submitter_may_not_attach_after_triage(
    idea: Idea, alice: User, client_for: ClientFor
) -> None:
    Idea.objects.filter(pk=idea.pk).update(triaged_at=timezone.now())
    upload = SimpleUploadedFile("plan.pdf", pdf_bytes())
    assert client_for(alice).post(upload_url(idea), {"file": upload}).status_code == 403
    idea.refresh_from_db()
    with pytest.raises(PermissionDenied):
        attach(idea, alice)


def test_upload_form_is_shown_only_to_those_who_may_attach(
    idea: Idea, alice: User, leader: User, client_for: ClientFor
) -> None:
    form_marker = 'enctype="multipart/form-data"'
    assert form_marker in client_for(alice).get(idea.get_absolute_url()).content.decode()
    assert form_marker not in client_for(leader).get(idea.get_absolute_url()).content.decode()


def test_uploader_and_board_delete_but_other_staff_may_not(
    idea: Idea,
    alice: User,
    bob: User,
    leader: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    first, second = attach(idea, alice, "en.pdf"), attach(idea, alice, "to.pdf")
    assert client_for(leader).post(delete_url(first)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).post(delete_url(first)).status_code == 302
        assert client_for(bob).post(delete_url(second)).status_code == 302
    assert not Attachment.objects.exists()


def test_delete_removes_the_file_only_after_commit(
    idea: Idea,
    alice: User,
    media_root: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    attachment = attach(idea, alice)
    path = media_root / (attachment.file.name or "")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_attachment(attachment=attachment, actor=alice)
    assert path.exists()  # a rolled-back delete would still have its file
    for callback in callbacks:
        callback()
    assert not path.exists()


# Events, page and fragment


def test_adding_and_deleting_record_events_on_the_idea(
    idea: Idea,
    alice: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    data = png_bytes()
    attachment = attach(idea, alice, "skisse.png", data)
    with django_capture_on_commit_callbacks(execute=True):
        delete_attachment(attachment=attachment, actor=alice)
    state = {"name": "skisse.png", "size": len(data), "content_type": "image/png"}
    added = DomainEvent.objects.get(action="attachment.added")
    deleted = DomainEvent.objects.get(action="attachment.deleted")
    for event in (added, deleted):
        assert (event.subject_type, event.subject_id) == ("ideas.idea", idea.pk)
        assert event.actor == alice
        assert event.organisation_id == idea.organisation_id
    assert added.after == state and added.before == {}
    assert deleted.before == state and deleted.after == {}


def test_upload_with_htmx_returns_the_list_fragment(
    idea: Idea, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        upload_url(idea),
        {"file": SimpleUploadedFile("skisse.png", png_bytes())},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="attachments"')
    assert "skisse.png" in html
    assert "«skisse.png» er lagt ved." in html
    assert Attachment.objects.count() == 1


def test_delete_with_htmx_returns_the_fragment_and_without_redirects(
    idea: Idea,
    alice: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    first, second = attach(idea, alice, "en.pdf"), attach(idea, alice, "to.pdf")
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        fragment = client.post(delete_url(first), HTTP_HX_REQUEST="true").content.decode()
        page = client.post(delete_url(second))
    assert fragment.lstrip().startswith('<section id="attachments"')
    assert "«en.pdf» er slettet." in fragment and "to.pdf" in fragment
    assert page.status_code == 302 and page["Location"] == idea.get_absolute_url()


def test_idea_page_lists_attachments_with_norwegian_sizes(
    idea: Idea, alice: User, bob: User, client_for: ClientFor
) -> None:
    big = pdf_bytes().ljust(1_258_291, b"\n")  # 1.2 MiB
    attachment = attach(idea, alice, "rapport.pdf", big)
    html = client_for(bob).get(idea.get_absolute_url()).content.decode()
    assert "rapport.pdf" in html
    assert "1,2\xa0MB" in html
    assert download_url(attachment) in html
    assert delete_url(attachment) in html  # the board may delete
    assert 'hx-encoding="multipart/form-data"' in html
    assert '<label class="ds-label" for="id_file">' in html


def test_attachment_list_query_count_does_not_grow(
    idea: Idea, alice: User, bob: User, client_for: ClientFor
) -> None:
    client = client_for(bob)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(idea.get_absolute_url()).status_code == 200
        return len(captured)

    attach(idea, alice, "en.pdf")
    one = queries()
    for n in range(5):
        attach(idea, bob, f"fil-{n}.pdf")
    assert queries() == one


def test_form_renders_a_labelled_designsystemet_file_input() -> None:
    html = str(AttachmentForm()["file"].as_field_group())
    assert 'class="ds-input"' in html
    assert 'type="file"' in html
    assert 'accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.txt,.csv"' in html
    assert "Høyst 10 MB." in html
    assert 'aria-describedby="id_file_helptext"' in html
