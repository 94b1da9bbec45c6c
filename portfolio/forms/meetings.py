"""Board meeting forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DescribedCheckboxes, DesignsystemetFormMixin
from portal.models import Organisation, User
from portfolio.models import Meeting

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
            memberships__role__in=Meeting.PARTICIPANT_ROLES,
            is_active=True,
        ).order_by("first_name", "last_name", "email")
