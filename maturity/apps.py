from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = _("Modenhet")

    def ready(self) -> None:
        from maturity import receivers  # noqa: F401  (connects the signal receivers)
        from maturity.selectors.staircase import organisation_role_levels
        from portfolio.roles import register_role_levels

        register_role_levels(organisation_role_levels)
