"""The board in a browser: drag and drop, keyboard moves, the checklist dialog, conflicts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.models import User
from portfolio.models import Initiative, Phase, PhaseKind
from portfolio.selectors.board import open_checklist_items
from portfolio.services.board import move_initiative
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


def answer_all_done(page: Page) -> None:
    dialog = page.get_by_role("dialog")
    for group in dialog.get_by_role("group").all():
        group.get_by_role("radio", name="Utført").check()


def test_drag_a_card_and_settle_the_checklist(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    bob: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    card_initiative = make_initiative(title="Sensorer om natten")
    base = str(live_server)
    log_in(page, base, bob)
    axe(page)
    insight = Phase.objects.get(organisation=card_initiative.organisation, name="Innsikt")
    card = page.locator(f"#card-{card_initiative.pk}")
    card.drag_to(page.locator(f"#cards-{insight.pk}"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Sjekklisten for Forankring har åpne punkter")
    axe(page)  # the dialog too
    # «Ikke relevant» without a comment is refused, at the item.
    first = dialog.get_by_role("group").first
    answer_all_done(page)
    first.get_by_role("radio", name="Ikke relevant").check()
    dialog.get_by_role("button", name="Flytt").click()
    expect(page.get_by_role("dialog")).to_contain_text(
        "Skriv en kommentar når punktet ikke er utført."
    )
    axe(page)
    page.get_by_role("dialog").get_by_role("group").first.get_by_label("Kommentar").fill(
        "Avklart i et annet prosjekt"
    )
    page.get_by_role("dialog").get_by_role("button", name="Flytt").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(f"#cards-{insight.pk} #card-{card_initiative.pk}")).to_be_visible()
    expect(page.locator("#board-status")).to_contain_text("er flyttet fra Forankring til Innsikt")
    card_initiative.refresh_from_db()
    assert card_initiative.phase == insight


def test_move_by_keyboard_alone(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    bob: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    initiative = make_initiative(title="Robot for fakturaer")
    base = str(live_server)
    log_in(page, base, bob)
    select = page.get_by_label("Flytt til fase – Robot for fakturaer")
    select.focus()
    select.select_option(label="Pilotering")  # a keyboard user picks with the arrow keys
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Flytt").first).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # Tab into the dialog and answer each checkpoint with the keyboard.
    for group in dialog.get_by_role("group").all():
        group.get_by_role("radio", name="Utført").focus()
        page.keyboard.press("Space")
    dialog.get_by_role("button", name="Flytt").focus()
    page.keyboard.press("Enter")
    pilot = Phase.objects.get(organisation=initiative.organisation, name="Pilotering")
    expect(page.locator(f"#cards-{pilot.pk} #card-{initiative.pk}")).to_be_visible()
    expect(page.locator(f"#card-{initiative.pk}")).to_be_focused()
    axe(page)


def test_the_second_user_sees_the_conflict(
    live_server: object,
    browser: Browser,
    page: Page,
    axe: AxeChecker,
    bob: User,
    admin: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    initiative = make_initiative(title="Felles kalender")
    base = str(live_server)
    log_in(page, base, bob)
    # Meanwhile the administrator moves the same card.
    innsikt = Phase.objects.get(organisation=initiative.organisation, name="Innsikt")
    move_initiative(
        initiative=initiative,
        actor=admin,
        to_phase=innsikt,
        expected_version=1,
        answers={i.pk: ("done", "") for i in open_checklist_items(initiative)},
    )
    page.get_by_label("Flytt til fase – Felles kalender").select_option(label="Pilotering")
    page.locator(f"#card-{initiative.pk}").get_by_role("button", name="Flytt").click()
    alert = page.locator("#board-alert")
    expect(alert).to_contain_text("flyttet «Felles kalender» mens du så på tavla")
    expect(alert).to_contain_text("Kortet står nå i Innsikt")
    expect(page.locator(f"#cards-{innsikt.pk} #card-{initiative.pk}")).to_be_visible()
    axe(page)
    initiative.refresh_from_db()
    assert initiative.phase == innsikt


def test_staff_see_the_board_without_move_controls(
    live_server: object, page: Page, axe: AxeChecker, alice: User, initiative: Initiative
) -> None:
    log_in(page, str(live_server), alice)
    expect(page.get_by_role("link", name=initiative.idea.title, exact=True)).to_be_visible()
    expect(page.get_by_label("Flytt til fase", exact=False)).to_have_count(0)
    axe(page)
    assert PhaseKind.ACTIVE
