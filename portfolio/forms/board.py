"""Board forms: filters and moving a card. Forms validate; the services act."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import InnovationType, StrategicGoal
from portal.concurrency import VersionField
from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin, QueryFilterForm
from portal.models import Organisation, Unit, User
from portfolio.models import (
    ChecklistAnswerKind,
    ChecklistItem,
    Initiative,
    Phase,
    PhaseKind,
)
from portfolio.roles import role_choices


class BoardFilterForm(QueryFilterForm):
    """The board's filters, read from the query string; invalid values are dropped."""

    KEYS: ClassVar[dict[str, str]] = {
        "enhet": "unit",
        "eier": "owner",
        "mal": "goal",
        "stikkord": "tag",
        "rolle": "role",
        "stoppet": "stalled",
        "rader": "lanes",
        "avsluttede": "closed",
    }

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
        types = InnovationType.objects.filter(organisation=organisation).order_by("order")
        self.set_choices("type", [(t.code, t.name) for t in types])
        units = Unit.objects.filter(organisation=organisation).order_by("name")
        self.set_choices("enhet", [(str(u.pk), u.name) for u in units])
        owners = (
            User.objects.filter(owned_initiatives__organisation=organisation)
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.set_choices("eier", [(str(u.pk), str(u)) for u in owners])
        goals = StrategicGoal.objects.filter(organisation=organisation).order_by("order")
        self.set_choices("mal", [(str(g.pk), g.title) for g in goals])
        self.set_choices(
            "rolle", [(str(level), name) for level, name in role_choices(organisation)]
        )
        self.set_choices(
            "rader", [("", _("Ingen")), ("enhet", _("Enhet")), ("type", _("Type"))], any_=False
        )


class MoveForm(DesignsystemetFormMixin, forms.Form):
    """Move a card: the target phase, the version it was seen at, and the checklist answers
    for the open checkpoints of the phase it leaves (fields svar-<id> and kommentar-<id>)."""

    fase = forms.ModelChoiceField(
        label=_("Flytt til fase"),
        queryset=Phase.objects.none(),
        error_messages={"invalid_choice": _("Velg en av fasene på tavla.")},
    )
    versjon = VersionField()

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
