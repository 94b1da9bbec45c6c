"""What is due for a reminder, and what was reminded today."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from portal.models import DomainEvent, Organisation, User
from portfolio.events import PortfolioAction
from portfolio.models import (
    Benefit,
    Indicator,
    Initiative,
    Measurement,
    PhaseKind,
    StatusReport,
)
from portfolio.selectors.phases import status_report_every_days

REMINDER_SENT = PortfolioAction.REMINDER_SENT  # recorded by services.reminders.record_reminder_sent


@dataclass
class Due:
    """What one person is to be reminded of in one organisation."""

    every_days: int  # the organisation's status report interval
    status_reports: list[Initiative] = field(default_factory=list)
    measurements: list[Benefit] = field(default_factory=list)


def status_reports_due(
    *, organisation: Organisation, every_days: int, now: datetime, owner: User | None = None
) -> QuerySet[Initiative]:
    """Active initiatives whose pådriver is to be reminded: no status report published in the
    last `every_days` days (counted from the initiative's start when it has none yet).
    Each has `last_published` (None when nothing has been published)."""
    cutoff = now - timedelta(days=every_days)
    latest = (
        StatusReport.objects.filter(initiative=OuterRef("pk"), published_at__isnull=False)
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    initiatives = Initiative.objects.for_organisation(organisation).filter(
        phase__kind=PhaseKind.ACTIVE, owner__is_active=True
    )
    if owner is not None:
        initiatives = initiatives.filter(owner=owner)
    return (
        initiatives.annotate(last_published=Subquery(latest))
        .filter(
            Q(last_published__lt=cutoff) | Q(last_published__isnull=True, created_at__lt=cutoff)
        )
        .select_related("idea", "owner")
        .only("organisation_id", "created_at", "idea__title", "owner__is_active")
        .order_by("pk")
    )


def benefit_reminder_recipients(benefit: Benefit) -> list[User]:
    """Gevinsteier and gevinstansvarlig; the initiative's pådriver when the benefit has
    neither (or neither is active any more)."""
    people = {u.pk: u for u in (benefit.owner, benefit.responsible) if u and u.is_active}
    if not people and benefit.initiative.owner and benefit.initiative.owner.is_active:
        return [benefit.initiative.owner]
    return list(people.values())


def measurements_due(
    *, organisation: Organisation, today: date, person: User | None = None
) -> list[Benefit]:
    """Benefits with indicators that have not been measured in the last `measure_every_days`
    days (counted from the first indicator when nothing is measured yet), whether or not the
    initiative has ended: benefits are followed up in the line after the project. With
    `person`, only the benefits that may be theirs to measure (see
    benefit_reminder_recipients). Each has `last_measured` (a date or None)."""
    last = (
        Measurement.objects.filter(indicator__benefit=OuterRef("pk"))
        .order_by("-measured_on")
        .values("measured_on")[:1]
    )
    first_indicator = (
        Indicator.objects.filter(benefit=OuterRef("pk")).order_by("created_at").values("created_at")
    )[:1]
    benefits = Benefit.objects.filter(organisation=organisation)
    if person is not None:
        benefits = benefits.filter(
            Q(owner=person) | Q(responsible=person) | Q(initiative__owner=person)
        )
    benefits = (
        benefits.annotate(last_measured=Subquery(last), measuring_since=Subquery(first_indicator))
        .filter(measuring_since__isnull=False)
        .select_related("initiative__idea", "initiative__owner", "owner", "responsible")
        .only(
            "organisation_id",
            "description",
            "measure_every_days",
            "initiative__idea__title",
            "initiative__owner__is_active",
            "owner__is_active",
            "responsible__is_active",
        )
        .order_by("pk")
    )
    due: list[Benefit] = []
    for benefit in benefits:
        since = benefit.last_measured or timezone.localdate(benefit.measuring_since)
        if since <= today - timedelta(days=benefit.measure_every_days):
            due.append(benefit)
    return due


def reminded_today(*, recipient: User, since: datetime) -> set[tuple[str, int]]:
    """(subject type, id) of what `recipient` has been reminded about since `since`."""
    return set(
        DomainEvent.objects.filter(
            action=REMINDER_SENT, occurred_at__gte=since, after__recipient=recipient.pk
        ).values_list("subject_type", "subject_id")
    )


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
