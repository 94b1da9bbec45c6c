"""Portfolio forms: they validate, the services act."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from ideas.forms import DescribedCheckboxes, DescribedRadioSelect
from ideas.models import Idea, InnovationType, StrategicGoal, ValueType
from portal.forms import DesignsystemetFormMixin
from portal.models import Organisation, Unit, User
from portal.numbers import NorwegianDecimalField
from portfolio.defaults import DIGDIR_PHASES, KS_VEIKART_PHASES
from portfolio.models import (
    Benefit,
    BenefitKind,
    ChecklistAnswerKind,
    ChecklistItem,
    Indicator,
    Initiative,
    MeasureUnit,
    MunicipalRole,
    Phase,
    PhaseKind,
    StatusReport,
    TrafficLight,
)
from portfolio.selectors import TriageChoices, open_merge_target
from portfolio.services import (
    LIGHTS_NEEDING_COMMENT,
    MEETING_ROLES,
    STATUS_FIELDS,
    STATUS_LIGHTS,
)


class BoardFilterForm(forms.Form):
    """The board's filters, read from the query string; invalid values are dropped."""

    type = forms.ChoiceField(label=_("Type"), required=False)
    enhet = forms.TypedChoiceField(label=_("Enhet"), required=False, coerce=int, empty_value=None)
    eier = forms.TypedChoiceField(label=_("Pådriver"), required=False, coerce=int, empty_value=None)
    mal = forms.TypedChoiceField(
        label=_("Strategisk mål"), required=False, coerce=int, empty_value=None
    )
    stikkord = forms.CharField(label=_("Stikkord"), required=False, max_length=50)
    rolle = forms.ChoiceField(label=_("Kommunens rolle"), required=False)
    stoppet = forms.BooleanField(label=_("Bare stoppede"), required=False)
    rader = forms.ChoiceField(label=_("Rader (svømmebaner)"), required=False)
    avsluttede = forms.BooleanField(label=_("Vis avsluttede"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("Alle"))]
        types = InnovationType.objects.filter(organisation=organisation).order_by("order")
        self._choices("type", any_ + [(t.code, t.name) for t in types])
        units = Unit.objects.filter(organisation=organisation).order_by("name")
        self._choices("enhet", any_ + [(str(u.pk), u.name) for u in units])
        owners = (
            User.objects.filter(owned_initiatives__organisation=organisation)
            .distinct()
            .order_by("first_name", "last_name")
        )
        self._choices("eier", any_ + [(str(u.pk), str(u)) for u in owners])
        goals = StrategicGoal.objects.filter(organisation=organisation).order_by("order")
        self._choices("mal", any_ + [(str(g.pk), g.title) for g in goals])
        self._choices("rolle", any_ + list(MunicipalRole.choices))
        self._choices("rader", [("", _("Ingen")), ("enhet", _("Enhet")), ("type", _("Type"))])
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class MoveForm(DesignsystemetFormMixin, forms.Form):
    """Move a card: the target phase, the version it was seen at, and the checklist answers
    for the open checkpoints of the phase it leaves (fields svar-<id> and kommentar-<id>)."""

    fase = forms.ModelChoiceField(
        label=_("Flytt til fase"),
        queryset=Phase.objects.none(),
        error_messages={"invalid_choice": _("Velg en av fasene på tavla.")},
    )
    versjon = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args: Any, initiative: Initiative, open_items: list[ChecklistItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        phase_field = self.fields["fase"]
        assert isinstance(phase_field, forms.ModelChoiceField)
        phase_field.queryset = Phase.objects.filter(
            organisation=initiative.organisation_id
        ).exclude(kind=PhaseKind.INBOX)
        self.open_items = open_items
        for item in open_items:
            self.fields[f"svar-{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ChecklistAnswerKind.choices,
                widget=DescribedRadioSelect(),
                required=False,
            )
            self.fields[f"kommentar-{item.pk}"] = forms.CharField(
                label=_("Kommentar"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}),
            )

    @property
    def has_answers(self) -> bool:
        return any(f"svar-{item.pk}" in self.data for item in self.open_items)

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data.get(f"svar-{item.pk}") or "",
                self.cleaned_data.get(f"kommentar-{item.pk}") or "",
            )
            for item in self.open_items
        }

    def checklist_rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"svar-{item.pk}"], self[f"kommentar-{item.pk}"])
            for item in self.open_items
        ]

    def add_checklist_errors(self, errors: dict[int, str]) -> None:
        for item_id, message in errors.items():
            self.add_error(f"svar-{item_id}", message)


