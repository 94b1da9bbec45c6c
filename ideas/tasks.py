"""Background work for ideas."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Idea
from portal.models import Membership, Role


@shared_task(acks_late=True)
def notify_board_of_new_idea(idea_id: int) -> int:
    """Email the portfolio board about a new idea in the inbox; returns mails sent.

    Idempotent: the idea is stamped when the board has been told, so a redelivered
    task (acks_late) sends nothing twice.
    """
    with transaction.atomic():
        idea = (
            Idea.objects.select_for_update()
            .select_related("organisation", "unit")
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
                "unit": idea.unit.name,
                "url": f"{settings.SITE_URL}{idea.get_absolute_url()}",
            },
            from_email=None,
            recipient_list=recipients,
        )
    return len(recipients)
