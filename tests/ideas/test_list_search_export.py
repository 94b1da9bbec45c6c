"""The idea list: filters in the URL, sorting, search, similar ideas and exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, InnovationType, StrategicGoal
from ideas.search import search_ideas, similar_ideas
from ideas.services import update_idea
from portal.models import Organisation, Unit, User


@pytest.fixture
def ideas(
    make_idea: Callable[..., Idea], organisation: Organisation, unit: Unit, bob: User
) -> dict[str, Idea]:
    process = InnovationType.objects.get(organisation=organisation, code="process")
    school = Unit.objects.create(organisation=organisation, name="Skole")
    goal = StrategicGoal.objects.filter(organisation=organisation).first()
    return {
        "night": make_idea(
            title="Digitalt nattilsyn",
            question="Hvordan kan vi bruke sensorer om natten?",
            tag_names=["velferdsteknologi"],
            strategic_goals=[goal],
        ),
        "robot": make_idea(
            title="Robot for fakturaer",
            question="Hvordan kan vi automatisere fakturamottaket?",
            need="Regnskap bruker mye tid på manuelle kontroller.",
            innovation_type=process,
            initiator="leader",
        ),
        "school": make_idea(
            title="Bedre innbyggertjenester for skolefritid",
            question="Hvordan kan vi gjøre søknaden om SFO enklere?",
            unit=school,
            submitter=bob,
        ),
    }


def titles(client: Client, query: str = "") -> list[str]:
    response = client.get(reverse("ideas:list") + query)
    return [idea.title for idea in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?type=process", ["Robot for fakturaer"]),
        ("?initiator=leader", ["Robot for fakturaer"]),
        ("?tag=Velferdsteknologi", ["Digitalt nattilsyn"]),
        ("?q=fakturamottaket", ["Robot for fakturaer"]),
        (
            "?sort=tittel",
            [
                "Bedre innbyggertjenester for skolefritid",
                "Digitalt nattilsyn",
                "Robot for fakturaer",
            ],
        ),
        (
            "?sort=eldst",
            [
                "Digitalt nattilsyn",
                "Robot for fakturaer",
                "Bedre innbyggertjenester for skolefritid",
            ],
        ),
    ],
)
def test_filters_and_sorting_from_the_url(
    query: str,
    expected: list[str],
    ideas: dict[str, Idea],
    alice: User,
    client_for: Callable[[User | None], Client],
) -> None:
    assert titles(client_for(alice), query) == expected


def test_filter_by_unit_goal_mine_and_followed(
    ideas: dict[str, Idea], alice: User, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    school = ideas["school"]
    goal = ideas["night"].strategic_goals.get()
    assert titles(client, f"?unit={school.unit_id}") == [school.title]
    assert titles(client, f"?goal={goal.pk}") == ["Digitalt nattilsyn"]
    assert titles(client, "?mine=on") == [school.title]
    assert titles(client, "?followed=on") == [school.title]


def test_an_invalid_filter_is_reported_and_ignored(
    ideas: dict[str, Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).get(reverse("ideas:list") + "?type=product&unit=abc")
    assert response.status_code == 200
    assert "Noen filtre var ugyldige" in response.content.decode()
    assert len(response.context["page"].object_list) == 3


def test_filtered_list_works_without_and_with_htmx(
    ideas: dict[str, Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    page = client.get(reverse("ideas:list") + "?type=process").content.decode()
    fragment = client.get(
        reverse("ideas:list") + "?type=process", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<form class="filters"' in page and "Robot for fakturaer" in page
    assert "<html" not in fragment and "Robot for fakturaer" in fragment
    assert "Digitalt nattilsyn" not in fragment


def test_filtered_list_query_count_does_not_grow(
    make_idea: Callable[..., Idea],
    alice: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(alice)
    url = reverse("ideas:list") + "?q=natt&type=service&sort=stotte"
    make_idea(title="Natt 1")
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(15):
        make_idea(title=f"Natt {n + 2}")
    with django_assert_num_queries(9):
        client.get(url)


def test_search_finds_words_in_the_need(ideas: dict[str, Idea]) -> None:
    found = search_ideas(Idea.objects.all(), "manuelle kontroller")
    assert [i.title for i in found] == ["Robot for fakturaer"]


def test_similar_ideas_while_typing(
    ideas: dict[str, Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    url = reverse("ideas:similar") + "?title=Sensorer+om+natten&question=Hvordan+kan+vi"
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    page = client.get(url).content.decode()
    assert "Digitalt nattilsyn" in fragment and "<html" not in fragment
    assert "Digitalt nattilsyn" in page and "<html" in page
    empty = client.get(reverse("ideas:similar") + "?title=xyz", HTTP_HX_REQUEST="true")
    assert "Ingen lignende idéer funnet." in empty.content.decode()


def test_similar_ideas_are_at_most_five_and_never_drafts(
    make_idea: Callable[..., Idea], alice: User
) -> None:
    for n in range(7):
        make_idea(title=f"Sensorer i hjemmet {n}")
    assert len(similar_ideas(Idea.objects.all(), "sensorer")) == 5


def test_csv_export_has_norwegian_headings_and_formats(
    ideas: dict[str, Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).get(reverse("ideas:export", args=["csv"]) + "?type=process")
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]  # the stubs' test response is not streaming
    assert response["Content-Disposition"].startswith('attachment; filename="ideer-')
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["ID", "Tittel", "Innovasjonsspørsmål"]
    assert rows[0][-1] == "Meldt inn"
    assert len(rows) == 2 and rows[1][1] == "Robot for fakturaer"
    day, month, rest = rows[1][-1].split(".")
    assert len(day) == 2 and len(month) == 2 and len(rest.split()[0]) == 4


def test_xlsx_export_has_typed_cells(
    ideas: dict[str, Idea], alice: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(alice).get(reverse("ideas:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[1] == "Tittel" and header[-1] == "Meldt inn"
    assert sheet.max_row == 4
    assert isinstance(sheet.cell(row=2, column=1).value, int)
    assert sheet.cell(row=2, column=15).number_format == "dd.mm.yyyy hh:mm"


def test_export_of_an_unknown_format_is_404(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(alice).get(reverse("ideas:export", args=["pdf"])).status_code == 404


def test_export_never_contains_other_organisations_ideas(
    ideas: dict[str, Idea], charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(charlie).get(reverse("ideas:export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]  # the stubs' test response is not streaming
    assert "Digitalt nattilsyn" not in body


@pytest.mark.postgres
def test_norwegian_stemming_finds_other_word_forms(ideas: dict[str, Idea], alice: User) -> None:
    # «sensor» (singular) finds «sensorer»; «automatiserer» finds «automatisere».
    assert [i.title for i in search_ideas(Idea.objects.all(), "sensor")] == ["Digitalt nattilsyn"]
    found = search_ideas(Idea.objects.all(), "automatiserer")
    assert [i.title for i in found] == ["Robot for fakturaer"]


@pytest.mark.postgres
def test_trigram_matching_finds_parts_of_compound_words(ideas: dict[str, Idea]) -> None:
    found = search_ideas(Idea.objects.all(), "tjeneste")
    assert [i.title for i in found] == ["Bedre innbyggertjenester for skolefritid"]


@pytest.mark.postgres
def test_search_ranks_title_matches_above_need_matches(
    make_idea: Callable[..., Idea], alice: User
) -> None:
    make_idea(title="Lønn og turnus", need="Turnus er vanskelig. Kalender hjelper.")
    make_idea(title="Kalender for vakter", need="Vaktene planlegges i regneark.")
    found = [i.title for i in search_ideas(Idea.objects.all(), "kalender")]
    assert found == ["Kalender for vakter", "Lønn og turnus"]


def test_edited_idea_is_found_by_its_new_words(idea: Idea, alice: User) -> None:
    update_idea(idea=idea, actor=alice, expected_version=idea.version, title="Kveldsbesøk")
    assert list(search_ideas(Idea.objects.all(), "kveldsbesøk")) == [idea]


def test_a_search_with_very_many_hits_says_over_the_cap(
    make_idea: Callable[..., Idea],
    alice: User,
    client_for: Callable[[User | None], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for n in range(5):
        make_idea(title=f"Sensorer {n}")
    html = client_for(alice).get(reverse("ideas:list") + "?q=sensorer").content.decode()
    assert "Over 3 idéer" in html
    # Pages reach as far as the cap (+1): the rest is found by narrowing the search.
    assert html.count('class="idea-card"') == 4
