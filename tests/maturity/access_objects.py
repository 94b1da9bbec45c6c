"""The strategy's objects the access table's URLs name (tests/portal/test_access.py)."""

from __future__ import annotations

from django.db.models import Model

from ideas.models import Idea
from maturity.models import (
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategicMeasure,
    StrategyPeriod,
    StrategyReport,
)
from maturity.services.reports import claim_report, fail_report, make_report, request_report

MODEL_OBJECTS: dict[str, type[Model]] = {
    "measure": StrategicMeasure,
    "level": MaturityLevel,
    "period": StrategyPeriod,
    "dimension": MaturityDimension,
}


def model_object_pk(idea: Idea, kind: str) -> int:
    """The first seeded measure, level, period, dimension or criterion of the idea's
    organisation (every organisation starts with the strategy's model)."""
    if kind == "criterion":
        criterion = (
            MaturityCriterion.objects.filter(dimension__organisation=idea.organisation)
            .order_by("pk")
            .first()
        )
        assert criterion is not None
        return criterion.pk
    found = (
        MODEL_OBJECTS[kind]
        ._default_manager.filter(organisation=idea.organisation)
        .order_by("pk")
        .first()
    )
    assert found is not None
    return int(found.pk)


def new_criterion(idea: Idea) -> dict[str, object]:
    level = MaturityLevel.objects.get(organisation=idea.organisation, level=1)
    return {"nytt-level": level.pk, "nytt-practice": "Ny praksis", "nytt-evidence": "document"}


def strategy_report(idea: Idea, *, failed: bool = False) -> StrategyReport:
    """A finished report (both files stored) of the idea's organisation, or a failed one;
    made once per test."""
    organisation = idea.organisation
    year = 2024 if failed else 2025
    existing = StrategyReport.objects.filter(organisation=organisation, year=year).first()
    if existing:
        return existing
    report = request_report(organisation=organisation, actor=idea.submitter, year=year)
    if failed:
        task_id = "access-table"
        claim_report(report_id=report.pk, task_id=task_id)
        fail_report(report_id=report.pk, task_id=task_id, error="Rapporten kunne ikke lages.")
    else:
        make_report(report_id=report.pk, task_id="access-table")
    report.refresh_from_db()
    return report
