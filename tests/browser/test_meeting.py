"""Board meeting journey: create a meeting, decide three ideas in meeting mode (htmx), close
it, read the minutes and fetch the PDF; axe on every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from ideas.models import Idea, IdeaStatus
from portal.models import Organisation, Role, User
from portal.services import add_member
from portfolio.models import Phase, PhaseKind
from portfolio.services.meetings import create_meeting
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


def test_board_merges_an_idea_by_keyboard_through_the_chooser(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    chair: User,
    make_idea: Callable[..., Idea],
    organisation: Organisation,
) -> None:
    """The agenda item's forms load when «Behandle saken» opens; the merge form takes a
    number, and the chooser finds the idea by its title: all with the keyboard."""
    target = make_idea(title="Robotstøvsuger i kantina")
    for n in range(3):
        make_idea(title=f"Annen idé {n}")
    duplicate = make_idea(title="Robot som vasker gulvet")
    meeting = create_meeting(
        organisation=organisation, actor=chair, held_on=date(2026, 3, 5), participants=[chair]
    )
    base = str(live_server)
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(chair.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(f"{base}/portefolje/moter/{meeting.pk}/")
    item = page.locator(f"#agenda-item-{duplicate.pk}")
    expect(item.locator("form")).to_have_count(0)  # only the summary until opened
    axe(page)

    item.locator("summary", has_text="Behandle saken").focus()
    page.keyboard.press("Enter")
    merge = item.locator("summary", has_text="Slå sammen med en annen idé")
    expect(merge).to_be_visible()  # the forms came by htmx
    merge.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(item.get_by_label("Slå sammen med idé nummer")).to_be_focused()
    page.keyboard.press("Tab")
    expect(item.get_by_role("link", name="Finn idéen ved å søke på tittel")).to_be_focused()
    axe(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Slå sammen «Robot som vasker")
    search = page.get_by_label("Søk etter tittel eller nummer")
    search.focus()
    page.keyboard.type("robotstøvsuger")
    results = page.locator("#merge-results")
    expect(results).to_contain_text("Søket viser 1 åpen idé.")
    choice = page.get_by_role("radio", name=f"Robotstøvsuger i kantina (#{target.pk})")
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the only result
    expect(choice).to_be_focused()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    # A new search keeps the choice, first and checked.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(search).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("annen")
    expect(results).to_contain_text("Søket viser 4 åpne idéer.")
    expect(choice).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # into the radio group: the checked one
    expect(choice).to_be_focused()
    axe(page)
    page.keyboard.press("Tab")
    page.keyboard.type("Samme behov som robotstøvsugeren.")
    page.keyboard.press("Tab")  # the case number
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Slå sammen", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Porteføljestyremøte")
    expect(page.get_by_text("er slått sammen med «Robotstøvsuger i kantina»")).to_be_visible()
    expect(item).to_contain_text("slått sammen med Robotstøvsuger i kantina")
    axe(page)
    duplicate.refresh_from_db()
    assert duplicate.status == IdeaStatus.MERGED
    assert len(axe.checked) == 4
