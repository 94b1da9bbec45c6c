"""Idea forms: they validate, the services act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, InnovationType
from portal.forms import DesignsystemetFormMixin
from portal.models import Organisation, Unit

QUESTION_PREFIX = "Hvordan kan vi"


class InnovationTypeSelect(forms.RadioSelect):
    """Radio buttons that show each type's description, so staff classify consistently."""

    template_name = "ideas/widgets/innovation_type_select.html"
    option_template_name = "ideas/widgets/innovation_type_option.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.descriptions: dict[str, str] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["description"] = self.descriptions.get(str(option["value"]), "")
        return option


class IdeaForm(DesignsystemetFormMixin, forms.ModelForm[Idea]):
    class Meta:
        model = Idea
        fields = ["title", "question", "need", "proposed_solution", "innovation_type", "unit"]
        labels = {
            "title": _("Tittel"),
            "question": _("Innovasjonsspørsmål"),
            "need": _("Hva er behovet, og hvem har det?"),
            "proposed_solution": _("Forslag til løsning"),
            "innovation_type": _("Innovasjonstype"),
            "unit": _("Enhet"),
        }
        help_texts = {
            "title": _("Et kort navn på idéen, høyst 120 tegn."),
            "question": _(
                "Formuler idéen som et spørsmål: «Hvordan kan vi …?». "
                "Eksempel: «Hvordan kan vi gi hjemmetjenesten mer tid hos brukerne?»"
            ),
            "need": _("Beskriv utfordringen slik den oppleves i dag, og for hvem."),
            "proposed_solution": _("Har du en idé til løsning? Den kan endres underveis."),
            "unit": _("Enheten idéen hører til."),
        }
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "need": forms.Textarea(attrs={"rows": 5}),
            "proposed_solution": forms.Textarea(attrs={"rows": 4}),
            "innovation_type": InnovationTypeSelect,
        }
        error_messages = {
            "innovation_type": {
                "invalid_choice": _("Velg en av de fire innovasjonstypene."),
                "required": _("Velg hvilken type innovasjon idéen er."),
            },
            "unit": {
                "invalid_choice": _("Velg en enhet i din kommune."),
                "required": _("Velg enheten idéen hører til."),
            },
            "title": {"required": _("Gi idéen en tittel.")},
            "question": {"required": _("Skriv innovasjonsspørsmålet.")},
            "need": {"required": _("Beskriv behovet.")},
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = InnovationType.objects.filter(organisation=organisation).order_by("order")
        type_field = self.fields["innovation_type"]
        assert isinstance(type_field, forms.ModelChoiceField)
        type_field.queryset = types
        type_field.empty_label = None
        widget = type_field.widget
        assert isinstance(widget, InnovationTypeSelect)
        widget.descriptions = {str(t.pk): t.description for t in types}
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(organisation=organisation, is_active=True)
        unit_field.empty_label = _("Velg enhet")
        if not self.is_bound and not self.initial.get("question"):
            self.initial["question"] = f"{QUESTION_PREFIX} "

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_question(self) -> str:
        question = " ".join(self.cleaned_data["question"].split())
        if not question.lower().startswith(QUESTION_PREFIX.lower()):
            raise forms.ValidationError(
                _("Start spørsmålet med «Hvordan kan vi», for eksempel «Hvordan kan vi …?»."),
                code="question_prefix",
            )
        if len(question) <= len(QUESTION_PREFIX) + 1:
            raise forms.ValidationError(
                _("Fullfør spørsmålet: hva er det vi kan gjøre?"), code="question_empty"
            )
        if not question.endswith("?"):
            question = f"{question}?"
        if len(question) > 300:
            raise forms.ValidationError(
                _("Spørsmålet kan ha høyst 300 tegn (det har %(count)d)."),
                code="max_length",
                params={"count": len(question)},
            )
        return question
