"""A leader follows the strategic measures and writes a progress note, by keyboard only, with
axe on every page (the measures page, a measure, the refused note, the saved note). An
administrator's model page passes axe too."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from maturity.models import MeasureNote, MeasureStatus, StrategicMeasure
from portal.models import Organisation, Role, User
from portal.services import add_member
from portfolio.models import Initiative
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"
MEASURE = "Strategien vedtas i kommunestyret"


def member(organisation: Organisation, email: str, role: Role, first_name: str) -> User:
    return add_member(
        organisation=organisation,
        email=email,
        role=role,
        first_name=first_name,
        password=PASSWORD,
    ).user


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


def test_a_leader_writes_a_progress_note_on_a_measure_by_keyboard(
    live_server: object, page: Page, axe: AxeChecker, organisation: Organisation
) -> None:
    leader = member(organisation, "lena@nittedal.example", Role.LEADER, "Lena")
    base = str(live_server)
    log_in(page, base, leader)
    page.goto(f"{base}/strategi/tiltak/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategiske tiltak")
    expect(page.get_by_role("status").first).to_have_text("19 tiltak")
    axe(page)

    # Filter by status from the keyboard: the list is swapped in, the URL keeps the filter.
    status = page.get_by_role("combobox", name="Status")
    status.focus()
    page.keyboard.type("Ikke")  # a native select's type-ahead picks «Ikke startet»
    expect(status).to_have_value("not_started")
    press_on(page, page.get_by_role("button", name="Vis tiltakene"))
    expect(page).to_have_url(re.compile(r"status=not_started"))
    expect(page.locator("#measure-list")).to_contain_text(MEASURE)
    axe(page)

    press_on(page, page.get_by_role("link", name=MEASURE))
    expect(page.get_by_role("heading", level=1)).to_have_text(MEASURE)
    expect(page.get_by_text("Ingen har skrevet fremdriftsnotater ennå.")).to_be_visible()
    axe(page)

    # An empty note is refused at its field; the error summary takes the focus.
    press_on(page, page.get_by_role("button", name="Lagre notatet"))
    expect(page.locator("#id_text_error")).to_have_text("Skriv hva som har skjedd med tiltaket.")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe(page)

    text = page.get_by_role("textbox", name="Fremdrift")
    text.focus()
    page.keyboard.type("Vedtatt i kommunestyret, sak 25/118.")
    page.keyboard.press("Tab")  # into the status radios
    expect(page.get_by_role("radio", name="Ikke startet")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Fullført")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Lagre notatet")).to_be_focused()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("Fremdriftsnotatet er lagret. Tiltaket har nå status «Fullført».")
    ).to_be_visible()
    notes = page.locator("#notes-section")
    expect(notes).to_contain_text("Vedtatt i kommunestyret, sak 25/118.")
    expect(notes).to_contain_text("Lena")
    expect(notes).to_contain_text("Status: Fullført")
    expect(page.locator(".facts")).to_contain_text("Fullført")
    axe(page)

    measure = StrategicMeasure.objects.get(organisation=organisation, text=MEASURE)
    assert measure.status == MeasureStatus.DONE
    note = MeasureNote.objects.get(measure=measure)
    assert note.author == leader and note.status == MeasureStatus.DONE
    assert len(axe.checked) == 5


def test_the_model_pages_pass_axe_for_an_administrator(
    live_server: object, page: Page, axe: AxeChecker, organisation: Organisation
) -> None:
    admin = member(organisation, "ada@nittedal.example", Role.ADMIN, "Ada")
    base = str(live_server)
    log_in(page, base, admin)
    page.goto(f"{base}/strategi/modell/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modenhetstrappen")
    expect(page.get_by_text("Modenhetstrappen er kommunens egen modell")).to_be_visible()
    axe(page)
    press_on(page, page.get_by_role("link", name="Porteføljestyring"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dimensjonen «Porteføljestyring»")
    axe(page)
    press_on(page, page.get_by_role("button", name="Legg til kriteriet"))
    expect(page.locator("#id_nytt-practice_error")).to_have_text(
        "Beskriv praksisen lederne skal krysse av for."
    )
    axe(page)
    page.goto(f"{base}/strategi/modell/perioder/ny/")
    axe(page)
    page.goto(f"{base}/strategi/tiltak/nytt/")
    axe(page)


def test_an_administrator_adds_and_removes_an_initiative_on_a_measure_by_keyboard(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    organisation: Organisation,
    make_initiative: Callable[..., Initiative],
) -> None:
    """The initiative picker: search (Enter searches, htmx), Tab to the result, Enter adds
    it as a checked checkbox that takes the focus; Space unchecks it, Enter in a text field
    saves the form (its hidden default button, not the picker's «Søk»)."""
    wanted = make_initiative(title="Digitalt nattilsyn")
    make_initiative(title="Nattlig trygghetsalarm")
    admin = member(organisation, "ada@nittedal.example", Role.ADMIN, "Ada")
    measure = StrategicMeasure.objects.filter(organisation=organisation).order_by("pk").first()
    assert measure is not None
    base = str(live_server)
    edit = f"{base}/strategi/tiltak/{measure.pk}/endre/"
    log_in(page, base, admin)
    page.goto(edit)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Endre tiltaket")
    axe(page)

    search = page.get_by_role("searchbox", name=re.compile("Finn et initiativ"))
    search.focus()
    page.keyboard.type("natt")
    page.keyboard.press("Enter")  # searches (htmx); the form is not sent
    status = page.locator("#id_initiatives_status")
    expect(status).to_have_text("2 treff.")
    expect(page).to_have_url(edit)
    number = wanted.idea_id
    add = page.get_by_role("button", name=f"Legg til «Digitalt nattilsyn» (idé nr. {number})")
    expect(add).to_be_visible()
    axe(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Søk", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    chosen = page.get_by_role("checkbox", name=f"Digitalt nattilsyn (idé nr. {number})")
    expect(chosen).to_be_checked()
    expect(chosen).to_be_focused()
    expect(status).to_have_text("«Digitalt nattilsyn» er lagt til.")
    expect(add).to_have_count(0)
    axe(page)
    press_on(page, search)  # searching again leaves out the one chosen
    expect(status).to_have_text("1 treff.")
    expect(page.locator("#id_initiatives_results li")).to_have_count(1)
    press_on(page, page.get_by_role("button", name="Lagre tiltaket"))
    expect(page.get_by_text("Endringene i tiltaket er lagret.")).to_be_visible()
    assert list(measure.initiatives.all()) == [wanted]

    page.goto(edit)
    chosen = page.get_by_role("checkbox", name=f"Digitalt nattilsyn (idé nr. {number})")
    press_on(page, chosen, " ")
    expect(chosen).not_to_be_checked()
    press_on(page, page.get_by_role("textbox", name="Tiltak"))  # Enter in a field saves
    expect(page.get_by_text("Endringene i tiltaket er lagret.")).to_be_visible()
    axe(page)
    assert not measure.initiatives.exists()
