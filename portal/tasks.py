"""Background work of the core: invitation mails, and the sweep of their outbox.

Thin tasks, as ideas.tasks: fetch, call one function in portal.invitations, return.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from portal import invitations
from portal.mail import MAIL_TASK


@shared_task(**MAIL_TASK)
def send_invitation_mail(invitation_id: int) -> bool:
    """Mail one invitation; claimed, sent, stamped `sent_at` (at least once, never twice
    while a claim holds). A retry or a redelivery sends nothing once it is stamped."""
    return invitations.send_invitation(invitation_id=invitation_id)


@shared_task(acks_late=True)
def requeue_unsent_invitations() -> int:
    """Beat task (every minute): queue again every invitation mail that should have gone
    by now (Redis was down when it was written, or the mail server refused past the
    retries); returns how many it queued."""
    unsent = invitations.unsent_invitations(now=timezone.now())
    for invitation_id in unsent:
        send_invitation_mail.delay(invitation_id)
    return len(unsent)
