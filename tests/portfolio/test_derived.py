"""The maintained columns (portfolio.services.derived): `Initiative.in_use_since`, kept by the
board, triage and phase administration, and each indicator's latest measurement, kept by
`record_measurement`; the refresh functions and the data migration rebuild the same values
from the history."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from portal.models import Organisation, User
from portfolio.models import BenefitKind, Indicator, Initiative, MeasureUnit, Phase
from portfolio.selectors.benefits import put_to_use_q
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.services.board import move_initiative
from portfolio.services.derived import refresh_in_use_since, refresh_latest_measurements
from portfolio.services.phases import move_phase, update_phase

OSLO = ZoneInfo("Europe/Oslo")


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=OSLO)


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def phase(organisation: Organisation, name: str) -> Phase:
    return Phase.objects.get(organisation=organisation, name=name)


def move(initiative: Initiative, actor: User, name: str, when: datetime) -> Initiative:
    with clock(when):
        current = Initiative.objects.get(pk=initiative.pk)
        return move_initiative(
            initiative=current,
            actor=actor,
            to_phase=phase(current.organisation, name),
            expected_version=current.version,
            answers={item.pk: ("done", "") for item in open_checklist_items(current)},
        )


def in_use_since(initiative: Initiative) -> datetime | None:
    return Initiative.objects.values_list("in_use_since", flat=True).get(pk=initiative.pk)


@pytest.fixture
def pilot(make_initiative: Callable[..., Initiative], organisation: Organisation) -> Initiative:
    with clock(at(2024, 1, 10)):
        return make_initiative(phase(organisation, "Pilotering"))


# in_use_since -------------------------------------------------------------------------------


def test_moving_into_use_sets_it_and_moving_back_out_clears_it(
    pilot: Initiative, bob: User
) -> None:
    assert in_use_since(pilot) is None
    moved = move(pilot, bob, "Overgang til drift", at(2024, 3, 1))
    assert moved.in_use_since == at(2024, 3, 1) == in_use_since(pilot)
    # From one in-use phase to the next: taken into use when it last entered one.
    move(pilot, bob, "Ny praksis", at(2024, 6, 1))
    assert in_use_since(pilot) == at(2024, 6, 1)
    back = move(pilot, bob, "Pilotering", at(2024, 8, 1))
    assert back.in_use_since is None and in_use_since(pilot) is None
    move(pilot, bob, "Overgang til drift", at(2025, 2, 1))
    assert in_use_since(pilot) == at(2025, 2, 1)


def test_closed_after_use_keeps_it_and_closed_after_moving_back_finds_it_again(
    pilot: Initiative, bob: User
) -> None:
    move(pilot, bob, "Overgang til drift", at(2024, 3, 1))
    move(pilot, bob, "Avsluttet", at(2024, 9, 1))  # moved on past the in-use phase
    assert in_use_since(pilot) == at(2024, 3, 1)
    move(pilot, bob, "Pilotering", at(2024, 10, 1))
    assert in_use_since(pilot) is None
    # «Avsluttet» lies after the in-use phase visited: in use again, since that entry.
    move(pilot, bob, "Avsluttet", at(2024, 11, 1))
    assert in_use_since(pilot) == at(2024, 3, 1)


def test_accepted_straight_into_an_in_use_phase_is_in_use_from_then(
    make_initiative: Callable[..., Initiative], organisation: Organisation
) -> None:
    with clock(at(2025, 5, 5)):
        initiative = make_initiative(phase(organisation, "Ny praksis"))
        not_yet = make_initiative(phase(organisation, "Innsikt"))
    assert initiative.in_use_since == at(2025, 5, 5) == in_use_since(initiative)
    assert in_use_since(not_yet) is None


def test_marking_a_phase_in_use_or_reordering_the_board_refreshes_it(
    pilot: Initiative, bob: User, admin: User, organisation: Organisation
) -> None:
    pilotering = phase(organisation, "Pilotering")

    def mark(in_use: bool) -> None:
        update_phase(
            phase=Phase.objects.get(pk=pilotering.pk),
            actor=admin,
            name=pilotering.name,
            description=pilotering.description,
            key_questions=pilotering.key_questions,
            wip_limit=pilotering.wip_limit,
            in_use=in_use,
        )

    mark(True)
    assert in_use_since(pilot) == at(2024, 1, 10)  # its stay in Pilotering
    mark(False)
    assert in_use_since(pilot) is None
    # In use in «Overgang til drift», then back to «Pilotering»: not in use ...
    move(pilot, bob, "Overgang til drift", at(2024, 3, 1))
    move(pilot, bob, "Pilotering", at(2024, 4, 1))
    assert in_use_since(pilot) is None
    # ... until the board puts «Pilotering» after «Overgang til drift».
    move_phase(phase=Phase.objects.get(pk=pilotering.pk), actor=admin, direction="down")
    assert in_use_since(pilot) == at(2024, 3, 1)


def test_refreshing_rebuilds_what_the_services_maintain(
    pilot: Initiative, make_initiative: Callable[..., Initiative], bob: User
) -> None:
    move(pilot, bob, "Overgang til drift", at(2024, 3, 1))
    move(pilot, bob, "Avsluttet", at(2024, 9, 1))
    back = make_initiative()
    move(back, bob, "Ny praksis", at(2024, 5, 1))
    move(back, bob, "Innsikt", at(2024, 6, 1))
    kept = dict(Initiative.objects.values_list("pk", "in_use_since"))
    Initiative.objects.update(in_use_since=at(2000, 1, 1))
    assert refresh_in_use_since(Initiative.objects.all()) == 2
    assert dict(Initiative.objects.values_list("pk", "in_use_since")) == kept
    assert kept == {pilot.pk: at(2024, 3, 1), back.pk: None}


# The latest measurement --------------------------------------------------------------------


@pytest.fixture
def indicator(initiative: Initiative, bob: User) -> Indicator:
    benefit = add_benefit(
        initiative=initiative, actor=bob, description="Frigjort tid", kind=BenefitKind.INDIRECT
    )
    return add_indicator(
        benefit=benefit,
        actor=bob,
        name="Timer per uke",
        unit=MeasureUnit.HOURS,
        baseline=Decimal(100),
        target=Decimal(50),
    )


def latest(indicator: Indicator) -> tuple[Decimal | None, date | None]:
    indicator.refresh_from_db()
    return indicator.latest_value, indicator.latest_measured_on


def test_a_measurement_updates_the_latest_unless_an_later_one_is_there(
    indicator: Indicator, bob: User
) -> None:
    assert latest(indicator) == (None, None)
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2025, 3, 1), value=Decimal(90)
    )
    assert latest(indicator) == (Decimal(90), date(2025, 3, 1))
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2025, 1, 1), value=Decimal(95)
    )
    assert latest(indicator) == (Decimal(90), date(2025, 3, 1))  # dated earlier: not the latest
    # Two of one date: the one recorded last is the latest.
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2025, 3, 1), value=Decimal(80)
    )
    assert latest(indicator) == (Decimal(80), date(2025, 3, 1))
    kept = latest(indicator)
    Indicator.objects.update(latest_value=None, latest_measured_on=None)
    refresh_latest_measurements(Indicator.objects.all())
    assert latest(indicator) == kept


def test_put_to_use_needs_the_measured_column_and_the_in_use_column(
    indicator: Indicator, bob: User
) -> None:
    initiative = indicator.benefit.initiative
    put_to_use = Initiative.objects.filter(put_to_use_q())
    move(initiative, bob, "Ny praksis", at(2025, 2, 1))
    assert not put_to_use.exists()
    with clock(at(2025, 3, 1)):
        record_measurement(
            indicator=indicator, actor=bob, measured_on=date(2025, 3, 1), value=Decimal(90)
        )
    assert list(put_to_use) == [initiative]


# The data migration ------------------------------------------------------------------------


def test_the_data_migration_fills_both_from_the_history(
    pilot: Initiative, indicator: Indicator, bob: User
) -> None:
    move(pilot, bob, "Ny praksis", at(2024, 3, 1))
    move(pilot, bob, "Avsluttet", at(2024, 4, 1))
    for day, value in ((1, 90), (20, 70), (10, 80)):
        record_measurement(
            indicator=indicator, actor=bob, measured_on=date(2025, 3, day), value=Decimal(value)
        )
    unmeasured = add_indicator(
        benefit=indicator.benefit,
        actor=bob,
        name="Klager",
        unit=MeasureUnit.COUNT,
        baseline=Decimal(10),
        target=Decimal(2),
    )
    Initiative.objects.update(in_use_since=None)
    Indicator.objects.update(latest_value=Decimal(1), latest_measured_on=date(2000, 1, 1))
    migration = import_module("portfolio.migrations.0006_maintained_in_use_and_latest_measurement")
    migration.fill(apps, None)
    assert in_use_since(pilot) == at(2024, 3, 1)
    assert in_use_since(indicator.benefit.initiative) is None  # never in use
    assert latest(indicator) == (Decimal(70), date(2025, 3, 20))
    assert latest(unmeasured) == (None, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_measurements_recorded_at_once_leave_the_later_dated_as_latest(
    indicator: Indicator, bob: User, alice: User
) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def measure(actor: User, day: int, value: int) -> None:
        try:
            barrier.wait(timeout=10)
            record_measurement(
                indicator=Indicator.objects.get(pk=indicator.pk),
                actor=actor,
                measured_on=date(2025, 3, day),
                value=Decimal(value),
            )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=measure, args=(bob, 20, 70)),
        threading.Thread(target=measure, args=(alice, 1, 90)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert indicator.measurements.count() == 2
    assert latest(indicator) == (Decimal(70), date(2025, 3, 20))
