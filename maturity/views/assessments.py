"""The yearly maturity assessment, for leaders and administrators.

- The list of years, earlier ones readable, and a form that opens a year (once: opening
  the same year again, or twice at once, leads to the same assessment).
- A year's summary: per dimension each leader's level, the practices ticked with their
  evidence and the spread; the computed indicators beside it, as support; the agreed level
  and its earlier versions.
- A leader's own answer for a dimension (nobody else's can be opened): the level reached, a
  comment and the practices in place with their evidence.
- The agreed level with its reasoning; once agreed it is a record, and «Endre omforent
  nivå» adds a version with the reason for the change.

Plain form posts: a form with errors comes back with everything typed and an error summary
that takes the focus; a saved one redirects to the year's summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maturity.forms.assessments import AgreedLevelForm, AnswerForm, OpenAssessmentForm
from maturity.models import AgreedLevel, Kpi, MaturityCriterion, MaturityDimension, MaturityLevel
from maturity.models import YearlyAssessment as Assessment
from maturity.permissions import LEADERS
from maturity.selectors.assessments import (
    agreed_level,
    assessment_summary,
    assessment_years,
    indicators,
    own_answer,
    year_assessment,
)
from maturity.services.assessments import (
    AgreementChanged,
    AssessmentAgreed,
    EvidenceMissing,
    open_assessment,
    record_agreed_level,
    save_answer,
)
from portal.access import role_required
from portal.concurrency import StaleVersion, VersionForm
from portal.http import HtmxRequest
from portfolio.models import Initiative


def _assessment(request: HtmxRequest, year: int) -> Assessment:
    # Looked up in the organisation: another organisation's year (or one not opened) is 404.
    assessment = year_assessment(organisation=request.organisation, year=year)
    if assessment is None:
        raise Http404
    return assessment


def _levels(request: HtmxRequest) -> list[MaturityLevel]:
    return list(MaturityLevel.objects.filter(organisation=request.organisation))


def _year_url(year: int, anchor: str = "") -> str:
    url = reverse("maturity:assessment", args=[year])
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "POST"])
@role_required(*LEADERS)
def assessments(request: HtmxRequest) -> HttpResponse:
    """The years assessed, newest first, and the form that opens a year."""
    form = OpenAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        _assessment_row, created = open_assessment(
            organisation=request.organisation, actor=request.user, year=year
        )
        if created:
            messages.success(request, _("Vurderingen for %(year)d er åpnet.") % {"year": year})
        else:
            messages.info(
                request, _("Vurderingen for %(year)d var åpnet fra før.") % {"year": year}
            )
        return redirect(_year_url(year))
    context = {"years": assessment_years(organisation=request.organisation), "form": form}
    return render(request, "maturity/assessment_list.html", context)


@require_GET
@role_required(*LEADERS)
def assessment(request: HtmxRequest, year: int) -> HttpResponse:
    """The year's summary, the indicators beside it and the agreed level with its versions."""
    summary = assessment_summary(assessment=_assessment(request, year), viewer=request.user)
    context = {
        "summary": summary,
        "year": year,
        "indicators": indicators(organisation=request.organisation, year=year),
    }
    return render(request, "maturity/assessment_detail.html", context)


def _criteria(dimension: MaturityDimension) -> list[MaturityCriterion]:
    return list(MaturityCriterion.objects.filter(dimension=dimension).select_related("level"))


def _evidence_choices(request: HtmxRequest) -> tuple[dict[int, Initiative], dict[int, Kpi]]:
    """The organisation's own initiatives and KPIs: the only evidence a tick may name."""
    initiatives = {
        i.pk: i
        for i in Initiative.objects.for_organisation(request.organisation)
        .select_related("idea")
        .order_by("idea__title", "pk")
    }
    kpis = {k.pk: k for k in Kpi.objects.filter(organisation=request.organisation)}
    return initiatives, kpis


