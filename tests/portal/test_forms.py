from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DesignsystemetFormMixin, PlainSelect, PlainSelectMultiple

CHOICES: list[tuple[Any, Any]] = [
    ("", _("Alle")),
    ("a&b", 'A <b> & "c"'),
    (3, "Tre"),
    ("x", "Ærlig"),
]
ATTRS = {"class": "ds-input", "id": "id_f", "required": True, "data-off": False}


@pytest.mark.parametrize("value", ["", "a&b", 3, "3", None, ["x"], "unknown"])
def test_plain_select_renders_what_djangos_select_template_does(value: object) -> None:
    django_html = forms.Select(attrs=ATTRS, choices=CHOICES).render("f", value)
    assert PlainSelect(attrs=ATTRS, choices=CHOICES).render("f", value) == django_html


def test_plain_select_leaves_option_groups_to_the_templates() -> None:
    grouped = [("Gruppe", [("1", "En"), ("2", "To")]), ("3", "Tre")]
    django_html = forms.Select(choices=grouped).render("f", "2")
    assert PlainSelect(choices=grouped).render("f", "2") == django_html
    assert "<optgroup" in django_html


@pytest.mark.parametrize("value", [[], ["a&b"], ["a&b", 3], None])
def test_plain_select_multiple_renders_what_djangos_template_does(value: object) -> None:
    attrs = {"class": "ds-input", "size": 5}
    django_html = forms.SelectMultiple(attrs=attrs, choices=CHOICES).render("f", value)
    plain = PlainSelectMultiple(attrs=attrs, choices=CHOICES).render("f", value)
    assert plain == django_html
    assert " multiple" in plain


def test_only_djangos_own_selects_are_rendered_in_python() -> None:
    class Form(DesignsystemetFormMixin, forms.Form):
        one = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=CHOICES)
        radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = Form()
    assert type(form.fields["one"].widget) is PlainSelect
    assert type(form.fields["many"].widget) is PlainSelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert type(Form.base_fields["one"].widget) is forms.Select  # per form, not the class
