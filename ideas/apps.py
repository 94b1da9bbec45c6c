from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Idéer")

    def ready(self) -> None:
        from ideas import receivers  # noqa: F401  (connects the signal receivers)
        from ideas.events import IdeaAction, placeholders
        from ideas.privacy import erase, export
        from portal.events import register_actions
        from portal.privacy import register_personal_data

        register_actions(IdeaAction, placeholders)  # the history's sentences
        register_personal_data("ideas", export, erase)  # the download and the erasure
