"""Strategic measures: selectors, services, forms, views, concurrency and scoping."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ideas.models import InnovationType
from ideas.services import submit_idea
from maturity.demo import seed_demo
from maturity.events import MaturityAction
from maturity.forms.measures import MeasureForm, MeasureNoteForm
from maturity.models import MeasureNote, MeasureStatus, StrategicMeasure, StrategyPeriod
from maturity.selectors.measures import (
    current_measures,
    grouped_measures,
    measure_status_counts,
    overdue_measure_count,
)
from maturity.services.measures import (
    add_measure_note,
    create_measure,
    delete_measure,
    update_measure,
)
from portal.concurrency import StaleVersion
from portal.events import describe
from portal.models import DomainEvent, Organisation, Unit, User
from portfolio.models import Initiative, MunicipalRole, Phase, PhaseKind
from portfolio.services.triage import accept_idea
from tests.maturity.races import race


def rows(html: str) -> int:
    """How many measure rows a page shows."""
    return len(re.findall(r'<tr id="measure-\d+"', html))


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


# Services -------------------------------------------------------------------------------


def events(action: str) -> list[DomainEvent]:
    return list(DomainEvent.objects.filter(action=action).order_by("id"))


def test_a_progress_note_sets_the_measures_status_and_is_an_event(
    organisation: Organisation, leader: User
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    written = add_measure_note(
        measure=measure,
        actor=leader,
        expected_version=measure.version,
        text="  Saken er sendt til formannskapet.  ",
        status=MeasureStatus.IN_PROGRESS,
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS and measure.version == 2
    assert written.text == "Saken er sendt til formannskapet." and written.author == leader
    (event,) = events(MaturityAction.MEASURE_NOTE_ADDED)
    assert event.actor == leader and event.subject_id == measure.pk
    assert event.before["status"] == "not_started" and event.after["status"] == "in_progress"
    assert describe(event) == (
        "Lena skrev et fremdriftsnotat på tiltaket «Strategien vedtas i kommunestyret»."
    )


def test_two_leaders_writing_at_once_the_second_is_refused_not_lost(
    organisation: Organisation, leader: User, admin: User
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    seen = measure.version
    add_measure_note(
        measure=measure,
        actor=leader,
        expected_version=seen,
        text="Først",
        status=MeasureStatus.DONE,
    )
    with pytest.raises(StaleVersion) as refused:
        add_measure_note(
            measure=measure,
            actor=admin,
            expected_version=seen,
            text="Samtidig",
            status=MeasureStatus.DELAYED,
        )
    assert refused.value.current.status == MeasureStatus.DONE
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert list(measure.notes.values_list("text", flat=True)) == ["Først"]


def test_update_measure_records_only_what_changed_and_bumps_the_version(
    organisation: Organisation, admin: User, leader: User, initiative: Initiative
) -> None:
    measure = measures_of(organisation, 2025, 2025)[1]
    p2026 = period(organisation, 2026, 2027)
    updated = update_measure(
        measure=measure,
        actor=admin,
        expected_version=1,
        text=measure.text,
        description="Alle tjenesteområder",
        period=p2026,
        owner=leader,
        due_date=date(2026, 6, 30),
        initiatives=[initiative],
    )
    assert updated.version == 2 and updated.period == p2026 and updated.owner == leader
    assert list(updated.initiatives.all()) == [initiative]
    (event,) = events(MaturityAction.MEASURE_UPDATED)
    assert set(event.after) == {"text", "description", "period", "owner", "due_date", "initiatives"}
    assert event.after["initiatives"] == [initiative.pk]
    # Saving the same again changes nothing: no new version, no event.
    update_measure(
        measure=updated,
        actor=admin,
        expected_version=2,
        text=updated.text,
        description="Alle tjenesteområder",
        period=p2026,
        owner=leader,
        due_date=date(2026, 6, 30),
        initiatives=[initiative],
    )
    updated.refresh_from_db()
    assert updated.version == 2 and len(events(MaturityAction.MEASURE_UPDATED)) == 1
    with pytest.raises(StaleVersion):
        update_measure(
            measure=updated,
            actor=admin,
            expected_version=1,
            text="Gammel",
            description="",
            period=p2026,
            owner=None,
            due_date=None,
            initiatives=[],
        )


def test_the_services_refuse_another_organisations_period_owner_and_initiatives(
    organisation: Organisation,
    other_organisation: Organisation,
    admin: User,
    charlie: User,
    other_admin: User,
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    theirs = period(other_organisation, 2025, 2025)
    unit = Unit.objects.create(organisation=other_organisation, name="Lunner helse")
    kind = InnovationType.objects.filter(organisation=other_organisation).first()
    assert kind is not None
    idea = submit_idea(
        organisation=other_organisation,
        submitter=charlie,
        title="Lunner-initiativ",
        question="Hvordan kan vi?",
        need="Et behov.",
        innovation_type=kind,
        unit=unit,
        notify_board=False,
    )
    phase = Phase.objects.filter(organisation=other_organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    foreign = accept_idea(
        idea=idea, actor=other_admin, phase=phase, owner=None, role=MunicipalRole.CONTRIBUTOR
    )
    with pytest.raises(ValidationError) as refused:
        update_measure(
            measure=measure,
            actor=admin,
            expected_version=1,
            text=measure.text,
            description="",
            period=theirs,
            owner=charlie,
            due_date=None,
            initiatives=[foreign],
        )
    assert set(refused.value.message_dict) == {"period", "owner", "initiatives"}
    with pytest.raises(ValidationError):
        create_measure(
            organisation=organisation, actor=admin, period=theirs, text="Et tiltak i feil kommune"
        )
    measure.refresh_from_db()
    assert measure.version == 1 and not measure.initiatives.exists()


def test_create_and_delete_measure_are_events(organisation: Organisation, admin: User) -> None:
    p2029 = period(organisation, 2029, 2029)
    measure = create_measure(
        organisation=organisation, actor=admin, period=p2029, text=" Innovasjonspris deles ut "
    )
    assert measure.text == "Innovasjonspris deles ut" and measure.order == 3
    add_measure_note(
        measure=measure, actor=admin, expected_version=1, text="Jury", status=MeasureStatus.DONE
    )
    with pytest.raises(StaleVersion):
        delete_measure(measure=measure, actor=admin, expected_version=1)
    delete_measure(measure=measure, actor=admin, expected_version=2)
    assert not StrategicMeasure.objects.filter(pk=measure.pk).exists()
    (deleted,) = events(MaturityAction.MEASURE_DELETED)
    assert deleted.before["text"] == "Innovasjonspris deles ut" and deleted.before["notes"] == 1
    assert len(events(MaturityAction.MEASURE_CREATED)) == 1


# Forms ----------------------------------------------------------------------------------


def test_measure_form_refuses_bad_input_in_bokmal_at_the_field(
    organisation: Organisation, other_organisation: Organisation, charlie: User
) -> None:
    theirs = period(other_organisation, 2025, 2025)
    form = MeasureForm(
        {
            "text": "",
            "period": str(theirs.pk),
            "owner": str(charlie.pk),
            "due_date": "31.02.2026",
            "initiatives": ["999999", "x"],
            "versjon": "1",
        },
        organisation=organisation,
    )
    assert not form.is_valid()
    assert form.errors == {
        "text": ["Skriv hva tiltaket er."],
        "period": ["Velg en av periodene i listen."],
        "owner": ["Velg en ansvarlig fra listen over personer."],
        "due_date": ["Skriv en gyldig dato, for eksempel 31.12.2026."],
        "initiatives": ["Velg bare initiativer fra listen."],
    }


def test_note_form_refuses_an_empty_note_and_an_unknown_status() -> None:
    form = MeasureNoteForm({"text": " ", "status": "ferdig", "versjon": "١"})
    assert not form.is_valid()
    assert form.errors == {
        "text": ["Skriv hva som har skjedd med tiltaket."],
        "status": ["Velg ikke startet, pågår, fullført eller forsinket."],
    }
    assert form.cleaned_data["versjon"] == 0  # a garbled version is a conflict, never a 500


# Views ----------------------------------------------------------------------------------


def test_measures_page_groups_by_period_current_first_with_status_owner_and_overdue_flag(
    organisation: Organisation,
    leader: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    today = timezone.localdate()
    late, running, *_ = measures_of(organisation, 2025, 2025)
    StrategicMeasure.objects.filter(pk=late.pk).update(
        owner=leader, due_date=today - timedelta(days=3)
    )
    note(running, leader, MeasureStatus.DONE, "Ferdig og levert.")
    StrategicMeasure.objects.filter(pk=running.pk).update(due_date=today - timedelta(days=3))
    late.initiatives.add(initiative)
    html = client_for(leader).get(reverse("maturity:measures")).content.decode()
    assert "Modenhetstrappen er kommunens egen modell" not in html
    row = html[html.index(f'id="measure-{late.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Lena" in row and "Ikke startet" in row and "Forsinket – over fristen" in row
    assert reverse("portfolio:initiative", args=[initiative.pk]) in row
    assert initiative.idea.title in row
    done_row = html[html.index(f'id="measure-{running.pk}"') :]
    done_row = done_row[: done_row.index("</tr>")]
    assert "Fullført" in done_row and "over fristen" not in done_row  # done is never overdue
    assert "Lena" in done_row and "1 notat" in done_row


def test_measures_page_puts_the_current_period_first(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    with time_machine.travel(date(2027, 3, 1), tick=False):
        html = client_for(leader).get(reverse("maturity:measures")).content.decode()
    headings = [h.split(":")[0].strip() for h in html.split("Periode ")[1:] if "mål" in h[:60]]
    assert headings[:4] == ["2026–27", "2027–28", "2025", "2029"]
    assert html.count("Nåværende periode") == 2


def test_measures_filters_live_in_the_url_and_bad_values_are_reported(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    first = measures_of(organisation, 2025, 2025)[0]
    note(first, leader, MeasureStatus.DELAYED)
    p2025 = period(organisation, 2025, 2025)
    url = reverse("maturity:measures") + f"?periode={p2025.pk}&status=delayed"
    response = client.get(url)
    html = response.content.decode()
    assert f'id="measure-{first.pk}"' in html and rows(html) == 1
    assert "Fjern filtrene" in html
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and f'id="measure-{first.pk}"' in fragment
    assert fragment.lstrip().startswith('<div id="measure-list"')
    bad = client.get(reverse("maturity:measures") + "?periode=abc&status=ferdig")
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Velg en av periodene i listen." in text and "Velg en av statusene i listen." in text
    assert rows(text) == 19  # the bad filters are not used
    none = client.get(reverse("maturity:measures") + "?status=done").content.decode()
    assert "Ingen tiltak passer med filtrene." in none


def test_measures_page_pins_its_queries_and_they_do_not_grow_with_rows(
    organisation: Organisation,
    leader: User,
    make_initiative: Callable[..., Initiative],
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(leader)
    client.get(reverse("maturity:measures"))  # sessions and such warmed up
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("maturity:measures"))
    p2025 = period(organisation, 2025, 2025)
    for n in range(4):
        extra = create_measure(
            organisation=organisation,
            actor=leader,
            period=p2025,
            text=f"Ekstra {n}",
            owner=leader,
            initiatives=[make_initiative(title=f"Tiltaksinitiativ {n}")],
        )
        note(extra, leader, MeasureStatus.IN_PROGRESS)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("maturity:measures"))
    assert rows(response.content.decode()) == 19 + 4


# Session, user, membership; the periods, the measures, their latest notes and their
# initiatives.
LIST_QUERIES = 7


def test_a_leader_writes_a_progress_note_and_sees_who_and_when(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    client = client_for(leader)
    url = reverse("maturity:measure_note", args=[measure.pk])
    with time_machine.travel(datetime(2026, 3, 4, 9, 15, tzinfo=UTC), tick=False):
        response = client.post(
            url, {"text": "Vedtatt i kommunestyret.", "status": "done", "versjon": "1"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("maturity:measure", args=[measure.pk]) + "#notes"
    page = client.get(response["Location"]).content.decode()
    assert "Fremdriftsnotatet er lagret. Tiltaket har nå status «Fullført»." in page
    assert "Vedtatt i kommunestyret." in page and "<strong>Lena</strong>" in page
    assert "4. mars 2026" in page and "Status: Fullført" in page
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE


def test_a_refused_note_keeps_the_text_and_says_why(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    url = reverse("maturity:measure_note", args=[measure.pk])
    response = client_for(leader).post(
        url, {"text": "Halvferdig notat", "status": "", "versjon": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg statusen tiltaket har nå." in html and "Halvferdig notat" in html
    assert not MeasureNote.objects.exists()


def test_a_note_written_meanwhile_is_shown_and_the_second_note_is_kept_for_sending_again(
    organisation: Organisation,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    url = reverse("maturity:measure_note", args=[measure.pk])
    first = client_for(admin).post(
        url, {"text": "Sendt til politisk behandling.", "status": "in_progress", "versjon": "1"}
    )
    assert first.status_code == 302
    second = client_for(leader).post(url, {"text": "Mitt notat", "status": "done", "versjon": "1"})
    assert second.status_code == 200
    html = second.content.decode()
    assert "Ada oppdaterte tiltaket mens du skrev, og det har nå status «Pågår»." in html
    assert "Mitt notat" in html and "Sendt til politisk behandling." in html
    assert 'name="versjon" value="2"' in html
    assert list(MeasureNote.objects.values_list("text", flat=True)) == [
        "Sendt til politisk behandling."
    ]
    again = client_for(leader).post(url, {"text": "Mitt notat", "status": "done", "versjon": "2"})
    assert again.status_code == 302 and MeasureNote.objects.count() == 2


def test_measure_page_pins_its_queries_and_they_do_not_grow_with_notes(
    organisation: Organisation,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    client = client_for(leader)
    url = reverse("maturity:measure", args=[measure.pk])
    client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url)
    for n in range(5):
        note(measure, admin if n % 2 else leader, MeasureStatus.IN_PROGRESS, f"Notat {n}")
    with django_assert_num_queries(DETAIL_QUERIES):
        html = client.get(url).content.decode()
    assert "Fremdrift (5 notater)" in html and html.count('class="comment"') == 5


# Session, user, membership; the measure, its latest note and initiatives; all its notes.
DETAIL_QUERIES = 7


def test_an_admin_edits_a_measure_with_the_organisations_people_and_initiatives(
    organisation: Organisation,
    admin: User,
    leader: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    measure = measures_of(organisation, 2025, 2025)[2]
    p2026 = period(organisation, 2026, 2027)
    client = client_for(admin)
    url = reverse("maturity:measure_edit", args=[measure.pk])
    form = client.get(url).content.decode()
    # The people are listed; an initiative not chosen is found by the picker's search.
    assert "Lena" in form and initiative.idea.title not in form
    search = reverse("maturity:initiative_search", args=["initiatives"])
    found = client.get(search, {"initiatives_sok": initiative.idea.title}).content.decode()
    assert f'value="{initiative.pk}"' in found
    response = client.post(
        url,
        {
            "text": "Strategien innarbeides i porteføljestyringen",
            "description": "",
            "period": str(p2026.pk),
            "owner": str(leader.pk),
            "due_date": "2026-09-30",
            "initiatives": [str(initiative.pk)],
            "versjon": "1",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.text == "Strategien innarbeides i porteføljestyringen"
    assert measure.period == p2026 and measure.owner == leader
    assert measure.due_date == date(2026, 9, 30)
    assert list(measure.initiatives.all()) == [initiative]


def test_another_organisations_ids_are_refused_on_the_measure_form(
    organisation: Organisation,
    other_organisation: Organisation,
    admin: User,
    charlie: User,
    other_admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    unit = Unit.objects.create(organisation=other_organisation, name="Lunner skole")
    kind = InnovationType.objects.filter(organisation=other_organisation).first()
    assert kind is not None
    phase = Phase.objects.filter(organisation=other_organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    foreign = accept_idea(
        idea=submit_idea(
            organisation=other_organisation,
            submitter=charlie,
            title="Lunners hemmelige initiativ",
            question="Hvordan kan vi?",
            need="Et behov.",
            innovation_type=kind,
            unit=unit,
            notify_board=False,
        ),
        actor=other_admin,
        phase=phase,
        owner=None,
        role=MunicipalRole.CONTRIBUTOR,
    )
    client = client_for(admin)
    form = client.get(reverse("maturity:measure_edit", args=[measure.pk])).content.decode()
    assert "Lunners hemmelige initiativ" not in form and "Charlie" not in form
    response = client.post(
        reverse("maturity:measure_edit", args=[measure.pk]),
        {
            "text": measure.text,
            "period": str(period(other_organisation, 2025, 2025).pk),
            "owner": str(charlie.pk),
            "initiatives": [str(foreign.pk)],
            "versjon": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Velg en av periodene i listen." in html
    assert "Velg en ansvarlig fra listen over personer." in html
    assert "Velg bare initiativer fra listen." in html
    measure.refresh_from_db()
    assert measure.version == 1 and not measure.initiatives.exists()


def test_an_edit_made_meanwhile_is_shown_not_overwritten(
    organisation: Organisation,
    admin: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    note(measure, leader, MeasureStatus.IN_PROGRESS)  # now at version 2
    p2025 = period(organisation, 2025, 2025)
    response = client_for(admin).post(
        reverse("maturity:measure_edit", args=[measure.pk]),
        {"text": "Mitt nye navn", "period": str(p2025.pk), "versjon": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lena lagret tiltaket mens du skrev (nå versjon 2). Ingenting er overskrevet." in html
    assert 'value="Mitt nye navn"' in html and 'name="versjon" value="2"' in html
    measure.refresh_from_db()
    assert measure.text == "Strategien vedtas i kommunestyret"


def test_an_admin_creates_and_deletes_a_measure(
    organisation: Organisation, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(admin)
    p2029 = period(organisation, 2029, 2029)
    page = client.get(reverse("maturity:measure_create") + f"?periode={p2029.pk}").content.decode()
    assert f'<option value="{p2029.pk}" selected>' in page
    empty = client.post(reverse("maturity:measure_create"), {"period": str(p2029.pk)})
    assert "Skriv hva tiltaket er." in empty.content.decode()
    response = client.post(
        reverse("maturity:measure_create"), {"text": "Innovasjonspris", "period": str(p2029.pk)}
    )
    measure = StrategicMeasure.objects.get(text="Innovasjonspris")
    assert response["Location"] == reverse("maturity:measure", args=[measure.pk])
    url = reverse("maturity:measure_delete", args=[measure.pk])
    assert "Ja, slett tiltaket" in client.get(url).content.decode()
    stale = client.post(url, {"versjon": "7"})
    assert stale["Location"] == reverse("maturity:measure", args=[measure.pk])
    assert StrategicMeasure.objects.filter(pk=measure.pk).exists()
    assert client.post(url, {"versjon": "1"})["Location"] == reverse("maturity:measures")
    assert not StrategicMeasure.objects.filter(pk=measure.pk).exists()


def test_leaders_follow_measures_but_only_admins_change_them(
    organisation: Organisation,
    alice: User,
    bob: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    leader_client = client_for(leader)
    page = leader_client.get(reverse("maturity:measure", args=[measure.pk])).content.decode()
    assert "Endre tiltaket" not in page and "Skriv et fremdriftsnotat" in page
    assert leader_client.get(reverse("maturity:measure_edit", args=[measure.pk])).status_code == 403
    for user in (alice, bob):
        url = reverse("maturity:measure_note", args=[measure.pk])
        response = client_for(user).post(url, {"text": "x", "status": "done", "versjon": "1"})
        assert response.status_code == 403
    assert not MeasureNote.objects.exists()


# Demo -----------------------------------------------------------------------------------


def test_the_demo_strategy_is_under_way_with_an_overdue_measure_and_seeds_once(
    db: None,
) -> None:
    seeded = seed_demo()
    organisation = seeded.organisation
    measures = current_measures(organisation=organisation, year=2025) + current_measures(
        organisation=organisation, year=2026
    )
    today = timezone.localdate()
    assert any(m.is_overdue(today) for m in measures)
    assert {m.status for m in measures} >= {
        MeasureStatus.DONE,
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.DELAYED,
        MeasureStatus.NOT_STARTED,
    }
    assert sum(1 for m in measures if m.owner is not None) >= 8
    assert sum(m.initiatives.count() for m in measures) >= 5
    notes = MeasureNote.objects.filter(measure__organisation=organisation).count()
    assert notes >= 8
    assert len(events(MaturityAction.MEASURE_NOTE_ADDED)) == notes
    before = (notes, DomainEvent.objects.count(), StrategicMeasure.objects.count())
    seed_demo()
    after = (
        MeasureNote.objects.filter(measure__organisation=organisation).count(),
        DomainEvent.objects.count(),
        StrategicMeasure.objects.count(),
    )
    assert after == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leaders_posting_notes_at_once_save_exactly_one(
    organisation: Organisation, leader: User, admin: User
) -> None:
    measure = measures_of(organisation, 2025, 2025)[0]
    url = reverse("maturity:measure_note", args=[measure.pk])
    statuses = race(
        [
            (leader, {"text": "Lenas notat", "status": "done", "versjon": "1"}),
            (admin, {"text": "Adas notat", "status": "delayed", "versjon": "1"}),
        ],
        url,
    )
    assert sorted(statuses) == [200, 302]  # one saved, the other shown the first
    (saved,) = MeasureNote.objects.filter(measure=measure)
    measure.refresh_from_db()
    assert measure.version == 2 and measure.status == saved.status
    assert len(events(MaturityAction.MEASURE_NOTE_ADDED)) == 1
