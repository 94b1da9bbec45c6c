"""The yearly strategy report for kommunestyret: request it, follow it, download it.

- The list: every version per year, newest first, and (leaders and administrators) the
  form that requests a year's next version. While one for the year is on its way a second
  request is refused at the field, so a double click makes one report.
- A report's page: its progress while it is made (htmx polls the status every 2 s and is
  told to stop with 286 once it is done or failed; without JavaScript, «Oppdater» reloads),
  then the two downloads; a failed report shows why in Bokmål and can be tried again.
- Downloads: the accessible PDF (pdf/ua-1) and the archive copy (pdf/a-3a), as attachments.

The board sees and downloads the reports too; staff get 403, other organisations 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maturity.exceptions import ReportNotFailed, ReportPending
from maturity.forms.reports import ReportRequestForm
from maturity.models import ReportStatus, StrategyReport
from maturity.permissions import LEADERS, REPORT_READERS
from maturity.selectors.reports import organisation_report, reports_by_year, year_versions
from maturity.services.reports import request_report, retry_report
from portal.access import role_required
from portal.http import HtmxRequest

# htmx stops polling when the answer has this status (and still swaps it in).
STOP_POLLING = 286


def _report(request: HtmxRequest, pk: int) -> StrategyReport:
    # Looked up through the organisation: another organisation's report is a 404.
    report = organisation_report(request.organisation, pk)
    if report is None:
        raise Http404
    return report


def _may_request(request: HtmxRequest) -> bool:
    return request.membership.has_role(*LEADERS)


def _list(request: HtmxRequest, form: ReportRequestForm | None = None) -> HttpResponse:
    may_request = _may_request(request)
    if form is None and may_request:
        form = ReportRequestForm(organisation=request.organisation)
    context: dict[str, Any] = {
        "years": reports_by_year(request.organisation),
        "form": form,
        "may_request": may_request,
    }
    return render(request, "maturity/report_list.html", context)


@require_GET
@role_required(*REPORT_READERS)
def report_list(request: HtmxRequest) -> HttpResponse:
    return _list(request)


@require_POST
@role_required(*LEADERS)
def report_request(request: HtmxRequest) -> HttpResponse:
    form = ReportRequestForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _list(request, form)
    try:
        report = request_report(
            organisation=request.organisation,
            actor=request.user,
            year=form.cleaned_data["year"],
            notable=form.cleaned_data["notable"],
        )
    except ReportPending:
        form.add_error(
            "year",
            _(
                "Rapporten for %(year)s lages allerede. Vent til den er ferdig før du bestiller "
                "en ny versjon."
            )
            % {"year": form.cleaned_data["year"]},
        )
        return _list(request, form)
    messages.success(
        request,
        _("Rapporten for %(year)s (versjon %(version)s) er bestilt og lages nå.")
        % {"year": report.year, "version": report.version},
    )
    return redirect(report)


@require_GET
@role_required(*REPORT_READERS)
def report_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    context: dict[str, Any] = {
        "report": report,
        "may_request": _may_request(request),
    }
    if request.htmx:  # the poll: the status alone, and 286 once there is nothing to wait for
        response = render(request, "maturity/report_detail.html#report-status", context)
        if not report.is_pending:
            response.status_code = STOP_POLLING
        return response
    context["versions"] = list(year_versions(report))
    return render(request, "maturity/report_detail.html", context)


@require_POST
@role_required(*LEADERS)
def report_retry(request: HtmxRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        retry_report(report=report, actor=request.user)
    except ReportNotFailed:
        messages.info(request, _("Bare en rapport som feilet kan prøves igjen."))
    else:
        messages.success(request, _("Rapporten lages på nytt."))
    return redirect(report)


def _download(report: StrategyReport, file: FieldFile, variant: str) -> FileResponse:
    if report.status != ReportStatus.DONE or not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report.download_name(variant),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@role_required(*REPORT_READERS)
def report_download(request: HtmxRequest, pk: int) -> FileResponse:
    report = _report(request, pk)
    return _download(report, report.accessible_file, "tilgjengelig")


@require_GET
@role_required(*REPORT_READERS)
def report_archive(request: HtmxRequest, pk: int) -> FileResponse:
    report = _report(request, pk)
    return _download(report, report.archive_file, "arkiv")


urlpatterns: list[URLPattern] = [
    path("rapporter/", report_list, name="reports"),
    path("rapporter/bestill/", report_request, name="report_request"),
    path("rapporter/<int:pk>/", report_detail, name="report"),
    path("rapporter/<int:pk>/prov-igjen/", report_retry, name="report_retry"),
    path("rapporter/<int:pk>/last-ned/", report_download, name="report_download"),
    path("rapporter/<int:pk>/last-ned/arkiv/", report_archive, name="report_archive"),
]
