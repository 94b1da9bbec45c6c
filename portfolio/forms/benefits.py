"""Benefit forms: benefits, indicators and measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ideas.models import ValueType
from portal.concurrency import VersionField
from portal.forms import DescribedCheckboxes, DescribedRadioSelect, DesignsystemetFormMixin
from portal.models import Organisation, User
from portal.numbers import NorwegianDecimalField
from portfolio.models import (
    Benefit,
    BenefitKind,
    Indicator,
    MeasureUnit,
)

DATE_INVALID = _("Skriv en gyldig dato, for eksempel 31.12.2026.")


REALISATION_YEARS_AHEAD = 20


EARLIEST_REALISATION = date(2000, 1, 1)


KIND_DESCRIPTIONS = {
    BenefitKind.DIRECT: _("Sparte eller unngåtte kostnader, i kroner per år."),
    BenefitKind.INDIRECT: _("Frigjort arbeidstid, i timer per år (vises også i årsverk)."),
    BenefitKind.QUALITATIVE: _(
        "Bedre kvalitet for innbyggere eller ansatte, uten kroner eller timer."
    ),
}


def _date_field(label: StrOrPromise, **kwargs: Any) -> forms.DateField:
    kwargs.setdefault("error_messages", {"invalid": DATE_INVALID})
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


NUMBER_MESSAGES = {
    "invalid": _("Skriv et tall, for eksempel 1 234,5."),
    "max_digits": _("Tallet er for stort."),
    "max_whole_digits": _("Tallet er for stort."),
    "min_value": _("Skriv et tall som ikke er negativt."),
}


DECIMAL_PLACES_MESSAGES = {
    1: _("Skriv høyst én desimal, for eksempel 1 234,5."),
    2: _("Skriv høyst to desimaler, for eksempel 1 234,50."),
}


def _number_field(label: StrOrPromise, *, places: int, **kwargs: Any) -> NorwegianDecimalField:
    """A Norwegian number with the model's digits, and messages that say what to type."""
    messages = {
        **NUMBER_MESSAGES,
        "max_decimal_places": DECIMAL_PLACES_MESSAGES[places],
        **kwargs.pop("error_messages", {}),
    }
    return NorwegianDecimalField(
        label=label,
        max_digits=kwargs.pop("max_digits", 14),
        decimal_places=places,
        error_messages=messages,
        **kwargs,
    )


def organisation_members(organisation: Organisation) -> Any:
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "first_name", "last_name", "email"
    )


