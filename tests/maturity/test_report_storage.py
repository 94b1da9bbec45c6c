"""Media storage that cannot be written: the report fails with a clear message, and no row
claims a file that is not there. The real document is made; only the disk refuses."""

from __future__ import annotations

from pathlib import Path

from pytest_django import Settings

from maturity.models import ReportStatus, StrategyReport
from maturity.services.reports import request_report
from maturity.tasks import REPORT_RETRIES, make_strategy_report
from portal.models import Organisation, User


def test_a_report_on_storage_that_cannot_be_written_fails_plainly_and_stores_nothing(
    organisation: Organisation, leader: User, settings: Settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"  # every save fails: a parent is a file (OSError)
    report = request_report(organisation=organisation, actor=leader, year=2025)
    # The last of the retries (the earlier ones, with backoff, are tested in test_reports).
    make_strategy_report.apply(args=[report.pk], task_id="t1", retries=REPORT_RETRIES, throw=False)
    report = StrategyReport.objects.get(pk=report.pk)
    assert report.status == ReportStatus.FAILED
    assert report.error == (
        "Rapporten kunne ikke lages fordi databasen eller lagringen ikke svarte. "
        "Prøv igjen om litt."
    )
    assert not report.accessible_file and not report.archive_file
    assert not report.accessible_sha256 and not report.archive_sha256
    assert report.page_count is None
    assert not (blocker.parent / "media").exists()
