"""Versions and bounded lock waits (portal.concurrency): one mechanism for every row."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, IdeaStatus
from portal.concurrency import RowBusy, StaleVersion, VersionForm, lock_at_version
from portal.models import DomainEvent, User
from portfolio.models import Decision, Initiative, Meeting, Phase, PhaseKind
from portfolio.selectors.board import open_checklist_items
from portfolio.services.triage import park_idea

BUSY = "Noen andre lagrer det samme akkurat nå"
DECIDED = "Noen andre har nettopp behandlet idéen"


def treat_url(idea: Idea) -> str:
    return reverse("portfolio:triage_idea", args=[idea.pk])


def park_data(idea_version: int | str) -> dict[str, str]:
    revisit = timezone.localdate() + timedelta(days=7)
    return {"handling": "park", "versjon": str(idea_version), "revisit_on": revisit.isoformat()}


def accept_data(idea_version: int, phase: Phase, owner: User) -> dict[str, str]:
    return {
        "handling": "accept",
        "versjon": str(idea_version),
        "phase": str(phase.pk),
        "owner": str(owner.pk),
        "role": "2",
    }


def first_active_phase(idea: Idea) -> Phase:
    phase = Phase.objects.filter(organisation=idea.organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    return phase


@pytest.mark.parametrize("posted", ["", "abc", "²", "-3", "0", "1.5", None])
def test_a_garbled_or_missing_version_cleans_to_a_stale_zero(posted: str | None) -> None:
    data = {} if posted is None else {"versjon": posted}
    assert VersionForm.posted(data) == 0


def test_lock_at_version_refuses_a_stale_version_and_carries_the_row(idea: Idea) -> None:
    with transaction.atomic():
        assert lock_at_version(Idea.objects.all(), pk=idea.pk, expected=idea.version) == idea
        with pytest.raises(StaleVersion) as stale:
            lock_at_version(Idea.objects.all(), pk=idea.pk, expected=idea.version + 1)
    assert stale.value.current.pk == idea.pk
    assert stale.value.current.version == idea.version


def test_withdrawing_with_a_garbled_version_is_refused_not_a_500(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:withdraw", args=[idea.pk])
    response = client_for(alice).post(url, {"versjon": "²"}, follow=True)
    assert response.status_code == 200
    assert "Idéen ble endret mens du så på den" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


# Triage decisions carry the idea's version ---------------------------------------------


def test_a_decision_on_a_stale_version_is_refused_with_a_message(
    idea: Idea, bob: User, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    seen = idea.version  # both board members opened the page at this version
    park_idea(idea=idea, actor=admin, expected_version=seen, revisit_on=timezone.localdate())
    response = client_for(bob).post(treat_url(idea), park_data(seen), follow=True)
    assert DECIDED in response.content.decode()
    assert Decision.objects.filter(idea=idea).count() == 1


def test_a_stale_decision_in_a_meeting_answers_409_with_the_agenda_item(
    idea: Idea,
    bob: User,
    admin: User,
    meeting: Meeting,
    client_for: Callable[[User | None], Client],
) -> None:
    seen = idea.version
    park_idea(idea=idea, actor=admin, expected_version=seen, revisit_on=timezone.localdate())
    data = {**park_data(seen), "meeting": str(meeting.pk)}
    response = client_for(bob).post(treat_url(idea), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 409
    assert "<html" not in html and f'id="agenda-item-{idea.pk}"' in html
    assert DECIDED in html
    assert Decision.objects.filter(idea=idea).count() == 1


def test_a_decision_with_a_garbled_version_is_refused_not_a_500(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(bob).post(treat_url(idea), park_data("x"), follow=True)
    assert response.status_code == 200
    assert DECIDED in response.content.decode()
    assert not Decision.objects.exists()


def test_the_decision_forms_carry_the_ideas_version(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(bob).get(treat_url(idea)).content.decode()
    assert html.count(f'name="versjon" value="{idea.version}"') == 4  # accept, park, reject, merge


# RowBusy: a row locked elsewhere becomes «prøv igjen» (faked here; real below) -------------


def _busy(**kwargs: Any) -> Initiative:
    raise RowBusy("Initiative is locked elsewhere.")


def _move_data(initiative: Initiative, phase: Phase) -> dict[str, Any]:
    answers = {f"svar-{item.pk}": "done" for item in open_checklist_items(initiative)}
    return {"fase": phase.pk, "versjon": initiative.version, **answers}


def _next_phase(initiative: Initiative) -> Phase:
    phase = (
        Phase.objects.filter(organisation=initiative.organisation, kind=PhaseKind.ACTIVE)
        .exclude(pk=initiative.phase_id)
        .first()
    )
    assert phase is not None
    return phase


def test_a_busy_row_answers_htmx_with_409_and_a_try_again_alert(
    initiative: Initiative,
    bob: User,
    client_for: Callable[[User | None], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("portfolio.views.board.move_initiative", _busy)
    response = client_for(bob).post(
        reverse("portfolio:move", args=[initiative.pk]),
        _move_data(initiative, _next_phase(initiative)),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert BUSY in response.content.decode() and "prøv igjen" in response.content.decode()
    assert response["HX-Retarget"] == "#main"


def test_a_busy_row_without_htmx_redirects_back_with_the_message(
    initiative: Initiative,
    bob: User,
    client_for: Callable[[User | None], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("portfolio.views.board.move_initiative", _busy)
    board = reverse("portfolio:board")
    client = client_for(bob)
    response = client.post(
        reverse("portfolio:move", args=[initiative.pk]),
        _move_data(initiative, _next_phase(initiative)),
        HTTP_REFERER=f"http://testserver{board}",
    )
    assert response.status_code == 302 and response["Location"] == f"http://testserver{board}"
    assert BUSY in client.get(board).content.decode()


# On PostgreSQL: real races and real row locks --------------------------------------------


def _race(posts: list[tuple[User, dict[str, str]]], url: str) -> list[int]:
    """POST from each user in its own thread (its own connection), all at once."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []
    errors: list[BaseException] = []
    clients = []
    for user, _data in posts:
        client = Client()
        client.force_login(user)
        clients.append(client)

    def post(client: Client, data: dict[str, str]) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(client, data))
        for client, (_user, data) in zip(clients, posts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["park", "accept"])
