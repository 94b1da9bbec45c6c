"""The yearly strategy report for kommunestyret: requesting it, and making it exactly once.

The `StrategyReport` row is the outbox. `request_report` (a leader) and
`request_yearly_reports` (Celery beat) save it as «queued» in their transaction and queue
`maturity.tasks.make_strategy_report` after commit; with Redis down the request still
answers and `reports_to_requeue` (the beat sweep, every minute) finds the row later.

Making one (`make_report`, called by the task) is three steps:

1. **Claim** with one conditional UPDATE: a row that is queued, or running under a claim
   that has run out (`lease_until`, longer than the task's hard time limit) or that this
   same task holds (the same message redelivered after its worker died: Redis redelivers
   only a task whose worker is gone, since the hard time limit is below the visibility
   timeout) becomes running, `attempts` + 1. Two workers never both get it; a done or
   failed row is never claimed again.
2. **Make** both files (`maturity.report_document`) with no transaction held, and store
   them under server-made names that carry the attempt (`strategy-reports/<org>/<report>/
   attempt-<n>-<variant>.pdf`).
3. **Stamp** done, the names and checksums in one transaction, only if the claim of this
   attempt still stands; then delete whatever else is in the report's folder (the files of
   an attempt whose worker was killed after storing them). A stamp that lost its claim
   deletes its own files.

So one organisation, year and version has at most one finished report with one file per
variant, whatever Redis redelivers. Not guaranteed: that a report is made at all while no
worker runs, or that the same version is not rendered twice (a killed attempt is simply
made again).
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maturity import report_document
from maturity.events import MaturityAction
from maturity.exceptions import ReportNotFailed, ReportPending
from maturity.models import ReportStatus, StrategyReport
from portal.celery import enqueue_on_commit
from portal.concurrency import lock_row
from portal.events import record_event
from portal.models import Organisation, User
from portfolio.models import Initiative

logger = logging.getLogger(__name__)

# The sweep leaves reports younger than this to the task queued on commit.
SWEEP_AFTER = timedelta(minutes=1)
# The folder under MEDIA_ROOT; there is no public URL to it (downloads are views).
FOLDER = "strategy-reports"
VARIANTS = ("accessible", "archive")


def lease() -> timedelta:
    """How long a claim holds: longer than the task's hard time limit, so it never runs out
    under a worker that is still making the report."""
    return timedelta(seconds=settings.REPORT_TIME_LIMIT + 60)


def _state(report: StrategyReport, **extra: object) -> dict[str, object]:
    return {"year": report.year, "version": report.version, **extra}


def _queue(report: StrategyReport) -> None:
    from maturity.tasks import make_strategy_report  # the task module imports this one

    # The row is the outbox: a broker that is down is logged, and the sweep queues it.
    enqueue_on_commit(make_strategy_report, report.pk)


def _new_version(
    organisation: Organisation, year: int, requested_by: User | None
) -> StrategyReport:
    latest = StrategyReport.objects.filter(organisation=organisation, year=year).aggregate(
        latest=Max("version")
    )["latest"]
    return StrategyReport.objects.create(
        organisation=organisation,
        year=year,
        version=(latest or 0) + 1,
        requested_by=requested_by,
    )


@transaction.atomic
def request_report(
    *,
    organisation: Organisation,
    actor: User,
    year: int,
    notable: Sequence[Initiative] = (),
) -> StrategyReport:
    """Queue the next version of the organisation's report for `year`.

    The organisation's row is locked while the version is chosen, so two requests at once
    get versions n and n+1, never the same; and while one for the year is queued or being
    made, another is refused (ReportPending), so a double click makes one report.
    `notable` are the leaders' choice of initiatives to feature (the organisation's own);
    none lets the document choose.
    """
    lock_row(Organisation.objects.all(), pk=organisation.pk)
    pending = (
        StrategyReport.objects.filter(
            organisation=organisation, year=year, status__in=StrategyReport.PENDING
        )
        .values_list("pk", flat=True)
        .first()
    )
    if pending is not None:
        raise ReportPending(pending)
    if any(initiative.organisation_id != organisation.pk for initiative in notable):
        raise ValueError("Notable initiatives belong to another organisation.")
    report = _new_version(organisation, year, actor)
    report.notable_initiatives.set(notable)
    record_event(
        organisation=organisation,
        actor=actor,
        action=MaturityAction.REPORT_REQUESTED,
        subject=report,
        after=_state(report, notable=sorted(initiative.pk for initiative in notable)),
    )
    _queue(report)
    return report


def request_yearly_reports(*, year: int) -> list[StrategyReport]:
    """Beat's yearly report for `year`, for every organisation that has none yet; returns
    the new ones. Safe to run again the same day: the organisation's row is locked and a
    partial unique constraint allows one beat-made report per organisation and year."""
    made = []
    for organisation in Organisation.objects.order_by("pk"):
        report = _request_yearly_report(organisation, year)
        if report is not None:
            made.append(report)
    return made


@transaction.atomic
def _request_yearly_report(organisation: Organisation, year: int) -> StrategyReport | None:
    lock_row(Organisation.objects.all(), pk=organisation.pk)
    yearly = StrategyReport.objects.filter(
        organisation=organisation, year=year, requested_by__isnull=True
    )
    if yearly.exists():
        return None
    try:
        with transaction.atomic():
            report = _new_version(organisation, year, None)
    except IntegrityError:  # a beat on another machine got there first
        return None
    record_event(
        organisation=organisation,
        actor=None,
        action=MaturityAction.REPORT_REQUESTED,
        subject=report,
        after=_state(report),
    )
    _queue(report)
    return report


@transaction.atomic
def retry_report(*, report: StrategyReport, actor: User) -> StrategyReport:
    """Queue a failed report again, as the same version (it never finished); anything
    else is refused with ReportNotFailed."""
    current = lock_row(StrategyReport.objects.all(), pk=report.pk)
    if current.status != ReportStatus.FAILED:
        raise ReportNotFailed(current.status)
    current.status = ReportStatus.QUEUED
    current.error = current.step = current.task_id = ""
    current.progress = current.attempts = 0
    current.lease_until = current.started_at = current.finished_at = None
    current.queued_at = timezone.now()
    current.save()
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=MaturityAction.REPORT_RETRIED,
        subject=current,
        after=_state(current),
    )
    _queue(current)
    return current


# Making a report (the worker) ----------------------------------------------------------


def _claimable(now: datetime, task_id: str) -> Q:
    running = Q(status=ReportStatus.RUNNING) & (Q(lease_until__lt=now) | Q(task_id=task_id))
    return Q(status=ReportStatus.QUEUED) | running


@transaction.atomic
def claim_report(*, report_id: int, task_id: str) -> StrategyReport | None:
    """Claim the report for this task (see the module docstring); None when it is not this
    task's to make: done, failed, or running under another live claim. A report claimed
    MAX_ATTEMPTS times (a worker killed again and again) is failed instead."""
    now = timezone.now()
    # A plain UPDATE, no joins: PostgreSQL re-checks the WHERE after waiting for a row lock,
    # so of two workers at once exactly one gets the row.
    rows = StrategyReport.objects.filter(pk=report_id).filter(_claimable(now, task_id))
    claimed = rows.filter(attempts__lt=StrategyReport.MAX_ATTEMPTS).update(
        status=ReportStatus.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=now + lease(),
        task_id=task_id,
        started_at=now,
        progress=0,
        step=_("Starter"),
    )
    if not claimed:
        if rows.exists():  # claimable, but out of attempts
            _fail(
                report_id,
                rows,
                _("Rapporten kunne ikke lages etter %(count)s forsøk. Prøv igjen senere.")
                % {"count": StrategyReport.MAX_ATTEMPTS},
            )
        return None
    report = StrategyReport.objects.select_related("organisation").get(pk=report_id)
    record_event(
        organisation=report.organisation,
        actor=None,
        action=MaturityAction.REPORT_STARTED,
        subject=report,
        after=_state(report, attempt=report.attempts),
    )
    return report


def _fail(report_id: int, rows: QuerySet[StrategyReport], error: str) -> bool:
    failed = rows.update(
        status=ReportStatus.FAILED,
        error=error[:500],
        finished_at=timezone.now(),
        lease_until=None,
    )
    if failed:
        report = StrategyReport.objects.select_related("organisation").get(pk=report_id)
        record_event(
            organisation=report.organisation,
            actor=None,
            action=MaturityAction.REPORT_FAILED,
            subject=report,
            after=_state(report, error=report.error),
        )
    return bool(failed)


@transaction.atomic
def fail_report(*, report_id: int, task_id: str, error: str) -> bool:
    """Mark the report failed with a Bokmål `error` for the page, if this task still holds
    its claim; returns whether it did."""
    rows = StrategyReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING, task_id=task_id)
    return _fail(report_id, rows, error)


@dataclass(frozen=True)
class _Stored:
    name: str
    sha256: str
    size: int


def _folder(report: StrategyReport) -> str:
    return f"{FOLDER}/{report.organisation_id}/{report.pk}"


def _store(report: StrategyReport, variant: str, content: bytes) -> _Stored:
    name = f"{_folder(report)}/attempt-{report.attempts}-{variant}.pdf"
    storage = default_storage
    if storage.exists(name):  # an earlier run of this same attempt stored it, then died
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    return _Stored(name=saved, sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def _delete_others(storage: Storage, folder: str, keep: set[str]) -> None:
    try:
        _directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        name = posixpath.join(folder, file)
        if name not in keep:
            storage.delete(name)


def make_report(*, report_id: int, task_id: str) -> StrategyReport | None:
    """Claim, make and stamp the report (the module docstring); returns it when this task
    finished it, None when it was not this task's to make. Errors propagate: the task
    decides between a retry and a failed report."""
    report = claim_report(report_id=report_id, task_id=task_id)
    if report is None:
        return None
    mine = StrategyReport.objects.filter(
        pk=report.pk, status=ReportStatus.RUNNING, attempts=report.attempts
    )

    def progress(percent: int, step: str) -> None:
        # Outside any transaction, so the page sees it at once; 100 % is the stamp's.
        mine.update(progress=max(0, min(int(percent), 99)), step=step[:200])

    files = report_document.build_report_files(
        report.organisation,
        report.year,
        version=report.version,
        notable_ids=list(report.notable_initiatives.values_list("pk", flat=True)) or None,
        progress=progress,
    )
    progress(99, _("Lagrer filene"))
    stored = {
        "accessible": _store(report, "accessible", files.accessible),
        "archive": _store(report, "archive", files.archive),
    }
    keep = {file.name for file in stored.values()}
    with transaction.atomic():
        done = mine.update(
            status=ReportStatus.DONE,
            progress=100,
            step="",
            finished_at=timezone.now(),
            lease_until=None,
            accessible_file=stored["accessible"].name,
            accessible_sha256=stored["accessible"].sha256,
            accessible_size=stored["accessible"].size,
            archive_file=stored["archive"].name,
            archive_sha256=stored["archive"].sha256,
            archive_size=stored["archive"].size,
            page_count=files.page_count,
            gather_seconds=files.gather_seconds,
            layout_seconds=files.layout_seconds,
        )
        if done:
            report.refresh_from_db()
            record_event(
                organisation=report.organisation,
                actor=None,
                action=MaturityAction.REPORT_DONE,
                subject=report,
                after=_state(report, pages=files.page_count, attempt=report.attempts),
            )
    if not done:  # the claim was lost meanwhile (expired and taken): these files are nobody's
        for name in keep:
            default_storage.delete(name)
        return None
    _delete_others(default_storage, _folder(report), keep)  # files of killed attempts
    return report


def reports_to_requeue(*, now: datetime) -> list[int]:
    """The sweep's rows: queued for more than SWEEP_AFTER (their task was never queued,
    Redis being down, or it is lost), and running under a claim that has run out (its
    worker died). Marked as queued now, so each is queued again at most once a minute."""
    with transaction.atomic():
        stale = Q(status=ReportStatus.QUEUED, queued_at__lt=now - SWEEP_AFTER) | Q(
            status=ReportStatus.RUNNING, lease_until__lt=now
        )
        ids = list(
            StrategyReport.objects.filter(stale)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        StrategyReport.objects.filter(pk__in=ids, status=ReportStatus.QUEUED).update(queued_at=now)
    return ids
