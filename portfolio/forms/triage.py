"""Triage forms: the board's assessment of an idea and its decision."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from portal.concurrency import VersionField
from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin
from portal.models import Organisation, User
from portal.params import StrictIntegerField
from portfolio.models import (
    MunicipalRole,
    Phase,
)
from portfolio.selectors.triage import TriageChoices, open_merge_target

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
    """What every decision records besides its own fields: the basis and the case number,
    and the idea's version the form was loaded at (two decisions at once: one is kept)."""

    versjon = VersionField()

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

    def __init__(self, data: Any = None, *, idea: Idea, **kwargs: Any) -> None:
        super().__init__(data, idea=idea, **kwargs)
        self.fields["versjon"].initial = idea.version

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the decision services take it."""
        fields = dict(self.cleaned_data)
        fields["expected_version"] = fields.pop("versjon")
        return fields


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
    role = forms.TypedChoiceField(
        label=_("Kommunens rolle"),
        coerce=int,
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
        # The organisation's own names for the staircase levels, with their stances.
        self._choices("role", [(level.level, level.name) for level in choices.roles.values()])
        role_widget.descriptions = {
            str(level.level): f"«{level.stance}»" for level in choices.roles.values()
        }

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


MERGE_TARGET_ERROR = _("Velg en åpen idé å slå sammen med.")


class IdeaNumberField(StrictIntegerField):
    """An idea's number as the board sees it beside the title: «123» or «#123»."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("#")
        return super().to_python(value)


class MergeForm(DecisionForm):
    """Merge into another open idea of the organisation; followers and supporters move.

    The target is an idea number, not a select of every open idea: that select made each
    agenda item of a meeting grow with the organisation's ideas. The merge chooser
    (portfolio.views.triage.merge_chooser) finds the number by title and posts the same form."""

    kind = "merge"
    into = IdeaNumberField(
        label=_("Slå sammen med idé nummer"),
        min_value=1,
        help_text=_(
            "Nummeret står etter tittelen, for eksempel #123. "
            "Følgere og støttespillere blir med over til denne idéen."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10}),
        error_messages={
            "required": MERGE_TARGET_ERROR,
            "invalid": MERGE_TARGET_ERROR,
            "min_value": MERGE_TARGET_ERROR,
            "max_value": MERGE_TARGET_ERROR,
        },
    )
    field_order = ["into", "basis", "case_number"]

    def __init__(
        self, data: Any = None, *, idea: Idea, organisation: Organisation, **kwargs: Any
    ) -> None:
        super().__init__(data, idea=idea, **kwargs)
        self.organisation = organisation

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


class MergeSearchForm(forms.Form):
    """The merge chooser's search: words of the title, or the idea's number."""

    q = forms.CharField(
        label=_("Søk etter tittel eller nummer"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "ds-input", "autocomplete": "off"}
        ),
        error_messages={"max_length": _("Søket kan ha høyst %(limit_value)d tegn.")},
    )
