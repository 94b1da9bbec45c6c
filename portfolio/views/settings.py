"""Phases and portfolio settings: administrators change them without code.

The phases page lists the organisation's phases; each phase has a page for its text and its
exit checklist. Moving a phase or a checkpoint and editing the checklist are enhanced with
htmx: an htmx POST answers with the updated fragment and a status message swapped out of
band into a live region; a plain POST redirects (post/redirect/get), so everything works by
keyboard and without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Exists, IntegerField, Model, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import role_required
from portal.http import HtmxRequest
from portal.models import Organisation, Role
from portfolio.exceptions import ChecklistItemInUse, PhaseInUse
from portfolio.forms.phases import (
    ChecklistItemForm,
    PhaseForm,
    PhaseTemplateForm,
    PortfolioSettingsForm,
)
from portfolio.models import (
    ChecklistAnswer,
    ChecklistItem,
    Decision,
    Initiative,
    Phase,
    PhaseKind,
    PhaseTemplate,
    PhaseVisit,
    PortfolioSettings,
)
from portfolio.selectors.phases import PhaseUsage, phase_usage
from portfolio.services.phases import (
    Direction,
    KeptPhase,
    add_checklist_item,
    create_phase,
    delete_phase,
    move_checklist_item,
    move_phase,
    remove_checklist_item,
    set_portfolio_settings,
    switch_phase_template,
    update_checklist_item,
    update_phase,
)

# Membership.has_role(Role.ADMIN) is true for administrators only: the board may not do this.
admin_only = role_required(Role.ADMIN)

DIRECTIONS: dict[str, Direction] = {"opp": "up", "ned": "down"}
NAV_SECTION = "portfolio-settings"  # marks «Faser og innstillinger» in the header as current
NEW_ITEM_PREFIX = "nytt"


def _item_prefix(item: ChecklistItem) -> str:
    return f"punkt-{item.pk}"


def _count_of(model: type[Model], field: str) -> Coalesce:
    counts = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class PhaseRow:
    """A phase in the list; `first` and `last` within its kind, where moves stop."""

    phase: Phase
    position: int
    first: bool
    last: bool


def _phase_rows(organisation: Organisation) -> list[PhaseRow]:
    """The phases with their counts in one query, however many initiatives there are."""
    phases = list(
        Phase.objects.filter(organisation=organisation)
        .annotate(
            initiative_count=_count_of(Initiative, "phase"),
            checklist_count=_count_of(ChecklistItem, "phase"),
            has_visits=Exists(PhaseVisit.objects.filter(phase=OuterRef("pk"))),
            has_decisions=Exists(Decision.objects.filter(phase=OuterRef("pk"))),
        )
        .order_by("order")
    )
    rows = []
    for index, phase in enumerate(phases):
        before = phases[index - 1] if index else None
        after = phases[index + 1] if index + 1 < len(phases) else None
        rows.append(
            PhaseRow(
                phase=phase,
                position=index + 1,
                first=before is None or before.kind != phase.kind,
                last=after is None or after.kind != phase.kind,
            )
        )
    return rows


def _phase(request: HtmxRequest, pk: int) -> Phase:
    """One of the organisation's phases: another organisation's is a 404."""
    return get_object_or_404(Phase, organisation=request.organisation, pk=pk)


def _item(phase: Phase, item_pk: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem, phase=phase, pk=item_pk)


def _direction(request: HtmxRequest) -> Direction | None:
    return DIRECTIONS.get(request.POST.get("retning", ""))


# The list of phases.


def _phases_page(request: HtmxRequest, form: PhaseForm) -> HttpResponse:
    context = {
        "rows": _phase_rows(request.organisation),
        "form": form,
        "nav_section": NAV_SECTION,
    }
    return render(request, "portfolio/settings_phases.html", context)


@require_GET
@admin_only
def phases(request: HtmxRequest) -> HttpResponse:
    return _phases_page(request, PhaseForm(organisation=request.organisation))


@require_POST
@admin_only
def phase_create(request: HtmxRequest) -> HttpResponse:
    form = PhaseForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _phases_page(request, form)
    phase = create_phase(
        organisation=request.organisation, actor=request.user, **form.service_fields()
    )
    messages.success(
        request,
        _(
            "Fasen «%(name)s» er lagt til. Legg gjerne til sjekkpunkter for når et initiativ "
            "går ut av den."
        )
        % {"name": phase.name},
    )
    return redirect("portfolio:phase_edit", pk=phase.pk)


@require_POST
@admin_only
def phase_move(request: HtmxRequest, pk: int) -> HttpResponse:
    phase = _phase(request, pk)
    direction = _direction(request)
    if direction is None:
        return HttpResponse(status=400)
    moved = move_phase(phase=phase, actor=request.user, direction=direction)
    rows = _phase_rows(request.organisation)
    group = [row for row in rows if row.phase.kind == moved.kind]
    place = next(i for i, row in enumerate(group, start=1) if row.phase.pk == moved.pk)
    values = {"name": moved.name, "place": place, "count": len(group)}
    if moved.order == phase.order:
        text = (
            _("«%(name)s» står allerede først av fasene av samme type.")
            if direction == "up"
            else _("«%(name)s» står allerede sist av fasene av samme type.")
        ) % values
    elif direction == "up":
        text = _("«%(name)s» er flyttet opp, til plass %(place)d av %(count)d.") % values
    else:
        text = _("«%(name)s» er flyttet ned, til plass %(place)d av %(count)d.") % values
    if not request.htmx:
        messages.success(request, text)
        return redirect(f"{reverse('portfolio:phases')}#phase-{moved.pk}")
    return render(
        request, "portfolio/settings_phases.html#phase-moved", {"rows": rows, "status": text}
    )


def _used_text(phase: Phase, usage: PhaseUsage) -> str:
    if usage.initiatives:
        return ngettext(
            "Fasen «%(name)s» kan ikke slettes fordi %(count)d initiativ står i den. "
            "Flytt initiativet til en annen fase først.",
            "Fasen «%(name)s» kan ikke slettes fordi %(count)d initiativer står i den. "
            "Flytt initiativene til en annen fase først.",
            usage.initiatives,
        ) % {"name": phase.name, "count": usage.initiatives}
    return _(
        "Fasen «%(name)s» kan ikke slettes fordi initiativer har vært i den, og historikken "
        "deres viser til fasen. Du kan gi den et nytt navn i stedet."
    ) % {"name": phase.name}


@require_http_methods(["GET", "POST"])
@admin_only
def phase_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (or says why the phase must stay); POST deletes."""
    phase = _phase(request, pk)
    if request.method == "POST":
        try:
            delete_phase(phase=phase, actor=request.user)
        except PhaseInUse as refused:
            messages.error(request, _used_text(phase, refused.usage))
        except ValueError:
            messages.error(request, _("Innboksen kan ikke slettes: nye idéer kommer inn der."))
        else:
            messages.success(request, _("Fasen «%(name)s» er slettet.") % {"name": phase.name})
        return redirect("portfolio:phases")
    usage = phase_usage(phase)
    context = {
        "phase": phase,
        "refusal": (
            _("Innboksen kan ikke slettes: nye idéer kommer inn der.")
            if phase.kind == PhaseKind.INBOX
            else _used_text(phase, usage)
            if usage.is_used
            else ""
        ),
        "nav_section": NAV_SECTION,
    }
    return render(request, "portfolio/settings_phase_delete.html", context)


