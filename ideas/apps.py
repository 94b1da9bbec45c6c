from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Idéer")

    def ready(self) -> None:
        from ideas import receivers  # noqa: F401  (connects the signal receivers)
        from ideas.events import IdeaAction, placeholders
        from portal.events import register_actions

        register_actions(IdeaAction, placeholders)  # the history's sentences