class BenefitForm(DesignsystemetFormMixin, forms.Form):
    """A benefit: what gets better, which kind, who owns it, and its expected yearly effect.

    Amounts and hours are typed the Norwegian way («kr 250 000», «1 200,5»).
    """

    versjon = VersionField()  # the benefit's version when editing (the template's hidden input)

    description = forms.CharField(
        label=_("Beskrivelse av gevinsten"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hva blir bedre, og for hvem? For eksempel «Færre unødvendige nattbesøk»."),
        error_messages={"required": _("Beskriv gevinsten.")},
    )
    kind = forms.ChoiceField(
        label=_("Type gevinst"),
        choices=BenefitKind.choices,
        widget=DescribedRadioSelect,
        error_messages={
            "required": _("Velg type gevinst."),
            "invalid_choice": _("Velg direkte, indirekte eller kvalitativ gevinst."),
        },
    )
    expected_amount = _number_field(
        _("Forventet beløp per år (kroner)"),
        places=2,
        required=False,
        min_value=Decimal(0),
        help_text=_("For direkte gevinster, for eksempel kr 250 000."),
    )
    expected_hours = _number_field(
        _("Forventet frigjort tid per år (timer)"),
        places=1,
        max_digits=10,
        required=False,
        min_value=Decimal(0),
        help_text=_("For indirekte gevinster, for eksempel 1 200,5 timer."),
    )
    value_types = forms.MultipleChoiceField(
        label=_("Hvilke verdier gir gevinsten?"),
        choices=ValueType.choices,
        required=False,
        widget=DescribedCheckboxes,
        error_messages={"invalid_choice": _("Velg blant verdiene i listen.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Gevinsteier"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ikke valgt"),
        help_text=_("Lederen i linjen som eier gevinsten og sørger for at den blir tatt ut."),
        error_messages={"invalid_choice": _("Velg gevinsteieren blant de ansatte i kommunen.")},
    )
    responsible = forms.ModelChoiceField(
        label=_("Gevinstansvarlig"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Ikke valgt"),
        help_text=_("Den som følger opp og måler gevinsten."),
        error_messages={"invalid_choice": _("Velg gevinstansvarlig blant de ansatte i kommunen.")},
    )
    preconditions = forms.CharField(
        label=_("Forutsetninger"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hva må være på plass for at gevinsten skal kunne tas ut?"),
    )
    realisation_date = _date_field(
        _("Realiseringstidspunkt"),
        required=False,
        help_text=_("Når gevinsten skal være tatt ut."),
    )
    measure_every_days = forms.IntegerField(
        label=_("Måles hver (dager)"),
        min_value=1,
        max_value=365,
        initial=90,
        help_text=_("Hvor ofte gevinsten skal måles, fra 1 til 365 dager."),
        error_messages={
            "required": _("Skriv hvor mange dager det skal gå mellom målingene."),
            "invalid": _("Skriv et helt tall fra 1 til 365."),
            "min_value": _("Skriv et helt tall fra 1 til 365."),
            "max_value": _("Skriv et helt tall fra 1 til 365."),
        },
    )

    def __init__(
        self, *args: Any, organisation: Organisation, benefit: Benefit | None = None, **kwargs: Any
    ) -> None:
        if benefit is not None:
            kwargs.setdefault(
                "initial",
                {
                    "description": benefit.description,
                    "kind": benefit.kind,
                    "expected_amount": benefit.expected_amount,
                    "expected_hours": benefit.expected_hours,
                    "value_types": list(benefit.value_types),
                    "owner": benefit.owner_id,
                    "responsible": benefit.responsible_id,
                    "preconditions": benefit.preconditions,
                    "realisation_date": benefit.realisation_date,
                    "measure_every_days": benefit.measure_every_days,
                },
            )
        super().__init__(*args, **kwargs)
        members = organisation_members(organisation)
        for name in ("owner", "responsible"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = members
        widget = self.fields["kind"].widget
        assert isinstance(widget, DescribedRadioSelect)
        widget.descriptions = {kind.value: str(text) for kind, text in KIND_DESCRIPTIONS.items()}
        self.fields["measure_every_days"].widget.attrs.update({"inputmode": "numeric", "size": 5})

    def clean_realisation_date(self) -> date | None:
        value: date | None = self.cleaned_data["realisation_date"]
        if value is None:
            return None
        today = timezone.localdate()
        latest = today.replace(year=today.year + REALISATION_YEARS_AHEAD, day=min(today.day, 28))
        if not EARLIEST_REALISATION <= value <= latest:
            raise forms.ValidationError(
                _("Velg en dato mellom 1.1.2000 og %(latest)s."),
                code="out_of_range",
                params={"latest": f"{latest.day}.{latest.month}.{latest.year}"},
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        amount, hours = data.get("expected_amount"), data.get("expected_hours")
        if kind == BenefitKind.DIRECT and amount is None and "expected_amount" not in self.errors:
            self.add_error(
                "expected_amount",
                forms.ValidationError(
                    _("Skriv forventet beløp per år for en direkte gevinst."), code="required"
                ),
            )
        if kind == BenefitKind.INDIRECT and hours is None and "expected_hours" not in self.errors:
            self.add_error(
                "expected_hours",
                forms.ValidationError(
                    _("Skriv hvor mange timer per år gevinsten frigjør."), code="required"
                ),
            )
        if kind == BenefitKind.QUALITATIVE:
            text = _(
                "En kvalitativ gevinst har verken kroner eller timer. Tøm feltet, eller velg "
                "direkte eller indirekte gevinst."
            )
            for name, value in (("expected_amount", amount), ("expected_hours", hours)):
                if value is not None:
                    self.add_error(name, forms.ValidationError(text, code="qualitative"))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"].strip(),
            "kind": BenefitKind(data["kind"]),
            "value_types": list(data["value_types"]),
            "owner": data["owner"],
            "responsible": data["responsible"],
            "preconditions": data["preconditions"].strip(),
            "realisation_date": data["realisation_date"],
            "expected_amount": data["expected_amount"],
            "expected_hours": data["expected_hours"],
            "measure_every_days": data["measure_every_days"],
        }


class IndicatorForm(DesignsystemetFormMixin, forms.Form):
    """A measure of a benefit: its unit, baseline (nullpunktsmåling) and target.

    Its ids carry the benefit, so each benefit on the initiative page has its own form.
    """

    name = forms.CharField(
        label=_("Indikator"),
        max_length=200,
        help_text=_("Hva som måles, for eksempel «Nattbesøk per uke»."),
        error_messages={"required": _("Skriv hva som måles.")},
    )
    unit = forms.ChoiceField(
        label=_("Måleenhet"),
        choices=MeasureUnit.choices,
        error_messages={
            "required": _("Velg måleenhet."),
            "invalid_choice": _("Velg kroner, timer, antall eller prosent."),
        },
    )
    baseline = _number_field(
        _("Startverdi (nullpunktsmåling)"),
        places=2,
        help_text=_("Verdien før endringen, for eksempel 1 234,5."),
        error_messages={"required": _("Skriv startverdien, målt før endringen.")},
    )
    baseline_date = _date_field(_("Dato for nullpunktsmålingen"), required=False)
    target = _number_field(
        _("Ønsket verdi"),
        places=2,
        help_text=_("Verdien gevinsten skal gi. Kan være lavere enn startverdien."),
        error_messages={"required": _("Skriv ønsket verdi.")},
    )

    def __init__(self, data: Any = None, *, benefit: Benefit, **kwargs: Any) -> None:
        super().__init__(data, auto_id=f"id_indicator{benefit.pk}_%s", **kwargs)

    def clean_baseline_date(self) -> date | None:
        value: date | None = self.cleaned_data["baseline_date"]
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(
                _("Nullpunktsmålingen kan ikke være datert fram i tid."), code="future"
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        baseline, target = data.get("baseline"), data.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error(
                "target",
                forms.ValidationError(
                    _(
                        "Ønsket verdi må være forskjellig fra startverdien, ellers er det "
                        "ingen gevinst å måle."
                    ),
                    code="same_as_baseline",
                ),
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "unit": MeasureUnit(data["unit"]),
            "baseline": data["baseline"],
            "baseline_date": data["baseline_date"],
            "target": data["target"],
        }


class MeasurementForm(DesignsystemetFormMixin, forms.Form):
    """A measured value of an indicator, dated today or earlier."""

    measured_on = _date_field(
        _("Dato for målingen"),
        error_messages={"required": _("Velg datoen for målingen."), "invalid": DATE_INVALID},
    )
    value = _number_field(
        _("Målt verdi"), places=2, error_messages={"required": _("Skriv den målte verdien.")}
    )
    comment = forms.CharField(
        label=_("Kommentar (valgfritt)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None, *, indicator: Indicator, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"measured_on": timezone.localdate()})
        super().__init__(data, auto_id=f"id_measurement{indicator.pk}_%s", **kwargs)
        unit = MeasureUnit(indicator.unit)
        self.fields["value"].label = _("Målt verdi (%(unit)s)") % {"unit": unit.label}

    def clean_measured_on(self) -> date:
        value: date = self.cleaned_data["measured_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("Målingen kan ikke være datert fram i tid."), code="future"
            )
        return value

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "measured_on": data["measured_on"],
            "value": data["value"],
            "comment": data["comment"].strip(),
        }
