"""Phases and portfolio settings: administrators edit phases, checklists and the template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from portal.models import DomainEvent, Organisation, Role, User
from portal.services import add_member
from portfolio.defaults import DIGDIR_PHASES, KS_VEIKART_PHASES
from portfolio.exceptions import ChecklistItemInUse, PhaseInUse
from portfolio.models import (
    ChecklistItem,
    Initiative,
    Phase,
    PhaseKind,
    PortfolioSettings,
)
from portfolio.services.board import move_initiative
from portfolio.services.phases import (
    add_checklist_item,
    create_phase,
    delete_phase,
    move_checklist_item,
    move_phase,
    remove_checklist_item,
    set_portfolio_settings,
    switch_phase_template,
    update_checklist_item,
    update_phase,
)

KS_NAMES = [p["name"] for p in KS_VEIKART_PHASES]
DIGDIR_NAMES = [p["name"] for p in DIGDIR_PHASES]
CLOSED_NAMES = ["Parkert", "Avvist", "Slått sammen", "Avsluttet"]


def names(organisation: Organisation) -> list[str]:
    return list(Phase.objects.filter(organisation=organisation).values_list("name", flat=True))


def orders(organisation: Organisation) -> list[int]:
    return list(Phase.objects.filter(organisation=organisation).values_list("order", flat=True))


def phase(organisation: Organisation, name: str) -> Phase:
    return Phase.objects.get(organisation=organisation, name=name)


def events(action: str) -> list[DomainEvent]:
    return list(DomainEvent.objects.filter(action=action).order_by("id"))


def assert_groups_in_order(organisation: Organisation) -> None:
    kinds = list(Phase.objects.filter(organisation=organisation).values_list("kind", flat=True))
    rank = {PhaseKind.INBOX: 0, PhaseKind.ACTIVE: 1, PhaseKind.CLOSED: 2}
    assert kinds == sorted(kinds, key=lambda kind: rank[PhaseKind(kind)])
    assert kinds.count(PhaseKind.INBOX) == 1


@pytest.fixture
def admin_client(admin: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(admin)


@pytest.fixture
def other_admin(other_organisation: Organisation) -> User:
    membership = add_member(
        organisation=other_organisation,
        email="admin@lunner.example",
        role=Role.ADMIN,
        first_name="Lise",
        password="pw",
    )
    return membership.user


# Services.


def test_new_organisation_has_inbox_ks_veikart_and_closed_states(
    organisation: Organisation,
) -> None:
    assert names(organisation) == KS_NAMES
    assert KS_NAMES[0] == "Innkommet"
    assert KS_NAMES[-4:] == CLOSED_NAMES
    assert_groups_in_order(organisation)


def test_update_phase_records_what_changed(organisation: Organisation, admin: User) -> None:
    innsikt = phase(organisation, "Innsikt")
    update_phase(
        phase=innsikt,
        actor=admin,
        name="Innsikt og behov",
        description=innsikt.description,
        key_questions=["Hva er behovet?"],
        wip_limit=4,
    )
    innsikt.refresh_from_db()
    assert (innsikt.name, innsikt.key_questions, innsikt.wip_limit) == (
        "Innsikt og behov",
        ["Hva er behovet?"],
        4,
    )
    [event] = events("phase.updated")
    assert event.subject_type == "portfolio.phase"
    assert event.subject_id == innsikt.pk
    assert event.actor == admin
    assert event.before["name"] == "Innsikt"
    assert event.after == {
        "name": "Innsikt og behov",
        "key_questions": ["Hva er behovet?"],
        "wip_limit": 4,
    }
    assert "description" not in event.after


def test_update_phase_without_changes_records_nothing(
    organisation: Organisation, admin: User
) -> None:
    innsikt = phase(organisation, "Innsikt")
    update_phase(
        phase=innsikt,
        actor=admin,
        name=innsikt.name,
        description=innsikt.description,
        key_questions=innsikt.key_questions,
        wip_limit=None,
    )
    assert events("phase.updated") == []


def test_inbox_stays_the_inbox(organisation: Organisation, admin: User) -> None:
    inbox = phase(organisation, "Innkommet")
    with pytest.raises(ValueError):
        update_phase(
            phase=inbox,
            actor=admin,
            name="Innkommet",
            description="",
            key_questions=[],
            wip_limit=None,
            kind=PhaseKind.ACTIVE,
        )
    with pytest.raises(ValueError):
        update_phase(
            phase=phase(organisation, "Innsikt"),
            actor=admin,
            name="Innsikt",
            description="",
            key_questions=[],
            wip_limit=None,
            kind=PhaseKind.INBOX,
        )
    assert phase(organisation, "Innkommet").kind == PhaseKind.INBOX


def test_active_phase_made_closed_joins_the_closed_states(
    organisation: Organisation, admin: User
) -> None:
    innsikt = phase(organisation, "Innsikt")
    update_phase(
        phase=innsikt,
        actor=admin,
        name="Innsikt",
        description="",
        key_questions=[],
        wip_limit=None,
        kind=PhaseKind.CLOSED,
    )
    assert names(organisation).index("Innsikt") == names(organisation).index("Parkert") - 1
    assert_groups_in_order(organisation)


def test_new_active_phase_comes_last_of_the_active_ones(
    organisation: Organisation, admin: User
) -> None:
    created = create_phase(
        organisation=organisation,
        actor=admin,
        name="Spredning",
        kind=PhaseKind.ACTIVE,
        key_questions=["Hvem kan ta løsningen i bruk?"],
        wip_limit=3,
    )
    assert names(organisation) == [*KS_NAMES[:7], "Spredning", *CLOSED_NAMES]
    assert orders(organisation) == list(range(12))
    [event] = events("phase.created")
    assert event.subject_id == created.pk
    assert event.after["name"] == "Spredning"
    assert event.after["order"] == 7
    assert event.after["wip_limit"] == 3


def test_new_closed_state_comes_last(organisation: Organisation, admin: User) -> None:
    create_phase(organisation=organisation, actor=admin, name="Trukket", kind=PhaseKind.CLOSED)
    assert names(organisation) == [*KS_NAMES, "Trukket"]


def test_a_second_inbox_cannot_be_created(organisation: Organisation, admin: User) -> None:
    with pytest.raises(ValueError):
        create_phase(organisation=organisation, actor=admin, name="Innboks 2", kind=PhaseKind.INBOX)


def test_move_phase_swaps_with_its_neighbour(organisation: Organisation, admin: User) -> None:
    innsikt = phase(organisation, "Innsikt")
    move_phase(phase=innsikt, actor=admin, direction="up")
    assert names(organisation)[1:3] == ["Innsikt", "Forankring"]
    move_phase(phase=innsikt, actor=admin, direction="down")
    assert names(organisation)[1:3] == ["Forankring", "Innsikt"]
    assert len(set(orders(organisation))) == len(KS_NAMES)
    first, second = events("phase.moved")
    assert first.subject_id == innsikt.pk
    assert first.before == {"order": 2}
    assert first.after == {"order": 1, "direction": "up", "swapped_with": "Forankring"}
    assert second.after["direction"] == "down"


def test_move_phase_stops_at_the_edge_of_its_kind(organisation: Organisation, admin: User) -> None:
    move_phase(phase=phase(organisation, "Forankring"), actor=admin, direction="up")
    move_phase(phase=phase(organisation, "Ny praksis"), actor=admin, direction="down")
    move_phase(phase=phase(organisation, "Innkommet"), actor=admin, direction="down")
    assert names(organisation) == KS_NAMES
    assert events("phase.moved") == []


def test_delete_unused_phase(organisation: Organisation, admin: User) -> None:
    pilot = phase(organisation, "Pilotering")
    checklist = list(pilot.checklist.values_list("text", flat=True))
    delete_phase(phase=pilot, actor=admin)
    assert "Pilotering" not in names(organisation)
    assert not ChecklistItem.objects.filter(phase_id=pilot.pk).exists()
    [event] = events("phase.deleted")
    assert event.subject_id == pilot.pk
    assert event.before["name"] == "Pilotering"
    assert event.before["checklist"] == checklist


def test_phase_with_an_initiative_cannot_be_deleted(
    organisation: Organisation, admin: User, initiative: Initiative
) -> None:
    with pytest.raises(PhaseInUse) as refused:
        delete_phase(phase=initiative.phase, actor=admin)
    assert refused.value.usage.initiatives == 1
    assert Phase.objects.filter(pk=initiative.phase_id).exists()


def test_phase_an_initiative_has_left_cannot_be_deleted(
    organisation: Organisation, admin: User, bob: User, initiative: Initiative
) -> None:
    left = initiative.phase
    answers = {item.pk: ("done", "") for item in left.checklist.all()}
    move_initiative(
        initiative=initiative,
        actor=bob,
        to_phase=phase(organisation, "Innsikt"),
        expected_version=initiative.version,
        answers=answers,
    )
    with pytest.raises(PhaseInUse) as refused:
        delete_phase(phase=left, actor=admin)
    assert refused.value.usage.initiatives == 0
    assert refused.value.usage.history > 0


def test_the_inbox_cannot_be_deleted(organisation: Organisation, admin: User) -> None:
    with pytest.raises(ValueError):
        delete_phase(phase=phase(organisation, "Innkommet"), actor=admin)


def test_checklist_items_are_added_edited_moved_and_removed(
    organisation: Organisation, admin: User
) -> None:
    pilot = phase(organisation, "Pilotering")
    count = pilot.checklist.count()
    added = add_checklist_item(phase=pilot, actor=admin, text="  ROS-analyse er gjort ")
    assert added.text == "ROS-analyse er gjort"
    assert list(pilot.checklist.values_list("text", flat=True))[-1] == "ROS-analyse er gjort"
    update_checklist_item(item=added, actor=admin, text="ROS-analyse er godkjent")
    move_checklist_item(item=added, actor=admin, direction="up")
    texts = list(pilot.checklist.values_list("text", flat=True))
    assert texts[-2] == "ROS-analyse er godkjent"
    assert len(texts) == count + 1
    remove_checklist_item(item=added, actor=admin)
    assert pilot.checklist.count() == count
    actions = list(
        DomainEvent.objects.filter(subject_type="portfolio.phase", subject_id=pilot.pk)
        .order_by("id")
        .values_list("action", "before", "after")
    )
    assert actions == [
        (
            "phase.checklist_item_added",
            {},
            {"item": added.pk, "text": "ROS-analyse er gjort", "order": count + 1},
        ),
        (
            "phase.checklist_item_updated",
            {"item": added.pk, "text": "ROS-analyse er gjort"},
            {"item": added.pk, "text": "ROS-analyse er godkjent"},
        ),
        (
            "phase.checklist_item_moved",
            {"item": added.pk, "order": count + 1},
            {"item": added.pk, "order": count, "direction": "up"},
        ),
        (
            "phase.checklist_item_removed",
            {"item": added.pk, "text": "ROS-analyse er godkjent", "order": count},
            {},
        ),
    ]


def test_answered_checkpoint_cannot_be_removed(
    organisation: Organisation, admin: User, bob: User, initiative: Initiative
) -> None:
    item = initiative.phase.checklist.first()
    assert item is not None
    answers = {i.pk: ("done", "") for i in initiative.phase.checklist.all()}
    move_initiative(
        initiative=initiative,
        actor=bob,
        to_phase=phase(organisation, "Innsikt"),
        expected_version=initiative.version,
        answers=answers,
    )
    with pytest.raises(ChecklistItemInUse):
        remove_checklist_item(item=item, actor=admin)
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


def test_set_portfolio_settings(organisation: Organisation, admin: User) -> None:
    settings = set_portfolio_settings(organisation=organisation, actor=admin, stalled_after_days=14)
    assert PortfolioSettings.objects.get(organisation=organisation).stalled_after_days == 14
    [event] = events("portfolio.settings_updated")
    assert event.subject_type == "portfolio.portfoliosettings"
    assert event.subject_id == settings.pk
    assert (event.before, event.after) == ({"stalled_after_days": 30}, {"stalled_after_days": 14})
    for days in (0, 366):
        with pytest.raises(ValueError):
            set_portfolio_settings(organisation=organisation, actor=admin, stalled_after_days=days)


def test_switch_to_digdir_replaces_the_unused_veikart_phases(
    organisation: Organisation, admin: User
) -> None:
    result = switch_phase_template(organisation=organisation, actor=admin, template="digdir")
    assert names(organisation) == DIGDIR_NAMES
    assert orders(organisation) == list(range(len(DIGDIR_NAMES)))
    assert result.added == DIGDIR_NAMES[1:7]
    assert result.removed == KS_NAMES[1:7]
    assert result.kept == []
    assert phase(organisation, "Konsept").checklist.count() == 5
    settings = PortfolioSettings.objects.get(organisation=organisation)
    assert settings.phase_template == "digdir"
    [event] = events("portfolio.phase_template_switched")
    assert event.subject_id == settings.pk
    assert event.before == {"phase_template": "ks_veikart"}
    assert event.after["phase_template"] == "digdir"
    assert event.after["removed"] == KS_NAMES[1:7]
    assert len(events("phase.created")) == 6
    assert len(events("phase.deleted")) == 6


def test_template_switch_keeps_used_phases(
    organisation: Organisation,
    admin: User,
    make_initiative: Callable[..., Initiative],
) -> None:
    innsikt = phase(organisation, "Innsikt")
    make_initiative(phase=innsikt)
    make_initiative(phase=innsikt, title="Nattilsyn 2")
    result = switch_phase_template(organisation=organisation, actor=admin, template="digdir")
    assert "Innsikt" not in result.removed
    [kept] = result.kept
    assert (kept.name, kept.usage.initiatives, kept.custom) == ("Innsikt", 2, False)
    assert names(organisation) == [*DIGDIR_NAMES[:7], "Innsikt", *CLOSED_NAMES]
    assert Initiative.objects.filter(phase=innsikt).count() == 2
    assert_groups_in_order(organisation)
    # And back: the Veikart phases return, Innsikt among them in its place; Digdir's go.
    back = switch_phase_template(organisation=organisation, actor=admin, template="ks_veikart")
    assert names(organisation) == KS_NAMES
    assert back.removed == DIGDIR_NAMES[1:7]
    assert "Innsikt" not in back.added


def test_template_switch_keeps_phases_with_history_and_own_phases(
    organisation: Organisation, admin: User, bob: User, initiative: Initiative
) -> None:
    left = initiative.phase
    move_initiative(
        initiative=initiative,
        actor=bob,
        to_phase=phase(organisation, "Avsluttet"),
        expected_version=initiative.version,
        answers={item.pk: ("done", "") for item in left.checklist.all()},
    )
    create_phase(organisation=organisation, actor=admin, name="Spredning", kind=PhaseKind.ACTIVE)
    result = switch_phase_template(organisation=organisation, actor=admin, template="digdir")
    kept = {k.name: k for k in result.kept}
    assert kept[left.name].usage.initiatives == 0
    assert kept[left.name].usage.history > 0
    assert kept["Spredning"].custom
    assert names(organisation) == [*DIGDIR_NAMES[:7], left.name, "Spredning", *CLOSED_NAMES]


def test_template_switch_reuses_a_renamed_inbox(organisation: Organisation, admin: User) -> None:
    inbox = phase(organisation, "Innkommet")
    update_phase(
        phase=inbox,
        actor=admin,
        name="Til vurdering",
        description="",
        key_questions=[],
        wip_limit=None,
    )
    switch_phase_template(organisation=organisation, actor=admin, template="digdir")
    assert names(organisation)[0] == "Til vurdering"
    assert Phase.objects.filter(organisation=organisation, kind=PhaseKind.INBOX).count() == 1


def test_unknown_template_is_refused(organisation: Organisation, admin: User) -> None:
    with pytest.raises(ValueError):
        switch_phase_template(
            organisation=organisation,
            actor=admin,
            template="prince2",
        )
    assert names(organisation) == KS_NAMES


# Views: the list of phases.


def test_admin_sees_the_phases_with_counts(
    admin_client: Client, organisation: Organisation, initiative: Initiative
) -> None:
    response = admin_client.get(reverse("portfolio:phases"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in KS_NAMES:
        assert name in html
    row = html[html.index(f'id="phase-{initiative.phase_id}"') :]
    row = row[: row.index("</tr>")]
    assert "<td>1</td>" in row  # one initiative
    assert "<td>5</td>" in row  # five checkpoints
    assert "Slett" not in row  # in use
    assert 'aria-current="page">Faser og innstillinger' in html


def test_phase_list_query_count_does_not_grow_with_phases_or_initiatives(
    admin_client: Client,
    organisation: Organisation,
    admin: User,
    make_initiative: Callable[..., Initiative],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # Session, user, membership with organisation, and the phases with their counts.
    url = reverse("portfolio:phases")
    with django_assert_num_queries(4):
        admin_client.get(url)
    for number in range(3):
        create_phase(
            organisation=organisation, actor=admin, name=f"Fase {number}", kind=PhaseKind.ACTIVE
        )
        make_initiative(title=f"Idé {number}")
    with django_assert_num_queries(4):
        admin_client.get(url)


def test_header_link_is_for_admins_only(
    bob: User, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    assert "Faser og innstillinger" in client_for(admin).get(reverse("home")).content.decode()
    assert "Faser og innstillinger" not in client_for(bob).get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["staff", "board", "leader"])
def test_only_admins_may_change_phases(
    role: str,
    alice: User,
    bob: User,
    leader: User,
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for({"staff": alice, "board": bob, "leader": leader}[role])
    innsikt = phase(organisation, "Innsikt")
    item = innsikt.checklist.first()
    assert item is not None
    posts = [
        (reverse("portfolio:phase_create"), {"name": "Ny", "kind": "active"}),
        (reverse("portfolio:phase_edit", args=[innsikt.pk]), {"name": "Endret"}),
        (reverse("portfolio:phase_move", args=[innsikt.pk]), {"retning": "opp"}),
        (reverse("portfolio:phase_delete", args=[innsikt.pk]), {}),
        (reverse("portfolio:checklist_add", args=[innsikt.pk]), {"nytt-text": "Nytt"}),
        (
            reverse("portfolio:checklist_edit", args=[innsikt.pk, item.pk]),
            {f"punkt-{item.pk}-text": "Endret"},
        ),
        (reverse("portfolio:checklist_move", args=[innsikt.pk, item.pk]), {"retning": "ned"}),
        (reverse("portfolio:checklist_remove", args=[innsikt.pk, item.pk]), {}),
        (reverse("portfolio:portfolio_settings"), {"stalled_after_days": "5"}),
        (reverse("portfolio:phase_template"), {"template": "digdir"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert names(organisation) == KS_NAMES
    assert not DomainEvent.objects.filter(action__startswith="phase.").exists()


def test_admin_of_another_organisation_gets_404_for_our_phases(
    other_admin: User, organisation: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(other_admin)
    innsikt = phase(organisation, "Innsikt")
    item = innsikt.checklist.first()
    assert item is not None
    assert client.get(reverse("portfolio:phase_edit", args=[innsikt.pk])).status_code == 404
    assert client.get(reverse("portfolio:phase_delete", args=[innsikt.pk])).status_code == 404
    posts = [
        (reverse("portfolio:phase_edit", args=[innsikt.pk]), {"name": "Endret"}),
        (reverse("portfolio:phase_move", args=[innsikt.pk]), {"retning": "opp"}),
        (reverse("portfolio:phase_delete", args=[innsikt.pk]), {}),
        (reverse("portfolio:checklist_add", args=[innsikt.pk]), {"nytt-text": "Nytt"}),
        (
            reverse("portfolio:checklist_edit", args=[innsikt.pk, item.pk]),
            {f"punkt-{item.pk}-text": "x"},
        ),
        (reverse("portfolio:checklist_move", args=[innsikt.pk, item.pk]), {"retning": "ned"}),
        (reverse("portfolio:checklist_remove", args=[innsikt.pk, item.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # Their own list shows only their own phases.
    html = client.get(reverse("portfolio:phases")).content.decode()
    assert f'id="phase-{innsikt.pk}"' not in html


def test_checklist_item_of_another_phase_is_404(
    admin_client: Client, organisation: Organisation
) -> None:
    innsikt = phase(organisation, "Innsikt")
    other_item = phase(organisation, "Pilotering").checklist.first()
    assert other_item is not None
    url = reverse("portfolio:checklist_remove", args=[innsikt.pk, other_item.pk])
    assert admin_client.post(url).status_code == 404


# Views: adding and editing a phase.


def test_admin_adds_a_phase(admin_client: Client, organisation: Organisation) -> None:
    response = admin_client.post(
        reverse("portfolio:phase_create"),
        {
            "name": "Spredning",
            "kind": "active",
            "description": "Løsningen tas i bruk andre steder.",
            "key_questions": "Hvem kan bruke løsningen?\n\n  Hva trengs for å spre den?  \n",
            "wip_limit": "3",
        },
    )
    created = phase(organisation, "Spredning")
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:phase_edit", args=[created.pk])
    assert created.key_questions == ["Hvem kan bruke løsningen?", "Hva trengs for å spre den?"]
    assert created.wip_limit == 3
    assert names(organisation).index("Spredning") == 7


def test_admin_renames_a_phase(admin_client: Client, organisation: Organisation) -> None:
    innsikt = phase(organisation, "Innsikt")
    url = reverse("portfolio:phase_edit", args=[innsikt.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Hva er egentlig behovet vi skal løse?\nHva er de underliggende" in (
        page.content.decode()
    )
    response = admin_client.post(
        url,
        {
            "name": "Innsikt i behov",
            "kind": "active",
            "description": innsikt.description,
            "key_questions": "\n".join(innsikt.key_questions),
            "wip_limit": "",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    assert "Endringene i fasen «Innsikt i behov» er lagret." in response.content.decode()
    innsikt.refresh_from_db()
    assert innsikt.name == "Innsikt i behov"
    assert innsikt.wip_limit is None
    assert events("phase.updated")[0].after == {"name": "Innsikt i behov"}


def test_admin_marks_a_phase_as_taken_into_use(
    admin_client: Client, organisation: Organisation
) -> None:
    pilot = phase(organisation, "Pilotering")
    assert (pilot.in_use, phase(organisation, "Ny praksis").in_use) == (False, True)
    url = reverse("portfolio:phase_edit", args=[pilot.pk])
    response = admin_client.post(url, {"name": "Pilotering", "kind": "active", "in_use": "on"})
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.in_use
    assert events("phase.updated")[0].after["in_use"] is True
    assert 'name="in_use" class="ds-input" id="id_in_use" checked' in (
        admin_client.get(url).content.decode()
    )


def test_inbox_form_has_no_kind_and_a_posted_kind_is_ignored(
    admin_client: Client, organisation: Organisation
) -> None:
    inbox = phase(organisation, "Innkommet")
    url = reverse("portfolio:phase_edit", args=[inbox.pk])
    assert 'name="kind"' not in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"name": "Til vurdering", "kind": "active"})
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert (inbox.name, inbox.kind) == ("Til vurdering", PhaseKind.INBOX)


BAD_PHASE_INPUT = [
    ("name", "", "Gi fasen et navn."),
    ("name", "   ", "Gi fasen et navn."),
    ("name", "Forankring", "Det finnes allerede en fase som heter «Forankring»."),
    ("name", "forankring", "Det finnes allerede en fase som heter «forankring»."),
    ("name", "n" * 101, "100 eller færre tegn"),
    ("kind", "inbox", "Velg aktiv fase eller avsluttet tilstand."),
    ("kind", "", "Velg om fasen er en aktiv fase eller en avsluttet tilstand."),
    ("description", "d" * 2001, "2000 eller færre tegn"),
    ("key_questions", "Kort?\n" + "k" * 301, "Spørsmål 2 er for langt: høyst 300 tegn"),
    ("key_questions", "\n".join(f"Spørsmål {n}?" for n in range(21)), "høyst 20 nøkkelspørsmål"),
    ("wip_limit", "0", "WIP-grensen må være minst 1."),
    ("wip_limit", "1000", "WIP-grensen kan være høyst 999."),
    ("wip_limit", "x", "Skriv et helt tall"),
    ("wip_limit", "2.5", "Skriv et helt tall"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_PHASE_INPUT)
def test_bad_phase_input_is_refused_at_the_field(
    field: str, value: str, message: str, admin_client: Client, organisation: Organisation
) -> None:
    innsikt = phase(organisation, "Innsikt")
    data = {
        "name": "Innsikt 2",
        "kind": "active",
        "description": "",
        "key_questions": "",
        "wip_limit": "",
        field: value,
    }
    response = admin_client.post(reverse("portfolio:phase_edit", args=[innsikt.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    if field != "kind":
        assert value[:50] in html  # what was typed is kept
    assert phase(organisation, "Innsikt").name == "Innsikt"
    created = admin_client.post(reverse("portfolio:phase_create"), data)
    assert created.status_code == 200
    assert message in created.content.decode()
    assert names(organisation) == KS_NAMES
    assert not DomainEvent.objects.filter(action__startswith="phase.").exists()


# Views: moving and deleting a phase.


def test_move_phase_with_htmx_answers_with_the_list_and_a_status(
    admin_client: Client, organisation: Organisation
) -> None:
    innsikt = phase(organisation, "Innsikt")
    response = admin_client.post(
        reverse("portfolio:phase_move", args=[innsikt.pk]),
        {"retning": "opp"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="phase-list"')
    assert 'id="phase-status" hx-swap-oob="innerHTML"' in html
    assert "«Innsikt» er flyttet opp, til plass 1 av 6." in html
    assert html.index("Innsikt") < html.index("Forankring")
    assert names(organisation)[1] == "Innsikt"


def test_move_phase_without_javascript_redirects_to_the_list(
    admin_client: Client, organisation: Organisation
) -> None:
    innsikt = phase(organisation, "Innsikt")
    response = admin_client.post(
        reverse("portfolio:phase_move", args=[innsikt.pk]), {"retning": "ned"}, follow=True
    )
    assert response.redirect_chain == [(f"{reverse('portfolio:phases')}#phase-{innsikt.pk}", 302)]
    assert "«Innsikt» er flyttet ned, til plass 3 av 6." in response.content.decode()
    assert names(organisation)[2:4] == ["Tjenesteutvikling", "Innsikt"]


def test_move_phase_at_the_edge_says_so(admin_client: Client, organisation: Organisation) -> None:
    forankring = phase(organisation, "Forankring")
    response = admin_client.post(
        reverse("portfolio:phase_move", args=[forankring.pk]),
        {"retning": "opp"},
        HTTP_HX_REQUEST="true",
    )
    assert "«Forankring» står allerede først" in response.content.decode()
    assert names(organisation) == KS_NAMES


def test_move_phase_needs_a_direction(admin_client: Client, organisation: Organisation) -> None:
    url = reverse("portfolio:phase_move", args=[phase(organisation, "Innsikt").pk])
    assert admin_client.post(url, {"retning": "sidelengs"}).status_code == 400


def test_admin_deletes_an_unused_phase_after_confirming(
    admin_client: Client, organisation: Organisation
) -> None:
    pilot = phase(organisation, "Pilotering")
    url = reverse("portfolio:phase_delete", args=[pilot.pk])
    confirm = admin_client.get(url)
    assert "Ja, slett fasen" in confirm.content.decode()
    response = admin_client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("portfolio:phases"), 302)]
    assert "Fasen «Pilotering» er slettet." in response.content.decode()
    assert "Pilotering" not in names(organisation)


def test_phase_in_use_is_not_deleted_and_the_admin_is_told_why(
    admin_client: Client, organisation: Organisation, initiative: Initiative
) -> None:
    url = reverse("portfolio:phase_delete", args=[initiative.phase_id])
    confirm = admin_client.get(url).content.decode()
    assert "Ja, slett fasen" not in confirm
    assert "kan ikke slettes fordi 1 initiativ står i den" in confirm
    response = admin_client.post(url, follow=True)
    assert "kan ikke slettes fordi 1 initiativ står i den" in response.content.decode()
    assert Phase.objects.filter(pk=initiative.phase_id).exists()


def test_inbox_is_not_deleted(admin_client: Client, organisation: Organisation) -> None:
    url = reverse("portfolio:phase_delete", args=[phase(organisation, "Innkommet").pk])
    assert "Innboksen kan ikke slettes" in admin_client.get(url).content.decode()
    response = admin_client.post(url, follow=True)
    assert "Innboksen kan ikke slettes" in response.content.decode()
    assert "Innkommet" in names(organisation)


# Views: the checklist.


def test_add_checkpoint_with_htmx_answers_with_the_checklist(
    admin_client: Client, organisation: Organisation
) -> None:
    pilot = phase(organisation, "Pilotering")
    response = admin_client.post(
        reverse("portfolio:checklist_add", args=[pilot.pk]),
        {"nytt-text": "ROS-analyse er gjort"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="checklist"')
    assert 'value="ROS-analyse er gjort"' in html
    assert "Sjekkpunktet «ROS-analyse er gjort» er lagt til." in html
    assert pilot.checklist.filter(text="ROS-analyse er gjort").exists()


def test_add_checkpoint_without_javascript_redirects(
    admin_client: Client, organisation: Organisation
) -> None:
    pilot = phase(organisation, "Pilotering")
    url = reverse("portfolio:phase_edit", args=[pilot.pk])
    response = admin_client.post(
        reverse("portfolio:checklist_add", args=[pilot.pk]),
        {"nytt-text": "ROS-analyse er gjort"},
        follow=True,
    )
    assert response.redirect_chain == [(f"{url}#checklist", 302)]
    html = response.content.decode()
    assert "<html" in html
    assert "Sjekkpunktet «ROS-analyse er gjort» er lagt til." in html


@pytest.mark.parametrize(
    ("text", "message"), [("", "Skriv sjekkpunktet."), ("s" * 301, "300 eller færre tegn")]
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_checkpoint_is_refused_at_the_field(
    text: str, message: str, htmx: bool, admin_client: Client, organisation: Organisation
) -> None:
    pilot = phase(organisation, "Pilotering")
    item = pilot.checklist.first()
    assert item is not None
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    added = admin_client.post(
        reverse("portfolio:checklist_add", args=[pilot.pk]), {"nytt-text": text}, **headers
    )
    edited = admin_client.post(
        reverse("portfolio:checklist_edit", args=[pilot.pk, item.pk]),
        {f"punkt-{item.pk}-text": text},
        **headers,
    )
    for response, field in ((added, "nytt-text"), (edited, f"punkt-{item.pk}-text")):
        assert response.status_code == 200
        html = response.content.decode()
        assert ("<html" in html) is not htmx
        assert message in html
        assert f'id="id_{field}_error"' in html
    assert ChecklistItem.objects.get(pk=item.pk).text == item.text
    assert not DomainEvent.objects.filter(action__startswith="phase.checklist").exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_edit_move_and_remove_a_checkpoint(
    htmx: bool, admin_client: Client, organisation: Organisation
) -> None:
    pilot = phase(organisation, "Pilotering")
    first, second = list(pilot.checklist.order_by("order"))[:2]
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    edited = admin_client.post(
        reverse("portfolio:checklist_edit", args=[pilot.pk, first.pk]),
        {f"punkt-{first.pk}-text": "Pilotplanen er godkjent"},
        **headers,
    )
    moved = admin_client.post(
        reverse("portfolio:checklist_move", args=[pilot.pk, first.pk]),
        {"retning": "ned"},
        **headers,
    )
    removed = admin_client.post(
        reverse("portfolio:checklist_remove", args=[pilot.pk, second.pk]), **headers
    )
    for response in (edited, moved, removed):
        if htmx:
            assert response.status_code == 200
            assert response.content.decode().lstrip().startswith('<div id="checklist"')
        else:
            assert response.status_code == 302
            assert response["Location"].endswith("#checklist")
    texts = list(pilot.checklist.order_by("order").values_list("text", flat=True))
    assert texts[0] == "Pilotplanen er godkjent"
    assert second.text not in texts
    if htmx:
        assert "er flyttet ned, til plass 2 av 6." in moved.content.decode()
        assert f"Sjekkpunktet «{second.text}» er fjernet." in removed.content.decode()


def test_answered_checkpoint_stays_with_a_message(
    admin_client: Client, organisation: Organisation, bob: User, initiative: Initiative
) -> None:
    left = initiative.phase
    item = left.checklist.first()
    assert item is not None
    move_initiative(
        initiative=initiative,
        actor=bob,
        to_phase=phase(organisation, "Innsikt"),
        expected_version=initiative.version,
        answers={i.pk: ("done", "") for i in left.checklist.all()},
    )
    page = admin_client.get(reverse("portfolio:phase_edit", args=[left.pk])).content.decode()
    assert "Besvart av initiativer, kan ikke fjernes" in page
    response = admin_client.post(
        reverse("portfolio:checklist_remove", args=[left.pk, item.pk]), follow=True
    )
    assert "kan ikke fjernes fordi initiativer har svart på det" in response.content.decode()
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


# Views: portfolio settings and the phase template.


def test_admin_sets_the_stalled_threshold(admin_client: Client, organisation: Organisation) -> None:
    url = reverse("portfolio:portfolio_settings")
    page = admin_client.get(url).content.decode()
    assert 'value="30"' in page
    assert "Dere bruker nå KS Veikart for tjenesteinnovasjon." in page
    response = admin_client.post(url, {"stalled_after_days": "21"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Innstillingene er lagret." in response.content.decode()
    assert PortfolioSettings.objects.get(organisation=organisation).stalled_after_days == 21


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Antall dager må være minst 1."),
        ("366", "Antall dager kan være høyst 365."),
        ("x", "Skriv et helt tall fra 1 til 365."),
        ("", "Skriv antall dager, fra 1 til 365."),
    ],
)
def test_bad_stalled_threshold_is_refused(
    value: str, message: str, admin_client: Client, organisation: Organisation
) -> None:
    response = admin_client.post(
        reverse("portfolio:portfolio_settings"), {"stalled_after_days": value}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_stalled_after_days_error"' in html
    assert PortfolioSettings.objects.get(organisation=organisation).stalled_after_days == 30


def test_admin_switches_template_and_is_told_which_phases_stayed(
    admin_client: Client, organisation: Organisation, initiative: Initiative
) -> None:
    response = admin_client.post(
        reverse("portfolio:phase_template"), {"template": "digdir"}, follow=True
    )
    assert response.redirect_chain == [(reverse("portfolio:portfolio_settings"), 302)]
    html = response.content.decode()
    assert "Fasemalen er nå Digdir Prosjektveiviseren." in html
    assert "Lagt til: Idé, Konsept, Planlegge, Gjennomføre, Avslutte, Realisere." in html
    assert "Fjernet: Innsikt, Tjenesteutvikling" in html
    assert "«Forankring» ble beholdt fordi 1 initiativ står i fasen." in html
    assert "Dere bruker nå Digdir Prosjektveiviseren." in html
    assert names(organisation) == [*DIGDIR_NAMES[:7], "Forankring", *CLOSED_NAMES]


@pytest.mark.parametrize("value", ["prince2", ""])
def test_unknown_template_is_refused_at_the_field(
    value: str, admin_client: Client, organisation: Organisation
) -> None:
    response = admin_client.post(reverse("portfolio:phase_template"), {"template": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg KS Veikart eller Digdir Prosjektveiviseren." in html or "Velg en fasemal." in html
    assert 'id="id_template_error"' in html
    assert names(organisation) == KS_NAMES
    assert PortfolioSettings.objects.get(organisation=organisation).phase_template == "ks_veikart"
