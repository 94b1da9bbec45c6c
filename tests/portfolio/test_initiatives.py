"""Editing an initiative's role (a staircase level) and whether it is shared with others."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from portal.concurrency import StaleVersion
from portal.models import DomainEvent, User
from portfolio.events import PortfolioAction
from portfolio.models import Initiative, MunicipalRole
from portfolio.services.initiatives import update_initiative


def edit_url(initiative: Initiative) -> str:
    return reverse("portfolio:initiative_edit", args=[initiative.pk])


def test_the_board_sets_role_and_sharing_and_it_is_an_event(
    bob: User, client_for: Callable[[User | None], Client], initiative: Initiative
) -> None:
    response = client_for(bob).post(
        edit_url(initiative),
        {
            "role": "3",
            "shared_with_others": "on",
            "shared_with": "  Lillestrøm   og Lørenskog ",
            "versjon": str(initiative.version),
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.role == MunicipalRole.INITIATOR
    assert initiative.shared_with_others and initiative.shared_with == "Lillestrøm og Lørenskog"
    assert initiative.version == 2
    event = DomainEvent.objects.get(action=PortfolioAction.INITIATIVE_EDITED)
    assert event.after == {
        "role": 3,
        "shared_with_others": True,
        "shared_with": "Lillestrøm og Lørenskog",
    }
    page = client_for(bob).get(reverse("portfolio:initiative", args=[initiative.pk]))
    html = page.content.decode()
    assert "Initiativtaker" in html and "Lillestrøm og Lørenskog" in html
    # PostgreSQL's jsonb keeps keys in its own order: name the fields, not their order.
    sentence = html.split("endret initiativet: ", 1)[1].split(".", 1)[0]
    assert set(sentence.split(", ")) == {
        "kommunens rolle",
        "delt med andre",
        "hvem løsningen er delt med",
    }


def test_not_shared_names_nobody_and_a_save_without_change_keeps_the_version(
    bob: User, initiative: Initiative
) -> None:
    update_initiative(
        initiative=initiative,
        actor=bob,
        expected_version=1,
        role=MunicipalRole.CONTRIBUTOR,
        shared_with_others=False,
        shared_with="Noen",
    )
    initiative.refresh_from_db()
    assert initiative.shared_with == "" and initiative.version == 1
    assert not DomainEvent.objects.filter(action=PortfolioAction.INITIATIVE_EDITED).exists()


def test_a_card_moved_meanwhile_is_not_overwritten(
    bob: User, client_for: Callable[[User | None], Client], initiative: Initiative
) -> None:
    update_initiative(
        initiative=initiative,
        actor=bob,
        expected_version=1,
        role=MunicipalRole.PARTNER,
        shared_with_others=False,
        shared_with="",
    )
    with pytest.raises(StaleVersion):
        update_initiative(
            initiative=initiative,
            actor=bob,
            expected_version=1,
            role=MunicipalRole.WAIT_AND_SEE,
            shared_with_others=False,
            shared_with="",
        )
    response = client_for(bob).post(
        edit_url(initiative), {"role": "1", "shared_with": "Asker", "versjon": "1"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "mens du skrev" in html and 'value="Asker"' in html  # nothing typed is lost
    initiative.refresh_from_db()
    assert initiative.role == MunicipalRole.PARTNER


@pytest.mark.parametrize(
    "data",
    [
        {"role": "9"},
        {"role": "٣"},  # an Arabic-Indic three is not a level
        {"role": ""},
        {"role": "2", "shared_with": "x" * 301},
    ],
)
def test_bad_input_gets_a_message_at_the_field(
    bob: User,
    client_for: Callable[[User | None], Client],
    initiative: Initiative,
    data: dict[str, str],
) -> None:
    response = client_for(bob).post(edit_url(initiative), {**data, "versjon": "1"})
    assert response.status_code == 200
    assert "Feil i skjemaet" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.version == 1


def test_the_form_shows_the_organisations_own_level_names_and_stances(
    bob: User, client_for: Callable[[User | None], Client], initiative: Initiative
) -> None:
    from maturity.models import MaturityLevel

    MaturityLevel.objects.filter(organisation=initiative.organisation, level=2).update(
        name="Medspiller", stance="Vi spiller med"
    )
    html = client_for(bob).get(edit_url(initiative)).content.decode()
    assert "Medspiller" in html and "«Vi spiller med»" in html and "Bidragsyter" not in html
