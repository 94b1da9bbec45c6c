"""Give every new organisation the innovation types and strategic goals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ideas.defaults import INNOVATION_TYPES, STRATEGIC_GOALS
from ideas.models import InnovationType, StrategicGoal
from portal.models import Organisation
from portal.signals import organisation_created


@receiver(organisation_created)
def create_idea_defaults(sender: type, organisation: Organisation, **kwargs: Any) -> None:
    for order, item in enumerate(INNOVATION_TYPES, start=1):
        InnovationType.objects.get_or_create(
            organisation=organisation,
            code=item["code"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "aim": item["aim"],
                "order": order,
            },
        )
    for goal in STRATEGIC_GOALS:
        StrategicGoal.objects.get_or_create(
            organisation=organisation,
            title=goal["title"],
            defaults={"order": goal["order"], "description": goal["description"]},
        )
