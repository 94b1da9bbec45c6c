"""Telling the submitter and the followers of an idea what happened to it, by email.

Each person chooses (User.email_frequency) between a mail at once, a daily digest and
nothing. A notification is a row first; the mail is sent by a task (ideas.tasks) that
stamps `sent_at`, so a redelivered task never mails twice.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas.models import Follow, Idea, Notification
from portal.models import User

IMMEDIATE = "immediate"
DAILY = "daily"
NEVER = "never"
MESSAGE_MAX_LENGTH = 500  # Notification.message


def notify_followers(*, idea: Idea, actor: User | None, message: str) -> None:
    """Record `message` for the submitter and every follower, and mail the «immediate» ones.

    The actor is not told about their own doing, and people who chose «never» get nothing.
    Mails are queued after the commit, so a rolled-back change sends nothing.
    """
    followers = Follow.objects.filter(idea=idea).values("user_id")
    recipients = (
        User.objects.filter(Q(pk=idea.submitter_id) | Q(pk__in=followers), is_active=True)
        .exclude(email_frequency=NEVER)
        .order_by("pk")
    )
    if actor is not None:
        recipients = recipients.exclude(pk=actor.pk)
    text = Truncator(message).chars(MESSAGE_MAX_LENGTH)
    from ideas.tasks import send_notification_email  # tasks import this module

    for recipient in recipients:
        notification = Notification.objects.create(recipient=recipient, idea=idea, message=text)
        if recipient.email_frequency == IMMEDIATE:
            transaction.on_commit(partial(send_notification_email.delay, notification.pk))


def idea_url(idea: Idea) -> str:
    return f"{settings.SITE_URL}{idea.get_absolute_url()}"


def settings_url() -> str:
    return f"{settings.SITE_URL}{reverse('notification_settings')}"


def _footer() -> str:
    return _(
        "Du får denne e-posten fordi du har meldt inn eller følger idéen.\n"
        "Velg om du vil ha e-post med en gang, et daglig sammendrag eller ingen e-post: %(url)s\n"
    ) % {"url": settings_url()}


def send_notification_mail(notification: Notification) -> None:
    """One notification, mailed on its own."""
    idea = notification.idea
    body = _("Hei!\n\n%(message)s\n\nLes idéen: %(url)s\n\n") % {
        "message": notification.message,
        "url": idea_url(idea),
    }
    send_mail(
        subject=_("Nytt om idéen «%(title)s»") % {"title": idea.title},
        message=body + _footer(),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )


def send_digest_mail(recipient: User, notifications: list[Notification]) -> None:
    """All of one person's unsent notifications in one mail, grouped by idea."""
    by_idea: dict[int, list[Notification]] = {}
    for notification in notifications:
        by_idea.setdefault(notification.idea_id, []).append(notification)
    sections = []
    for group in by_idea.values():
        idea = group[0].idea
        lines = "\n".join(f"– {n.message}" for n in group)
        sections.append(f"«{idea.title}»\n{lines}\n{_('Les idéen')}: {idea_url(idea)}\n")
    count = len(notifications)
    send_mail(
        subject=ngettext(
            "Daglig sammendrag fra Nyttig: %(count)d nytt varsel",
            "Daglig sammendrag fra Nyttig: %(count)d nye varsler",
            count,
        )
        % {"count": count},
        message=_("Hei!\n\nDette har skjedd med idéer du følger:\n\n")
        + "\n".join(sections)
        + "\n"
        + _footer(),
        from_email=None,
        recipient_list=[recipient.email],
    )
