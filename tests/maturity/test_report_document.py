"""The yearly strategy report for kommunestyret as PDF (maturity.report_document).

The report is built once per module for the demo municipality (through the real services),
on the day the yearly report is made (15 January 2027, for 2026), with a benefit realised in
2026 and an agreed level for 2026 added. The PDFs are opened with pypdf and pikepdf: text,
pages and «Side X av Y», the table of contents against the bookmarks, the structure tree
(headings in order, a non-empty /Alt on every figure), /Lang, /MarkInfo, the PDF/UA and
PDF/A identification, and figures recomputed here straight from the models. WeasyPrint's
warnings and errors (missing alt text, missing language …) fail the test.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries

from ideas.models import IdeaStatus
from maturity.demo import seed_demo
from maturity.models import MaturityLevel, StrategicMeasure
from maturity.report_document import ReportFiles, build_report_files, render_report_html
from maturity.selectors.reports import report_content
from maturity.services.assessments import open_assessment, record_agreed_level
from portal.models import Organisation, User
from portal.numbers import format_nok
from portal.pdf import ACCESSIBLE, render_pdf, static_base_url
from portfolio.models import Indicator, Initiative, Measurement, MeasureUnit, Phase, PhaseKind
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.templatetags.benefits import format_measure

YEAR = 2026
REPORT_DAY = datetime(2027, 1, 15, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))
REASONING = (
    "Kommunen bidrar nå aktivt i flere utviklingsprosjekter, og to løsninger er tatt i bruk "
    "med målte gevinster. Ledergruppen er enig om at kommunen står på «Bidragsyter»."
)
CHAPTERS = [
    "Sammendrag",
    "Modenhetstrappen",
    f"Strategiske tiltak i {YEAR}",
    "Nøkkeltall mot mål",
    "Porteføljen",
    f"Innovasjoner tatt i bruk i {YEAR}",
    "Gevinster realisert",
    "Utvalgte initiativer",
    "Tiltak for neste periode",
    "Vedlegg: alle initiativer",
]


def plain(text: str) -> str:
    """Extracted text with every kind of space as one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


# Figures recomputed straight from the models, without the selectors -------------------------


def expected_taken_into_use(organisation: Organisation, year: int) -> set[int]:
    """Initiatives «nyttiggjort» now whose latest entry into an in-use phase lies in `year`."""
    found = set()
    initiatives = Initiative.objects.filter(organisation=organisation).select_related(
        "phase", "idea"
    )
    for initiative in initiatives:
        if initiative.idea.status in (IdeaStatus.WITHDRAWN, IdeaStatus.MERGED):
            continue
        in_use = [v for v in initiative.visits.select_related("phase") if v.phase.in_use]
        if not in_use:
            continue
        still_in_use = initiative.phase.in_use or any(
            v.phase.order < initiative.phase.order for v in in_use
        )
        measured = Measurement.objects.filter(indicator__benefit__initiative=initiative).exists()
        latest = max(v.entered_at for v in in_use).astimezone(ZoneInfo("Europe/Oslo"))
        if still_in_use and measured and latest.year == year:
            found.add(initiative.pk)
    return found


def expected_realised(organisation: Organisation, year: int, unit: str) -> Decimal:
    """The latest measurement of each indicator towards its target, never below 0, for
    benefits due by the end of the year or without a date."""
    total = Decimal(0)
    indicators = Indicator.objects.filter(benefit__organisation=organisation, unit=unit)
    for indicator in indicators.select_related("benefit"):
        due = indicator.benefit.realisation_date
        if due is not None and due.year > year:
            continue
        latest = indicator.measurements.order_by("-measured_on", "-id").first()
        if latest is None:
            continue
        if indicator.target >= indicator.baseline:
            gain = latest.value - indicator.baseline
        else:
            gain = indicator.baseline - latest.value
        total += max(gain, Decimal(0))
    return total


