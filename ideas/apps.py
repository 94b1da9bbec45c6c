from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Idéer")

    def ready(self) -> None:
        from ideas import receivers  # noqa: F401  (connects the signal receivers)
