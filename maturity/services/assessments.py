"""The yearly assessment: opening a year, each leader's answer per dimension, and the agreed
level the leader group records (a record: changing it adds a version).

Every write locks the assessment row first (`portal.concurrency.lock_row`), so answers and
agreements of one year are serialised: two leaders agreeing at once cannot both write
version 1, and nobody answers into a year that was agreed a moment ago.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maturity.events import MaturityAction
from maturity.models import (
    AgreedLevel,
    CriterionTick,
    DimensionAnswer,
    Kpi,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    YearlyAssessment,
)
from maturity.selectors.assessments import indicator_snapshot
from portal.concurrency import lock_at_version, lock_row, save_new_version
from portal.events import record_change, record_event
from portal.models import Organisation, User
from portfolio.models import Initiative


class AssessmentAgreed(Exception):  # noqa: N818 - a state, like StatusReportPublished
    """The year's level is agreed: its answers are a record and are not changed."""


class AgreementChanged(Exception):  # noqa: N818 - the caller has a stale view of the record
    """Someone recorded an agreed level since the form was loaded; nothing was written.
    `latest` is the version as it is now (None: none yet, though the form said otherwise)."""

    def __init__(self, latest: AgreedLevel | None) -> None:
        super().__init__(f"The latest agreed version is {latest.version if latest else 0}.")
        self.latest = latest


class EvidenceMissing(Exception):  # noqa: N818 - what the ticks lack
    """Ticks without the evidence their criteria need: messages by criterion and field."""

    def __init__(self, errors: dict[int, dict[str, str]]) -> None:
        super().__init__(f"Evidence missing for criteria {sorted(errors)}.")
        self.errors = errors


@dataclass(frozen=True)
class TickInput:
    """A practice ticked as in place, with the evidence the leader gave for it."""

    criterion: MaturityCriterion
    url: str = ""
    document: str = ""
    case_number: str = ""
    initiative: Initiative | None = None
    kpi: Kpi | None = None
    note: str = ""


def _lock(assessment: YearlyAssessment) -> YearlyAssessment:
    return lock_row(YearlyAssessment.objects.all(), pk=assessment.pk)


@transaction.atomic
def open_assessment(
    *, organisation: Organisation, actor: User, year: int
) -> tuple[YearlyAssessment, bool]:
    """The year's assessment, opened now if it was not (then True). Opening it again, or
    two leaders opening the same year at once, give the same one: the unique constraint
    decides, not a check that a concurrent request could pass too."""
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
            assessment = YearlyAssessment.objects.create(
                organisation=organisation, year=year, opened_by=actor
            )
    except IntegrityError:
        return YearlyAssessment.objects.get(organisation=organisation, year=year), False
    record_event(
        organisation=organisation,
        actor=actor,
        action=MaturityAction.ASSESSMENT_OPENED,
        subject=assessment,
        after={"year": year},
    )
    return assessment, True


def _tick_state(tick: CriterionTick) -> dict[str, Any]:
    return {
        "criterion": tick.criterion_id,
        "url": tick.url,
        "document": tick.document,
        "case_number": tick.case_number,
        "initiative": tick.initiative_id,
        "kpi": tick.kpi_id,
        "note": tick.note,
    }


def _answer_state(answer: DimensionAnswer, ticks: Sequence[CriterionTick]) -> dict[str, Any]:
    return {
        "level": answer.level_id,
        "comment": answer.comment,
        "ticks": sorted((_tick_state(t) for t in ticks), key=lambda t: t["criterion"]),
    }


def _ticks(
    *,
    assessment: YearlyAssessment,
    dimension: MaturityDimension,
    ticks: Sequence[TickInput],
) -> list[CriterionTick]:
    """Unsaved ticks with only the evidence their kind uses; EvidenceMissing if any lacks it."""
    organisation_id = assessment.organisation_id
    rows: list[CriterionTick] = []
    errors: dict[int, dict[str, str]] = {}
    seen: set[int] = set()
    for item in ticks:
        criterion = item.criterion
        if criterion.dimension_id != dimension.pk:
            raise ValueError("The criterion belongs to another dimension.")
        if criterion.pk in seen:
            raise ValueError("A criterion is ticked once.")
        seen.add(criterion.pk)
        uses = CriterionTick.EVIDENCE_FIELDS[criterion.evidence]
        initiative = item.initiative if "initiative" in uses else None
        kpi = item.kpi if "kpi" in uses else None
        # Scoping: evidence is the organisation's own, never another's by a posted id.
        if initiative is not None and initiative.organisation_id != organisation_id:
            raise ValueError("The initiative belongs to another organisation.")
        if kpi is not None and kpi.organisation_id != organisation_id:
            raise ValueError("The KPI belongs to another organisation.")
        tick = CriterionTick(
            criterion=criterion,
            url=item.url.strip() if "url" in uses else "",
            document=item.document.strip() if "document" in uses else "",
            case_number=item.case_number.strip() if "case_number" in uses else "",
            initiative=initiative,
            kpi=kpi,
            note=item.note.strip(),
        )
        problems = tick.evidence_errors(criterion.evidence)
        if problems:
            errors[criterion.pk] = problems
        rows.append(tick)
    if errors:
        raise EvidenceMissing(errors)
    return rows


