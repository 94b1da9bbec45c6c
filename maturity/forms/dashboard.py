"""The dashboard's filters: year and unit, from the query string."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import QueryFilterForm
from portal.models import Organisation, Unit


class DashboardFilterForm(QueryFilterForm):
    """`ar` and `enhet`; a year outside the strategy or another organisation's unit is an
    error at its field and left out, never a 500."""

    KEYS: ClassVar[dict[str, str]] = {"ar": "year", "enhet": "unit"}

    ar = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    enhet = forms.TypedChoiceField(label=_("Enhet"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, organisation: Organisation, years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in Unit.objects.filter(organisation=organisation)}
        self.set_choices("ar", [(str(year), str(year)) for year in years], any_=False)
        units = [(str(pk), unit.name) for pk, unit in sorted(self.units.items(), key=_by_name)]
        self.set_choices("enhet", [("", _("Hele kommunen")), *units], any_=False)

    def unit(self) -> Unit | None:
        pk = self.filters().get("unit")
        return self.units.get(pk) if pk is not None else None


def _by_name(item: tuple[int, Unit]) -> str:
    return item[1].name.lower()
