"""The initiative picker: a form field for «which of our initiatives» that lists only the
initiatives already chosen (each a checked checkbox: uncheck it to remove it) and finds the
others on demand, by title or idea number, at most SEARCH_LIMIT at a time.

With JavaScript, the search field asks `maturity:initiative_search` (htmx) and a result's
«Legg til» button fetches its checkbox from `maturity:initiative_pick`. Without it, the
search and «Legg til» buttons are submit buttons of the form itself: the form comes back
bound, with what was typed everywhere, the results and the added initiative, and nothing is
saved (`PickerFormMixin.picking`). Enter in any other field still saves: the form's first
submit button is a hidden copy of its save button (`DEFAULT_BUTTON`, see the templates),
unless the search field holds text, which Enter then searches for.

Validation is the field's queryset, the organisation's own initiatives: another
organisation's id is an invalid choice at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.datastructures import MultiValueDict

from portal.params import parse_id
from portfolio.models import Initiative, InitiativeQuerySet
from portfolio.selectors.initiatives import SEARCH_LIMIT, chosen_initiatives, find_initiatives

# The name of the hidden first submit button of a form with a picker (Enter in a field).
DEFAULT_BUTTON = "lagre"


def search_name(field: str) -> str:
    return f"{field}_sok"


def find_name(field: str) -> str:
    return f"{field}_finn"


def add_name(field: str) -> str:
    return f"{field}_legg_til"


def shown_name(field: str) -> str:
    """Hidden inputs beside the chosen checkboxes: an unchecked one is still left out of the
    results, so it cannot be added twice."""
    return f"{field}_vist"


def posted_ids(data: Any, *names: str) -> list[int]:
    ids: list[int] = []
    for name in names:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        ids.extend(pk for value in values if (pk := parse_id(value)) is not None)
    return list(dict.fromkeys(ids))


class InitiativePicker(forms.Widget):
    template_name = "maturity/widgets/initiative_picker.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.initiatives: InitiativeQuerySet = Initiative.objects.none()
        # The search text when the form came back to search or add (no JavaScript), else None.
        self.search: str | None = None

    def value_from_datadict(self, data: Any, files: MultiValueDict[str, Any], name: str) -> Any:
        chosen = list(data.getlist(name)) if hasattr(data, "getlist") else data.get(name)
        added = data.get(add_name(name))
        if isinstance(chosen, list) and added and added not in chosen:
            chosen.append(added)
        return chosen

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # no checkbox checked is an answer: none chosen

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else [value]
        ids = [pk for v in values if v is not None and (pk := parse_id(str(v))) is not None]
        chosen = chosen_initiatives(self.initiatives, ids)
        results = None
        if self.search is not None:
            results = find_initiatives(self.initiatives, self.search, exclude=ids)
        context["picker"] = picker_context(
            name, chosen=chosen, search=self.search or "", results=results
        )
        return context


def picker_context(
    name: str, *, chosen: list[Initiative], search: str, results: list[Initiative] | None
) -> dict[str, Any]:
    """What the picker's template and its partials render (the form's widget and the search
    views alike)."""
    return {
        "name": name,
        "id": f"id_{name}",
        "chosen": chosen,
        "search": search,
        "search_name": search_name(name),
        "find_name": find_name(name),
        "add_name": add_name(name),
        "shown_name": shown_name(name),
        "results": results,
        "limit": SEARCH_LIMIT,
    }


class InitiativePickerField(forms.ModelMultipleChoiceField[Initiative]):
    """The organisation's initiatives, chosen with an InitiativePicker."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Initiative.objects.none())
        kwargs.setdefault("widget", InitiativePicker)
        super().__init__(**kwargs)

    def set_initiatives(self, initiatives: InitiativeQuerySet) -> None:
        self.queryset = initiatives
        assert isinstance(self.widget, InitiativePicker)
        self.widget.initiatives = initiatives


class PickerFormMixin:
    """A form with initiative pickers. A submit from a picker's search or «Legg til» button
    (or Enter while its search field holds text) is `picking`: the form is shown again as it
    was sent, never valid, without error messages, and nothing is saved."""

    fields: dict[str, forms.Field]
    data: Any
    is_bound: bool
    _errors: ErrorDict | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.picking = False
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            if not isinstance(field.widget, InitiativePicker):
                continue
            text = str(self.data.get(search_name(name), ""))
            searched = find_name(name) in self.data or (
                DEFAULT_BUTTON in self.data and text.strip() != ""
            )
            if searched or add_name(name) in self.data:
                self.picking = True
                # After an add the results stay, without the one added, to add another.
                field.widget.search = text if searched or text.strip() else None

    def full_clean(self) -> None:
        if self.picking:
            self._errors = ErrorDict()
            self.cleaned_data: dict[str, Any] = {}
            return
        super().full_clean()  # type: ignore[misc]

    def is_valid(self) -> bool:
        return not self.picking and super().is_valid()  # type: ignore[misc]
