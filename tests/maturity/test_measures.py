"""Strategic measures: selectors, services, forms, views, concurrency and scoping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from maturity.models import MeasureNote, MeasureStatus, StrategicMeasure, StrategyPeriod
from maturity.selectors.measures import (
    current_measures,
    grouped_measures,
    measure_status_counts,
    overdue_measure_count,
)
from maturity.services.measures import add_measure_note, create_measure
from portal.models import Organisation, User
from portfolio.models import Initiative


def period(organisation: Organisation, start: int, end: int) -> StrategyPeriod:
    return StrategyPeriod.objects.get(organisation=organisation, start_year=start, end_year=end)


def measures_of(organisation: Organisation, start: int, end: int) -> list[StrategicMeasure]:
    return list(period(organisation, start, end).measures.order_by("order"))


def note(measure: StrategicMeasure, author: User, status: MeasureStatus, text: str = "") -> None:
    measure.refresh_from_db()
    add_measure_note(
        measure=measure,
        actor=author,
        expected_version=measure.version,
        text=text or f"Status: {status.label}",
        status=status,
    )


# Selectors ------------------------------------------------------------------------------


def test_current_measures_are_those_of_every_period_containing_the_year(
    organisation: Organisation,
) -> None:
    in_2027 = current_measures(organisation=organisation, year=2027)
    labels = {m.period.label for m in in_2027}
    assert labels == {"2026–27", "2027–28"}
    assert len(in_2027) == 5 + 6
    assert {m.period.label for m in current_measures(organisation=organisation, year=2025)} == {
        "2025"
    }
    assert current_measures(organisation=organisation, year=2031) == []


def test_current_measures_carry_owner_note_count_latest_note_and_initiatives(
    organisation: Organisation, leader: User, admin: User, initiative: Initiative
) -> None:
    first = measures_of(organisation, 2025, 2025)[0]
    note(first, leader, MeasureStatus.IN_PROGRESS, "Saken er sendt til politisk behandling.")
    note(first, admin, MeasureStatus.DONE, "Vedtatt i kommunestyret.")
    first.initiatives.add(initiative)
    measures = current_measures(organisation=organisation, year=2025)
    with CaptureQueriesContext(connection) as queries:
        found = next(m for m in measures if m.pk == first.pk)
        assert found.note_count == 2
        latest = found.latest_note
        assert latest is not None and latest.text == "Vedtatt i kommunestyret."
        assert latest.author == admin
        assert [i.idea.title for i in found.initiatives.all()] == [initiative.idea.title]
        assert found.status == MeasureStatus.DONE
        others = [m for m in measures if m.pk != first.pk]
        assert all(m.note_count == 0 and m.latest_note is None for m in others)
    assert len(queries) == 0, "everything the list shows is fetched with it"


def test_current_measures_take_the_same_queries_for_many_rows(
    organisation: Organisation,
    leader: User,
    make_initiative: Callable[..., Initiative],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(3):
        current_measures(organisation=organisation, year=2025)
    p2025 = period(organisation, 2025, 2025)
    for n in range(5):
        measure = create_measure(
            organisation=organisation,
            actor=leader,
            period=p2025,
            text=f"Ekstra tiltak {n}",
            owner=leader,
            initiatives=[make_initiative(title=f"Initiativ {n}")],
        )
        note(measure, leader, MeasureStatus.IN_PROGRESS)
        note(measure, leader, MeasureStatus.DELAYED)
    with django_assert_num_queries(3):
        measures = current_measures(organisation=organisation, year=2025)
        assert len(measures) == 6 + 5
        assert all(m.latest_note is not None for m in measures[6:])


def test_measure_status_counts_count_every_status_of_the_year_in_one_query(
    organisation: Organisation,
    leader: User,
    other_organisation: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first, second, third, *_ = measures_of(organisation, 2025, 2025)
    note(first, leader, MeasureStatus.DONE)
    note(second, leader, MeasureStatus.DONE)
    note(third, leader, MeasureStatus.DELAYED)
    with django_assert_num_queries(1):
        counts = measure_status_counts(organisation=organisation, year=2025)
    assert counts == {"not_started": 3, "in_progress": 0, "done": 2, "delayed": 1}
    assert list(counts) == [s.value for s in MeasureStatus]
    assert measure_status_counts(organisation=organisation, year=2027) == {
        "not_started": 11,
        "in_progress": 0,
        "done": 0,
        "delayed": 0,
    }
    assert sum(measure_status_counts(organisation=other_organisation, year=2025).values()) == 6
    assert measure_status_counts(organisation=organisation, year=2040) == dict.fromkeys(
        [s.value for s in MeasureStatus], 0
    )


def test_overdue_count_leaves_out_done_measures_and_those_without_a_date(
    organisation: Organisation, leader: User
) -> None:
    first, second, third, *_ = measures_of(organisation, 2025, 2025)  # due 31.12.2025
    note(first, leader, MeasureStatus.DONE)
    StrategicMeasure.objects.filter(pk=third.pk).update(due_date=None)
    assert (
        overdue_measure_count(organisation=organisation, year=2025, today=date(2025, 12, 31)) == 0
    )
    overdue = overdue_measure_count(organisation=organisation, year=2025, today=date(2026, 1, 1))
    assert overdue == 4
    assert overdue == sum(
        m.is_overdue(date(2026, 1, 1))
        for m in current_measures(organisation=organisation, year=2025)
    )
    assert second.pk not in {first.pk, third.pk}


def test_grouped_measures_put_the_current_period_first_and_filter(
    organisation: Organisation, leader: User
) -> None:
    groups = grouped_measures(organisation=organisation, year=2027)
    assert [g.period.label for g in groups] == ["2026–27", "2027–28", "2025", "2029"]
    assert [g.is_current for g in groups] == [True, True, False, False]
    p2029 = period(organisation, 2029, 2029)
    only = grouped_measures(organisation=organisation, year=2027, period=p2029.pk)
    assert [g.period.label for g in only] == ["2029"] and len(only[0].measures) == 2
    first = measures_of(organisation, 2025, 2025)[0]
    note(first, leader, MeasureStatus.IN_PROGRESS)
    running = grouped_measures(organisation=organisation, year=2027, status="in_progress")
    assert [[m.pk for m in g.measures] for g in running] == [[first.pk]]
    late = grouped_measures(
        organisation=organisation, year=2027, overdue=True, today=date(2027, 6, 1)
    )
    assert [g.period.label for g in late] == ["2025"] and len(late[0].measures) == 6
    assert MeasureNote.objects.count() == 1


# Views ----------------------------------------------------------------------------------


def test_smoke_pages(
    organisation: Organisation, admin: User, initiative: Initiative, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(admin)
    first = measures_of(organisation, 2025, 2025)[0]
    first.initiatives.add(initiative)
    for url in (
        reverse("maturity:measures"),
        reverse("maturity:measures") + "?status=done&periode=x&over_fristen=on",
        reverse("maturity:measure", args=[first.pk]),
        reverse("maturity:measure_edit", args=[first.pk]),
        reverse("maturity:measure_create"),
        reverse("maturity:measure_delete", args=[first.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
