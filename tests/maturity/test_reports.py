"""The yearly strategy report's record, its making (claim, make, stamp), beat, the sweep and
the pages. The document itself is tested in its own module; real workers killed in the
middle are in test_report_worker.py."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from maturity import report_document
from maturity.events import MaturityAction
from maturity.exceptions import ReportNotFailed, ReportPending
from maturity.models import ReportStatus, StrategyReport
from maturity.services import reports
from maturity.services.reports import (
    claim_report,
    make_report,
    reports_to_requeue,
    request_report,
    request_yearly_reports,
    retry_report,
)
from maturity.tasks import (
    REPORT_TASK,
    make_strategy_report,
    make_yearly_reports,
    requeue_pending_reports,
)
from portal.celery import app
from portal.models import DomainEvent, Organisation, User
from portal.settings import env_day_month
from portfolio.models import Initiative
from tests.maturity.races import race

LIST = reverse("maturity:reports")
REQUEST = reverse("maturity:report_request")


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def tasks_run_in_process() -> Iterator[None]:
    """Queued tasks run at once even where REDIS_URL is set (CI)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def files(media: Path) -> list[str]:
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def done_report(organisation: Organisation, actor: User, year: int = 2025) -> StrategyReport:
    report = request_report(organisation=organisation, actor=actor, year=year)
    made = make_report(report_id=report.pk, task_id="t1")
    assert made is not None
    return made


def actions(report: StrategyReport) -> list[str]:
    events = DomainEvent.objects.filter(
        subject_type="maturity.strategyreport", subject_id=report.pk
    )
    return list(events.order_by("pk").values_list("action", flat=True))


# Requesting ----------------------------------------------------------------------------


