from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from portal.numbers import (
    NorwegianDecimalField,
    NotANumber,
    format_decimal,
    format_nok,
    parse_decimal,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234,5", "1234.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,50", "1234.50"),
        ("kr 12 500", "12500"),
        ("12 500,-", "12500"),
        ("12500 kr", "12500"),
        ("1.234.567", "1234567"),
        ("1.234,50", "1234.50"),
        ("2.5", "2.5"),
        ("-3,25", "-3.25"),
        ("−3,25", "-3.25"),
        ("0", "0"),
    ],
)
def test_norwegian_input_is_understood(text: str, expected: str) -> None:
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12a", "1..2", "kr", "1 2,3,4", "--1"])
def test_nonsense_is_refused(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_decimal(text)


def test_output_uses_norwegian_grouping_and_comma() -> None:
    with translation.override("nb"):
        assert format_decimal(Decimal("1234.5"), 1) == "1\u00a0234,5"
        assert format_decimal(Decimal("0.05"), 1) == "0,1"  # half up, not banker's
        assert format_nok(Decimal("12500")) == "kr\u00a012\u00a0500"
        assert format_nok(Decimal("12500.50")) == "kr\u00a012\u00a0500,50"


def test_the_form_field_gives_a_field_message_for_nonsense() -> None:
    field = NorwegianDecimalField(max_digits=10, decimal_places=1, required=False)
    assert field.clean("1 234,5") == Decimal("1234.5")
    with pytest.raises(Exception, match="Skriv et tall"):
        field.clean("mange")
