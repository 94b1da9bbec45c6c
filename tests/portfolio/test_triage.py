"""Triage: the board's inbox, the assessment and the four decisions on an idea."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ideas.models import Follow, Idea, IdeaStatus, Notification, Support
from ideas.services import follow_idea, submit_idea, support_idea
from portal.models import DomainEvent, Organisation, Role, Unit, User
from portal.services import add_member
from portfolio.exceptions import NotDecidable
from portfolio.models import (
    Assessment,
    Decision,
    DecisionKind,
    Initiative,
    MunicipalRole,
    Phase,
    PhaseKind,
)
from portfolio.selectors.triage import triage_inbox
from portfolio.services.triage import assess_idea, merge_idea, park_idea, reject_idea

# A fixed day instead of one computed at import: a run that crosses midnight (or starts
# late in the evening, Oslo time) would otherwise park ideas «until» today. The clock
# still ticks, from 10:00 on that day, so events keep their order.
TODAY = date(2026, 3, 4)
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _on_a_fixed_day() -> Iterator[None]:
    start = datetime.combine(TODAY, time(10), tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def phase(organisation: Organisation) -> Phase:
    found = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE).first()
    assert found is not None
    return found


@pytest.fixture
def board(bob: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(bob)


@pytest.fixture
def other_board(other_organisation: Organisation) -> User:
    """A board member of another municipality."""
    membership = add_member(
        organisation=other_organisation,
        email="styret@lunner.example",
        role=Role.BOARD,
        first_name="Live",
        password="pw",
    )
    return membership.user


def treat_url(idea: Idea) -> str:
    return reverse("portfolio:triage_idea", args=[idea.pk])


def scores(**overrides: str) -> dict[str, str]:
    values = {
        "handling": "assess",
        "strategic_value": "5",
        "qualitative_benefit": "4",
        "economic_benefit": "4",
        "operational_need": "3",
        "risk": "4",
        "adjustment": "1",
    }
    return {**values, **overrides}


# The inbox ------------------------------------------------------------------------------


def test_inbox_selector_holds_new_ideas_and_parked_ones_that_are_due(
    make_idea: Callable[..., Idea], bob: User
) -> None:
    first = make_idea(title="Først")
    second = make_idea(title="Deretter")
    due = make_idea(title="Parkert, nå aktuell")
    later = make_idea(title="Parkert, senere")
    park_idea(idea=due, actor=bob, revisit_on=TOMORROW)
    park_idea(idea=later, actor=bob, revisit_on=TOMORROW + timedelta(days=30))
    today = TOMORROW  # the day the first one is to be looked at again
    ideas = list(triage_inbox(organisation=first.organisation, today=today))
    assert [i.title for i in ideas] == ["Først", "Deretter", "Parkert, nå aktuell"]
    assert ideas[2].revisit_on == TOMORROW  # type: ignore[attr-defined]
    assert second.pk in {i.pk for i in ideas}


def test_inbox_shows_type_unit_foundations_with_a_zero_warning_and_the_score(
    make_idea: Callable[..., Idea], bob: User, board: Client
) -> None:
    scored = make_idea(title="Vurdert idé", score_need=2, score_team=0)
    make_idea(title="Uvurdert idé")
    assess_idea(
        idea=scored,
        actor=bob,
        strategic_value=5,
        qualitative_benefit=5,
        economic_benefit=4,
        operational_need=4,
        risk=4,
        adjustment=1,
    )
    html = board.get(reverse("portfolio:triage")).content.decode()
    assert html.index("Vurdert idé") < html.index("Uvurdert idé")  # oldest first
    assert "Tjenesteinnovasjon" in html and "Hjemmetjenesten" in html
    assert "Behov: 2" in html
    assert "Team: <strong>0 – mangler</strong>" in html
    assert "Advarsel: minst ett fundament er null" in html  # in words, not colour alone
    assert "<strong>23</strong> poeng" in html and "Må ha" in html
    assert "Ikke vurdert" in html
    assert reverse("portfolio:triage_idea", args=[scored.pk]) in html


def test_inbox_marks_parked_ideas_that_are_due(
    make_idea: Callable[..., Idea], bob: User, board: Client
) -> None:
    idea = make_idea(title="Vente og se")
    park_idea(idea=idea, actor=bob, revisit_on=TOMORROW)
    Decision.objects.filter(idea=idea).update(revisit_on=timezone.localdate())
    html = board.get(reverse("portfolio:triage")).content.decode()
    assert "Vente og se" in html
    assert "Til ny vurdering fra" in html


def test_inbox_is_a_page_without_htmx_and_a_fragment_with_it(idea: Idea, board: Client) -> None:
    page = board.get(reverse("portfolio:triage")).content.decode()
    fragment = board.get(reverse("portfolio:triage"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and 'id="triage-list"' in page
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="triage-list"')
    assert idea.title in fragment


def test_inbox_query_count_does_not_grow_with_ideas(
    make_idea: Callable[..., Idea],
    bob: User,
    board: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first = make_idea()
    assess_idea(
        idea=first,
        actor=bob,
        strategic_value=3,
        qualitative_benefit=3,
        economic_benefit=3,
        operational_need=3,
        risk=3,
    )
    # session, user, membership, count, page (ideas with unit, type, submitter, assessment)
    with django_assert_num_queries(5):
        board.get(reverse("portfolio:triage"))
    for n in range(15):
        idea = make_idea(title=f"Idé {n}", score_need=n % 4)
        if n % 3 == 0:
            park_idea(idea=idea, actor=bob, revisit_on=TOMORROW)
    with django_assert_num_queries(5):
        board.get(reverse("portfolio:triage"))


def test_nav_inbox_link_goes_to_the_triage_inbox(idea: Idea, board: Client) -> None:
    html = board.get(reverse("home")).content.decode()
    assert f'href="{reverse("portfolio:triage")}"' in html


# The treat page -------------------------------------------------------------------------


def test_treat_page_shows_the_idea_and_the_forms(idea: Idea, board: Client) -> None:
    html = board.get(treat_url(idea)).content.decode()
    assert f"Behandle idé: {idea.title}" in html
    assert idea.question in html
    for text in ("Strategisk verdi", "Kvalitativ gevinst", "Økonomisk gevinst"):
        assert text in html
    assert "Operasjonelt behov / lovpålagt" in html and "Manuell justering" in html
    for text in ("Godkjenn idéen", "Parker idéen", "Avvis idéen", "Slå sammen"):
        assert text in html
    assert "Bidragsyter" in html and "Vente å se" in html  # the municipality's role
    assert 'name="meeting"' not in html


def test_assessment_is_saved_and_shows_total_and_priority(
    idea: Idea, bob: User, board: Client
) -> None:
    response = board.post(treat_url(idea), scores(), follow=True)
    assessment = Assessment.objects.get(idea=idea)
    assert (assessment.total, str(assessment.priority.label)) == (21, "Bør ha")
    assert assessment.assessed_by == bob
    html = response.content.decode()
    assert "Vurderingen er lagret: 21 poeng, Bør ha." in html
    assert "<strong>21</strong> poeng" in html
    # Scored again: the form starts from the saved values.
    assert 'value="1"' in html and 'name="adjustment"' in html
    event = DomainEvent.objects.get(action="idea.assessed")
    assert event.after["priority"] == "should"


def test_accept_makes_an_initiative_with_owner_team_role_and_case_number(
    idea: Idea, bob: User, alice: User, leader: User, phase: Phase, board: Client
) -> None:
    data = {
        "handling": "accept",
        "versjon": str(idea.version),
        "phase": str(phase.pk),
        "owner": str(alice.pk),
        "team": [str(alice.pk), str(leader.pk)],
        "role": "3",
        "basis": "Stort behov i hjemmetjenesten.",
        "case_number": "2026/117",
    }
    response = board.post(treat_url(idea), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:triage")
    initiative = Initiative.objects.get(idea=idea)
    assert (initiative.phase, initiative.owner, initiative.role) == (
        phase,
        alice,
        MunicipalRole.INITIATOR,
    )
    assert set(initiative.team.all()) == {alice, leader}
    decision = Decision.objects.get(idea=idea)
    assert (decision.kind, decision.decided_by, decision.case_number) == ("accept", bob, "2026/117")
    assert decision.basis == "Stort behov i hjemmetjenesten."
    page = board.get(response["Location"]).content.decode()
    assert f"«{idea.title}» er godkjent og lagt i fasen {phase.name}." in page


def test_park_sets_a_date_to_look_again(idea: Idea, board: Client) -> None:
    data = {"handling": "park", "revisit_on": TOMORROW.isoformat(), "basis": "Vente og se."}
    response = board.post(treat_url(idea), {**data, "versjon": str(idea.version)})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PARKED
    assert Decision.objects.get(idea=idea).revisit_on == TOMORROW


def test_reject_tells_the_submitter_the_reason(
    idea: Idea, alice: User, bob: User, board: Client
) -> None:
    data = {"handling": "reject", "basis": "Dekkes av et nasjonalt prosjekt.", "case_number": ""}
    response = board.post(treat_url(idea), {**data, "versjon": str(idea.version)})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.REJECTED
    notification = Notification.objects.get(recipient=alice, idea=idea)
    assert "Avvist" in notification.message
    assert "Begrunnelse: Dekkes av et nasjonalt prosjekt." in notification.message


def test_merge_carries_followers_and_supporters_over(
    make_idea: Callable[..., Idea], leader: User, admin: User, board: Client
) -> None:
    duplicate = make_idea(title="Duplikat")
    target = make_idea(title="Originalen")
    follow_idea(idea=duplicate, user=leader)
    support_idea(idea=duplicate, user=admin)
    data = {"handling": "merge", "into": str(target.pk), "basis": "Samme behov."}
    response = board.post(treat_url(duplicate), {**data, "versjon": str(duplicate.version)})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert duplicate.status == IdeaStatus.MERGED
    assert Follow.objects.filter(idea=target, user=leader).exists()
    assert Support.objects.filter(idea=target, user=admin).exists()
    assert target.support_count == 1
    assert Decision.objects.get(idea=duplicate).merged_into == target


BAD_INPUT = [
    ("assess", "strategic_value", "0", "Velg en verdi fra 1 til 5."),
    ("assess", "qualitative_benefit", "6", "Velg en verdi fra 1 til 5."),
    ("assess", "risk", "x", "Velg en verdi fra 1 til 5."),
    ("assess", "economic_benefit", "", "Velg en verdi fra 1 til 5."),
    ("assess", "adjustment", "9", "Skriv et helt tall fra −5 til 5."),
    ("assess", "adjustment", "-6", "Skriv et helt tall fra −5 til 5."),
    ("assess", "adjustment", "litt", "Skriv et helt tall fra −5 til 5."),
    ("accept", "phase", "", "Velg fasen initiativet starter i."),
    ("accept", "phase", "999999", "Velg en av de aktive fasene på tavla."),
    ("accept", "owner", "", "Velg en pådriver."),
    ("accept", "owner", "999999", "Velg pådriveren blant de ansatte i kommunen."),
    ("accept", "role", "boss", "Velg en av de fire rollene."),
    ("accept", "case_number", "x" * 51, "50 eller færre tegn"),
    ("park", "revisit_on", "", "Velg når idéen skal vurderes igjen."),
    ("park", "revisit_on", "2020-01-01", "Velg en dato fram i tid."),
    ("park", "revisit_on", "i morgen", "Skriv en gyldig dato"),
    ("reject", "basis", "", "Skriv hvorfor idéen avvises."),
    ("reject", "basis", "   ", "Skriv hvorfor idéen avvises."),
    ("merge", "into", "", "Velg en åpen idé å slå sammen med."),
    ("merge", "into", "x", "Velg en åpen idé å slå sammen med."),
    ("merge", "into", "#", "Velg en åpen idé å slå sammen med."),
    ("merge", "into", "-3", "Velg en åpen idé å slå sammen med."),
    ("merge", "into", "١", "Velg en åpen idé å slå sammen med."),
    ("merge", "into", "9" * 30, "Velg en åpen idé å slå sammen med."),
    ("merge", "basis", "x" * 4001, "4000 eller færre tegn"),
]


@pytest.mark.parametrize(("action", "field", "value", "message"), BAD_INPUT)
def test_bad_input_gets_a_message_at_the_field_and_keeps_what_was_typed(
    action: str,
    field: str,
    value: str,
    message: str,
    idea: Idea,
    alice: User,
    phase: Phase,
    board: Client,
) -> None:
    valid = {
        "assess": scores(),
        "accept": {"phase": str(phase.pk), "owner": str(alice.pk), "role": "2"},
        "park": {"revisit_on": TOMORROW.isoformat()},
        "reject": {"basis": "Ikke nå."},
        "merge": {"into": "1"},
    }[action]
    data = {**valid, "handling": action, "basis": "Det vi skrev", field: value}
    response = board.post(treat_url(idea), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{action}{idea.pk}_{field}_error"' in html
    assert "Skjemaet har feil" in html
    # What was typed is still there: the basis, or on the assessment the adjustment.
    if action == "assess":
        typed = value if field == "adjustment" else "1"
        assert re.search(rf'name="adjustment" value="{re.escape(typed)}"', html)
    elif field != "basis":
        assert "Det vi skrev" in html
    assert not Decision.objects.exists() and not Assessment.objects.exists()


def test_merge_into_itself_is_refused(idea: Idea, board: Client) -> None:
    response = board.post(treat_url(idea), {"handling": "merge", "into": str(idea.pk)})
    assert "Velg en annen idé enn denne." in response.content.decode()
    assert not Decision.objects.exists()


def test_merge_into_another_organisations_idea_is_refused(
    idea: Idea, other_organisation: Organisation, charlie: User, board: Client
) -> None:
    foreign = submit_idea(
        organisation=other_organisation,
        submitter=charlie,
        title="Lunners idé",
        question="Hvordan kan vi gjøre noe i Lunner?",
        need="Et behov.",
        innovation_type=other_organisation.innovation_types.all()[0],
        unit=Unit.objects.create(organisation=other_organisation, name="Helse"),
        notify_board=False,
    )
    response = board.post(treat_url(idea), {"handling": "merge", "into": str(foreign.pk)})
    assert "Velg en åpen idé i kommunen." in response.content.decode()
    assert not Decision.objects.exists()


def test_merge_into_a_closed_idea_is_refused(
    make_idea: Callable[..., Idea], bob: User, board: Client
) -> None:
    idea = make_idea(title="Ny")
    closed = make_idea(title="Avvist")
    reject_idea(idea=closed, actor=bob, basis="Nei.")
    response = board.post(treat_url(idea), {"handling": "merge", "into": str(closed.pk)})
    html = response.content.decode()
    assert "Velg en åpen idé i kommunen." in html
    assert f"Avvist (#{closed.pk})" not in html  # not offered either
    assert f"Ny (#{idea.pk})" not in html  # nor the idea itself
    assert Decision.objects.filter(idea=idea).count() == 0


def test_deciding_an_idea_already_decided_gives_a_clear_message(
    idea: Idea, bob: User, board: Client
) -> None:
    reject_idea(idea=idea, actor=bob, basis="Nei.")
    response = board.post(
        treat_url(idea), {"handling": "park", "revisit_on": TOMORROW.isoformat()}, follow=True
    )
    html = response.content.decode()
    assert "Idéen er allerede behandlet (status: Avvist). Ingenting ble endret." in html
    assert "Idéen er ferdig behandlet" in html
    assert Decision.objects.filter(idea=idea).count() == 1


def test_service_refuses_a_decided_idea(idea: Idea, bob: User) -> None:
    reject_idea(idea=idea, actor=bob, basis="Nei.")
    with pytest.raises(NotDecidable):
        park_idea(idea=idea, actor=bob, revisit_on=TOMORROW)


def test_unknown_action_is_a_bad_request(idea: Idea, board: Client) -> None:
    assert board.post(treat_url(idea), {"handling": "slett"}).status_code == 400


def test_staff_may_not_decide(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).post(treat_url(idea), {"handling": "reject", "basis": "Nei"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_board_of_another_organisation_gets_404(
    idea: Idea, other_board: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(other_board)
    assert client.get(treat_url(idea)).status_code == 404
    response = client.post(treat_url(idea), {"handling": "reject", "basis": "Nei"})
    assert response.status_code == 404
    assert not Decision.objects.exists()


# The idea page --------------------------------------------------------------------------


def test_idea_page_lists_decisions_and_a_readable_history(
    idea: Idea, bob: User, board: Client, client_for: Callable[[User | None], Client], alice: User
) -> None:
    board.post(treat_url(idea), scores())
    board.post(
        treat_url(idea),
        {
            "handling": "park",
            "versjon": str(idea.version),
            "revisit_on": TOMORROW.isoformat(),
            "case_number": "2026/9",
        },
    )
    html = client_for(alice).get(idea.get_absolute_url()).content.decode()
    assert "Vedtak i porteføljestyret" in html
    assert "<strong>Parkert</strong> – vurderes igjen" in html
    assert "2026/9" in html and "Bob" in html
    assert "Bob vurderte idéen (21 poeng)." in html
    assert "Bob parkerte idéen («vente og se»)." in html
    assert "Behandle idéen" not in html  # staff get no link to the board's page
    board_html = board.get(idea.get_absolute_url()).content.decode()
    assert treat_url(idea) in board_html  # parked ideas may be decided again


@pytest.mark.parametrize(
    ("action", "text"),
    [
        ("accept", "godkjente idéen, som ble et initiativ på tavla."),
        ("reject", "avviste idéen."),
        ("merge", "slo idéen sammen med en annen idé."),
    ],
)
def test_history_reads_well_for_each_decision(
    action: str,
    text: str,
    make_idea: Callable[..., Idea],
    bob: User,
    phase: Phase,
    board: Client,
) -> None:
    idea = make_idea()
    target = make_idea(title="Målet")
    data = {
        "accept": {"phase": str(phase.pk), "owner": str(bob.pk), "role": "4"},
        "reject": {"basis": "Ikke nå."},
        "merge": {"into": str(target.pk)},
    }[action]
    board.post(treat_url(idea), {"handling": action, "versjon": str(idea.version), **data})
    assert Decision.objects.get(idea=idea).kind == DecisionKind(action)
    assert f"Bob {text}" in board.get(idea.get_absolute_url()).content.decode()


def test_treat_page_query_count_is_fixed(make_idea: Callable[..., Idea], board: Client) -> None:
    idea = make_idea()
    with CaptureQueriesContext(connection) as few:
        board.get(treat_url(idea))
    for n in range(10):
        make_idea(title=f"Annen idé {n}")
    with CaptureQueriesContext(connection) as many:
        board.get(treat_url(idea))
    assert len(many) == len(few)


def test_after_a_merge_the_targets_counters_match_its_rows(
    make_idea: Callable[..., Idea], alice: User, leader: User, admin: User, bob: User
) -> None:
    duplicate = make_idea(title="Duplikat")
    target = make_idea(title="Originalen")
    for user in (leader, admin):
        support_idea(idea=duplicate, user=user)
        follow_idea(idea=duplicate, user=user)
    support_idea(idea=target, user=leader)  # supports both: counted once
    Idea.objects.filter(pk=target.pk).update(support_count=99)  # a drifted counter is repaired
    merge_idea(idea=duplicate, actor=bob, expected_version=duplicate.version, into=target)
    target.refresh_from_db()
    assert target.support_count == Support.objects.filter(idea=target).count() == 2
    assert set(Follow.objects.filter(idea=target).values_list("user", flat=True)) == {
        alice.pk,
        leader.pk,
        admin.pk,
    }


# The merge chooser ----------------------------------------------------------------------


def chooser_url(idea: Idea) -> str:
    return reverse("portfolio:merge_chooser", args=[idea.pk])


def chosen_ids(html: str) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(
            r'<input type="radio" class="ds-input" name="into" value="(\d+)"', html
        )
    ]


def test_chooser_is_a_page_with_a_search_and_the_merge_form(
    make_idea: Callable[..., Idea], bob: User, board: Client
) -> None:
    idea = make_idea(title="Duplikat")
    others = [make_idea(title=f"Åpen idé {n}") for n in range(22)]
    closed = make_idea(title="Avvist idé")
    reject_idea(idea=closed, actor=bob, basis="Nei.")
    html = board.get(f"{chooser_url(idea)}?versjon={idea.version}").content.decode()
    assert "<html" in html and f"Slå sammen «Duplikat» (#{idea.pk}) med en annen idé" in html
    assert 'role="search"' in html and 'name="q"' in html
    assert 'hx-target="#merge-results"' in html
    # The 20 newest open ideas, never the idea itself or a closed one.
    assert chosen_ids(html) == [other.pk for other in reversed(others)][:20]
    assert "De nyeste åpne idéene. Søk for å finne andre." in html
    assert f'action="{treat_url(idea)}"' in html and 'name="velger" value="1"' in html
    assert 'name="handling" value="merge"' in html
    assert f'name="versjon" value="{idea.version}"' in html
    assert 'name="meeting"' not in html
    assert "Tilbake til behandlingen av idéen" in html


def test_chooser_finds_by_title_or_number_and_htmx_swaps_only_the_results(
    make_idea: Callable[..., Idea], board: Client
) -> None:
    idea = make_idea(title="Duplikat")
    robot = make_idea(title="Robotstøvsuger på sykehjemmet")
    sensor = make_idea(title="Sensorer i leilighetene")
    html = board.get(chooser_url(idea), {"q": "robotstøvsuger"}).content.decode()
    assert chosen_ids(html) == [robot.pk]
    assert "Søket viser 1 åpen idé." in html
    html = board.get(chooser_url(idea), {"q": f"#{sensor.pk}"}).content.decode()
    assert chosen_ids(html)[0] == sensor.pk
    assert chosen_ids(board.get(chooser_url(idea), {"q": str(idea.pk)}).content.decode()) == []
    headers = {"HX-Request": "true", "HX-Target": "merge-results"}
    # The idea already chosen stays first and checked whatever the new search finds.
    response = board.get(
        chooser_url(idea), {"q": "sensorer", "into": str(robot.pk)}, headers=headers
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="merge-results"')
    assert "<html" not in fragment and 'name="q"' not in fragment
    assert chosen_ids(fragment) == [robot.pk, sensor.pk]
    assert f'value="{robot.pk}" id="into-{robot.pk}" checked' in fragment
    assert (
        "Ingen åpne idéer passer søket."
        in board.get(chooser_url(idea), {"q": "finnesikke"}, headers=headers).content.decode()
    )


@pytest.mark.parametrize("value", ["x" * 201, "\x00", "١", "-1", "#", "   "])
def test_chooser_takes_any_search_without_a_500(value: str, idea: Idea, board: Client) -> None:
    response = board.get(chooser_url(idea), {"q": value, "into": value, "versjon": value})
    assert response.status_code == 200
    if len(value) > 200:
        html = response.content.decode()
        assert "Søket kan ha høyst 200 tegn." in html and 'id="id_q_error"' in html


def test_merging_through_the_chooser(
    make_idea: Callable[..., Idea], leader: User, board: Client
) -> None:
    duplicate = make_idea(title="Duplikat")
    target = make_idea(title="Originalen")
    follow_idea(idea=duplicate, user=leader)
    html = board.get(chooser_url(duplicate), {"q": "originalen"}).content.decode()
    assert chosen_ids(html) == [target.pk]
    data = {
        "handling": "merge",
        "velger": "1",
        "versjon": str(duplicate.version),
        "into": str(target.pk),
        "basis": "Samme behov.",
    }
    response = board.post(treat_url(duplicate), data, follow=True)
    assert "«Duplikat» er slått sammen med «Originalen»." in response.content.decode()
    assert Decision.objects.get(idea=duplicate).merged_into == target
    assert Follow.objects.filter(idea=target, user=leader).exists()
    # Decided: the chooser says so and offers no form.
    html = board.get(chooser_url(duplicate)).content.decode()
    assert "Idéen er ferdig behandlet (status: Slått sammen)." in html
    assert 'name="handling"' not in html


def test_chooser_without_a_choice_comes_back_with_the_message_at_the_field(
    make_idea: Callable[..., Idea], board: Client
) -> None:
    idea = make_idea(title="Duplikat")
    data = {"handling": "merge", "velger": "1", "versjon": str(idea.version), "basis": "Skrevet"}
    response = board.post(treat_url(idea), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slå sammen «Duplikat»" in html and "Skjemaet har feil" in html
    assert f'id="id_merge{idea.pk}_into_error"' in html
    assert "Velg en åpen idé å slå sammen med." in html
    assert f'href="#id_merge{idea.pk}_into"' in html and f'id="id_merge{idea.pk}_into"' in html
    assert "Skrevet" in html and f'name="versjon" value="{idea.version}"' in html
    assert not Decision.objects.exists()


def test_chooser_carries_the_version_so_a_decision_meanwhile_is_a_conflict(
    make_idea: Callable[..., Idea], bob: User, board: Client
) -> None:
    idea = make_idea(title="Duplikat")
    target = make_idea(title="Originalen")
    seen = idea.version
    # The treat page's merge form links to the chooser with the version it was loaded at.
    page = board.get(treat_url(idea)).content.decode()
    assert f'href="{chooser_url(idea)}?versjon={seen}"' in page
    Idea.objects.filter(pk=idea.pk).update(version=seen + 1)  # edited by someone meanwhile
    html = board.get(chooser_url(idea), {"versjon": str(seen)}).content.decode()
    assert f'name="versjon" value="{seen}"' in html
    data = {"handling": "merge", "velger": "1", "versjon": str(seen), "into": str(target.pk)}
    response = board.post(treat_url(idea), data, follow=True)
    assert "Noen andre har nettopp behandlet idéen" in response.content.decode()
    assert not Decision.objects.exists()


def test_chooser_query_count_does_not_grow_with_ideas(
    make_idea: Callable[..., Idea],
    board: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    idea = make_idea(title="Duplikat")
    make_idea(title="Robot 0")
    # session, user, membership, the idea, the results (and the chosen idea when one is)
    with django_assert_num_queries(5):
        board.get(chooser_url(idea), {"q": "robot"})
    for n in range(1, 25):
        make_idea(title=f"Robot {n}")
    with django_assert_num_queries(5):
        html = board.get(chooser_url(idea), {"q": "robot"}).content.decode()
    assert len(chosen_ids(html)) == 20
    assert "Bare de første vises" in html


def test_chooser_is_board_only_and_404_outside(
    idea: Idea,
    alice: User,
    other_board: User,
    client_for: Callable[[User | None], Client],
) -> None:
    assert client_for(alice).get(chooser_url(idea)).status_code == 403
    assert client_for(other_board).get(chooser_url(idea)).status_code == 404
    assert client_for(None).get(chooser_url(idea)).status_code == 302
    # GET only: the merge itself posts to the decision endpoint.
    assert client_for(other_board).post(chooser_url(idea)).status_code == 405
