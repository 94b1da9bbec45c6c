"""The KPI table and the strategic measures as CSV and Excel: the same figures as
`kpi_table` (the dashboard's selector) for the same `ar` and `enhet`, typed cells, Norwegian
CSV, safe texts, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea
from maturity.models import Kpi, KpiUnit, MeasureStatus, StrategicMeasure, StrategyPeriod
from maturity.selectors.kpis import KpiRow, kpi_table
from maturity.services.kpis import create_kpi, record_kpi_value
from portal.models import Organisation, Unit, User
from portfolio.models import BenefitKind, Initiative, MeasureUnit, MunicipalRole, Phase
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.services.board import move_initiative
from portfolio.services.triage import accept_idea

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 1, 12, tzinfo=OSLO)

Clients = Callable[[User | None], Client]


def kpi_url(fmt: str, **params: Any) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("maturity:kpi_export", args=[fmt]) + (f"?{query}" if query else "")


def measure_url(fmt: str, **params: Any) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("maturity:measure_export", args=[fmt]) + (f"?{query}" if query else "")


def in_use(
    make_idea: Callable[..., Idea],
    organisation: Organisation,
    bob: User,
    when: datetime,
    **fields: Any,
) -> Initiative:
    """An initiative taken into use at `when`, with a measured freed-time benefit."""
    with time_machine.travel(datetime(2024, 6, 1, tzinfo=OSLO), tick=False):
        initiative = accept_idea(
            idea=make_idea(**fields),
            actor=bob,
            phase=Phase.objects.get(organisation=organisation, name="Forankring"),
            owner=bob,
            role=MunicipalRole.INITIATOR,
        )
        benefit = add_benefit(
            initiative=initiative,
            actor=bob,
            description="Frigjort tid",
            kind=BenefitKind.INDIRECT,
            expected_hours=Decimal("120.5"),
        )
        indicator = add_indicator(
            benefit=benefit,
            actor=bob,
            name="Timer",
            unit=MeasureUnit.HOURS,
            baseline=Decimal(100),
            target=Decimal(40),
            baseline_date=date(2024, 5, 1),
        )
        record_measurement(
            indicator=indicator, actor=bob, measured_on=date(2024, 6, 1), value=Decimal("62.5")
        )
    with time_machine.travel(when, tick=False):
        current = Initiative.objects.get(pk=initiative.pk)
        return move_initiative(
            initiative=current,
            actor=bob,
            to_phase=Phase.objects.get(organisation=organisation, name="Ny praksis"),
            expected_version=current.version,
            answers={item.pk: ("done", "") for item in open_checklist_items(current)},
        )


@pytest.fixture
def portfolio(
    make_idea: Callable[..., Idea], organisation: Organisation, unit: Unit, bob: User, leader: User
) -> dict[str, Any]:
    school = Unit.objects.create(organisation=organisation, name="Skole")
    home = in_use(
        make_idea, organisation, bob, datetime(2025, 4, 1, tzinfo=OSLO), title="Nattilsyn"
    )
    pupils = in_use(
        make_idea,
        organisation,
        bob,
        datetime(2025, 9, 1, tzinfo=OSLO),
        title="Skoleskyss",
        unit=school,
    )
    kpi = Kpi.objects.get(organisation=organisation, metric="")
    record_kpi_value(
        kpi=kpi, actor=leader, year=2025, value=Decimal("42.5"), source="LMS", expected_version=0
    )
    return {"school": school, "home": home, "pupils": pupils}


def workbook_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def as_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value).replace(",", "."))


def expected_figures(row: KpiRow) -> list[Decimal | None]:
    return [row.value, row.expected, row.target, *(point.value for point in row.trend)]


def figures(line: list[Any], header: list[Any]) -> list[Decimal | None]:
    names = ["Verdi", "Forventet", "Mål", *(h for h in header if str(h).startswith("Verdi 2"))]
    return [as_decimal(line[header.index(name)]) for name in names]


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.getvalue()  # streamed (CSV) or not (Excel)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("with_unit", [False, True])
def test_the_kpi_export_has_the_figures_of_kpi_table(
    fmt: str,
    with_unit: bool,
    portfolio: dict[str, Any],
    organisation: Organisation,
    leader: User,
    client_for: Clients,
) -> None:
    unit = portfolio["school"] if with_unit else None
    params: dict[str, Any] = {"ar": 2025}
    if unit is not None:
        params["enhet"] = unit.pk
    with time_machine.travel(NOW, tick=False):
        content = download(client_for(leader), kpi_url(fmt, **params))
        rows = kpi_table(organisation=organisation, year=2025, unit=unit)
    lines = workbook_rows(content) if fmt == "xlsx" else csv_rows(content)
    header, body = lines[0], lines[1:]
    assert header[:3] == ["Nøkkeltall", "Definisjon", "Periode eller tiltak"]
    assert [h for h in header if str(h).startswith("Verdi 2")] == [
        f"Verdi {y}" for y in range(2021, 2026)
    ]
    assert [line[0] for line in body] == [row.kpi.name for row in rows]
    for line, row in zip(body, rows, strict=True):
        assert figures(line, header) == expected_figures(row), row.kpi.name
        assert line[header.index("Kilde")] == row.source
        counts = [line[header.index("Teller")], line[header.index("Nevner")]]
        assert [as_decimal(c) for c in counts] == [row.numerator, row.denominator]
    # The figures are real: something was counted, and the unit filter shows.
    put_to_use = next(r for r in rows if r.kpi.metric == "put_to_use")
    assert put_to_use.value == (1 if with_unit else 2)
    scope = body[0][header.index("Gjelder")]
    assert scope == ("Skole" if with_unit else "Hele kommunen")


def test_the_workbook_has_typed_cells_and_the_csv_decimal_commas(
    portfolio: dict[str, Any], leader: User, client_for: Clients
) -> None:
    with time_machine.travel(NOW, tick=False):
        book = workbook_rows(download(client_for(leader), kpi_url("xlsx", ar=2025)))
        text = csv_rows(download(client_for(leader), kpi_url("csv", ar=2025)))
    header = book[0]
    hours = next(line for line in book if line[0] == "Frigjorte timer")
    assert hours[header.index("Verdi")] == 75 and hours[header.index("Forventet")] == 241
    hand = next(
        line for line in text if line[0] == "Medarbeidere som har gjennomført innovasjonskurs"
    )
    assert hand[text[0].index("Verdi")] == "42,50"
    assert hand[text[0].index("Kilde")].startswith("Kilde: LMS, registrert av Lena")
    fte = next(line for line in text if line[0] == "Frigjorte årsverk")
    assert fte[text[0].index("Verdi")] == "0,0" and fte[text[0].index("Forventet")] == "0,1"


def test_texts_that_would_run_as_formulas_are_made_text(
    organisation: Organisation, admin: User, client_for: Clients
) -> None:
    create_kpi(
        organisation=organisation,
        actor=admin,
        name='=HYPERLINK("http://x")',
        definition="@SUM(A1)",
        unit=KpiUnit.COUNT,
    )
    book = workbook_rows(download(client_for(admin), kpi_url("xlsx")))
    assert ['\'=HYPERLINK("http://x")', "'@SUM(A1)"] in [line[:2] for line in book]


def test_bad_filters_fall_back_to_this_year_and_the_whole_organisation(
    portfolio: dict[str, Any], leader: User, client_for: Clients, other_organisation: Organisation
) -> None:
    foreign = Unit.objects.create(organisation=other_organisation, name="Lunner skole")
    client = client_for(leader)
    with time_machine.travel(NOW, tick=False):
        for params in ({"ar": "to tusen"}, {"ar": "1999"}, {"enhet": "x"}, {"enhet": foreign.pk}):
            book = workbook_rows(download(client, kpi_url("xlsx", **params)))
            assert book[1][book[0].index("År")] == 2026
            assert book[1][book[0].index("Gjelder")] == "Hele kommunen"
    assert client.get(reverse("maturity:kpi_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("maturity:measure_export", args=["json"])).status_code == 404


def test_the_kpi_export_makes_a_fixed_number_of_queries(
    portfolio: dict[str, Any],
    organisation: Organisation,
    admin: User,
    leader: User,
    client_for: Clients,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(leader)
    url = kpi_url("xlsx", ar=2025, enhet=portfolio["school"].pk)
    download(client, url)
    with django_assert_num_queries(15):
        download(client, url)
    for n in range(5):
        kpi = create_kpi(
            organisation=organisation, actor=admin, name=f"Tall {n}", definition="X", unit="count"
        )
        record_kpi_value(
            kpi=kpi, actor=leader, year=2025, value=Decimal(n), source="X", expected_version=0
        )
    with django_assert_num_queries(15):
        assert b"Tall 4" in b"".join(
            str(v).encode() for line in workbook_rows(download(client, url)) for v in line
        )


# Measures --------------------------------------------------------------------------------


@pytest.fixture
def measures(
    portfolio: dict[str, Any], organisation: Organisation, leader: User
) -> list[StrategicMeasure]:
    period = StrategyPeriod.objects.get(organisation=organisation, start_year=2026, end_year=2027)
    chosen = list(StrategicMeasure.objects.filter(period=period).order_by("order", "pk")[:2])
    first, second = chosen
    StrategicMeasure.objects.filter(pk=first.pk).update(
        owner=leader, status=MeasureStatus.IN_PROGRESS, due_date=date(2026, 2, 1)
    )
    StrategicMeasure.objects.filter(pk=second.pk).update(
        status=MeasureStatus.DONE, due_date=date(2026, 1, 1)
    )
    first.initiatives.set([portfolio["home"], portfolio["pupils"]])
    return chosen


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_measures_export_lists_the_years_measures_with_status_and_initiatives(
    fmt: str,
    measures: list[StrategicMeasure],
    portfolio: dict[str, Any],
    organisation: Organisation,
    leader: User,
    client_for: Clients,
) -> None:
    client = client_for(leader)
    with time_machine.travel(NOW, tick=False):
        content = download(client, measure_url(fmt, ar=2026))
        school = download(client, measure_url(fmt, ar=2026, enhet=portfolio["school"].pk))
        earlier = download(client, measure_url(fmt, ar=2025))
    read = workbook_rows if fmt == "xlsx" else csv_rows
    lines = read(content)
    assert lines[0] == [
        "Periode",
        "Tiltak",
        "Ansvarlig",
        "Status",
        "Frist",
        "Forfalt",
        "Initiativer som bidrar",
    ]
    expected = StrategicMeasure.objects.filter(
        organisation=organisation, period__start_year__lte=2026, period__end_year__gte=2026
    )
    assert [line[1] for line in lines[1:]] == [
        m.text for m in expected.order_by("period__start_year", "period__end_year", "order", "pk")
    ]
    first = next(line for line in lines if line[1] == measures[0].text)
    second = next(line for line in lines if line[1] == measures[1].text)
    due = datetime.combine(date(2026, 2, 1), time()) if fmt == "xlsx" else "01.02.2026"
    assert first[0] == "2026–27" and first[2:7] == [
        "Lena",
        "Pågår",
        due,
        "Ja",
        "Nattilsyn, Skoleskyss",
    ]
    assert second[3:6] == [
        "Fullført",
        datetime.combine(date(2026, 1, 1), time()) if fmt == "xlsx" else "01.01.2026",
        "Nei",
    ]
    only_school = next(line for line in read(school) if line[1] == measures[0].text)
    assert only_school[6] == "Skoleskyss"
    assert measures[0].text not in [line[1] for line in read(earlier)]


def test_the_measures_export_makes_a_fixed_number_of_queries(
    measures: list[StrategicMeasure],
    portfolio: dict[str, Any],
    leader: User,
    client_for: Clients,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(leader)
    url = measure_url("xlsx", ar=2026)
    download(client, url)
    with django_assert_num_queries(5):  # session, user, membership, measures, initiatives
        download(client, url)
    for measure in StrategicMeasure.objects.all():
        measure.initiatives.set([portfolio["home"], portfolio["pupils"]])
    with django_assert_num_queries(5):
        download(client, url)
