"""The back button after an htmx filter shows the whole page, never a bare fragment.

The idea list answers a whole page, or only `#idea-list` when htmx asks (HX-Request). When
htmx's history cache has no copy of a page, it fetches the page again; with
`historyRestoreAsHxRequest` on it would send HX-Request and put the fragment on screen
alone, and without `Vary: HX-Request` the browser's own cache could do the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from ideas.models import Idea, InnovationType
from portal.models import Role, Unit, User
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"
# htmx 2.0 keeps its history cache in sessionStorage (older versions: localStorage).
CLEAR_HISTORY_CACHE = (
    "() => { sessionStorage.removeItem('htmx-history-cache');"
    " localStorage.removeItem('htmx-history-cache'); }"
)


@pytest.fixture
def kari(unit: Unit) -> User:
    membership = add_member(
        organisation=unit.organisation,
        email="kari@nittedal.example",
        role=Role.STAFF,
        first_name="Kari",
        last_name="Nordmann",
        unit=unit,
        password=PASSWORD,
    )
    return membership.user


@pytest.fixture
def two_ideas(make_idea: Callable[..., Idea], unit: Unit) -> None:
    process = InnovationType.objects.get(organisation=unit.organisation, code="process")
    make_idea(title="Sensorer om natten")
    make_idea(title="Robot for fakturaer", innovation_type=process)


def _log_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Kari!")


def _expect_whole_filtered_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/ideer/\?.*type=process"))
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle idéer")
    expect(page.get_by_role("search", name="Søk og filtrer idéer")).to_be_visible()
    expect(page.get_by_role("link", name="Robot for fakturaer")).to_be_visible()
    expect(page.get_by_role("link", name="Sensorer om natten")).to_have_count(0)


def _filter_by_process(page: Page, base: str) -> None:
    page.goto(f"{base}/ideer/")
    expect(page.get_by_role("link", name="Sensorer om natten")).to_be_visible()
    with page.expect_response(lambda r: "type=process" in r.url):
        page.get_by_label("Type").select_option(label="Prosessinnovasjon")
    expect(page).to_have_url(re.compile(r"type=process"))  # htmx pushed the URL
    expect(page.get_by_role("link", name="Sensorer om natten")).to_have_count(0)


@pytest.mark.usefixtures("two_ideas")
def test_back_to_a_filtered_list_from_another_page_shows_the_whole_page(
    live_server: object, page: Page, axe: AxeChecker, kari: User
) -> None:
    base = str(live_server)
    _log_in(page, base, kari)
    _filter_by_process(page, base)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Mine idéer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine idéer")
    page.evaluate(CLEAR_HISTORY_CACHE)
    page.go_back()
    _expect_whole_filtered_page(page)
    axe(page)


@pytest.mark.usefixtures("two_ideas")
def test_back_between_two_filters_restores_the_whole_page_from_the_server(
    live_server: object, page: Page, axe: AxeChecker, kari: User
) -> None:
    """Two htmx filters, then back: htmx itself restores the first one (popstate) and,
    with its cache cleared, asks the server for it."""
    base = str(live_server)
    _log_in(page, base, kari)
    _filter_by_process(page, base)
    with page.expect_response(lambda r: "sort=" in r.url):
        page.get_by_label("Sorter").select_option(index=1)
    expect(page).to_have_url(re.compile(r"sort="))
    page.evaluate(CLEAR_HISTORY_CACHE)
    with page.expect_request(lambda r: r.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    _expect_whole_filtered_page(page)
    axe(page)
