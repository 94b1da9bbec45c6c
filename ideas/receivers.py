"""Give every new organisation the innovation types, strategic and sustainability goals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ideas.defaults import INNOVATION_TYPES, STRATEGIC_GOALS, SUSTAINABILITY_GOALS
from ideas.models import InnovationType, StrategicGoal, SustainabilityGoal
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
    for sdg in SUSTAINABILITY_GOALS:
        SustainabilityGoal.objects.get_or_create(
            organisation=organisation, number=sdg["number"], defaults={"title": sdg["title"]}
        )