@dataclass(frozen=True)
class Built:
    files: ReportFiles
    logged: list[str]  # WeasyPrint's warnings and errors
    progress: list[tuple[int, str]]
    organisation_name: str
    taken_into_use: set[int]
    freed_hours: Decimal
    realised_nok: Decimal
    statuses: Counter[str]
    overdue: int
    titles: list[str]
    kpi_names: list[str]
    level_names: dict[int, str]


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def seed_year(organisation: Organisation) -> None:
    """What the demo lacks for 2026: benefits due and measured in 2026, an agreed level."""
    leader = User.objects.get(email="leder@nittedal.example")
    initiative = Initiative.objects.get(
        organisation=organisation, idea__title="Digitalt nattilsyn i hjemmetjenesten"
    )
    hours = add_benefit(
        initiative=initiative,
        actor=leader,
        description="Færre nattlige tilsynsbesøk som ikke trengs.",
        kind="indirect",
        owner=initiative.owner,
        responsible=leader,
        realisation_date=date(2026, 12, 31),
        expected_hours=Decimal("1200"),
    )
    indicator = add_indicator(
        benefit=hours,
        actor=leader,
        name="Timer til nattilsyn per måned",
        unit=MeasureUnit.HOURS,
        baseline=Decimal("400"),
        target=Decimal("250"),
        baseline_date=date(2026, 1, 10),
    )
    for day, value in ((date(2026, 6, 30), "360"), (date(2026, 11, 30), "310.5")):
        record_measurement(indicator=indicator, actor=leader, measured_on=day, value=Decimal(value))
    money = add_benefit(
        initiative=initiative,
        actor=leader,
        description="Lavere utgifter til vikarer på natt.",
        kind="direct",
        owner=initiative.owner,
        responsible=leader,
        realisation_date=date(2026, 6, 30),
        expected_amount=Decimal("200000"),
    )
    kroner = add_indicator(
        benefit=money,
        actor=leader,
        name="Sparte vikarutgifter",
        unit=MeasureUnit.NOK,
        baseline=Decimal("0"),
        target=Decimal("200000"),
    )
    record_measurement(
        indicator=kroner, actor=leader, measured_on=date(2026, 12, 1), value=Decimal("85000")
    )
    assessment, _created = open_assessment(organisation=organisation, actor=leader, year=YEAR)
    record_agreed_level(
        assessment=assessment,
        actor=leader,
        level=MaturityLevel.objects.get(organisation=organisation, level=2),
        reasoning=REASONING,
        expected_version=0,
    )


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[Built]:
    """The demo municipality's report for 2026, built once; the data is rolled back."""
    collect = Collect()
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(collect)
    progress: list[tuple[int, str]] = []
    try:
        with (
            django_db_blocker.unblock(),
            time_machine.travel(REPORT_DAY, tick=False),
            transaction.atomic(),
        ):
            organisation = seed_demo().organisation
            seed_year(organisation)
            files = build_report_files(
                organisation,
                YEAR,
                version=3,
                progress=lambda percent, text: progress.append((percent, text)),
            )
            measures = StrategicMeasure.objects.filter(
                organisation=organisation,
                period__start_year__lte=YEAR,
                period__end_year__gte=YEAR,
            )
            result = Built(
                files=files,
                logged=collect.messages,
                progress=progress,
                organisation_name=organisation.name,
                taken_into_use=expected_taken_into_use(organisation, YEAR),
                freed_hours=expected_realised(organisation, YEAR, MeasureUnit.HOURS),
                realised_nok=expected_realised(organisation, YEAR, MeasureUnit.NOK),
                statuses=Counter(measures.values_list("status", flat=True)),
                overdue=sum(1 for m in measures if m.is_overdue(REPORT_DAY.date())),
                titles=list(
                    Initiative.objects.filter(organisation=organisation).values_list(
                        "idea__title", flat=True
                    )
                ),
                kpi_names=list(
                    organisation.kpis.order_by("order", "pk").values_list("name", flat=True)
                ),
                level_names=dict(
                    MaturityLevel.objects.filter(organisation=organisation).values_list(
                        "level", "name"
                    )
                ),
            )
            transaction.set_rollback(True)
    finally:
        weasyprint_logger.removeHandler(collect)
    yield result


