"""Pages that answer a fragment to htmx tell caches so, and htmx restores history as a page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from ideas.models import Idea
from portal.models import User


def _vary(value: str) -> set[str]:
    return {part.strip().lower() for part in value.split(",")}


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("name", ["ideas:list", "ideas:mine", "portfolio:board", "home"])
def test_pages_and_fragments_vary_on_hx_request(
    name: str,
    htmx: bool,
    idea: Idea,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(bob).get(reverse(name), headers=headers)
    assert response.status_code == 200
    assert "hx-request" in _vary(response["Vary"])
    assert "cookie" in _vary(response["Vary"])  # what was there stays


def test_the_list_answers_a_fragment_or_a_page_on_one_url(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    page = client.get(reverse("ideas:list")).content.decode()
    fragment = client.get(reverse("ideas:list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and "<html" not in fragment
    assert 'id="idea-list"' in fragment


def test_streamed_and_anonymous_responses_vary_too(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    export = client_for(alice).get(reverse("ideas:export", args=["csv"]))
    assert "hx-request" in _vary(export["Vary"])
    login_redirect = client_for(None).get(reverse("ideas:list"))
    assert "hx-request" in _vary(login_redirect["Vary"])


def test_htmx_restores_history_with_a_full_page_request(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(reverse("home")).content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match is not None
    config = json.loads(match.group(1))
    assert config["historyRestoreAsHxRequest"] is False
