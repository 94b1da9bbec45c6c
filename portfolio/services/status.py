"""Status reports with traffic lights."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.concurrency import StaleVersion, lock_row
from portal.events import record_event
from portal.models import User
from portfolio.events import PortfolioAction
from portfolio.exceptions import StatusReportPublished
from portfolio.models import (
    Initiative,
    StatusReport,
)


def status_report_errors(report: StatusReport) -> dict[str, str]:
    """What the model cannot say: yellow and red need a comment (never a colour alone), and
    budget and costs are not negative."""
    errors = {}
    for light in StatusReport.LIGHTS:
        comment = getattr(report, f"{light}_comment") or ""
        if getattr(report, light) in StatusReport.LIGHTS_NEEDING_COMMENT and not comment.strip():
            errors[f"{light}_comment"] = _("Skriv en kommentar når statusen er gul eller rød.")
    for amount in ("budget", "costs_to_date"):
        value = getattr(report, amount)
        if value is not None and value < 0:
            errors[amount] = _("Beløpet kan ikke være negativt.")
    return errors


@transaction.atomic
def save_status_report(
    *,
    initiative: Initiative,
    actor: User,
    publish: bool,
    report: StatusReport | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> StatusReport:
    """Create or edit a draft status report; `publish` makes it visible on the board card.

    A published report is history and is not edited again (StatusReportPublished): write a
    new one. A draft saved by someone else since `expected_version` raises
    StaleVersion; invalid values raise ValidationError. Nothing is saved then.
    """
    unknown = set(fields) - set(StatusReport.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown status report fields: {sorted(unknown)}")
    if report is None:
        report = StatusReport(initiative=initiative, created_by=actor)
    else:
        # Read again under a lock: the draft may have been published or saved meanwhile.
        report = lock_row(StatusReport.objects.all(), pk=report.pk)
        if report.initiative_id != initiative.pk:
            raise ValueError("The status report belongs to another initiative.")
        if report.published_at is not None:
            raise StatusReportPublished("A published status report cannot be changed.")
        if expected_version is not None and report.version != expected_version:
            raise StaleVersion(report)
        report.version += 1
    for name, value in fields.items():
        setattr(report, name, value)
    if publish:
        report.published_at = timezone.now()
    errors = status_report_errors(report)
    if errors:
        raise ValidationError(errors)
    report.full_clean()
    report.save()
    record_event(
        organisation=initiative.organisation,
        actor=actor,
        action=PortfolioAction.STATUS_PUBLISHED if publish else PortfolioAction.STATUS_SAVED,
        subject=initiative,
        after=(
            {
                "report": report.pk,
                **{k: str(getattr(report, k)) for k in StatusReport.EDITABLE_FIELDS},
            }
        ),
    )
    return report
