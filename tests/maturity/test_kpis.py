"""The strategy's KPIs, computed in the database: every computed KPI on hand-built portfolios
with known answers, and the edge cases (no units, no innovations, year and 24-month
boundaries, withdrawn and merged ideas, initiatives moved back out of use, the unit filter,
other organisations), hand-entered values, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, IdeaStatus, Initiator, InnovationType
from ideas.services import submit_idea
from maturity.models import Kpi, KpiUnit, KpiValue, MaturityLevel
from maturity.selectors.kpis import (
    METRICS,
    KpiRow,
    YearValue,
    initiators,
    innovation_rate,
    kpi_table,
    median_days_per_phase,
    put_to_use_by_type,
    role_mix,
)
from portal.models import Organisation, Role, Unit, User
from portal.services import add_member
from portfolio.models import (
    BenefitKind,
    Initiative,
    MeasureUnit,
    MunicipalRole,
    Phase,
    PortfolioSettings,
)
from portfolio.roles import forget_role_levels
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.services.board import move_initiative
from portfolio.services.triage import accept_idea

OSLO = ZoneInfo("Europe/Oslo")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in Norwegian local time."""
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def phase(organisation: Organisation, name: str) -> Phase:
    return Phase.objects.get(organisation=organisation, name=name)


def move(initiative: Initiative, actor: User, name: str, when: datetime) -> Initiative:
    with clock(when):
        current = Initiative.objects.get(pk=initiative.pk)
        answers = {item.pk: ("done", "") for item in open_checklist_items(current)}
        return move_initiative(
            initiative=current,
            actor=actor,
            to_phase=phase(current.organisation, name),
            expected_version=current.version,
            answers=answers,
        )


def measure(initiative: Initiative, actor: User, **benefit_fields: Any) -> None:
    """A freed-time benefit with an indicator (100 → 50 hours) measured once at 90."""
    benefit = add_benefit(
        initiative=initiative,
        actor=actor,
        description="Frigjort tid",
        kind=BenefitKind.INDIRECT,
        **benefit_fields,
    )
    indicator = add_indicator(
        benefit=benefit,
        actor=actor,
        name="Timer per uke",
        unit=MeasureUnit.HOURS,
        baseline=Decimal(100),
        target=Decimal(50),
    )
    record_measurement(
        indicator=indicator, actor=actor, measured_on=date(2024, 1, 10), value=Decimal(90)
    )


@pytest.fixture
def accept(
    make_idea: Callable[..., Idea], organisation: Organisation, bob: User
) -> Callable[..., Initiative]:
    """An initiative accepted at `when` into phase `into` (default Forankring)."""

    def make(when: datetime, into: str = "Forankring", **idea_fields: Any) -> Initiative:
        role = idea_fields.pop("role", MunicipalRole.CONTRIBUTOR)
        idea_fields.setdefault("title", f"Initiativ {Idea.objects.count() + 1}")
        with clock(when):
            return accept_idea(
                idea=make_idea(**idea_fields),
                actor=bob,
                phase=phase(organisation, into),
                owner=bob,
                role=role,
            )

    return make


@pytest.fixture
def put_into_use(accept: Callable[..., Initiative], bob: User) -> Callable[..., Initiative]:
    """An initiative measured and moved into «Overgang til drift» at `when`."""

    def make(when: datetime, **idea_fields: Any) -> Initiative:
        initiative = accept(at(2023, 6, 1), **idea_fields)
        measure(initiative, bob)
        return move(initiative, bob, "Overgang til drift", when)

    return make


def row(rows: list[KpiRow], metric: str) -> KpiRow:
    return next(r for r in rows if r.kpi.metric == metric)


def table(organisation: Organisation, year: int, **kwargs: Any) -> dict[str, KpiRow]:
    return {
        r.kpi.metric or r.kpi.name: r
        for r in kpi_table(organisation=organisation, year=year, **kwargs)
    }


def trend(r: KpiRow) -> dict[int, Decimal | None]:
    return {point.year: point.value for point in r.trend}


# The table ---------------------------------------------------------------------------------


