"""Issue journey: draft → submit → comment → support → search → export, axe on every page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from ideas.models import Idea
from portal.models import Role, Unit, User
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"


@pytest.fixture
def kari(unit: Unit) -> User:
    membership = add_member(
        organisation=unit.organisation,
        email="kari@nittedal.example",
        role=Role.STAFF,
        first_name="Kari",
        last_name="Nordmann",
        unit=unit,
        password=PASSWORD,
    )
    return membership.user


def test_draft_submit_comment_support_search_export(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    kari: User,
    make_idea: Callable[..., Idea],
) -> None:
    make_idea(title="Sensorer om natten", question="Hvordan kan vi bruke sensorer om natten?")
    base = str(live_server)
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(kari.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Kari!")

    # Draft: only a title; the similar-ideas hint appears while typing.
    page.get_by_role("link", name="Meld inn en idé").first.click()
    page.get_by_label("Tittel").fill("Sensorer som varsler nattpatruljen")
    expect(page.locator("#similar-ideas")).to_contain_text("Sensorer om natten")
    axe(page)
    page.get_by_role("button", name="Lagre som utkast").click()
    expect(page.get_by_text("Utkastet er lagret")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fortsett på utkastet")
    axe(page)

    # Finish and submit, with one foundation scored 0.
    page.get_by_label("Innovasjonsspørsmål").fill("Hvordan kan vi varsle nattpatruljen i tide?")
    page.get_by_label("Hva er behovet?").fill("Brukere faller om natten og blir liggende.")
    page.get_by_role("radio", name="Tjenesteinnovasjon").check()
    page.get_by_label("Enhet").select_option(label="Hjemmetjenesten")
    page.get_by_label("Stikkord").fill("velferdsteknologi, natt")
    page.get_by_role("group", name="Team").get_by_role("radio", name="0 – mangler").check()
    page.get_by_role("button", name="Send inn idéen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sensorer som varsler nattpatruljen")
    expect(page.get_by_text("Status: Innkommet")).to_be_visible()
    expect(page.get_by_text("Advarsel: ett eller flere fundamenter mangler")).to_be_visible()
    axe(page)

    # Comment (htmx), then support by keyboard.
    page.locator("#id_body").fill("Se også https://example.org/nattilsyn")
    page.get_by_role("button", name="Publiser kommentaren").click()
    expect(page.locator("#comments")).to_contain_text("Kommentarer (1)")
    expect(page.get_by_role("link", name="https://example.org/nattilsyn")).to_be_visible()
    support = page.locator("#support-button")
    support.focus()
    page.keyboard.press("Enter")
    expect(support).to_have_attribute("aria-pressed", "true")
    axe(page)

    # Search from the list: htmx updates the results and the URL.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Alle idéer").click()
    axe(page)
    page.get_by_label("Søk i idéene").fill("varsle nattpatruljen")
    expect(page).to_have_url(re.compile(r"q=varsle(\+|%20)nattpatruljen"))
    results = page.locator("#idea-list")
    expect(results).to_contain_text("1 idé")
    expect(results.get_by_role("link", name="Sensorer som varsler nattpatruljen")).to_be_visible()
    axe(page)

    # Export what is shown.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    download = download_info.value
    assert re.fullmatch(r"ideer-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = download.path()
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Sensorer som varsler nattpatruljen"
    ]
    assert len(axe.checked) == 6


def test_typed_text_survives_a_lost_session(
    live_server: object, page: Page, axe: AxeChecker, kari: User
) -> None:
    """The form keeps a copy in the browser: after the session is gone and the user logs in
    again, the text comes back, with a notice."""
    base = str(live_server)
    page.goto(f"{base}/konto/logg-inn/?next=/ideer/ny/")
    page.get_by_label("E-post").fill(kari.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    # The similar-ideas hint asks the server 500 ms after the last keystroke: let it answer
    # before the session ends, or its request races the login below.
    with page.expect_response(lambda r: "/ideer/lignende/" in r.url and "tanke" in r.url):
        page.get_by_label("Tittel").fill("En lang tanke")
        page.get_by_label("Hva er behovet?").fill("Mye tekst som ikke må gå tapt.")
    # The copy is saved 400 ms after the last keystroke: wait for it, not for a guess.
    page.wait_for_function(
        """text => Object.keys(localStorage).some(key =>
            key.startsWith("nyttig:autosave:") && localStorage.getItem(key).includes(text))""",
        arg="Mye tekst som ikke må gå tapt.",
    )
    page.context.clear_cookies()  # the session expires
    page.goto(f"{base}/ideer/ny/")
    page.get_by_label("E-post").fill(kari.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_label("Hva er behovet?")).to_have_value("Mye tekst som ikke må gå tapt.")
    expect(page.locator("[data-autosave-notice]")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Lagre som utkast").click()
    expect(page.get_by_text("Utkastet er lagret")).to_be_visible()
    page.goto(f"{base}/ideer/ny/")
    expect(page.get_by_label("Hva er behovet?")).to_have_value("")  # the copy was dropped
