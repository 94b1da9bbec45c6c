"""Give every new organisation the KS Veikart phases."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from portal.models import Organisation, User
from portal.signals import organisation_created, phase_template_chosen
from portfolio.models import PortfolioSettings
from portfolio.services.phases import apply_phase_template, switch_phase_template


@receiver(organisation_created)
def create_portfolio_defaults(sender: type, organisation: Organisation, **kwargs: Any) -> None:
    """The chosen phase template's phases (KS Veikart unless the operator chose another)."""
    template = kwargs.get("phase_template") or "ks_veikart"
    settings, created = PortfolioSettings.objects.get_or_create(
        organisation=organisation, defaults={"phase_template": template}
    )
    apply_phase_template(organisation=organisation, template=settings.phase_template)


@receiver(phase_template_chosen)
def switch_template(
    sender: type, organisation: Organisation, actor: User, phase_template: str, **kwargs: Any
) -> None:
    settings = PortfolioSettings.objects.get(organisation=organisation)
    if settings.phase_template != phase_template:
        switch_phase_template(organisation=organisation, actor=actor, template=phase_template)
