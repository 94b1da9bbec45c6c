"""The portfolio's benefit overview: expected against realised per kind, unit and year, freed
hours and årsverk, benefits without indicators, «nyttiggjort», and a fixed query count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, IdeaStatus
from portal.models import Organisation, Unit, User
from portfolio.models import (
    Benefit,
    BenefitKind,
    Indicator,
    Initiative,
    MeasureUnit,
    MunicipalRole,
    Phase,
    PortfolioSettings,
)
from portfolio.selectors.benefits import benefit_overview, put_to_use_q
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.services.board import move_initiative
from portfolio.services.triage import accept_idea

OVERVIEW = reverse("portfolio:benefit_overview")
NBSP = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ").replace("\u202f", " ")


def benefit(initiative: Initiative, actor: User, kind: BenefitKind, **fields: Any) -> Benefit:
    return add_benefit(
        initiative=initiative,
        actor=actor,
        description=fields.pop("description", f"Gevinst av typen {kind.label}"),
        kind=kind,
        **fields,
    )


def indicator(
    target_benefit: Benefit, actor: User, unit: MeasureUnit, baseline: str, target: str
) -> Indicator:
    return add_indicator(
        benefit=target_benefit,
        actor=actor,
        name=f"Indikator i {unit.label}",
        unit=unit,
        baseline=Decimal(baseline),
        target=Decimal(target),
    )


def measure(measured: Indicator, actor: User, *values: str) -> None:
    """Record the values in order, one day apart, the last one yesterday."""
    start = timezone.localdate() - timedelta(days=len(values))
    for n, value in enumerate(values):
        record_measurement(
            indicator=measured,
            actor=actor,
            measured_on=start + timedelta(days=n),
            value=Decimal(value),
        )


@pytest.fixture
def portfolio(
    make_initiative: Callable[..., Initiative], bob: User, organisation: Organisation
) -> dict[str, Any]:
    """Two initiatives in two units with benefits of each kind, measured up, down and worse."""
    other_unit = Unit.objects.create(organisation=organisation, name="Barnevernet")
    home = make_initiative(title="Digitalt nattilsyn")  # Hjemmetjenesten
    child = make_initiative(title="Digital barnevernsmelding", unit=other_unit)
    # Freed time: 5 000 hours used a year, 4 000 wanted; measured 4 700, then 4 400 (600 freed).
    hours = benefit(
        home,
        bob,
        BenefitKind.INDIRECT,
        expected_hours=Decimal("1000"),
        realisation_date=date(2026, 6, 30),
    )
    measure(indicator(hours, bob, MeasureUnit.HOURS, "5000", "4000"), bob, "4700", "4400")
    # Worse than at the start: counts as measured, realises nothing (not -20).
    measure(indicator(hours, bob, MeasureUnit.HOURS, "100", "50"), bob, "120")
    # Kroner upwards: 100 000 a year brought in, 300 000 wanted; measured 180 000 (80 000).
    money = benefit(
        child,
        bob,
        BenefitKind.DIRECT,
        expected_amount=Decimal("250000"),
        realisation_date=date(2027, 1, 31),
    )
    measure(indicator(money, bob, MeasureUnit.NOK, "100000", "300000"), bob, "180000")
    # Per cents are counted as measured, never summed; one indicator is not measured at all.
    quality = benefit(child, bob, BenefitKind.QUALITATIVE, realisation_date=date(2027, 3, 1))
    measure(indicator(quality, bob, MeasureUnit.PERCENT, "60", "90"), bob, "75")
    indicator(quality, bob, MeasureUnit.COUNT, "10", "2")
    # No indicator at all: flagged and listed, and still counted.
    flagged = benefit(
        home,
        bob,
        BenefitKind.QUALITATIVE,
        description="Tryggere netter for brukerne",
        expected_hours=Decimal("40"),
    )
    return {"home": home, "child": child, "flagged": flagged, "unit": other_unit}


def test_expected_and_realised_per_kind(
    portfolio: dict[str, Any], organisation: Organisation
) -> None:
    overview = benefit_overview(organisation=organisation)
    kinds = {row.key: row.figures for row in overview.by_kind}
    assert list(kinds) == [BenefitKind.DIRECT, BenefitKind.INDIRECT, BenefitKind.QUALITATIVE]
    indirect = kinds[BenefitKind.INDIRECT]
    assert (indirect.benefits, indirect.expected_hours, indirect.realised_hours) == (
        1,
        Decimal("1000"),
        Decimal("600"),
    )
    assert (indirect.indicators, indirect.measured) == (2, 2)
    direct = kinds[BenefitKind.DIRECT]
    assert (direct.expected_amount, direct.realised_amount, direct.realised_hours) == (
        Decimal("250000"),
        Decimal("80000"),
        Decimal("0"),
    )
    qualitative = kinds[BenefitKind.QUALITATIVE]
    assert (qualitative.benefits, qualitative.indicators, qualitative.measured) == (2, 2, 1)
    assert qualitative.without_indicators == 1
    assert qualitative.realised_amount == qualitative.realised_hours == 0  # per cent: not summed
    total = overview.total
    assert (total.benefits, total.expected_hours, total.realised_hours) == (
        4,
        Decimal("1040"),
        Decimal("600"),
    )
    assert (total.indicators, total.measured, total.without_indicators) == (5, 4, 1)


def test_per_unit_and_per_year(portfolio: dict[str, Any], organisation: Organisation) -> None:
    overview = benefit_overview(organisation=organisation)
    units = {row.key: row.figures for row in overview.by_unit}
    assert list(units) == ["Barnevernet", "Hjemmetjenesten"]
    assert units["Hjemmetjenesten"].realised_hours == Decimal("600")
    assert units["Hjemmetjenesten"].without_indicators == 1
    assert units["Barnevernet"].realised_amount == Decimal("80000")
    years = {row.key: row.figures for row in overview.by_year}
    assert list(years) == [2026, 2027, None]  # without a realisation date last
    assert years[2026].expected_hours == Decimal("1000")
    assert years[2027].benefits == 2 and years[2027].expected_amount == Decimal("250000")
    assert years[None].benefits == 1


def test_an_initiative_without_a_unit_is_shown_as_such(
    make_initiative: Callable[..., Initiative], bob: User, organisation: Organisation
) -> None:
    loose = make_initiative(title="Enheten er lagt ned")
    Idea.objects.filter(pk=loose.idea_id).update(unit=None)  # the unit was removed later
    benefit(loose, bob, BenefitKind.INDIRECT, expected_hours=Decimal("10"))
    overview = benefit_overview(organisation=organisation)
    assert [row.key for row in overview.by_unit] == [None]
    html = client_page(bob)
    assert "Uten enhet" in html and "Uten realiseringstidspunkt" in html


def client_page(user: User, url: str = OVERVIEW, **extra: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url, **extra)
    assert response.status_code == 200
    return plain(response.content.decode())


def test_the_page_shows_the_headline_in_norwegian(
    portfolio: dict[str, Any], bob: User, organisation: Organisation
) -> None:
    html = client_page(bob)
    assert "Frigjort arbeidskraft" in html
    assert '<span class="key-figure__number">600</span> timer' in html
    # 600 / 1 695 = 0,354 → 0,4 årsverk; 1 040 expected hours → 0,6.
    assert '<span class="key-figure__number">0,4</span> årsverk' in html
    assert "1 040</span> timer (0,6 årsverk)" in html
    assert "kr 250 000" in html and "kr 80 000" in html
    assert "Ett årsverk er 1 695 timer" in html


@pytest.mark.parametrize(
    ("hours", "per_fte", "shown"),
    [
        ("2118.75", "1695", "1,3"),  # exactly 1,25: half up, not to even
        ("2033.99", "1695", "1,2"),  # 1,19999…
        ("847.50", "1695", "0,5"),
        ("0", "1695", "0,0"),
        ("3390", "1700", "2,0"),
    ],
)
def test_fte_is_one_decimal_rounded_half_up(
    make_initiative: Callable[..., Initiative],
    bob: User,
    organisation: Organisation,
    hours: str,
    per_fte: str,
    shown: str,
) -> None:
    PortfolioSettings.objects.update_or_create(
        organisation=organisation, defaults={"hours_per_fte": Decimal(per_fte)}
    )
    freed = benefit(make_initiative(), bob, BenefitKind.INDIRECT)
    # Down from 10 000 hours towards 1: the freed hours are 10 000 minus the measured value.
    used = Decimal("10000") - Decimal(hours)
    measure(indicator(freed, bob, MeasureUnit.HOURS, "10000", "1"), bob, str(used))
    html = client_page(bob)
    assert f'<span class="key-figure__number">{shown}</span> årsverk' in html


def test_benefits_without_indicators_are_flagged_and_listed(
    portfolio: dict[str, Any], bob: User
) -> None:
    html = client_page(bob)
    assert "1 gevinst har ingen indikator og kan ikke måles." in html
    assert "Tryggere netter for brukerne" in html
    assert reverse("portfolio:initiative", args=[portfolio["home"].pk]) in html


def test_the_flagged_list_is_paged_with_htmx(
    make_initiative: Callable[..., Initiative], bob: User
) -> None:
    initiative = make_initiative()
    for n in range(30):
        benefit(initiative, bob, BenefitKind.QUALITATIVE, description=f"Umålt gevinst {n:02}")
    page = client_page(bob)
    fragment = client_page(bob, f"{OVERVIEW}?side=2", HTTP_HX_REQUEST="true")
    assert "<html" in page and "Frigjort arbeidskraft" in page and "Side 1 av 2" in page
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="flagged-benefits"')
    assert "Side 2 av 2" in fragment and "Frigjort arbeidskraft" not in fragment
    assert "Umålt gevinst" in fragment


def test_another_organisations_benefits_are_not_counted(
    portfolio: dict[str, Any],
    other_organisation: Organisation,
    organisation: Organisation,
) -> None:
    overview = benefit_overview(organisation=other_organisation)
    assert overview.total.benefits == 0 and overview.initiatives == 0
    assert benefit_overview(organisation=organisation).total.benefits == 4


# «Nytt, nyttig, nyttiggjort» -----------------------------------------------------------


def phase(organisation: Organisation, name: str) -> Phase:
    return Phase.objects.get(organisation=organisation, name=name)


def measured_benefit(initiative: Initiative, actor: User) -> None:
    freed = benefit(initiative, actor, BenefitKind.INDIRECT)
    measure(indicator(freed, actor, MeasureUnit.HOURS, "100", "50"), actor, "90")


def move(initiative: Initiative, actor: User, to: Phase) -> Initiative:
    current = Initiative.objects.get(pk=initiative.pk)
    answers = {item.pk: ("done", "") for item in open_checklist_items(current)}
    return move_initiative(
        initiative=current,
        actor=actor,
        to_phase=to,
        expected_version=current.version,
        answers=answers,
    )


def test_nyttiggjort_needs_an_in_use_phase_and_a_measurement(
    make_initiative: Callable[..., Initiative],
    make_idea: Callable[..., Idea],
    bob: User,
    organisation: Organisation,
) -> None:
    in_use = phase(organisation, "Ny praksis")
    assert in_use.in_use and not phase(organisation, "Pilotering").in_use

    def accepted(title: str, into: Phase) -> Initiative:
        return accept_idea(
            idea=make_idea(title=title),
            actor=bob,
            phase=into,
            owner=bob,
            role=MunicipalRole.CONTRIBUTOR,
        )

    in_use_unmeasured = accepted("I bruk, ikke målt", in_use)
    benefit(in_use_unmeasured, bob, BenefitKind.INDIRECT)  # planned, never measured
    measured_not_in_use = accepted("Målt, ikke i bruk", phase(organisation, "Pilotering"))
    measured_benefit(measured_not_in_use, bob)
    both = accepted("I bruk og målt", in_use)
    measured_benefit(both, bob)
    # Reached «Ny praksis», then closed: it has been taken into use all the same.
    closed = accepted("Avsluttet etter Ny praksis", in_use)
    measured_benefit(closed, bob)
    move(closed, bob, phase(organisation, "Avsluttet"))

    put_to_use = Initiative.objects.filter(put_to_use_q())
    assert sorted(i.idea.title for i in put_to_use) == [
        "Avsluttet etter Ny praksis",
        "I bruk og målt",
    ]
    overview = benefit_overview(organisation=organisation)
    assert (overview.put_to_use, overview.initiatives) == (2, 4)
    # A measurement taken later makes it count: the figure is derived, never typed in.
    assert not Initiative.objects.filter(put_to_use_q(), pk=in_use_unmeasured.pk)
    measured_benefit(in_use_unmeasured, bob)
    assert benefit_overview(organisation=organisation).put_to_use == 3


def test_moving_back_out_of_use_no_longer_counts_until_it_is_in_use_again(
    make_initiative: Callable[..., Initiative], bob: User, organisation: Organisation
) -> None:
    initiative = make_initiative()
    measured_benefit(initiative, bob)
    assert benefit_overview(organisation=organisation).put_to_use == 0
    move(initiative, bob, phase(organisation, "Overgang til drift"))
    assert benefit_overview(organisation=organisation).put_to_use == 1
    # Back to piloting: the solution is no longer in use.
    move(initiative, bob, phase(organisation, "Pilotering"))
    assert benefit_overview(organisation=organisation).put_to_use == 0
    move(initiative, bob, phase(organisation, "Ny praksis"))
    move(initiative, bob, phase(organisation, "Avsluttet"))
    assert benefit_overview(organisation=organisation).put_to_use == 1


def test_a_withdrawn_or_merged_idea_is_never_put_to_use(
    make_initiative: Callable[..., Initiative], bob: User, organisation: Organisation
) -> None:
    initiative = make_initiative(phase=phase(organisation, "Ny praksis"))
    measured_benefit(initiative, bob)
    assert benefit_overview(organisation=organisation).put_to_use == 1
    for status in (IdeaStatus.WITHDRAWN, IdeaStatus.MERGED):
        Idea.objects.filter(pk=initiative.idea_id).update(status=status)
        assert benefit_overview(organisation=organisation).put_to_use == 0


# Query count ------------------------------------------------------------------------------


def test_the_overview_makes_the_same_queries_for_one_initiative_as_for_twenty(
    make_initiative: Callable[..., Initiative],
    bob: User,
    organisation: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = Client()
    client.force_login(bob)

    def seed(n: int) -> None:
        initiative = make_initiative(title=f"Initiativ {n}")
        freed = benefit(initiative, bob, BenefitKind.INDIRECT, expected_hours=Decimal("100"))
        measure(indicator(freed, bob, MeasureUnit.HOURS, "500", "400"), bob, "480", "450")
        benefit(initiative, bob, BenefitKind.QUALITATIVE)  # no indicator

    seed(0)
    # session, user, membership, flagged count and page, benefits, indicators, the
    # initiatives' counts, hours per årsverk
    with django_assert_num_queries(9):
        client.get(OVERVIEW)
    for n in range(1, 20):
        seed(n)
    with django_assert_num_queries(9):
        response = client.get(OVERVIEW)
    overview = response.context["overview"]
    assert overview.total.realised_hours == Decimal("1000") and overview.initiatives == 20


def test_the_nav_links_the_overview_for_the_board_and_leaders(
    bob: User, leader: User, alice: User
) -> None:
    assert OVERVIEW in client_page(leader, reverse("home"))
    assert OVERVIEW in client_page(bob, reverse("home"))
    assert OVERVIEW not in client_page(alice, reverse("home"))
