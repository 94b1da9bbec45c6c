"""Background work for the portfolio: reminding owners of what is due (Celery beat, email).

Every morning `send_due_reminders` finds, per organisation, the pådrivere of active
initiatives without a recent published status report and the owners of benefits not
measured as often as planned, and queues one `send_reminders` per person. That task mails
the person once and records a `reminder.sent` event per thing named, so nobody gets the same
reminder twice on one day, even if the task is redelivered (acks_late) or beat fires twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import Organisation, User
from portfolio.models import Benefit, Initiative
from portfolio.selectors.phases import status_report_every_days
from portfolio.selectors.reminders import (
    benefit_reminder_recipients,
    measurements_due,
    reminded_today,
    status_reports_due,
)
from portfolio.services.reminders import record_reminder_sent


@dataclass
class Due:
    """What one person is to be reminded of in one organisation."""

    every_days: int  # the organisation's status report interval
    status_reports: list[Initiative] = field(default_factory=list)
    measurements: list[Benefit] = field(default_factory=list)


def due_reminders(
    organisation: Organisation, now: datetime, recipient: User | None = None
) -> dict[int, Due]:
    """Everything due in the organisation (or for one person), by the id of whom to remind."""
    every_days = status_report_every_days(organisation)
    due: defaultdict[int, Due] = defaultdict(lambda: Due(every_days))
    for initiative in status_reports_due(
        organisation=organisation, every_days=every_days, now=now, owner=recipient
    ):
        assert initiative.owner_id is not None  # the selector keeps initiatives with a pådriver
        due[initiative.owner_id].status_reports.append(initiative)
    today = timezone.localdate(now)
    due_benefits = measurements_due(organisation=organisation, today=today, person=recipient)
    for benefit in due_benefits:
        for person in benefit_reminder_recipients(benefit):
            if recipient is None or person.pk == recipient.pk:
                due[person.pk].measurements.append(benefit)
    return dict(due)


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


def _subject_key(subject: models.Model) -> tuple[str, int]:
    return (subject._meta.label_lower, subject.pk)


@shared_task(acks_late=True)
def send_reminders(organisation_id: int, user_id: int) -> int:
    """Mail one person what is due in one organisation; returns how many things it names.

    Idempotent per day: the person's row is locked, what they were reminded of today is left
    out, and the mail is sent and recorded in one transaction.
    """
    now = timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        recipient = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if recipient is None or organisation is None:
            return 0
        due = due_reminders(organisation, now, recipient).get(recipient.pk)
        if due is None:
            return 0
        done = reminded_today(recipient=recipient, since=start_of_day)
        initiatives = [i for i in due.status_reports if _subject_key(i) not in done]
        benefits = [b for b in due.measurements if _subject_key(b) not in done]
        if not initiatives and not benefits:
            return 0
        send_reminder_mail(recipient, initiatives, benefits, every_days=due.every_days)
        for initiative in initiatives:
            record_reminder_sent(
                organisation=organisation, recipient=recipient, subject=initiative, kind="status"
            )
        for benefit in benefits:
            record_reminder_sent(
                organisation=organisation, recipient=recipient, subject=benefit, kind="measurement"
            )
    return len(initiatives) + len(benefits)


def _url(name: str, pk: int) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[pk])}"


def _date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return formats.date_format(value, "j. F Y")


def send_reminder_mail(
    recipient: User, initiatives: list[Initiative], benefits: list[Benefit], *, every_days: int
) -> None:
    """One mail in Bokmål naming each status report and measurement due, with links."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("Hei, %(name)s!") % {"name": recipient.first_name or recipient.email}, ""]
        if initiatives:
            lines.append(
                ngettext(
                    "Dette initiativet har ikke fått en publisert statusrapport de siste "
                    "%(days)d dagene:",
                    "Disse initiativene har ikke fått en publisert statusrapport de siste "
                    "%(days)d dagene:",
                    len(initiatives),
                )
                % {"days": every_days}
            )
            for initiative in initiatives:
                last_published = getattr(initiative, "last_published", None)
                last = (
                    _("sist publisert %(date)s") % {"date": _date(last_published)}
                    if last_published
                    else _("ingen er publisert ennå")
                )
                lines.append(f"– «{initiative.idea.title}» ({last})")
                lines.append(
                    "  "
                    + _("Skriv statusrapporten: %(url)s")
                    % {"url": _url("portfolio:status_new", initiative.pk)}
                )
            lines.append("")
        if benefits:
            lines.append(
                ngettext(
                    "Denne gevinsten skal måles nå:",
                    "Disse gevinstene skal måles nå:",
                    len(benefits),
                )
            )
            for benefit in benefits:
                last_measured = getattr(benefit, "last_measured", None)
                last = (
                    _("sist målt %(date)s") % {"date": _date(last_measured)}
                    if last_measured
                    else _("ikke målt ennå")
                )
                every = _("måles hver %(days)d. dag") % {"days": benefit.measure_every_days}
                description = Truncator(benefit.description).chars(80)
                lines.append(
                    f"– «{description}» – {benefit.initiative.idea.title} ({every}, {last})"
                )
                lines.append(
                    "  "
                    + _("Registrer målingen: %(url)s")
                    % {"url": _url("portfolio:initiative", benefit.initiative_id)}
                )
            lines.append("")
        lines.append(
            _(
                "Du får denne påminnelsen fordi du er pådriver for et initiativ, eller eier "
                "eller har ansvar for en gevinst, i Nyttig. Den kommer høyst én gang om dagen "
                "så lenge noe er forfalt."
            )
        )
        count = len(initiatives) + len(benefits)
        subject = ngettext(
            "Påminnelse fra Nyttig: %(count)d oppgave venter på deg",
            "Påminnelse fra Nyttig: %(count)d oppgaver venter på deg",
            count,
        ) % {"count": count}
    send_mail(
        subject=subject,
        message="\n".join(lines) + "\n",
        from_email=None,
        recipient_list=[recipient.email],
    )
