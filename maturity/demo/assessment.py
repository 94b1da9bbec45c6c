"""The demo municipality's assessment of 2025: the leader and the administrator answer every
dimension with the practices in place and their evidence, and the leader group agrees on
level 1 «Vente å se», with its reasoning. Through the real services; safe to run again."""

from __future__ import annotations

from maturity.models import EvidenceKind, Kpi, MaturityCriterion, MaturityDimension, MaturityLevel
from maturity.selectors.assessments import agreed_level, own_answer
from maturity.services.assessments import (
    TickInput,
    open_assessment,
    record_agreed_level,
    save_answer,
)
from portal.models import Organisation, User
from portfolio.models import Initiative

YEAR = 2025
AGREED_LEVEL = 1
REASONING = (
    "Strategien er vedtatt, og portalen er tatt i bruk som arena for nye idéer. Lederne er "
    "enige om at kommunen i 2025 står på «Vente å se»: de fleste initiativene tar i bruk "
    "løsninger andre har prøvd ut, og porteføljestyringen er så vidt i gang. Nøkkeltallene "
    "viser de første nyttiggjorte innovasjonene, men ikke nok til å si at vi bidrar aktivt "
    "ennå. Målet for 2026–27 er «Bidragsyter»."
)
# The respondents' levels per dimension (by order), with a comment: one leader sees
# «Samarbeid og gjenbruk» a step further, so the summary has a spread to show.
ANSWERS = {
    "leder@nittedal.example": (
        [1, 1, 1, 1, 1, 1],
        "Vi har kommet i gang, men praksisen er ikke etablert i hele kommunen.",
    ),
    "admin@nittedal.example": (
        [1, 1, 1, 2, 1, 1],
        "Godt grunnlag fra strategiarbeidet; gjenbruken fra DigiViken er allerede i drift.",
    ),
}


def _evidence(
    criterion: MaturityCriterion, initiative: Initiative | None, kpi: Kpi | None
) -> TickInput | None:
    if criterion.evidence == EvidenceKind.DECISION:
        return TickInput(
            criterion=criterion,
            case_number="2025/45",
            url="https://www.nittedal.kommune.no/politikk/innovasjonsstrategi-2025-2029/",
        )
    if criterion.evidence == EvidenceKind.DOCUMENT:
        return TickInput(
            criterion=criterion,
            document="Referat fra ledergruppen 4. mars 2025",
            url="https://www.nittedal.kommune.no/innovasjon/",
        )
    if criterion.evidence == EvidenceKind.INITIATIVE:
        return TickInput(criterion=criterion, initiative=initiative) if initiative else None
    return TickInput(criterion=criterion, kpi=kpi) if kpi else None


def seed_assessment(organisation: Organisation, users: dict[str, User]) -> bool:
    """Answer and agree 2025 unless it is agreed already; True when this run agreed it."""
    if agreed_level(organisation=organisation, year=YEAR) is not None:
        return False
    leader = users["leder@nittedal.example"]
    assessment, _created = open_assessment(organisation=organisation, actor=leader, year=YEAR)
    levels = {
        level.level: level for level in MaturityLevel.objects.filter(organisation=organisation)
    }
    initiative = (
        Initiative.objects.for_organisation(organisation).select_related("idea").order_by("pk")
    ).first()
    kpi = Kpi.objects.filter(organisation=organisation).order_by("order", "pk").first()
    dimensions = list(MaturityDimension.objects.filter(organisation=organisation, is_active=True))
    for email, (answer_levels, comment) in ANSWERS.items():
        respondent = users[email]
        for dimension, level in zip(dimensions, answer_levels, strict=False):
            if own_answer(assessment=assessment, dimension=dimension, respondent=respondent):
                continue
            # The practices of the levels reached are in place, each with its evidence.
            ticks = [
                tick
                for criterion in dimension.criteria.select_related("level")
                if criterion.level.level <= level
                and (tick := _evidence(criterion, initiative, kpi)) is not None
            ]
            save_answer(
                assessment=assessment,
                dimension=dimension,
                actor=respondent,
                level=levels[level],
                comment=comment,
                ticks=ticks,
                expected_version=0,
            )
    record_agreed_level(
        assessment=assessment,
        actor=leader,
        level=levels[AGREED_LEVEL],
        reasoning=REASONING,
        expected_version=0,
    )
    return True
