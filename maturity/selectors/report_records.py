"""Reads of the strategy reports' records (the versions, their status and files), always
through the organisation. The document's own figures are in `maturity.selectors.reports`."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Prefetch, QuerySet

from maturity.models import StrategyReport
from portal.models import Organisation
from portfolio.models import Initiative


def organisation_reports(organisation: Organisation) -> QuerySet[StrategyReport]:
    return StrategyReport.objects.filter(organisation=organisation).select_related("requested_by")


def reports_by_year(organisation: Organisation) -> list[tuple[int, list[StrategyReport]]]:
    """Every version, grouped by year, newest year and version first (one query)."""
    rows = organisation_reports(organisation).order_by("-year", "-version")
    return [(year, list(versions)) for year, versions in groupby(rows, key=lambda r: r.year)]


def organisation_report(organisation: Organisation, pk: int) -> StrategyReport | None:
    """One report of the organisation with its chosen initiatives; None outside it."""
    notable = Initiative.objects.select_related("idea").order_by("idea__title", "pk")
    return (
        organisation_reports(organisation)
        .prefetch_related(Prefetch("notable_initiatives", queryset=notable))
        .filter(pk=pk)
        .first()
    )


def year_versions(report: StrategyReport) -> QuerySet[StrategyReport]:
    """The other versions of the report's year, newest first."""
    return (
        StrategyReport.objects.filter(organisation_id=report.organisation_id, year=report.year)
        .select_related("requested_by")
        .exclude(pk=report.pk)
        .order_by("-version")
    )
