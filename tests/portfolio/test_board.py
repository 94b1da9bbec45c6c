"""The board: columns, filters, moves through one service, checklists and conflicts."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from portal.concurrency import StaleVersion
from portal.models import DomainEvent, Organisation, User
from portfolio.exceptions import ChecklistIncomplete
from portfolio.models import (
    ChecklistAnswer,
    Initiative,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
)
from portfolio.selectors.board import open_checklist_items
from portfolio.services.board import move_initiative


def phases(organisation: Organisation) -> list[Phase]:
    return list(Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE))


def all_done(initiative: Initiative) -> dict[str, str]:
    return {f"svar-{item.pk}": "done" for item in open_checklist_items(initiative)}


def move_url(initiative: Initiative) -> str:
    return reverse("portfolio:move", args=[initiative.pk])


def test_board_shows_cards_in_their_phase_columns(
    initiative: Initiative, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).get(reverse("portfolio:board"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Forankring" in html and "Ny praksis" in html
    assert initiative.idea.title in html
    assert "Rolle: Bidragsyter" in html
    assert "Tjenesteinnovasjon" in html  # the type as text, not only a colour


def test_staff_see_the_board_read_only(
    initiative: Initiative, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    html = client.get(reverse("portfolio:board")).content.decode()
    assert "Flytt til fase" not in html
    target = phases(initiative.organisation)[1]
    response = client.post(move_url(initiative), {"fase": target.pk, "versjon": 1})
    assert response.status_code == 403


def test_board_is_a_page_without_htmx_and_a_fragment_with_it(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    page = client.get(reverse("portfolio:board")).content.decode()
    fragment = client.get(
        reverse("portfolio:board"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board"
    ).content.decode()
    assert "<html" in page and 'id="board"' in page
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="board"')


def test_board_query_count_does_not_grow_with_cards(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(bob)
    make_initiative()
    # session, user, membership, settings, phases, counts, cards, the latest published
    # status report of every card (one query), and the filter choices
    with django_assert_num_queries(13):
        client.get(reverse("portfolio:board"))
    for n in range(20):
        make_initiative(title=f"Kort {n}")
    with django_assert_num_queries(13):
        client.get(reverse("portfolio:board"))


def test_filters_keep_only_matching_cards(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    first = make_initiative(title="Sensorer om natten")
    make_initiative(title="Robot for fakturaer", initiator="leader")
    Initiative.objects.filter(pk=first.pk).update(role=MunicipalRole.PARTNER)
    html = client_for(bob).get(reverse("portfolio:board") + "?rolle=4").content.decode()
    assert "Sensorer om natten" in html and "Robot for fakturaer" not in html


def test_leaving_a_phase_asks_for_each_open_checkpoint(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    target = phases(initiative.organisation)[1]
    client = client_for(bob)
    page = client.post(move_url(initiative), {"fase": target.pk, "versjon": initiative.version})
    dialog = client.post(
        move_url(initiative),
        {"fase": target.pk, "versjon": initiative.version},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert "Sjekklisten for Forankring har åpne punkter" in page.content.decode()
    assert dialog["HX-Retarget"] == "#dialog-slot"
    assert "<dialog" in dialog.content.decode()
    initiative.refresh_from_db()
    assert initiative.phase.name == "Forankring"  # nothing moved yet


def test_a_move_with_answers_is_recorded_with_the_checklist(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    target = phases(initiative.organisation)[1]
    items = open_checklist_items(initiative)
    data = {"fase": target.pk, "versjon": initiative.version, **all_done(initiative)}
    data[f"svar-{items[0].pk}"] = "not_relevant"
    data[f"kommentar-{items[0].pk}"] = "Gjort i et annet prosjekt"
    response = client_for(bob).post(move_url(initiative), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="card-{initiative.pk}" hx-swap-oob="delete"' in html
    assert f'id="cards-{target.pk}" hx-swap-oob="afterbegin"' in html
    assert "er flyttet fra Forankring til Innsikt" in html
    initiative.refresh_from_db()
    assert initiative.phase == target and initiative.version == 2
    event = DomainEvent.objects.get(action="initiative.moved")
    assert event.actor == bob
    assert event.before["phase"] == "Forankring" and event.after["phase"] == "Innsikt"
    assert event.after["checklist"][0] == {
        "item": items[0].text,
        "answer": "not_relevant",
        "comment": "Gjort i et annet prosjekt",
    }
    assert ChecklistAnswer.objects.filter(initiative=initiative).count() == len(items)
    visits = list(PhaseVisit.objects.filter(initiative=initiative))
    assert [v.phase.name for v in visits] == ["Forankring", "Innsikt"]
    assert visits[0].left_at is not None and visits[1].left_at is None


def test_a_plain_post_move_redirects_to_the_board(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    target = phases(initiative.organisation)[2]
    data = {"fase": target.pk, "versjon": initiative.version, **all_done(initiative)}
    response = client_for(bob).post(move_url(initiative), data)
    assert response.status_code == 302 and response["Location"] == reverse("portfolio:board")


@pytest.mark.parametrize("answer", ["not_relevant", "still_open"])
def test_not_done_needs_a_comment(
    answer: str, initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    target = phases(initiative.organisation)[1]
    items = open_checklist_items(initiative)
    data = {"fase": target.pk, "versjon": initiative.version, **all_done(initiative)}
    data[f"svar-{items[0].pk}"] = answer
    response = client_for(bob).post(move_url(initiative), data)
    html = response.content.decode()
    assert "Skriv en kommentar når punktet ikke er utført." in html
    assert f'id="id_svar-{items[0].pk}_error"' in html
    initiative.refresh_from_db()
    assert initiative.phase.name == "Forankring"


def test_moving_backwards_is_allowed_and_still_open_items_stay_open(
    initiative: Initiative, bob: User
) -> None:
    first, second = phases(initiative.organisation)[:2]
    items = open_checklist_items(initiative)
    answers = {item.pk: ("done", "") for item in items}
    answers[items[0].pk] = ("still_open", "Venter på ledergruppen")
    moved = move_initiative(
        initiative=initiative, actor=bob, to_phase=second, expected_version=1, answers=answers
    )
    back = move_initiative(
        initiative=moved,
        actor=bob,
        to_phase=first,
        expected_version=2,
        answers={i.pk: ("done", "") for i in open_checklist_items(moved)},
    )
    assert back.phase == first
    assert [i.pk for i in open_checklist_items(back)] == [items[0].pk]
    assert DomainEvent.objects.filter(action="initiative.moved").last().after["direction"] == "back"  # type: ignore[union-attr]


def test_missing_answers_move_nothing(initiative: Initiative, bob: User) -> None:
    target = phases(initiative.organisation)[1]
    with pytest.raises(ChecklistIncomplete):
        move_initiative(initiative=initiative, actor=bob, to_phase=target, expected_version=1)
    initiative.refresh_from_db()
    assert initiative.version == 1
    assert not DomainEvent.objects.filter(action="initiative.moved").exists()


def test_a_stale_move_is_refused(initiative: Initiative, bob: User) -> None:
    first, second, third = phases(initiative.organisation)[:3]
    done = {i.pk: ("done", "") for i in open_checklist_items(initiative)}
    move_initiative(
        initiative=initiative, actor=bob, to_phase=second, expected_version=1, answers=done
    )
    with pytest.raises(StaleVersion) as conflict:
        move_initiative(
            initiative=initiative, actor=bob, to_phase=third, expected_version=1, answers=done
        )
    assert conflict.value.current.phase == second


def test_the_second_mover_gets_409_with_the_fresh_card(
    initiative: Initiative,
    bob: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    second, third = phases(initiative.organisation)[1:3]
    stale = {"versjon": initiative.version, **all_done(initiative)}
    client_for(admin).post(move_url(initiative), {"fase": second.pk, **stale})
    response = client_for(bob).post(
        move_url(initiative), {"fase": third.pk, **stale}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "flyttet «Digitalt nattilsyn» mens du så på tavla" in html
    assert f'id="cards-{second.pk}" hx-swap-oob="afterbegin"' in html
    assert 'data-version="2"' in html
    initiative.refresh_from_db()
    assert initiative.phase == second


def test_outsider_cannot_move_or_see_cards(
    initiative: Initiative, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(charlie)
    assert initiative.idea.title not in client.get(reverse("portfolio:board")).content.decode()
    assert client.post(move_url(initiative), {}).status_code == 404


def test_board_member_of_another_organisation_gets_404(
    initiative: Initiative,
    other_organisation: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    from portal.models import Role
    from portal.services import add_member

    outsider = add_member(
        organisation=other_organisation, email="styret@lunner.example", role=Role.BOARD
    ).user
    assert client_for(outsider).post(move_url(initiative), {}).status_code == 404


def test_more_cards_of_a_column(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    for n in range(32):
        make_initiative(title=f"Kort {n:02d}")
    client = client_for(bob)
    html = client.get(reverse("portfolio:board")).content.decode()
    assert "Vis flere i Forankring" in html
    phase = phases(bob.memberships.get().organisation)[0]
    more = client.get(
        reverse("portfolio:column", args=[phase.pk]) + "?fra=30", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in more and more.count('<article class="board-card') == 2
    page = client.get(reverse("portfolio:column", args=[phase.pk]) + "?fra=30").content.decode()
    assert "<html" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_real_requests_race_and_one_gets_a_conflict(
    make_initiative: Callable[..., Initiative], bob: User, admin: User
) -> None:
    initiative = make_initiative()
    second, third = phases(initiative.organisation)[1:3]
    data = {"versjon": initiative.version, **all_done(initiative)}
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    errors: list[BaseException] = []
    clients = {}
    for user in (bob, admin):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)

    def post(name: str, user: User, phase: Phase) -> None:
        try:
            barrier.wait()
            response = clients[user.pk].post(
                move_url(initiative), {"fase": phase.pk, **data}, HTTP_HX_REQUEST="true"
            )
            results[name] = response.status_code
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=("bob", bob, second)),
        threading.Thread(target=post, args=("admin", admin, third)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results.values()) == [200, 409]
    initiative.refresh_from_db()
    assert initiative.version == 2
    assert DomainEvent.objects.filter(action="initiative.moved").count() == 1


def test_an_accepted_idea_links_to_its_initiative(
    initiative: Initiative, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(initiative.idea.get_absolute_url()).content.decode()
    assert "er et initiativ på porteføljetavla, i fasen Forankring" in html
    assert reverse("portfolio:initiative", args=[initiative.pk]) in html


def test_the_card_sums_up_its_benefits(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    from decimal import Decimal

    from portfolio.services.benefits import add_benefit

    add_benefit(
        initiative=initiative,
        actor=bob,
        description="Frigjort tid",
        kind="indirect",
        expected_hours=Decimal("1800"),
    )
    add_benefit(
        initiative=initiative,
        actor=bob,
        description="Spart lisens",
        kind="direct",
        expected_amount=Decimal("125000"),
    )
    html = client_for(bob).get(reverse("portfolio:board")).content.decode()
    assert "kr\u00a0125\u00a0000 + 1\u00a0800 timer per år" in html


def test_a_move_makes_a_fixed_number_of_queries(
    initiative: Initiative,
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Session, user, membership; the card, its open checkpoints and the target phase; the
    locked move with its checklist, visits, version, «in use since» and event; the card in its
    new column with the column counts. The checklist is one query, and the move reuses the
    phase and organisation the view read."""
    target = phases(initiative.organisation)[1]
    data = {"fase": target.pk, "versjon": initiative.version, **all_done(initiative)}
    client = client_for(bob)
    client.get(reverse("portfolio:board"))
    with django_assert_num_queries(23):
        response = client.post(move_url(initiative), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "er flyttet fra" in response.content.decode()
