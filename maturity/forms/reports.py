"""The form that requests the yearly strategy report: the year, and optionally the
initiatives the leaders want featured (the organisation's own, at most MAX_NOTABLE)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maturity.forms.picker import InitiativePickerField, PickerFormMixin
from portal.forms import DesignsystemetFormMixin
from portal.models import Organisation
from portal.params import StrictIntegerField
from portfolio.models import Initiative

FIRST_YEAR = 2000
MAX_NOTABLE = 5


class ReportRequestForm(PickerFormMixin, DesignsystemetFormMixin, forms.Form):
    year = StrictIntegerField(
        label=_("År"),
        help_text=_("Året rapporten gjelder, for eksempel i fjor."),
        error_messages={"required": _("Skriv året rapporten gjelder.")},
    )
    notable = InitiativePickerField(
        label=_("Utvalgte initiativ (valgfritt)"),
        required=False,
        help_text=_(
            "Opptil fem initiativ rapporten løfter frem. Velger dere ingen, tar rapporten med "
            "dem med størst realisert gevinst."
        ),
        error_messages={
            "invalid_choice": _("Velg bare initiativ fra listen."),
            "invalid_pk_value": _("Velg bare initiativ fra listen."),
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=timezone.localdate().year)
        notable = self.fields["notable"]
        assert isinstance(notable, InitiativePickerField)
        # Only the chosen initiatives are rendered; the others are found by search.
        notable.set_initiatives(Initiative.objects.for_organisation(organisation))

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        last = timezone.localdate().year
        if not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(
                _("Skriv et år fra %(first)d til %(last)d.") % {"first": FIRST_YEAR, "last": last},
                code="year_range",
            )
        return year

    def clean_notable(self) -> list[Initiative]:
        chosen = list(self.cleaned_data["notable"])
        if len(chosen) > MAX_NOTABLE:
            raise forms.ValidationError(
                _("Velg høyst %(count)d initiativ.") % {"count": MAX_NOTABLE}, code="too_many"
            )
        return chosen