# One phase: its text and its exit checklist.


@dataclass(frozen=True)
class ChecklistRow:
    item: ChecklistItem
    form: ChecklistItemForm
    first: bool
    last: bool


def _label(form: ChecklistItemForm, label: str) -> None:
    # A validated form has built its bound field already, with the label it had then.
    form.fields["text"].label = label
    form["text"].label = label


def _checklist_context(
    phase: Phase,
    *,
    invalid: ChecklistItemForm | None = None,
    invalid_item: ChecklistItem | None = None,
    status: str = "",
) -> dict[str, object]:
    """The checklist with a form per checkpoint; a refused form keeps what was typed."""
    items = list(
        phase.checklist.annotate(
            answered=Exists(ChecklistAnswer.objects.filter(item=OuterRef("pk")))
        ).order_by("order", "pk")
    )
    rows = []
    for number, item in enumerate(items, start=1):
        if invalid is not None and invalid_item is not None and invalid_item.pk == item.pk:
            form = invalid
        else:
            form = ChecklistItemForm(prefix=_item_prefix(item), initial={"text": item.text})
        _label(form, _("Sjekkpunkt %(number)d") % {"number": number})
        rows.append(
            ChecklistRow(item=item, form=form, first=number == 1, last=number == len(items))
        )
    new_form = invalid if invalid is not None and invalid_item is None else None
    new_form = new_form or ChecklistItemForm(prefix=NEW_ITEM_PREFIX)
    _label(new_form, _("Nytt sjekkpunkt"))
    return {"phase": phase, "checklist_rows": rows, "new_item_form": new_form, "status": status}


