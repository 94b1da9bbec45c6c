"""The yearly assessment: leaders answer per dimension, the group records the agreed level."""

from __future__ import annotations

from pytest_django import DjangoAssertNumQueries

from maturity.models import (
    AgreedLevel,
    DimensionAnswer,
    MaturityDimension,
    MaturityLevel,
    YearlyAssessment,
)
from maturity.selectors.assessments import agreed_level, assessment_years
from portal.models import Organisation, User


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
