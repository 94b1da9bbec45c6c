from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Portefølje")

    def ready(self) -> None:
        from portal.events import register_actions
        from portal.privacy import register_personal_data
        from portal.signals import PHASE_TEMPLATES
        from portfolio import privacy, receivers  # noqa: F401  (connects the signal receivers)
        from portfolio.events import PortfolioAction, placeholders
        from portfolio.models import PhaseTemplate

        register_actions(PortfolioAction, placeholders)  # the history's sentences
        register_personal_data("portfolio", privacy.export)  # the person's download
        PHASE_TEMPLATES.update(PhaseTemplate.choices)  # offered by the operator's forms
