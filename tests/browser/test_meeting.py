"""Board meeting journey: create a meeting, decide three ideas in meeting mode (htmx), close
it, read the minutes and fetch the PDF; axe on every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from ideas.models import Idea
from portal.models import Organisation, Role, User
from portal.services import add_member
from portfolio.models import Phase, PhaseKind
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"


@pytest.fixture
def chair(organisation: Organisation) -> User:
    membership = add_member(
        organisation=organisation,
        email="styreleder@nittedal.example",
        role=Role.BOARD,
        first_name="Siri",
        last_name="Styre",
        password=PASSWORD,
    )
    return membership.user


def decision_form(item: Locator, handling: str) -> Locator:
    return item.locator(f'form:has(input[name="handling"][value="{handling}"])')


def test_board_decides_in_a_meeting_and_gets_the_minutes(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    chair: User,
    leader: User,
    alice: User,
    make_idea: Callable[..., Idea],
    organisation: Organisation,
) -> None:
    accepted = make_idea(title="Sensorer som varsler nattpatruljen")
    parked = make_idea(title="Chatbot for byggesak", score_champion=0)
    rejected = make_idea(title="Egen app for alt")
    phase = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    base = str(live_server)

    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(chair.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Innboks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Innboks: idéer til behandling")
    expect(page.get_by_text("Advarsel: minst ett fundament er null")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Egen app for alt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Behandle idé: Egen app for alt")
    page.locator("summary", has_text="Godkjenn og ta inn i en fase").click()
    axe(page)
    page.get_by_role("link", name="Tilbake til innboksen").click()

    # Plan the meeting.
    page.get_by_role("link", name="Nytt møte").click()
    expect(page.get_by_label("Tittel")).to_have_value("Porteføljestyremøte")
    axe(page)
    page.get_by_label("Dato").fill("2026-03-05")
    page.get_by_role("checkbox", name="Lena").check()
    page.get_by_role("button", name="Opprett møtet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Porteføljestyremøte 5. mars 2026")
    expect(page.get_by_text("Møtet er opprettet")).to_be_visible()
    axe(page)

    # 1. Accept, with a pådriver and the municipality's role.
    item = page.locator(f"#agenda-item-{accepted.pk}")
    item.locator("summary", has_text="Behandle saken").click()
    item.locator("summary", has_text="Godkjenn og ta inn i en fase").click()
    form = decision_form(item, "accept")
    form.get_by_label("Fase").select_option(label=phase.name)
    form.get_by_label("Pådriver").select_option(label="Alice")
    form.get_by_role("radio", name="Initiativtaker").check()
    form.get_by_label("Begrunnelse (valgfritt)").fill("Stort behov og tydelig gevinst.")
    form.get_by_label("Saksnummer (valgfritt)").fill("2026/101")
    axe(page)
    form.get_by_role("button", name="Godkjenn idéen").click()
    expect(item.get_by_role("status")).to_contain_text("er godkjent og lagt i fasen")
    expect(item).to_contain_text("Registrert av Siri Styre")

    # 2. Park: a date in the past is refused at the field, then a future one is taken.
    item = page.locator(f"#agenda-item-{parked.pk}")
    item.locator("summary", has_text="Behandle saken").click()
    item.locator("summary", has_text="Parker").click()
    form = decision_form(item, "park")
    form.get_by_label("Vurderes igjen").fill("2020-01-01")
    form.get_by_role("button", name="Parker idéen").click()
    expect(item.get_by_text("Velg en dato fram i tid.")).to_be_visible()
    axe(page)
    later = (timezone.localdate() + timedelta(days=90)).isoformat()
    form = decision_form(item, "park")
    form.get_by_label("Vurderes igjen").fill(later)
    form.get_by_role("button", name="Parker idéen").click()
    expect(item.get_by_role("status")).to_contain_text("er parkert")

    # 3. Reject with a reason.
    item = page.locator(f"#agenda-item-{rejected.pk}")
    item.locator("summary", has_text="Behandle saken").click()
    item.locator("summary", has_text="Avvis").click()
    form = decision_form(item, "reject")
    form.get_by_label("Begrunnelse").fill("Dekkes av nasjonale løsninger.")
    form.get_by_role("button", name="Avvis idéen").click()
    expect(item.get_by_role("status")).to_contain_text("er avvist")
    axe(page)

    # Close the meeting: the minutes follow.
    page.get_by_role("button", name="Avslutt møtet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Protokoll: Porteføljestyremøte 5. mars 2026"
    )
    minutes = page.locator("main")
    expect(minutes).to_contain_text("Lena, Siri Styre")
    expect(minutes).to_contain_text("Sensorer som varsler nattpatruljen")
    expect(minutes).to_contain_text("Dekkes av nasjonale løsninger.")
    expect(minutes).to_contain_text("2026/101")
    axe(page)

    # The PDF, fetched with the browser's session.
    href = page.get_by_role("link", name="Åpne som PDF").get_attribute("href")
    assert href is not None
    response = page.request.get(f"{base}{href}")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert "protokoll-portefoljestyret-2026-03-05.pdf" in response.headers["content-disposition"]
    assert response.body().startswith(b"%PDF")

    page.get_by_role("link", name="Tilbake til møtet").click()
    expect(page.get_by_text("Møtet ble avsluttet")).to_be_visible()
    page.get_by_role("link", name="Alle møter").click()
    expect(page.get_by_role("cell", name="Avsluttet")).to_be_visible()
    axe(page)
    assert len(axe.checked) == 9
