"""An administrator edits the phases by keyboard only, with htmx and CSP on; axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.models import Organisation, Role, User
from portal.services import add_member
from portfolio.models import Phase
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    membership = add_member(
        organisation=organisation,
        email="ada@nittedal.example",
        role=Role.ADMIN,
        first_name="Ada",
        password=PASSWORD,
    )
    return membership.user


def log_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_label("Passord").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei")


def press_on(page: Page, target: object, key: str = "Enter") -> None:
    """Focus an element (as Tab would) and press a key on it: no mouse anywhere."""
    target.focus()  # type: ignore[attr-defined]
    page.keyboard.press(key)


def phase_names(page: Page) -> list[str]:
    return page.locator("#phase-list tbody th").all_inner_texts()


def test_admin_renames_a_phase_adds_a_checkpoint_and_moves_a_phase_by_keyboard(
    live_server: object, page: Page, axe: AxeChecker, administrator: User
) -> None:
    base = str(live_server)
    log_in(page, base, administrator)
    press_on(page, page.get_by_role("link", name="Faser og innstillinger"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Faser")
    assert phase_names(page)[:3] == ["Innkommet", "Forankring", "Innsikt"]
    axe(page)

    # Move «Innsikt» up: the list is swapped in place, focus stays on the button, and the
    # live region says where the phase went. At the top, a second press says so instead.
    up = page.get_by_role("button", name="Flytt opp – Innsikt")
    press_on(page, up)
    status = page.locator("#phase-status")
    expect(status).to_have_text("«Innsikt» er flyttet opp, til plass 1 av 6.")
    expect(page.locator("#phase-list tbody th").nth(1)).to_have_text("Innsikt")
    up = page.get_by_role("button", name="Flytt opp – Innsikt")
    expect(up).to_be_focused()
    expect(up).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")
    expect(status).to_have_text("«Innsikt» står allerede først av fasene av samme type.")
    assert phase_names(page)[:3] == ["Innkommet", "Innsikt", "Forankring"]
    axe(page)

    # Rename it on its own page.
    press_on(page, page.get_by_role("link", name="Innsikt", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fasen «Innsikt»")
    axe(page)
    name = page.get_by_role("textbox", name="Navn")
    press_on(page, name, "ControlOrMeta+a")
    page.keyboard.type("Innsikt og behov")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Endringene i fasen «Innsikt og behov» er lagret.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fasen «Innsikt og behov»")
    axe(page)

    # An empty checkpoint is refused at the field; a real one is added, and focus stays
    # in the now empty field for the next one.
    new_item = page.get_by_role("textbox", name="Nytt sjekkpunkt")
    press_on(page, new_item)
    expect(page.locator("#id_nytt-text_error")).to_have_text("Skriv sjekkpunktet.")
    axe(page)
    new_item = page.get_by_role("textbox", name="Nytt sjekkpunkt")
    new_item.focus()
    page.keyboard.type("Funnene er delt med brukerne")
    page.keyboard.press("Enter")
    expect(page.locator("#checklist-status")).to_have_text(
        "Sjekkpunktet «Funnene er delt med brukerne» er lagt til."
    )
    expect(page.get_by_role("textbox", name="Sjekkpunkt 6")).to_have_value(
        "Funnene er delt med brukerne"
    )
    expect(page.get_by_role("textbox", name="Nytt sjekkpunkt")).to_be_focused()
    expect(page.get_by_role("textbox", name="Nytt sjekkpunkt")).to_have_value("")
    axe(page)

    # The checkpoint moves up by keyboard as well.
    press_on(page, page.get_by_role("button", name="Flytt opp – sjekkpunkt 6"))
    expect(page.get_by_role("textbox", name="Sjekkpunkt 5")).to_have_value(
        "Funnene er delt med brukerne"
    )
    axe(page)

    innsikt = Phase.objects.get(organisation=administrator.memberships.get().organisation, order=1)
    assert innsikt.name == "Innsikt og behov"
    texts = list(innsikt.checklist.order_by("order").values_list("text", flat=True))
    assert texts[4] == "Funnene er delt med brukerne"

    # The delete confirmation of an unused phase and the settings page pass axe too.
    page.goto(f"{base}/portefolje/faser/")
    press_on(page, page.get_by_role("link", name="Slett Pilotering"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Slette fasen «Pilotering»?")
    axe(page)
    press_on(page, page.get_by_role("link", name="Avbryt"))
    press_on(page, page.get_by_role("link", name="Innstillinger for tavla"))
    expect(page).to_have_url(re.compile(r"/portefolje/innstillinger/$"))
    axe(page)
    stalled = page.get_by_role("spinbutton", name=re.compile("Antall dager"))
    press_on(page, stalled, "ControlOrMeta+a")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    expect(page.locator("#id_stalled_after_days_error")).to_have_text(
        "Antall dager må være minst 1."
    )
    axe(page)
    assert len(axe.checked) == 10