def test_every_seeded_kpi_has_a_metric_and_the_table_lists_them_in_order(
    organisation: Organisation,
) -> None:
    seeded = [kpi.metric for kpi in Kpi.objects.filter(organisation=organisation) if kpi.metric]
    assert sorted(seeded) == sorted(METRICS)
    with clock(at(2026, 6, 1)):
        rows = kpi_table(organisation=organisation, year=2026)
    assert [r.kpi.pk for r in rows] == list(
        Kpi.objects.filter(organisation=organisation)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    )
    first = rows[0]
    assert [point.year for point in first.trend] == [2022, 2023, 2024, 2025, 2026]
    assert first.source == "Beregnet fra porteføljen"
    assert first.definition == first.kpi.definition
    for kpi in Kpi.objects.filter(organisation=organisation).exclude(metric=""):
        assert kpi.definition == METRICS[kpi.metric].definition


def test_an_empty_portfolio_has_zero_counts_and_no_shares(organisation: Organisation) -> None:
    with clock(at(2026, 6, 1)):
        rows = table(organisation, 2026)
    assert rows["put_to_use"].value == 0 and rows["throughput"].value == 0
    assert rows["stalled"].value == 0 and rows["freed_hours"].value == 0
    for share in ("multi_type_share", "baseline_share", "initiator_share"):
        assert rows[share].value is None and rows[share].denominator == 0
    assert rows["median_days_in_phase"].value is None
    assert rows["put_to_use"].on_target is False  # 0 against a target of 6
    assert rows["reused"].on_target is None  # no target


def test_years_still_to_come_have_no_values(organisation: Organisation) -> None:
    with clock(at(2026, 6, 1)):
        rows = table(organisation, 2028, years=3)
    assert trend(rows["put_to_use"]) == {2026: Decimal(0), 2027: None, 2028: None}
    assert rows["stalled"].value is None and rows["stalled"].on_target is None


# Taken into use --------------------------------------------------------------------------


def test_taken_into_use_counts_in_the_local_year_of_the_latest_entry_into_use(
    put_into_use: Callable[..., Initiative], organisation: Organisation, bob: User
) -> None:
    # 23:30 on New Year's Eve in Oslo is 22:30 UTC; 00:10 on 1 January is still 2025 in UTC.
    put_into_use(at(2025, 12, 31, 23, 30))
    put_into_use(at(2026, 1, 1, 0, 10))
    later = put_into_use(at(2024, 5, 1))
    move(later, bob, "Ny praksis", at(2026, 3, 1))  # in use again: counts when it last entered
    with clock(at(2026, 6, 1)):
        rows = table(organisation, 2026)
    assert trend(rows["put_to_use"]) == {
        2022: 0,
        2023: 0,
        2024: 0,
        2025: 1,
        2026: 2,
    }


def test_moved_back_out_of_use_no_longer_counts_but_closed_after_use_does(
    put_into_use: Callable[..., Initiative], organisation: Organisation, bob: User
) -> None:
    back = put_into_use(at(2025, 3, 1), title="Tilbake til pilot")
    move(back, bob, "Pilotering", at(2025, 4, 1))
    closed = put_into_use(at(2025, 5, 1), title="Avsluttet etter bruk")
    move(closed, bob, "Avsluttet", at(2025, 9, 1))
    with clock(at(2026, 2, 1)):
        assert table(organisation, 2025)["put_to_use"].value == 1
        back_in_use = move(back, bob, "Ny praksis", at(2026, 1, 15))
        rows = table(organisation, 2026)
    assert back_in_use.phase.in_use
    assert trend(rows["put_to_use"])[2025] == 1 and rows["put_to_use"].value == 1


def test_unmeasured_withdrawn_and_merged_never_count(
    accept: Callable[..., Initiative],
    put_into_use: Callable[..., Initiative],
    organisation: Organisation,
    bob: User,
) -> None:
    unmeasured = accept(at(2025, 1, 10))
    move(unmeasured, bob, "Overgang til drift", at(2025, 2, 1))
    withdrawn = put_into_use(at(2025, 3, 1))
    merged = put_into_use(at(2025, 3, 2))
    put_into_use(at(2025, 3, 3))
    Idea.objects.filter(pk=withdrawn.idea_id).update(status=IdeaStatus.WITHDRAWN)
    Idea.objects.filter(pk=merged.idea_id).update(status=IdeaStatus.MERGED)
    with clock(at(2025, 6, 1)):
        rows = table(organisation, 2025)
        rate = innovation_rate(organisation=organisation, year=2025)
    assert rows["put_to_use"].value == 1
    assert (rate.numerator, rate.denominator) == (1, 1)


