"""Board meetings."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.events import record_event
from portal.models import Membership, Organisation, User
from portfolio.events import PortfolioAction
from portfolio.models import (
    Meeting,
)


@transaction.atomic
def create_meeting(
    *,
    organisation: Organisation,
    actor: User,
    held_on: date,
    participants: list[User],
    title: str = "",
) -> Meeting:
    """Plan a meeting of the portfolio board; its agenda is built from the inbox.

    Participants must be board members, leaders or administrators of the organisation.
    """
    wanted = {user.pk for user in participants}
    eligible = set(
        Membership.objects.filter(
            organisation=organisation, role__in=Meeting.PARTICIPANT_ROLES, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - eligible:
        raise ValueError("Participants must be board members, leaders or administrators.")
    meeting = Meeting.objects.create(
        organisation=organisation,
        title=title.strip() or _("Porteføljestyremøte"),
        held_on=held_on,
        created_by=actor,
    )
    meeting.participants.set(participants)
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortfolioAction.MEETING_CREATED,
        subject=meeting,
        after={
            "title": meeting.title,
            "held_on": held_on.isoformat(),
            "participants": sorted(wanted),
        },
    )
    return meeting


@transaction.atomic
def close_meeting(*, meeting: Meeting, actor: User) -> Meeting:
    """End the meeting: its decisions are the minutes (protokoll). Closing twice does nothing."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.closed_at is not None:
        return current
    current.closed_at = timezone.now()
    current.save(update_fields=["closed_at"])
    record_event(
        organisation=current.organisation,
        actor=actor,
        action=PortfolioAction.MEETING_CLOSED,
        subject=current,
        after={
            "closed_at": current.closed_at.isoformat(),
            "decisions": sorted(current.decisions.values_list("pk", flat=True)),
        },
    )
    return current