# Phase administration (administrators only).

KIND_CHOICES = [
    (PhaseKind.ACTIVE.value, _("Aktiv fase (en kolonne på tavla)")),
    (PhaseKind.CLOSED.value, _("Avsluttet tilstand (parkert, avvist, avsluttet o.l.)")),
]
MAX_KEY_QUESTIONS = 20
KEY_QUESTION_LENGTH = 300
PHASE_TEMPLATE_CHOICES = [
    ("ks_veikart", _("KS Veikart for tjenesteinnovasjon")),
    ("digdir", _("Digdir Prosjektveiviseren")),
]
PHASE_TEMPLATE_PHASES = {"ks_veikart": KS_VEIKART_PHASES, "digdir": DIGDIR_PHASES}


class PhaseForm(DesignsystemetFormMixin, forms.Form):
    """A phase's name, kind, description, key questions (one per line) and WIP limit.

    The inbox has no kind field: it stays the inbox, and no other phase can become one.
    """

    name = forms.CharField(
        label=_("Navn"), max_length=100, error_messages={"required": _("Gi fasen et navn.")}
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=KIND_CHOICES,
        initial=PhaseKind.ACTIVE.value,
        error_messages={
            "required": _("Velg om fasen er en aktiv fase eller en avsluttet tilstand."),
            "invalid_choice": _("Velg aktiv fase eller avsluttet tilstand."),
        },
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hva skjer i fasen? Vises for styret og de som følger initiativene."),
    )
    key_questions = forms.CharField(
        label=_("Nøkkelspørsmål"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ett spørsmål per linje, for eksempel «Hva er egentlig behovet?»."),
    )
    wip_limit = forms.IntegerField(
        label=_("WIP-grense (valgfritt)"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_(
            "Hvor mange initiativer fasen bør ha samtidig. Tavla viser når grensen er nådd. "
            "La feltet stå tomt for ingen grense."
        ),
        error_messages={
            "invalid": _("Skriv et helt tall, for eksempel 5, eller la feltet stå tomt."),
            "min_value": _("WIP-grensen må være minst 1. La feltet stå tomt for ingen grense."),
            "max_value": _("WIP-grensen kan være høyst 999."),
        },
    )
    in_use = forms.BooleanField(
        label=_("Løsningen er tatt i bruk når et initiativ er i denne fasen (nyttiggjort)"),
        required=False,
    )

    def __init__(
        self, *args: Any, organisation: Organisation, phase: Phase | None = None, **kwargs: Any
    ) -> None:
        if phase is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": phase.name,
                    "kind": phase.kind,
                    "description": phase.description,
                    "key_questions": "\n".join(phase.key_questions),
                    "wip_limit": phase.wip_limit,
                    "in_use": phase.in_use,
                },
            )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.phase = phase
        if phase is not None and phase.kind == PhaseKind.INBOX:
            del self.fields["kind"]
        self.fields["wip_limit"].widget.attrs.update({"inputmode": "numeric", "size": 5})

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        others = Phase.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.phase is not None:
            others = others.exclude(pk=self.phase.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Det finnes allerede en fase som heter «%(name)s». Velg et annet navn."),
                code="duplicate",
                params={"name": name},
            )
        return name

    def clean_key_questions(self) -> list[str]:
        text: str = self.cleaned_data["key_questions"]
        questions = [line.strip() for line in text.splitlines() if line.strip()]
        if len(questions) > MAX_KEY_QUESTIONS:
            raise forms.ValidationError(
                _("Skriv høyst %(max)d nøkkelspørsmål (det er nå %(count)d)."),
                code="too_many",
                params={"max": MAX_KEY_QUESTIONS, "count": len(questions)},
            )
        for number, question in enumerate(questions, start=1):
            if len(question) > KEY_QUESTION_LENGTH:
                raise forms.ValidationError(
                    _(
                        "Spørsmål %(number)d er for langt: høyst %(max)d tegn "
                        "(det har nå %(length)d)."
                    ),
                    code="too_long",
                    params={"number": number, "max": KEY_QUESTION_LENGTH, "length": len(question)},
                )
        return questions

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "description": data["description"],
            "key_questions": data["key_questions"],
            "wip_limit": data["wip_limit"],
            "in_use": data["in_use"],
        }
        if "kind" in self.fields:
            fields["kind"] = PhaseKind(data["kind"])
        return fields


