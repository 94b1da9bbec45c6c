"""Status reports of an initiative, as in Prosjektportalen: a history of periodic reports.

Everyone in the organisation reads the published reports; the initiative's pådriver and the
portfolio board (and administrators) write them. A report is saved as a draft («Lagre
utkast») until it is published («Publiser»); then it is history and read-only, and the board
card shows the latest one. The form is a plain form post (no htmx): a form with errors
comes back as the whole page, whose error summary takes the focus, and a saved one
redirects to the list.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.concurrency import StaleVersion
from portal.http import HtmxRequest
from portfolio.exceptions import StatusReportPublished
from portfolio.forms.status import StatusReportForm
from portfolio.models import Initiative, StatusReport
from portfolio.permissions import may_edit_status
from portfolio.selectors.status import initiative_status_reports
from portfolio.services.status import save_status_report

PUBLISH = "publiser"
REPORTS_PER_PAGE = 12  # a year of monthly reports per page of the history


def _initiative(request: HtmxRequest, pk: int) -> Initiative:
    # Looked up through the organisation: another organisation's initiative is a 404.
    return get_object_or_404(
        Initiative.objects.for_organisation(request.organisation).select_related(
            "idea", "phase", "owner", "organisation"
        ),
        pk=pk,
    )


@require_GET
def status_reports(request: HtmxRequest, pk: int) -> HttpResponse:
    """The initiative's reports, newest first; drafts only for those who may edit them."""
    initiative = _initiative(request, pk)
    editor = may_edit_status(initiative, request.user, request.membership)
    reports = initiative_status_reports(initiative=initiative, include_drafts=editor)
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("side"))
    template = "portfolio/status_list.html"
    if request.htmx and request.htmx.target == "status-reports":
        template += "#status-reports"
    return render(
        request,
        template,
        {
            "initiative": initiative,
            "page": page,
            "reports": list(page.object_list),
            "can_edit": editor,
        },
    )


@require_http_methods(["GET", "POST"])
def status_new(request: HtmxRequest, pk: int) -> HttpResponse:
    initiative = _initiative(request, pk)
    if not may_edit_status(initiative, request.user, request.membership):
        raise PermissionDenied
    latest = initiative_status_reports(initiative=initiative, include_drafts=False)
    previous = latest.first()
    # A new report starts from the last published one: most of it usually still holds.
    initial = StatusReportForm.initial_from(previous) if previous else {}
    initial.pop("versjon", None)
    initial.pop("period_end", None)
    form = StatusReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save(request, initiative, form, report=None)
    return _form(request, initiative, form, report=None)


@require_http_methods(["GET", "POST"])
def status_edit(request: HtmxRequest, pk: int, report_pk: int) -> HttpResponse:
    """A draft opens in the form; a published report is shown read-only."""
    initiative = _initiative(request, pk)
    report = get_object_or_404(
        StatusReport.objects.select_related("created_by"), initiative=initiative, pk=report_pk
    )
    editor = may_edit_status(initiative, request.user, request.membership)
    if report.is_published:
        if request.method == "POST":
            return _published(request, initiative, report)
        return render(
            request,
            "portfolio/status_detail.html",
            {"initiative": initiative, "report": report, "can_edit": editor},
        )
    if not editor:
        raise PermissionDenied
    form = StatusReportForm(request.POST or None, initial=StatusReportForm.initial_from(report))
    if request.method == "POST" and form.is_valid():
        return _save(request, initiative, form, report=report)
    return _form(request, initiative, form, report=report)


def _form(
    request: HtmxRequest,
    initiative: Initiative,
    form: StatusReportForm,
    report: StatusReport | None,
) -> HttpResponse:
    return render(
        request,
        "portfolio/status_form.html",
        {"initiative": initiative, "form": form, "report": report},
    )


def _save(
    request: HtmxRequest,
    initiative: Initiative,
    form: StatusReportForm,
    report: StatusReport | None,
) -> HttpResponse:
    publish = request.POST.get("handling") == PUBLISH
    try:
        saved = save_status_report(
            initiative=initiative,
            actor=request.user,
            publish=publish,
            report=report,
            expected_version=form.cleaned_data["versjon"],
            **form.service_fields(),
        )
    except StatusReportPublished:
        assert report is not None
        return _published(request, initiative, report)
    except StaleVersion as conflict:
        form.add_error(
            None,
            _(
                "Noen andre lagret utkastet mens du skrev (nå versjon %(version)d). Ingenting "
                "er overskrevet: åpne utkastet på nytt og før inn endringene dine der."
            )
            % {"version": conflict.current.version},
        )
        return _form(request, initiative, form, report)
    except ValidationError as error:  # the service's checks, should the form have missed one
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return _form(request, initiative, form, report)
    if publish:
        text = _("Statusrapporten er publisert og vises på tavla.")
    else:
        text = _("Utkastet er lagret. Det vises ikke på tavla før det er publisert.")
    messages.success(request, text)
    return redirect(
        reverse("portfolio:status_reports", args=[initiative.pk]) + f"#report-{saved.pk}"
    )


def _published(request: HtmxRequest, initiative: Initiative, report: StatusReport) -> HttpResponse:
    """Someone published the report meanwhile: it is history now, and is shown read-only."""
    messages.error(
        request,
        _("Rapporten er publisert og kan ikke endres. Skriv en ny statusrapport i stedet."),
    )
    return redirect("portfolio:status_edit", pk=initiative.pk, report_pk=report.pk)


urlpatterns: list[URLPattern] = [
    path("initiativ/<int:pk>/status/", status_reports, name="status_reports"),
    path("initiativ/<int:pk>/status/ny/", status_new, name="status_new"),
    path("initiativ/<int:pk>/status/<int:report_pk>/", status_edit, name="status_edit"),
]