def _phase_page(
    request: HtmxRequest,
    phase: Phase,
    form: PhaseForm | None = None,
    *,
    invalid: ChecklistItemForm | None = None,
    invalid_item: ChecklistItem | None = None,
) -> HttpResponse:
    context = {
        **_checklist_context(phase, invalid=invalid, invalid_item=invalid_item),
        "form": form or PhaseForm(organisation=request.organisation, phase=phase),
        "usage": phase_usage(phase),
        "nav_section": NAV_SECTION,
    }
    return render(request, "portfolio/settings_phase.html", context)


@require_http_methods(["GET", "POST"])
@admin_only
def phase_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    phase = _phase(request, pk)
    data = request.POST if request.method == "POST" else None
    form = PhaseForm(data, organisation=request.organisation, phase=phase)
    if data is None or not form.is_valid():
        return _phase_page(request, phase, form)
    phase = update_phase(phase=phase, actor=request.user, **form.service_fields())
    messages.success(request, _("Endringene i fasen «%(name)s» er lagret.") % {"name": phase.name})
    return redirect("portfolio:phase_edit", pk=phase.pk)


def _checklist_changed(request: HtmxRequest, phase: Phase, text: str) -> HttpResponse:
    if not request.htmx:
        messages.success(request, text)
        return redirect(f"{reverse('portfolio:phase_edit', args=[phase.pk])}#checklist")
    context = _checklist_context(phase, status=text)
    return render(request, "portfolio/settings_phase.html#checklist-changed", context)


def _checklist_refused(
    request: HtmxRequest,
    phase: Phase,
    form: ChecklistItemForm,
    item: ChecklistItem | None = None,
) -> HttpResponse:
    """A refused checkpoint: the fragment for htmx, the whole page without JavaScript."""
    status = _("Sjekkpunktet er ikke lagret. Se feilmeldingen ved feltet.")
    if request.htmx:
        context = _checklist_context(phase, invalid=form, invalid_item=item, status=status)
        return render(request, "portfolio/settings_phase.html#checklist-changed", context)
    return _phase_page(request, phase, invalid=form, invalid_item=item)


@require_POST
@admin_only
def checklist_add(request: HtmxRequest, pk: int) -> HttpResponse:
    phase = _phase(request, pk)
    form = ChecklistItemForm(request.POST, prefix=NEW_ITEM_PREFIX)
    if not form.is_valid():
        return _checklist_refused(request, phase, form)
    item = add_checklist_item(phase=phase, actor=request.user, text=form.cleaned_data["text"])
    return _checklist_changed(
        request, phase, _("Sjekkpunktet «%(text)s» er lagt til.") % {"text": item.text}
    )


