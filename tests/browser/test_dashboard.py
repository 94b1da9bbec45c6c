"""The leaders' dashboard and the staff page in a browser, on the demo municipality: the
year and unit filters by keyboard, with htmx and without JavaScript; axe on both pages;
screenshots of both at 1400 and 390 pixels wide in /tmp/shots/ to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from maturity.demo.data import DEMO_PASSWORD
from portal.models import Unit
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
LEADER = "leder@nittedal.example"
STAFF = "ansatt@nittedal.example"
SETTLE_MS = 50  # htmx wires swapped content at settle (20 ms)


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)


def log_in(page: Page, base: str, email: str, next_url: str) -> None:
    page.goto(f"{base}/konto/logg-inn/?next={next_url}")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element has focus, as a keyboard user walks the page."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(SETTLE_MS)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        # Nothing on the page is wider than the screen but the tables that scroll in place.
        overflow = page.evaluate(
            "[...document.querySelectorAll('.site-main svg')]"
            ".filter(s => !s.closest('.chart__table-wrap'))"
            ".filter(s => s.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(s => s.closest('figure').id)"
        )
        assert overflow == [], f"charts wider than {width} px on {name}: {overflow}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_leader_filters_the_dashboard_by_keyboard_with_htmx(
    live_server: object, page: Page, axe: AxeChecker, demo: None
) -> None:
    base = str(live_server)
    log_in(page, base, LEADER, "/strategi/ledelse/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledelsens oversikt")
    expect(page.get_by_role("img", name="Modenhetstrappen 2026")).to_be_visible()
    axe(page)

    # The year: Tab to the select and pick the next year with the arrow key; htmx swaps the
    # body and pushes the URL, and focus stays on the select.
    tab_to(page, "id_ar")
    page.keyboard.press("ArrowDown")
    expect(page).to_have_url(f"{base}/strategi/ledelse/?ar=2027&enhet=")
    expect(page.locator("#staircase-heading")).to_have_text("Modenhetstrappen 2027")
    expect(page.locator("#id_ar")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)  # a body, not a page
    page.wait_for_timeout(SETTLE_MS)

    # The unit: the next select along, by Tab and arrow key.
    page.keyboard.press("Tab")
    expect(page.locator("#id_enhet")).to_be_focused()
    page.keyboard.press("ArrowDown")
    first_unit = Unit.objects.filter(organisation__slug="nittedal").order_by("name").first()
    assert first_unit is not None
    expect(page.locator("#portfolio-heading")).to_contain_text(first_unit.name)
    expect(page).to_have_url(f"{base}/strategi/ledelse/?ar=2027&enhet={first_unit.pk}")
    page.wait_for_timeout(SETTLE_MS)
    axe(page)

    # The back button restores the whole page, never a bare fragment.
    page.go_back()
    expect(page.locator("#staircase-heading")).to_have_text("Modenhetstrappen 2027")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledelsens oversikt")

    # The chart's data table opens by keyboard.
    page.goto(f"{base}/strategi/ledelse/")
    summary = page.locator("#fase-type summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#fase-type table")).to_be_visible()
    axe(page)
    shoot(page, "dashboard")


def test_the_filters_work_without_javascript(
    live_server: object, browser: Browser, axe: AxeChecker, demo: None
) -> None:
    base = str(live_server)
    context = browser.new_context(
        locale="nb-NO",
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
        reduced_motion="reduce",
    )
    page = context.new_page()
    try:
        log_in(page, base, LEADER, "/strategi/ledelse/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Ledelsens oversikt")
        tab_to(page, "id_ar")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Vis")).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "ar=2027" in page.url and "enhet=" in page.url
        expect(page.locator("#staircase-heading")).to_have_text("Modenhetstrappen 2027")
        expect(page.get_by_role("heading", level=1)).to_have_text("Ledelsens oversikt")

        # A hand-edited URL with bad values shows this year for the whole municipality.
        page.goto(f"{base}/strategi/ledelse/?ar=1999&enhet=abc")
        expect(page.locator("#staircase-heading")).to_have_text("Modenhetstrappen 2026")
    finally:
        context.close()


def test_staff_see_the_strategy_page_and_not_the_dashboard(
    live_server: object, page: Page, axe: AxeChecker, demo: None
) -> None:
    base = str(live_server)
    log_in(page, base, STAFF, "/strategi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategien og hvor vi står")
    expect(page.get_by_role("link", name="Strategien")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="Ledelse")).to_have_count(0)
    expect(page.get_by_role("img", name="Modenhetstrappen 2026")).to_be_visible()
    axe(page)
    shoot(page, "strategy")
