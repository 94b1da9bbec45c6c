"""Status reports."""

from __future__ import annotations

from django.db.models import (
    F,
    Prefetch,
    QuerySet,
)

from portfolio.models import (
    Initiative,
    StatusReport,
)

# Newest period first; within a period a draft (not published yet) before the published ones.
STATUS_ORDER = (F("period_end").desc(), F("published_at").desc(nulls_first=True), F("id").desc())


def latest_published_status() -> Prefetch[str, QuerySet[StatusReport], str]:
    """Each initiative's latest published status report as `latest_status` (a list of at most
    one): a single query however many initiatives (a window over the reports)."""
    published = StatusReport.objects.filter(published_at__isnull=False).order_by(*STATUS_ORDER)
    return Prefetch("status_reports", queryset=published[:1], to_attr="latest_status")


def initiative_status_reports(
    *, initiative: Initiative, include_drafts: bool
) -> QuerySet[StatusReport]:
    """The initiative's status reports, newest first; drafts only for those who may edit."""
    reports = StatusReport.objects.filter(initiative=initiative).select_related("created_by")
    if not include_drafts:
        reports = reports.filter(published_at__isnull=False)
    return reports.order_by(*STATUS_ORDER)
