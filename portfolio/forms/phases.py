"""Phase administration forms (administrators only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin
from portal.models import Organisation
from portfolio.defaults import PHASE_TEMPLATES
from portfolio.models import (
    Phase,
    PhaseKind,
    PhaseTemplate,
)

KIND_CHOICES = [
    (PhaseKind.ACTIVE.value, _("Aktiv fase (en kolonne på tavla)")),
    (PhaseKind.CLOSED.value, _("Avsluttet tilstand (parkert, avvist, avsluttet o.l.)")),
]


MAX_KEY_QUESTIONS = 20


KEY_QUESTION_LENGTH = 300


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
        choices=PhaseTemplate.choices,
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
            for key, phases in PHASE_TEMPLATES.items()
        }
