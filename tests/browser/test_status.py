"""A board member writes and publishes a status report with five traffic lights and sees
them on the board card; axe on every page on the way, the benefit overview too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from portal.models import User
from portfolio.models import BenefitKind, Initiative, MeasureUnit, StatusReport
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"


def log_in(page: Page, base: str, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{base}/konto/logg-inn/?next=/portefolje/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Porteføljetavla")


def light(page: Page, area: str, choice: str) -> None:
    page.get_by_role("group", name=area).get_by_role("radio", name=choice).check()


def test_a_board_member_publishes_a_status_report_and_sees_it_on_the_card(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    bob: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    initiative = make_initiative(title="Sensorer om natten")
    base = str(live_server)
    log_in(page, base, bob)
    axe(page)
    card = page.locator(f"#card-{initiative.pk}")
    card.get_by_role("link", name="Ingen statusrapport ennå").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statusrapporter")
    axe(page)
    page.get_by_role("link", name="Ny statusrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny statusrapport")
    axe(page)

    page.get_by_label("Rapporten gjelder til og med").fill("2026-03-31")
    page.get_by_label("Overordnet status").fill("Piloten er i gang på to avdelinger.")
    light(page, "Fremdrift", "Grønn – i rute")
    light(page, "Økonomi", "Gul – avvik, under kontroll")
    light(page, "Kvalitet", "Grønn – i rute")
    light(page, "Risiko", "Rød – kritisk, trenger hjelp")
    light(page, "Gevinstoppnåelse", "Grønn – i rute")
    page.get_by_label("Kommentar om risiko").fill("Leverandøren kan gå konkurs.")
    page.get_by_label("Budsjett (kr)").fill("1 250 000")
    page.get_by_label("Påløpte kostnader så langt (kr)").fill("kr 312 500,50")
    page.get_by_role("button", name="Publiser").click()
    # Yellow without a comment: the page comes back with the summary focused, nothing saved.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Skriv en kommentar: Økonomi er gul eller rød.")
    expect(page.get_by_label("Kommentar om risiko")).to_have_value("Leverandøren kan gå konkurs.")
    axe(page)
    assert not StatusReport.objects.exists()

    page.get_by_label("Kommentar om økonomi").fill("Lisensene ble dyrere enn antatt.")
    page.get_by_role("button", name="Publiser").click()
    expect(page.get_by_text("Statusrapporten er publisert og vises på tavla.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Status per 31. mars 2026")).to_be_visible()
    expect(page.get_by_text("kr 1 250 000")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Vis rapporten alene").click()
    expect(page.get_by_text("kan ikke endres")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Tavla", exact=True).click()
    card = page.locator(f"#card-{initiative.pk}")
    expect(card).to_contain_text("Status per 31.03.2026")
    for text in (
        "Fremdrift: ● Grønn",
        "Økonomi: ▲ Gul",
        "Kvalitet: ● Grønn",
        "Risiko: ■ Rød",
        "Gevinstoppnåelse: ● Grønn",
    ):
        expect(card.get_by_text(text)).to_be_visible()
    axe(page)

    freed = add_benefit(
        initiative=initiative,
        actor=bob,
        description="Færre nattbesøk",
        kind=BenefitKind.INDIRECT,
        expected_hours=Decimal("1200"),
    )
    record_measurement(
        indicator=add_indicator(
            benefit=freed,
            actor=bob,
            name="Timer nattpatrulje per år",
            unit=MeasureUnit.HOURS,
            baseline=Decimal("5000"),
            target=Decimal("3800"),
        ),
        actor=bob,
        measured_on=date(2026, 1, 15),
        value=Decimal("4400"),
    )
    add_benefit(
        initiative=initiative,
        actor=bob,
        description="Tryggere netter",
        kind=BenefitKind.QUALITATIVE,
    )
    page.get_by_role("link", name="Gevinster", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gevinster i porteføljen")
    expect(page.locator(".key-figure").first).to_contain_text("600 timer")
    expect(page.get_by_text("1 gevinst har ingen indikator")).to_be_visible()
    axe(page)
    report = StatusReport.objects.get()
    assert report.is_published and report.risk_comment == "Leverandøren kan gå konkurs."
