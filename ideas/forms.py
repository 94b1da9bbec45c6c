"""Idea forms: they validate, the services act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ideas.models import (
    FOUNDATION_QUESTIONS,
    Foundation,
    Idea,
    IdeaStatus,
    Initiator,
    InnovationType,
    StrategicGoal,
    SustainabilityGoal,
    Tag,
    ValueType,
)
from ideas.uploads import (
    ACCEPT,
    ALLOWED_TYPES_TEXT,
    MAX_NAME_LENGTH,
    format_megabytes,
    validate_attachment,
)
from portal.concurrency import VersionField
from portal.forms import (
    DescribedCheckboxes,
    DescribedRadioSelect,
    DesignsystemetFormMixin,
    QueryFilterForm,
)
from portal.models import Organisation, Unit

QUESTION_PREFIX = "Hvordan kan vi"
REUSE_URL_INVALID = _("Skriv en gyldig nettadresse, som https://eksempel.no/losning.")
MAX_TAGS = 10
SCORE_CHOICES = [
    ("", _("Ikke vurdert")),
    ("0", _("0 – mangler")),
    ("1", _("1 – svak")),
    ("2", _("2 – god")),
    ("3", _("3 – sterk")),
]
# Fields a draft may leave empty; submitting requires them.
REQUIRED_ON_SUBMIT = ("question", "need", "innovation_type", "unit")


class IdeaForm(DesignsystemetFormMixin, forms.ModelForm[Idea]):
    """The idea, guided by KS' method. `draft=True` relaxes what a draft may leave out."""

    versjon = VersionField()  # the idea's version when editing (the template's hidden input)

    tags_text = forms.CharField(
        label=_("Stikkord"),
        required=False,
        max_length=600,
        help_text=_("Skill stikkordene med komma, for eksempel: velferdsteknologi, natt."),
    )
    value_types = forms.MultipleChoiceField(
        label=_("Hvilken verdi kan idéen gi?"),
        choices=ValueType.choices,
        required=False,
        widget=DescribedCheckboxes,
        error_messages={"invalid_choice": _("Velg blant verdiene i listen.")},
    )

    class Meta:
        model = Idea
        fields = [
            "title",
            "question",
            "need",
            "need_holder",
            "proposed_solution",
            "affected_parties",
            "innovation_type",
            "secondary_types",
            "strategic_goals",
            "sustainability_goals",
            "unit",
            "initiator",
            "reuses_solution",
            "reuse_url",
            "score_need",
            "score_value",
            "score_champion",
            "score_team",
            "score_anchoring",
        ]
        labels = {
            "title": _("Tittel"),
            "question": _("Innovasjonsspørsmål"),
            "need": _("Hva er behovet?"),
            "need_holder": _("Hvem har behovet?"),
            "proposed_solution": _("Forslag til løsning"),
            "affected_parties": _("Berørte parter"),
            "innovation_type": _("Innovasjonstype"),
            "secondary_types": _("Andre innovasjonstyper (valgfritt)"),
            "strategic_goals": _("Hvilke strategiske mål støtter idéen?"),
            "sustainability_goals": _("Hvilke bærekraftsmål bidrar idéen til?"),
            "unit": _("Enhet"),
            "initiator": _("Hvem tok initiativet?"),
            "reuses_solution": _(
                "Idéen gjenbruker en løsning fra en annen kommune eller virksomhet"
            ),
            "reuse_url": _("Lenke til løsningen som gjenbrukes"),
        }
        help_texts = {
            "title": _("Et kort navn på idéen, høyst 120 tegn."),
            "question": _(
                "Formuler idéen som et spørsmål: «Hvordan kan vi …?». "
                "Eksempel: «Hvordan kan vi gi hjemmetjenesten mer tid hos brukerne?»"
            ),
            "need": _("Beskriv utfordringen slik den oppleves i dag."),
            "need_holder": _("For eksempel: brukere av hjemmetjenesten og nattpatruljen."),
            "proposed_solution": _("Har du en idé til løsning? Den kan endres underveis."),
            "affected_parties": _("Hvem berøres, og hvem må være med? Enheter, brukere, partnere."),
            "innovation_type": _("Velg den typen som passer best. Les beskrivelsene."),
            "secondary_types": _("Prosess- og organisasjonsinnovasjon følger ofte med en annen."),
            "reuse_url": _("Nettadressen til løsningen, hvis den finnes."),
        }
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "need": forms.Textarea(attrs={"rows": 5}),
            "need_holder": forms.TextInput(),
            "proposed_solution": forms.Textarea(attrs={"rows": 4}),
            "affected_parties": forms.Textarea(attrs={"rows": 3}),
            "innovation_type": DescribedRadioSelect,
            "secondary_types": DescribedCheckboxes,
            "strategic_goals": DescribedCheckboxes,
            "sustainability_goals": DescribedCheckboxes,
            "reuses_solution": forms.CheckboxInput(),
            "reuse_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        error_messages = {
            "innovation_type": {
                "invalid_choice": _("Velg en av de fire innovasjonstypene."),
                "required": _("Velg hvilken type innovasjon idéen er."),
            },
            "secondary_types": {"invalid_choice": _("Velg blant de fire innovasjonstypene.")},
            "strategic_goals": {"invalid_choice": _("Velg blant kommunens strategiske mål.")},
            "sustainability_goals": {"invalid_choice": _("Velg blant kommunens bærekraftsmål.")},
            "unit": {
                "invalid_choice": _("Velg en enhet i din kommune."),
                "required": _("Velg enheten idéen hører til."),
            },
            "initiator": {"invalid_choice": _("Velg hvem som tok initiativet fra listen.")},
            "title": {"required": _("Gi idéen en tittel.")},
            "question": {"required": _("Skriv innovasjonsspørsmålet.")},
            "need": {"required": _("Beskriv behovet.")},
            "reuse_url": {"invalid": REUSE_URL_INVALID},
        }

    def __init__(
        self, *args: Any, organisation: Organisation, draft: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.draft = draft
        types = list(InnovationType.objects.filter(organisation=organisation).order_by("order"))
        descriptions = {str(t.pk): t.description for t in types}
        self._scope("innovation_type", InnovationType.objects.filter(organisation=organisation))
        self._scope("secondary_types", InnovationType.objects.filter(organisation=organisation))
        self._scope("strategic_goals", StrategicGoal.objects.filter(organisation=organisation))
        self._scope(
            "sustainability_goals", SustainabilityGoal.objects.filter(organisation=organisation)
        )
        self._scope("unit", Unit.objects.filter(organisation=organisation, is_active=True))
        self._widget("innovation_type").descriptions = descriptions
        self._widget("value_types").descriptions = {}
        type_field = self.fields["innovation_type"]
        assert isinstance(type_field, forms.ModelChoiceField)
        type_field.empty_label = None
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.empty_label = _("Velg enhet")
        initiator = self.fields["initiator"]
        assert isinstance(initiator, forms.ChoiceField)
        initiator.choices = Initiator.choices
        initiator.required = False  # most ideas come from staff; that is the default
        # The link is shown as a link: only the web's own schemes (Django allows ftp too).
        self.fields["reuse_url"].validators = [
            URLValidator(schemes=["http", "https"], message=REUSE_URL_INVALID)
        ]
        for foundation in Foundation:
            field = forms.TypedChoiceField(
                label=foundation.label,
                help_text=FOUNDATION_QUESTIONS[foundation],
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=DescribedRadioSelect(attrs={"data-inline": "true"}),
                error_messages={"invalid_choice": _("Velg en verdi fra 0 til 3.")},
            )
            self.fields[f"score_{foundation.value}"] = field
        for name in REQUIRED_ON_SUBMIT:
            self.fields[name].required = not draft
        if self.instance.pk and not self.is_bound:
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["value_types"] = list(self.instance.value_types)
        if not self.is_bound and not self.initial.get("question") and not self.instance.question:
            self.initial["question"] = f"{QUESTION_PREFIX} "

    def _scope(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def _widget(self, name: str) -> DescribedRadioSelect:
        widget = self.fields[name].widget
        assert isinstance(widget, DescribedRadioSelect)
        return widget

    def foundation_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{f.value}"] for f in Foundation]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_question(self) -> str:
        question = " ".join(self.cleaned_data["question"].split())
        if self.draft and question.lower() in {"", QUESTION_PREFIX.lower()}:
            return ""
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

    def clean_initiator(self) -> str:
        return self.cleaned_data.get("initiator") or Initiator.EMPLOYEE

    def clean_tags_text(self) -> list[str]:
        names: list[str] = []
        for raw in self.cleaned_data["tags_text"].split(","):
            name = " ".join(raw.split()).lower()
            if not name or name in names:
                continue
            if len(name) > 50:
                raise forms.ValidationError(
                    _("Et stikkord kan ha høyst 50 tegn: «%(name)s…»."),
                    params={"name": name[:20]},
                )
            names.append(name)
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("Bruk høyst %(max)d stikkord."), params={"max": MAX_TAGS})
        return names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        primary = cleaned.get("innovation_type")
        secondary = cleaned.get("secondary_types") or []
        if primary is not None and primary in secondary:
            self.add_error(
                "secondary_types",
                _("%(type)s er allerede valgt som hovedtype.") % {"type": primary.name},
            )
        if cleaned.get("reuse_url") and not cleaned.get("reuses_solution"):
            cleaned["reuses_solution"] = True
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape the services take."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["value_types"] = list(self.cleaned_data.get("value_types") or [])
        data["tag_names"] = self.cleaned_data.get("tags_text") or []
        return data


class IdeaFilterForm(QueryFilterForm):
    """The idea list's filters, read from the query string. Bad values are reported, not used."""

    q = forms.CharField(label=_("Søk"), required=False, max_length=200)
    type = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.TypedChoiceField(label=_("Enhet"), required=False, coerce=int, empty_value=None)
    goal = forms.TypedChoiceField(
        label=_("Strategisk mål"), required=False, coerce=int, empty_value=None
    )
    tag = forms.CharField(label=_("Stikkord"), required=False, max_length=50)
    initiator = forms.ChoiceField(label=_("Initiativ fra"), required=False)
    mine = forms.BooleanField(label=_("Bare mine"), required=False)
    followed = forms.BooleanField(label=_("Bare de jeg følger"), required=False)
    sort = forms.ChoiceField(label=_("Sorter etter"), required=False)

    SORTS = [
        ("", _("Nyeste først")),
        ("eldst", _("Eldste først")),
        ("stotte", _("Mest støtte")),
        ("kommentarer", _("Flest kommentarer")),
        ("tittel", _("Tittel (A–Å)")),
        ("treff", _("Beste treff (ved søk)")),
    ]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plain rows, not model instances: the choices need only these columns.
        types = InnovationType.objects.filter(organisation=organisation).order_by("order")
        self.set_choices("type", list(types.values_list("code", "name")))
        statuses = [(s.value, s.label) for s in IdeaStatus if s != IdeaStatus.DRAFT]
        self.set_choices("status", statuses)
        units = Unit.objects.filter(organisation=organisation).order_by("name")
        self.set_choices("unit", [(str(pk), name) for pk, name in units.values_list("pk", "name")])
        goals = StrategicGoal.objects.filter(organisation=organisation).order_by("order")
        self.set_choices(
            "goal", [(str(pk), title) for pk, title in goals.values_list("pk", "title")]
        )
        self.set_choices("initiator", list(Initiator.choices))
        self.set_choices("sort", self.SORTS, any_=False)
        self.tags = list(
            Tag.objects.filter(organisation=organisation).values_list("name", flat=True)
        )


class CommentForm(DesignsystemetFormMixin, forms.Form):
    """A plain-text comment. Links in it become clickable when shown; nothing else is markup."""

    body = forms.CharField(
        label=_("Kommentar"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Skriv en kommentar før du publiserer."),
            "max_length": _(
                "Kommentaren kan ha høyst %(limit_value)d tegn (den har nå %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the edit form replaces the comment, so focus moves into it
            self.fields["body"].label = _("Endre kommentaren")
            self.fields["body"].widget.attrs["autofocus"] = True


class AttachmentForm(DesignsystemetFormMixin, forms.Form):
    """Validates one upload; `add_attachment` checks it again before storing it."""

    file = forms.FileField(
        label=_("Legg ved en fil"),
        max_length=MAX_NAME_LENGTH,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        validators=[validate_attachment],
        error_messages={
            "required": _("Velg en fil å legge ved."),
            "empty": _("Filen er tom."),
            "invalid": _("Skjemaet kom uten fil. Prøv igjen."),
            "missing": _("Skjemaet kom uten fil. Prøv igjen."),
            "max_length": _(
                "Filnavnet har %(length)d tegn. Gi filen et navn på høyst %(max)d tegn."
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limit is a setting; say the one in force.
        self.fields["file"].help_text = gettext(
            "Høyst %(max)s MB. Tillatte typer: %(allowed)s."
        ) % {"max": format_megabytes(settings.ATTACHMENT_MAX_BYTES), "allowed": ALLOWED_TYPES_TEXT}
