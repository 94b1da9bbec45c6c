"""The initiative picker (maturity.forms.picker) on the measure form and the report request:
the pages list only the chosen initiatives, the others are found by search (htmx, or a
plain submit that shows the form again with everything typed and saves nothing)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea
from maturity.forms.reports import MAX_NOTABLE
from maturity.models import StrategicMeasure, StrategyPeriod, StrategyReport
from portal.models import Organisation, User
from portfolio.models import Initiative
from portfolio.selectors.initiatives import SEARCH_LIMIT

REPORTS = reverse("maturity:reports")
REQUEST = reverse("maturity:report_request")
CREATE = reverse("maturity:measure_create")


def search_url(field: str) -> str:
    return reverse("maturity:initiative_search", args=[field])


def pick_url(field: str, initiative: Initiative) -> str:
    return reverse("maturity:initiative_pick", args=[field, initiative.pk])


def more_initiatives(like: Initiative, count: int, title: str = "Flere") -> list[Initiative]:
    """`count` initiatives in `like`'s organisation and phase, made in two queries."""
    idea = like.idea
    ideas = Idea.objects.bulk_create(
        Idea(
            organisation=idea.organisation,
            unit=idea.unit,
            submitter=idea.submitter,
            innovation_type=idea.innovation_type,
            status=idea.status,
            title=f"{title} {n:03}",
        )
        for n in range(count)
    )
    return Initiative.objects.bulk_create(
        Initiative(organisation=like.organisation, idea=i, phase=like.phase) for i in ideas
    )


def checkboxes(html: str, name: str) -> list[str]:
    return re.findall(rf'type="checkbox"[^>]*name="{name}" value="(\d+)"', html)


def results(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}_legg_til" value="(\d+)"', html)


def first_measure(organisation: Organisation) -> StrategicMeasure:
    measure = StrategicMeasure.objects.filter(organisation=organisation).order_by("pk").first()
    assert measure is not None
    return measure


def a_period(organisation: Organisation) -> StrategyPeriod:
    found = StrategyPeriod.objects.filter(organisation=organisation).order_by("pk").first()
    assert found is not None
    return found


# The pages: the chosen initiatives only, and queries that do not grow with the portfolio.

# Session, user, membership; periods, people (create chooses none: no query for them); edit
# also reads the measure and its initiatives, then renders those chosen (one query).
CREATE_QUERIES = 5
EDIT_QUERIES = 9
# Session, user, membership; the reports by year (the form chooses none to start with).
REPORTS_QUERIES = 4


