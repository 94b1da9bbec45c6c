"""Editing an initiative's own facts: the municipality's role in it (a staircase level) and
whether the solution is shared with others (KS Innovasjonsbarometeret's «spredt til andre»)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.concurrency import lock_at_version, save_new_version
from portal.events import record_change
from portal.models import User
from portfolio.events import PortfolioAction
from portfolio.models import Initiative, MunicipalRole

INITIATIVE_FIELDS = ("role", "shared_with_others", "shared_with")


def _state(initiative: Initiative) -> dict[str, Any]:
    return {name: getattr(initiative, name) for name in INITIATIVE_FIELDS}


@transaction.atomic
def update_initiative(
    *,
    initiative: Initiative,
    actor: User,
    expected_version: int,
    role: MunicipalRole,
    shared_with_others: bool,
    shared_with: str,
) -> Initiative:
    """Save the role and sharing if nobody changed the initiative (or moved its card) since
    `expected_version`; else StaleVersion. Not shared means nobody to name."""
    current = lock_at_version(Initiative.objects.all(), pk=initiative.pk, expected=expected_version)
    before = _state(current)
    current.role = MunicipalRole(role)
    current.shared_with_others = shared_with_others
    current.shared_with = shared_with.strip() if shared_with_others else ""
    after = _state(current)
    if after != before:
        save_new_version(current, update_fields=list(INITIATIVE_FIELDS))
    record_change(
        before=before,
        after=after,
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.INITIATIVE_EDITED,
        subject=current,
    )
    return current