def test_types_reuse_sharing_and_initiators_of_the_innovations_of_the_year(
    put_into_use: Callable[..., Initiative],
    organisation: Organisation,
    service_type: InnovationType,
) -> None:
    process = InnovationType.objects.get(organisation=organisation, code="process")
    system = InnovationType.objects.get(organisation=organisation, code="system")
    put_into_use(at(2025, 2, 1), secondary_types=[process], reuses_solution=True)
    put_into_use(at(2025, 3, 1), innovation_type=process, secondary_types=[process])
    put_into_use(at(2025, 4, 1), innovation_type=system, initiator=Initiator.CITIZEN)
    shared = put_into_use(at(2025, 5, 1), initiator=Initiator.LEADER)
    Initiative.objects.filter(pk=shared.pk).update(shared_with_others=True)
    put_into_use(at(2024, 5, 1), secondary_types=[system])  # another year
    with clock(at(2026, 1, 10)):
        rows = table(organisation, 2025)
        by_type = put_to_use_by_type(organisation=organisation, year=2025)
        by_initiator = initiators(organisation=organisation, year=2025)
    multi = rows["multi_type_share"]
    # Only the first combines two types: a secondary type equal to the primary does not.
    assert (multi.numerator, multi.denominator, multi.value) == (1, 4, Decimal("25.0"))
    assert trend(multi)[2024] == Decimal("100.0")
    assert rows["reused"].value == 1 and rows["shared"].value == 1
    assert by_type == [
        ("Tjenesteinnovasjon", 2),
        ("Prosessinnovasjon", 1),
        ("Organisatorisk innovasjon", 0),
        ("Systeminnovasjon", 1),
    ]
    assert dict(by_initiator) == {
        "Leder": 1,
        "Medarbeider": 2,
        "Innbygger": 1,
        "Privat virksomhet": 0,
        "Politiker": 0,
        "Frivillig": 0,
        "Forskning og utvikling (FoU)": 0,
    }
    assert [label for label, _count in by_initiator][0] == "Leder"


# Innovasjonsgrad ---------------------------------------------------------------------------


@pytest.fixture
def units(organisation: Organisation, unit: Unit) -> dict[str, Unit]:
    """Hjemmetjenesten, Skole and Barnehage are active; Nedlagt is not."""
    made = {
        name: Unit.objects.create(organisation=organisation, name=name, is_active=active)
        for name, active in (("Skole", True), ("Barnehage", True), ("Nedlagt", False))
    }
    return {"Hjemmetjenesten": unit, **made}


def test_innovation_rate_is_the_share_of_active_units_over_24_months(
    put_into_use: Callable[..., Initiative], organisation: Organisation, units: dict[str, Unit]
) -> None:
    put_into_use(at(2025, 1, 1, 0, 0), unit=units["Hjemmetjenesten"])  # first moment of 2025
    put_into_use(at(2025, 6, 1), unit=units["Hjemmetjenesten"])  # the same unit again
    put_into_use(at(2024, 12, 31, 23, 59), unit=units["Skole"])  # last minute of 2024
    put_into_use(at(2025, 3, 1), unit=units["Nedlagt"])  # an inactive unit does not count
    with clock(at(2027, 3, 15)):
        rate = trend(table(organisation, 2027)["innovation_rate"])
        shares = {y: innovation_rate(organisation=organisation, year=y) for y in (2024, 2026)}
        this_year = innovation_rate(organisation=organisation, year=2027)
    assert (shares[2026].numerator, shares[2026].denominator) == (1, 3)
    assert shares[2026].percent == Decimal("33.3")
    assert (shares[2024].numerator, shares[2024].percent) == (1, Decimal("33.3"))
    assert rate == {
        2023: Decimal(0),
        2024: Decimal("33.3"),  # Skole, 2023–2024
        2025: Decimal("66.7"),  # both, 2024–2025
        2026: Decimal("33.3"),  # Hjemmetjenesten, 2025–2026
        2027: Decimal("33.3"),  # 15 March 2025 until today: the June one
    }
    # This year's window is the 24 months until today.
    assert this_year.numerator == 1


