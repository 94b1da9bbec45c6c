"""Background work for ideas."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Idea, Notification
from ideas.notifications import DAILY, IMMEDIATE, send_digest_mail, send_notification_mail
from portal.models import Membership, Role


@shared_task(acks_late=True)
def notify_board_of_new_idea(idea_id: int) -> int:
    """Email the portfolio board about a new idea in the inbox; returns mails sent.

    Idempotent: the idea is stamped when the board has been told, so a redelivered
    task (acks_late) sends nothing twice.
    """
    with transaction.atomic():
        idea = (
            # No joins in the locking query: a concurrent edit of the unit would make
            # PostgreSQL drop the row on its re-check after the lock wait.
            Idea.objects.select_for_update()
            .filter(pk=idea_id, board_notified_at__isnull=True)
            .first()
        )
        if idea is None:
            return 0
        recipients = list(
            Membership.objects.filter(
                organisation=idea.organisation, role__in=[Role.BOARD, Role.ADMIN]
            )
            .values_list("user__email", flat=True)
            .order_by("user__email")
        )
        idea.board_notified_at = timezone.now()
        idea.save(update_fields=["board_notified_at"])
    if recipients:
        send_mail(
            subject=_("Ny idé til vurdering: %(title)s") % {"title": idea.title},
            message=_(
                "En ny idé venter i innboksen til porteføljestyret.\n\n"
                "%(question)s\n\nEnhet: %(unit)s\n\nLes idéen: %(url)s\n"
            )
            % {
                "question": idea.question,
                "unit": idea.unit.name if idea.unit else "–",
                "url": f"{settings.SITE_URL}{idea.get_absolute_url()}",
            },
            from_email=None,
            recipient_list=recipients,
        )
    return len(recipients)


@shared_task(acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification to someone who wants mail at once; returns whether it was sent.

    Idempotent: the row is locked and stamped in the transaction that sends it, so a
    redelivered task (acks_late) finds it sent. If the person has switched to the daily
    digest meanwhile, the digest takes it.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "idea")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None or notification.recipient.email_frequency != IMMEDIATE:
            return False
        send_notification_mail(notification)
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Beat task (06:30): one digest task per «daily» person with unsent notifications."""
    recipient_ids = list(
        Notification.objects.filter(sent_at__isnull=True, recipient__email_frequency=DAILY)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    for recipient_id in recipient_ids:
        send_digest.delay(recipient_id)
    return len(recipient_ids)


@shared_task(acks_late=True)
def send_digest(recipient_id: int) -> int:
    """Mail one person all their unsent notifications at once; returns how many.

    Idempotent like send_notification_email: locked, sent and stamped in one transaction.
    """
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "idea")
            .filter(recipient_id=recipient_id, sent_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not notifications or notifications[0].recipient.email_frequency != DAILY:
            return 0
        send_digest_mail(notifications[0].recipient, notifications)
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            sent_at=timezone.now()
        )
    return len(notifications)
