"""The yearly assessment: leaders answer per dimension, the group records the agreed level."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from maturity.models import (
    AgreedLevel,
    CriterionTick,
    DimensionAnswer,
    EvidenceKind,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    YearlyAssessment,
)
from maturity.selectors.assessments import agreed_level, assessment_years
from maturity.services.assessments import open_assessment
from portal.models import DomainEvent, Organisation, User


def test_selectors_give_the_latest_agreed_version_and_the_years(
    organisation: Organisation,
    leader: User,
    admin: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    assert agreed_level(organisation=organisation, year=2025) is None
    assert assessment_years(organisation=organisation) == []
    levels = {lv.level: lv for lv in MaturityLevel.objects.filter(organisation=organisation)}
    dimension = MaturityDimension.objects.filter(organisation=organisation).first()
    assert dimension is not None
    older = YearlyAssessment.objects.create(organisation=organisation, year=2025, opened_by=leader)
    YearlyAssessment.objects.create(organisation=organisation, year=2026, opened_by=leader)
    for user in (leader, admin):
        DimensionAnswer.objects.create(
            assessment=older, dimension=dimension, respondent=user, level=levels[1]
        )
    for version, level in ((1, 1), (2, 2)):
        AgreedLevel.objects.create(
            assessment=older, version=version, level=levels[level], reasoning="…", agreed_by=admin
        )
    latest = agreed_level(organisation=organisation, year=2025)
    assert latest is not None and latest.version == 2 and latest.level.level == 2
    with django_assert_num_queries(1):
        years = assessment_years(organisation=organisation)
    assert [(y.year, y.agreed_level, y.agreed_level_name, y.answers) for y in years] == [
        (2026, None, None, 0),
        (2025, 2, "Bidragsyter", 2),
    ]


# Fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def assessment(organisation: Organisation, leader: User) -> YearlyAssessment:
    opened, created = open_assessment(organisation=organisation, actor=leader, year=2025)
    assert created
    return opened


def levels_of(organisation: Organisation) -> dict[int, MaturityLevel]:
    return {lv.level: lv for lv in MaturityLevel.objects.filter(organisation=organisation)}


def strategy(organisation: Organisation) -> MaturityDimension:
    return MaturityDimension.objects.get(organisation=organisation, name="Strategi og forankring")


def criterion(dimension: MaturityDimension, kind: str, level: int = 1) -> MaturityCriterion:
    found = dimension.criteria.filter(evidence=kind).order_by("level__level").first()
    if found is None:
        found = MaturityCriterion.objects.create(
            dimension=dimension,
            level=MaturityLevel.objects.get(organisation=dimension.organisation, level=level),
            practice=f"Praksis med {kind}",
            evidence=kind,
        )
    return found


def answer_url(assessment: YearlyAssessment, dimension: MaturityDimension) -> str:
    return reverse("maturity:assessment_answer", args=[assessment.year, dimension.pk])


def answer_data(
    dimension: MaturityDimension, level: int = 1, **fields: object
) -> dict[str, object]:
    chosen = MaturityLevel.objects.get(organisation=dimension.organisation, level=level)
    return {"versjon": "0", "level": str(chosen.pk), "comment": "Vi har startet.", **fields}


def decision_tick(dimension: MaturityDimension, **fields: str) -> dict[str, str]:
    key = f"p{criterion(dimension, EvidenceKind.DECISION).pk}"
    values = {"case_number": "2025/123", "url": "https://nittedal.kommune.no/sak/123"}
    values.update(fields)
    return {key: "on", **{f"{key}-{name}": value for name, value in values.items()}}


def test_a_leader_answers_and_the_group_agrees_through_the_pages(
    assessment: YearlyAssessment, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    dimension = strategy(assessment.organisation)
    assert client.get(reverse("maturity:assessments")).status_code == 200
    page = client.get(answer_url(assessment, dimension))
    assert page.status_code == 200
    response = client.post(
        answer_url(assessment, dimension), answer_data(dimension, **decision_tick(dimension))
    )
    assert response.status_code == 302, response.content.decode()
    tick = CriterionTick.objects.get()
    assert tick.case_number == "2025/123"
    html = client.get(reverse("maturity:assessment", args=[2025])).content.decode()
    assert "Sak 2025/123" in html and "https://nittedal.kommune.no/sak/123" in html
    level = levels_of(assessment.organisation)[1]
    agree = reverse("maturity:assessment_agree", args=[2025])
    assert client.get(agree).status_code == 200
    response = client.post(
        agree, {"versjon": "0", "level": str(level.pk), "reasoning": "Vi står ved start."}
    )
    assert response.status_code == 302, response.content.decode()
    agreed = AgreedLevel.objects.get()
    assert agreed.version == 1 and agreed.indicators["year"] == 2025
    assert DomainEvent.objects.filter(action="assessment.level_agreed").count() == 1
    html = client.get(reverse("maturity:assessment", args=[2025])).content.decode()
    assert "Vi står ved start." in html and "Endre omforent nivå" in html
    assert client.get(answer_url(assessment, dimension)).status_code == 200