@transaction.atomic
def save_answer(
    *,
    assessment: YearlyAssessment,
    dimension: MaturityDimension,
    actor: User,
    level: MaturityLevel,
    comment: str,
    ticks: Sequence[TickInput],
    expected_version: int,
) -> DimensionAnswer:
    """Save the actor's own answer for a dimension: the level reached, a comment and the
    practices in place with their evidence (the ticks replace the earlier ones).

    `expected_version` is the answer's version the form was loaded at, 0 for a first
    answer; an answer saved since (in another tab, say) raises StaleVersion. An agreed
    year raises AssessmentAgreed, ticks lacking evidence EvidenceMissing; nothing is saved.
    """
    locked = _lock(assessment)
    if AgreedLevel.objects.filter(assessment=locked).exists():
        raise AssessmentAgreed("The year is agreed.")
    if dimension.organisation_id != locked.organisation_id or not dimension.is_active:
        raise ValueError("The dimension is not an active one of the organisation.")
    if level.organisation_id != locked.organisation_id:
        raise ValueError("The level belongs to another organisation.")
    rows = _ticks(assessment=locked, dimension=dimension, ticks=ticks)
    existing = DimensionAnswer.objects.filter(
        assessment=locked, dimension=dimension, respondent=actor
    ).first()
    context = {"name": dimension.name, "year": locked.year, "dimension": dimension.pk}
    if existing is None:
        answer = DimensionAnswer(
            assessment=locked, dimension=dimension, respondent=actor, level=level, comment=comment
        )
        answer.full_clean()
        answer.save()
        for row in rows:
            row.answer = answer
        CriterionTick.objects.bulk_create(rows)
        record_event(
            organisation=locked.organisation,
            actor=actor,
            action=MaturityAction.ANSWER_SAVED,
            subject=locked,
            after={**context, **_answer_state(answer, rows), "level": level.name},
        )
        return answer
    answer = lock_at_version(
        DimensionAnswer.objects.all(), pk=existing.pk, expected=expected_version
    )
    before = _answer_state(answer, list(answer.ticks.all()))
    answer.level = level
    answer.comment = comment
    answer.full_clean()
    after = _answer_state(answer, rows)
    if after == before:  # a save that changes nothing keeps the version
        return answer
    answer.answered_at = timezone.now()
    save_new_version(answer)
    answer.ticks.all().delete()
    for row in rows:
        row.answer = answer
    CriterionTick.objects.bulk_create(rows)
    record_change(
        before=before,
        after=after,
        organisation=locked.organisation,
        actor=actor,
        action=MaturityAction.ANSWER_SAVED,
        subject=locked,
        context=context,
    )
    return answer


def level_text(level: MaturityLevel) -> str:
    """«1 «Vente å se»»: how the history sentences name a level."""
    return f"{level.level} «{level.name}»"


@transaction.atomic
def record_agreed_level(
    *,
    assessment: YearlyAssessment,
    actor: User,
    level: MaturityLevel,
    reasoning: str,
    expected_version: int,
    change_reason: str = "",
) -> AgreedLevel:
    """Record the level the leader group agreed for the year, with its reasoning, and the
    computed indicators as they stand (support beside the verdict).

    The first is version 1; a change is the next version and needs a reason; earlier
    versions stay as they were. `expected_version` is the latest version the form was
    loaded at (0: none yet); a version recorded since raises AgreementChanged.
    """
    locked = _lock(assessment)
    latest = AgreedLevel.objects.filter(assessment=locked).order_by("-version").first()
    current = latest.version if latest is not None else 0
    if expected_version != current:
        raise AgreementChanged(latest)
    if level.organisation_id != locked.organisation_id:
        raise ValueError("The level belongs to another organisation.")
    errors = {}
    if not reasoning.strip():
        errors["reasoning"] = _("Skriv begrunnelsen for nivået ledergruppen er enige om.")
    if latest is not None and not change_reason.strip():
        errors["change_reason"] = _("Skriv hvorfor det omforente nivået endres.")
    if errors:
        raise ValidationError(errors)
    agreed = AgreedLevel(
        assessment=locked,
        version=current + 1,
        level=level,
        reasoning=reasoning.strip(),
        change_reason=change_reason.strip() if latest is not None else "",
        agreed_by=actor,
        indicators=indicator_snapshot(organisation=locked.organisation, year=locked.year),
    )
    agreed.full_clean(validate_constraints=False)  # the lock above keeps versions unique
    agreed.save()
    record_event(
        organisation=locked.organisation,
        actor=actor,
        action=MaturityAction.LEVEL_AGREED if latest is None else MaturityAction.LEVEL_REVISED,
        subject=locked,
        after={
            "year": locked.year,
            "level": level_text(level),
            "version": agreed.version,
            "agreed_level": agreed.pk,
            **({"change_reason": agreed.change_reason} if latest is not None else {}),
        },
    )
    return agreed
