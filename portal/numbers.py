"""Norwegian numbers in and out: «1 234,5», «kr 12 500». Always Decimal, never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
CURRENCY = re.compile(r"^(kr\.?|nok)|(kr\.?|nok|,-)$", re.IGNORECASE)
DOT_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class NotANumber(ValueError):
    pass


def parse_decimal(text: str) -> Decimal:
    """Read a number as Norwegians type it.

    Spaces (also non-breaking) group thousands, the comma is the decimal mark; «kr» and
    «,-» are ignored. A dot is a thousands separator when it groups by three («1.234.567»)
    or stands beside a comma («1.234,50»); otherwise it is read as a decimal mark («2.5»).
    """
    value = SPACES.sub("", text.strip())
    value = CURRENCY.sub("", value).strip()
    if not value:
        raise NotANumber(text)
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif DOT_THOUSANDS.match(value):
        value = value.replace(".", "")
    value = value.replace("−", "-")  # the typographic minus
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise NotANumber(text)
    try:
        return Decimal(value)
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules it out
        raise NotANumber(text) from error


def format_decimal(value: Decimal | int | None, places: int = 0) -> str:
    """«12 500» or «1 234,5»: Norwegian grouping and decimal comma."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_nok(value: Decimal | int | None) -> str:
    """«kr 12 500» (whole kroner; øre only when there are any)."""
    if value is None:
        return ""
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"kr\u00a0{format_decimal(amount, places)}"


class NorwegianDecimalField(forms.DecimalField):
    """A decimal field that understands «1 234,5» and «kr 12 500» and shows Norwegian format."""

    default_error_messages = {
        "invalid": _("Skriv et tall, for eksempel 1 234,5."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_decimal(str(value))
        except NotANumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return number

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            places = max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
            return format_decimal(value, min(places, self.decimal_places or 2))
        return value
