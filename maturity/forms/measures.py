"""Forms for the strategic measures: the filters of the measures page, a measure (for
administrators) and a progress note (for leaders and administrators). Forms validate;
maturity.services.measures acts. Every choice is drawn from the organisation's own rows, so
another organisation's period, person or initiative is an invalid choice at the field."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maturity.forms.model import freeze_choices
from maturity.forms.picker import InitiativePickerField, PickerFormMixin
from maturity.models import MeasureStatus, StrategicMeasure, StrategyPeriod
from portal.concurrency import VersionField
from portal.forms import (
    DescribedRadioSelect,
    DesignsystemetFormMixin,
    QueryFilterForm,
)
from portal.models import Organisation, User
from portfolio.forms.benefits import DATE_INVALID, _date_field
from portfolio.models import Initiative

STATUS_DESCRIPTIONS = {
    MeasureStatus.NOT_STARTED: _("Arbeidet med tiltaket har ikke begynt."),
    MeasureStatus.IN_PROGRESS: _("Tiltaket er i arbeid og følger planen."),
    MeasureStatus.DONE: _("Tiltaket er gjennomført."),
    MeasureStatus.DELAYED: _("Tiltaket er i arbeid, men henger etter planen."),
}


class MeasureFilterForm(QueryFilterForm):
    """The measures page's filters, kept in the URL: period, status and «over fristen»."""

    KEYS: ClassVar[dict[str, str]] = {"periode": "period", "over_fristen": "overdue"}

    periode = forms.TypedChoiceField(
        label=_("Periode"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Velg en av periodene i listen.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("Velg en av statusene i listen.")},
    )
    over_fristen = forms.BooleanField(label=_("Bare tiltak over fristen"), required=False)

    def __init__(
        self, *args: Any, organisation: Organisation, periods: list[StrategyPeriod], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("periode", [(str(p.pk), p.label) for p in periods])
        self.set_choices("status", list(MeasureStatus.choices))
        self.organisation = organisation


def organisation_people(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "first_name", "last_name", "email"
    )


class MeasureForm(PickerFormMixin, DesignsystemetFormMixin, forms.Form):
    """A measure's text, description, period, owner, due date and linked initiatives.
    `versjon` is the measure's version the form was loaded at (empty for a new one)."""

    text = forms.CharField(
        label=_("Tiltak"),
        max_length=300,
        help_text=_("Slik strategien formulerer tiltaket."),
        error_messages={"required": _("Skriv hva tiltaket er.")},
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Valgfritt: hva som skal til, og hvordan dere vet at tiltaket er fullført."),
    )
    period = forms.ModelChoiceField(
        label=_("Periode"),
        queryset=StrategyPeriod.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Velg perioden tiltaket hører til."),
            "invalid_choice": _("Velg en av periodene i listen."),
        },
    )
    owner = forms.ModelChoiceField(
        label=_("Ansvarlig"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Ingen ansvarlig ennå"),
        error_messages={"invalid_choice": _("Velg en ansvarlig fra listen over personer.")},
    )
    due_date = _date_field(
        _("Frist"),
        required=False,
        help_text=_("Valgfritt, for eksempel 31.12.2026."),
        error_messages={"invalid": DATE_INVALID},
    )
    initiatives = InitiativePickerField(
        label=_("Initiativer som bidrar"),
        required=False,
        help_text=_("Initiativene i porteføljen som bidrar til tiltaket."),
        error_messages={
            "invalid_choice": _("Velg bare initiativer fra listen."),
            "invalid_pk_value": _("Velg bare initiativer fra listen."),
        },
    )
    versjon = VersionField()

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        measure: StrategicMeasure | None = None,
        **kwargs: Any,
    ) -> None:
        if measure is not None:
            kwargs.setdefault("initial", self.initial_from(measure))
        super().__init__(*args, **kwargs)
        period_field = self.fields["period"]
        owner_field = self.fields["owner"]
        initiatives_field = self.fields["initiatives"]
        assert isinstance(period_field, forms.ModelChoiceField)
        assert isinstance(owner_field, forms.ModelChoiceField)
        assert isinstance(initiatives_field, InitiativePickerField)
        period_field.queryset = StrategyPeriod.objects.filter(organisation=organisation)
        owner_field.queryset = organisation_people(organisation)
        # Only the chosen initiatives are rendered; the others are found by search.
        initiatives_field.set_initiatives(Initiative.objects.for_organisation(organisation))
        for field in (period_field, owner_field):
            freeze_choices(field)

    @staticmethod
    def initial_from(measure: StrategicMeasure) -> dict[str, Any]:
        return {
            "text": measure.text,
            "description": measure.description,
            "period": measure.period_id,
            "owner": measure.owner_id,
            "due_date": measure.due_date,
            "initiatives": [i.pk for i in measure.initiatives.all()],
            "versjon": measure.version,
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "description": data["description"],
            "period": data["period"],
            "owner": data["owner"],
            "due_date": data["due_date"],
            "initiatives": list(data["initiatives"]),
        }


class MeasureNoteForm(DesignsystemetFormMixin, forms.Form):
    """A progress note and the status the measure has now."""

    text = forms.CharField(
        label=_("Fremdrift"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hva er gjort siden sist, og hva skjer videre?"),
        error_messages={
            "required": _("Skriv hva som har skjedd med tiltaket."),
            "max_length": _(
                "Notatet kan ha høyst %(limit_value)d tegn (det har nå %(show_value)d)."
            ),
        },
    )
    status = forms.ChoiceField(
        label=_("Status nå"),
        choices=MeasureStatus.choices,
        widget=DescribedRadioSelect(),
        error_messages={
            "required": _("Velg statusen tiltaket har nå."),
            "invalid_choice": _("Velg ikke startet, pågår, fullført eller forsinket."),
        },
    )
    versjon = VersionField()

    def __init__(self, *args: Any, measure: StrategicMeasure | None = None, **kwargs: Any) -> None:
        if measure is not None:
            kwargs.setdefault("initial", {"status": measure.status, "versjon": measure.version})
        super().__init__(*args, **kwargs)
        widget = self.fields["status"].widget
        assert isinstance(widget, DescribedRadioSelect)
        widget.descriptions = {key.value: str(text) for key, text in STATUS_DESCRIPTIONS.items()}


class DeleteForm(forms.Form):
    versjon = VersionField()
