"""The yearly assessment: leaders answer per dimension, the group records the agreed level."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from maturity.models import (
    AgreedLevel,
    CriterionTick,
    DimensionAnswer,
    EvidenceKind,
    Kpi,
    KpiValue,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    YearlyAssessment,
)
from maturity.selectors.assessments import agreed_level, assessment_years
from maturity.services.assessments import (
    AgreementChanged,
    AssessmentAgreed,
    EvidenceMissing,
    TickInput,
    open_assessment,
    record_agreed_level,
    save_answer,
)
from portal.concurrency import StaleVersion
from portal.models import DomainEvent, Organisation, Role, User
from portal.services import add_member
from portfolio.models import Initiative


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
    dimension: MaturityDimension, extra: dict[str, str] | None = None, level: int = 1
) -> dict[str, str]:
    chosen = MaturityLevel.objects.get(organisation=dimension.organisation, level=level)
    data = {"versjon": "0", "level": str(chosen.pk), "comment": "Vi har startet."}
    return {**data, **(extra or {})}


def decision_tick(dimension: MaturityDimension, **fields: str) -> dict[str, str]:
    key = f"p{criterion(dimension, EvidenceKind.DECISION).pk}"
    values = {"case_number": "2025/123", "url": "https://nittedal.kommune.no/sak/123"}
    values.update(fields)
    return {key: "on", **{f"{key}-{name}": value for name, value in values.items()}}


def summary_url(year: int = 2025) -> str:
    return reverse("maturity:assessment", args=[year])


def agree_url(year: int = 2025) -> str:
    return reverse("maturity:assessment_agree", args=[year])


def answer(
    assessment: YearlyAssessment,
    actor: User,
    *,
    level: int = 1,
    ticks: list[TickInput] | None = None,
    expected_version: int = 0,
    dimension: MaturityDimension | None = None,
    comment: str = "",
) -> DimensionAnswer:
    dimension = dimension or strategy(assessment.organisation)
    return save_answer(
        assessment=assessment,
        dimension=dimension,
        actor=actor,
        level=levels_of(assessment.organisation)[level],
        comment=comment,
        ticks=ticks or [],
        expected_version=expected_version,
    )


def agree(
    assessment: YearlyAssessment,
    actor: User,
    *,
    level: int = 1,
    expected_version: int = 0,
    reasoning: str = "Vi står ved start.",
    change_reason: str = "",
) -> AgreedLevel:
    return record_agreed_level(
        assessment=assessment,
        actor=actor,
        level=levels_of(assessment.organisation)[level],
        reasoning=reasoning,
        expected_version=expected_version,
        change_reason=change_reason,
    )


def decision(dimension: MaturityDimension, **fields: Any) -> TickInput:
    values = {"case_number": "2025/123", "url": "https://nittedal.kommune.no/sak/123", **fields}
    return TickInput(criterion=criterion(dimension, EvidenceKind.DECISION), **values)


def text(response: Any) -> str:
    return str(response.content.decode())


# Opening a year ----------------------------------------------------------------------------


def test_opening_a_year_twice_gives_the_same_assessment_and_one_event(
    organisation: Organisation, leader: User, admin: User
) -> None:
    first, created = open_assessment(organisation=organisation, actor=leader, year=2025)
    again, created_again = open_assessment(organisation=organisation, actor=admin, year=2025)
    assert created and not created_again and first.pk == again.pk
    assert YearlyAssessment.objects.count() == 1
    assert DomainEvent.objects.filter(action="assessment.opened").count() == 1


def test_the_list_opens_a_year_and_shows_it(
    organisation: Organisation, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(leader)
    response = client.post(reverse("maturity:assessments"), {"year": "2025"})
    assert response.status_code == 302 and response["Location"] == summary_url()
    again = client.post(reverse("maturity:assessments"), {"year": "2025"}, follow=True)
    assert "Vurderingen for 2025 var åpnet fra før." in text(again)
    assert YearlyAssessment.objects.filter(organisation=organisation).count() == 1
    listing = text(client.get(reverse("maturity:assessments")))
    assert "Vurderingen for 2025" in listing and "Ikke omforent ennå" in listing


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("", "Skriv året som skal vurderes."),
        ("tjuefem", "Skriv et helt tall."),
        ("٢٠٢٥", "Skriv et helt tall."),
        ("1999", "Skriv et år fra 2000 til"),
        ("99999999999999999999999", "Skriv et helt tall."),
    ],
)
def test_a_bad_year_is_refused_at_the_field(
    posted: str, message: str, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(leader).post(reverse("maturity:assessments"), {"year": posted})
    assert response.status_code == 200
    assert message in text(response)
    assert not YearlyAssessment.objects.exists()


def test_a_year_not_opened_or_another_organisations_is_404(
    assessment: YearlyAssessment,
    other_admin: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    assert client_for(leader).get(summary_url(2024)).status_code == 404
    outsider = client_for(other_admin)
    for url in (
        summary_url(),
        agree_url(),
        answer_url(assessment, strategy(assessment.organisation)),
    ):
        assert outsider.get(url).status_code == 404
    # Lunner's own 2025, opened: Nittedal's dimension is still not found through it.
    open_assessment(
        organisation=other_admin.memberships.get().organisation, actor=other_admin, year=2025
    )
    assert (
        outsider.get(answer_url(assessment, strategy(assessment.organisation))).status_code == 404
    )


# Answers: evidence, versions, scoping --------------------------------------------------------


def test_an_answer_keeps_the_level_comment_and_ticks_with_an_event(
    assessment: YearlyAssessment, leader: User
) -> None:
    dimension = strategy(assessment.organisation)
    saved = answer(
        assessment, leader, ticks=[decision(dimension, document="Ikke brukt")], comment="Vedtatt."
    )
    assert saved.version == 1 and saved.comment == "Vedtatt."
    tick = saved.ticks.get()
    assert (tick.case_number, tick.url) == ("2025/123", "https://nittedal.kommune.no/sak/123")
    assert tick.document == ""  # a decision's evidence is its saksnummer (and link)
    event = DomainEvent.objects.get(action="assessment.answer_saved")
    assert event.after["name"] == "Strategi og forankring" and event.after["year"] == 2025


def test_saving_an_answer_again_bumps_its_version_and_replaces_the_ticks(
    assessment: YearlyAssessment, leader: User
) -> None:
    dimension = strategy(assessment.organisation)
    first = answer(assessment, leader, ticks=[decision(dimension)])
    unchanged = answer(assessment, leader, ticks=[decision(dimension)], expected_version=1)
    assert unchanged.version == 1  # nothing changed: no new version, no event
    assert DomainEvent.objects.filter(action="assessment.answer_saved").count() == 1
    second = answer(assessment, leader, level=2, expected_version=1)
    assert second.pk == first.pk and second.version == 2
    assert not CriterionTick.objects.exists()
    events = DomainEvent.objects.filter(action="assessment.answer_saved").order_by("id")
    assert events.count() == 2 and "ticks" in events.last().after  # type: ignore[union-attr]


def test_the_same_leader_in_two_tabs_cannot_overwrite_silently(
    assessment: YearlyAssessment, leader: User
) -> None:
    answer(assessment, leader)  # tab one
    with pytest.raises(StaleVersion) as conflict:
        answer(assessment, leader, level=2, expected_version=0)  # tab two, loaded before
    assert conflict.value.current.version == 1
    answer(assessment, leader, level=2, expected_version=1)
    with pytest.raises(StaleVersion):
        answer(assessment, leader, level=3, expected_version=1)
    assert DimensionAnswer.objects.get().level.level == 2


def test_each_leader_has_their_own_answer(
    assessment: YearlyAssessment, leader: User, admin: User
) -> None:
    answer(assessment, leader, level=1)
    answer(assessment, admin, level=2)  # not a conflict: another leader's own answer
    assert DimensionAnswer.objects.filter(assessment=assessment).count() == 2


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        (EvidenceKind.DOCUMENT, {}, "document", "Skriv tittelen på dokumentet"),
        (EvidenceKind.DOCUMENT, {"url": "ftp://filer/plan.pdf"}, "url", "https:// eller http://"),
        (EvidenceKind.DOCUMENT, {"url": "javascript:alert(1)"}, "url", "https://"),
        (EvidenceKind.DECISION, {"url": "https://sak.no/1"}, "case_number", "Skriv saksnummeret"),
        (EvidenceKind.DECISION, {"case_number": "—"}, "case_number", "minst ett tall"),
        (EvidenceKind.INITIATIVE, {}, "initiative", "Velg initiativet"),
        (EvidenceKind.KPI, {}, "kpi", "Velg nøkkeltallet"),
    ],
)
def test_a_tick_without_the_evidence_its_kind_needs_is_refused(
    kind: str,
    fields: dict[str, str],
    field: str,
    message: str,
    assessment: YearlyAssessment,
    leader: User,
) -> None:
    dimension = strategy(assessment.organisation)
    practice = criterion(dimension, kind)
    with pytest.raises(EvidenceMissing) as refused:
        answer(assessment, leader, ticks=[TickInput(criterion=practice, **fields)])  # type: ignore[arg-type]
    assert message in refused.value.errors[practice.pk][field]
    assert not DimensionAnswer.objects.exists()


def test_a_document_with_a_title_only_or_a_link_only_is_evidence(
    assessment: YearlyAssessment, leader: User
) -> None:
    dimension = strategy(assessment.organisation)
    practice = criterion(dimension, EvidenceKind.DOCUMENT)
    saved = answer(
        assessment, leader, ticks=[TickInput(criterion=practice, document="Referat MBU")]
    )
    assert saved.ticks.get().document == "Referat MBU"
    answer(
        assessment,
        leader,
        ticks=[TickInput(criterion=practice, url="http://intra/plan")],
        expected_version=1,
    )
    assert CriterionTick.objects.get().url == "http://intra/plan"


def test_evidence_from_another_organisation_is_refused(
    assessment: YearlyAssessment,
    leader: User,
    other_admin: User,
    initiative: Initiative,
) -> None:
    dimension = strategy(assessment.organisation)
    lunner = other_admin.memberships.get().organisation
    foreign_kpi = Kpi.objects.filter(organisation=lunner).first()
    assert foreign_kpi is not None
    with pytest.raises(ValueError, match="KPI"):
        answer(
            assessment,
            leader,
            ticks=[TickInput(criterion=criterion(dimension, EvidenceKind.KPI), kpi=foreign_kpi)],
        )
    initiative.organisation = lunner  # in memory only: as if the id were Lunner's
    with pytest.raises(ValueError, match="initiative"):
        answer(
            assessment,
            leader,
            ticks=[
                TickInput(
                    criterion=criterion(dimension, EvidenceKind.INITIATIVE), initiative=initiative
                )
            ],
        )
    other_dimension = MaturityDimension.objects.filter(organisation=lunner).first()
    assert other_dimension is not None
    with pytest.raises(ValueError, match="dimension"):
        answer(assessment, leader, dimension=other_dimension)
    with pytest.raises(ValueError, match="level"):
        save_answer(
            assessment=assessment,
            dimension=dimension,
            actor=leader,
            level=MaturityLevel.objects.get(organisation=lunner, level=1),
            comment="",
            ticks=[],
            expected_version=0,
        )
    assert not DimensionAnswer.objects.exists()


def test_a_criterion_of_another_dimension_is_refused(
    assessment: YearlyAssessment, leader: User
) -> None:
    other = (
        MaturityDimension.objects.filter(organisation=assessment.organisation)
        .exclude(pk=strategy(assessment.organisation).pk)
        .first()
    )
    assert other is not None
    practice = other.criteria.get(level__level=1)
    with pytest.raises(ValueError, match="another dimension"):
        answer(assessment, leader, ticks=[TickInput(criterion=practice, document="x")])


# The agreed level: a record with versions ----------------------------------------------------


def test_the_agreed_level_is_version_one_with_the_indicators_then_a_record(
    assessment: YearlyAssessment, leader: User, admin: User
) -> None:
    kpi = Kpi.objects.filter(organisation=assessment.organisation, metric="").first()
    assert kpi is not None
    KpiValue.objects.create(
        kpi=kpi, year=2025, value=Decimal("42.5"), source="Årsrapport", recorded_by=admin
    )
    answer(assessment, leader)
    first = agree(assessment, leader)
    assert (first.version, first.level.level, first.change_reason) == (1, 1, "")
    kept = {row["kpi"]: row for row in first.indicators["kpis"]}
    assert Decimal(kept[kpi.pk]["value"]) == Decimal("42.5") and kept[kpi.pk]["unit"] == kpi.unit
    assert set(kept[kpi.pk]) >= {"value", "target", "unit", "name"}
    assert (
        DomainEvent.objects.get(action="assessment.level_agreed").after["level"] == "1 «Vente å se»"
    )
    # A record: answers are locked, and a change is a new version with its reason.
    with pytest.raises(AssessmentAgreed):
        answer(assessment, leader, level=2, expected_version=1)
    with pytest.raises(ValidationError) as missing:
        agree(assessment, admin, level=2, expected_version=1)
    assert "change_reason" in missing.value.message_dict
    second = agree(assessment, admin, level=2, expected_version=1, change_reason="Nye tall.")
    assert (second.version, second.level.level, second.agreed_by) == (2, 2, admin)
    first.refresh_from_db()
    assert (first.version, first.level.level, first.reasoning) == (1, 1, "Vi står ved start.")
    revised = DomainEvent.objects.get(action="assessment.level_revised")
    assert revised.after["version"] == 2 and revised.after["change_reason"] == "Nye tall."
    latest = agreed_level(organisation=assessment.organisation, year=2025)
    assert latest is not None and latest.pk == second.pk


def test_agreeing_on_a_stale_version_is_refused(
    assessment: YearlyAssessment, leader: User, admin: User
) -> None:
    agree(assessment, leader)
    with pytest.raises(AgreementChanged) as conflict:
        agree(assessment, admin, level=2)  # loaded before the first was recorded
    assert conflict.value.latest is not None and conflict.value.latest.version == 1
    with pytest.raises(AgreementChanged):
        agree(assessment, admin, level=2, expected_version=5, change_reason="…")
    assert AgreedLevel.objects.count() == 1


def test_the_reasoning_is_required(assessment: YearlyAssessment, leader: User) -> None:
    with pytest.raises(ValidationError) as missing:
        agree(assessment, leader, reasoning="   ")
    assert "reasoning" in missing.value.message_dict
    assert not AgreedLevel.objects.exists()


# Views: bad input never a 500, nothing typed lost ---------------------------------------------


def test_the_answer_form_shows_the_organisations_level_names_and_practices_by_level(
    assessment: YearlyAssessment, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    dimension = strategy(assessment.organisation)
    MaturityLevel.objects.filter(organisation=assessment.organisation, level=2).update(
        name="Medspiller"
    )
    html = text(client_for(leader).get(answer_url(assessment, dimension)))
    assert "2. Medspiller" in html and "Praksiser på nivå 2: Medspiller" in html
    assert "Innovasjonsstrategien er vedtatt av kommunestyret" in html
    assert f'name="p{criterion(dimension, EvidenceKind.DECISION).pk}-case_number"' in html


def test_a_tick_without_a_saksnummer_is_refused_at_its_field_and_nothing_is_lost(
    assessment: YearlyAssessment, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    dimension = strategy(assessment.organisation)
    practice = criterion(dimension, EvidenceKind.DECISION)
    data = answer_data(dimension, decision_tick(dimension, case_number=""))
    data["comment"] = "Et langt resonnement jeg ikke vil miste."
    response = client_for(leader).post(answer_url(assessment, dimension), data)
    html = text(response)
    assert response.status_code == 200
    assert f'id="id_p{practice.pk}-case_number_error"' in html
    assert "Skriv saksnummeret for vedtaket" in html
    assert "Et langt resonnement jeg ikke vil miste." in html
    assert 'value="https://nittedal.kommune.no/sak/123"' in html
    assert not DimensionAnswer.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"level": "999999"},
        {"level": "abc"},
        {"p{decision}-url": "ftp://x/y"},
        {"p{decision}-url": "x" * 600},
        {"p{kpi}": "on", "p{kpi}-kpi": "{foreign_kpi}"},
        {"p{kpi}": "on", "p{kpi}-kpi": "99999999999999999999999"},
        {"p{initiative}": "on", "p{initiative}-initiative": "{foreign_initiative}"},
        {"p{document}-document": "Skrevet, men ikke krysset av"},
        {"comment": "x" * 5000},
    ],
)
def test_bad_answers_come_back_with_a_message_never_a_500(
    bad: dict[str, str],
    assessment: YearlyAssessment,
    leader: User,
    other_admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    dimension = strategy(assessment.organisation)
    lunner = other_admin.memberships.get().organisation
    foreign_kpi = Kpi.objects.filter(organisation=lunner).first()
    assert foreign_kpi is not None
    ids = {
        "decision": criterion(dimension, EvidenceKind.DECISION).pk,
        "document": criterion(dimension, EvidenceKind.DOCUMENT).pk,
        "kpi": criterion(dimension, EvidenceKind.KPI).pk,
        "initiative": criterion(dimension, EvidenceKind.INITIATIVE).pk,
        "foreign_kpi": foreign_kpi.pk,
        "foreign_initiative": 424242,
    }
    data = answer_data(dimension, decision_tick(dimension))
    data.update({key.format(**ids): value.format(**ids) for key, value in bad.items()})
    response = client_for(leader).post(answer_url(assessment, dimension), data)
    assert response.status_code == 200  # the form with its message, or 409 below
    assert "Skjemaet har feil" in text(response)
    assert not DimensionAnswer.objects.exists()


def test_a_second_tab_gets_409_with_what_it_typed_and_the_saved_answer(
    assessment: YearlyAssessment, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    dimension = strategy(assessment.organisation)
    client = client_for(leader)
    assert client.post(answer_url(assessment, dimension), answer_data(dimension)).status_code == 302
    tab_two = answer_data(dimension, decision_tick(dimension), level=2)
    tab_two["comment"] = "Skrevet i fane to."
    response = client.post(answer_url(assessment, dimension), tab_two)
    html = text(response)
    assert response.status_code == 409
    assert "Skrevet i fane to." in html and "Ingenting er overskrevet" in html
    assert "Svaret ditt slik det er lagret nå (versjon 1)" in html
    assert 'name="versjon" value="1"' in html
    assert DimensionAnswer.objects.get().level.level == 1
    tab_two["versjon"] = "1"  # sent again from the page it got back
    assert client.post(answer_url(assessment, dimension), tab_two).status_code == 302
    assert DimensionAnswer.objects.get().level.level == 2


def test_a_leader_sees_only_their_own_answer_in_the_form(
    assessment: YearlyAssessment,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    dimension = strategy(assessment.organisation)
    answer(assessment, admin, level=3, comment="Adas eget svar")
    html = text(client_for(leader).get(answer_url(assessment, dimension)))
    assert "Adas eget svar" not in html and "checked" not in html
    assert "Adas eget svar" in text(client_for(leader).get(summary_url()))  # the group's view


def test_an_inactive_dimension_is_not_answered(
    assessment: YearlyAssessment, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    dimension = strategy(assessment.organisation)
    MaturityDimension.objects.filter(pk=dimension.pk).update(is_active=False)
    assert client_for(leader).get(answer_url(assessment, dimension)).status_code == 404
    assert dimension.name not in text(client_for(leader).get(summary_url()))


def test_after_agreement_answers_are_read_only(
    assessment: YearlyAssessment, leader: User, client_for: Callable[[User | None], Client]
) -> None:
    dimension = strategy(assessment.organisation)
    answer(assessment, leader, ticks=[decision(dimension)])
    agree(assessment, leader)
    client = client_for(leader)
    page = text(client.get(answer_url(assessment, dimension)))
    assert "Svarene er låst" in page and "<form" not in page.split('id="main"')[1]
    response = client.post(
        answer_url(assessment, dimension), answer_data(dimension, level=3), follow=True
    )
    assert "svarene er låst" in text(response)
    assert DimensionAnswer.objects.get().level.level == 1


def test_the_summary_shows_levels_ticks_spread_and_indicators_as_support(
    assessment: YearlyAssessment,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    dimension = strategy(assessment.organisation)
    answer(assessment, leader, level=1, ticks=[decision(dimension)])
    answer(assessment, admin, level=3)
    html = text(client_for(leader).get(summary_url()))
    assert "Lena" in html and "Ada" in html
    assert "1. Vente å se" in html and "3. Initiativtaker" in html
    assert 'href="https://nittedal.kommune.no/sak/123"' in html
    assert "fra nivå 1 «Vente å se» til nivå 3 «Initiativtaker» (2 nivåer fra hverandre)" in html
    assert "støtte, ikke fasit" in html


@pytest.mark.parametrize(
    "bad",
    [
        {"reasoning": ""},
        {"reasoning": "   "},
        {"level": ""},
        {"level": "-1"},
        {"reasoning": "x" * 9000},
    ],
)
def test_a_bad_agreement_comes_back_with_a_message_never_a_500(
    bad: dict[str, str],
    assessment: YearlyAssessment,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    level = levels_of(assessment.organisation)[1]
    data = {"versjon": "0", "level": str(level.pk), "reasoning": "Et resonnement", **bad}
    response = client_for(leader).post(agree_url(), data)
    assert response.status_code == 200 and "Skjemaet har feil" in text(response)
    assert not AgreedLevel.objects.exists()


def test_two_leaders_agreeing_from_the_same_page_record_one_version(
    assessment: YearlyAssessment,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    levels = levels_of(assessment.organisation)
    first = {"versjon": "0", "level": str(levels[1].pk), "reasoning": "Lenas begrunnelse"}
    second = {"versjon": "0", "level": str(levels[2].pk), "reasoning": "Adas begrunnelse"}
    assert client_for(leader).post(agree_url(), first).status_code == 302
    response = client_for(admin).post(agree_url(), second)
    html = text(response)
    assert response.status_code == 409
    assert "Lena registrerte omforent nivå for 2025 mens du skrev" in html
    assert "Adas begrunnelse" in html and "Hvorfor endres nivået?" in html
    assert AgreedLevel.objects.get().reasoning == "Lenas begrunnelse"


def test_changing_the_agreed_level_keeps_the_earlier_version_readable(
    assessment: YearlyAssessment,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    agree(assessment, leader)
    levels = levels_of(assessment.organisation)
    client = client_for(admin)
    page = text(client.get(agree_url()))
    assert "Endre omforent nivå for 2025" in page and 'name="versjon" value="1"' in page
    data = {"versjon": "1", "level": str(levels[2].pk), "reasoning": "Nå bidrar vi."}
    missing = client.post(agree_url(), data)
    assert "Skriv hvorfor det omforente nivået endres." in text(missing)
    assert "Nå bidrar vi." in text(missing)
    data["change_reason"] = "Tre nye samarbeid i høst."
    assert client.post(agree_url(), data).status_code == 302
    html = text(client.get(summary_url()))
    assert "Nivå 2: Bidragsyter" in html and "Tre nye samarbeid i høst." in html
    assert "Versjon 1: nivå 1 «Vente å se», registrert" in html and "av Lena" in html
    assert "Vi står ved start." in html


# Query counts do not grow with answers -------------------------------------------------------


def many_answers(assessment: YearlyAssessment, count: int, initiative: Initiative) -> None:
    dimensions = list(MaturityDimension.objects.filter(organisation=assessment.organisation))
    kpi = Kpi.objects.filter(organisation=assessment.organisation).first()
    for n in range(count):
        user = add_member(
            organisation=assessment.organisation,
            email=f"leder{n}-{timezone.now().timestamp()}@nittedal.example",
            role=Role.LEADER,
            first_name=f"Leder {n}",
        ).user
        for dimension in dimensions:
            ticks = []
            for practice in dimension.criteria.all():
                kinds: dict[str, dict[str, Any]] = {
                    EvidenceKind.DOCUMENT: {"document": "Plan", "url": "https://ks.no/"},
                    EvidenceKind.DECISION: {"case_number": "2025/1"},
                    EvidenceKind.INITIATIVE: {"initiative": initiative},
                    EvidenceKind.KPI: {"kpi": kpi},
                }
                evidence = kinds[practice.evidence]
                ticks.append(TickInput(criterion=practice, **evidence))
            answer(assessment, user, dimension=dimension, level=1 + n % 4, ticks=ticks)


SUMMARY_QUERIES = 22  # 11 of them are kpi_table's, fixed however many KPIs
ANSWER_QUERIES = 12


@pytest.mark.parametrize("answers", [1, 4])
def test_the_summary_pins_its_queries_however_many_answers(
    answers: int,
    assessment: YearlyAssessment,
    leader: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    many_answers(assessment, answers, initiative)
    agree(assessment, leader)
    client = client_for(leader)
    with django_assert_num_queries(SUMMARY_QUERIES):
        response = client.get(summary_url())
    decisions = MaturityCriterion.objects.filter(
        dimension__organisation=assessment.organisation, evidence=EvidenceKind.DECISION
    ).count()
    assert text(response).count("Sak 2025/1") == answers * decisions
    with django_assert_num_queries(4):
        client.get(reverse("maturity:assessments"))


@pytest.mark.parametrize("initiatives", [1, 4])
def test_the_answer_form_pins_its_queries(
    initiatives: int,
    assessment: YearlyAssessment,
    leader: User,
    make_initiative: Callable[..., Initiative],
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for n in range(initiatives):
        make_initiative(title=f"Initiativ {n}")
    dimension = strategy(assessment.organisation)
    answer(assessment, leader, ticks=[decision(dimension)])
    client = client_for(leader)
    with django_assert_num_queries(ANSWER_QUERIES):
        client.get(answer_url(assessment, dimension))


# Races on PostgreSQL: threads with their own connections --------------------------------------


def race(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread (its own connection), all at once."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except BaseException as error:  # noqa: BLE001 - the test reads what each got
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leaders_agreeing_at_once_yield_one_version_one(
    assessment: YearlyAssessment, leader: User, admin: User
) -> None:
    results = race([lambda: agree(assessment, leader), lambda: agree(assessment, admin, level=2)])
    assert sorted(type(r).__name__ for r in results) == ["AgreedLevel", "AgreementChanged"]
    assert AgreedLevel.objects.filter(assessment=assessment).count() == 1
    assert DomainEvent.objects.filter(action="assessment.level_agreed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leaders_opening_a_year_at_once_get_the_same_assessment(
    organisation: Organisation, leader: User, admin: User
) -> None:
    results = race(
        [
            lambda: open_assessment(organisation=organisation, actor=leader, year=2026),
            lambda: open_assessment(organisation=organisation, actor=admin, year=2026),
        ]
    )
    opened = [r for r in results if isinstance(r, tuple)]
    assert len(opened) == 2, results
    assert sorted(created for _row, created in opened) == [False, True]
    assert len({row.pk for row, _created in opened}) == 1
    assert DomainEvent.objects.filter(action="assessment.opened").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_leader_saving_in_two_tabs_at_once_saves_one(
    assessment: YearlyAssessment, leader: User
) -> None:
    results = race(
        [lambda: answer(assessment, leader), lambda: answer(assessment, leader, level=2)]
    )
    assert sorted(type(r).__name__ for r in results) == ["DimensionAnswer", "StaleVersion"]
    assert DimensionAnswer.objects.count() == 1


# Posting: the access table walks GETs; these pages take POST as well -----------------------


@pytest.mark.parametrize("page", ["list", "answer", "agree"])
def test_only_leaders_and_administrators_of_the_organisation_may_post(
    page: str,
    assessment: YearlyAssessment,
    alice: User,
    bob: User,
    other_admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    dimension = strategy(assessment.organisation)
    level = levels_of(assessment.organisation)[1]
    url, data = {
        "list": (reverse("maturity:assessments"), {"year": "2026"}),
        "answer": (answer_url(assessment, dimension), answer_data(dimension)),
        "agree": (agree_url(), {"versjon": "0", "level": str(level.pk), "reasoning": "Ja"}),
    }[page]
    anonymous = client_for(None).post(url, data)
    assert anonymous.status_code == 302 and "/konto/logg-inn/" in anonymous["Location"]
    assert client_for(alice).post(url, data).status_code == 403
    assert client_for(bob).post(url, data).status_code == 403
    if page != "list":  # the list acts on the poster's own organisation
        assert client_for(other_admin).post(url, data).status_code == 404
    assert not DimensionAnswer.objects.exists() and not AgreedLevel.objects.exists()
    assert YearlyAssessment.objects.filter(organisation=assessment.organisation).count() == 1