def test_innovation_rate_for_the_current_year_ends_today(
    put_into_use: Callable[..., Initiative], organisation: Organisation, units: dict[str, Unit]
) -> None:
    put_into_use(at(2025, 3, 14, 23, 0), unit=units["Skole"])  # just outside
    put_into_use(at(2025, 3, 15, 13, 0), unit=units["Barnehage"])  # just inside
    with clock(at(2027, 3, 15, 12, 30)):
        rate = innovation_rate(organisation=organisation, year=2027)
    assert (rate.numerator, rate.denominator) == (1, 3)


def test_innovation_rate_of_a_unit_has_that_unit_as_denominator(
    put_into_use: Callable[..., Initiative], organisation: Organisation, units: dict[str, Unit]
) -> None:
    put_into_use(at(2025, 6, 1), unit=units["Skole"])
    with clock(at(2026, 3, 1)):
        school = innovation_rate(organisation=organisation, year=2025, unit=units["Skole"])
        nursery = table(organisation, 2025, unit=units["Barnehage"])["innovation_rate"]
    assert (school.numerator, school.denominator, school.percent) == (1, 1, Decimal(100))
    assert (nursery.numerator, nursery.denominator, nursery.value) == (0, 1, Decimal(0))


def test_innovation_rate_without_units_has_no_value(
    put_into_use: Callable[..., Initiative], organisation: Organisation, unit: Unit
) -> None:
    put_into_use(at(2025, 6, 1))
    Unit.objects.filter(pk=unit.pk).update(is_active=False)
    with clock(at(2026, 3, 1)):
        rate = innovation_rate(organisation=organisation, year=2025)
        listed = table(organisation, 2025)["innovation_rate"]
    assert (rate.numerator, rate.denominator, rate.percent) == (0, 0, None)
    assert listed.value is None and listed.on_target is None


def test_no_innovations_is_zero_per_cent(
    organisation: Organisation, units: dict[str, Unit]
) -> None:
    with clock(at(2026, 3, 1)):
        rate = innovation_rate(organisation=organisation, year=2025)
    assert (rate.numerator, rate.denominator, rate.percent) == (0, 3, Decimal(0))


# Benefits: freed hours, årsverk and kroner -------------------------------------------------


def test_freed_hours_fte_and_kroner_against_expected_by_realisation_year(
    accept: Callable[..., Initiative],
    organisation: Organisation,
    units: dict[str, Unit],
    bob: User,
) -> None:
    PortfolioSettings.objects.filter(organisation=organisation).update(hours_per_fte=Decimal(100))
    home = accept(at(2024, 1, 1), unit=units["Hjemmetjenesten"])
    school = accept(at(2024, 1, 1), unit=units["Skole"])
    # 100 → 50 hours measured at 90: 10 hours realised of 30 expected, due in 2025.
    measure(home, bob, expected_hours=Decimal(30), realisation_date=date(2025, 6, 1))
    # No date: counts in every year; 10 realised of 40 expected.
    measure(school, bob, expected_hours=Decimal(40))
    # Due in 2027: not yet in 2026's figures.
    measure(school, bob, expected_hours=Decimal(500), realisation_date=date(2027, 1, 1))
    money = add_benefit(
        initiative=home,
        actor=bob,
        description="Lavere kostnader",
        kind=BenefitKind.DIRECT,
        expected_amount=Decimal(1000),
        realisation_date=date(2026, 2, 1),
    )
    kroner = add_indicator(
        benefit=money,
        actor=bob,
        name="Kroner",
        unit=MeasureUnit.NOK,
        baseline=Decimal(0),
        target=Decimal(1000),
    )
    for day, value in ((1, "300"), (2, "250")):  # the latest measurement counts
        record_measurement(
            indicator=kroner, actor=bob, measured_on=date(2026, 3, day), value=Decimal(value)
        )
    with clock(at(2026, 6, 1)):
        rows = table(organisation, 2026)
        home_only = table(organisation, 2026, unit=units["Hjemmetjenesten"])
    hours, years, nok = rows["freed_hours"], rows["freed_fte"], rows["realised_nok"]
    assert (hours.value, hours.expected) == (Decimal(20), Decimal(70))
    assert (years.value, years.expected) == (Decimal("0.2"), Decimal("0.7"))
    assert (nok.value, nok.expected) == (Decimal(250), Decimal(1000))
    assert trend(hours)[2024] == Decimal(10) and trend(nok)[2025] == Decimal(0)
    assert (home_only["freed_hours"].value, home_only["freed_hours"].expected) == (
        Decimal(10),
        Decimal(30),
    )
    assert home_only["realised_nok"].value == Decimal(250)
    assert rows["freed_fte"].on_target is False  # target 5 årsverk


