"""Administering the staircase model without code (administrators only): the levels, the
strategy periods with their target levels, the dimensions of maturity and their criteria
per level. The pages say plainly that this is the municipality's own model, seeded from
Nittedal's Innovasjonsstrategi 2025–2029.

Plain forms with post/redirect/get: a refused form comes back with the error at its field
and what was typed kept; an edit made meanwhile by another administrator is refused
(versions), shown, and nothing is overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maturity.exceptions import CriterionInUse, PeriodInUse
from maturity.forms.model import (
    CriterionForm,
    DeleteForm,
    DimensionForm,
    LevelForm,
    PeriodForm,
)
from maturity.models import MaturityCriterion, MaturityDimension, MaturityLevel, StrategyPeriod
from maturity.permissions import ADMINS
from maturity.selectors.model import (
    criteria_by_level,
    dimensions_with_counts,
    organisation_levels,
    periods_with_counts,
)
from maturity.services.model import (
    Direction,
    create_criterion,
    create_dimension,
    create_period,
    delete_criterion,
    delete_period,
    move_dimension,
    update_criterion,
    update_dimension,
    update_level,
    update_period,
)
from portal.access import role_required
from portal.concurrency import StaleVersion
from portal.events import last_actor
from portal.http import HtmxRequest
from portfolio.roles import forget_role_levels

admin_only = role_required(*ADMINS)

DIRECTIONS: dict[str, Direction] = {"opp": "up", "ned": "down"}
NAV_SECTION = "maturity-model"
NEW_CRITERION_PREFIX = "nytt"


def _stale(form: Form, current: Any, what: str) -> None:
    """Tell who saved the row meanwhile; the form keeps what was typed, now at the row's
    current version, so a second save is a choice made knowing the other change."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["versjon"] = str(current.version)
    form.data = data
    form.add_error(
        None,
        _(
            "%(who)s lagret %(what)s mens du skrev (nå versjon %(version)d). Ingenting er "
            "overskrevet. Se over det som er lagret nå, og lagre på nytt hvis endringene dine "
            "fortsatt skal gjelde."
        )
        % {
            "who": last_actor(current, _("En annen administrator")),
            "what": what,
            "version": current.version,
        },
    )


