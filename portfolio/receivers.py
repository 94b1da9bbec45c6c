"""Give every new organisation the KS Veikart phases."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from portal.models import Organisation
from portal.signals import organisation_created
from portfolio.models import PortfolioSettings
from portfolio.services.phases import apply_phase_template


@receiver(organisation_created)
def create_portfolio_defaults(sender: type, organisation: Organisation, **kwargs: Any) -> None:
    PortfolioSettings.objects.get_or_create(organisation=organisation)
    apply_phase_template(organisation=organisation, template="ks_veikart")
