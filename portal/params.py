"""Whole numbers from query strings and form posts, parsed one way everywhere.

`str.isdigit()` is true for «²» and «١», and `int()` accepts «١» and digits of any length,
so `int(value) if value.isdigit()` turns a hand-edited URL into a 500 (or, inside a
`try` that catches ValueError, into the wrong message). Only ASCII digits pass here, and
only within bounds that every database column can hold.
"""

from __future__ import annotations

import re
from typing import Any, overload

from django import forms
from django.utils.translation import gettext_lazy as _

# The largest value of a signed 64-bit column (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


@overload
def parse_int(value: object, *, default: int, minimum: int = ..., maximum: int = ...) -> int: ...
@overload
def parse_int(
    value: object, *, default: None = None, minimum: int = ..., maximum: int = ...
) -> int | None: ...
def parse_int(
    value: object,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = MAX_ID,
) -> int | None:
    """`value` as a non-negative whole number of ASCII digits within [minimum, maximum],
    else `default`. Signs, spaces, other scripts' digits and superscripts all give `default`."""
    if not isinstance(value, str) or _ASCII_DIGITS.fullmatch(value) is None:
        return default
    number = int(value)
    if not minimum <= number <= maximum:
        return default
    return number


def parse_id(value: object) -> int | None:
    """A primary key from a form or a query string, or None when it cannot be one."""
    return parse_int(value, minimum=1)


class StrictIntegerField(forms.IntegerField):
    """An IntegerField that takes only ASCII digits (Django's takes «١» as 1), bounded by
    default to what a database column holds, so a tampered value is a field error."""

    default_error_messages = {"invalid": _("Skriv et helt tall.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        # An optional minus sign so that min_value, not "invalid", reports negatives.
        if re.fullmatch(r"-?[0-9]{1,20}", text) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)
