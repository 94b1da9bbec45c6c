"""Reminders of due status reports and benefit measurements."""

from __future__ import annotations

from typing import Literal

from django.db import transaction

from portal.events import record_event
from portal.models import Organisation, User
from portfolio.events import PortfolioAction
from portfolio.models import (
    Benefit,
    Initiative,
)


@transaction.atomic
def record_reminder_sent(
    *,
    organisation: Organisation,
    recipient: User,
    subject: Initiative | Benefit,
    kind: Literal["status", "measurement"],
) -> None:
    """Note that `recipient` has been reminded about `subject` today; portfolio.tasks reads
    these events so that a reminder goes out at most once a day."""
    record_event(
        organisation=organisation,
        actor=None,
        action=PortfolioAction.REMINDER_SENT,  # selectors.reminded_today reads it
        subject=subject,
        after={"kind": kind, "recipient": recipient.pk, "email": recipient.email},
    )
