"""Give every new organisation the 2025–2029 strategy as its starting model: the staircase,
the periods with their targets and measures, the dimensions with criteria and the KPIs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.dispatch import receiver

from maturity.defaults import DIMENSIONS, KPIS, PERIODS, STAIRCASE
from maturity.models import (
    EvidenceKind,
    Kpi,
    KpiUnit,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategicMeasure,
    StrategyPeriod,
)
from portal.models import Organisation
from portal.signals import organisation_created


@receiver(organisation_created)
def create_maturity_defaults(sender: type, organisation: Organisation, **kwargs: Any) -> None:
    create_strategy(organisation)


def create_strategy(organisation: Organisation) -> None:
    """Safe to run again: what exists (by level, years, name or metric) is left as it is."""
    levels = {}
    for item in STAIRCASE:
        levels[item["level"]], _ = MaturityLevel.objects.get_or_create(
            organisation=organisation,
            level=item["level"],
            defaults={
                "name": item["name"],
                "stance": item["stance"],
                "description": item["description"],
            },
        )
    periods = {}
    for data in PERIODS:
        period, _ = StrategyPeriod.objects.get_or_create(
            organisation=organisation,
            start_year=data["start_year"],
            end_year=data["end_year"],
            defaults={
                "target_level": levels[data["target_level"]],
                "description": data["description"],
            },
        )
        periods[(period.start_year, period.end_year)] = period
        for order, text in enumerate(data["measures"], start=1):
            StrategicMeasure.objects.get_or_create(
                organisation=organisation,
                period=period,
                text=text,
                defaults={"order": order, "due_date": date(period.end_year, 12, 31)},
            )
    for order, dimension_data in enumerate(DIMENSIONS, start=1):
        dimension, created = MaturityDimension.objects.get_or_create(
            organisation=organisation,
            name=dimension_data["name"],
            defaults={"order": order, "description": dimension_data["description"]},
        )
        if created:
            MaturityCriterion.objects.bulk_create(
                MaturityCriterion(
                    dimension=dimension,
                    level=levels[criterion["level"]],
                    order=index,
                    practice=criterion["practice"],
                    evidence=EvidenceKind(criterion["evidence"]),
                    guidance=criterion["guidance"],
                )
                for index, criterion in enumerate(dimension_data["criteria"], start=1)
            )
    for order, kpi in enumerate(KPIS, start=1):
        lookup: dict[str, Any] = (
            {"metric": kpi["metric"]} if kpi["metric"] else {"metric": "", "name": kpi["name"]}
        )
        Kpi.objects.get_or_create(
            organisation=organisation,
            **lookup,
            defaults={
                "order": order,
                "name": kpi["name"],
                "definition": kpi["definition"],
                "unit": KpiUnit(kpi["unit"]),
                "target": Decimal(kpi["target"]) if kpi["target"] is not None else None,
                "higher_is_better": kpi["higher_is_better"],
                "period": periods.get(kpi["period"]) if kpi["period"] else None,
            },
        )
