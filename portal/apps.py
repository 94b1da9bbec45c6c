from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import checks, logs, members, sessions  # noqa: F401  # checks, stamp, logs, index
        from portal.actions import PortalAction
        from portal.events import register_actions
        from portal.identity import IdentityAction

        register_actions(PortalAction, None)  # the history's sentences
        register_actions(IdentityAction, None)
