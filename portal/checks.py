"""System checks for settings whose values depend on each other."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from portal.mail import MAIL_TASK_TIME_LIMIT


@register()
def mail_lease_outlasts_a_mail_task(**kwargs: Any) -> list[Error]:
    """A claim that ran out under a worker still sending would let a second one send too."""
    if settings.MAIL_LEASE_SECONDS > MAIL_TASK_TIME_LIMIT:
        return []
    return [
        Error(
            f"MAIL_LEASE_SECONDS ({settings.MAIL_LEASE_SECONDS}) must be longer than a mail "
            f"task may run ({MAIL_TASK_TIME_LIMIT} s).",
            id="nyttig.E001",
        )
    ]
