"""Background work for ideas: the mails of ideas.emails, and the sweep of their outbox.

Each task fetches, calls one function in ideas.emails and returns what it did. Sending
retries with exponential backoff (1, 2, 4, 8, 16 s) on mail server and connection
errors; what is still unsent after that is queued again by `requeue_unsent_mail`.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from ideas import emails
from portal.mail import MAIL_TASK


@shared_task(**MAIL_TASK)
def notify_board_of_new_idea(idea_id: int) -> int:
    """Email the portfolio board about a new idea in the inbox; returns mails sent.

    At least once, never twice while a claim holds: the idea is claimed for
    emails.lease() (3 min), mailed, then stamped `board_notified_at`. A redelivered or
    repeated task sends nothing once it is stamped. A worker killed after the mail server
    accepted the mail but before the stamp sends it again once the lease has run out.
    """
    return emails.send_board_mail(idea_id=idea_id)


@shared_task(**MAIL_TASK)
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification to someone who wants mail at once; returns whether it was sent.

    The same guarantee as notify_board_of_new_idea: claimed, sent, stamped `sent_at`;
    sent again only if a worker died between the mail server's accept and the stamp, and
    then only after the lease (3 min).
    """
    return emails.send_notification(notification_id=notification_id)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Beat task (06:30): one digest task per «daily» person with unsent notifications."""
    recipient_ids = emails.daily_digest_recipients()
    for recipient_id in recipient_ids:
        send_digest.delay(recipient_id)
    return len(recipient_ids)


@shared_task(**MAIL_TASK)
def send_digest(recipient_id: int) -> int:
    """Mail one person all their unsent notifications at once; returns how many.

    Claimed, sent and stamped like send_notification_email, with the same guarantee.
    """
    return emails.send_digest(recipient_id=recipient_id)


@shared_task(acks_late=True)
def requeue_unsent_mail() -> int:
    """Beat task (every minute): queue again every outbox row that should have been sent
    by now (its task was never queued because Redis was down, or it failed or died);
    returns how many tasks it queued. A row queued twice is still sent once: the claim
    decides."""
    unsent = emails.unsent_mail(now=timezone.now())
    for idea_id in unsent.board_mail_ideas:
        notify_board_of_new_idea.delay(idea_id)
    for notification_id in unsent.notifications:
        send_notification_email.delay(notification_id)
    for recipient_id in unsent.digest_recipients:
        send_digest.delay(recipient_id)
    return len(unsent.board_mail_ideas) + len(unsent.notifications) + len(unsent.digest_recipients)