@require_http_methods(["GET", "POST"])
@role_required(*LEADERS)
def assessment_answer(request: HtmxRequest, year: int, dimension: int) -> HttpResponse:
    """The leader's own answer for a dimension; read-only once the year is agreed."""
    assessment = _assessment(request, year)
    row = get_object_or_404(
        MaturityDimension.objects.filter(organisation=request.organisation, is_active=True),
        pk=dimension,
    )
    answer = own_answer(assessment=assessment, dimension=row, respondent=request.user)
    agreed = agreed_level(organisation=request.organisation, year=year)
    if agreed is not None:
        if request.method == "POST":
            return _agreed_already(request, year)
        read = {"assessment": assessment, "dimension": row, "answer": answer, "agreed": agreed}
        return render(request, "maturity/assessment_answer_read.html", read)
    initiatives, kpis = _evidence_choices(request)
    form = AnswerForm(
        request.POST or None,
        levels=_levels(request),
        criteria=_criteria(row),
        initiatives=initiatives,
        kpis=kpis,
        answer=answer,
    )
    context: dict[str, Any] = {"assessment": assessment, "dimension": row, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "maturity/assessment_answer.html", context)
    try:
        save_answer(
            assessment=assessment,
            dimension=row,
            actor=request.user,
            level=form.chosen_level(),
            comment=form.cleaned_data["comment"],
            ticks=form.ticks(),
            expected_version=form.cleaned_data["versjon"],
        )
    except AssessmentAgreed:
        return _agreed_already(request, year)
    except EvidenceMissing as refused:  # the service's rules, should the form have missed one
        form.add_evidence_errors(refused.errors)
        return render(request, "maturity/assessment_answer.html", context)
    except StaleVersion as conflict:
        # What was typed stays; the next save is checked against the version now shown.
        data = request.POST.copy()
        data["versjon"] = str(conflict.current.version)
        form = AnswerForm(
            data,
            levels=_levels(request),
            criteria=_criteria(row),
            initiatives=initiatives,
            kpis=kpis,
        )
        form.is_valid()
        form.add_error(
            None,
            _(
                "Du har lagret svaret for denne dimensjonen et annet sted (i en annen fane?) "
                "mens du skrev. Ingenting er overskrevet, og det du skrev står fortsatt i "
                "skjemaet: se over det lagrede svaret nedenfor, og lagre på nytt om endringene "
                "dine fortsatt trengs."
            ),
        )
        context["form"] = form
        context["saved"] = own_answer(assessment=assessment, dimension=row, respondent=request.user)
        return render(request, "maturity/assessment_answer.html", context, status=409)
    messages.success(request, _("Svaret ditt for «%(name)s» er lagret.") % {"name": row.name})
    return redirect(_year_url(year, f"dimension-{row.pk}"))


def _agreed_already(request: HtmxRequest, year: int) -> HttpResponse:
    messages.error(
        request,
        _(
            "Ledergruppen har registrert omforent nivå for %(year)d, så svarene er låst. "
            "Ingenting ble endret."
        )
        % {"year": year},
    )
    return redirect(_year_url(year))


@require_http_methods(["GET", "POST"])
@role_required(*LEADERS)
def assessment_agree(request: HtmxRequest, year: int) -> HttpResponse:
    """Record the agreed level (version 1), or «Endre omforent nivå»: the next version."""
    assessment = _assessment(request, year)
    latest = agreed_level(organisation=request.organisation, year=year)
    form = AgreedLevelForm(
        request.POST or None,
        levels=_levels(request),
        revising=latest is not None,
        initial={
            "versjon": latest.version if latest else 0,
            "level": str(latest.level_id) if latest else "",
        },
    )
    context: dict[str, Any] = {
        "assessment": assessment,
        "form": form,
        "latest": latest,
        "indicators": indicators(organisation=request.organisation, year=year),
    }
    if request.method == "POST" and VersionForm.posted(request.POST) != (
        latest.version if latest else 0
    ):
        # Loaded before a version was recorded: say so before asking for anything else.
        return _agreement_changed(request, context, latest)
    if request.method != "POST" or not form.is_valid():
        return render(request, "maturity/assessment_agree.html", context)
    try:
        agreed = record_agreed_level(
            assessment=assessment,
            actor=request.user,
            level=form.chosen_level(),
            reasoning=form.cleaned_data["reasoning"],
            change_reason=form.cleaned_data.get("change_reason", ""),
            expected_version=form.cleaned_data["versjon"],
        )
    except AgreementChanged as conflict:
        return _agreement_changed(request, context, conflict.latest)
    except ValidationError as error:  # the service's checks, should the form have missed one
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return render(request, "maturity/assessment_agree.html", context)
    if agreed.version == 1:
        text = _("Det omforente nivået for %(year)d er registrert.") % {"year": year}
    else:
        text = _("Versjon %(version)d av det omforente nivået for %(year)d er registrert.") % {
            "version": agreed.version,
            "year": year,
        }
    messages.success(request, text)
    return redirect(_year_url(year, "agreed"))


def _agreement_changed(
    request: HtmxRequest, context: dict[str, Any], now: AgreedLevel | None
) -> HttpResponse:
    """Someone recorded a version since the form was loaded: nothing is written, what was
    typed stays, and a change of the level now agreed asks for its reason too."""
    data = request.POST.copy()
    data["versjon"] = str(now.version if now else 0)
    form = AgreedLevelForm(data, levels=_levels(request), revising=now is not None)
    form.is_valid()
    form.add_error(
        None,
        _(
            "%(who)s registrerte omforent nivå for %(year)d mens du skrev. Ingenting er "
            "overskrevet, og det du skrev står fortsatt i skjemaet. Les det som er registrert, "
            "og lagre en ny versjon om dere vil endre det."
        )
        % {
            "who": str(now.agreed_by) if now else _("En annen"),
            "year": context["assessment"].year,
        },
    )
    context.update(form=form, latest=now)
    return render(request, "maturity/assessment_agree.html", context, status=409)


urlpatterns: list[URLPattern] = [
    path("vurdering/", assessments, name="assessments"),
    path("vurdering/<int:year>/", assessment, name="assessment"),
    path(
        "vurdering/<int:year>/dimensjon/<int:dimension>/",
        assessment_answer,
        name="assessment_answer",
    ),
    path("vurdering/<int:year>/omforent/", assessment_agree, name="assessment_agree"),
]
