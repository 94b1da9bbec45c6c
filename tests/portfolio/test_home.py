"""The landing page: its «N idéer venter» count is the board's inbox, the list it links to."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from portal.models import User
from portfolio.models import Decision
from portfolio.services.triage import park_idea


def inbox_count(html: str) -> int:
    found = re.search(r"(\d+) idé(?:er)? venter på vurdering", html)
    assert found, "the board's inbox card is missing"
    return int(found.group(1))


def test_home_counts_what_the_inbox_lists_including_parked_ideas_now_due(
    make_idea: Callable[..., Idea], bob: User, client_for: Callable[[User | None], Client]
) -> None:
    make_idea(title="Ny idé")
    due = make_idea(title="Parkert, nå aktuell")
    later = make_idea(title="Parkert, senere")
    today = timezone.localdate()
    park_idea(idea=due, actor=bob, revisit_on=today + timedelta(days=1))
    park_idea(idea=later, actor=bob, revisit_on=today + timedelta(days=30))
    # The date to look at it again has come.
    Decision.objects.filter(idea=due).update(revisit_on=today)
    client = client_for(bob)
    home = client.get(reverse("home")).content.decode()
    inbox = client.get(reverse("portfolio:triage")).content.decode()
    assert inbox_count(home) == 2
    assert "Ny idé" in inbox and "Parkert, nå aktuell" in inbox
    assert "Parkert, senere" not in inbox
    assert f'href="{reverse("portfolio:triage")}"' in home


def test_home_shows_no_inbox_to_staff(
    make_idea: Callable[..., Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    make_idea()
    html = client_for(alice).get(reverse("home")).content.decode()
    assert "venter på vurdering" not in html


def test_home_answers_only_get(bob: User, client_for: Callable[[User | None], Client]) -> None:
    assert client_for(bob).post(reverse("home")).status_code == 405
