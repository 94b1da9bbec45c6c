"""Give every new organisation the 2025–2029 maturity staircase and its measures."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from maturity.defaults import STAIRCASE, STRATEGIC_MEASURES
from maturity.models import MaturityLevel, StrategicMeasure
from portal.models import Organisation
from portal.signals import organisation_created


@receiver(organisation_created)
def create_maturity_defaults(sender: type, organisation: Organisation, **kwargs: Any) -> None:
    levels = {}
    for item in STAIRCASE:
        levels[item["level"]], _ = MaturityLevel.objects.get_or_create(
            organisation=organisation,
            level=item["level"],
            defaults={
                "name": item["name"],
                "stance": item["stance"],
                "description": item["description"],
                "period_start": item["period_start"],
                "period_end": item["period_end"],
            },
        )
    for measure in STRATEGIC_MEASURES:
        StrategicMeasure.objects.get_or_create(
            organisation=organisation,
            level=levels[measure["level"]],
            text=measure["text"],
            defaults={"period": measure["period"], "order": measure["order"]},
        )
