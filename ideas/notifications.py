"""Telling the submitter and the followers of an idea what happened to it, by email.

Each person chooses (User.email_frequency) between a mail at once, a daily digest and
nothing. A notification is a row first, and the row is the mail's outbox: the mail is
sent by a task (ideas.tasks, ideas.emails) that claims, sends and stamps `sent_at`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.text import Truncator

from ideas.models import Follow, Idea, Notification
from ideas.tasks import send_notification_email
from portal.celery import enqueue_on_commit
from portal.models import EmailFrequency, User

MESSAGE_MAX_LENGTH = 500  # Notification.message


def notify_followers(*, idea: Idea, actor: User | None, message: str) -> None:
    """Record `message` for the submitter and every follower, and mail the «immediate» ones.

    The actor is not told about their own doing, and people who chose «never» get nothing.
    Mails are queued after the commit, so a rolled-back change sends nothing; a broker
    that is down leaves the rows for the outbox sweep instead of failing the request.
    """
    followers = Follow.objects.filter(idea=idea).values("user_id")
    recipients = (
        User.objects.filter(Q(pk=idea.submitter_id) | Q(pk__in=followers), is_active=True)
        .exclude(email_frequency=EmailFrequency.NEVER)
        .order_by("pk")
    )
    if actor is not None:
        recipients = recipients.exclude(pk=actor.pk)
    text = Truncator(message).chars(MESSAGE_MAX_LENGTH)
    for recipient in recipients:
        notification = Notification.objects.create(recipient=recipient, idea=idea, message=text)
        if recipient.email_frequency == EmailFrequency.IMMEDIATE:
            enqueue_on_commit(send_notification_email, notification.pk)
