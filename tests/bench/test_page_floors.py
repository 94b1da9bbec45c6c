"""Smoke tests of `bench all`'s floors (`bench.page_floors`): each answers through the whole
middleware with what its page shows, and its query count does not grow with the rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from ideas.models import Idea
from portal.models import User
from portfolio.models import Initiative, Meeting, Phase, PhaseKind

FLOOR = "/bench/gulv"


@pytest.fixture(autouse=True)
def _bench_urls(settings: Settings) -> None:
    settings.ROOT_URLCONF = "bench.urls"


def queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_idea_list_and_idea_page_floors_show_the_ideas(
    make_idea: Callable[..., Idea],
    alice: User,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(alice)
    first = make_idea(title="Digitalt nattilsyn")
    one, html = queries(client, f"{FLOOR}/ideer/")
    assert "Digitalt nattilsyn" in html
    for n in range(5):
        make_idea(title=f"Idé {n}")
    six, html = queries(client, f"{FLOOR}/ideer/")
    assert html.count('<h3><a href="/ideer/') == 6
    assert six == one
    _count, html = queries(client, f"{FLOOR}/ideer/?q=nattilsyn")
    assert "Digitalt nattilsyn" in html
    _count, html = queries(client, f"{FLOOR}/ideer/{first.pk}/")
    assert "Digitalt nattilsyn" in html


def test_portfolio_floors_answer_for_the_board(
    make_initiative: Callable[..., Initiative],
    meeting: Meeting,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(bob)
    initiative = make_initiative(title="Velferdsteknologi")
    for url in (
        f"{FLOOR}/flyt/",
        f"{FLOOR}/gevinster/",
        f"{FLOOR}/innboks/",
        f"{FLOOR}/initiativ/{initiative.pk}/status/",
    ):
        queries(client, url)
    _count, html = queries(client, f"{FLOOR}/moter/{meeting.pk}/")
    assert meeting.title in html


def test_move_floor_moves_the_card(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    initiative = make_initiative()
    target = (
        Phase.objects.filter(organisation=initiative.organisation, kind=PhaseKind.ACTIVE)
        .order_by("order")
        .exclude(pk=initiative.phase_id)
        .first()
    )
    assert target is not None
    response = client_for(bob).post(
        f"{FLOOR}/initiativ/{initiative.pk}/flytt/",
        {"fase": target.pk, "versjon": initiative.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.phase_id == target.pk
    assert initiative.visits.filter(left_at__isnull=True).get().phase_id == target.pk
