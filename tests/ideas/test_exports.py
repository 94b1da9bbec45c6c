"""Exports survive what users type: control characters and formula-looking text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ideas.models import Idea
from portal.models import User
from portal.spreadsheets import safe_text

# Column order of the export: 1 ID, 2 title, 3 question, 4 need, 5 need holder, 6 solution.
TYPED = {
    "title": "Plan\x01 for\x07 natt\x1b-tilsyn\x0b",  # PostgreSQL refuses \x00 itself
    "question": '=HYPERLINK("https://evil.example","Klikk")',
    "need": "+47 22 33 44 55",
    "need_holder": "-1+1",
    "proposed_solution": "@SUM(A1:A9)",
}
EXPECTED = {
    "title": "Plan for natt-tilsyn",
    "question": '\'=HYPERLINK("https://evil.example","Klikk")',
    "need": "'+47 22 33 44 55",
    "need_holder": "'-1+1",
    "proposed_solution": "'@SUM(A1:A9)",
}
COLUMN = {"title": 1, "question": 2, "need": 3, "need_holder": 4, "proposed_solution": 5}


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tinnrykk", "'\tinnrykk"),
        ("\rretur", "'\rretur"),
        ("\x01=1+1", "'=1+1"),  # a control character cannot hide the formula
        ("Sum = 2", "Sum = 2"),
        ("Linje 1\nLinje 2", "Linje 1\nLinje 2"),
        ("Bjørn\x1f Ås", "Bjørn Ås"),
        ("", ""),
    ],
)
def test_safe_text(typed: str, exported: str) -> None:
    assert safe_text(typed) == exported


@pytest.fixture
def hostile_idea(make_idea: Callable[..., Idea]) -> Idea:
    return make_idea(**TYPED)


def test_csv_export_neutralises_formulas_and_control_characters(
    hostile_idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).get(reverse("ideas:export", args=["csv"]))
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    row = rows[1]
    assert {name: row[index] for name, index in COLUMN.items()} == EXPECTED
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_xlsx_export_with_control_characters_opens_and_has_no_formulas(
    hostile_idea: Idea,
    make_idea: Callable[..., Idea],
    alice: User,
    client_for: Callable[[User | None], Client],
) -> None:
    make_idea(title="En vanlig idé")  # the export fails for everyone, not only this row
    response = client_for(alice).get(reverse("ideas:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.max_row == 3
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    hostile = rows[hostile_idea.pk]
    assert {name: hostile[index].value for name, index in COLUMN.items()} == EXPECTED
    # Text cells, never formulas ("f"), in the whole sheet.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert hostile[1].data_type == "s" and hostile[2].data_type == "s"
