"""Background work for the strategy: making the yearly report for kommunestyret.

`make_strategy_report` calls `maturity.services.reports.make_report`, which claims, makes
and stamps the report exactly once (its module docstring has the guarantee). The task's
options make a lost worker harmless: the message is acknowledged only when the task is
over (acks_late), a killed pool child puts it back at once (reject_on_worker_lost), and a
killed worker's message comes back after the visibility timeout. Errors that pass
(database, disk, network) are retried after 2, 4 and 8 s; anything else, or the soft time
limit, fails the report with a Bokmål sentence for the page and the traceback in the log.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from maturity.services import reports

logger = logging.getLogger(__name__)

# Errors that pass: the database or the disk hiccuped, a connection dropped.
TRANSIENT = (OperationalError, OSError, ConnectionError)
REPORT_RETRIES = 3

REPORT_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": REPORT_RETRIES,
    # Both below the Redis visibility timeout (checked in settings).
    "time_limit": settings.REPORT_TIME_LIMIT,
    "soft_time_limit": settings.REPORT_SOFT_TIME_LIMIT,
}


@shared_task(bind=True, **REPORT_TASK)
def make_strategy_report(self: Task[Any, Any], report_id: int) -> str | None:
    """Make one report version; returns its status, or None when it was not this task's
    to make (done already, or another worker holds it)."""
    task_id = self.request.id or ""
    with override(settings.LANGUAGE_CODE):  # the page shows the steps and errors in Bokmål
        try:
            report = reports.make_report(report_id=report_id, task_id=task_id)
        except TRANSIENT as error:
            if self.request.retries < REPORT_RETRIES:
                logger.warning("Report %s: %s; trying again.", report_id, error)
                raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
            logger.exception("Report %s could not be made.", report_id)
            reports.fail_report(
                report_id=report_id,
                task_id=task_id,
                error=_(
                    "Rapporten kunne ikke lages fordi databasen eller lagringen ikke svarte. "
                    "Prøv igjen om litt."
                ),
            )
            return None
        except SoftTimeLimitExceeded:
            logger.exception("Report %s took too long.", report_id)
            reports.fail_report(
                report_id=report_id,
                task_id=task_id,
                error=_(
                    "Rapporten tok for lang tid å lage (mer enn %(minutes)s minutter) og ble "
                    "stoppet. Prøv igjen, eller kontakt administratoren hvis det skjer igjen."
                )
                % {"minutes": max(1, settings.REPORT_SOFT_TIME_LIMIT // 60)},
            )
            return None
        except Exception:
            logger.exception("Report %s failed.", report_id)
            reports.fail_report(
                report_id=report_id,
                task_id=task_id,
                error=_(
                    "Rapporten kunne ikke lages på grunn av en feil hos oss. Prøv igjen, og "
                    "kontakt administratoren hvis det skjer igjen."
                ),
            )
            return None
    return report.status if report else None


@shared_task(acks_late=True)
def make_yearly_reports() -> int:
    """Beat task (the configured date, 05:00): every organisation's report for the year
    before, once; returns how many were requested."""
    return len(reports.request_yearly_reports(year=timezone.localdate().year - 1))


@shared_task(acks_late=True)
def requeue_pending_reports() -> int:
    """Beat task (every minute): queue again the reports that should be on their way (see
    `reports.reports_to_requeue`); returns how many. A report queued twice is made once:
    the claim decides."""
    report_ids = reports.reports_to_requeue(now=timezone.now())
    for report_id in report_ids:
        make_strategy_report.delay(report_id)
    return len(report_ids)
