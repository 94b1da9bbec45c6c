"""Reads for triage: the board's inbox and the choices of a decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from ideas.models import CLOSED_STATUSES, Idea, IdeaQuerySet, IdeaStatus
from ideas.search import search_ideas
from portal.models import Organisation, User
from portal.params import parse_id
from portfolio.models import (
    Decision,
    DecisionKind,
    Phase,
    PhaseKind,
)
from portfolio.roles import RoleLevel, role_levels

INBOX_RELATED = ("unit", "innovation_type", "submitter", "assessment")


WAITING = (IdeaStatus.SUBMITTED,)


MERGE_TARGETS_SHOWN = 20  # the merge chooser's results; any open idea of the organisation is valid


def _with_revisit_date(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """Annotate `revisit_on`: the date set by the idea's latest «parkert» decision, if any."""
    latest_park = (
        Decision.objects.filter(idea=OuterRef("pk"), kind=DecisionKind.PARK)
        .order_by("-decided_at", "-id")
        .values("revisit_on")[:1]
    )
    return ideas.annotate(revisit_on=Subquery(latest_park))


def _waiting_for_board(today: date) -> Q:
    return Q(status__in=WAITING) | Q(status=IdeaStatus.PARKED, revisit_on__lte=today)


def triage_inbox(*, organisation: Organisation, today: date | None = None) -> QuerySet[Idea]:
    """Ideas waiting for the board, oldest first: new ones, and parked ones whose date to
    look again has come (`revisit_on` is set on those). Assessments come along."""
    today = today or timezone.localdate()
    ideas = Idea.objects.for_organisation(organisation).filter(
        status__in=[*WAITING, IdeaStatus.PARKED]
    )
    return (
        _with_revisit_date(ideas)
        .filter(_waiting_for_board(today))
        .select_related(*INBOX_RELATED)
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class TriageChoices:
    """What the decision forms offer, read once per page however many ideas it shows."""

    organisation: Organisation
    phases: list[Phase]
    members: list[User]
    roles: dict[int, RoleLevel]


def triage_choices(*, organisation: Organisation) -> TriageChoices:
    phases = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE)
    members = User.objects.filter(memberships__organisation=organisation, is_active=True)
    return TriageChoices(
        organisation=organisation,
        phases=list(phases.order_by("order")),
        members=list(members.order_by("first_name", "last_name", "email")),
        roles=role_levels(organisation),
    )


def _open_ideas(organisation: Organisation) -> IdeaQuerySet:
    """Ideas of the organisation another may be merged into: submitted and not closed."""
    return Idea.objects.for_organisation(organisation).exclude(
        status__in=[*CLOSED_STATUSES, IdeaStatus.DRAFT]
    )


def open_merge_target(*, organisation: Organisation, pk: int) -> Idea | None:
    return _open_ideas(organisation).filter(pk=pk).first()


def merge_targets(
    *, organisation: Organisation, idea: Idea, query: str = "", chosen: int | None = None
) -> list[Idea]:
    """The merge chooser's results: up to MERGE_TARGETS_SHOWN open ideas of the
    organisation other than `idea`, found by number («123» or «#123», that idea first) or
    by the words of the title (the ideas' search), the newest first without a query. The
    idea already `chosen` (if it is one of them) comes first, so a new search keeps it."""
    ideas = _open_ideas(organisation).exclude(pk=idea.pk).only("id", "title", "status")
    text = query.strip()
    number = parse_id(text.removeprefix("#").strip())
    if number is not None:
        found = ideas.filter(Q(pk=number) | Q(title__icontains=text)).order_by(
            Case(When(pk=number, then=Value(0)), default=Value(1)), "-submitted_at", "-id"
        )
    elif text:
        found = search_ideas(ideas, text)
    else:
        found = ideas.order_by("-submitted_at", "-id")
    if chosen is None:
        return list(found[:MERGE_TARGETS_SHOWN])
    first = list(ideas.filter(pk=chosen))
    rest = found.exclude(pk=chosen)[: MERGE_TARGETS_SHOWN - len(first)]
    return [*first, *rest]


DECISION_RELATED = ("decided_by", "meeting", "phase", "merged_into")


def idea_decisions(idea: Idea) -> list[Decision]:
    """The board's decisions on one idea, oldest first."""
    return list(Decision.objects.filter(idea=idea).select_related(*DECISION_RELATED))
