"""The idea list as CSV and Excel (.xlsx), with Norwegian headings and formats."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from io import BytesIO
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ideas.models import Idea, IdeaQuerySet, Initiator, Tag
from portal.spreadsheets import safe_text

CHUNK = 500
XLSX_COLUMNS = "ABCDEFGHIJKLMNO"
XLSX_WIDTHS = (8, 40, 50, 60, 30, 50, 24, 16, 28, 24, 20, 30, 10, 12, 18)


def columns() -> list[str]:
    return [
        _("ID"),
        _("Tittel"),
        _("Innovasjonsspørsmål"),
        _("Behov"),
        _("Hvem har behovet"),
        _("Forslag til løsning"),
        _("Innovasjonstype"),
        _("Status"),
        _("Enhet"),
        _("Innmelder"),
        _("Initiativ fra"),
        _("Stikkord"),
        _("Støtter"),
        _("Kommentarer"),
        _("Meldt inn"),
    ]


def rows(ideas: IdeaQuerySet) -> Iterator[list[Any]]:
    """One row per idea, streamed in chunks; dates in local time; every text made safe."""
    ideas = ideas.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    initiators = dict(Initiator.choices)
    for idea in ideas.iterator(chunk_size=CHUNK):
        yield [safe_text(v) if isinstance(v, str) else v for v in _values(idea, initiators)]


def _values(idea: Idea, initiators: Mapping[str, object]) -> list[Any]:
    return [
        idea.pk,
        idea.title,
        idea.question,
        idea.need,
        idea.need_holder,
        idea.proposed_solution,
        idea.innovation_type.name if idea.innovation_type else "",
        idea.get_status_display(),
        idea.unit.name if idea.unit else "",
        str(idea.submitter),
        str(initiators.get(idea.initiator, idea.initiator)),
        ", ".join(t.name for t in idea.tags.all()),
        idea.support_count,
        idea.comment_count,
        timezone.localtime(idea.submitted_at) if idea.submitted_at else None,
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(ideas: IdeaQuerySet) -> Iterable[str]:
    """Semicolon-separated with a BOM and dd.mm.åååå dates, as Norwegian Excel expects."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(columns())
    for row in rows(ideas):
        yield writer.writerow(
            [v.strftime("%d.%m.%Y %H:%M") if isinstance(v, datetime) else v for v in row]
        )


def xlsx_bytes(ideas: IdeaQuerySet) -> bytes:
    """A workbook with typed cells: numbers as numbers, dates as dates (dd.mm.åååå tt:mm)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Idéer"))
    sheet.freeze_panes = "A2"
    for letter, width in zip(XLSX_COLUMNS, XLSX_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for title in columns():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows(ideas):
        submitted = row[-1]
        date_cell = WriteOnlyCell(
            sheet, value=submitted.replace(tzinfo=None) if submitted else None
        )
        date_cell.number_format = "dd.mm.yyyy hh:mm"
        sheet.append([*row[:-1], date_cell])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(extension: str) -> str:
    return f"ideer-{timezone.localdate():%Y-%m-%d}.{extension}"
