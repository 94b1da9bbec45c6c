"""A new municipality starts on its own: the operator's command creates «Lillestrøm kommune»
(3205) with its administrator, who signs in, creates units, invites ten people from an
XLSX file (preview, then confirm), and one of them accepts with a password and lands in the
portal. Then the operator turns on Entra ID (against a real local OpenID provider standing
in for Microsoft): a second invitee accepts by signing in with Entra ID, and a third, who
signs in with an account from another tenant, is refused. By keyboard only; axe on every
page of Nyttig's."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from portal.invitations import invitation_url
from portal.models import Invitation, Membership, Organisation, Role
from tests.browser.conftest import AxeChecker
from tests.oidc import OTHER_TENANT, TENANT, running_provider

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


def entra_accept(browser: Browser, axe: AxeChecker, link: str, sub: str, provider_url: str) -> Page:
    """Open an invitation link in a browser of its own and accept with Entra ID, signing in
    at the provider as `sub`. The provider's own form loads assets from the internet (not
    reachable here), so this context does not fail on its console; Nyttig's pages get axe."""
    context = browser.new_context(locale="nb-NO", reduced_motion="reduce")
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Med jobbkontoen din")).to_be_visible()
    axe(page)
    press_on(page, page.get_by_role("button", name="Logg inn med Entra ID"))
    page.wait_for_url(f"{provider_url}/**")
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    return page


def test_a_municipality_onboards_its_people(
    live_server: object,
    page: Page,
    browser: Browser,
    axe: AxeChecker,
    tmp_path: Path,
    settings: Settings,
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

    # The operator turns on Entra ID for Lillestrøm (the provider stands in for Microsoft).
    with running_provider() as provider:
        settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", provider.url]}
        call_command(
            "configure_entra",
            "lillestrom",
            "--tenant",
            TENANT,
            "--client-id",
            "lillestrom-nyttig",
            "--authority",
            provider.url,
        )
        assert Organisation.objects.get(slug="lillestrom").entra_enabled

        # A second invitee accepts with their work account.
        second = Invitation.objects.get(email="person2@lillestrom.example")
        entra = entra_accept(
            browser,
            axe,
            invitation_url(second).replace(settings.SITE_URL, base),
            provider.person("person2@lillestrom.example"),
            provider.url,
        )
        expect(entra.get_by_role("status").first).to_contain_text(
            "Velkommen til Nyttig i Lillestrøm kommune!"
        )
        axe(entra)
        joined = Membership.objects.get(user__email="person2@lillestrom.example")
        assert joined.unit is not None and joined.unit.name == "Helse"
        second.refresh_from_db()
        assert second.accepted_by == joined.user
        entra.context.close()

        # A third signs in with an account from another tenant: refused, nothing joins.
        third = Invitation.objects.get(email="person3@lillestrom.example")
        refused = entra_accept(
            browser,
            axe,
            invitation_url(third).replace(settings.SITE_URL, base),
            provider.person("person3@lillestrom.example", tenant=OTHER_TENANT),
            provider.url,
        )
        expect(refused.locator(".ds-alert")).to_contain_text("en annen organisasjon i Microsoft")
        axe(refused)
        refused.context.close()
        assert not Membership.objects.filter(user__email="person3@lillestrom.example").exists()
        third.refresh_from_db()
        assert third.accepted_at is None