@require_POST
@admin_only
def checklist_edit(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    phase = _phase(request, pk)
    item = _item(phase, item_pk)
    form = ChecklistItemForm(request.POST, prefix=_item_prefix(item))
    if not form.is_valid():
        return _checklist_refused(request, phase, form, item)
    item = update_checklist_item(item=item, actor=request.user, text=form.cleaned_data["text"])
    return _checklist_changed(
        request, phase, _("Sjekkpunktet er endret til «%(text)s».") % {"text": item.text}
    )


@require_POST
@admin_only
def checklist_move(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    phase = _phase(request, pk)
    item = _item(phase, item_pk)
    direction = _direction(request)
    if direction is None:
        return HttpResponse(status=400)
    moved = move_checklist_item(item=item, actor=request.user, direction=direction)
    count = phase.checklist.count()
    place = list(phase.checklist.order_by("order", "pk").values_list("pk", flat=True)).index(
        moved.pk
    )
    values = {"text": moved.text, "place": place + 1, "count": count}
    text = (
        _("«%(text)s» er flyttet opp, til plass %(place)d av %(count)d.")
        if direction == "up"
        else _("«%(text)s» er flyttet ned, til plass %(place)d av %(count)d.")
    ) % values
    return _checklist_changed(request, phase, text)


@require_POST
@admin_only
def checklist_remove(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    phase = _phase(request, pk)
    item = _item(phase, item_pk)
    try:
        remove_checklist_item(item=item, actor=request.user)
    except ChecklistItemInUse:
        text = _(
            "«%(text)s» kan ikke fjernes fordi initiativer har svart på det da de gikk ut av "
            "fasen. Du kan endre teksten i stedet."
        ) % {"text": item.text}
        if not request.htmx:
            messages.error(request, text)
            return redirect(f"{reverse('portfolio:phase_edit', args=[phase.pk])}#checklist")
        context = _checklist_context(phase, status=text)
        return render(request, "portfolio/settings_phase.html#checklist-changed", context)
    return _checklist_changed(
        request, phase, _("Sjekkpunktet «%(text)s» er fjernet.") % {"text": item.text}
    )


# Portfolio settings: the stalled threshold and the phase template.


def _settings_page(
    request: HtmxRequest,
    *,
    settings_form: PortfolioSettingsForm | None = None,
    template_form: PhaseTemplateForm | None = None,
) -> HttpResponse:
    current = PortfolioSettings.objects.filter(organisation=request.organisation).first()
    stalled_after_days = current.stalled_after_days if current else 30
    phase_template = current.phase_template if current else "ks_veikart"
    context = {
        "settings_form": settings_form
        or PortfolioSettingsForm(initial={"stalled_after_days": stalled_after_days}),
        "template_form": template_form or PhaseTemplateForm(initial={"template": phase_template}),
        "template_label": PhaseTemplate(phase_template).label,
        "nav_section": NAV_SECTION,
    }
    return render(request, "portfolio/settings_portfolio.html", context)


@require_http_methods(["GET", "POST"])
@admin_only
def portfolio_settings(request: HtmxRequest) -> HttpResponse:
    if request.method != "POST":
        return _settings_page(request)
    form = PortfolioSettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, settings_form=form)
    set_portfolio_settings(
        organisation=request.organisation,
        actor=request.user,
        stalled_after_days=form.cleaned_data["stalled_after_days"],
    )
    messages.success(request, _("Innstillingene er lagret."))
    return redirect("portfolio:portfolio_settings")


def _kept_text(kept: KeptPhase) -> str:
    if kept.usage.initiatives:
        return ngettext(
            "«%(name)s» ble beholdt fordi %(count)d initiativ står i fasen. Flytt det til en "
            "annen fase og slett fasen hvis dere ikke trenger den.",
            "«%(name)s» ble beholdt fordi %(count)d initiativer står i fasen. Flytt dem til en "
            "annen fase og slett fasen hvis dere ikke trenger den.",
            kept.usage.initiatives,
        ) % {"name": kept.name, "count": kept.usage.initiatives}
    if kept.usage.history:
        return _(
            "«%(name)s» ble beholdt fordi initiativer har vært i fasen, og historikken deres "
            "viser til den."
        ) % {"name": kept.name}
    return _(
        "«%(name)s» ble beholdt fordi dere har lagt den til selv; den hører ikke til malen dere "
        "byttet fra. Slett den på siden Faser hvis dere ikke trenger den."
    ) % {"name": kept.name}


@require_POST
@admin_only
def phase_template(request: HtmxRequest) -> HttpResponse:
    form = PhaseTemplateForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, template_form=form)
    result = switch_phase_template(
        organisation=request.organisation,
        actor=request.user,
        template=PhaseTemplate(form.cleaned_data["template"]),
    )
    label = PhaseTemplate(result.template).label
    parts = [_("Fasemalen er nå %(template)s.") % {"template": label}]
    if result.added:
        parts.append(_("Lagt til: %(names)s.") % {"names": ", ".join(result.added)})
    if result.removed:
        parts.append(_("Fjernet: %(names)s.") % {"names": ", ".join(result.removed)})
    messages.success(request, " ".join(parts))
    for kept in result.kept:
        messages.info(request, _kept_text(kept))
    return redirect("portfolio:portfolio_settings")


urlpatterns: list[URLPattern] = [
    path("faser/", phases, name="phases"),
    path("faser/ny/", phase_create, name="phase_create"),
    path("faser/<int:pk>/", phase_edit, name="phase_edit"),
    path("faser/<int:pk>/flytt/", phase_move, name="phase_move"),
    path("faser/<int:pk>/slett/", phase_delete, name="phase_delete"),
    path("faser/<int:pk>/sjekkpunkter/", checklist_add, name="checklist_add"),
    path("faser/<int:pk>/sjekkpunkter/<int:item_pk>/", checklist_edit, name="checklist_edit"),
    path("faser/<int:pk>/sjekkpunkter/<int:item_pk>/flytt/", checklist_move, name="checklist_move"),
    path(
        "faser/<int:pk>/sjekkpunkter/<int:item_pk>/slett/",
        checklist_remove,
        name="checklist_remove",
    ),
    path("innstillinger/", portfolio_settings, name="portfolio_settings"),
    path("innstillinger/fasemal/", phase_template, name="phase_template"),
]
