"""Numbers and ids from query strings and form posts: one parser, never a 500.

`"²".isdigit()` is true and `int("²")` raises, `int("١")` is 1: every view that reads a
number by hand is tried here with the values a hand-edited URL or form can carry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from ideas.models import Idea, IdeaStatus
from portal.models import User
from portal.params import MAX_ID, StrictIntegerField, parse_id, parse_int
from portfolio.models import (
    Benefit,
    BenefitKind,
    Initiative,
    Meeting,
    Phase,
    PhaseKind,
    StatusReport,
    TrafficLight,
)
from portfolio.services.benefits import add_benefit
from portfolio.services.status import save_status_report

BAD_NUMBERS = ["²", "١", "-1", "99999999999999999999", ""]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("²", None),
        ("١", None),
        ("৩", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1 ", None),
        ("1.0", None),
        ("99999999999999999999", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_parse_int_takes_only_bounded_ascii_digits(value: object, expected: int | None) -> None:
    assert parse_int(value) == expected


def test_parse_int_bounds_and_default() -> None:
    assert parse_int("5", minimum=1, maximum=4) is None
    assert parse_int("5", default=0, maximum=4) == 0
    assert parse_int("²", default=3) == 3
    assert parse_id("0") is None and parse_id("1") == 1


class _VersionForm(forms.Form):
    versjon = StrictIntegerField(min_value=1)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_strict_integer_field_refuses_what_django_would_take_or_crash_on(value: str) -> None:
    form = _VersionForm({"versjon": value})
    assert not form.is_valid()
    assert form.errors["versjon"]  # a message at the field, in Bokmål
    assert form.errors["versjon"][0] in {
        "Skriv et helt tall.",
        "Feltet er påkrevet.",
        "Verdien må være større enn eller lik 1.",
        f"Verdien må være mindre enn eller lik {MAX_ID}.",
    }


def test_strict_integer_field_takes_ascii_digits() -> None:
    form = _VersionForm({"versjon": "12"})
    assert form.is_valid() and form.cleaned_data["versjon"] == 12


# The views --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_similar_ideas_ignore_a_bad_exclude(
    value: str, idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:similar")
    response = client_for(alice).get(url, {"title": idea.title, "unntatt": value})
    assert response.status_code == 200
    assert idea.title in response.content.decode()  # nothing was excluded


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_editing_an_idea_with_a_bad_version_is_a_conflict(
    value: str, idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:edit", args=[idea.pk])
    form = client_for(alice).get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        innovation_type=str(idea.innovation_type_id),
        unit=str(idea.unit_id),
        title="Endret tittel",
        value_types=[],
        secondary_types=[],
        strategic_goals=[],
        tags_text="",
        versjon=value,
    )
    response = client_for(alice).post(url, data)
    assert response.status_code == 409
    assert "Noen andre lagret idéen mens du skrev" in response.content.decode()
    idea.refresh_from_db()
    assert idea.title != "Endret tittel"


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_withdrawing_with_a_bad_version_is_a_conflict_not_closed(
    value: str, idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    response = client.post(reverse("ideas:withdraw", args=[idea.pk]), {"versjon": value})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Idéen ble endret mens du så på den" in page
    assert "allerede avsluttet" not in page
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_editing_a_benefit_with_a_bad_version_is_a_conflict(
    value: str, initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    benefit = add_benefit(
        initiative=initiative,
        actor=bob,
        description="Frigjort tid",
        kind=BenefitKind.INDIRECT,
        expected_hours=Decimal("100"),
    )
    data = {
        "description": "Endret",
        "kind": BenefitKind.INDIRECT.value,
        "expected_amount": "",
        "expected_hours": "100",
        "owner": "",
        "responsible": "",
        "preconditions": "",
        "realisation_date": "2027-06-30",
        "measure_every_days": "90",
        "versjon": value,
    }
    url = reverse("portfolio:benefit_edit", args=[benefit.pk])
    response = client_for(bob).post(url, data)
    assert response.status_code == 409
    assert "lagret gevinsten mens du skrev" in response.content.decode()
    assert Benefit.objects.get().description == "Frigjort tid"


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_meeting_field_in_triage_is_404(
    value: str,
    method: str,
    idea: Idea,
    meeting: Meeting,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    url = reverse("portfolio:triage_idea", args=[idea.pk])
    data = {"meeting": value, "handling": "park", "revisit_on": "2099-01-01"}
    response = getattr(client_for(bob), method)(url, data)
    if value == "":
        # No meeting: the plain triage page (GET) or a decision outside a meeting (POST).
        assert response.status_code in {200, 302}
    else:
        assert response.status_code == 404
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_show_more_with_a_bad_start_shows_the_first_cards(
    value: str, initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:column", args=[initiative.phase_id])
    response = client_for(bob).get(url, {"fra": value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert initiative.idea.title in response.content.decode()


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_moving_a_card_with_a_bad_version_moves_nothing(
    value: str, initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    phases = Phase.objects.filter(organisation=initiative.organisation, kind=PhaseKind.ACTIVE)
    target = phases.exclude(pk=initiative.phase_id).first()
    assert target is not None
    url = reverse("portfolio:move", args=[initiative.pk])
    client = client_for(bob)
    response = client.post(url, {"fase": target.pk, "versjon": value})
    # A missing version is a conflict too (portal.concurrency.VersionField), told on the board.
    assert response.status_code == 302
    assert "mens du så på tavla" in client.get(response["Location"]).content.decode()
    initiative.refresh_from_db()
    assert initiative.phase_id != target.pk


@pytest.mark.parametrize("value", [v for v in BAD_NUMBERS if v])
def test_saving_a_status_draft_with_a_bad_version_is_a_conflict(
    value: str, initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    lights: dict[str, Any] = dict.fromkeys(StatusReport.LIGHTS, TrafficLight.GREEN)
    draft = save_status_report(
        initiative=initiative,
        actor=bob,
        publish=False,
        period_end=date(2026, 3, 31),
        summary="Utkastet",
        **lights,
    )
    data = {
        "period_end": "2026-03-31",
        "summary": "Overskrevet",
        **dict.fromkeys(StatusReport.LIGHTS, TrafficLight.GREEN),
        **{f"{light}_comment": "" for light in StatusReport.LIGHTS},
        "budget": "",
        "costs_to_date": "",
        "versjon": value,
        "handling": "utkast",
    }
    url = reverse("portfolio:status_edit", args=[initiative.pk, draft.pk])
    response = client_for(bob).post(url, data)
    assert response.status_code == 200  # the form again, with the conflict message
    assert "Noen andre lagret utkastet mens du skrev" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Utkastet"