def _service_errors(form: Form, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _page(request: HtmxRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, {"nav_section": NAV_SECTION, **context})


@require_GET
@admin_only
def model_overview(request: HtmxRequest) -> HttpResponse:
    """The whole model on one page: levels, periods and dimensions, with links to edit."""
    dimensions = dimensions_with_counts(request.organisation)
    return _page(
        request,
        "maturity/model_overview.html",
        levels=organisation_levels(request.organisation),
        periods=periods_with_counts(request.organisation),
        dimensions=dimensions,
        last_dimension=dimensions[-1].pk if dimensions else None,
    )


# Levels --------------------------------------------------------------------------------


def _object[M: Model](request: HtmxRequest, model: type[M], pk: int, **lookup: Any) -> M:
    # Looked up through the organisation: another organisation's row is a 404.
    return get_object_or_404(model._default_manager.filter(**lookup), pk=pk)


@require_http_methods(["GET", "POST"])
@admin_only
def level_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    level = _object(request, MaturityLevel, pk, organisation=request.organisation)
    data = request.POST if request.method == "POST" else None
    form = LevelForm(data, level=level)
    if data is not None and form.is_valid():
        try:
            level = update_level(
                level=level,
                actor=request.user,
                expected_version=form.cleaned_data["versjon"],
                name=form.cleaned_data["name"],
                stance=form.cleaned_data["stance"],
                description=form.cleaned_data["description"],
            )
        except StaleVersion as conflict:
            _stale(form, conflict.current, _("nivået"))
        else:
            forget_role_levels(request.organisation)
            messages.success(
                request,
                _(
                    "Nivå %(level)d heter nå «%(name)s». Tavla og initiativene bruker det nye "
                    "navnet."
                )
                % {"level": level.level, "name": level.name},
            )
            return redirect("maturity:model")
    return _page(request, "maturity/model_level.html", form=form, level=level)


# Periods -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_only
def period_create(request: HtmxRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PeriodForm(data, organisation=request.organisation)
    if data is not None and form.is_valid():
        try:
            period = create_period(
                organisation=request.organisation, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request, _("Perioden %(label)s er opprettet.") % {"label": period.label}
            )
            return redirect("maturity:model")
    return _page(request, "maturity/model_period.html", form=form, period=None)


@require_http_methods(["GET", "POST"])
@admin_only
def period_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    period = _object(request, StrategyPeriod, pk, organisation=request.organisation)
    data = request.POST if request.method == "POST" else None
    form = PeriodForm(data, organisation=request.organisation, period=period)
    if data is not None and form.is_valid():
        try:
            period = update_period(
                period=period,
                actor=request.user,
                expected_version=form.cleaned_data["versjon"],
                **form.service_fields(),
            )
        except StaleVersion as conflict:
            _stale(form, conflict.current, _("perioden"))
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request, _("Endringene i perioden %(label)s er lagret.") % {"label": period.label}
            )
            return redirect("maturity:model")
    return _page(request, "maturity/model_period.html", form=form, period=period)


def _period_in_use(period: StrategyPeriod, measures: int) -> str:
    return ngettext(
        "Perioden %(label)s kan ikke slettes fordi den har %(count)d strategisk tiltak. "
        "Flytt tiltaket til en annen periode eller slett det først.",
        "Perioden %(label)s kan ikke slettes fordi den har %(count)d strategiske tiltak. "
        "Flytt tiltakene til en annen periode eller slett dem først.",
        measures,
    ) % {"label": period.label, "count": measures}


@require_http_methods(["GET", "POST"])
@admin_only
def period_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (or says why the period must stay); POST deletes."""
    period = _object(request, StrategyPeriod, pk, organisation=request.organisation)
    if request.method == "POST":
        form = DeleteForm(request.POST)
        form.is_valid()
        try:
            delete_period(
                period=period, actor=request.user, expected_version=form.cleaned_data["versjon"]
            )
        except PeriodInUse as refused:
            messages.error(request, _period_in_use(period, refused.measures))
        except StaleVersion:
            messages.error(
                request,
                _("Perioden ble endret mens du så på den, så den er ikke slettet. Prøv igjen."),
            )
        else:
            messages.success(request, _("Perioden %(label)s er slettet.") % {"label": period.label})
        return redirect("maturity:model")
    measures = period.measures.count()
    return _page(
        request,
        "maturity/model_period_delete.html",
        period=period,
        refusal=_period_in_use(period, measures) if measures else "",
    )


# Dimensions ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_only
def dimension_create(request: HtmxRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = DimensionForm(data, organisation=request.organisation)
    if data is not None and form.is_valid():
        dimension = create_dimension(
            organisation=request.organisation,
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        messages.success(
            request,
            _("Dimensjonen «%(name)s» er opprettet. Legg til kriterier for hvert nivå.")
            % {"name": dimension.name},
        )
        return redirect("maturity:dimension_edit", pk=dimension.pk)
    return _page(request, "maturity/model_dimension_new.html", form=form)


def _dimension(request: HtmxRequest, pk: int) -> MaturityDimension:
    return _object(request, MaturityDimension, pk, organisation=request.organisation)


def _dimension_page(
    request: HtmxRequest,
    dimension: MaturityDimension,
    form: DimensionForm | None = None,
    criterion_form: CriterionForm | None = None,
) -> HttpResponse:
    return _page(
        request,
        "maturity/model_dimension.html",
        dimension=dimension,
        form=form or DimensionForm(organisation=request.organisation, dimension=dimension),
        criterion_form=criterion_form
        or CriterionForm(organisation=request.organisation, prefix=NEW_CRITERION_PREFIX),
        levels=criteria_by_level(dimension, organisation_levels(request.organisation)),
    )


@require_http_methods(["GET", "POST"])
@admin_only
def dimension_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    dimension = _dimension(request, pk)
    if request.method != "POST":
        return _dimension_page(request, dimension)
    form = DimensionForm(request.POST, organisation=request.organisation, dimension=dimension)
    if form.is_valid():
        try:
            dimension = update_dimension(
                dimension=dimension,
                actor=request.user,
                expected_version=form.cleaned_data["versjon"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
            )
        except StaleVersion as conflict:
            _stale(form, conflict.current, _("dimensjonen"))
        else:
            text = (
                _("Endringene i dimensjonen «%(name)s» er lagret.")
                if dimension.is_active
                else _(
                    "Endringene er lagret. «%(name)s» er tatt ut av bruk og kommer ikke med i "
                    "nye vurderinger."
                )
            )
            messages.success(request, text % {"name": dimension.name})
            return redirect("maturity:dimension_edit", pk=dimension.pk)
    return _dimension_page(request, dimension, form=form)


@require_POST
@admin_only
def dimension_move(request: HtmxRequest, pk: int) -> HttpResponse:
    dimension = _dimension(request, pk)
    direction = DIRECTIONS.get(request.POST.get("retning", ""))
    if direction is None:
        messages.error(request, _("Velg om dimensjonen skal flyttes opp eller ned."))
        return redirect("maturity:model")
    moved = move_dimension(dimension=dimension, actor=request.user, direction=direction)
    if moved.order == dimension.order:
        text = (
            _("«%(name)s» står allerede først.")
            if direction == "up"
            else _("«%(name)s» står allerede sist.")
        )
    elif direction == "up":
        text = _("«%(name)s» er flyttet opp, til plass %(place)d.")
    else:
        text = _("«%(name)s» er flyttet ned, til plass %(place)d.")
    messages.success(request, text % {"name": moved.name, "place": moved.order})
    return redirect(reverse("maturity:model") + f"#dimension-{moved.pk}")


# Criteria ------------------------------------------------------------------------------


def _criterion(request: HtmxRequest, pk: int) -> MaturityCriterion:
    return get_object_or_404(
        MaturityCriterion.objects.filter(dimension__organisation=request.organisation)
        .select_related("dimension", "level")
        .prefetch_related(None),
        pk=pk,
    )


@require_POST
@admin_only
def criterion_create(request: HtmxRequest, pk: int) -> HttpResponse:
    dimension = _dimension(request, pk)
    form = CriterionForm(
        request.POST, organisation=request.organisation, prefix=NEW_CRITERION_PREFIX
    )
    if form.is_valid():
        try:
            criterion = create_criterion(
                dimension=dimension, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                _("Kriteriet «%(text)s» er lagt til på nivå %(level)s.")
                % {"text": criterion.practice, "level": criterion.level.name},
            )
            return redirect(
                reverse("maturity:dimension_edit", args=[dimension.pk])
                + f"#criterion-{criterion.pk}"
            )
    return _dimension_page(request, dimension, criterion_form=form)


@require_http_methods(["GET", "POST"])
@admin_only
def criterion_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    criterion = _criterion(request, pk)
    data = request.POST if request.method == "POST" else None
    form = CriterionForm(data, organisation=request.organisation, criterion=criterion)
    if data is not None and form.is_valid():
        try:
            criterion = update_criterion(
                criterion=criterion,
                actor=request.user,
                expected_version=form.cleaned_data["versjon"],
                **form.service_fields(),
            )
        except StaleVersion as conflict:
            _stale(form, conflict.current, _("kriteriet"))
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Endringene i kriteriet er lagret."))
            return redirect(
                reverse("maturity:dimension_edit", args=[criterion.dimension_id])
                + f"#criterion-{criterion.pk}"
            )
    return _page(request, "maturity/model_criterion.html", form=form, criterion=criterion)


def _criterion_in_use(ticks: int) -> str:
    return ngettext(
        "Kriteriet kan ikke fjernes fordi det er krysset av i %(count)d svar i en "
        "modenhetsvurdering. Endre teksten i stedet, eller ta dimensjonen ut av bruk.",
        "Kriteriet kan ikke fjernes fordi det er krysset av i %(count)d svar i "
        "modenhetsvurderinger. Endre teksten i stedet, eller ta dimensjonen ut av bruk.",
        ticks,
    ) % {"count": ticks}


@require_http_methods(["GET", "POST"])
@admin_only
def criterion_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    criterion = _criterion(request, pk)
    back = reverse("maturity:dimension_edit", args=[criterion.dimension_id])
    if request.method == "POST":
        form = DeleteForm(request.POST)
        form.is_valid()
        try:
            delete_criterion(
                criterion=criterion,
                actor=request.user,
                expected_version=form.cleaned_data["versjon"],
            )
        except CriterionInUse as refused:
            messages.error(request, _criterion_in_use(refused.ticks))
        except StaleVersion:
            messages.error(
                request,
                _("Kriteriet ble endret mens du så på det, så det er ikke fjernet. Prøv igjen."),
            )
        else:
            messages.success(
                request, _("Kriteriet «%(text)s» er fjernet.") % {"text": criterion.practice}
            )
        return redirect(back)
    ticks = criterion.ticks.count()
    return _page(
        request,
        "maturity/model_criterion_delete.html",
        criterion=criterion,
        refusal=_criterion_in_use(ticks) if ticks else "",
        back=back,
    )


urlpatterns: list[URLPattern] = [
    path("modell/", model_overview, name="model"),
    path("modell/nivaer/<int:pk>/", level_edit, name="level_edit"),
    path("modell/perioder/ny/", period_create, name="period_create"),
    path("modell/perioder/<int:pk>/", period_edit, name="period_edit"),
    path("modell/perioder/<int:pk>/slett/", period_delete, name="period_delete"),
    path("modell/dimensjoner/ny/", dimension_create, name="dimension_create"),
    path("modell/dimensjoner/<int:pk>/", dimension_edit, name="dimension_edit"),
    path("modell/dimensjoner/<int:pk>/flytt/", dimension_move, name="dimension_move"),
    path("modell/dimensjoner/<int:pk>/kriterier/", criterion_create, name="criterion_create"),
    path("modell/kriterier/<int:pk>/", criterion_edit, name="criterion_edit"),
    path("modell/kriterier/<int:pk>/slett/", criterion_delete, name="criterion_delete"),
]
