"""Attachments in a real browser: htmx upload (multipart), a refusal, download and delete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from ideas.models import Idea
from tests.browser.conftest import AxeChecker
from tests.ideas.test_attachments import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submitter_attaches_downloads_and_deletes_a_file(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    make_idea: Callable[..., Idea],
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    idea = make_idea()
    base = str(live_server)
    page.goto(f"{base}{idea.get_absolute_url()}")
    page.get_by_label("E-post").fill("alice@nittedal.example")
    page.get_by_label("Passord").fill("pw")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(idea.title)
    section = page.locator("#attachments")
    expect(section).to_contain_text("Ingen vedlegg ennå.")

    # A PNG renamed to .pdf is refused, and the message is at the field.
    file_input = page.get_by_label("Legg ved en fil")
    file_input.set_input_files(
        {"name": "bilde.pdf", "mimeType": "application/pdf", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Last opp vedlegget").click()
    expect(page.locator("#id_file_error")).to_have_text(
        "Filen ser ut som et PNG-bilde, men heter .pdf."
    )
    axe(page)

    page.get_by_label("Legg ved en fil").set_input_files(
        {"name": "skisse.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Last opp vedlegget").click()
    expect(section.get_by_role("status")).to_have_text("«skisse.png» er lagt ved.")
    link = section.get_by_role("link", name="skisse.png")
    expect(link).to_be_visible()
    axe(page)

    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "skisse.png"

    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="Slett skisse.png").click()
    expect(section.get_by_role("status")).to_have_text("«skisse.png» er slettet.")
    expect(section.get_by_role("link", name="skisse.png")).to_have_count(0)
