"""Forms for administering the staircase model (administrators only). Forms validate;
maturity.services.model acts. Every form carries the row's version (`versjon`), so an edit
made meanwhile by another administrator is refused, not overwritten."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from maturity.models import (
    EvidenceKind,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategyPeriod,
)
from maturity.selectors.model import conflicting_period
from portal.concurrency import VersionField
from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin
from portal.models import Organisation
from portal.params import StrictIntegerField


def freeze_choices(field: forms.ModelChoiceField[Any]) -> None:
    """Read a choice field's rows once: a select otherwise queries again to decide on its
    `required` attribute. Validation still goes through the queryset."""
    rows = field.choices
    assert isinstance(rows, ModelChoiceIterator)
    field.choices = list(iter(rows))  # iter(): list() would ask len(), a COUNT query


FIRST_YEAR = 2000
LAST_YEAR = 2100


class LevelForm(DesignsystemetFormMixin, forms.Form):
    """A level's name (shown on the board as the municipality's role), stance and description."""

    name = forms.CharField(
        label=_("Navn"),
        max_length=100,
        help_text=_("Vises også som kommunens rolle i initiativene på tavla."),
        error_messages={"required": _("Gi nivået et navn.")},
    )
    stance = forms.CharField(
        label=_("Holdning"),
        max_length=300,
        help_text=_("Kommunens holdning på dette nivået, for eksempel «Vi bidrar aktivt …»."),
        error_messages={"required": _("Skriv holdningen for nivået.")},
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    versjon = VersionField()

    def __init__(self, *args: Any, level: MaturityLevel, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": level.name,
                "stance": level.stance,
                "description": level.description,
                "versjon": level.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.level = level

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = MaturityLevel.objects.filter(
            organisation_id=self.level.organisation_id, name__iexact=name
        ).exclude(pk=self.level.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Et annet nivå heter allerede «%(name)s». Velg et annet navn."),
                code="duplicate",
                params={"name": name},
            )
        return name


def _year_field(label: Any, required_message: Any) -> StrictIntegerField:
    return StrictIntegerField(
        label=label,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": required_message,
            "invalid": _("Skriv et årstall med fire sifre, for eksempel 2027."),
            "min_value": _("Skriv et årstall fra %(limit_value)s eller senere."),
            "max_value": _("Skriv et årstall til og med %(limit_value)s."),
        },
    )


class PeriodForm(DesignsystemetFormMixin, forms.Form):
    """A strategy period: its years and the level it aims for."""

    start_year = _year_field(_("Fra år"), _("Skriv året perioden starter."))
    end_year = _year_field(_("Til og med år"), _("Skriv året perioden slutter."))
    target_level = forms.ModelChoiceField(
        label=_("Målnivå"),
        queryset=MaturityLevel.objects.none(),
        empty_label=None,
        widget=DescribedRadioSelect(),
        error_messages={
            "required": _("Velg nivået kommunen skal nå i perioden."),
            "invalid_choice": _("Velg et av nivåene i trappen."),
        },
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    versjon = VersionField()

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        period: StrategyPeriod | None = None,
        **kwargs: Any,
    ) -> None:
        if period is not None:
            kwargs.setdefault(
                "initial",
                {
                    "start_year": period.start_year,
                    "end_year": period.end_year,
                    "target_level": period.target_level_id,
                    "description": period.description,
                    "versjon": period.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.period = period
        levels = list(MaturityLevel.objects.filter(organisation=organisation).order_by("level"))
        field = self.fields["target_level"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = MaturityLevel.objects.filter(organisation=organisation).order_by("level")
        widget = field.widget
        assert isinstance(widget, DescribedRadioSelect)
        widget.descriptions = {str(level.pk): level.stance for level in levels}
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "size": 6})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        start, end = data.get("start_year"), data.get("end_year")
        if start is None or end is None:
            return data
        if end < start:
            self.add_error(
                "end_year",
                forms.ValidationError(
                    _("Til-året kan ikke være før fra-året (%(start)s)."),
                    code="order",
                    params={"start": start},
                ),
            )
            return data
        other = conflicting_period(
            organisation=self.organisation, start_year=start, end_year=end, exclude=self.period
        )
        if other is not None:
            self.add_error(
                "start_year",
                forms.ValidationError(
                    _(
                        "Årene overlapper perioden %(label)s. Perioder kan dele høyst ett år, "
                        "slik 2026–27 og 2027–28 deler 2027, og kan ikke ligge inni hverandre."
                    ),
                    code="overlap",
                    params={"label": other.label},
                ),
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "start_year": data["start_year"],
            "end_year": data["end_year"],
            "target_level": data["target_level"],
            "description": data["description"],
        }


class DimensionForm(DesignsystemetFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=100,
        error_messages={"required": _("Gi dimensjonen et navn.")},
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_active = forms.BooleanField(
        label=_("I bruk i modenhetsvurderingen"),
        required=False,
        initial=True,
        help_text=_(
            "Ta bort haken for å ta dimensjonen ut av nye vurderinger. Svar fra tidligere år "
            "blir stående."
        ),
    )
    versjon = VersionField()

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        dimension: MaturityDimension | None = None,
        **kwargs: Any,
    ) -> None:
        if dimension is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": dimension.name,
                    "description": dimension.description,
                    "is_active": dimension.is_active,
                    "versjon": dimension.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.dimension = dimension
        if dimension is None:
            del self.fields["is_active"]  # a new dimension is in use

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = MaturityDimension.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.dimension is not None:
            others = others.exclude(pk=self.dimension.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Det finnes allerede en dimensjon som heter «%(name)s». Velg et annet navn."),
                code="duplicate",
                params={"name": name},
            )
        return name


class CriterionForm(DesignsystemetFormMixin, forms.Form):
    """A criterion: the level it shows, the observable practice and the evidence it needs."""

    level = forms.ModelChoiceField(
        label=_("Nivå"),
        queryset=MaturityLevel.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Velg nivået praksisen viser."),
            "invalid_choice": _("Velg et av nivåene i trappen."),
        },
    )
    practice = forms.CharField(
        label=_("Praksis som kan observeres"),
        max_length=300,
        help_text=_("For eksempel «Porteføljestyret behandler nye idéer fast, med protokoll»."),
        error_messages={"required": _("Beskriv praksisen lederne skal krysse av for.")},
    )
    evidence = forms.ChoiceField(
        label=_("Dokumentasjon som trengs"),
        choices=EvidenceKind.choices,
        error_messages={
            "required": _("Velg hva slags dokumentasjon praksisen trenger."),
            "invalid_choice": _("Velg en av dokumentasjonstypene i listen."),
        },
    )
    guidance = forms.CharField(
        label=_("Hva som teller som dokumentasjon"),
        required=False,
        max_length=300,
        help_text=_("Valgfritt, for eksempel «Saksnummeret for vedtaket i kommunestyret»."),
    )
    versjon = VersionField()

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        criterion: MaturityCriterion | None = None,
        **kwargs: Any,
    ) -> None:
        if criterion is not None:
            kwargs.setdefault(
                "initial",
                {
                    "level": criterion.level_id,
                    "practice": criterion.practice,
                    "evidence": criterion.evidence,
                    "guidance": criterion.guidance,
                    "versjon": criterion.version,
                },
            )
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = MaturityLevel.objects.filter(organisation=organisation).order_by("level")
        freeze_choices(field)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "practice": data["practice"],
            "evidence": EvidenceKind(data["evidence"]),
            "guidance": data["guidance"],
        }


class DeleteForm(forms.Form):
    versjon = VersionField()
