"""A leader, by keyboard only, goes from the leaders' dashboard to the year's assessment,
answers a dimension with a ticked practice and its evidence (a link and a saksnummer), and
records the agreed level with its reasoning; axe on every page on the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from maturity.models import AgreedLevel, CriterionTick
from portal.models import User
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"
PRACTICE = "Innovasjonsstrategien er vedtatt av kommunestyret"
LINK = "https://www.nittedal.kommune.no/politikk/sak-2025-45"


def tab_to(page: Page, target: Locator, limit: int = 120) -> None:
    """Press Tab until the target has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def log_in(page: Page, base: str, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{base}/konto/logg-inn/?next=/strategi/ledelse/")
    type_into(page, page.get_by_label("E-post"), user.email)
    type_into(page, page.get_by_label("Passord"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledelsens oversikt")


def test_a_leader_answers_and_records_the_agreed_level_by_keyboard(
    live_server: object, page: Page, axe: AxeChecker, leader: User
) -> None:
    base = str(live_server)
    log_in(page, base, leader)
    axe(page)  # the dashboard
    tab_to(page, page.get_by_role("link", name="Årlig modenhetsvurdering"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modenhetsvurdering")
    axe(page)

    type_into(page, page.get_by_role("spinbutton", name="År"), "2025")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modenhetsvurdering 2025")
    expect(page.get_by_text("Vurderingen for 2025 er åpnet.")).to_be_visible()
    axe(page)

    tab_to(page, page.get_by_role("link", name="Svar for dimensjonen – Strategi og forankring"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt svar: Strategi og forankring")
    axe(page)

    tab_to(page, page.get_by_role("radio", name="1. Vente å se"))
    page.keyboard.press("Space")
    type_into(page, page.get_by_role("textbox", name="Begrunnelse"), "Strategien er vedtatt i år.")
    practice = page.get_by_role("group", name=PRACTICE)
    tick = practice.get_by_role("checkbox", name="Praksisen er på plass")
    tab_to(page, tick)
    page.keyboard.press("Space")
    expect(tick).to_be_checked()
    type_into(page, practice.get_by_label("Lenke til vedtaket"), LINK)
    tab_to(page, page.get_by_role("button", name="Lagre svaret"))
    page.keyboard.press("Enter")
    # No saksnummer: refused at its field, the link and the tick kept, the summary focused.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(practice).to_contain_text("Skriv saksnummeret for vedtaket")
    expect(practice.get_by_label("Lenke til vedtaket")).to_have_value(LINK)
    expect(page.get_by_role("textbox", name="Begrunnelse")).to_have_value(
        "Strategien er vedtatt i år."
    )
    axe(page)
    assert not CriterionTick.objects.exists()

    type_into(page, practice.get_by_label("Saksnummer"), "2025/45")
    tab_to(page, page.get_by_role("button", name="Lagre svaret"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Svaret ditt for «Strategi og forankring» er lagret.")).to_be_visible()
    evidence = page.get_by_role("link", name="Sak 2025/45")
    expect(evidence).to_have_attribute("href", LINK)
    expect(page.get_by_text("1 svar: nivå 1 «Vente å se».")).to_be_visible()
    axe(page)

    tab_to(page, page.get_by_role("link", name="Registrer omforent nivå"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Omforent nivå for 2025")
    expect(
        page.get_by_role("heading", name="Nøkkeltall for 2025 – støtte, ikke fasit")
    ).to_be_visible()
    axe(page)
    tab_to(page, page.get_by_role("radio", name="1. Vente å se"))
    page.keyboard.press("Space")
    type_into(
        page,
        page.get_by_role("textbox", name="Begrunnelse"),
        "Vi er i gang, men venter fortsatt på andre.",
    )
    tab_to(page, page.get_by_role("button", name="Registrer omforent nivå"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Det omforente nivået for 2025 er registrert.")).to_be_visible()
    expect(page.get_by_text("Nivå 1: Vente å se")).to_be_visible()
    expect(page.get_by_text("Vi er i gang, men venter fortsatt på andre.")).to_be_visible()
    expect(page.get_by_role("link", name="Endre omforent nivå")).to_be_visible()
    axe(page)
    agreed = AgreedLevel.objects.get()
    assert (agreed.version, agreed.level.level, agreed.agreed_by) == (1, 1, leader)
    assert len(axe.checked) == 8  # the dashboard, then the assessment pages
