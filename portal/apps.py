from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import checks, sessions  # noqa: F401  # registers the checks, the login stamp
        from portal.events import register_actions
        from portal.identity import IdentityAction

        register_actions(IdentityAction, None)  # the history's sentences
