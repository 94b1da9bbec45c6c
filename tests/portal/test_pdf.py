"""The PDF helper: WeasyPrint is needed only where a PDF is made."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

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
