"""Smoke test of the board benchmark's «bare view» floor (`bench.board_floor`): it answers
through the whole middleware with the cards the board shows, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from bench.urls import BOARD_FLOOR_PATH
from portal.models import User
from portfolio.models import Initiative


def test_board_floor_shows_the_cards_in_fixed_queries(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
    settings: Settings,
) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    client = client_for(bob)
    first = make_initiative(title="Første kort")
    with CaptureQueriesContext(connection) as one:
        response = client.get(BOARD_FLOOR_PATH)
    assert response.status_code == 200
    assert "Første kort" in response.content.decode()
    assert f'id="card-{first.pk}"' in response.content.decode()
    for n in range(5):
        make_initiative(title=f"Kort {n}")
    with CaptureQueriesContext(connection) as six:
        html = client.get(BOARD_FLOOR_PATH).content.decode()
    assert html.count("<article") == 6
    assert len(six) == len(one)
