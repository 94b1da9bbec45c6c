"""Drafts, editing with optimistic concurrency, and withdrawing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from ideas import services
from ideas.models import Idea, IdeaStatus, InnovationType, StrategicGoal
from portal.concurrency import StaleVersion
from portal.models import DomainEvent, Unit, User


@pytest.fixture
def full_form(unit: Unit, service_type: InnovationType) -> dict[str, object]:
    process = InnovationType.objects.get(organisation=unit.organisation, code="process")
    goal = StrategicGoal.objects.filter(organisation=unit.organisation).first()
    assert goal is not None
    return {
        "title": "Digitalt nattilsyn",
        "question": "Hvordan kan vi gi brukerne bedre søvn?",
        "need": "Nattpatruljen vekker brukerne.",
        "need_holder": "Brukere av hjemmetjenesten",
        "proposed_solution": "Sensorer.",
        "affected_parties": "Hjemmetjenesten, pårørende",
        "value_types": ["quality", "resources"],
        "innovation_type": str(service_type.pk),
        "secondary_types": [str(process.pk)],
        "strategic_goals": [str(goal.pk)],
        "unit": str(unit.pk),
        "tags_text": "Velferdsteknologi, natt, velferdsteknologi",
        "initiator": "employee",
        "reuses_solution": "on",
        "reuse_url": "https://example.org/nattilsyn",
        "score_need": "3",
        "score_value": "2",
        "score_champion": "0",
        "score_team": "",
        "score_anchoring": "1",
    }


def test_a_draft_needs_only_a_title_and_stays_private(
    alice: User, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).post(
        reverse("ideas:create"), {"title": "Halvferdig tanke", "handling": "utkast"}
    )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:edit", args=[idea.pk])
    assert idea.status == IdeaStatus.DRAFT and idea.submitted_at is None
    assert client_for(alice).get(idea.get_absolute_url()).status_code == 200
    assert client_for(bob).get(idea.get_absolute_url()).status_code == 404
    assert idea.title not in client_for(bob).get(reverse("ideas:list")).content.decode()
    assert idea.title in client_for(alice).get(reverse("ideas:mine")).content.decode()


def test_a_draft_is_finished_and_submitted(
    alice: User, full_form: dict[str, object], client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    client.post(reverse("ideas:create"), {"title": "Utkast", "handling": "utkast"})
    idea = Idea.objects.get()
    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {**full_form, "versjon": idea.version, "handling": "send"},
    )
    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED and idea.submitted_at is not None
    assert [
        e.action for e in DomainEvent.objects.filter(subject_type="ideas.idea", subject_id=idea.pk)
    ] == [
        "idea.draft_created",
        "idea.submitted",
    ]


def test_submitting_a_draft_still_requires_the_fields(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    client.post(reverse("ideas:create"), {"title": "Utkast", "handling": "utkast"})
    idea = Idea.objects.get()
    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {"title": "Utkast", "versjon": idea.version, "handling": "send"},
    )
    assert response.status_code == 200
    assert "Beskriv behovet." in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.DRAFT


def test_every_field_is_stored_and_shown(
    alice: User, full_form: dict[str, object], client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    client.post(reverse("ideas:create"), {**full_form, "handling": "send"})
    idea = Idea.objects.get()
    assert idea.value_types == ["quality", "resources"]
    assert [t.code for t in idea.secondary_types.all()] == ["process"]
    assert sorted(t.name for t in idea.tags.all()) == ["natt", "velferdsteknologi"]
    assert idea.reuses_solution and idea.reuse_url == "https://example.org/nattilsyn"
    assert idea.zero_foundations() == ["champion"]
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Advarsel: ett eller flere fundamenter mangler" in html
    assert "Ildsjel / pådriver" in html
    assert "Økt kvalitet i tjenestene" in html
    assert "Brukere av hjemmetjenesten" in html


def test_no_zero_no_warning(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(idea.get_absolute_url()).content.decode()
    assert "fundamenter mangler" not in html


def test_editing_records_only_what_changed(idea: Idea, alice: User) -> None:
    services.update_idea(idea=idea, actor=alice, expected_version=idea.version, title="Nytt navn")
    event = DomainEvent.objects.filter(action="idea.edited").get()
    assert event.before == {"title": "Digitalt nattilsyn"}
    assert event.after == {"title": "Nytt navn"}
    assert event.actor == alice


def test_a_stale_edit_is_refused_not_overwritten(idea: Idea, alice: User, bob: User) -> None:
    loaded = idea.version
    services.update_idea(idea=idea, actor=bob, expected_version=loaded, title="Styrets tittel")
    with pytest.raises(StaleVersion):
        services.update_idea(idea=idea, actor=alice, expected_version=loaded, title="Min tittel")
    idea.refresh_from_db()
    assert idea.title == "Styrets tittel"


def test_the_second_editor_gets_409_and_keeps_the_text(
    idea: Idea,
    alice: User,
    bob: User,
    full_form: dict[str, object],
    client_for: Callable[[User | None], Client],
) -> None:
    Idea.objects.filter(pk=idea.pk).update(triaged_at=idea.submitted_at)
    stale = idea.version
    client_for(bob).post(
        reverse("ideas:edit", args=[idea.pk]),
        {**full_form, "title": "Styrets versjon", "versjon": stale},
    )
    response = client_for(bob).post(
        reverse("ideas:edit", args=[idea.pk]),
        {**full_form, "title": "Min egen versjon", "versjon": stale},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Noen andre lagret idéen mens du skrev" in html
    assert "Min egen versjon" in html
    idea.refresh_from_db()
    assert idea.title == "Styrets versjon"


@pytest.mark.parametrize("garbled", ["²", "abc", ""])
def test_a_garbled_version_is_a_conflict_not_a_500(
    garbled: str,
    idea: Idea,
    bob: User,
    full_form: dict[str, object],
    client_for: Callable[[User | None], Client],
) -> None:
    response = client_for(bob).post(
        reverse("ideas:edit", args=[idea.pk]), {**full_form, "title": "Ny", "versjon": garbled}
    )
    assert response.status_code == 409
    idea.refresh_from_db()
    assert idea.title != "Ny"


def test_submitter_edits_until_triage_then_only_the_board(
    idea: Idea, alice: User, bob: User, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:edit", args=[idea.pk])
    assert client_for(alice).get(url).status_code == 200
    assert client_for(bob).get(url).status_code == 200
    assert client_for(leader).get(url).status_code == 403
    Idea.objects.filter(pk=idea.pk).update(triaged_at=idea.submitted_at)
    assert client_for(alice).get(url).status_code == 403
    assert client_for(bob).get(url).status_code == 200


def test_submitter_withdraws_and_the_idea_is_closed(
    idea: Idea, alice: User, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("ideas:withdraw", args=[idea.pk])
    assert client_for(bob).post(url, {"versjon": idea.version}).status_code == 403
    response = client_for(alice).post(url, {"versjon": idea.version})
    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.WITHDRAWN
    event = DomainEvent.objects.get(action="idea.withdrawn")
    assert event.before == {"status": "submitted"} and event.after == {"status": "withdrawn"}
    assert client_for(alice).get(reverse("ideas:edit", args=[idea.pk])).status_code == 403


def test_outsider_cannot_edit_or_withdraw(
    idea: Idea, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(charlie)
    assert client.post(reverse("ideas:edit", args=[idea.pk]), {}).status_code == 404
    assert client.post(reverse("ideas:withdraw", args=[idea.pk]), {}).status_code == 404


BAD_FIELDS = [
    ("need_holder", "h" * 301, "300 eller færre tegn"),
    ("affected_parties", "p" * 2001, "2000 eller færre tegn"),
    ("proposed_solution", "s" * 4001, "4000 eller færre tegn"),
    ("value_types", ["gull"], "Velg blant verdiene i listen."),
    ("secondary_types", ["99999"], "Velg blant de fire innovasjonstypene."),
    ("strategic_goals", ["99999"], "Velg blant kommunens strategiske mål."),
    ("sustainability_goals", ["99999"], "Velg blant kommunens bærekraftsmål."),
    ("initiator", "konge", "Velg hvem som tok initiativet fra listen."),
    ("reuse_url", "javascript:alert(1)", "Skriv en gyldig nettadresse"),
    ("reuse_url", "ikke en lenke", "Skriv en gyldig nettadresse"),
    ("tags_text", ", ".join(f"ord{n}" for n in range(11)), "Bruk høyst 10 stikkord."),
    ("tags_text", "x" * 51, "Et stikkord kan ha høyst 50 tegn"),
    ("score_need", "4", "Velg en verdi fra 0 til 3."),
    ("score_team", "-1", "Velg en verdi fra 0 til 3."),
    ("score_value", "tre", "Velg en verdi fra 0 til 3."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_every_field_rejects_bad_input_at_the_field(
    field: str,
    value: object,
    message: str,
    alice: User,
    full_form: dict[str, object],
    client_for: Callable[[User | None], Client],
) -> None:
    response = client_for(alice).post(
        reverse("ideas:create"), {**full_form, field: value, "handling": "send"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert "Nattpatruljen vekker brukerne." in html  # the rest is kept
    assert not Idea.objects.exists()


def test_primary_type_cannot_also_be_secondary(
    alice: User,
    full_form: dict[str, object],
    service_type: InnovationType,
    client_for: Callable[[User | None], Client],
) -> None:
    response = client_for(alice).post(
        reverse("ideas:create"),
        {**full_form, "secondary_types": [str(service_type.pk)], "handling": "send"},
    )
    assert "er allerede valgt som hovedtype" in response.content.decode()
