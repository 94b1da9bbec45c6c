"""The KPI table and the strategic measures as CSV and Excel (.xlsx), the way the idea list
is exported (ideas.exports): Norwegian headings, semicolons, a BOM and decimal commas in the
CSV; typed cells (numbers as numbers, dates as dates) in the workbook; every text made safe.

The KPI export is made from `maturity.selectors.kpis.kpi_table`, the selector the dashboard
uses, so the file and the page never disagree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from maturity.models import KpiUnit, StrategicMeasure
from maturity.selectors.kpis import KpiRow
from portal.spreadsheets import safe_text

DATE_FORMAT = "dd.mm.yyyy"


@dataclass(frozen=True)
class Sheet:
    """A table to export: its title, headings, column widths and rows of plain values
    (str, int, Decimal, date or None)."""

    title: str
    columns: list[str]
    widths: list[int]
    rows: list[list[Any]]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Ja") if value else _("Nei")


def _kpi_context(row: KpiRow) -> str:
    kpi = row.kpi
    if kpi.measure is not None:
        return str(kpi.measure.text)
    if kpi.period is not None:
        return kpi.period.label
    return ""


def kpi_sheet(rows: Sequence[KpiRow], *, year: int, unit_name: str | None) -> Sheet:
    """One line per KPI: the year's value, expected, target, and the trend by year."""
    years = [point.year for point in rows[0].trend] if rows else [year]
    columns = [
        _("Nøkkeltall"),
        _("Definisjon"),
        _("Periode eller tiltak"),
        _("Enhet"),
        _("Gjelder"),
        _("År"),
        _("Verdi"),
        _("Forventet"),
        _("Mål"),
        _("Høyere er bedre"),
        _("Når målet"),
        _("Teller"),
        _("Nevner"),
        *(_("Verdi %(year)s") % {"year": y} for y in years),
        _("Kilde"),
    ]
    widths = [36, 60, 24, 10, 20, 8, 12, 12, 10, 10, 10, 8, 8, *([12] * len(years)), 50]
    scope = unit_name or _("Hele kommunen")
    lines = [
        [
            row.kpi.name,
            row.definition,
            _kpi_context(row),
            str(KpiUnit(row.kpi.unit).label),
            scope,
            year,
            row.value,
            row.expected,
            row.target,
            _yes_no(row.kpi.higher_is_better),
            _yes_no(row.on_target),
            row.numerator,
            row.denominator,
            *(point.value for point in row.trend),
            row.source,
        ]
        for row in rows
    ]
    return Sheet(_("Nøkkeltall %(year)s") % {"year": year}, columns, widths, lines)


def measure_sheet(measures: Iterable[StrategicMeasure], *, year: int) -> Sheet:
    """One line per measure: period, measure, owner, status, due date, overdue, and the
    initiatives that contribute (as prefetched)."""
    today = timezone.localdate()
    columns = [
        _("Periode"),
        _("Tiltak"),
        _("Ansvarlig"),
        _("Status"),
        _("Frist"),
        _("Forfalt"),
        _("Initiativer som bidrar"),
    ]
    lines = [
        [
            measure.period.label,
            measure.text,
            str(measure.owner) if measure.owner else "",
            measure.get_status_display(),
            measure.due_date,
            _yes_no(measure.is_overdue(today)),
            ", ".join(i.idea.title for i in measure.initiatives.all()),
        ]
        for measure in measures
    ]
    return Sheet(
        _("Tiltak %(year)s") % {"year": year}, columns, [10, 60, 24, 14, 12, 10, 60], lines
    )


def _safe(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


def _csv_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if value is None:
        return ""
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(sheet: Sheet) -> Iterator[str]:
    """Semicolon-separated with a BOM, decimal commas and dd.mm.åååå dates, as Norwegian
    Excel expects."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(sheet.columns)
    for row in sheet.rows:
        yield writer.writerow([_csv_value(_safe(v)) for v in row])


def xlsx_bytes(sheet: Sheet) -> bytes:
    """A workbook with typed cells: numbers as numbers, dates as dates (dd.mm.åååå)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet.title[:31])
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(sheet.widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for title in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    for row in sheet.rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(worksheet, value=datetime.combine(value, time()))
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(_safe(value))
        worksheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(stem: str, year: int, extension: str) -> str:
    return f"{stem}-{year}-{timezone.localdate():%Y-%m-%d}.{extension}"
