"""Board meetings: create, meeting mode with decisions, close, minutes as a page and a PDF."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, IdeaStatus
from portal.models import DomainEvent, Organisation, Role, User
from portal.services import add_member
from portfolio.models import Decision, Initiative, Meeting, Phase, PhaseKind
from portfolio.services.meetings import close_meeting, create_meeting
from portfolio.services.triage import assess_idea, park_idea, reject_idea
from tests.pdfs import A4_POINTS, page_sizes, pdf_text

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
def board(bob: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(bob)


@pytest.fixture
def other_board(other_organisation: Organisation) -> User:
    membership = add_member(
        organisation=other_organisation,
        email="styret@lunner.example",
        role=Role.BOARD,
        first_name="Live",
        password="pw",
    )
    return membership.user


@pytest.fixture
def phase(organisation: Organisation) -> Phase:
    found = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE).first()
    assert found is not None
    return found


def meeting_url(meeting: Meeting, name: str = "portfolio:meeting") -> str:
    return reverse(name, args=[meeting.pk])


def decide_url(idea: Idea) -> str:
    return reverse("portfolio:triage_idea", args=[idea.pk])


# Services -------------------------------------------------------------------------------


def test_create_meeting_records_an_event_on_the_meeting(
    organisation: Organisation, bob: User, leader: User, admin: User
) -> None:
    meeting = create_meeting(
        organisation=organisation,
        actor=bob,
        held_on=date(2026, 4, 1),
        participants=[bob, leader, admin],
        title="  ",
    )
    assert meeting.title == "Porteføljestyremøte"
    assert set(meeting.participants.all()) == {bob, leader, admin}
    event = DomainEvent.objects.get(action="meeting.created")
    assert (event.subject_type, event.subject_id) == ("portfolio.meeting", meeting.pk)
    assert event.after["participants"] == sorted([bob.pk, leader.pk, admin.pk])


@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_create_meeting_refuses_outsiders_and_staff_as_participants(
    who: str, organisation: Organisation, bob: User, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(who)
    with pytest.raises(ValueError):
        create_meeting(
            organisation=organisation, actor=bob, held_on=date(2026, 4, 1), participants=[person]
        )
    assert not Meeting.objects.exists()


def test_close_meeting_sets_closed_at_once(meeting: Meeting, bob: User) -> None:
    closed = close_meeting(meeting=meeting, actor=bob)
    assert closed.closed_at is not None
    again = close_meeting(meeting=meeting, actor=bob)
    assert again.closed_at == closed.closed_at
    events = DomainEvent.objects.filter(action="meeting.closed")
    assert [(e.subject_type, e.subject_id) for e in events] == [("portfolio.meeting", meeting.pk)]


# Creating a meeting ---------------------------------------------------------------------


def test_board_creates_a_meeting_and_lands_in_meeting_mode(
    bob: User, leader: User, alice: User, board: Client
) -> None:
    page = board.get(reverse("portfolio:meeting_create")).content.decode()
    assert 'value="Porteføljestyremøte"' in page
    assert "Lena" in page and "Alice" not in page  # staff are not offered
    data = {
        "title": "Porteføljestyremøte",
        "held_on": "2026-03-05",
        "participants": [bob.pk, leader.pk],
    }
    response = board.post(reverse("portfolio:meeting_create"), data)
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting_url(meeting)
    assert (meeting.held_on, meeting.created_by) == (date(2026, 3, 5), bob)
    assert set(meeting.participants.all()) == {bob, leader}


MEETING_BAD_INPUT = [
    ("title", "", "Gi møtet en tittel."),
    ("held_on", "", "Velg datoen for møtet."),
    ("held_on", "5. mars", "Skriv en gyldig dato"),
    ("participants", "", "Velg minst én deltaker."),
    ("participants", "x", "Velg deltakerne blant porteføljestyret"),
]


@pytest.mark.parametrize(("field", "value", "message"), MEETING_BAD_INPUT)
def test_meeting_form_bad_input_gets_a_message_at_the_field(
    field: str, value: str, message: str, bob: User, board: Client
) -> None:
    data: dict[str, object] = {
        "title": "Styremøte mars",
        "held_on": "2026-03-05",
        "participants": [bob.pk],
    }
    data[field] = value
    if field == "participants" and not value:
        del data[field]  # no box ticked: the browser sends nothing
    response = board.post(reverse("portfolio:meeting_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    if field != "title":
        assert 'value="Styremøte mars"' in html
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_participants_of_another_organisation_or_staff_are_refused(
    who: str, board: Client, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(who)
    data = {"title": "Møte", "held_on": "2026-03-05", "participants": [person.pk]}
    html = board.post(reverse("portfolio:meeting_create"), data).content.decode()
    assert "Velg deltakerne blant porteføljestyret, ledere og administratorer." in html
    assert not Meeting.objects.exists()


# The list -------------------------------------------------------------------------------


def test_meeting_list_is_a_page_and_a_fragment_and_its_query_count_is_fixed(
    organisation: Organisation,
    bob: User,
    board: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    create_meeting(organisation=organisation, actor=bob, held_on=date(2026, 1, 8), participants=[])
    page = board.get(reverse("portfolio:meetings")).content.decode()
    fragment = board.get(reverse("portfolio:meetings"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and "8. januar 2026" in page
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="meeting-list"')
    # session, user, membership, count, page
    with django_assert_num_queries(5):
        board.get(reverse("portfolio:meetings"))
    for day in range(2, 12):
        create_meeting(
            organisation=organisation, actor=bob, held_on=date(2026, 2, day), participants=[bob]
        )
    with django_assert_num_queries(5):
        board.get(reverse("portfolio:meetings"))


# Meeting mode ---------------------------------------------------------------------------


def test_agenda_holds_the_inbox_and_stalled_initiatives(
    meeting: Meeting,
    make_idea: Callable[..., Idea],
    make_initiative: Callable[..., Initiative],
    bob: User,
    board: Client,
) -> None:
    waiting = make_idea(title="Venter på styret", score_champion=0)
    due = make_idea(title="Parkert og aktuell")
    park_idea(idea=due, actor=bob, revisit_on=TOMORROW)
    Decision.objects.filter(idea=due).update(revisit_on=timezone.localdate())
    stalled = make_initiative(title="Står stille")
    Initiative.objects.filter(pk=stalled.pk).update(
        phase_entered_at=timezone.now() - timedelta(days=45)
    )
    make_initiative(title="I god flyt")
    html = board.get(meeting_url(meeting)).content.decode()
    assert f'id="agenda-item-{waiting.pk}"' in html
    assert "Sak 1:" in html and "Sak 2:" in html
    assert "Parkert, til ny vurdering fra" in html
    assert "Advarsel: minst ett fundament er null" in html
    stalled_section = html[html.index('id="stalled-heading"') :]
    assert "Står stille" in stalled_section and "I god flyt" not in stalled_section
    assert "mer enn 30 dager" in stalled_section
    # Each item's forms load when «Behandle saken» is opened, with a link without JavaScript.
    treat = f"{decide_url(waiting)}?meeting={meeting.pk}"
    assert f'hx-get="{treat}" hx-trigger="toggle once" hx-target="#treat-{waiting.pk}"' in html
    assert f'<a class="ds-link" href="{treat}">Åpne vurdering og vedtak for saken</a>' in html
    assert 'name="handling"' not in html and "Godkjenn idéen" not in html
    assert "Avslutt møtet" in html


def test_an_agenda_items_forms_load_when_opened(
    meeting: Meeting, idea: Idea, make_idea: Callable[..., Idea], board: Client
) -> None:
    make_idea(title="En annen åpen idé")
    url = f"{decide_url(idea)}?meeting={meeting.pk}"
    fragment = board.get(url, headers={"HX-Request": "true", "HX-Target": f"treat-{idea.pk}"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html and "Behandle saken" not in html
    assert f'name="meeting" value="{meeting.pk}"' in html
    assert f'hx-post="{decide_url(idea)}" hx-target="#agenda-item-{idea.pk}"' in html
    for text in ("Lagre vurderingen", "Godkjenn idéen", "Parker idéen", "Avvis idéen"):
        assert text in html
    # The merge form takes a number, with a link to the chooser; no select of every idea.
    assert re.search(r'<input type="text" name="into"[^>]* inputmode="numeric"', html)
    assert "En annen åpen idé" not in html
    chooser = reverse("portfolio:merge_chooser", args=[idea.pk])
    assert f'href="{chooser}?versjon={idea.version}&amp;meeting={meeting.pk}"' in html
    assert f'<h4 class="ds-heading" data-size="xs" id="assess-heading-{idea.pk}">' in html
    # Without htmx the same URL is the idea's own page for the meeting (the fallback link).
    page = board.get(url).content.decode()
    assert "<html" in page and "Tilbake til møtet" in page and "Godkjenn idéen" in page


def test_an_agenda_items_forms_say_so_when_it_cannot_be_decided_any_more(
    meeting: Meeting, idea: Idea, bob: User, board: Client
) -> None:
    headers = {"HX-Request": "true", "HX-Target": f"treat-{idea.pk}"}
    url = f"{decide_url(idea)}?meeting={meeting.pk}"
    reject_idea(idea=idea, actor=bob, basis="Nei.", meeting=meeting)
    html = board.get(url, headers=headers).content.decode()
    assert "Idéen er allerede behandlet (status: Avvist)." in html
    assert 'name="handling"' not in html
    close_meeting(meeting=meeting, actor=bob)
    html = board.get(url, headers=headers).content.decode()
    assert "Møtet er avsluttet, så vedtak kan ikke registreres her." in html


def test_a_decision_with_htmx_returns_the_updated_agenda_item(
    meeting: Meeting, idea: Idea, bob: User, board: Client
) -> None:
    data = {
        "handling": "reject",
        "meeting": str(meeting.pk),
        "basis": "Løses allerede av et KS-prosjekt.",
        "case_number": "2026/42",
    }
    data["versjon"] = str(idea.version)
    response = board.post(decide_url(idea), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<li class="agenda-item" id="agenda-item-{idea.pk}"')
    assert "Sak 1:" in html
    assert "<strong>Avvist</strong>" in html and "Løses allerede av et KS-prosjekt." in html
    assert "2026/42" in html and "Registrert av Bob" in html
    assert "Behandle saken" not in html  # decided: no forms any more
    decision = Decision.objects.get(idea=idea)
    assert decision.meeting == meeting
    assert DomainEvent.objects.get(action="idea.rejected").after["meeting"] == meeting.pk


def test_a_decision_without_htmx_redirects_back_to_the_meeting(
    meeting: Meeting, idea: Idea, board: Client
) -> None:
    data = {"handling": "park", "meeting": str(meeting.pk), "revisit_on": TOMORROW.isoformat()}
    response = board.post(decide_url(idea), {**data, "versjon": str(idea.version)})
    assert response.status_code == 302
    assert response["Location"] == f"{meeting_url(meeting)}#agenda-item-{idea.pk}"
    page = board.get(response["Location"]).content.decode()
    assert "er parkert og kommer tilbake i innboksen" in page
    assert f'id="agenda-item-{idea.pk}"' in page  # decided items stay on the agenda
    assert "<strong>Parkert</strong>" in page


def test_assessment_in_meeting_mode_updates_the_agenda_item(
    meeting: Meeting, idea: Idea, board: Client
) -> None:
    data = {
        "handling": "assess",
        "meeting": str(meeting.pk),
        "strategic_value": "2",
        "qualitative_benefit": "2",
        "economic_benefit": "2",
        "operational_need": "1",
        "risk": "1",
        "adjustment": "0",
    }
    html = board.post(decide_url(idea), data, HTTP_HX_REQUEST="true").content.decode()
    assert "Vurderingen er lagret: 8 poeng, Skal ikke ha." in html
    assert "Behandle saken" in html  # still to be decided


def test_invalid_decision_with_htmx_returns_the_item_with_the_message_at_the_field(
    meeting: Meeting, idea: Idea, board: Client
) -> None:
    data = {"handling": "reject", "meeting": str(meeting.pk), "basis": ""}
    response = board.post(decide_url(idea), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="agenda-item" id="agenda-item-{idea.pk}"')
    assert "Skriv hvorfor idéen avvises." in html
    assert f'id="id_reject{idea.pk}_basis_error"' in html
    assert '<details class="agenda-item__treat" open>' in html
    assert not Decision.objects.exists()


def test_invalid_decision_without_htmx_shows_the_form_page_for_the_meeting(
    meeting: Meeting, idea: Idea, board: Client
) -> None:
    data = {"handling": "park", "meeting": str(meeting.pk), "revisit_on": "2001-01-01"}
    html = board.post(decide_url(idea), data).content.decode()
    assert "<html" in html and "Velg en dato fram i tid." in html
    assert f'name="meeting" value="{meeting.pk}"' in html
    assert "Tilbake til møtet" in html


def test_decisions_are_refused_once_the_meeting_is_closed(
    meeting: Meeting, idea: Idea, bob: User, board: Client
) -> None:
    close_meeting(meeting=meeting, actor=bob)
    data = {"handling": "reject", "meeting": str(meeting.pk), "basis": "Nei"}
    response = board.post(decide_url(idea), data, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == meeting_url(meeting)
    assert not Decision.objects.exists()


def test_another_organisations_meeting_is_404_as_a_hidden_field(
    idea: Idea, other_organisation: Organisation, other_board: User, board: Client
) -> None:
    foreign = create_meeting(
        organisation=other_organisation,
        actor=other_board,
        held_on=date(2026, 3, 5),
        participants=[other_board],
    )
    data = {"handling": "reject", "meeting": str(foreign.pk), "basis": "Nei"}
    assert board.post(decide_url(idea), data).status_code == 404
    assert not Decision.objects.exists()


def test_meeting_page_query_count_does_not_grow_with_the_agenda(
    meeting: Meeting,
    make_idea: Callable[..., Idea],
    make_initiative: Callable[..., Initiative],
    bob: User,
    board: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    def add_rows(n: int) -> None:
        for i in range(n):
            idea = make_idea(title=f"Idé {n}-{i}", score_need=i % 4)
            if i % 2:
                assess_idea(
                    idea=idea,
                    actor=bob,
                    strategic_value=3,
                    qualitative_benefit=3,
                    economic_benefit=3,
                    operational_need=3,
                    risk=3,
                )
            if i % 3 == 0:
                reject_idea(
                    idea=make_idea(title=f"Avvist {n}-{i}"), actor=bob, basis="Nei", meeting=meeting
                )
            stalled = make_initiative(title=f"Stille {n}-{i}")
            Initiative.objects.filter(pk=stalled.pk).update(
                phase_entered_at=timezone.now() - timedelta(days=60)
            )

    add_rows(1)
    # session, user, membership, meeting, its participants, the agenda's count, its page of
    # ideas, their decisions here, settings, stalled initiatives and their count; the forms
    # and their choices load per item when opened
    expected = 11
    with django_assert_num_queries(expected):
        board.get(meeting_url(meeting))
    add_rows(6)
    with django_assert_num_queries(expected):
        board.get(meeting_url(meeting))


def test_meeting_page_is_paged_so_its_size_does_not_grow_with_the_inbox(
    meeting: Meeting,
    make_idea: Callable[..., Idea],
    make_initiative: Callable[..., Initiative],
    board: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """30 and then 300 ideas waiting, 25 and then 45 stalled initiatives: the same queries
    and a page of the same size (20 agenda items, 20 stalled), the rest a page or a link
    away. 301 waiting ideas once made an 11.8 MB page that took 9.7 s; paged, each item's
    forms (with a merge select of up to 200 ideas) still made 847 KB. The forms now load
    per item when opened, and the merge form takes a number, so nothing on the page grows
    with the organisation's ideas."""

    def add(ideas: int, stalled: int) -> None:
        for i in range(ideas):
            make_idea(title=f"Venter {Idea.objects.count()}-{i}")
        for i in range(stalled):
            initiative = make_initiative(title=f"Stille {i}")
            Initiative.objects.filter(pk=initiative.pk).update(
                phase_entered_at=timezone.now() - timedelta(days=60 + i)
            )

    add(30, 25)
    waiting = Idea.objects.filter(status=IdeaStatus.SUBMITTED).count()
    with django_assert_num_queries(11):
        small = board.get(meeting_url(meeting)).content.decode()
    add(270, 20)
    with django_assert_num_queries(11):
        large = board.get(meeting_url(meeting)).content.decode()
    assert len(large) < len(small) * 1.02
    assert len(large) < 100_000  # 20 summaries and 20 stalled rows, not 20 sets of forms
    assert "<select" not in large and 'name="handling"' not in large
    for html, total in ((small, waiting), (large, waiting + 270)):
        assert html.count('class="agenda-item"') == 20
        assert f"Sak 1–20 av {total} på sakslisten." in html
        stalled_rows = html[html.index('id="stalled-heading"') :].count("<tr>") - 1
        assert stalled_rows == 20
    assert "Viser de 20 som har stått lengst, av 45." in large
    assert f'href="{reverse("portfolio:flow")}#stalled-heading"' in large
    assert 'href="?side=2"' in large and 'hx-target="#agenda"' in large

    # Page 2 as a page without JavaScript, and as htmx: only the agenda, numbered on.
    last = board.get(meeting_url(meeting) + "?side=15").content.decode()
    assert "Sak 281:" in last and 'start="281"' in last and "Forrige" in last
    fragment = board.get(
        meeting_url(meeting) + "?side=2", headers={"HX-Request": "true", "HX-Target": "agenda"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="agenda">')
    assert "Sak 21:" in fragment and "stalled-heading" not in fragment


def test_closing_the_meeting_leads_to_the_minutes(
    meeting: Meeting, idea: Idea, bob: User, board: Client
) -> None:
    reject_idea(idea=idea, actor=bob, basis="Ikke i år.", case_number="2026/7", meeting=meeting)
    response = board.post(meeting_url(meeting, "portfolio:meeting_close"))
    assert response["Location"] == meeting_url(meeting, "portfolio:meeting_minutes")
    meeting.refresh_from_db()
    assert meeting.closed_at is not None
    event = DomainEvent.objects.get(action="meeting.closed")
    assert event.subject_id == meeting.pk and event.actor == bob
    page = board.get(meeting_url(meeting)).content.decode()
    assert "Møtet ble avsluttet" in page and "Behandle saken" not in page
    assert idea.title in page  # the decided item is still listed


def test_staff_may_not_close_and_outsiders_get_404(
    meeting: Meeting,
    alice: User,
    other_board: User,
    client_for: Callable[[User | None], Client],
) -> None:
    url = meeting_url(meeting, "portfolio:meeting_close")
    assert client_for(alice).post(url).status_code == 403
    assert client_for(other_board).post(url).status_code == 404
    meeting.refresh_from_db()
    assert meeting.closed_at is None


@pytest.mark.parametrize(
    "name",
    [
        "portfolio:meeting",
        "portfolio:meeting_minutes",
        "portfolio:meeting_minutes_pdf",
    ],
)
def test_board_of_another_organisation_gets_404_for_a_meeting(
    name: str,
    meeting: Meeting,
    other_board: User,
    client_for: Callable[[User | None], Client],
) -> None:
    assert client_for(other_board).get(meeting_url(meeting, name)).status_code == 404


# Minutes --------------------------------------------------------------------------------


@pytest.fixture
def decided_meeting(
    meeting: Meeting,
    make_idea: Callable[..., Idea],
    bob: User,
    leader: User,
    alice: User,
    phase: Phase,
    board: Client,
) -> Meeting:
    meeting.participants.add(leader)
    posts = [
        (
            make_idea(title="Sensorer i hjemmetjenesten"),
            {
                "handling": "accept",
                "phase": str(phase.pk),
                "owner": str(alice.pk),
                "role": "3",
                "basis": "Stort behov og tydelig gevinst.",
                "case_number": "2026/101",
            },
        ),
        (
            make_idea(title="Chatbot for byggesak"),
            {"handling": "park", "revisit_on": TOMORROW.isoformat(), "basis": "Vente og se."},
        ),
        (
            make_idea(title="Egen app for alt"),
            {
                "handling": "reject",
                "basis": "Dekkes av nasjonale løsninger.",
                "case_number": "2026/103",
            },
        ),
    ]
    for idea, data in posts:
        version = str(idea.version)
        response = board.post(
            decide_url(idea), {**data, "meeting": str(meeting.pk), "versjon": version}
        )
        assert response.status_code == 302
    return close_meeting(meeting=meeting, actor=bob)


def test_minutes_page_lists_participants_and_each_decision(
    decided_meeting: Meeting, board: Client
) -> None:
    html = board.get(meeting_url(decided_meeting, "portfolio:meeting_minutes")).content.decode()
    assert "Protokoll: Porteføljestyremøte 5. mars 2026" in html
    assert "Bob, Lena" in html
    assert html.index("Sensorer i hjemmetjenesten") < html.index("Chatbot for byggesak")
    assert "tatt inn i fasen «Forankring»" in html and "Kommunens rolle: Initiativtaker" in html
    assert "Pådriver: Alice" in html
    assert "Dekkes av nasjonale løsninger." in html and "2026/103" in html
    assert "vurderes igjen" in html
    assert "Utkast" not in html


def test_minutes_of_an_open_meeting_are_marked_as_a_draft(meeting: Meeting, board: Client) -> None:
    html = board.get(meeting_url(meeting, "portfolio:meeting_minutes")).content.decode()
    assert "Utkast:" in html and "Ingen vedtak er registrert i møtet." in html


def test_minutes_pdf_is_an_a4_document_with_the_decisions(
    decided_meeting: Meeting, board: Client
) -> None:
    response = board.get(meeting_url(decided_meeting, "portfolio:meeting_minutes_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="protokoll-portefoljestyret-2026-03-05.pdf"'
    )
    pdf = response.getvalue()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Nittedal kommune" in text  # the header of every page
    assert "Protokoll" in text and "5. mars 2026" in text
    assert "Sak 1: Sensorer i hjemmetjenesten" in text
    assert "Godkjent – tatt inn i fasen «Forankring»" in text
    assert "Avvist" in text and "Dekkes av nasjonale løsninger." in text
    assert "2026/103" in text
    assert "Side 1 av" in text
    assert set(page_sizes(pdf)) == {A4_POINTS}


def test_the_decided_ideas_have_the_right_status(decided_meeting: Meeting) -> None:
    statuses = {d.idea.title: d.idea.status for d in decided_meeting.decisions.all()}
    assert statuses == {
        "Sensorer i hjemmetjenesten": IdeaStatus.ACCEPTED,
        "Chatbot for byggesak": IdeaStatus.PARKED,
        "Egen app for alt": IdeaStatus.REJECTED,
    }
