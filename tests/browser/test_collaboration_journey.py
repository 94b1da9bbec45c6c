"""Support, follow and comment on an idea by keyboard, with htmx and CSP on; axe on every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from ideas.models import Idea
from portal.models import Role, User
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"


@pytest.fixture
def colleague(idea: Idea) -> User:
    membership = add_member(
        organisation=idea.organisation,
        email="ola@nittedal.example",
        role=Role.STAFF,
        first_name="Ola",
        password=PASSWORD,
    )
    return membership.user


def log_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei")


def test_colleague_supports_follows_and_comments_by_keyboard(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    idea: Idea,
    colleague: User,
    make_idea: Callable[..., Idea],
) -> None:
    base = str(live_server)
    log_in(page, base, colleague)
    page.goto(f"{base}{idea.get_absolute_url()}")
    axe(page)

    support = page.locator("#support-button")
    expect(support).to_have_attribute("aria-pressed", "false")
    support.focus()
    page.keyboard.press("Enter")
    expect(support).to_have_attribute("aria-pressed", "true")
    expect(support).to_have_text("Du støtter dette (1)")
    expect(support).to_be_focused()  # htmx put focus back on the swapped-in button

    follow = page.locator("#follow-button")
    # htmx wires up swapped-in forms when the swap settles (20 ms later); a key pressed
    # before that would submit the plain form and reload the page.
    page.wait_for_function(
        "() => document.querySelector('#follow-button').form['htmx-internal-data']"
    )
    follow.focus()
    page.keyboard.press("Enter")
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(follow).to_be_focused()

    # An empty comment: the message is at the field, in the swapped thread.
    page.get_by_role("button", name="Publiser kommentaren").click()
    expect(page.locator("#id_body_error")).to_have_text("Skriv en kommentar før du publiserer.")
    page.get_by_role("textbox", name="Kommentar").fill("Se https://www.ks.no og <b>dette</b>")
    page.get_by_role("button", name="Publiser kommentaren").click()
    expect(page.get_by_role("link", name="https://www.ks.no")).to_be_visible()
    expect(page.locator(".comment__body")).to_contain_text("<b>dette</b>")
    expect(page.get_by_role("heading", name="Kommentarer (1)")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Endre kommentaren din").click()
    expect(page.get_by_role("textbox", name="Endre kommentaren")).to_be_focused()
    page.get_by_role("link", name="Avbryt").click()  # the thread as it was, no edit form
    expect(page.get_by_role("textbox", name="Endre kommentaren")).to_have_count(0)
    page.get_by_role("link", name="Endre kommentaren din").click()
    editor = page.get_by_role("textbox", name="Endre kommentaren")
    expect(editor).to_be_focused()
    editor.fill("Oppdatert innspill")
    page.get_by_role("button", name="Lagre endringen").click()
    expect(page.locator(".comment__body")).to_have_text("Oppdatert innspill")

    page.once("dialog", lambda dialog: accept(dialog))
    page.get_by_role("button", name="Slett kommentaren din").click()
    expect(page.get_by_text("Kommentaren er slettet.")).to_be_visible()

    page.reload()
    expect(page.locator("#support-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".history")).to_contain_text("Ola slettet en kommentar.")
    axe(page)

    page.get_by_role("link", name="E-postvarsler").click()
    expect(page).to_have_url(re.compile(r"/konto/varsler/$"))
    axe(page)
    page.get_by_label("Daglig sammendrag").check()
    page.get_by_role("button", name="Lagre valget").click()
    expect(page.get_by_text("Valget ditt er lagret.")).to_be_visible()
    expect(page.get_by_label("Daglig sammendrag")).to_be_checked()
    axe(page)
    assert len(axe.checked) == 5


def accept(dialog: Dialog) -> None:
    dialog.accept()
