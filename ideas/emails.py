"""Mail about ideas: the board's new-idea mail, one notification at once, the daily digest.

Each mail has a row as its outbox (the idea's `board_notified_at`, the notification's
`sent_at`), and every send here follows the same three steps:

1. **Claim** the row(s) in a short transaction of their own: an UPDATE (or a
   `SELECT … FOR UPDATE SKIP LOCKED`) that sets a lease, `*_claimed_until = now + lease()`,
   only where the row is unsent and not claimed by a lease that still holds.
2. **Send** through portal.mail, with no transaction or row lock held while SMTP talks.
3. **Stamp** the row sent (and drop the lease). If sending raises, the lease is dropped
   at once so that the task's retry can claim the row again.

The guarantee is *at least once, and at most once per lease*: two workers never send the
same row while a lease holds, and a stamped row is never sent again. A worker killed after
the mail server accepted the mail but before the stamp leaves the row claimed and unsent;
when the lease has run out (`lease()`, MAIL_LEASE_SECONDS: 3 minutes) the sweep queues it
again and that mail is sent a second time. The lease is longer than the mail tasks' hard
time limit, so it never runs out under a worker that is still sending, and short, so that a
mail whose worker was killed goes out within minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, Notification
from portal.mail import send_templated
from portal.models import EmailFrequency, Membership, Role


def lease() -> timedelta:
    """How long a claim holds: longer than the mail tasks' hard time limit
    (portal.mail.MAIL_TASK_TIME_LIMIT, checked at start-up by portal.checks)."""
    return timedelta(seconds=settings.MAIL_LEASE_SECONDS)


# The sweep leaves rows younger than this to the task queued on commit.
SWEEP_AFTER = timedelta(minutes=1)
# ... and gives up on rows older than this: a week-old «new idea» mail is noise, not news.
SWEEP_HORIZON = timedelta(days=7)
# The beat schedule sends the daily digest at this local time (CELERY_BEAT_SCHEDULE).
DIGEST_AT = time(6, 30)


def idea_url(idea: Idea) -> str:
    return f"{settings.SITE_URL}{idea.get_absolute_url()}"


def settings_url() -> str:
    return f"{settings.SITE_URL}{reverse('notification_settings')}"


def _unclaimed(now: datetime, field: str = "claimed_until") -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})


# The board's new-idea mail ------------------------------------------------------------


def _claim_board_mail(idea_id: int, now: datetime) -> Idea | None:
    # A plain UPDATE, no joins: PostgreSQL re-checks the WHERE after waiting for a row
    # lock, so of two workers at once exactly one gets the row.
    claimed = (
        Idea.objects.filter(pk=idea_id, board_notified_at__isnull=True, submitted_at__isnull=False)
        .filter(_unclaimed(now, "board_mail_claimed_until"))
        .update(board_mail_claimed_until=now + lease())
    )
    if not claimed:
        return None
    return Idea.objects.select_related("unit").get(pk=idea_id)


def send_board_mail(*, idea_id: int) -> int:
    """Mail the portfolio board (and administrators) about a new idea; returns mails sent
    (recipients). Claim, send, stamp: see the module docstring for the guarantee."""
    idea = _claim_board_mail(idea_id, timezone.now())
    if idea is None:
        return 0
    recipients = list(
        Membership.objects.filter(organisation=idea.organisation, role__in=[Role.BOARD, Role.ADMIN])
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )
    try:
        if recipients:
            send_templated(
                name="ideas/new_idea",
                to=recipients,
                context={"idea": idea, "idea_url": idea_url(idea)},
            )
    except BaseException:
        Idea.objects.filter(pk=idea.pk).update(board_mail_claimed_until=None)
        raise
    Idea.objects.filter(pk=idea.pk).update(
        board_notified_at=timezone.now(), board_mail_claimed_until=None
    )
    return len(recipients)


# Notifications ------------------------------------------------------------------------


def _claim_notifications(rows: QuerySet[Notification], now: datetime) -> list[Notification]:
    """Lease the unsent, unclaimed rows of `rows`; rows another worker holds are skipped."""
    with transaction.atomic():
        claimed = list(
            rows.filter(sent_at__isnull=True)
            .filter(_unclaimed(now))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "idea")
            .order_by("created_at", "id")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(
            claimed_until=now + lease()
        )
    return claimed


def _stamp(notifications: list[Notification], *, sent: bool) -> None:
    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    if sent:
        rows.update(sent_at=timezone.now(), claimed_until=None)
    else:
        rows.update(claimed_until=None)


def send_notification(*, notification_id: int) -> bool:
    """Mail one notification to someone who wants mail at once; returns whether it was sent.

    If the person has switched to the daily digest meanwhile, the digest takes it; if to
    «never», it stays unsent. Claim, send, stamp: see the module docstring.
    """
    claimed = _claim_notifications(
        Notification.objects.filter(
            pk=notification_id,
            recipient__email_frequency=EmailFrequency.IMMEDIATE,
            recipient__is_active=True,
        ),
        timezone.now(),
    )
    if not claimed:
        return False
    [notification] = claimed
    try:
        send_templated(
            name="ideas/notification",
            to=[notification.recipient.email],
            context={
                "notification": notification,
                "idea_url": idea_url(notification.idea),
                "settings_url": settings_url(),
            },
        )
    except BaseException:
        _stamp(claimed, sent=False)
        raise
    _stamp(claimed, sent=True)
    return True


@dataclass
class DigestSection:
    idea: Idea
    url: str
    notifications: list[Notification]


def send_digest(*, recipient_id: int) -> int:
    """Mail one «daily» person all their unsent notifications at once, grouped by idea;
    returns how many it named. Claim, send, stamp: see the module docstring."""
    claimed = _claim_notifications(
        Notification.objects.filter(
            recipient_id=recipient_id,
            recipient__email_frequency=EmailFrequency.DAILY,
            recipient__is_active=True,
        ),
        timezone.now(),
    )
    if not claimed:
        return 0
    sections: dict[int, DigestSection] = {}
    for notification in claimed:
        idea = notification.idea
        section = sections.setdefault(idea.pk, DigestSection(idea, idea_url(idea), []))
        section.notifications.append(notification)
    try:
        send_templated(
            name="ideas/digest",
            to=[claimed[0].recipient.email],
            context={
                "count": len(claimed),
                "sections": list(sections.values()),
                "settings_url": settings_url(),
            },
        )
    except BaseException:
        _stamp(claimed, sent=False)
        raise
    _stamp(claimed, sent=True)
    return len(claimed)


def daily_digest_recipients() -> list[int]:
    """Ids of the «daily» people with unsent notifications."""
    return list(
        Notification.objects.filter(
            sent_at__isnull=True, recipient__email_frequency=EmailFrequency.DAILY
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


# The outbox sweep ---------------------------------------------------------------------


@dataclass
class Unsent:
    """What the sweep queues again: rows whose task was lost, failed or died."""

    board_mail_ideas: list[int]
    notifications: list[int]
    digest_recipients: list[int]


def _last_digest_time(now: datetime) -> datetime:
    local = timezone.localtime(now)
    today = timezone.make_aware(datetime.combine(local.date(), DIGEST_AT))
    return today if today <= local else today - timedelta(days=1)


def unsent_mail(*, now: datetime, limit: int = 500) -> Unsent:
    """Outbox rows older than SWEEP_AFTER (and younger than SWEEP_HORIZON), unsent and not
    under a lease that still holds; daily notifications count once the last digest run
    should have taken them."""
    cutoff, horizon = now - SWEEP_AFTER, now - SWEEP_HORIZON
    ideas = (
        Idea.objects.filter(
            board_notified_at__isnull=True,
            submitted_at__isnull=False,
            submitted_at__lt=cutoff,
            submitted_at__gte=horizon,
        )
        .filter(_unclaimed(now, "board_mail_claimed_until"))
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    unsent = Notification.objects.filter(
        sent_at__isnull=True, created_at__gte=horizon, recipient__is_active=True
    ).filter(_unclaimed(now))
    immediate = (
        unsent.filter(created_at__lt=cutoff, recipient__email_frequency=EmailFrequency.IMMEDIATE)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    digest = (
        unsent.filter(
            # Rows from before the last digest run that had a minute to take them.
            created_at__lt=_last_digest_time(now - SWEEP_AFTER),
            recipient__email_frequency=EmailFrequency.DAILY,
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")[:limit]
    )
    return Unsent(list(ideas), list(immediate), list(digest))
