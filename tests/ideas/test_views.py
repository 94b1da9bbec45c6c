from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, IdeaStatus, InnovationType
from portal.models import DomainEvent, Organisation, Unit, User
from portfolio.models import Initiative


@pytest.fixture
def form_data(unit: Unit, service_type: InnovationType) -> dict[str, str]:
    return {
        "title": "Digitalt nattilsyn",
        "question": "Hvordan kan vi gi brukerne bedre søvn",
        "need": "Nattpatruljen vekker brukerne når de ser til dem.",
        "proposed_solution": "Sensorer som varsler ved behov.",
        "innovation_type": str(service_type.pk),
        "unit": str(unit.pk),
    }


def test_staff_submits_an_idea_and_finds_it_under_mine(
    alice: User, form_data: dict[str, str], client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    response = client.post(reverse("ideas:create"), form_data)
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.question == "Hvordan kan vi gi brukerne bedre søvn?"  # the «?» is added
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.submitter == alice
    mine = client.get(reverse("ideas:mine"))
    assert idea.title in mine.content.decode()
    detail = client.get(idea.get_absolute_url())
    assert "Innkommet" in detail.content.decode()
    assert "meldte inn idéen" in detail.content.decode()


BAD_INPUT = [
    ("title", "", "Gi idéen en tittel."),
    ("title", "x" * 121, "120 eller færre tegn (den har nå 121)"),
    ("question", "", "Skriv innovasjonsspørsmålet."),
    ("question", "Kan vi gjøre noe?", "Start spørsmålet med «Hvordan kan vi»"),
    ("question", "Hvordan kan vi ", "Fullfør spørsmålet"),
    ("question", "Hvordan kan vi " + "a" * 290, "300 eller færre tegn"),
    ("need", "", "Beskriv behovet."),
    ("need", "n" * 4001, "4000 eller færre tegn"),
    ("innovation_type", "", "Velg hvilken type innovasjon idéen er."),
    ("innovation_type", "product", "Velg en av de fire innovasjonstypene."),
    ("innovation_type", "999999", "Velg en av de fire innovasjonstypene."),
    ("unit", "", "Velg enheten idéen hører til."),
    ("unit", "999999", "Velg en enhet i din kommune."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_gets_a_field_message_and_keeps_what_was_typed(
    field: str,
    value: str,
    message: str,
    alice: User,
    form_data: dict[str, str],
    client_for: Callable[[User | None], Client],
) -> None:
    data = {**form_data, field: value}
    response = client_for(alice).post(reverse("ideas:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html or f'id="id_{field}_0"' in html
    assert 'aria-invalid="true"' in html
    assert "Skjemaet har feil" in html
    # What the user typed is still in the form, the wrong value included.
    for name, typed in data.items():
        if name not in {"innovation_type", "unit"}:
            assert escape(typed) in html
    assert "Sensorer som varsler ved behov." in html
    assert not Idea.objects.exists()


def test_unit_of_another_organisation_is_not_a_choice(
    alice: User,
    form_data: dict[str, str],
    other_organisation: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    foreign = Unit.objects.create(organisation=other_organisation, name="Lunner skole")
    response = client_for(alice).post(reverse("ideas:create"), {**form_data, "unit": foreign.pk})
    assert "Velg en enhet i din kommune." in response.content.decode()
    assert not Idea.objects.exists()


def test_hostile_text_is_escaped(
    alice: User, form_data: dict[str, str], client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    hostile = '<script>alert("x")</script>'
    client.post(reverse("ideas:create"), {**form_data, "title": hostile, "need": hostile})
    idea = Idea.objects.get()
    html = client.get(idea.get_absolute_url()).content.decode()
    assert hostile not in html
    assert "&lt;script&gt;" in html


def test_outsider_gets_404_for_idea(
    idea: Idea, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(charlie).get(idea.get_absolute_url()).status_code == 404


def test_other_organisations_ideas_are_not_listed(
    idea: Idea, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(charlie).get(reverse("ideas:list")).content.decode()
    assert idea.title not in html


@pytest.mark.parametrize("name", ["ideas:list", "ideas:mine"])
def test_list_is_a_page_without_htmx_and_a_fragment_with_it(
    name: str, idea: Idea, bob: User, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    user = alice if name == "ideas:mine" else bob
    client = client_for(user)
    page = client.get(reverse(name)).content.decode()
    fragment = client.get(reverse(name), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and 'id="idea-list"' in page
    assert "<html" not in fragment
    assert fragment.lstrip().startswith(('<div id="idea-list"', '<section id="idea-list"'))
    assert idea.title in fragment


def test_list_paginates_by_the_side_parameter(
    make_idea: Callable[..., Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    for n in range(30):
        make_idea(title=f"Idé nummer {n:02d}")
    client = client_for(alice)
    first = client.get(reverse("ideas:list")).content.decode()
    second = client.get(reverse("ideas:list") + "?side=2").content.decode()
    assert "Side 1 av 2" in first and "Idé nummer 29" in first
    assert "Side 2 av 2" in second and "Idé nummer 00" in second


@pytest.mark.parametrize("name", ["home", "ideas:list", "ideas:mine"])
def test_query_count_does_not_grow_with_ideas(
    name: str,
    make_idea: Callable[..., Idea],
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(bob)
    make_idea(submitter=bob)
    # session, user, membership, count, page (+ the board's inbox count on home)
    # + the filter choices on the lists (types, units, goals, tags)
    expected = {"home": 6, "ideas:list": 9, "ideas:mine": 9}[name]
    with django_assert_num_queries(expected):
        client.get(reverse(name))
    for n in range(20):
        make_idea(title=f"Idé {n}", submitter=bob)
    with django_assert_num_queries(expected):
        client.get(reverse(name))


def test_detail_query_count_is_pinned(
    idea: Idea,
    alice: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(alice)
    # session, user, membership, idea, secondary types, goals, SDGs, tags, history,
    # attachments, comments, support/follow state
    with django_assert_num_queries(12):
        client.get(idea.get_absolute_url())


def test_accepted_idea_page_reads_its_initiative_with_the_idea(
    initiative: Initiative,
    alice: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(alice)
    # the 12 above and the board's decisions; the initiative and its phase come with the idea
    with django_assert_num_queries(13):
        response = client.get(initiative.idea.get_absolute_url())
    html = response.content.decode()
    assert f"i fasen {initiative.phase.name}" in html
    assert reverse("portfolio:initiative", args=[initiative.pk]) in html


def test_other_peoples_drafts_are_hidden(
    idea: Idea, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.DRAFT)
    assert client_for(bob).get(idea.get_absolute_url()).status_code == 404


def test_failed_submit_records_no_event(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client_for(alice).post(reverse("ideas:create"), {"title": "x"})
    assert not DomainEvent.objects.filter(subject_type__startswith="ideas.").exists()
