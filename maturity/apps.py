from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = _("Modenhet")

    def ready(self) -> None:
        from maturity import privacy, receivers  # noqa: F401  (connects the signal receivers)
        from maturity.events import MaturityAction, placeholders
        from portal.events import register_actions
        from portal.privacy import register_personal_data

        register_actions(MaturityAction, placeholders)  # the history's sentences
        register_personal_data("maturity", privacy.export)  # the person's download
        from maturity.selectors.staircase import organisation_role_levels
        from portfolio.roles import register_role_levels

        register_role_levels(organisation_role_levels)
