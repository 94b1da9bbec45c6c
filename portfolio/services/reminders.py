"""Reminders of due status reports and benefit measurements, at most once a day each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from portal.events import record_event
from portal.mail import send_templated
from portal.models import Organisation, User
from portfolio.events import PortfolioAction
from portfolio.models import (
    Benefit,
    Initiative,
)
from portfolio.selectors.reminders import due_reminders, reminded_today


@transaction.atomic
def record_reminder_sent(
    *,
    organisation: Organisation,
    recipient: User,
    subject: Initiative | Benefit,
    kind: Literal["status", "measurement"],
) -> None:
    """Note that `recipient` has been reminded about `subject` today; send_reminders reads
    these events so that a reminder goes out at most once a day."""
    record_event(
        organisation=organisation,
        actor=None,
        action=PortfolioAction.REMINDER_SENT,  # selectors.reminded_today reads it
        subject=subject,
        after={"kind": kind, "recipient": recipient.pk, "email": recipient.email},
    )


def _subject_key(subject: models.Model) -> tuple[str, int]:
    return (subject._meta.label_lower, subject.pk)


def _url(name: str, pk: int) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[pk])}"


def _local_date(value: date | datetime | None) -> date | None:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def reminder_context(
    recipient: User, initiatives: list[Initiative], benefits: list[Benefit], *, every_days: int
) -> dict[str, Any]:
    """What templates/emails/portfolio/reminder_*.txt name, with dates in Oslo time."""
    return {
        "name": recipient.first_name or recipient.email,
        "every_days": every_days,
        "count": len(initiatives) + len(benefits),
        "status_reports": [
            {
                "title": initiative.idea.title,
                "last_published": _local_date(getattr(initiative, "last_published", None)),
                "url": _url("portfolio:status_new", initiative.pk),
            }
            for initiative in initiatives
        ],
        "measurements": [
            {
                "description": benefit.description,
                "title": benefit.initiative.idea.title,
                "every_days": benefit.measure_every_days,
                "last_measured": _local_date(getattr(benefit, "last_measured", None)),
                "url": _url("portfolio:initiative", benefit.initiative_id),
            }
            for benefit in benefits
        ],
    }


@transaction.atomic
def send_reminders(*, organisation: Organisation, recipient: User, now: datetime) -> int:
    """Mail `recipient` what is due in `organisation` and not reminded of today; returns how
    many things the mail names.

    Once a day: the person's row is locked, and the mail is sent and its `reminder.sent`
    events recorded in this one transaction, so a mail that fails records nothing and a
    second run the same day (beat twice, a redelivered task) finds everything done. A
    worker killed after the mail server accepted but before the commit mails it again.
    """
    User.objects.select_for_update().filter(pk=recipient.pk).first()
    due = due_reminders(organisation, now, recipient).get(recipient.pk)
    if due is None:
        return 0
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    done = reminded_today(recipient=recipient, since=start_of_day)
    initiatives = [i for i in due.status_reports if _subject_key(i) not in done]
    benefits = [b for b in due.measurements if _subject_key(b) not in done]
    if not initiatives and not benefits:
        return 0
    send_templated(
        name="portfolio/reminder",
        to=[recipient.email],
        context=reminder_context(recipient, initiatives, benefits, every_days=due.every_days),
    )
    for initiative in initiatives:
        record_reminder_sent(
            organisation=organisation, recipient=recipient, subject=initiative, kind="status"
        )
    for benefit in benefits:
        record_reminder_sent(
            organisation=organisation, recipient=recipient, subject=benefit, kind="measurement"
        )
    return len(initiatives) + len(benefits)