def test_the_three_pages_list_no_initiative_and_keep_their_queries_as_the_portfolio_grows(
    organisation: Organisation,
    admin: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    measure = first_measure(organisation)
    measure.initiatives.add(initiative)
    edit = reverse("maturity:measure_edit", args=[measure.pk])
    client = client_for(admin)
    client.get(CREATE)  # the session is warm
    sizes: dict[int, list[int]] = {}
    for count in (10, 200):
        more_initiatives(initiative, count - Initiative.objects.count(), title=f"Av {count}")
        assert Initiative.objects.count() == count
        with django_assert_num_queries(CREATE_QUERIES):
            create = client.get(CREATE).content.decode()
        with django_assert_num_queries(EDIT_QUERIES):
            edited = client.get(edit).content.decode()
        with django_assert_num_queries(REPORTS_QUERIES):
            reports = client.get(REPORTS).content.decode()
        assert checkboxes(create, "initiatives") == []
        assert checkboxes(edited, "initiatives") == [str(initiative.pk)]
        assert initiative.idea.title in edited
        assert checkboxes(reports, "notable") == []
        assert "Av 10" not in create + edited + reports
        sizes[count] = [len(create), len(edited), len(reports)]
    assert sizes[10] == sizes[200]


# The search (htmx).


def test_the_search_finds_by_title_or_idea_number_at_most_the_limit_and_not_the_chosen(
    organisation: Organisation,
    leader: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    many = more_initiatives(initiative, SEARCH_LIMIT + 5, title="Velferdsteknologi")
    client = client_for(leader)
    client.get(REPORTS)
    url = search_url("notable")
    for htmx in ({"HX-Request": "true"}, {}):  # the same fragment either way
        with django_assert_num_queries(4):  # session, user, membership; the search
            html = client.get(url, {"notable_sok": "velferds"}, headers=htmx).content.decode()
        found = results(html, "notable")
        assert len(found) == SEARCH_LIMIT
        assert found[0] == str(many[0].pk)  # by title
        assert "Viser de 20 første treffene." in html
        assert 'hx-swap-oob="innerHTML"' in html
    chosen = {
        "notable_sok": "velferds",
        "notable": [str(many[0].pk)],
        "notable_vist": [str(many[1].pk)],
    }
    found = results(client.get(url, chosen).content.decode(), "notable")
    assert str(many[0].pk) not in found and str(many[1].pk) not in found
    by_number = client.get(url, {"notable_sok": str(initiative.idea_id)}).content.decode()
    # The idea with that number first, then any titles with the digits in them («… 001»).
    assert results(by_number, "notable")[0] == str(initiative.pk)
    numbered = [i for i in many if str(initiative.idea_id) in i.idea.title]
    assert len(results(by_number, "notable")) == min(1 + len(numbered), SEARCH_LIMIT)
    none = client.get(url, {"notable_sok": "finnes ikke"}).content.decode()
    assert results(none, "notable") == [] and "Ingen initiativ passer til søket." in none
    long = client.get(url, {"notable_sok": "x" * 5000, "notable": ["x", "-1", "١"]})
    assert long.status_code == 200


def test_the_search_never_shows_another_organisations_initiatives(
    organisation: Organisation,
    other_admin: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(other_admin)
    for text in ("", initiative.idea.title, str(initiative.idea_id)):
        html = client.get(search_url("initiatives"), {"initiatives_sok": text}).content.decode()
        assert results(html, "initiatives") == []
        assert initiative.idea.title not in html
    assert client.get(pick_url("initiatives", initiative)).status_code == 404


def test_adding_answers_the_checked_checkbox_and_removes_the_result(
    leader: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    html = client_for(leader).get(pick_url("notable", initiative)).content.decode()
    assert checkboxes(html, "notable") == [str(initiative.pk)]
    assert "checked autofocus" in html
    assert f'id="id_notable_treff_{initiative.pk}" hx-swap-oob="delete"' in html
    assert f"«{initiative.idea.title}» er lagt til." in html


def test_the_search_urls_take_only_get(
    leader: User, initiative: Initiative, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    assert client.post(search_url("notable")).status_code == 405
    assert client.post(pick_url("notable", initiative)).status_code == 405


# Without JavaScript: the form's own submit buttons search and add, and nothing is lost.


def test_a_search_submit_shows_the_measure_form_again_with_everything_typed_and_saves_nothing(
    organisation: Organisation,
    admin: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    others = more_initiatives(initiative, 3, title="Søkbar")
    period = a_period(organisation)
    typed = {
        "text": "Et nytt tiltak",
        "description": "Med en beskrivelse",
        "period": str(period.pk),
        "owner": str(admin.pk),
        "due_date": "31.12.2026",
        "initiatives": [str(initiative.pk)],
        "initiatives_sok": "søkbar",
    }
    before = StrategicMeasure.objects.count()
    client = client_for(admin)
    page = client.post(CREATE, {**typed, "initiatives_finn": "1"}).content.decode()
    assert StrategicMeasure.objects.count() == before
    for value in ("Et nytt tiltak", "Med en beskrivelse", "31.12.2026", 'value="søkbar"'):
        assert value in page
    assert f'<option value="{period.pk}" selected>' in page
    assert f'<option value="{admin.pk}" selected>' in page
    assert checkboxes(page, "initiatives") == [str(initiative.pk)]
    assert results(page, "initiatives") == [str(o.pk) for o in others]
    assert "ds-validation-message" not in page and "data-error-summary" not in page

    # «Legg til» on a result: it is chosen, the others still shown, nothing saved.
    added = client.post(CREATE, {**typed, "initiatives_legg_til": str(others[1].pk)})
    page = added.content.decode()
    assert StrategicMeasure.objects.count() == before
    assert checkboxes(page, "initiatives") == sorted(
        [str(initiative.pk), str(others[1].pk)], key=lambda pk: pk != str(initiative.pk)
    )
    assert results(page, "initiatives") == [str(others[0].pk), str(others[2].pk)]

    # Enter in a field (the hidden default button) searches while the search holds text …
    entered = client.post(CREATE, {**typed, "lagre": "1"})
    assert entered.status_code == 200 and StrategicMeasure.objects.count() == before
    # … and saves once it is empty; the save button saves whatever the search holds.
    saved = client.post(CREATE, {**typed, "initiatives_sok": "", "lagre": "1"})
    assert saved.status_code == 302
    measure = StrategicMeasure.objects.get(text="Et nytt tiltak")
    assert list(measure.initiatives.all()) == [initiative]
    client.post(CREATE, {**typed, "text": "Et tiltak til"})
    assert StrategicMeasure.objects.filter(text="Et tiltak til").exists()


def test_a_search_on_the_edit_form_keeps_the_version_so_a_meanwhile_edit_is_still_caught(
    organisation: Organisation,
    admin: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    measure = first_measure(organisation)
    url = reverse("maturity:measure_edit", args=[measure.pk])
    typed = {
        "text": "Endret tekst",
        "description": "",
        "period": str(measure.period_id),
        "owner": "",
        "due_date": "",
        "initiatives_sok": initiative.idea.title,
        "versjon": str(measure.version),
    }
    client = client_for(admin)
    page = client.post(url, {**typed, "initiatives_finn": "1"}).content.decode()
    assert f'name="versjon" value="{measure.version}"' in page
    assert results(page, "initiatives") == [str(initiative.pk)]
    StrategicMeasure.objects.filter(pk=measure.pk).update(version=measure.version + 1)
    stale = client.post(url, {**typed, "initiatives": [str(initiative.pk)]})
    assert stale.status_code == 200
    assert "Ingenting er overskrevet" in stale.content.decode()
    measure.refresh_from_db()
    assert measure.text != "Endret tekst"


def test_a_search_submit_on_the_report_form_keeps_the_year_and_requests_nothing(
    leader: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(leader)
    data = {"year": "2024", "notable_sok": initiative.idea.title, "notable_finn": "1"}
    page = client.post(REQUEST, data).content.decode()
    assert not StrategyReport.objects.exists()
    assert 'value="2024"' in page
    assert results(page, "notable") == [str(initiative.pk)]


# Validation stays: the organisation's own initiatives, at most MAX_NOTABLE.


def test_another_organisations_initiative_is_a_message_at_the_field_on_both_forms(
    organisation: Organisation,
    other_organisation: Organisation,
    admin: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    theirs = more_initiatives(initiative, 1, title="Lunners")[0]
    Initiative.objects.filter(pk=theirs.pk).update(organisation=other_organisation)
    Idea.objects.filter(pk=theirs.idea_id).update(organisation=other_organisation)
    client = client_for(admin)
    report = client.post(REQUEST, {"year": "2024", "notable": [str(theirs.pk)]})
    assert report.status_code == 200
    assert "Velg bare initiativ fra listen." in report.content.decode()
    assert "Lunners" not in report.content.decode()
    measure = client.post(
        CREATE,
        {"text": "Tiltak", "period": str(a_period(organisation).pk), "initiatives": [theirs.pk]},
    )
    assert measure.status_code == 200
    assert "Velg bare initiativer fra listen." in measure.content.decode()
    assert not StrategyReport.objects.exists()


def test_more_than_max_notable_is_refused_with_its_message(
    leader: User, initiative: Initiative, client_for: Callable[[User | None], Client]
) -> None:
    chosen = [str(i.pk) for i in more_initiatives(initiative, MAX_NOTABLE + 1)]
    response = client_for(leader).post(REQUEST, {"year": "2024", "notable": chosen})
    html = response.content.decode()
    assert f"Velg høyst {MAX_NOTABLE} initiativ." in html
    assert sorted(checkboxes(html, "notable")) == sorted(chosen)  # still chosen, to remove one
    assert not StrategyReport.objects.exists()


@pytest.mark.parametrize("field", ["notable", "initiatives"])
def test_an_unknown_field_name_is_not_a_search_url(
    field: str, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(leader).get(f"/strategi/initiativer/velg/{field}/").status_code == 200
    assert client_for(leader).get("/strategi/initiativer/velg/Ugyldig-navn/").status_code == 404
