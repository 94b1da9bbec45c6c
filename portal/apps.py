from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import checks, members, sessions  # noqa: F401  # checks, login stamp, index
        from portal.events import PortalAction, register_actions

        register_actions(PortalAction, None)
