"""Status report form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from portal.concurrency import VersionField
from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin
from portfolio.forms.benefits import DATE_INVALID, _date_field, _number_field
from portfolio.models import (
    StatusReport,
    TrafficLight,
)

COMMENT_HELP = _("Må fylles ut når statusen er gul eller rød: hva er avviket, og hva gjøres?")


def _light_field(label: StrOrPromise, message: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=TrafficLight.choices,
        widget=DescribedRadioSelect(),
        error_messages={"required": message, "invalid_choice": message},
    )


def _comment_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=1000,
        help_text=COMMENT_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StatusReportForm(DesignsystemetFormMixin, forms.Form):
    """A status report as in Prosjektportalen: the overall status, five traffic lights, each
    with a comment (required for yellow and red: a colour alone says too little), and the
    budget and costs so far. `versjon` is the draft's version the form was loaded from."""

    period_end = _date_field(
        _("Rapporten gjelder til og med"),
        error_messages={
            "required": _("Velg datoen rapporten gjelder til og med."),
            "invalid": DATE_INVALID,
        },
    )
    summary = forms.CharField(
        label=_("Overordnet status"),
        max_length=4000,
        help_text=_("Hvor står initiativet, hva er gjort siden sist, og hva skjer videre?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv den overordnede statusen.")},
    )
    progress = _light_field(_("Fremdrift"), _("Velg grønn, gul eller rød for fremdrift."))
    progress_comment = _comment_field(_("Kommentar om fremdrift"))
    economy = _light_field(_("Økonomi"), _("Velg grønn, gul eller rød for økonomi."))
    economy_comment = _comment_field(_("Kommentar om økonomi"))
    quality = _light_field(_("Kvalitet"), _("Velg grønn, gul eller rød for kvalitet."))
    quality_comment = _comment_field(_("Kommentar om kvalitet"))
    risk = _light_field(_("Risiko"), _("Velg grønn, gul eller rød for risiko."))
    risk_comment = _comment_field(_("Kommentar om risiko"))
    benefits = _light_field(
        _("Gevinstoppnåelse"), _("Velg grønn, gul eller rød for gevinstoppnåelse.")
    )
    benefits_comment = _comment_field(_("Kommentar om gevinstoppnåelse"))
    budget = _number_field(
        _("Budsjett (kr)"), places=2, required=False, min_value=0, help_text=_("Valgfritt.")
    )
    costs_to_date = _number_field(
        _("Påløpte kostnader så langt (kr)"),
        places=2,
        required=False,
        min_value=0,
        help_text=_("Valgfritt."),
    )
    versjon = VersionField(required=False)

    @classmethod
    def initial_from(cls, report: StatusReport) -> dict[str, Any]:
        initial = {name: getattr(report, name) for name in StatusReport.EDITABLE_FIELDS}
        return {**initial, "versjon": report.version}

    def lights(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Each traffic light with its comment, for the template."""
        return [(self[light], self[f"{light}_comment"]) for light in StatusReport.LIGHTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        for light in StatusReport.LIGHTS:
            comment = data.get(f"{light}_comment", "")
            if data.get(light) in StatusReport.LIGHTS_NEEDING_COMMENT and not comment.strip():
                self.add_error(
                    f"{light}_comment",
                    forms.ValidationError(
                        _("Skriv en kommentar: %(name)s er gul eller rød.")
                        % {"name": self.fields[light].label},
                        code="comment_required",
                    ),
                )
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in StatusReport.EDITABLE_FIELDS}
        for light in StatusReport.LIGHTS:
            fields[f"{light}_comment"] = fields[f"{light}_comment"].strip()
        return fields