def test_two_board_members_deciding_at_once_record_exactly_one_decision(
    second: str, make_idea: Callable[..., Idea], bob: User, admin: User
) -> None:
    idea = make_idea()
    other = (
        park_data(idea.version)
        if second == "park"
        else accept_data(idea.version, first_active_phase(idea), bob)
    )
    statuses = _race([(bob, park_data(idea.version)), (admin, other)], treat_url(idea))
    assert sorted(statuses) == [302, 302]  # both are told, with a message, what happened
    assert Decision.objects.filter(idea=idea).count() == 1
    decided = DomainEvent.objects.filter(
        subject_id=idea.pk, action__in=["idea.parked", "idea.accepted"]
    )
    assert decided.count() == 1
    assert Initiative.objects.filter(idea=idea).count() == (
        1 if decided.get().action == "idea.accepted" else 0
    )
    idea.refresh_from_db()
    assert idea.version == 2


@pytest.mark.postgres
def test_the_web_process_bounds_lock_waits_and_statements_and_compiles_no_jit(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == ("3s",)
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_card_locked_elsewhere_waits_a_bounded_time_and_says_try_again(
    htmx: bool, make_initiative: Callable[..., Initiative], bob: User
) -> None:
    initiative = make_initiative()
    data = _move_data(initiative, _next_phase(initiative))
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                Initiative.objects.select_for_update().get(pk=initiative.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(timeout=10)
    client = Client()
    client.force_login(bob)
    lock_timeout = 0.5
    with connection.cursor() as cursor:  # this connection serves the test client's requests
        cursor.execute(f"SET lock_timeout = '{int(lock_timeout * 1000)}ms'")
    try:
        started = time.monotonic()
        extra: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(reverse("portfolio:move", args=[initiative.pk]), data, **extra)
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert lock_timeout <= waited < lock_timeout + 1
    if htmx:
        assert response.status_code == 409
        assert BUSY in response.content.decode()
    else:
        assert response.status_code == 302
        assert BUSY in client.get(response["Location"]).content.decode()
    initiative.refresh_from_db()
    assert initiative.version == 1  # nothing was saved
    assert not DomainEvent.objects.filter(action="initiative.moved").exists()
