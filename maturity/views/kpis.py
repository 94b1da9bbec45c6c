"""KPIs: the list of definitions, their administration, hand-entered yearly values, and the
KPI table and the strategic measures as CSV and Excel.

Leaders and administrators see the list, enter the values of hand-entered KPIs and export;
administrators create, edit and delete definitions. Staff and the board get 403, another
organisation's KPI 404. Plain forms (post/redirect/get): everything works by keyboard and
without JavaScript. A form that has errors, or that someone else saved in the meantime,
comes back with what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maturity import exports
from maturity.events import MaturityAction
from maturity.forms.kpis import FIRST_YEAR, KpiFilterForm, KpiForm, KpiValueForm
from maturity.models import Kpi, KpiValue, StrategyPeriod
from maturity.permissions import ADMINS, LEADERS
from maturity.selectors.exports import measures_for_year
from maturity.selectors.kpis import METRICS, kpi_table
from maturity.services.kpis import (
    KpiHasValues,
    create_kpi,
    delete_kpi,
    record_kpi_value,
    update_kpi,
)
from portal.access import role_required
from portal.concurrency import StaleVersion, VersionForm
from portal.events import last_actor
from portal.http import HtmxRequest

EXPORT_FORMATS = {"csv", "xlsx"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS_SHOWN = 5  # the years a hand-entered KPI's page lists when the strategy names none


def _kpi(request: HtmxRequest, pk: int) -> Kpi:
    return get_object_or_404(
        Kpi.objects.select_related("period", "measure"), pk=pk, organisation=request.organisation
    )


def _hand_entered(request: HtmxRequest, pk: int) -> Kpi:
    kpi = _kpi(request, pk)
    if kpi.metric:
        raise Http404  # a computed KPI has no values to enter
    return kpi


def _is_admin(request: HtmxRequest) -> bool:
    return request.membership.has_role(*ADMINS)


# The list and the definitions ---------------------------------------------------------------


@require_GET
@role_required(*LEADERS)
def kpi_list(request: HtmxRequest) -> HttpResponse:
    """Every KPI with its definition, unit and target; how many values the hand-entered ones
    have. Three queries however many KPIs."""
    kpis = (
        Kpi.objects.filter(organisation=request.organisation)
        .select_related("period", "measure__period")
        .annotate(value_count=Count("values"), latest_year=Max("values__year"))
        .order_by("order", "pk")
    )
    context = {"kpis": kpis, "metrics": METRICS, "is_admin": _is_admin(request)}
    return render(request, "maturity/kpi_list.html", context)


def _last_kpi_editor(kpi: Kpi) -> str:
    return last_actor(
        kpi, _("En annen"), action__in=[MaturityAction.KPI_CREATED, MaturityAction.KPI_UPDATED]
    )


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def kpi_create(request: HtmxRequest) -> HttpResponse:
    form = KpiForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        kpi = create_kpi(
            organisation=request.organisation, actor=request.user, **form.service_fields()
        )
        messages.success(request, _("Nøkkeltallet «%(name)s» er opprettet.") % {"name": kpi.name})
        return redirect(f"{reverse('maturity:kpi_list')}#kpi-{kpi.pk}")
    return render(request, "maturity/kpi_form.html", {"form": form, "metrics": METRICS})


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def kpi_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    kpi = _kpi(request, pk)
    form = KpiForm(request.POST or None, organisation=request.organisation, kpi=kpi)
    context: dict[str, Any] = {"form": form, "kpi": kpi, "metrics": METRICS}
    if request.method != "POST" or not form.is_valid():
        return render(request, "maturity/kpi_form.html", context)
    try:
        update_kpi(
            kpi=kpi,
            actor=request.user,
            expected_version=form.cleaned_data["versjon"],
            **form.service_fields(),
        )
    except StaleVersion as conflict:
        form.add_error(
            None,
            _(
                "%(who)s lagret nøkkeltallet mens du skrev. Det du skrev er ikke lagret, men "
                "står fortsatt i skjemaet. Se over nøkkeltallet slik det er lagret nå, og lagre "
                "på nytt om endringene dine fortsatt trengs."
            )
            % {"who": _last_kpi_editor(conflict.current)},
        )
        context.update(kpi=_kpi(request, pk), conflict=True)
        return render(request, "maturity/kpi_form.html", context, status=409)
    except KpiHasValues:  # values were entered after the form was checked
        form.add_error(
            "metric",
            _(
                "Nøkkeltallet har verdier registrert for hånd, som da ikke lenger ville telle. "
                "Opprett heller et nytt nøkkeltall som beregnes."
            ),
        )
        return render(request, "maturity/kpi_form.html", context, status=409)
    messages.success(request, _("Endringene i «%(name)s» er lagret.") % {"name": kpi.name})
    return redirect(f"{reverse('maturity:kpi_list')}#kpi-{kpi.pk}")


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def kpi_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    """A confirmation page that says what goes with the KPI; the POST deletes it."""
    kpi = _kpi(request, pk)
    context: dict[str, Any] = {"kpi": kpi, "value_count": kpi.values.count()}
    if request.method == "POST":
        try:
            delete_kpi(
                kpi=kpi, actor=request.user, expected_version=VersionForm.posted(request.POST)
            )
        except StaleVersion as conflict:
            context.update(
                kpi=conflict.current,
                value_count=conflict.current.values.count(),
                conflict=_(
                    "%(who)s endret nøkkeltallet etter at du åpnet siden, så det er ikke slettet. "
                    "Se over det nedenfor og slett på nytt om det fortsatt skal bort."
                )
                % {"who": _last_kpi_editor(conflict.current)},
            )
            return render(request, "maturity/kpi_delete.html", context, status=409)
        messages.success(request, _("Nøkkeltallet «%(name)s» er slettet.") % {"name": kpi.name})
        return redirect("maturity:kpi_list")
    return render(request, "maturity/kpi_delete.html", context)


# Hand-entered values ------------------------------------------------------------------------


def _value_years(kpi: Kpi, values: list[KpiValue]) -> list[int]:
    """The years a value may be entered for, newest first: from the strategy's first year
    (or the last few years) to this year, and any older year that has a value."""
    this_year = timezone.localdate().year
    first = (
        StrategyPeriod.objects.filter(organisation_id=kpi.organisation_id)
        .order_by("start_year")
        .values_list("start_year", flat=True)
        .first()
    )
    start = min(first or this_year, this_year - YEARS_SHOWN + 1)
    years = set(range(max(start, FIRST_YEAR), this_year + 1))
    years.update(value.year for value in values)
    return sorted(years, reverse=True)


@require_GET
@role_required(*LEADERS)
def kpi_values(request: HtmxRequest, pk: int) -> HttpResponse:
    """A hand-entered KPI's values by year, with their source, who and when."""
    kpi = _hand_entered(request, pk)
    values = list(kpi.values.select_related("recorded_by").order_by("-year"))
    by_year = {value.year: value for value in values}
    rows = [(year, by_year.get(year)) for year in _value_years(kpi, values)]
    return render(request, "maturity/kpi_values.html", {"kpi": kpi, "rows": rows})


