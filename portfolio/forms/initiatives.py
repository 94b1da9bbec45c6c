"""The initiative's role and sharing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.concurrency import VersionField
from portal.forms import DescribedRadioSelect, DesignsystemetFormMixin
from portal.models import Organisation
from portfolio.models import Initiative, MunicipalRole
from portfolio.roles import role_levels


class InitiativeForm(DesignsystemetFormMixin, forms.Form):
    role = forms.TypedChoiceField(
        label=_("Kommunens rolle"),
        coerce=int,
        choices=MunicipalRole.choices,
        widget=DescribedRadioSelect,
        help_text=_("Nivået på modenhetstrappen som beskriver kommunens holdning i initiativet."),
        error_messages={
            "required": _("Velg kommunens rolle i initiativet."),
            "invalid_choice": _("Velg en av de fire rollene."),
        },
    )
    shared_with_others = forms.BooleanField(
        label=_("Løsningen er delt med andre"),
        required=False,
        help_text=_("For eksempel tatt i bruk av en annen kommune, eller delt i et KS-nettverk."),
    )
    shared_with = forms.CharField(
        label=_("Hvem løsningen er delt med (valgfritt)"),
        required=False,
        max_length=300,
        error_messages={
            "max_length": _("Skriv høyst %(limit_value)d tegn (du skrev %(show_value)d).")
        },
    )
    versjon = VersionField()

    def __init__(
        self, data: Any = None, *, organisation: Organisation, initiative: Initiative
    ) -> None:
        initial = {
            "role": initiative.role,
            "shared_with_others": initiative.shared_with_others,
            "shared_with": initiative.shared_with,
            "versjon": initiative.version,
        }
        super().__init__(data, initial=initial)
        levels = role_levels(organisation).values()
        role = self.fields["role"]
        assert isinstance(role, forms.TypedChoiceField)
        role.choices = [(level.level, level.name) for level in levels]
        widget = role.widget
        assert isinstance(widget, DescribedRadioSelect)
        widget.descriptions = {str(level.level): f"«{level.stance}»" for level in levels}

    def clean_shared_with(self) -> str:
        return " ".join(self.cleaned_data["shared_with"].split())