# State at the end of the year: baseline, role, stalled -------------------------------------


def test_baseline_role_and_stalled_shares_at_the_end_of_each_year(
    accept: Callable[..., Initiative], organisation: Organisation, bob: User
) -> None:
    PortfolioSettings.objects.filter(organisation=organisation).update(stalled_after_days=30)
    early = accept(at(2024, 11, 1), role=MunicipalRole.INITIATOR)
    benefit = add_benefit(
        initiative=early, actor=bob, description="Kvalitet", kind=BenefitKind.QUALITATIVE
    )
    add_indicator(
        benefit=benefit,
        actor=bob,
        name="Fornøydhet",
        unit=MeasureUnit.PERCENT,
        baseline=Decimal(60),
        target=Decimal(80),
        baseline_date=date(2025, 2, 1),
    )
    late = accept(at(2024, 12, 20), role=MunicipalRole.PARTNER)  # stalled only from 19 January
    undated = accept(at(2025, 3, 1))
    add_indicator(
        benefit=add_benefit(
            initiative=undated, actor=bob, description="Tid", kind=BenefitKind.INDIRECT
        ),
        actor=bob,
        name="Timer",
        unit=MeasureUnit.HOURS,
        baseline=Decimal(10),
        target=Decimal(5),
    )  # a baseline without a date is no nullpunktsmåling
    move(late, bob, "Avsluttet", at(2025, 6, 1))  # closed: no longer active
    move(undated, bob, "Innsikt", at(2025, 12, 15))  # moved on: counts from 15 December
    with clock(at(2026, 1, 10)):
        rows = table(organisation, 2026, years=3)
    baseline, role, stalled = rows["baseline_share"], rows["initiator_share"], rows["stalled"]
    # End of 2024: early and late are active; neither has a dated baseline by then.
    assert trend(baseline)[2024] == Decimal(0) and trend(role)[2024] == Decimal(100)
    assert trend(stalled)[2024] == Decimal(1)  # early, since 1 November
    # End of 2025: early and undated; early's baseline dated February 2025.
    assert trend(baseline)[2025] == Decimal("50.0") and trend(role)[2025] == Decimal("50.0")
    assert trend(stalled)[2025] == Decimal(1)  # undated moved 16 days before the end
    # Now (10 January 2026): the same two; undated has stood 26 days.
    assert (baseline.numerator, baseline.denominator) == (1, 2)
    assert (role.numerator, role.denominator) == (1, 2)
    assert stalled.value == Decimal(1)
    with clock(at(2026, 1, 20)):
        assert table(organisation, 2026, years=1)["stalled"].value == Decimal(2)


def test_role_mix_counts_active_initiatives_per_level_in_the_organisations_words(
    accept: Callable[..., Initiative], organisation: Organisation, bob: User
) -> None:
    accept(at(2025, 1, 1), role=MunicipalRole.INITIATOR)
    accept(at(2025, 1, 1), role=MunicipalRole.INITIATOR)
    closed = accept(at(2025, 1, 1), role=MunicipalRole.PARTNER)
    move(closed, bob, "Avsluttet", at(2025, 2, 1))
    MaturityLevel.objects.filter(organisation=organisation, level=3).update(name="Pådriver")
    forget_role_levels(organisation)
    with clock(at(2025, 6, 1)):
        mix = role_mix(organisation=organisation)
    assert mix == [
        ("Vente å se", 0),
        ("Bidragsyter", 0),
        ("Pådriver", 2),
        ("Innovasjonspartner", 0),
    ]


# Flow: median days in phase and throughput -------------------------------------------------


