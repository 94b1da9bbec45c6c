"""A new municipality starts on its own: the operator's command creates «Lillestrøm kommune»
(3205) with its administrator, who signs in, creates units, invites ten people from an
XLSX file (preview, then confirm), and one of them accepts with a password and lands in the
portal. By keyboard only; axe on every page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from portal.invitations import invitation_url
from portal.models import Invitation, Membership, Role
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lillestrom-passord-2026"


def press_on(page: Page, target: object, key: str = "Enter") -> None:
    target.focus()  # type: ignore[attr-defined]
    page.keyboard.press(key)


def ten_people(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["E-post", "Rolle", "Enhet"])
    for number in range(1, 11):
        role = "Leder" if number == 1 else ""
        unit = "Hjemmetjenesten" if number % 2 else "Helse"
        sheet.append([f"person{number}@lillestrom.example", role, unit])
    workbook.save(path)
    return path


def test_a_municipality_onboards_its_people(
    live_server: object, page: Page, axe: AxeChecker, tmp_path: Path
) -> None:
    base = str(live_server)
    call_command(
        "organisation",
        "create",
        "--name",
        "Lillestrøm kommune",
        "--kommunenummer",
        "3205",
        "--slug",
        "lillestrom",
    )
    os.environ["NYTTIG_PASSWORD"] = PASSWORD
    try:
        call_command(
            "create_admin", "3205", "ada@lillestrom.example", "--password", "--first-name", "Ada"
        )
    finally:
        del os.environ["NYTTIG_PASSWORD"]

    # The administrator signs in and goes to the organisation's pages.
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill("ada@lillestrom.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_label("Passord").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei, Ada")
    press_on(page, page.get_by_role("link", name="Organisasjonen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Medlemmer")
    axe(page)

    # Units: «Helse», and «Hjemmetjenesten» under it.
    press_on(page, page.get_by_role("link", name="Enheter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enheter")
    axe(page)
    page.get_by_label(re.compile(r"^Navn")).fill("Helse")
    press_on(page, page.get_by_role("button", name="Opprett enheten"))
    expect(page.get_by_role("status").first).to_contain_text("Enheten Helse er opprettet.")
    page.get_by_label(re.compile(r"^Navn")).fill("Hjemmetjenesten")
    page.get_by_label("Overordnet enhet").select_option(label="Helse")
    press_on(page, page.get_by_role("button", name="Opprett enheten"))
    expect(page.get_by_role("row", name="Hjemmetjenesten")).to_contain_text("Helse")
    axe(page)

    # Ten people from an XLSX file: the preview first, nothing saved; then confirm.
    press_on(page, page.get_by_role("link", name="Invitasjoner"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitasjoner")
    axe(page)
    page.get_by_label("Eller last opp en fil").set_input_files(ten_people(tmp_path / "folk.xlsx"))
    press_on(page, page.get_by_role("button", name="Vis forhåndsvisning"))
    expect(page.get_by_text("10 personer kan inviteres. Ingenting er lagret ennå.")).to_be_visible()
    assert Invitation.objects.count() == 0
    axe(page)
    press_on(page, page.get_by_role("button", name="Send 10 invitasjoner"))
    expect(page.get_by_role("status").first).to_contain_text("10 invitasjoner er sendt.")
    assert Invitation.objects.count() == 10
    axe(page)

    # One of them opens the link from the mail (a fresh browser) and sets a password.
    invitation = Invitation.objects.get(email="person1@lillestrom.example")
    page.context.clear_cookies()
    page.goto(invitation_url(invitation).replace(settings.SITE_URL, base))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bli med i Nyttig i Lillestrøm kommune"
    )
    axe(page)
    page.get_by_label("Fornavn").fill("Per")
    page.get_by_label("Etternavn").fill("Son")
    page.get_by_label(re.compile(r"^Passord")).fill(PASSWORD)
    page.get_by_label("Gjenta passordet").fill(PASSWORD)
    press_on(page, page.get_by_role("button", name="Opprett kontoen og bli med"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei, Per")
    expect(page.get_by_role("status").first).to_contain_text(
        "Velkommen til Nyttig i Lillestrøm kommune!"
    )
    axe(page)
    membership = Membership.objects.get(user__email="person1@lillestrom.example")
    assert membership.role == Role.LEADER and membership.unit is not None
    assert membership.unit.name == "Hjemmetjenesten"
