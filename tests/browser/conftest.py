"""Playwright driving Debian's Chromium, with axe-core checking every page."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop; the live server's database use is still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; the test fails on any console error, CSP violations included."""
    # Reduced motion: axe must not measure colours halfway through a fade-in animation.
    context = browser.new_context(
        locale="nb-NO", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # A 409 is how the board answers a conflicting move; the browser logs every 4xx load.
    expected = "the server responded with a status of 409"
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    unexpected = [e for e in errors if expected not in e]
    assert unexpected == [], f"console errors: {unexpected}"


class AxeChecker:
    """Runs axe on the current page and remembers which pages it has checked."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.checked: list[str] = []

    def __call__(self, page: Page) -> None:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        self.checked.append(page.url)
        # NYTTIG_SCREENSHOTS=<dir>: a full-page screenshot of every page axe checks, to look at.
        if shots := os.environ.get("NYTTIG_SCREENSHOTS"):
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{len(self.checked):02}.png", full_page=True)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()