def pages_text(data: bytes) -> list[str]:
    return [plain(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


# WeasyPrint's own complaints -----------------------------------------------------------------


def test_weasyprint_logs_no_warning_or_error(built: Built) -> None:
    assert built.logged == []


def test_the_checks_catch_a_missing_language_and_alt_text(db: None) -> None:
    """What the checks above would see in a document missing both: WeasyPrint logs the
    missing language and an image without alt, and an SVG without <title> is a Figure with
    no /Alt (WeasyPrint 70 says nothing about that one; the structure test catches it)."""
    collect = Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        data = render_pdf(
            '<html><head><title>T</title></head><body><h1>T</h1><img src="img/logo.svg">'
            '<svg width="10" height="10"><rect width="10" height="10"/></svg></body></html>',
            static_base_url(),
            variant=ACCESSIBLE,
        )
    finally:
        logger.removeHandler(collect)
    text = " ".join(collect.messages)
    assert 'Missing required "lang"' in text and "no required alt description" in text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        figures = [e for e in structure(pdf) if e.S == "/Figure"]
        assert len(figures) == 2 and not any(str(e.get("/Alt", "")).strip() for e in figures)


# Pages, footer, contents, bookmarks ----------------------------------------------------------


def test_every_page_says_side_x_av_y(built: Built) -> None:
    for data in (built.files.accessible, built.files.archive):
        pages = pages_text(data)
        assert len(pages) == built.files.page_count >= 15
        for number, text in enumerate(pages, start=1):
            assert f"Side {number} av {len(pages)}" in text, number


def test_the_contents_page_numbers_point_at_the_chapters(built: Built) -> None:
    pages = pages_text(built.files.accessible)
    reader = PdfReader(io.BytesIO(built.files.accessible))
    contents = PdfReader(io.BytesIO(built.files.accessible)).pages[1].extract_text() or ""
    listed = {
        plain(match[1]): int(match[2])
        for match in re.finditer(r"^(.+?)\s*\.{3,}\s*(\d+)\s*$", contents, re.MULTILINE)
    }
    assert list(listed) == CHAPTERS
    outline = {}
    for item in reader.outline:
        if not isinstance(item, list):
            page = reader.get_destination_page_number(item)
            assert item.title is not None and page is not None
            outline[plain(item.title)] = page + 1
    assert outline == listed  # the bookmarks, the contents and the pages agree
    for title, number in listed.items():
        assert title in pages[number - 1], title
        assert number > 2 and (number == 3 or title not in pages[number - 2])
    cover = pages[0].replace(" ", "")  # the title wraps; the words are the cover's
    name = built.organisation_name.replace(" ", "")
    assert f"{name}Innovasjonsstrategi2025–2029–årsrapport{YEAR}" in cover


def test_bookmarks_nest_subsections_under_the_chapters(built: Built) -> None:
    with pikepdf.open(io.BytesIO(built.files.accessible)) as pdf, pdf.open_outline() as outline:
        chapters = [item.title for item in outline.root]
        assert chapters == CHAPTERS
        kpis = outline.root[CHAPTERS.index("Nøkkeltall mot mål")]
        assert [child.title for child in kpis.children] == built.kpi_names


# The text against the database ---------------------------------------------------------------


def test_the_summary_tells_the_figures_of_the_database(built: Built) -> None:
    pages = pages_text(built.files.accessible)
    summary = next(text for text in pages if text.count("Sammendrag") and "Frigjort tid" in text)
    used = len(built.taken_into_use)
    assert used >= 1
    innovations = "innovasjon" if used == 1 else "innovasjoner"
    assert f"{used} {innovations} ble tatt i bruk i {YEAR}." in summary
    statuses = built.statuses
    total = sum(statuses.values())
    assert (
        f"Strategien har {total} tiltak for {YEAR}: {statuses['done']} er fullført, "
        f"{statuses['in_progress']} pågår, {statuses['delayed']} er forsinket og "
        f"{statuses['not_started']} er ikke startet."
    ) in summary
    assert built.freed_hours == Decimal("219.5")  # 400 → 310,5 here and the demo's 400 → 270
    # In whole hours and kroner in the summary (219,5 → 220), exactly in the tables.
    assert (
        plain(format_measure(built.freed_hours.quantize(Decimal(1), ROUND_HALF_UP), "hours"))
        in summary
    )
    assert plain(format_nok(built.realised_nok.quantize(Decimal(1), ROUND_HALF_UP))) in summary
    assert f"nivå 2. {built.level_names[2]} i modenhetstrappen" in summary
    if built.overdue:
        assert f"{built.overdue} tiltak har passert fristen" in summary
    else:
        assert "Ingen tiltak har passert fristen" in summary


def test_the_chapters_show_the_reasoning_measures_and_every_initiative(built: Built) -> None:
    text = " ".join(pages_text(built.files.accessible))
    for chapter in CHAPTERS:
        assert chapter in text
    assert plain(REASONING) in text
    for title in built.titles:
        assert plain(title) in text, title
    assert text.count("Over fristen") >= built.overdue
    used = len(built.taken_into_use)
    innovations = "innovasjon" if used == 1 else "innovasjoner"
    assert f"{used} {innovations} tatt i bruk i {YEAR}" in text  # the table's caption
    # The notable initiative by default: the largest realised benefit.
    assert "Færre nattlige tilsynsbesøk som ikke trengs." in text
    assert f"Realisert: {plain(format_measure(Decimal('219.5'), 'hours'))}" in text
    assert plain(format_nok(Decimal("85000"))) in text


def test_progress_is_reported_in_steps_in_bokmal(built: Built) -> None:
    percents = [percent for percent, _text in built.progress]
    assert percents == sorted(percents) and percents[-1] == 100 and len(percents) >= 4
    assert ("Lager arkivkopien (PDF/A)" in text for _p, text in built.progress)
    assert built.files.gather_seconds > 0 and built.files.layout_seconds > 0


# Accessibility and archive identification --------------------------------------------------------


def test_the_accessible_copy_is_tagged_pdf_ua_1(built: Built) -> None:
    title = f"Innovasjonsstrategi 2025–2029 – årsrapport {YEAR}"
    with pikepdf.open(io.BytesIO(built.files.accessible)) as pdf:
        assert str(pdf.Root.Lang) == "nb"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == title
        assert "/StructTreeRoot" in pdf.Root
    reader = PdfReader(io.BytesIO(built.files.accessible))
    assert reader.metadata is not None and reader.metadata.title == title
    assert reader.metadata.author == built.organisation_name


def test_headings_go_in_order_and_every_figure_has_alt_text(built: Built) -> None:
    for data in (built.files.accessible, built.files.archive):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            elements = structure(pdf)
            levels = [int(str(e.S)[2:]) for e in elements if re.fullmatch(r"/H\d", str(e.S))]
            assert levels[0] == 1 and levels.count(1) == 1
            assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
            assert levels.count(2) == len(CHAPTERS) + 1  # and «Innhold»
            figures = [e for e in elements if e.S == "/Figure"]
            alts = [str(e.get("/Alt", "")) for e in figures]
            assert all(alt.strip() for alt in alts)
            assert len(figures) == len(built.kpi_names) + 11  # the trends and 11 charts
            assert f"Modenhetstrappen {YEAR}" in alts
            assert {f"Utvikling: {name}" for name in built.kpi_names} <= set(alts)
            tags = Counter(str(e.S) for e in elements)
            assert tags["/Table"] >= 20 and tags["/TH"] > 0 and tags["/Caption"] > 0


def test_fonts_are_embedded_and_the_text_is_real(built: Built) -> None:
    with pikepdf.open(io.BytesIO(built.files.accessible)) as pdf:
        fonts = {}
        for page in pdf.pages:
            for _name, font in page.Resources.get("/Font", {}).items():
                fonts[str(font.get("/BaseFont"))] = font
        assert fonts and all("Inter" in name for name in fonts), sorted(fonts)
        for font in fonts.values():
            descriptor = (
                font.DescendantFonts[0].FontDescriptor
                if "/DescendantFonts" in font
                else font.FontDescriptor
            )
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert len(" ".join(pages_text(built.files.accessible))) > 10_000


def test_the_archive_copy_is_pdf_a_3a_of_the_same_pages(built: Built) -> None:
    with pikepdf.open(io.BytesIO(built.files.archive)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta.get("pdfuaid:part") is None
        assert str(pdf.Root.Lang) == "nb" and bool(pdf.Root.MarkInfo.Marked)
        assert "/OutputIntents" in pdf.Root
    assert pages_text(built.files.archive) == pages_text(built.files.accessible)


# Gathering: the same selectors, a fixed number of queries ------------------------------------


def _portfolio(organisation: Organisation, make_initiative: Any, bob: User, count: int) -> None:
    in_use = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE, in_use=True)
    phase = in_use.order_by("order").first()
    for n in range(count):
        initiative = make_initiative(phase=phase, title=f"Initiativ {n}")
        benefit = add_benefit(
            initiative=initiative,
            actor=bob,
            description="Frigjort tid",
            kind="indirect",
            owner=bob,
            expected_hours=Decimal(100 + n),
        )
        indicator = add_indicator(
            benefit=benefit,
            actor=bob,
            name="Timer",
            unit=MeasureUnit.HOURS,
            baseline=Decimal(100),
            target=Decimal(0),
        )
        record_measurement(
            indicator=indicator, actor=bob, measured_on=date(2026, 5, 1), value=Decimal(90 - n)
        )


@time_machine.travel(date(2026, 6, 15), tick=False)
def test_gathering_makes_the_same_queries_however_many_initiatives(
    organisation: Organisation,
    make_initiative: Any,
    bob: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _portfolio(organisation, make_initiative, bob, 1)
    fresh = Organisation.objects.get(pk=organisation.pk)  # as the report task has it
    with CaptureQueriesContext(connection) as one:
        small = report_content(organisation=fresh, year=YEAR)
    _portfolio(organisation, make_initiative, bob, 6)
    fresh = Organisation.objects.get(pk=organisation.pk)
    with django_assert_num_queries(len(one.captured_queries)):
        large = report_content(organisation=fresh, year=YEAR)
    assert len(one.captured_queries) == 38
    assert len(small.appendix) == 1 and len(large.appendix) == 7
    # The appendix adds up to the KPIs' freed hours: one definition of «realised».
    freed = next(row for row in large.kpis if row.kpi.metric == "freed_hours")
    assert sum(line.benefits.realised_hours for line in large.appendix) == freed.value


@time_machine.travel(date(2026, 6, 15), tick=False)
def test_notable_initiatives_are_the_leaders_choice_or_the_largest_benefits(
    organisation: Organisation,
    other_organisation: Organisation,
    make_initiative: Any,
    bob: User,
) -> None:
    _portfolio(organisation, make_initiative, bob, 4)
    by_default = report_content(organisation=organisation, year=YEAR)
    assert not by_default.notable_chosen
    # Initiativ 3 freed the most (100 → 87).
    assert [item.line.initiative.idea.title for item in by_default.notable] == [
        "Initiativ 3",
        "Initiativ 2",
        "Initiativ 1",
    ]
    chosen = Initiative.objects.get(idea__title="Initiativ 0")
    elsewhere = Initiative.objects.filter(organisation=other_organisation).values_list(
        "pk", flat=True
    )
    picked = report_content(
        organisation=organisation, year=YEAR, notable_ids=[chosen.pk, *elsewhere]
    )
    assert picked.notable_chosen
    assert [item.line.initiative for item in picked.notable] == [chosen]
    assert [b.description for b in picked.notable[0].benefit_list] == ["Frigjort tid"]


@time_machine.travel(date(2026, 6, 15), tick=False)
def test_a_year_without_an_agreed_level_says_so(organisation: Organisation) -> None:
    html = render_report_html(organisation, YEAR, version=1)
    assert "Ledergruppen har ennå ikke omforent hvilket nivå kommunen står på for 2026." in html
    assert "Det finnes ingen omforent vurdering for 2026 ennå" in html
    assert (
        'lang="nb"' in html
        and "<title>Innovasjonsstrategi 2025–2029 – årsrapport 2026</title>" in html
    )
