"""The seeded strategy, the targets of a year, and the initiative's role read as a level."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from maturity.models import (
    Kpi,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategicMeasure,
    StrategyPeriod,
)
from maturity.receivers import create_strategy
from maturity.selectors.kpis import METRICS
from maturity.selectors.staircase import targets_for
from portal.models import Organisation, User
from portfolio.models import Initiative, MunicipalRole
from portfolio.roles import forget_role_levels, role_levels


def test_a_new_organisation_gets_the_2025_2029_strategy(organisation: Organisation) -> None:
    levels = list(
        MaturityLevel.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    assert levels == ["Vente å se", "Bidragsyter", "Initiativtaker", "Innovasjonspartner"]
    periods = StrategyPeriod.objects.filter(organisation=organisation).select_related(
        "target_level"
    )
    assert [(p.label, p.target_level.level) for p in periods] == [
        ("2025", 1),
        ("2026–27", 2),
        ("2027–28", 3),
        ("2029", 4),
    ]
    measures = StrategicMeasure.objects.filter(organisation=organisation)
    assert measures.count() == 19
    assert measures.filter(period__start_year=2025).count() == 6
    assert all(m.due_date and m.due_date.year == m.period.end_year for m in measures)
    dimensions = MaturityDimension.objects.filter(organisation=organisation)
    assert dimensions.count() == 6
    # Every dimension has a criterion on every level, each asking for some evidence.
    criteria = MaturityCriterion.objects.filter(dimension__organisation=organisation)
    assert {(c.dimension_id, c.level.level) for c in criteria} == {
        (d.pk, n) for d in dimensions for n in range(1, 5)
    }
    kpis = Kpi.objects.filter(organisation=organisation)
    computed = set(kpis.exclude(metric="").values_list("metric", flat=True))
    assert computed == set(METRICS), "every seeded computed KPI has a selector, and back"
    assert kpis.filter(metric="").exists(), "and at least one KPI is entered by hand"


def test_seeding_again_duplicates_nothing_and_keeps_edits(organisation: Organisation) -> None:
    level = MaturityLevel.objects.get(organisation=organisation, level=2)
    level.name = "Bidragsyter (vår versjon)"
    level.save()
    before = {
        model: model.objects.count()
        for model in (MaturityLevel, StrategyPeriod, StrategicMeasure, MaturityDimension, Kpi)
    }
    create_strategy(organisation)
    after = {model: model.objects.count() for model in before}
    assert after == before
    assert MaturityLevel.objects.get(pk=level.pk).name == "Bidragsyter (vår versjon)"


@pytest.mark.parametrize(
    ("year", "current", "following"),
    [
        (2024, None, "2025"),  # before the strategy: the first period is next
        (2025, "2025", "2026–27"),
        (2026, "2026–27", "2027–28"),
        (2027, "2026–27", "2027–28"),  # two periods contain 2027: the one ending first counts
        (2028, "2027–28", "2029"),
        (2029, "2029", None),
        (2031, "2029", None),  # after the strategy the last target still applies
    ],
)
def test_the_target_of_a_year(
    organisation: Organisation, year: int, current: str | None, following: str | None
) -> None:
    periods = list(StrategyPeriod.objects.filter(organisation=organisation))
    targets = targets_for(periods, year)
    assert (targets.current.label if targets.current else None) == current
    assert (targets.next.label if targets.next else None) == following


def test_no_periods_means_no_targets() -> None:
    targets = targets_for([], 2026)
    assert targets.current is None and targets.next is None


def test_the_role_is_a_level_and_shows_the_organisations_own_name(
    organisation: Organisation,
    bob: User,
    client_for: Callable[[User | None], Client],
    make_initiative: Callable[..., Initiative],
) -> None:
    initiative = make_initiative(title="Sensorer om natten")
    Initiative.objects.filter(pk=initiative.pk).update(role=MunicipalRole.INITIATOR)
    MaturityLevel.objects.filter(organisation=organisation, level=3).update(name="Pådriver")
    html = client_for(bob).get(reverse("portfolio:board")).content.decode()
    assert "Rolle: Pådriver" in html and "Rolle: Initiativtaker" not in html
    page = client_for(bob).get(reverse("portfolio:initiative", args=[initiative.pk]))
    assert "Pådriver" in page.content.decode()


def test_role_levels_fall_back_to_the_strategys_words_and_forget_after_a_rename(
    organisation: Organisation,
) -> None:
    bare = Organisation.objects.create(name="Uten trapp", slug="uten-trapp")  # no signal, no levels
    assert role_levels(bare)[4].name == "Innovasjonspartner"
    assert role_levels(organisation)[1].stance.startswith("Vi venter")
    MaturityLevel.objects.filter(organisation=organisation, level=1).update(name="Avventer")
    assert role_levels(organisation)[1].name == "Vente å se"  # read once per object
    forget_role_levels(organisation)
    assert role_levels(organisation)[1].name == "Avventer"
    assert role_levels(None)[2].name == "Bidragsyter"
