"""The first journey: log in, submit an idea, find it listed, open it; axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.models import Role, Unit
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_login(organisation: object, unit: Unit) -> tuple[str, str]:
    add_member(
        organisation=unit.organisation,
        email="kari@nittedal.example",
        role=Role.STAFF,
        first_name="Kari",
        last_name="Nordmann",
        unit=unit,
        password="et-godt-passord-2025",
    )
    return "kari@nittedal.example", "et-godt-passord-2025"


def test_staff_logs_in_submits_an_idea_and_finds_it(
    live_server: object, page: Page, axe: AxeChecker, staff_login: tuple[str, str]
) -> None:
    base = str(live_server)
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    axe(page)

    page.get_by_label("E-post").fill(staff_login[0])
    page.get_by_label("Passord").fill(staff_login[1])
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Kari!")
    axe(page)

    page.get_by_role("link", name="Meld inn en idé").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld inn en idé")
    axe(page)

    # A first attempt with a badly framed question: the error is shown, nothing is lost.
    page.get_by_label("Tittel").fill("Digitalt nattilsyn")
    page.get_by_label("Innovasjonsspørsmål").fill("Kan vi gi brukerne bedre søvn?")
    page.get_by_label("Hva er behovet?").fill("Brukerne vekkes om natten.")
    page.get_by_role("radio", name="Tjenesteinnovasjon").check()
    page.get_by_label("Enhet").select_option(label="Hjemmetjenesten")
    page.get_by_role("button", name="Send inn idéen").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_question_error")).to_contain_text("Hvordan kan vi")
    expect(page.get_by_label("Hva er behovet?")).to_have_value("Brukerne vekkes om natten.")
    axe(page)

    page.get_by_label("Innovasjonsspørsmål").fill("Hvordan kan vi gi brukerne bedre søvn?")
    page.get_by_role("button", name="Send inn idéen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digitalt nattilsyn")
    expect(page.get_by_text("Status: Innkommet")).to_be_visible()
    axe(page)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Mine idéer").click()
    expect(page.get_by_role("link", name="Digitalt nattilsyn")).to_be_visible()
    axe(page)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Alle idéer").click()
    expect(page.get_by_role("link", name="Digitalt nattilsyn")).to_be_visible()
    axe(page)

    assert len(axe.checked) == 7


def test_skip_link_and_navigation_work_by_keyboard(
    live_server: object, page: Page, staff_login: tuple[str, str]
) -> None:
    base = str(live_server)
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(staff_login[0])
    page.get_by_label("Passord").fill(staff_login[1])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Kari!")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # Tab from the top through the header until «Mine idéer» and follow it with Enter.
    page.goto(f"{base}/")
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Mine idéer":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ideer/mine/$"))