def _value_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404  # no values for years to come
    return year


@require_http_methods(["GET", "POST"])
@role_required(*LEADERS)
def kpi_value(request: HtmxRequest, pk: int, year: int) -> HttpResponse:
    """Enter or change the KPI's value for the year, with its source."""
    kpi = _hand_entered(request, pk)
    year = _value_year(year)
    current = kpi.values.select_related("recorded_by").filter(year=year).first()
    initial = {"value": current.value, "source": current.source} if current else None
    form = KpiValueForm(request.POST or None, kpi=kpi, initial=initial)
    context: dict[str, Any] = {"form": form, "kpi": kpi, "year": year, "current": current}
    if request.method != "POST" or not form.is_valid():
        return render(request, "maturity/kpi_value_form.html", context)
    try:
        record_kpi_value(
            kpi=kpi,
            actor=request.user,
            year=year,
            value=form.cleaned_data["value"],
            source=form.cleaned_data["source"],
            expected_version=form.cleaned_data["versjon"],
        )
    except StaleVersion as conflict:
        saved: KpiValue = conflict.current
        form.add_error(
            None,
            _(
                "%(who)s registrerte en verdi for %(year)s mens du skrev. Det du skrev er ikke "
                "lagret, men står fortsatt i skjemaet. Se over verdien slik den er lagret nå, og "
                "lagre på nytt om din verdi fortsatt skal gjelde."
            )
            % {"who": saved.recorded_by, "year": year},
        )
        context.update(current=saved, conflict=True)
        return render(request, "maturity/kpi_value_form.html", context, status=409)
    messages.success(
        request,
        _("Verdien for «%(name)s» for %(year)s er lagret.") % {"name": kpi.name, "year": year},
    )
    return redirect(f"{reverse('maturity:kpi_values', args=[kpi.pk])}#ar-{year}")


# Exports --------------------------------------------------------------------------------


def _download(sheet: exports.Sheet, fmt: str, stem: str, year: int) -> HttpResponseBase:
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_lines(sheet), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(exports.xlsx_bytes(sheet), content_type=XLSX)
    filename = exports.export_filename(stem, year, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required(*LEADERS)
def kpi_export(request: HtmxRequest, fmt: str) -> HttpResponseBase:
    """The KPI table for `?ar=` and `?enhet=` (as on the dashboard), from `kpi_table`."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filters = KpiFilterForm(request.GET, organisation=request.organisation)
    year, unit = filters.year(), filters.unit()
    rows = kpi_table(organisation=request.organisation, year=year, unit=unit)
    sheet = exports.kpi_sheet(rows, year=year, unit_name=unit.name if unit else None)
    return _download(sheet, fmt, "nokkeltall", year)


@require_GET
@role_required(*LEADERS)
def measure_export(request: HtmxRequest, fmt: str) -> HttpResponseBase:
    """The strategic measures of the periods that contain `?ar=`; with `?enhet=`, the
    linked initiatives are the unit's."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filters = KpiFilterForm(request.GET, organisation=request.organisation)
    year, unit = filters.year(), filters.unit()
    measures = measures_for_year(organisation=request.organisation, year=year, unit=unit)
    return _download(exports.measure_sheet(measures, year=year), fmt, "tiltak", year)


urlpatterns: list[URLPattern] = [
    path("nokkeltall/", kpi_list, name="kpi_list"),
    path("nokkeltall/ny/", kpi_create, name="kpi_create"),
    path("nokkeltall/<int:pk>/endre/", kpi_edit, name="kpi_edit"),
    path("nokkeltall/<int:pk>/slett/", kpi_delete, name="kpi_delete"),
    path("nokkeltall/<int:pk>/verdier/", kpi_values, name="kpi_values"),
    path("nokkeltall/<int:pk>/verdier/<int:year>/", kpi_value, name="kpi_value"),
    path("nokkeltall/eksport/<str:fmt>/", kpi_export, name="kpi_export"),
    path("tiltak/eksport/<str:fmt>/", measure_export, name="measure_export"),
]
