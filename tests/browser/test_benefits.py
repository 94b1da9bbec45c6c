"""A board member plans a benefit in the browser: from the board to the initiative page, a
benefit typed the Norwegian way, an indicator and a measurement inline; axe on every page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.models import User
from portfolio.models import Benefit, Initiative, Measurement
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"
NBSP = "\u00a0"


def log_in(page: Page, base: str, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{base}/konto/logg-inn/?next=/portefolje/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Porteføljetavla")


def test_a_board_member_adds_a_benefit_an_indicator_and_a_measurement(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    bob: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    initiative = make_initiative(title="Sensorer om natten")
    log_in(page, str(live_server), bob)
    axe(page)

    # From the board card to the initiative page.
    page.locator(f"#card-{initiative.pk}").get_by_role("link", name="Detaljer og gevinster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sensorer om natten")
    expect(page.get_by_text("Ingen gevinster er planlagt ennå.")).to_be_visible()
    axe(page)

    # A benefit, with the amount and hours typed as Norwegians do; first with a mistake.
    page.get_by_role("link", name="Legg til gevinst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny gevinst")
    axe(page)
    page.get_by_label("Beskrivelse av gevinsten").fill("Færre unødvendige nattbesøk")
    page.get_by_label("Direkte (økonomisk, kroner)").check()
    page.get_by_label("Forventet beløp per år (kroner)").fill("250 tusen")
    page.get_by_label("Forventet frigjort tid per år (timer)").fill("1 200,5")
    page.get_by_label("Bedre ressursbruk").check()
    page.get_by_label("Gevinstansvarlig").select_option(label="Bob")
    page.get_by_label("Realiseringstidspunkt").fill("2027-06-30")
    page.get_by_role("button", name="Lagre gevinsten").click()
    expect(page.locator("#id_expected_amount_error")).to_have_text(
        "Skriv et tall, for eksempel 1 234,5."
    )
    expect(page.get_by_label("Forventet frigjort tid per år (timer)")).to_have_value("1 200,5")
    axe(page)
    page.get_by_label("Forventet beløp per år (kroner)").fill("kr 250 000")
    page.get_by_role("button", name="Lagre gevinsten").click()

    benefit = Benefit.objects.get()
    assert benefit.expected_amount == Decimal("250000")
    assert benefit.expected_hours == Decimal("1200.5")
    article = page.locator(f"#benefit-{benefit.pk}")
    expect(article).to_contain_text(f"kr{NBSP}250{NBSP}000")
    expect(article).to_contain_text(f"1{NBSP}200,5{NBSP}timer (0,7{NBSP}årsverk)")
    expect(article).to_contain_text("Mangler indikator")
    axe(page)

    # An indicator, inline with htmx: a target equal to the baseline is refused at the field.
    article.get_by_text("Legg til indikator").click()
    article.get_by_label("Indikator").fill("Nattbesøk per uke")
    article.get_by_label("Måleenhet").select_option(label="antall")
    article.get_by_label("Startverdi (nullpunktsmåling)").fill("140")
    article.get_by_label("Ønsket verdi").fill("140,0")
    article.get_by_role("button", name="Lagre indikatoren").click()
    expect(article.get_by_text("Ønsket verdi må være forskjellig fra startverdien")).to_be_visible()
    expect(page.locator("#benefit-status")).to_contain_text("Indikatoren er ikke lagret")
    axe(page)
    article.get_by_label("Ønsket verdi").fill("60")
    article.get_by_role("button", name="Lagre indikatoren").click()
    expect(page.locator("#benefit-status")).to_contain_text(
        "Indikatoren «Nattbesøk per uke» er lagt til."
    )
    expect(article).not_to_contain_text("Mangler indikator")
    expect(article.get_by_role("heading", name="Indikator: Nattbesøk per uke")).to_be_visible()
    axe(page)

    # A measurement, inline too; the progress is shown as text beside the bar.
    article.get_by_text("Registrer måling").click()
    article.get_by_label("Dato for målingen").fill(timezone.localdate().isoformat())
    article.get_by_label("Målt verdi (antall)").fill("100")
    article.get_by_label("Kommentar (valgfritt)").fill("Etter fire uker med sensorer")
    article.get_by_role("button", name="Lagre målingen").click()
    expect(page.locator("#benefit-status")).to_contain_text(
        "Målingen av «Nattbesøk per uke» er registrert."
    )
    expect(article).to_contain_text(f"Fremdrift mot ønsket verdi: 50{NBSP}%")
    expect(article.get_by_role("table")).to_contain_text("Etter fire uker med sensorer")
    expect(page.locator("#history")).to_contain_text("Bob registrerte målingen 100")
    axe(page)
    assert Measurement.objects.get().value == Decimal("100")

    # The benefit plan.
    page.get_by_role("link", name="Gevinstrealiseringsplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gevinstrealiseringsplan")
    expect(page.locator(".plan-summary")).to_contain_text(f"kr{NBSP}250{NBSP}000")
    axe(page)
