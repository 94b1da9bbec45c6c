"""Background work for the portfolio: reminding owners of what is due (Celery beat, email).

Every morning `send_due_reminders` finds, per organisation, the pådrivere of active
initiatives without a recent published status report and the owners of benefits not
measured as often as planned (portfolio.selectors.reminders), and queues one
`send_reminders` per person. That task calls portfolio.services.reminders, which mails the
person once and records a `reminder.sent` event per thing named, so nobody gets the same
reminder twice on one day, even if the task is redelivered (acks_late) or beat fires twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from portal.mail import MAIL_TASK
from portal.models import Organisation, User
from portfolio.selectors.reminders import due_reminders
from portfolio.services import reminders


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Beat task (07:00 Oslo time): one `send_reminders` per person with something due in an
    organisation; returns how many were queued."""
    now = timezone.now()
    queued = 0
    for organisation in Organisation.objects.order_by("pk"):
        for user_id in sorted(due_reminders(organisation, now)):
            send_reminders.delay(organisation.pk, user_id)
            queued += 1
    return queued


@shared_task(**MAIL_TASK)
def send_reminders(organisation_id: int, user_id: int) -> int:
    """Mail one person what is due in one organisation; returns how many things it names.
    Retried with backoff when the mail server fails; idempotent per day (see the service)."""
    recipient = User.objects.filter(pk=user_id, is_active=True).first()
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if recipient is None or organisation is None:
        return 0
    return reminders.send_reminders(
        organisation=organisation, recipient=recipient, now=timezone.now()
    )
