"""A leader enters a hand-entered KPI's value for the year by keyboard alone, first with a
mistake; CSP on, axe on every page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from maturity.models import Kpi, KpiValue
from portal.models import Organisation, Role, User
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"
NBSP = "\u00a0"


@pytest.fixture
def lena(organisation: Organisation) -> User:
    membership = add_member(
        organisation=organisation,
        email="lena@nittedal.example",
        role=Role.LEADER,
        first_name="Lena",
        password=PASSWORD,
    )
    return membership.user


def press_on(page: Page, target: object, key: str = "Enter") -> None:
    """Focus an element (as Tab would) and press a key on it: no mouse anywhere."""
    target.focus()  # type: ignore[attr-defined]
    page.keyboard.press(key)


def test_a_leader_enters_a_kpi_value_by_keyboard(
    live_server: object, page: Page, axe: AxeChecker, lena: User, organisation: Organisation
) -> None:
    base = str(live_server)
    year = timezone.localdate().year
    kpi = Kpi.objects.get(organisation=organisation, metric="")
    page.goto(f"{base}/konto/logg-inn/?next={reverse('maturity:kpi_list')}")
    page.get_by_label("E-post").fill(lena.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_label("Passord").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nøkkeltall")
    axe(page)

    press_on(page, page.get_by_role("link", name=f"Registrer verdier – {kpi.name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(kpi.name)
    expect(page.locator(f"#ar-{year}")).to_contain_text("Ikke registrert")
    axe(page)

    press_on(page, page.get_by_role("link", name=f"Registrer verdi for {year}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"«{kpi.name}» for {year}")
    axe(page)
    # Typed with a mistake: more than 100 per cent. The error is at the field, and the
    # source typed stays.
    value = page.get_by_label("Verdi")
    value.focus()
    page.keyboard.type("120")
    page.keyboard.press("Tab")
    page.keyboard.type("Læringsplattformen, årsrapport")
    page.keyboard.press("Enter")
    expect(page.locator("#id_value_error")).to_have_text("En andel i prosent er fra 0 til 100.")
    expect(page.get_by_label("Kilde")).to_have_value("Læringsplattformen, årsrapport")
    assert not KpiValue.objects.exists()
    axe(page)

    # The error summary links to the field; fix it and save by keyboard.
    press_on(page, page.get_by_role("link", name="Verdi: En andel i prosent er fra 0 til 100."))
    expect(page.get_by_label("Verdi")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("37,5")
    press_on(page, page.get_by_role("button", name="Lagre verdien"))
    expect(page.get_by_text(f"Verdien for «{kpi.name}» for {year} er lagret.")).to_be_visible()
    row = page.locator(f"#ar-{year}")
    expect(row).to_contain_text(f"37,5{NBSP}%")
    expect(row).to_contain_text("Læringsplattformen, årsrapport")
    expect(row).to_contain_text("Lena")
    axe(page)
    saved = KpiValue.objects.get(kpi=kpi, year=year)
    assert (saved.value, saved.recorded_by) == (Decimal("37.5"), lena)


def test_an_administrator_defines_a_kpi_and_deletes_it_by_keyboard(
    live_server: object, page: Page, axe: AxeChecker, organisation: Organisation
) -> None:
    ada = add_member(
        organisation=organisation,
        email="ada@nittedal.example",
        role=Role.ADMIN,
        first_name="Ada",
        password=PASSWORD,
    ).user
    base = str(live_server)
    page.goto(f"{base}/konto/logg-inn/?next={reverse('maturity:kpi_list')}")
    page.get_by_label("E-post").fill(ada.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_label("Passord").press("Enter")
    press_on(page, page.get_by_role("link", name="Nytt nøkkeltall"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt nøkkeltall")
    axe(page)
    page.get_by_label("Navn").fill("Digitale søknader")
    page.get_by_label("Hvor kommer tallet fra?").select_option(label="Gjennomstrømning (antall)")
    page.locator("#id_unit").select_option(label="prosent")
    press_on(page, page.get_by_role("button", name="Opprett nøkkeltallet"))
    expect(page.locator("#id_definition_error")).to_have_text("Skriv hva nøkkeltallet måler.")
    expect(page.locator("#id_metric_error")).to_contain_text("beregnes allerede slik")
    axe(page)
    page.get_by_label("Hvor kommer tallet fra?").select_option(label="Registreres for hånd")
    page.get_by_label("Definisjon").fill("Andelen søknader som kommer inn digitalt.")
    press_on(page, page.get_by_role("button", name="Opprett nøkkeltallet"))
    expect(page.get_by_text("Nøkkeltallet «Digitale søknader» er opprettet.")).to_be_visible()
    kpi = Kpi.objects.get(organisation=organisation, name="Digitale søknader")

    press_on(page, page.get_by_role("link", name="Slett Digitale søknader"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Slette nøkkeltallet «Digitale søknader»?"
    )
    axe(page)
    press_on(page, page.get_by_role("button", name="Ja, slett nøkkeltallet"))
    expect(page.get_by_text("Nøkkeltallet «Digitale søknader» er slettet.")).to_be_visible()
    assert not Kpi.objects.filter(pk=kpi.pk).exists()