def test_median_days_in_phase_for_stays_left_in_the_year(
    accept: Callable[..., Initiative], organisation: Organisation, bob: User
) -> None:
    one = accept(at(2025, 1, 1))
    move(one, bob, "Innsikt", at(2025, 1, 11))  # 10 days in Forankring
    move(one, bob, "Tjenesteutvikling", at(2025, 2, 10))  # 30 days in Innsikt
    two = accept(at(2025, 1, 1))
    move(two, bob, "Innsikt", at(2025, 1, 21))  # 20 days in Forankring
    three = accept(at(2025, 12, 1))
    move(three, bob, "Innsikt", at(2026, 1, 1, 0, 30))  # left in 2026: not in 2025's median
    accept(at(2024, 1, 1))  # never left
    with clock(at(2026, 3, 1)):
        rows = table(organisation, 2026)
        per_phase = median_days_per_phase(organisation=organisation, year=2025)
    # 2025: stays of 10, 20 and 30 days → 20.
    assert trend(rows["median_days_in_phase"])[2025] == Decimal("20.0")
    assert rows["median_days_in_phase"].value == Decimal("30.5")  # 1 Dec 12:00 → 1 Jan 00:30
    assert trend(rows["median_days_in_phase"])[2024] is None
    assert per_phase[:3] == [
        ("Forankring", Decimal("15.0")),  # 10 and 20: the mean of the middle two
        ("Innsikt", Decimal("30.0")),
        ("Tjenesteutvikling", None),
    ]
    assert [name for name, _days in per_phase] == list(
        Phase.objects.filter(organisation=organisation, kind="active")
        .order_by("order")
        .values_list("name", flat=True)
    )


def test_throughput_counts_initiatives_moved_forward_in_the_year(
    accept: Callable[..., Initiative], organisation: Organisation, bob: User
) -> None:
    one = accept(at(2025, 1, 1))
    move(one, bob, "Innsikt", at(2025, 2, 1))
    move(one, bob, "Tjenesteutvikling", at(2025, 3, 1))  # twice: still one initiative
    two = accept(at(2025, 1, 1), into="Innsikt")
    move(two, bob, "Forankring", at(2025, 4, 1))  # backwards: not throughput
    three = accept(at(2025, 1, 1))
    move(three, bob, "Parkert", at(2025, 5, 1))  # closed: not a later active phase
    move(two, bob, "Innsikt", at(2026, 1, 5))
    with clock(at(2026, 3, 1)):
        rows = table(organisation, 2026)
    assert trend(rows["throughput"])[2025] == 1
    assert rows["throughput"].value == 1


# Scope: units and organisations ----------------------------------------------------------


def test_another_organisations_portfolio_is_never_counted(
    put_into_use: Callable[..., Initiative],
    organisation: Organisation,
    other_organisation: Organisation,
    other_board_member: User,
    units: dict[str, Unit],
) -> None:
    put_into_use(at(2025, 5, 1), unit=units["Skole"])
    lunner_unit = Unit.objects.create(organisation=other_organisation, name="Skole")
    lunner_type = InnovationType.objects.get(organisation=other_organisation, code="service")
    with clock(at(2025, 1, 1)):
        lunner = accept_idea(
            idea=submit_idea(
                organisation=other_organisation,
                submitter=other_board_member,
                title="Lunners idé",
                question="Hvordan kan vi …?",
                need="Behov",
                innovation_type=lunner_type,
                unit=lunner_unit,
                notify_board=False,
            ),
            actor=other_board_member,
            phase=phase(other_organisation, "Forankring"),
            owner=other_board_member,
            role=MunicipalRole.PARTNER,
        )
    measure(lunner, other_board_member)
    move(lunner, other_board_member, "Ny praksis", at(2025, 6, 1))
    with clock(at(2026, 2, 1)):
        ours = table(organisation, 2025)
        theirs = table(other_organisation, 2025)
        rate = innovation_rate(organisation=organisation, year=2025)
    assert ours["put_to_use"].value == 1 and theirs["put_to_use"].value == 1
    assert (rate.numerator, rate.denominator) == (1, 3)
    # Lunner's partner initiative would make it 1 of 2.
    assert (ours["initiator_share"].numerator, ours["initiator_share"].denominator) == (0, 1)
    assert ours["freed_hours"].value == Decimal(10)


