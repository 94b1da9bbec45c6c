"""KPI forms: a KPI's definition (administrators), a hand-entered yearly value (leaders), and
the year and unit filters of the KPI table and its export. Forms validate; services act."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maturity.models import Kpi, KpiUnit, StrategicMeasure, StrategyPeriod
from maturity.selectors.kpis import METRICS
from portal.concurrency import VersionField
from portal.forms import DesignsystemetFormMixin, QueryFilterForm
from portal.models import Organisation, Unit
from portal.numbers import NorwegianDecimalField
from portal.params import StrictIntegerField

HAND_ENTERED = ""
FIRST_YEAR = 2000  # the earliest year a KPI value or filter may name
LAST_YEAR = 2100
HUNDRED = Decimal(100)

NUMBER_MESSAGES = {
    "invalid": _("Skriv et tall, for eksempel 35,5."),
    "max_digits": _("Tallet er for stort."),
    "max_whole_digits": _("Tallet er for stort."),
    "max_decimal_places": _("Skriv høyst to desimaler, for eksempel 35,55."),
    "min_value": _("Skriv et tall som ikke er negativt."),
}


def _number(label: Any, **kwargs: Any) -> NorwegianDecimalField:
    messages = {**NUMBER_MESSAGES, **kwargs.pop("error_messages", {})}
    return NorwegianDecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages=messages,
        **kwargs,
    )


def _percent_error(unit: str, value: Decimal | None) -> str | None:
    if unit == KpiUnit.PERCENT and value is not None and value > HUNDRED:
        return str(_("En andel i prosent er fra 0 til 100."))
    return None


class MeasureChoiceField(forms.ModelChoiceField[StrategicMeasure]):
    def label_from_instance(self, obj: StrategicMeasure) -> str:
        return f"{obj.period.label}: {obj.text}"


class KpiForm(DesignsystemetFormMixin, forms.Form):
    """A KPI: what it is called and measures, computed from the portfolio or entered by
    hand, its unit and target, and the period or measure it follows up."""

    versjon = VersionField()  # the KPI's version when editing

    name = forms.CharField(
        label=_("Navn"),
        max_length=200,
        error_messages={
            "required": _("Gi nøkkeltallet et navn."),
            "max_length": _("Navnet kan være høyst 200 tegn."),
        },
    )
    definition = forms.CharField(
        label=_("Definisjon"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hva tallet måler og hvordan. Definisjonen står ved tallet overalt."),
        error_messages={
            "required": _("Skriv hva nøkkeltallet måler."),
            "max_length": _("Definisjonen kan være høyst 2000 tegn."),
        },
    )
    metric = forms.ChoiceField(
        label=_("Hvor kommer tallet fra?"),
        required=False,
        help_text=_(
            "Velg et tall som beregnes fra porteføljen, eller «Registreres for hånd» for et tall "
            "som ledere legger inn hvert år med kilde."
        ),
        error_messages={
            "invalid_choice": _("Velg et av tallene i listen, eller «Registreres for hånd»."),
        },
    )
    unit = forms.ChoiceField(
        label=_("Enhet"),
        choices=[("", _("Velg enhet")), *KpiUnit.choices],
        error_messages={
            "required": _("Velg hvilken enhet tallet har."),
            "invalid_choice": _("Velg en av enhetene i listen."),
        },
    )
    target = _number(
        _("Mål (valgfritt)"),
        required=False,
        help_text=_("Tallet kommunen vil nå, for eksempel 80 (prosent) eller 5 (årsverk)."),
    )
    higher_is_better = forms.BooleanField(
        label=_("Høyere verdi er bedre"),
        required=False,
        initial=True,
        help_text=_("Ta bort krysset når et lavere tall er bedre, for eksempel dager i fase."),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_higher_is_better_helptext"}),
    )
    period = forms.ModelChoiceField(
        label=_("Strategiperiode (valgfritt)"),
        queryset=StrategyPeriod.objects.none(),
        required=False,
        empty_label=_("Hele strategien"),
        error_messages={"invalid_choice": _("Velg en av strategiperiodene i listen.")},
    )
    measure = MeasureChoiceField(
        label=_("Strategisk tiltak (valgfritt)"),
        queryset=StrategicMeasure.objects.none(),
        required=False,
        empty_label=_("Ikke knyttet til et tiltak"),
        error_messages={"invalid_choice": _("Velg et av tiltakene i listen.")},
    )

    def __init__(
        self, *args: Any, organisation: Organisation, kpi: Kpi | None = None, **kwargs: Any
    ) -> None:
        if kpi is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": kpi.name,
                    "definition": kpi.definition,
                    "metric": kpi.metric,
                    "unit": kpi.unit,
                    "target": kpi.target,
                    "higher_is_better": kpi.higher_is_better,
                    "period": kpi.period_id,
                    "measure": kpi.measure_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.kpi = kpi
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)
        metric.choices = [
            (HAND_ENTERED, _("Registreres for hånd")),
            *((m.key, f"{m.name} ({KpiUnit(m.unit).label})") for m in METRICS.values()),
        ]
        period = self.fields["period"]
        assert isinstance(period, forms.ModelChoiceField)
        period.queryset = StrategyPeriod.objects.filter(organisation=organisation)
        measure = self.fields["measure"]
        assert isinstance(measure, forms.ModelChoiceField)
        measure.queryset = StrategicMeasure.objects.filter(
            organisation=organisation
        ).select_related("period")

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Gi nøkkeltallet et navn."), code="required")
        return name

    def clean_definition(self) -> str:
        text: str = self.cleaned_data["definition"].strip()
        if not text:
            raise forms.ValidationError(_("Skriv hva nøkkeltallet måler."), code="required")
        return text

    def clean_metric(self) -> str:
        key: str = self.cleaned_data["metric"]
        if not key:
            return HAND_ENTERED
        taken = Kpi.objects.filter(organisation=self.organisation, metric=key)
        if self.kpi is not None:
            taken = taken.exclude(pk=self.kpi.pk)
        other = taken.first()
        if other is not None:
            raise forms.ValidationError(
                _("Nøkkeltallet «%(name)s» beregnes allerede slik. Endre det i stedet."),
                code="taken",
                params={"name": other.name},
            )
        if self.kpi is not None and not self.kpi.metric and self.kpi.values.exists():
            raise forms.ValidationError(
                _(
                    "Nøkkeltallet har verdier registrert for hånd, som da ikke lenger ville "
                    "telle. Opprett heller et nytt nøkkeltall som beregnes."
                ),
                code="has_values",
            )
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key, unit = data.get("metric"), data.get("unit")
        if key and unit and METRICS[key].unit != unit:
            metric = METRICS[key]
            self.add_error(
                "unit",
                forms.ValidationError(
                    _("«%(name)s» beregnes i %(unit)s. Velg den enheten."),
                    code="metric_unit",
                    params={"name": metric.name, "unit": KpiUnit(metric.unit).label},
                ),
            )
        if unit and (error := _percent_error(unit, data.get("target"))):
            self.add_error("target", forms.ValidationError(error, code="percent"))
        period, measure = data.get("period"), data.get("measure")
        if period is not None and measure is not None and measure.period_id != period.pk:
            self.add_error(
                "measure",
                forms.ValidationError(
                    _("Tiltaket hører til perioden %(period)s. Velg den perioden, eller ingen."),
                    code="period",
                    params={"period": measure.period.label},
                ),
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "definition": data["definition"],
            "metric": data["metric"],
            "unit": KpiUnit(data["unit"]),
            "target": data["target"],
            "higher_is_better": bool(data["higher_is_better"]),
            "period": data["period"],
            "measure": data["measure"],
        }


class KpiValueForm(DesignsystemetFormMixin, forms.Form):
    """A hand-entered KPI's value for a year, with where it comes from."""

    versjon = VersionField()  # the value's version when changing it; none for a new one

    value = _number(
        _("Verdi"),
        error_messages={"required": _("Skriv verdien, for eksempel 35,5.")},
    )
    source = forms.CharField(
        label=_("Kilde"),
        max_length=300,
        help_text=_("Hvor tallet kommer fra, for eksempel «Læringsplattformen, årsrapport»."),
        error_messages={
            "required": _("Skriv hvor tallet kommer fra."),
            "max_length": _("Kilden kan være høyst 300 tegn."),
        },
    )

    def __init__(self, *args: Any, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.fields["value"].help_text = _("I %(unit)s.") % {"unit": KpiUnit(kpi.unit).label}

    def clean_source(self) -> str:
        source: str = self.cleaned_data["source"].strip()
        if not source:
            raise forms.ValidationError(_("Skriv hvor tallet kommer fra."), code="required")
        return source

    def clean_value(self) -> Decimal:
        value: Decimal = self.cleaned_data["value"]
        if error := _percent_error(self.kpi.unit, value):
            raise forms.ValidationError(error, code="percent")
        return value


class KpiFilterForm(QueryFilterForm):
    """The year (`ar`) and unit (`enhet`) of the KPI table, from the query string. A bad
    value is ignored: this year and the whole organisation."""

    KEYS: ClassVar[dict[str, str]] = {"ar": "year", "enhet": "unit"}

    ar = StrictIntegerField(
        label=_("År"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "min_value": _("Velg et år fra 2000."),
            "max_value": _("Velg et år før 2100."),
        },
    )
    enhet = forms.ModelChoiceField(
        label=_("Enhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Hele kommunen"),
        error_messages={"invalid_choice": _("Velg en av enhetene i listen.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["enhet"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(organisation=organisation).order_by("name")

    def year(self) -> int:
        year = self.filters().get("year")
        return int(year) if year is not None else timezone.localdate().year

    def unit(self) -> Unit | None:
        unit = self.filters().get("unit")
        return unit if isinstance(unit, Unit) else None
