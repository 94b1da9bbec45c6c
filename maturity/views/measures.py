"""The strategic measures (strategiske tiltak): leaders and administrators follow them.

The measures page groups them by period, the current period first, and filters by period,
status and «over fristen» in the URL (an htmx request gets the list alone). A measure's page
shows its notes and takes a new progress note, whose status becomes the measure's; only
administrators create, edit and delete measures. The forms are plain posts that redirect
(post/redirect/get); a refused one comes back as the page with the error at the field and
nothing typed lost. Every write is at a version: a note or an edit made meanwhile by
someone else is shown, never overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maturity.forms.measures import DeleteForm, MeasureFilterForm, MeasureForm, MeasureNoteForm
from maturity.models import MeasureStatus, StrategicMeasure
from maturity.permissions import ADMINS, LEADERS
from maturity.selectors.measures import (
    grouped_measures,
    measure_notes,
    organisation_measure,
    organisation_periods,
)
from maturity.services.measures import (
    add_measure_note,
    create_measure,
    delete_measure,
    update_measure,
)
from portal.access import role_required
from portal.concurrency import StaleVersion
from portal.events import last_actor
from portal.http import HtmxRequest
from portal.models import Role
from portal.params import parse_id


def _measure(request: HtmxRequest, pk: int) -> StrategicMeasure:
    # Looked up through the organisation: another organisation's measure is a 404.
    measure = organisation_measure(request.organisation, pk)
    if measure is None:
        raise Http404
    return measure


@require_GET
@role_required(*LEADERS)
def measure_list(request: HtmxRequest) -> HttpResponse:
    today = timezone.localdate()
    periods = organisation_periods(request.organisation)
    form = MeasureFilterForm(
        request.GET or None, organisation=request.organisation, periods=periods
    )
    filters = form.filters()
    groups = grouped_measures(
        organisation=request.organisation, year=today.year, today=today, periods=periods, **filters
    )
    context: dict[str, Any] = {
        "groups": groups,
        "filter_form": form,
        "filtered": bool(filters),
        "today": today,
        "is_admin": request.membership.role == Role.ADMIN,
        "count": sum(len(group.measures) for group in groups),
    }
    template = "maturity/measure_list.html"
    return render(request, f"{template}#measure-list" if request.htmx else template, context)


def _detail(
    request: HtmxRequest, measure: StrategicMeasure, note_form: MeasureNoteForm | None = None
) -> HttpResponse:
    context = {
        "measure": measure,
        "notes": list(measure_notes(measure)),
        "note_form": note_form or MeasureNoteForm(measure=measure),
        "today": timezone.localdate(),
        "is_admin": request.membership.role == Role.ADMIN,
    }
    return render(request, "maturity/measure_detail.html", context)


@require_GET
@role_required(*LEADERS)
def measure_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    return _detail(request, _measure(request, pk))


@require_POST
@role_required(*LEADERS)
def measure_note(request: HtmxRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    form = MeasureNoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, measure, form)
    try:
        add_measure_note(
            measure=measure,
            actor=request.user,
            expected_version=form.cleaned_data["versjon"],
            text=form.cleaned_data["text"],
            status=MeasureStatus(form.cleaned_data["status"]),
        )
    except StaleVersion as conflict:
        current = _measure(request, pk)
        return _detail(request, current, _conflicted_note(request, form, conflict, current))
    messages.success(
        request,
        _("Fremdriftsnotatet er lagret. Tiltaket har nå status «%(status)s».")
        % {"status": MeasureStatus(form.cleaned_data["status"]).label},
    )
    return redirect(reverse("maturity:measure", args=[measure.pk]) + "#notes")


def _conflicted_note(
    request: HtmxRequest,
    form: MeasureNoteForm,
    conflict: StaleVersion,
    current: StrategicMeasure,
) -> MeasureNoteForm:
    """The typed note comes back, now at the measure's current version, with a message that
    says who wrote in between: the writer reads the new note and sends theirs again."""
    data: QueryDict = request.POST.copy()
    data["versjon"] = str(conflict.current.version)
    again = MeasureNoteForm(data)
    again.is_valid()
    who = last_actor(current, _("Noen andre"))
    again.add_error(
        None,
        _(
            "%(who)s oppdaterte tiltaket mens du skrev, og det har nå status «%(status)s». "
            "Notatet ditt er ikke lagret ennå: les det nyeste notatet under, og send ditt "
            "på nytt hvis det fortsatt stemmer."
        )
        % {"who": who, "status": current.get_status_display()},
    )
    return again


def _form_page(
    request: HtmxRequest, form: MeasureForm, measure: StrategicMeasure | None
) -> HttpResponse:
    return render(request, "maturity/measure_form.html", {"form": form, "measure": measure})


def _service_errors(form: MeasureForm, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def measure_create(request: HtmxRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    wanted = parse_id(request.GET.get("periode"))
    if wanted is not None:
        initial["period"] = wanted
    data = request.POST if request.method == "POST" else None
    form = MeasureForm(data, organisation=request.organisation, initial=initial)
    if data is None or not form.is_valid():
        return _form_page(request, form, None)
    try:
        measure = create_measure(
            organisation=request.organisation, actor=request.user, **form.service_fields()
        )
    except ValidationError as error:
        _service_errors(form, error)
        return _form_page(request, form, None)
    messages.success(request, _("Tiltaket «%(text)s» er opprettet.") % {"text": measure.text})
    return redirect("maturity:measure", pk=measure.pk)


def _stale_edit_message(current: StrategicMeasure) -> str:
    due = formats.date_format(current.due_date, "j. F Y") if current.due_date else _("ingen")
    return _(
        "%(who)s lagret tiltaket mens du skrev (nå versjon %(version)d). Ingenting er "
        "overskrevet. Nå lagret: «%(text)s», periode %(period)s, ansvarlig %(owner)s, frist "
        "%(due)s. Skjemaet viser det du skrev: lagre på nytt hvis det skal gjelde."
    ) % {
        "who": last_actor(current, _("Noen andre")),
        "version": current.version,
        "text": current.text,
        "period": current.period.label,
        "owner": current.owner or _("ingen"),
        "due": due,
    }


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def measure_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    data = request.POST if request.method == "POST" else None
    form = MeasureForm(data, organisation=request.organisation, measure=measure)
    if data is None or not form.is_valid():
        return _form_page(request, form, measure)
    try:
        measure = update_measure(
            measure=measure,
            actor=request.user,
            expected_version=form.cleaned_data["versjon"],
            **form.service_fields(),
        )
    except StaleVersion:
        current = _measure(request, pk)
        again_data = request.POST.copy()
        again_data["versjon"] = str(current.version)
        again = MeasureForm(again_data, organisation=request.organisation, measure=current)
        again.is_valid()
        again.add_error(None, _stale_edit_message(current))
        return _form_page(request, again, current)
    except ValidationError as error:
        _service_errors(form, error)
        return _form_page(request, form, measure)
    messages.success(request, _("Endringene i tiltaket er lagret."))
    return redirect("maturity:measure", pk=measure.pk)


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def measure_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the measure and its notes."""
    measure = _measure(request, pk)
    if request.method == "POST":
        form = DeleteForm(request.POST)
        form.is_valid()
        try:
            delete_measure(
                measure=measure, actor=request.user, expected_version=form.cleaned_data["versjon"]
            )
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Tiltaket ble endret mens du så på det, så det er ikke slettet. Se over "
                    "endringene og slett det på nytt om det fortsatt skal bort."
                ),
            )
            return redirect("maturity:measure", pk=measure.pk)
        messages.success(request, _("Tiltaket «%(text)s» er slettet.") % {"text": measure.text})
        return redirect("maturity:measures")
    return render(request, "maturity/measure_delete.html", {"measure": measure})


urlpatterns: list[URLPattern] = [
    path("tiltak/", measure_list, name="measures"),
    path("tiltak/nytt/", measure_create, name="measure_create"),
    path("tiltak/<int:pk>/", measure_detail, name="measure"),
    path("tiltak/<int:pk>/fremdrift/", measure_note, name="measure_note"),
    path("tiltak/<int:pk>/endre/", measure_edit, name="measure_edit"),
    path("tiltak/<int:pk>/slett/", measure_delete, name="measure_delete"),
]