def test_the_unit_filter_counts_only_that_units_initiatives(
    put_into_use: Callable[..., Initiative], organisation: Organisation, units: dict[str, Unit]
) -> None:
    put_into_use(at(2025, 5, 1), unit=units["Skole"])
    put_into_use(at(2025, 6, 1), unit=units["Barnehage"])
    put_into_use(at(2025, 7, 1), unit=units["Barnehage"])
    with clock(at(2026, 2, 1)):
        school = table(organisation, 2025, unit=units["Skole"])
        nursery = put_to_use_by_type(organisation=organisation, year=2025, unit=units["Barnehage"])
    assert school["put_to_use"].value == 1
    assert nursery[0] == ("Tjenesteinnovasjon", 2)


# Hand-entered KPIs -------------------------------------------------------------------------


def test_hand_entered_kpis_take_the_yearly_values_with_their_source(
    organisation: Organisation, leader: User
) -> None:
    kpi = Kpi.objects.get(organisation=organisation, metric="")
    KpiValue.objects.create(
        kpi=kpi,
        year=2025,
        value=Decimal("35.5"),
        source="Læringsplattformen",
        recorded_by=leader,
        recorded_at=at(2026, 3, 3),
    )
    KpiValue.objects.create(
        kpi=kpi, year=2021, value=Decimal(1), source="For gammel", recorded_by=leader
    )
    with clock(at(2026, 6, 1)):
        rows = table(organisation, 2025)
        filtered = table(
            organisation, 2025, unit=Unit.objects.create(organisation=organisation, name="X")
        )
        next_year = table(organisation, 2026)
    entered = rows[kpi.name]
    assert entered.value == Decimal("35.5") and entered.on_target is False  # target 50
    assert entered.source == "Kilde: Læringsplattformen, registrert av Lena 3. mars 2026"
    assert entered.trend == [
        YearValue(2021, Decimal(1)),
        YearValue(2022, None),
        YearValue(2023, None),
        YearValue(2024, None),
        YearValue(2025, Decimal("35.5")),
    ]
    assert filtered[kpi.name].source.endswith("(gjelder hele kommunen)")
    assert next_year[kpi.name].value is None
    assert next_year[kpi.name].source == "Ikke registrert for 2026"


def test_a_lower_is_better_target_is_met_at_or_below(organisation: Organisation) -> None:
    with clock(at(2026, 6, 1)):
        stalled = table(organisation, 2026)["stalled"]
    assert stalled.kpi.higher_is_better is False and stalled.target == 0
    assert stalled.value == 0 and stalled.on_target is True


# Queries -----------------------------------------------------------------------------------


def _grow(organisation: Organisation, put_into_use: Callable[..., Initiative], n: int) -> None:
    leader = add_member(
        organisation=organisation, email=f"l{n}@x.example", role=Role.LEADER, password="pw"
    ).user
    for i in range(n):
        put_into_use(at(2024 + i % 2, 3, 1 + i))
        kpi = Kpi.objects.create(
            organisation=organisation,
            name=f"For hånd {n}-{i}",
            definition="Registreres for hånd.",
            unit=KpiUnit.COUNT,
        )
        for year in (2024, 2025):
            KpiValue.objects.create(
                kpi=kpi, year=year, value=Decimal(i), source="Kilde", recorded_by=leader
            )


def test_kpi_table_makes_a_fixed_number_of_queries(
    organisation: Organisation,
    put_into_use: Callable[..., Initiative],
    units: dict[str, Unit],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _grow(organisation, put_into_use, 2)
    queries = 12  # KPIs, values, and one per family of metrics and setting
    with clock(at(2025, 6, 1)), django_assert_num_queries(queries):
        few = kpi_table(organisation=organisation, year=2025, years=2)
    _grow(organisation, put_into_use, 6)
    with clock(at(2025, 6, 1)), django_assert_num_queries(queries):
        many = kpi_table(organisation=organisation, year=2025, years=8)
    assert len(many) == len(few) + 6
    assert row(many, "put_to_use").value == 4
    # A unit is its own denominator: no count of the units.
    with clock(at(2025, 6, 1)), django_assert_num_queries(queries - 1):
        kpi_table(organisation=organisation, year=2025, unit=units["Skole"], years=5)
