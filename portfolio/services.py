"""Writes to the portfolio."""

from __future__ import annotations

from typing import Literal

from django.db import transaction

from portal.models import Organisation
from portfolio.defaults import DIGDIR_PHASES, KS_VEIKART_PHASES
from portfolio.models import ChecklistItem, Phase

PhaseTemplate = Literal["ks_veikart", "digdir"]
TEMPLATES = {"ks_veikart": KS_VEIKART_PHASES, "digdir": DIGDIR_PHASES}


@transaction.atomic
def apply_phase_template(*, organisation: Organisation, template: PhaseTemplate) -> list[Phase]:
    """Create the template's phases and checklists that the organisation lacks (by name)."""
    phases = []
    for item in TEMPLATES[template]:
        phase, created = Phase.objects.get_or_create(
            organisation=organisation,
            name=item["name"],
            defaults={
                "order": item["order"],
                "kind": item["kind"],
                "description": item["description"],
                "key_questions": list(item["key_questions"]),
            },
        )
        if created:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(phase=phase, order=order, text=text)
                for order, text in enumerate(item["checklist"], start=1)
            )
        phases.append(phase)
    return phases
