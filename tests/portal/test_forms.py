from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainSelect

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
