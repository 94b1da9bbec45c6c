"""A leader requests the yearly report for kommunestyret by keyboard, watches it being made
(htmx polling, which stops once it is done) and finds the downloads; CSP on, axe on every
page."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django import Settings

from maturity.models import ReportStatus, StrategyReport
from maturity.services.reports import make_report
from portal.models import Organisation, Role, User
from portal.services import add_member
from tests.browser.conftest import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-godt-passord-2025"


@pytest.fixture
def lena(organisation: Organisation, settings: Settings, tmp_path: Path) -> User:
    settings.MEDIA_ROOT = tmp_path
    membership = add_member(
        organisation=organisation,
        email="lena@nittedal.example",
        role=Role.LEADER,
        first_name="Lena",
        password=PASSWORD,
    )
    return membership.user


def test_a_leader_requests_the_report_and_downloads_it(
    live_server: object, page: Page, axe: AxeChecker, lena: User
) -> None:
    base = str(live_server)
    page.goto(f"{base}/konto/logg-inn/?next={reverse('maturity:reports')}")
    page.get_by_label("E-post").fill(lena.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_label("Passord").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Årsrapport til kommunestyret")
    axe(page)

    # The worker is this test: the task is not queued, and the report is made below.
    with mock.patch("maturity.tasks.make_strategy_report.apply_async"):
        year = page.locator("#id_year")
        year.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("2025")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Rapporten for 2025, versjon 1")
    status = page.locator("#report-status")
    expect(status).to_contain_text("I kø")
    expect(status.get_by_role("link", name="Oppdater")).to_be_visible()
    axe(page)

    report = StrategyReport.objects.get()
    assert make_report(report_id=report.pk, task_id="browser") is not None
    # The page polls every 2 s and swaps in the downloads; then polling stops (286).
    download = status.get_by_role("link", name="Last ned rapporten (PDF, tilgjengelig utgave)")
    expect(download).to_be_visible(timeout=10_000)
    expect(status).to_contain_text("Ferdig")
    axe(page)
    with page.expect_download() as info:
        download.focus()
        page.keyboard.press("Enter")
    assert info.value.suggested_filename == "innovasjonsrapport-2025-v1.pdf"
    assert StrategyReport.objects.get().status == ReportStatus.DONE

    page.goto(f"{base}{reverse('maturity:reports')}")
    expect(page.get_by_role("table", name="Rapporten for 2025")).to_contain_text("Ferdig")
    axe(page)
