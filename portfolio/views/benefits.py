"""An initiative's page and its benefits (gevinstrealisering): benefits, indicators,
measurements, and the benefit plan as a page and a PDF.

Everyone in the organisation reads them. The initiative's pådriver, a benefit's owner or
responsible, and the board (administrators too) edit; others get 403, another organisation
404. Indicators and measurements are added inline: an htmx POST answers with the updated
benefit (and out-of-band the «nyttiggjort» status, the history and a status message); a
plain POST redirects back to the page, or shows the form on a page of its own when it has
errors. Measuring goes on after the initiative is in use or closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.concurrency import StaleVersion
from portal.events import history_for, last_actor
from portal.http import HtmxRequest
from portal.pdf import pdf_response
from portfolio import permissions
from portfolio.events import PortfolioAction
from portfolio.forms.benefits import BenefitForm, IndicatorForm, MeasurementForm
from portfolio.models import Benefit, Indicator, Initiative
from portfolio.permissions import may_edit_benefits, may_edit_status
from portfolio.selectors.benefits import (
    BenefitStatus,
    IndicatorStatus,
    benefit_statuses,
    benefit_totals,
    initiative_detail,
)
from portfolio.selectors.phases import hours_per_fte
from portfolio.services.benefits import (
    add_benefit,
    add_indicator,
    record_measurement,
    update_benefit,
)


def _initiative(request: HtmxRequest, pk: int) -> Initiative:
    initiative = initiative_detail(organisation=request.organisation, pk=pk)
    if initiative is None:
        raise Http404
    return initiative


@dataclass
class IndicatorPanel:
    status: IndicatorStatus
    form: MeasurementForm | None  # None: the user may not record measurements
    form_open: bool = False  # unfolded: the form has errors


@dataclass
class BenefitPanel:
    """One benefit on the initiative page, with the inline forms the user may use."""

    status: BenefitStatus
    can_edit: bool
    indicators: list[IndicatorPanel]
    indicator_form: IndicatorForm | None
    indicator_form_open: bool = False  # unfolded: the form has errors

    @property
    def benefit(self) -> Benefit:
        return self.status.benefit


def _panel(
    request: HtmxRequest,
    initiative: Initiative,
    status: BenefitStatus,
    bound: IndicatorForm | MeasurementForm | None = None,
    bound_indicator: Indicator | None = None,
) -> BenefitPanel:
    benefit = status.benefit
    can_edit = may_edit_benefits(initiative, request.user, request.membership, benefit)
    if not can_edit:
        return BenefitPanel(
            status, False, [IndicatorPanel(s, None) for s in status.indicators], None
        )
    indicators = []
    for indicator_status in status.indicators:
        indicator = indicator_status.indicator
        if isinstance(bound, MeasurementForm) and bound_indicator == indicator:
            indicators.append(IndicatorPanel(indicator_status, bound, form_open=True))
        else:
            indicators.append(
                IndicatorPanel(indicator_status, MeasurementForm(indicator=indicator))
            )
    if isinstance(bound, IndicatorForm):
        return BenefitPanel(status, True, indicators, bound, indicator_form_open=True)
    return BenefitPanel(status, True, indicators, IndicatorForm(benefit=benefit))


def _benefit_names(statuses: list[BenefitStatus]) -> dict[int, str]:
    return {s.benefit.pk: s.benefit.description for s in statuses}


@require_GET
def initiative(request: HtmxRequest, pk: int) -> HttpResponse:
    """The initiative: phase, people, «nyttiggjort», its benefits and its history."""
    initiative = _initiative(request, pk)
    per_fte = hours_per_fte(request.organisation)
    statuses = benefit_statuses(initiative=initiative, per_fte=per_fte)
    context = {
        "initiative": initiative,
        "panels": [_panel(request, initiative, status) for status in statuses],
        "totals": benefit_totals(statuses, per_fte),
        "per_fte": per_fte,
        "can_add_benefit": may_edit_benefits(initiative, request.user, request.membership),
        "can_edit_initiative": may_edit_status(initiative, request.user, request.membership),
        "events": history_for(initiative),
        "benefit_names": _benefit_names(statuses),
    }
    return render(request, "portfolio/initiative_detail.html", context)


def _initiative_url(initiative: Initiative, anchor: str = "") -> str:
    url = reverse("portfolio:initiative", args=[initiative.pk])
    return f"{url}#{anchor}" if anchor else url


def _benefit_fragment(
    request: HtmxRequest,
    benefit: Benefit,
    *,
    notice: str,
    bound: IndicatorForm | MeasurementForm | None = None,
    bound_indicator: Indicator | None = None,
) -> HttpResponse:
    """The updated benefit for htmx, and out of band a status message. After a save (no
    bound form) also the «nyttiggjort» status, the totals and the history."""
    initiative = _initiative(request, benefit.initiative_id)
    per_fte = hours_per_fte(request.organisation)
    statuses = benefit_statuses(initiative=initiative, per_fte=per_fte)
    status = next(s for s in statuses if s.benefit.pk == benefit.pk)
    saved = bound is None
    context = {
        "initiative": initiative,
        "panel": _panel(request, initiative, status, bound, bound_indicator),
        "notice": notice,
        "saved": saved,
        "totals": benefit_totals(statuses, per_fte),
        "per_fte": per_fte,
        "events": history_for(initiative) if saved else [],
        "benefit_names": _benefit_names(statuses),
    }
    return render(request, "portfolio/benefit_saved.html", context)


@require_http_methods(["GET", "POST"])
def benefit_create(request: HtmxRequest, pk: int) -> HttpResponse:
    initiative = _initiative(request, pk)
    if not may_edit_benefits(initiative, request.user, request.membership):
        raise PermissionDenied
    form = BenefitForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        benefit = add_benefit(initiative=initiative, actor=request.user, **form.service_fields())
        messages.success(
            request, _("Gevinsten er lagt til. Legg til en indikator, så den kan måles.")
        )
        return redirect(_initiative_url(initiative, f"benefit-{benefit.pk}"))
    context = {"form": form, "initiative": initiative}
    return render(request, "portfolio/benefit_form.html", context)


@require_http_methods(["GET", "POST"])
def benefit_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    benefit = permissions.editable_benefit(request, pk)
    initiative = benefit.initiative
    form = BenefitForm(request.POST or None, organisation=request.organisation, benefit=benefit)
    context: dict[str, Any] = {"form": form, "initiative": initiative, "benefit": benefit}
    if request.method != "POST" or not form.is_valid():
        return render(request, "portfolio/benefit_form.html", context)
    try:
        update_benefit(
            benefit=benefit,
            actor=request.user,
            expected_version=form.cleaned_data["versjon"],
            **form.service_fields(),
        )
    except StaleVersion as conflict:
        form.add_error(
            None,
            _(
                "%(who)s lagret gevinsten mens du skrev. Det du skrev er ikke lagret, men står "
                "fortsatt i skjemaet. Se over gevinsten slik den er lagret nå, og lagre på nytt "
                "om endringene dine fortsatt trengs."
            )
            % {"who": _last_benefit_editor(conflict.current)},
        )
        context.update(benefit=conflict.current, conflict=True)
        return render(request, "portfolio/benefit_form.html", context, status=409)
    messages.success(request, _("Endringene i gevinsten er lagret."))
    return redirect(_initiative_url(initiative, f"benefit-{benefit.pk}"))


def _last_benefit_editor(benefit: Benefit) -> str:
    # Benefit events are on the initiative's history; this benefit's carry its id.
    return last_actor(
        benefit.initiative,
        _("En annen"),
        action__in=[PortfolioAction.BENEFIT_ADDED, PortfolioAction.BENEFIT_EDITED],
        after__benefit=benefit.pk,
    )


@require_http_methods(["GET", "POST"])
def indicator_create(request: HtmxRequest, pk: int) -> HttpResponse:
    """Add an indicator to a benefit (pk): baseline, target and unit."""
    benefit = permissions.editable_benefit(request, pk)
    form = IndicatorForm(request.POST or None, benefit=benefit)
    if request.method == "POST" and form.is_valid():
        indicator = add_indicator(benefit=benefit, actor=request.user, **form.service_fields())
        text = _("Indikatoren «%(name)s» er lagt til.") % {"name": indicator.name}
        if request.htmx:
            return _benefit_fragment(request, benefit, notice=text)
        messages.success(request, text)
        return redirect(_initiative_url(benefit.initiative, f"benefit-{benefit.pk}"))
    if request.method == "POST" and request.htmx:
        text = _("Indikatoren er ikke lagret. Rett feilene i skjemaet.")
        return _benefit_fragment(request, benefit, notice=text, bound=form)
    context = {"form": form, "benefit": benefit, "initiative": benefit.initiative}
    return render(request, "portfolio/benefit_indicator_form.html", context)


@require_http_methods(["GET", "POST"])
def measurement_create(request: HtmxRequest, pk: int) -> HttpResponse:
    """Record a measurement of an indicator (pk); allowed however far the initiative has come."""
    indicator = permissions.measurable_indicator(request, pk)
    benefit = indicator.benefit
    form = MeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        record_measurement(indicator=indicator, actor=request.user, **form.service_fields())
        text = _("Målingen av «%(name)s» er registrert.") % {"name": indicator.name}
        if request.htmx:
            return _benefit_fragment(request, benefit, notice=text)
        messages.success(request, text)
        return redirect(_initiative_url(benefit.initiative, f"indicator-{indicator.pk}"))
    if request.method == "POST" and request.htmx:
        text = _("Målingen er ikke lagret. Rett feilene i skjemaet.")
        return _benefit_fragment(
            request, benefit, notice=text, bound=form, bound_indicator=indicator
        )
    context = {
        "form": form,
        "indicator": indicator,
        "benefit": benefit,
        "initiative": benefit.initiative,
    }
    return render(request, "portfolio/benefit_measurement_form.html", context)


# The benefit plan (gevinstrealiseringsplan) ------------------------------------------------


def _plan_context(request: HtmxRequest, pk: int) -> dict[str, Any]:
    initiative = _initiative(request, pk)
    per_fte = hours_per_fte(request.organisation)
    statuses = benefit_statuses(initiative=initiative, per_fte=per_fte)
    return {
        "initiative": initiative,
        "organisation": initiative.organisation,
        "statuses": statuses,
        "totals": benefit_totals(statuses, per_fte),
        "per_fte": per_fte,
    }


@require_GET
def benefit_plan(request: HtmxRequest, pk: int) -> HttpResponse:
    """The benefit plan on one page: every benefit with its indicators and latest values."""
    return render(request, "portfolio/benefit_plan.html", _plan_context(request, pk))


@require_GET
def benefit_plan_pdf(request: HtmxRequest, pk: int) -> FileResponse:
    """The benefit plan as an A4 PDF, shown in the browser, with a dated file name."""
    context = {**_plan_context(request, pk), "printed_at": timezone.localtime()}
    return pdf_response(
        request,
        template="portfolio/benefit_plan_pdf.html",
        context=context,
        filename=f"gevinstrealiseringsplan-{pk}-{timezone.localdate():%Y-%m-%d}.pdf",
    )


urlpatterns: list[URLPattern] = [
    path("initiativ/<int:pk>/", initiative, name="initiative"),
    path("initiativ/<int:pk>/gevinster/ny/", benefit_create, name="benefit_create"),
    path("initiativ/<int:pk>/gevinstplan/", benefit_plan, name="benefit_plan"),
    path("initiativ/<int:pk>/gevinstplan.pdf", benefit_plan_pdf, name="benefit_plan_pdf"),
    path("gevinster/<int:pk>/endre/", benefit_edit, name="benefit_edit"),
    path("gevinster/<int:pk>/indikatorer/ny/", indicator_create, name="indicator_create"),
    path("indikatorer/<int:pk>/malinger/ny/", measurement_create, name="measurement_create"),
]
