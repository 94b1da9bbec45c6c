"""Portfolio forms: they validate, the services act."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.forms import DescribedCheckboxes, DescribedRadioSelect
from ideas.models import Idea, InnovationType, StrategicGoal
from portal.forms import DesignsystemetFormMixin
from portal.models import Organisation, Unit, User
from portfolio.defaults import DIGDIR_PHASES, KS_VEIKART_PHASES
from portfolio.models import (
    ChecklistAnswerKind,
    ChecklistItem,
    Initiative,
    MunicipalRole,
    Phase,
    PhaseKind,
)
from portfolio.selectors import TriageChoices, open_merge_target
from portfolio.services import MEETING_ROLES


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
