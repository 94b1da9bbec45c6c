"""The statements, the download of one's own data and the erasure of a former member, in a
real browser; axe on every page on the way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.models import Membership, Organisation, User
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, email: str) -> None:
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill("pw")
    page.get_by_role("button", name="Logg inn").click()


def test_a_visitor_reads_the_statements_from_the_login_pages_footer(
    live_server: object, page: Page, axe: AxeChecker, organisation: Organisation
) -> None:
    page.goto(f"{live_server}/konto/logg-inn/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Tilgjengelighetserklæring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgjengelighetserklæring")
    expect(page.get_by_role("link", name="Se erklæringen i uustatus.no")).to_be_visible()
    axe(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Personvernerklæring").click()
    expect(page.get_by_role("heading", name="Behandlingsgrunnlag")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nittedal kommune er behandlingsansvarlig")
    axe(page)


def test_an_administrator_edits_the_statement_and_erases_a_former_member(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    admin: User,
    organisation: Organisation,
) -> None:
    former = add_member(
        organisation=organisation,
        email="tidligere@nittedal.example",
        first_name="Tora",
        last_name="Tidligere",
    )
    Membership.objects.filter(pk=former.pk).update(is_active=False, deactivated_at=timezone.now())
    page.goto(f"{live_server}/konto/logg-inn/?next=/personvern/")
    _sign_in(page, "admin@nittedal.example")
    page.get_by_role("link", name="Endre teksten").click()
    axe(page)
    text = page.get_by_label("Teksten på siden")
    text.fill("## Kontakt\n\nPersonvernombudet nås på personvern@nittedal.kommune.no.")
    text.press("Tab")
    page.keyboard.press("Enter")  # the focus is on «Lagre erklæringen»
    expect(page.get_by_role("status")).to_contain_text("Erklæringen er lagret.")
    expect(page.get_by_role("link", name="personvern@nittedal.kommune.no")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Slett personopplysningene til tidligere medlemmer").click()
    axe(page)
    page.get_by_role("link", name="Slett personopplysningene til Tora Tidligere").click()
    axe(page)
    page.get_by_role("button", name="Slett personopplysningene").click()
    expect(page.get_by_role("status")).to_contain_text("Personopplysningene er slettet.")
    expect(page.locator("main")).to_contain_text("Ingen tidligere medlemmer venter på sletting.")
    axe(page)
    assert User.objects.get(pk=former.user_id).get_full_name() == "Slettet person"


def test_a_member_downloads_their_own_data(
    live_server: object, page: Page, axe: AxeChecker, alice: User, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/")
    _sign_in(page, "alice@nittedal.example")
    page.get_by_role("contentinfo").get_by_role("link", name="Mine data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine data")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned mine data (JSON)").click()
    path = tmp_path / "data.json"
    download.value.save_as(path)
    assert json.loads(path.read_text())["profil"]["e-post"] == "alice@nittedal.example"
    assert len(axe.checked) == 1
