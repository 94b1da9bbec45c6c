"""Smoke test of the dashboard benchmark: the module imports, the seed's pieces run on a tiny
organisation, and the «bare view» floor answers through the whole middleware."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from bench.benefits import ensure_benefits
from bench.dashboard import YEAR, ensure_dashboard_initiatives, ensure_maturity_data
from bench.urls import FLOOR_PATH
from ideas.models import Idea
from maturity.models import AgreedLevel, YearlyAssessment
from portal.models import Organisation, User
from portfolio.models import Initiative, PhaseVisit

URL = f"{FLOOR_PATH}?ar={YEAR}"


@pytest.fixture
def tiny_org(
    organisation: Organisation,
    make_idea: Callable[..., Idea],
    leader: User,
    bob: User,
    settings: Settings,
) -> Organisation:
    """Four initiatives with histories and benefits, and the strategy's maturity data."""
    settings.ROOT_URLCONF = "bench.urls"
    for n in range(6):
        make_idea(title=f"Idé {n}")
    ensure_dashboard_initiatives(organisation, 4)
    ensure_benefits(organisation)
    ensure_maturity_data([organisation], detailed={organisation.pk})
    return organisation


def test_the_seed_builds_histories_and_assessments(tiny_org: Organisation) -> None:
    assert Initiative.objects.filter(organisation=tiny_org).count() == 4
    assert PhaseVisit.objects.filter(initiative__organisation=tiny_org).count() >= 4
    years = set(
        YearlyAssessment.objects.filter(organisation=tiny_org).values_list("year", flat=True)
    )
    assert years == {2024, 2025, YEAR}
    # 2025 agreed twice (a changed version), 2026 still open.
    assert AgreedLevel.objects.filter(assessment__organisation=tiny_org).count() == 3


# The floor computes the medians with PERCENTILE_CONT, as the KPIs do on PostgreSQL (the
# benchmarks run only there); SQLite lacks the ordered-set aggregate.
@pytest.mark.postgres
def test_floor_answers_a_leader(
    tiny_org: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(leader).get(URL)
    assert response.status_code == 200
    assert f"Gulv {YEAR}" in response.content.decode()


# The floor computes the medians with PERCENTILE_CONT, as the KPIs do on PostgreSQL (the
# benchmarks run only there); SQLite lacks the ordered-set aggregate.
@pytest.mark.postgres
def test_floor_query_count_does_not_grow_with_initiatives(
    tiny_org: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    ensure_dashboard_initiatives(tiny_org, 6)
    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200
    assert len(after) == len(before)


def test_floor_is_for_leaders_only(
    tiny_org: Organisation, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(alice).get(URL).status_code == 403
