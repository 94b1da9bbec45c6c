"""The leaders' dashboard and the staff page: what they aggregate, their filters, access,
the htmx fragment, and query counts that do not grow with the portfolio."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, InnovationType
from maturity.models import (
    AgreedLevel,
    MaturityLevel,
    MeasureStatus,
    StrategicMeasure,
    YearlyAssessment,
)
from maturity.selectors.dashboard import (
    portfolio_by_phase_and_type,
    portfolio_figures,
    staircase_for,
    strategy_years,
)
from portal.models import Organisation, Unit, User
from portfolio.models import BenefitKind, Initiative, MeasureUnit, Phase, PhaseKind
from portfolio.selectors.flow import active_phases
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement

DASHBOARD = reverse("maturity:dashboard")
STRATEGY = reverse("maturity:strategy")


@pytest.fixture(autouse=True)
def mid_2026() -> Iterator[None]:
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


def phases(organisation: Organisation) -> list[Phase]:
    return active_phases(organisation=organisation)


def agree(organisation: Organisation, actor: User, year: int, level: int, reasoning: str) -> None:
    assessment = YearlyAssessment.objects.create(
        organisation=organisation, year=year, opened_by=actor
    )
    AgreedLevel.objects.create(
        assessment=assessment,
        version=1,
        level=MaturityLevel.objects.get(organisation=organisation, level=level),
        reasoning=reasoning,
        agreed_by=actor,
    )


def text(response: object) -> str:
    content = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


# Selectors ------------------------------------------------------------------------------


def test_the_portfolio_is_counted_by_phase_and_type(
    organisation: Organisation,
    make_initiative: Callable[..., Initiative],
    service_type: InnovationType,
) -> None:
    first, second = phases(organisation)[:2]
    process = InnovationType.objects.get(organisation=organisation, code="process")
    make_initiative(first, title="A")
    make_initiative(first, title="B", innovation_type=process)
    make_initiative(second, title="C", innovation_type=process)
    untyped = make_initiative(second, title="D")
    Idea.objects.filter(pk=untyped.idea_id).update(innovation_type=None)  # an older idea
    matrix = portfolio_by_phase_and_type(organisation=organisation, phases=phases(organisation))
    assert matrix.count(first.pk, service_type.pk) == 1
    assert matrix.count(first.pk, process.pk) == 1
    assert matrix.count(second.pk, process.pk) == 1
    assert matrix.count(second.pk, None) == 1
    assert matrix.total == 4 and matrix.has_untyped
    by_phase = {phase.pk: n for phase, n in matrix.by_phase()}
    assert by_phase[first.pk] == 2 and by_phase[second.pk] == 2
    by_type = {(kind.code if kind else None): n for kind, n in matrix.by_type()}
    assert by_type == {"service": 1, "process": 2, "organisational": 0, "system": 0, None: 1}


def test_closed_initiatives_and_other_units_are_left_out(
    organisation: Organisation,
    make_initiative: Callable[..., Initiative],
    unit: Unit,
) -> None:
    closed = Phase.objects.filter(organisation=organisation, kind=PhaseKind.CLOSED).first()
    assert closed is not None
    other = Unit.objects.create(organisation=organisation, name="Barnehager")
    make_initiative(title="Her")
    make_initiative(title="Der", unit=other)
    done = make_initiative(title="Lukket")
    Initiative.objects.filter(pk=done.pk).update(phase=closed)
    everything = portfolio_by_phase_and_type(organisation=organisation, phases=phases(organisation))
    assert everything.total == 2
    ours = portfolio_by_phase_and_type(
        organisation=organisation, phases=phases(organisation), unit_id=unit.pk
    )
    assert ours.total == 1


def test_benefits_and_flow_follow_the_unit(
    organisation: Organisation,
    make_initiative: Callable[..., Initiative],
    unit: Unit,
    bob: User,
) -> None:
    other = Unit.objects.create(organisation=organisation, name="Barnehager")
    ours = make_initiative(title="Her")
    theirs = make_initiative(title="Der", unit=other)
    for initiative, hours in ((ours, "100"), (theirs, "400")):
        benefit = add_benefit(
            initiative=initiative,
            actor=bob,
            description="Frigjort tid",
            kind=BenefitKind.INDIRECT,
            expected_hours=Decimal(hours),
        )
        indicator = add_indicator(
            benefit=benefit,
            actor=bob,
            name="Timer",
            unit=MeasureUnit.HOURS,
            baseline=Decimal(0),
            target=Decimal(hours),
        )
        record_measurement(
            indicator=indicator, actor=bob, measured_on=date(2026, 6, 1), value=Decimal(40)
        )
    whole = portfolio_figures(organisation=organisation, unit=None)
    assert whole.benefits.expected_hours == 500 and whole.benefits.realised_hours == 80
    assert whole.flow.entered_first == 2
    part = portfolio_figures(organisation=organisation, unit=unit)
    assert part.benefits.expected_hours == 100 and part.benefits.realised_hours == 40
    assert part.flow.entered_first == 1
    empty = portfolio_figures(
        organisation=organisation,
        unit=Unit.objects.create(organisation=organisation, name="Tom"),
    )
    assert empty.benefits.expected_hours == 0 and empty.matrix.total == 0
    assert empty.flow.stalled == 0


def test_the_staircase_of_a_year_has_its_target_and_the_next(
    organisation: Organisation,
) -> None:
    stairs = staircase_for(organisation=organisation, year=2027)
    assert [level.level for level in stairs.levels] == [1, 2, 3, 4]
    assert stairs.target_level is not None and stairs.target_level.level == 2
    assert stairs.next_level is not None and stairs.next_level.level == 3
    last = staircase_for(organisation=organisation, year=2029)
    assert last.target_level is not None and last.target_level.level == 4
    assert last.next_level is None


def test_the_years_span_the_strategy_and_this_year(organisation: Organisation) -> None:
    assert strategy_years(organisation) == [2025, 2026, 2027, 2028, 2029]
    with time_machine.travel(date(2031, 1, 2), tick=False):
        assert strategy_years(organisation)[-1] == 2031


# The leaders' dashboard -------------------------------------------------------------------


def test_leaders_and_admins_see_the_dashboard_and_staff_and_board_do_not(
    client_for: Callable[[User | None], Client],
    alice: User,
    bob: User,
    leader: User,
    admin: User,
) -> None:
    assert client_for(leader).get(DASHBOARD).status_code == 200
    assert client_for(admin).get(DASHBOARD).status_code == 200
    assert client_for(alice).get(DASHBOARD).status_code == 403
    assert client_for(bob).get(DASHBOARD).status_code == 403


def test_the_dashboard_shows_the_agreed_level_the_targets_and_the_measures(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    leader: User,
) -> None:
    agree(organisation, leader, 2026, 2, "Vi bidrar i tre nettverk.")
    measure = StrategicMeasure.objects.filter(
        organisation=organisation, period__start_year=2026
    ).first()
    assert measure is not None
    measure.due_date = date(2026, 3, 1)
    measure.status = MeasureStatus.IN_PROGRESS
    measure.save()
    page = text(client_for(leader).get(DASHBOARD))
    assert "Omforent nivå for 2026 er 2. Bidragsyter." in page
    assert "Målet for 2026–27 er 2. Bidragsyter." in page
    assert "Neste mål (2027–28) er 3. Initiativtaker." in page
    assert measure.text in page
    assert "Forfalt" in page
    assert "1 tiltak har passert fristen uten å være fullført." in page
    assert "5 tiltak i 2026: 0 fullført, 1 forfalt." in page


def test_the_year_filter_picks_the_year_and_the_unit_filter_the_unit(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    leader: User,
    make_initiative: Callable[..., Initiative],
    unit: Unit,
) -> None:
    make_initiative(title="Her")
    other = Unit.objects.create(organisation=organisation, name="Barnehager")
    client = client_for(leader)
    page = text(client.get(DASHBOARD, {"ar": "2028"}))
    assert "Modenhetstrappen 2028" in page
    assert "Nivået for 2028 er ikke omforent ennå." in page
    assert "Tiltakene i 2028" in page
    assert "1 aktivt initiativ" in text(client.get(DASHBOARD, {"enhet": str(unit.pk)}))
    assert "Ingen aktive initiativer." in text(client.get(DASHBOARD, {"enhet": str(other.pk)}))


@pytest.mark.parametrize(
    "query",
    [
        {"ar": "1999"},
        {"ar": "²⁰²⁶"},
        {"ar": "abc"},
        {"enhet": "999999"},
        {"enhet": "-1"},
        {"enhet": "9" * 30},
        {"ar": "2026", "enhet": "x", "ukjent": "1"},
    ],
)
def test_bad_filter_values_are_dropped_never_a_500(
    client_for: Callable[[User | None], Client], leader: User, query: dict[str, str]
) -> None:
    response = client_for(leader).get(DASHBOARD, query)
    assert response.status_code == 200
    page = text(response)
    assert "Modenhetstrappen 2026" in page  # this year, as without a filter
    assert "Viser 2026 for hele kommunen." in page


def test_another_organisations_unit_is_not_a_filter(
    client_for: Callable[[User | None], Client],
    leader: User,
    other_organisation: Organisation,
) -> None:
    theirs = Unit.objects.create(organisation=other_organisation, name="Lunner skole")
    page = text(client_for(leader).get(DASHBOARD, {"enhet": str(theirs.pk)}))
    assert "Lunner skole" not in page
    assert "Viser 2026 for hele kommunen." in page


def test_htmx_gets_the_dashboard_body_and_a_plain_request_the_page(
    client_for: Callable[[User | None], Client], leader: User
) -> None:
    client = client_for(leader)
    page = client.get(DASHBOARD, {"ar": "2027"})
    fragment = client.get(DASHBOARD, {"ar": "2027"}, HTTP_HX_REQUEST="true")
    assert "<html" in page.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body and 'id="dashboard-body"' in body
    assert "<form" not in body  # the filters stay, only the body is swapped
    assert "Modenhetstrappen 2027" in body
    assert "HX-Request" in fragment["Vary"]


def test_the_filter_form_works_without_javascript(
    client_for: Callable[[User | None], Client], leader: User
) -> None:
    html = client_for(leader).get(DASHBOARD).content.decode()
    form = re.search(r"<form[^>]*dashboard-filters[^>]*>", html)
    assert form is not None
    assert 'method="get"' in form.group(0) and f'action="{DASHBOARD}"' in form.group(0)
    assert 'hx-push-url="true"' in form.group(0)
    assert re.search(r'<option value="2026" selected>', html)


def test_every_chart_on_the_dashboard_has_a_data_table(
    client_for: Callable[[User | None], Client], leader: User
) -> None:
    html = client_for(leader).get(DASHBOARD).content.decode()
    charts = html.count('role="img"')
    assert charts >= 7
    # Each figure holds its SVG and its table (the measures table is one more, no chart).
    figures = re.findall(r'<figure class="chart.*?</figure>', html, flags=re.S)
    assert len(figures) == charts
    assert all("<table" in figure for figure in figures)


def grow(
    organisation: Organisation, make_initiative: Callable[..., Initiative], bob: User, n: int
) -> None:
    """`n` more initiatives spread over the phases, each with a measured benefit."""
    active = phases(organisation)
    process = InnovationType.objects.get(organisation=organisation, code="process")
    for i in range(n):
        initiative = make_initiative(
            active[i % len(active)], title=f"Initiativ {i}", innovation_type=process
        )
        benefit = add_benefit(
            initiative=initiative,
            actor=bob,
            description="Kroner",
            kind=BenefitKind.DIRECT,
            expected_amount=Decimal(1000),
        )
        indicator = add_indicator(
            benefit=benefit,
            actor=bob,
            name="Kroner",
            unit=MeasureUnit.NOK,
            baseline=Decimal(0),
            target=Decimal(1000),
        )
        record_measurement(
            indicator=indicator, actor=bob, measured_on=date(2026, 6, 1), value=Decimal(100)
        )


DASHBOARD_QUERIES = 32
STRATEGY_QUERIES = 21


def test_the_dashboard_query_count_does_not_grow_with_the_portfolio(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    leader: User,
    bob: User,
    unit: Unit,
    make_initiative: Callable[..., Initiative],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(leader)
    client.get(DASHBOARD)  # the session is warm
    agree(organisation, leader, 2026, 2, "Grunn")
    grow(organisation, make_initiative, bob, 2)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        small = client.get(DASHBOARD, {"enhet": str(unit.pk)})
    assert "kr 200 realisert av kr 2 000 forventet" in text(small)
    grow(organisation, make_initiative, bob, 8)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        large = client.get(DASHBOARD, {"enhet": str(unit.pk)})
    assert "kr 1 000 realisert av kr 10 000 forventet" in text(large).replace("\u00a0", " ")


# The staff page ---------------------------------------------------------------------------


def test_everyone_in_the_organisation_sees_the_staff_page(
    client_for: Callable[[User | None], Client],
    alice: User,
    bob: User,
    leader: User,
    admin: User,
) -> None:
    for user in (alice, bob, leader, admin):
        assert client_for(user).get(STRATEGY).status_code == 200


def test_the_staff_page_shows_the_level_and_measures_but_not_the_reasoning(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    alice: User,
    leader: User,
) -> None:
    agree(organisation, leader, 2026, 2, "Hemmelig begrunnelse fra ledermøtet")
    measure = StrategicMeasure.objects.filter(
        organisation=organisation, period__start_year=2026
    ).first()
    assert measure is not None
    response = client_for(alice).get(STRATEGY)
    page = text(response)
    assert "Strategien og hvor vi står" in page
    assert "Omforent nivå for 2026 er 2. Bidragsyter." in page
    assert measure.text in page
    assert "Hemmelig begrunnelse" not in page
    # Staff cannot open a measure's page, so the staff page links to none.
    assert reverse("maturity:measure", args=[measure.pk]) not in response.content.decode()
    assert "Innovasjonsgrad" in page and "Realiserte kroner" in page


def test_the_staff_page_query_count_does_not_grow_with_the_portfolio(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    alice: User,
    bob: User,
    make_initiative: Callable[..., Initiative],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(alice)
    client.get(STRATEGY)
    grow(organisation, make_initiative, bob, 1)
    with django_assert_num_queries(STRATEGY_QUERIES):
        client.get(STRATEGY)
    grow(organisation, make_initiative, bob, 6)
    with django_assert_num_queries(STRATEGY_QUERIES):
        client.get(STRATEGY)


def test_the_nav_links_strategy_for_everyone_and_the_dashboard_for_leaders(
    client_for: Callable[[User | None], Client], alice: User, leader: User, admin: User
) -> None:
    staff_page = client_for(alice).get(STRATEGY).content.decode()
    assert f'href="{STRATEGY}"' in staff_page and f'href="{DASHBOARD}"' not in staff_page
    for user in (leader, admin):
        assert f'href="{DASHBOARD}"' in client_for(user).get(STRATEGY).content.decode()


def test_the_dashboard_shows_every_kpi_against_its_target_with_its_trend(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    leader: User,
) -> None:
    response = client_for(leader).get(DASHBOARD, {"ar": "2026"})
    html = response.content.decode()
    page = text(response)
    assert "Nøkkeltall 2026 mot mål" in page
    kpis = list(organisation.kpis.order_by("order"))
    assert kpis
    for kpi in kpis:
        assert kpi.name in page
        assert f'id="kpi-{kpi.pk}"' in html  # its trend line
    assert "Innovasjonsgrad" in page and "Ikke nådd" in page


def test_while_this_year_is_pending_the_latest_agreed_level_is_shown(
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    alice: User,
    leader: User,
) -> None:
    agree(organisation, leader, 2024, 2, "Eldre")
    agree(organisation, leader, 2025, 1, "Fjorårets")
    YearlyAssessment.objects.create(organisation=organisation, year=2026, opened_by=leader)
    expected = "Nivået for 2026 er ikke omforent ennå; for 2025 ble det 1. Vente å se."
    assert expected in text(client_for(alice).get(STRATEGY))
    assert expected in text(client_for(leader).get(DASHBOARD))
    # A year that is agreed shows its own level.
    page = text(client_for(leader).get(DASHBOARD, {"ar": "2025"}))
    assert "Omforent nivå for 2025 er 1. Vente å se." in page


def test_the_dashboard_shows_who_initiated_the_innovations_taken_into_use(
    leader: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(leader).get(reverse("maturity:dashboard")).content.decode()
    assert "Hvem tok initiativet" in html
    assert "Ingen innovasjoner ble tatt i bruk i" in html  # nothing is in use here yet
    for label in ("Leder", "Medarbeider", "Innbygger", "Frivillig"):
        assert f">{label}<" in html, label  # every initiator is in the chart's data table