def test_a_request_saves_the_record_and_queues_the_task_after_commit(
    organisation: Organisation,
    leader: User,
    make_initiative: Callable[..., Initiative],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    notable = make_initiative(title="Digital nattilsyn")
    with mock.patch("maturity.tasks.make_strategy_report.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report = request_report(
                organisation=organisation, actor=leader, year=2025, notable=[notable]
            )
        assert not queued.called  # nothing is queued before the commit
        for callback in callbacks:
            callback()
    queued.assert_called_once_with((report.pk,))
    assert (report.year, report.version, report.status) == (2025, 1, ReportStatus.QUEUED)
    assert report.requested_by == leader
    assert list(report.notable_initiatives.all()) == [notable]
    event = DomainEvent.objects.get(action=MaturityAction.REPORT_REQUESTED)
    assert event.actor == leader
    assert event.after == {"year": 2025, "version": 1, "notable": [notable.pk]}


def test_a_second_request_while_one_is_on_its_way_is_refused_then_the_next_is_a_new_version(
    organisation: Organisation, leader: User, admin: User
) -> None:
    first = request_report(organisation=organisation, actor=leader, year=2025)
    with pytest.raises(ReportPending):
        request_report(organisation=organisation, actor=admin, year=2025)
    other_year = request_report(organisation=organisation, actor=admin, year=2024)
    assert other_year.version == 1
    make_report(report_id=first.pk, task_id="t1")
    second = request_report(organisation=organisation, actor=admin, year=2025)
    assert second.version == 2
    first.refresh_from_db()
    assert first.status == ReportStatus.DONE  # a finished version is never touched again


def test_notable_initiatives_come_from_the_organisation(
    organisation: Organisation,
    other_organisation: Organisation,
    leader: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    theirs = make_initiative(title="Lunners")
    theirs.organisation = other_organisation  # as if it were another organisation's
    with pytest.raises(ValueError, match="another organisation"):
        request_report(organisation=organisation, actor=leader, year=2025, notable=[theirs])
    assert not StrategyReport.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leaders_requesting_at_once_make_one_report(
    organisation: Organisation, leader: User, admin: User
) -> None:
    statuses = race([(leader, {"year": "2025"}), (admin, {"year": "2025"})], REQUEST)
    # One is saved (redirect to its page), the other is told at the field (the list again).
    assert sorted(statuses) == [200, 302]
    assert StrategyReport.objects.get().version == 1


# Making it: claim, make, stamp ------------------------------------------------------------


def test_a_report_is_made_with_both_files_and_their_checksums(
    organisation: Organisation, leader: User, media: Path
) -> None:
    steps: list[tuple[int, str]] = []
    real = report_document.build_report_files

    def watched(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        def spy(percent: int, step: str) -> None:
            progress(percent, step)
            row = StrategyReport.objects.get()
            steps.append((row.progress, row.step))

        return real(*args, progress=spy, **kwargs)

    report = request_report(organisation=organisation, actor=leader, year=2025)
    with mock.patch.object(report_document, "build_report_files", watched):
        made = make_report(report_id=report.pk, task_id="t1")
    assert made is not None
    assert (made.status, made.progress, made.attempts) == (ReportStatus.DONE, 100, 1)
    # What the document reported stood on the row as it went (below 100 until stamped done).
    assert steps and steps[0] == (5, "Henter tallene")
    assert [percent for percent, _ in steps] == sorted(percent for percent, _ in steps)
    assert all(percent < 100 for percent, _ in steps)
    assert made.page_count == len(PdfReader(made.accessible_file.path).pages) > 1
    assert made.started_at and made.finished_at
    assert made.lease_until is None
    for file, checksum, size in (
        (made.accessible_file, made.accessible_sha256, made.accessible_size),
        (made.archive_file, made.archive_sha256, made.archive_size),
    ):
        content = (media / str(file.name)).read_bytes()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == checksum and len(content) == size
    assert files(media) == ["attempt-1-accessible.pdf", "attempt-1-archive.pdf"]
    assert actions(made) == [
        MaturityAction.REPORT_REQUESTED,
        MaturityAction.REPORT_STARTED,
        MaturityAction.REPORT_DONE,
    ]


def test_a_redelivered_task_makes_nothing_twice(
    organisation: Organisation, leader: User, media: Path
) -> None:
    report = done_report(organisation, leader)
    with mock.patch.object(report_document, "build_report_files") as build:
        assert make_report(report_id=report.pk, task_id="t1") is None  # the same message
        assert make_report(report_id=report.pk, task_id="t2") is None  # the sweep's copy
    assert not build.called
    assert len(files(media)) == 2
    assert actions(report).count(MaturityAction.REPORT_DONE) == 1


def test_a_live_claim_keeps_other_tasks_out_until_it_runs_out(
    organisation: Organisation, leader: User
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    assert claim_report(report_id=report.pk, task_id="first") is not None
    assert claim_report(report_id=report.pk, task_id="second") is None
    # The same task again is the same message redelivered after its worker died.
    again = claim_report(report_id=report.pk, task_id="first")
    assert again is not None and again.attempts == 2
    with time_machine.travel(timezone.now() + reports.lease() + timedelta(seconds=1)):
        taken = claim_report(report_id=report.pk, task_id="second")
    assert taken is not None and (taken.attempts, taken.task_id) == (3, "second")


def test_a_killed_attempts_stored_files_are_cleaned_when_the_next_one_finishes(
    organisation: Organisation, leader: User, media: Path
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    claimed = claim_report(report_id=report.pk, task_id="t1")
    assert claimed is not None
    # The first attempt stored its files and died before the stamp.
    reports._store(claimed, "accessible", b"%PDF-1.7 half")
    reports._store(claimed, "archive", b"%PDF-1.7 half")
    made = make_report(report_id=report.pk, task_id="t1")  # redelivered
    assert made is not None and made.attempts == 2
    assert files(media) == ["attempt-2-accessible.pdf", "attempt-2-archive.pdf"]


def test_a_stamp_that_lost_its_claim_leaves_no_files(
    organisation: Organisation, leader: User, media: Path
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    real = report_document.build_report_files

    def overtaken(*args: Any, **kwargs: Any) -> Any:
        if build.call_count == 1:  # t1's: meanwhile its claim runs out, and t2 finishes
            with time_machine.travel(timezone.now() + reports.lease() + timedelta(seconds=1)):
                assert make_report(report_id=report.pk, task_id="t2") is not None
        return real(*args, **kwargs)

    with mock.patch.object(report_document, "build_report_files", side_effect=overtaken) as build:
        assert make_report(report_id=report.pk, task_id="t1") is None
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.DONE, 2)
    assert files(media) == ["attempt-2-accessible.pdf", "attempt-2-archive.pdf"]


def test_a_report_claimed_too_often_fails_for_good(
    organisation: Organisation, leader: User
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    for _attempt in range(StrategyReport.MAX_ATTEMPTS):
        assert claim_report(report_id=report.pk, task_id="looping") is not None
    assert claim_report(report_id=report.pk, task_id="looping") is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "Rapporten kunne ikke lages etter 5 forsøk. Prøv igjen senere."
    assert actions(report)[-1] == MaturityAction.REPORT_FAILED


# The task ----------------------------------------------------------------------------------


def test_the_task_is_acknowledged_late_and_limited_below_the_visibility_timeout() -> None:
    assert make_strategy_report.acks_late is True
    assert make_strategy_report.reject_on_worker_lost is True
    assert REPORT_TASK["soft_time_limit"] < REPORT_TASK["time_limit"]
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert REPORT_TASK["time_limit"] < visibility
    assert reports.lease() > timedelta(seconds=REPORT_TASK["time_limit"])
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 300_000
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] == 1


def test_the_task_retries_transient_errors_with_backoff_then_fails_in_bokmal(
    organisation: Organisation, leader: User
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    countdowns: list[int] = []

    def retry(*, exc: Exception, countdown: int) -> Retry:
        countdowns.append(countdown)
        return Retry(exc=exc)

    failing = mock.patch.object(
        report_document, "build_report_files", side_effect=OperationalError("connection reset")
    )
    with failing as build, mock.patch.object(make_strategy_report, "retry", side_effect=retry):
        # The message and its three retries (the same task id, as Celery's retry sends).
        for retries in range(4):
            make_strategy_report.apply(args=[report.pk], task_id="t1", retries=retries, throw=False)
    assert build.call_count == 4 and countdowns == [2, 4, 8]
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.attempts == 4
    assert report.error.startswith("Rapporten kunne ikke lages fordi databasen")


@pytest.mark.usefixtures("tasks_run_in_process")
@pytest.mark.parametrize(
    ("error", "message"),
    [
        (SoftTimeLimitExceeded(), "Rapporten tok for lang tid å lage (mer enn 9 minutter)"),
        (ZeroDivisionError("division by zero"), "Rapporten kunne ikke lages på grunn av en feil"),
    ],
)
def test_a_broken_or_slow_report_fails_with_a_message_not_a_traceback(
    organisation: Organisation, leader: User, error: BaseException, message: str
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    with mock.patch.object(report_document, "build_report_files", side_effect=error) as build:
        make_strategy_report.delay(report.pk)
    assert build.call_count == 1  # not retried
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith(message)
    assert "Traceback" not in report.error and "division" not in report.error


def test_a_failed_report_is_tried_again_as_the_same_version(
    organisation: Organisation, leader: User, admin: User
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    claim_report(report_id=report.pk, task_id="t1")
    reports.fail_report(report_id=report.pk, task_id="t1", error="Feil.")
    retried = retry_report(report=report, actor=admin)
    assert (retried.status, retried.version, retried.attempts, retried.error) == (
        ReportStatus.QUEUED,
        1,
        0,
        "",
    )
    assert actions(report)[-1] == MaturityAction.REPORT_RETRIED
    with pytest.raises(ReportNotFailed):
        retry_report(report=retried, actor=admin)
    assert make_report(report_id=report.pk, task_id="t2") is not None


# Beat: the yearly report, and the sweep ----------------------------------------------------


def test_beat_makes_every_organisations_report_for_the_year_before_once(
    organisation: Organisation, other_organisation: Organisation, leader: User
) -> None:
    request_report(organisation=organisation, actor=leader, year=2025)  # a leader's own
    with (
        time_machine.travel("2026-01-15 05:00 +01:00", tick=False),
        mock.patch("maturity.tasks.make_strategy_report.apply_async"),
    ):
        assert make_yearly_reports() == 2
        assert make_yearly_reports() == 0  # beat twice the same day
        assert make_yearly_reports() == 0  # and the next day's make-up run
    yearly = StrategyReport.objects.filter(requested_by__isnull=True).order_by("organisation_id")
    assert [(r.organisation, r.year, r.version) for r in yearly] == [
        (organisation, 2025, 2),
        (other_organisation, 2025, 1),
    ]
    by_beat = DomainEvent.objects.filter(action=MaturityAction.REPORT_REQUESTED, actor=None)
    assert by_beat.count() == 2
    assert request_yearly_reports(year=2025) == []


def test_beat_runs_on_the_configured_date_and_the_sweep_every_minute() -> None:
    yearly = settings.CELERY_BEAT_SCHEDULE["make-yearly-strategy-reports"]
    assert yearly["task"] == "maturity.tasks.make_yearly_reports"
    schedule = yearly["schedule"]
    assert schedule.month_of_year == {1} and min(schedule.day_of_month) == 15  # type: ignore[attr-defined]
    assert schedule.hour == {5} and schedule.minute == {0}  # type: ignore[attr-defined]
    sweep = settings.CELERY_BEAT_SCHEDULE["requeue-pending-reports"]
    assert (sweep["task"], sweep["schedule"]) == ("maturity.tasks.requeue_pending_reports", 60.0)


def test_the_report_date_is_read_as_day_and_month(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATEGY_REPORT_DATE", "01.02")
    assert env_day_month("STRATEGY_REPORT_DATE", "15.01") == (1, 2)
    for bad in ("2026-01-15", "31.02", "15", "femtende"):
        monkeypatch.setenv("STRATEGY_REPORT_DATE", bad)
        with pytest.raises(ImproperlyConfigured, match="dd.mm"):
            env_day_month("STRATEGY_REPORT_DATE", "15.01")


def test_the_sweep_queues_lost_and_abandoned_reports(
    organisation: Organisation, leader: User, admin: User
) -> None:
    lost = request_report(organisation=organisation, actor=leader, year=2025)
    abandoned = request_report(organisation=organisation, actor=leader, year=2024)
    claim_report(report_id=abandoned.pk, task_id="dead-worker")
    done_report(organisation, admin, year=2023)
    with mock.patch("maturity.tasks.make_strategy_report.delay") as queued:
        assert requeue_pending_reports() == 0  # the lost one is young, the claim holds
        with later(2):
            assert requeue_pending_reports() == 1
            assert requeue_pending_reports() == 0  # at most once a minute
        with later(3.1):
            assert requeue_pending_reports() == 1
        with time_machine.travel(timezone.now() + reports.lease() + timedelta(minutes=2)):
            assert sorted(reports_to_requeue(now=timezone.now())) == [lost.pk, abandoned.pk]
    assert [c.args for c in queued.call_args_list] == [(lost.pk,), (lost.pk,)]


# Pages -------------------------------------------------------------------------------------


def test_leaders_see_the_reports_per_year_and_the_request_form(
    organisation: Organisation,
    leader: User,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    done_report(organisation, leader, 2025)
    request_report(organisation=organisation, actor=leader, year=2025)
    page = client_for(leader).get(LIST).content.decode()
    assert "Rapporten for 2025" in page and "Versjon 2" in page and "Versjon 1" in page
    assert 'action="/strategi/rapporter/bestill/"' in page
    board_page = client_for(bob).get(LIST).content.decode()
    assert "Versjon 1" in board_page and "bestill" not in board_page  # the board reads only


def test_requesting_on_the_page_redirects_to_the_report(
    organisation: Organisation,
    leader: User,
    client_for: Callable[[User | None], Client],
    make_initiative: Callable[..., Initiative],
) -> None:
    chosen = make_initiative(title="Nattilsyn")
    with mock.patch("maturity.tasks.make_strategy_report.apply_async"):
        response = client_for(leader).post(REQUEST, {"year": "2025", "notable": [chosen.pk]})
    report = StrategyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert list(report.notable_initiatives.all()) == [chosen]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"year": ""}, "Skriv året rapporten gjelder."),
        ({"year": "1999"}, "Skriv et år fra 2000 til"),
        ({"year": "tjuefemten"}, "Skriv"),
        ({"year": "2025", "notable": ["999999"]}, "Velg bare initiativ fra listen."),
    ],
)
def test_bad_input_is_a_message_at_the_field(
    organisation: Organisation,
    leader: User,
    client_for: Callable[[User | None], Client],
    data: dict[str, Any],
    error: str,
) -> None:
    response = client_for(leader).post(REQUEST, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not StrategyReport.objects.exists()


def test_too_many_notable_initiatives_are_refused(
    organisation: Organisation,
    leader: User,
    client_for: Callable[[User | None], Client],
    make_initiative: Callable[..., Initiative],
) -> None:
    chosen = [make_initiative(title=f"Initiativ {n}").pk for n in range(6)]
    response = client_for(leader).post(REQUEST, {"year": "2025", "notable": chosen})
    assert "Velg høyst 5 initiativ." in response.content.decode()


def test_a_double_click_makes_one_report_and_says_why(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    with mock.patch("maturity.tasks.make_strategy_report.apply_async"):
        assert client.post(REQUEST, {"year": "2025"}).status_code == 302
        second = client.post(REQUEST, {"year": "2025"})
    assert second.status_code == 200
    assert "Rapporten for 2025 lages allerede." in second.content.decode()
    assert StrategyReport.objects.count() == 1


def test_the_report_page_polls_while_pending_and_stops_with_286(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    report = request_report(organisation=organisation, actor=leader, year=2025)
    url = report.get_absolute_url()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'hx-trigger="every 2s"' in html
    assert ">Oppdater</a>" in html  # without JavaScript
    assert "<html" in html
    poll = client.get(url, HTTP_HX_REQUEST="true")
    fragment = poll.content.decode()
    assert poll.status_code == 200 and "<html" not in fragment
    assert "I kø" in fragment and "<progress" in fragment
    assert poll["Vary"] == "HX-Request" or "HX-Request" in poll["Vary"]

    make_report(report_id=report.pk, task_id="t1")
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 286
    fragment = done.content.decode()
    assert reverse("maturity:report_download", args=[report.pk]) in fragment
    assert reverse("maturity:report_archive", args=[report.pk]) in fragment
    full = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' not in full and "Ferdig" in full


def test_a_failed_report_shows_its_error_and_a_retry_button(
    organisation: Organisation,
    leader: User,
    bob: User,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    claim_report(report_id=report.pk, task_id="t1")
    reports.fail_report(report_id=report.pk, task_id="t1", error="Rapporten tok for lang tid.")
    client = client_for(leader)
    poll = client.get(report.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286
    assert "Rapporten tok for lang tid." in poll.content.decode()
    assert "Prøv igjen" in client.get(report.get_absolute_url()).content.decode()
    assert "Prøv igjen" not in client_for(bob).get(report.get_absolute_url()).content.decode()
    with (
        mock.patch("maturity.tasks.make_strategy_report.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("maturity:report_retry", args=[report.pk]))
    assert response.status_code == 302 and queued.called
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED


def test_downloads_are_attachments_with_ascii_names(
    organisation: Organisation, leader: User, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    done_report(organisation, leader, 2025)
    request_report(organisation=organisation, actor=leader, year=2025)
    report = make_report(report_id=StrategyReport.objects.get(version=2).pk, task_id="t2")
    assert report is not None
    for name, filename, checksum in (
        ("maturity:report_download", "innovasjonsrapport-2025-v2.pdf", report.accessible_sha256),
        ("maturity:report_archive", "innovasjonsrapport-2025-v2-arkiv.pdf", report.archive_sha256),
    ):
        response = client_for(bob).get(reverse(name, args=[report.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert hashlib.sha256(response.getvalue()).hexdigest() == checksum


def test_a_report_not_finished_has_nothing_to_download(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    report = request_report(organisation=organisation, actor=leader, year=2025)
    response = client_for(leader).get(reverse("maturity:report_download", args=[report.pk]))
    assert response.status_code == 404


def test_the_dashboard_links_to_the_reports(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    page = client_for(leader).get(reverse("maturity:dashboard")).content.decode()
    assert f'href="{LIST}"' in page


# The form's initiative picker lists only the chosen initiatives (none): no query for them.
LIST_QUERIES = 4
DETAIL_QUERIES = 6


def test_the_list_and_detail_query_counts_do_not_grow_with_the_reports(
    organisation: Organisation,
    leader: User,
    make_initiative: Callable[..., Initiative],
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(leader)
    first = done_report(organisation, leader, 2025)
    client.get(LIST)  # the session is warm
    with django_assert_num_queries(LIST_QUERIES):
        client.get(LIST)
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(first.get_absolute_url())
    initiatives = [make_initiative(title=f"Initiativ {n}") for n in range(3)]
    for year in (2023, 2024):
        done_report(organisation, leader, year)
    for _version in range(3):
        report = request_report(
            organisation=organisation, actor=leader, year=2025, notable=initiatives
        )
        make_report(report_id=report.pk, task_id="t")
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(LIST)
    assert page.content.decode().count("Versjon ") >= 6
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(report.get_absolute_url())
    assert "Initiativ 2" in page.content.decode()