class ChecklistItemForm(DesignsystemetFormMixin, forms.Form):
    """One checkpoint of a phase's exit checklist."""

    text = forms.CharField(
        label=_("Sjekkpunkt"),
        max_length=300,
        error_messages={"required": _("Skriv sjekkpunktet.")},
    )


class PortfolioSettingsForm(DesignsystemetFormMixin, forms.Form):
    stalled_after_days = forms.IntegerField(
        label=_("Antall dager før et initiativ regnes som stoppet"),
        min_value=1,
        max_value=365,
        help_text=_(
            "Et kort på tavla merkes «stoppet» når det har stått i samme fase så lenge. "
            "Fra 1 til 365 dager."
        ),
        error_messages={
            "required": _("Skriv antall dager, fra 1 til 365."),
            "invalid": _("Skriv et helt tall fra 1 til 365."),
            "min_value": _("Antall dager må være minst 1."),
            "max_value": _("Antall dager kan være høyst 365."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stalled_after_days"].widget.attrs.update({"inputmode": "numeric", "size": 5})


class PhaseTemplateForm(forms.Form):
    """The phase template: KS Veikart (the default) or Digdir Prosjektveiviseren."""

    template = forms.ChoiceField(
        label=_("Fasemal"),
        choices=PHASE_TEMPLATE_CHOICES,
        widget=DescribedRadioSelect(),
        error_messages={
            "required": _("Velg en fasemal."),
            "invalid_choice": _("Velg KS Veikart eller Digdir Prosjektveiviseren."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["template"].widget
        assert isinstance(widget, DescribedRadioSelect)
        widget.descriptions = {
            key: ", ".join(phase["name"] for phase in phases)
            for key, phases in PHASE_TEMPLATE_PHASES.items()
        }


# Triage: the board's assessment of an idea and its decision -------------------------------

SCORES = [(str(n), str(n)) for n in range(1, 6)]
SCORE_ERRORS = {
    "required": _("Velg en verdi fra 1 til 5."),
    "invalid_choice": _("Velg en verdi fra 1 til 5."),
}
CRITERIA = {
    "strategic_value": (
        _("Strategisk verdi"),
        _("Hvor godt støtter idéen kommunens strategiske mål?"),
    ),
    "qualitative_benefit": (
        _("Kvalitativ gevinst"),
        _("Bedre kvalitet for innbyggerne, brukerne eller de ansatte."),
    ),
    "economic_benefit": (_("Økonomisk gevinst"), _("Sparte kroner eller frigjort arbeidstid.")),
    "operational_need": (
        _("Operasjonelt behov / lovpålagt"),
        _("Hvor stort er behovet i driften, og er det et lovkrav?"),
    ),
    "risk": (_("Risiko"), _("5 betyr lav risiko, 1 betyr høy risiko.")),
}
ADJUSTMENT_ERROR = _("Skriv et helt tall fra −5 til 5.")
# The maturity staircase's stances, shown under the municipality's role in an initiative.
ROLE_STANCES = {
    MunicipalRole.WAIT_AND_SEE: _("«Vi venter til det finnes gode kvalitetssikrede løsninger»"),
    MunicipalRole.CONTRIBUTOR: _("«Vi bidrar aktivt når noen vil utvikle en løsning»"),
    MunicipalRole.INITIATOR: _("«Vi prøver å få andre med på å utvikle en løsning»"),
    MunicipalRole.PARTNER: _("«Vi gjør det vi kan for å få utviklet en løsning»"),
}


class TriageForm(DesignsystemetFormMixin, forms.Form):
    """A form about one idea. Its ids carry the idea, so many ideas fit on one meeting page."""

    kind: ClassVar[str]

    def __init__(self, data: Any = None, *, idea: Idea, **kwargs: Any) -> None:
        super().__init__(data, auto_id=f"id_{self.kind}{idea.pk}_%s", **kwargs)
        self.idea = idea

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class AssessmentForm(TriageForm):
    """The five criteria (1–5) and a manual adjustment; the sum gives the priority."""

    kind = "assess"
    adjustment = forms.IntegerField(
        label=_("Manuell justering"),
        min_value=-5,
        max_value=5,
        initial=0,
        help_text=_("Fra −5 til 5. Legges til summen av de fem kriteriene."),
        error_messages={
            "required": ADJUSTMENT_ERROR,
            "invalid": ADJUSTMENT_ERROR,
            "min_value": ADJUSTMENT_ERROR,
            "max_value": ADJUSTMENT_ERROR,
        },
    )

    def __init__(self, data: Any = None, *, idea: Idea, **kwargs: Any) -> None:
        super().__init__(data, idea=idea, **kwargs)
        for name, (label, help_text) in CRITERIA.items():
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                help_text=help_text,
                choices=SCORES,
                coerce=int,
                widget=DescribedRadioSelect(attrs={"data-inline": "true"}),
                error_messages=SCORE_ERRORS,
            )
        self.order_fields([*CRITERIA, "adjustment"])

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CRITERIA]


class DecisionForm(TriageForm):
    """What every decision records besides its own fields: the basis and the case number."""

    basis = forms.CharField(
        label=_("Begrunnelse (valgfritt)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case_number = forms.CharField(
        label=_("Saksnummer (valgfritt)"),
        required=False,
        max_length=50,
        help_text=_("Saksnummeret i arkivet, for eksempel 2025/1234."),
    )


class AcceptForm(DecisionForm):
    """Accept into an active phase, with a pådriver, a team and the municipality's role."""

    kind = "accept"
    phase = forms.TypedChoiceField(
        label=_("Fase"),
        coerce=int,
        help_text=_("Fasen på tavla der initiativet starter."),
        error_messages={
            "required": _("Velg fasen initiativet starter i."),
            "invalid_choice": _("Velg en av de aktive fasene på tavla."),
        },
    )
    owner = forms.TypedChoiceField(
        label=_("Pådriver"),
        coerce=int,
        help_text=_("Ildsjelen som driver arbeidet videre."),
        error_messages={
            "required": _("Velg en pådriver."),
            "invalid_choice": _("Velg pådriveren blant de ansatte i kommunen."),
        },
    )
    team = forms.TypedMultipleChoiceField(
        label=_("Team (valgfritt)"),
        coerce=int,
        required=False,
        help_text=_("Hold Ctrl (Cmd på Mac) nede for å velge flere."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
        error_messages={"invalid_choice": _("Velg teamet blant de ansatte i kommunen.")},
    )
    role = forms.ChoiceField(
        label=_("Kommunens rolle"),
        choices=MunicipalRole.choices,
        initial=MunicipalRole.CONTRIBUTOR,
        widget=DescribedRadioSelect,
        error_messages={
            "required": _("Velg kommunens rolle i initiativet."),
            "invalid_choice": _("Velg en av de fire rollene."),
        },
    )
    field_order = ["phase", "owner", "team", "role", "basis", "case_number"]

    def __init__(
        self, data: Any = None, *, idea: Idea, choices: TriageChoices, **kwargs: Any
    ) -> None:
        super().__init__(data, idea=idea, **kwargs)
        self.phases = {phase.pk: phase for phase in choices.phases}
        self.members = {user.pk: user for user in choices.members}
        people = [(user.pk, str(user)) for user in choices.members]
        phases = [(phase.pk, phase.name) for phase in choices.phases]
        self._choices("phase", [("", _("Velg fase")), *phases])
        self._choices("owner", [("", _("Velg pådriver")), *people])
        self._choices("team", people)
        role_widget = self.fields["role"].widget
        assert isinstance(role_widget, DescribedRadioSelect)
        role_widget.descriptions = {role.value: str(text) for role, text in ROLE_STANCES.items()}

    def clean_phase(self) -> Phase:
        return self.phases[self.cleaned_data["phase"]]

    def clean_owner(self) -> User:
        return self.members[self.cleaned_data["owner"]]

    def clean_team(self) -> list[User]:
        return [self.members[pk] for pk in self.cleaned_data["team"]]

    def clean_role(self) -> MunicipalRole:
        return MunicipalRole(self.cleaned_data["role"])


class ParkForm(DecisionForm):
    """«Vente og se»: the idea comes back to the inbox on the date set here."""

    kind = "park"
    revisit_on = forms.DateField(
        label=_("Vurderes igjen"),
        help_text=_("Idéen kommer tilbake i innboksen denne dagen."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Velg når idéen skal vurderes igjen."),
            "invalid": _("Skriv en gyldig dato, for eksempel 31.12.2026."),
        },
    )
    field_order = ["revisit_on", "basis", "case_number"]

    def clean_revisit_on(self) -> Any:
        revisit_on = self.cleaned_data["revisit_on"]
        if revisit_on <= timezone.localdate():
            raise forms.ValidationError(_("Velg en dato fram i tid."), code="past")
        return revisit_on


class RejectForm(DecisionForm):
    """A rejection needs a reason: the submitter is told it."""

    kind = "reject"
    basis = forms.CharField(
        label=_("Begrunnelse"),
        max_length=4000,
        help_text=_("Innmelderen får begrunnelsen i varselet om vedtaket."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hvorfor idéen avvises. Innmelderen får se det.")},
    )


class MergeForm(DecisionForm):
    """Merge into another open idea of the organisation; followers and supporters move."""

    kind = "merge"
    into = forms.IntegerField(
        label=_("Slå sammen med"),
        help_text=_("Følgere og støttespillere blir med over til denne idéen."),
        widget=forms.Select,
        error_messages={
            "required": _("Velg idéen den skal slås sammen med."),
            "invalid": _("Velg idéen den skal slås sammen med."),
        },
    )
    field_order = ["into", "basis", "case_number"]

    def __init__(
        self, data: Any = None, *, idea: Idea, choices: TriageChoices, **kwargs: Any
    ) -> None:
        super().__init__(data, idea=idea, **kwargs)
        self.organisation = choices.organisation
        targets = [(t.pk, f"{t.title} (#{t.pk})") for t in choices.merge_targets if t != idea]
        widget = self.fields["into"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", _("Velg idé")), *targets]

    def clean_into(self) -> Idea:
        pk = self.cleaned_data["into"]
        if pk == self.idea.pk:
            raise forms.ValidationError(_("Velg en annen idé enn denne."), code="self")
        target = open_merge_target(organisation=self.organisation, pk=pk)
        if target is None:
            raise forms.ValidationError(
                _(
                    "Velg en åpen idé i kommunen. Avviste, sammenslåtte og trukne idéer "
                    "kan ikke velges."
                ),
                code="closed",
            )
        return target


PARTICIPANT_ERROR = _("Velg deltakerne blant porteføljestyret, ledere og administratorer.")


class MeetingForm(DesignsystemetFormMixin, forms.Form):
    """A meeting of the portfolio board: its date and who takes part."""

    title = forms.CharField(
        label=_("Tittel"),
        max_length=200,
        initial=_("Porteføljestyremøte"),
        error_messages={"required": _("Gi møtet en tittel.")},
    )
    held_on = forms.DateField(
        label=_("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Velg datoen for møtet."),
            "invalid": _("Skriv en gyldig dato, for eksempel 31.12.2026."),
        },
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Deltakere"),
        queryset=User.objects.none(),
        help_text=_("Porteføljestyrets medlemmer, ledere og administratorer i kommunen."),
        widget=DescribedCheckboxes,
        error_messages={
            "required": _("Velg minst én deltaker."),
            "invalid_choice": PARTICIPANT_ERROR,
            "invalid_pk_value": PARTICIPANT_ERROR,
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=MEETING_ROLES,
            is_active=True,
        ).order_by("first_name", "last_name", "email")


# Benefits (gevinstrealisering) ------------------------------------------------------------

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


# Status reports ---------------------------------------------------------------------------

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
    versjon = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @classmethod
    def initial_from(cls, report: StatusReport) -> dict[str, Any]:
        initial = {name: getattr(report, name) for name in STATUS_FIELDS}
        return {**initial, "versjon": report.version}

    def lights(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Each traffic light with its comment, for the template."""
        return [(self[light], self[f"{light}_comment"]) for light in STATUS_LIGHTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        for light in STATUS_LIGHTS:
            comment = data.get(f"{light}_comment", "")
            if data.get(light) in LIGHTS_NEEDING_COMMENT and not comment.strip():
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
        fields = {name: data[name] for name in STATUS_FIELDS}
        for light in STATUS_LIGHTS:
            fields[f"{light}_comment"] = fields[f"{light}_comment"].strip()
        return fields
