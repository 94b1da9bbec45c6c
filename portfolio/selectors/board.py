"""Reads for the board: columns, cards and their counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import (
    Coalesce,
    RowNumber,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from portal.models import Organisation
from portfolio.models import (
    SETTLED_ANSWERS,
    Benefit,
    ChecklistAnswer,
    ChecklistItem,
    Initiative,
    Phase,
    PhaseKind,
)
from portfolio.selectors.phases import stalled_after
from portfolio.selectors.status import latest_published_status


def open_checklist_items(initiative: Initiative) -> list[ChecklistItem]:
    """Checkpoints of the current phase not yet settled as «Utført» or «Ikke relevant»."""
    settled = ChecklistAnswer.objects.filter(
        initiative_id=initiative.pk, answer__in=SETTLED_ANSWERS
    ).values("item_id")
    # One query, and the phase by its id: the caller's phase need not be loaded.
    return list(ChecklistItem.objects.filter(phase_id=initiative.phase_id).exclude(pk__in=settled))


CARDS_PER_COLUMN = 20  # about 1 ms of rendering per card: 6 columns × 20 stay well under 300 ms


# A column's cards need no phase of their own (the column has it); a card alone does.
COLUMN_CARD_RELATED = ("owner", "idea", "idea__unit", "idea__innovation_type")
CARD_RELATED = (*COLUMN_CARD_RELATED, "phase")


# A number no primary key reaches, reversed once per request and replaced per card.
_URL_SLOT = 2_147_483_647


def _url_maker(name: str) -> Callable[[int], str]:
    head, _slot, tail = reverse(name, args=[_URL_SLOT]).partition(str(_URL_SLOT))
    return lambda pk: f"{head}{pk}{tail}"


def prepare_cards(cards: Iterable[Initiative], *, stalled_days: int) -> None:
    """What each card shows that the template would otherwise compute per card: whether it
    has stalled, its days in the phase in words, its id as text and its four links.
    Reversing a URL, formatting a number or a {% blocktranslate %} in the template cost
    more than the rest of a card (120–180 cards on the board)."""
    move_url = _url_maker("portfolio:move")
    detail_url = _url_maker("portfolio:initiative")
    idea_url = _url_maker("ideas:detail")
    status_url = _url_maker("portfolio:status_reports")
    for card in cards:
        days = card.days_in_phase()
        card.stalled = days > stalled_days  # type: ignore[attr-defined]
        card.days_text = ngettext("%(days)s dag", "%(days)s dager", days) % {"days": days}  # type: ignore[attr-defined]
        card.ref = str(card.pk)  # type: ignore[attr-defined]
        card.move_url = move_url(card.pk)  # type: ignore[attr-defined]
        card.detail_url = detail_url(card.pk)  # type: ignore[attr-defined]
        card.idea_url = idea_url(card.idea_id)  # type: ignore[attr-defined]
        card.status_url = status_url(card.pk)  # type: ignore[attr-defined]


@dataclass
class Column:
    phase: Phase
    count: int
    cards: list[Initiative] = field(default_factory=list)

    @property
    def over_limit(self) -> bool:
        return self.phase.wip_limit is not None and self.count > self.phase.wip_limit

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


def board_phases(*, organisation: Organisation, include_closed: bool = False) -> list[Phase]:
    kinds = [PhaseKind.ACTIVE, PhaseKind.CLOSED] if include_closed else [PhaseKind.ACTIVE]
    return list(Phase.objects.filter(organisation=organisation, kind__in=kinds).order_by("order"))


def board_initiatives(
    *, organisation: Organisation, filters: dict[str, Any], stalled_days: int
) -> QuerySet[Initiative]:
    """The organisation's initiatives with the board's filters applied."""
    initiatives = Initiative.objects.for_organisation(organisation)
    lookups = {
        "type": "idea__innovation_type__code",
        "unit": "idea__unit_id",
        "owner": "owner_id",
        "goal": "idea__strategic_goals",
        "tag": "idea__tags__name__iexact",
        "role": "role",
    }
    for key, lookup in lookups.items():
        if filters.get(key) not in (None, ""):
            initiatives = initiatives.filter(**{lookup: filters[key]})
    if filters.get("stalled"):
        cutoff = timezone.now() - timedelta(days=stalled_days)
        initiatives = initiatives.filter(phase_entered_at__lt=cutoff)
    return initiatives


def with_benefit_summary(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate each card with its number of benefits and expected kroner and hours per
    year, as subqueries (no join fan-out, no extra query)."""

    def total(expression: Any, output: Any) -> Subquery:
        per_initiative = (
            Benefit.objects.filter(initiative=OuterRef("pk"))
            .order_by()
            .values("initiative")
            .annotate(total=expression)
            .values("total")
        )
        return Subquery(per_initiative, output_field=output)

    money = DecimalField(max_digits=16, decimal_places=2)
    return initiatives.annotate(
        benefit_count=Coalesce(total(Count("id"), models.IntegerField()), 0),
        benefit_amount=total(Sum("expected_amount"), money),
        benefit_hours=total(Sum("expected_hours"), money),
    )


def board_columns(
    *,
    organisation: Organisation,
    filters: dict[str, Any],
    stalled_days: int,
    include_closed: bool = False,
    per_column: int = CARDS_PER_COLUMN,
) -> list[Column]:
    """Columns with their counts and the first cards of each: a fixed number of queries
    however many cards there are (phases, counts, one windowed page of cards).
    `stalled_days` comes from the caller, which shows it on the page too."""
    phases = board_phases(organisation=organisation, include_closed=include_closed)
    initiatives = board_initiatives(
        organisation=organisation, filters=filters, stalled_days=stalled_days
    ).filter(phase__in=phases)
    counts = dict(
        initiatives.order_by()
        .values_list("phase_id")
        .annotate(n=Count("id"))
        .values_list("phase_id", "n")
    )
    cards = (
        with_benefit_summary(initiatives)
        .select_related(*COLUMN_CARD_RELATED)
        .prefetch_related(latest_published_status())  # one query for all the cards
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("phase_id")],
                order_by=[F("phase_entered_at").desc(), F("id").desc()],
            )
        )
        .filter(position__lte=per_column)
        .order_by("phase__order", "position")
    )
    columns = {phase.pk: Column(phase=phase, count=counts.get(phase.pk, 0)) for phase in phases}
    for card in cards:
        columns[card.phase_id].cards.append(card)
    prepare_cards(
        (card for column in columns.values() for card in column.cards), stalled_days=stalled_days
    )
    return list(columns.values())


def column_cards(
    *, organisation: Organisation, phase: Phase, filters: dict[str, Any], offset: int, limit: int
) -> list[Initiative]:
    """More cards of one column («Vis flere»)."""
    stalled_days = stalled_after(organisation)
    cards = list(
        with_benefit_summary(
            board_initiatives(organisation=organisation, filters=filters, stalled_days=stalled_days)
        )
        .filter(phase=phase)
        .select_related(*COLUMN_CARD_RELATED)
        .prefetch_related(latest_published_status())
        .order_by("-phase_entered_at", "-id")[offset : offset + limit]
    )
    prepare_cards(cards, stalled_days=stalled_days)
    return cards


def board_card(*, organisation: Organisation, pk: int, stalled_days: int) -> Initiative:
    """One card as the board shows it (after a move), in two queries."""
    card = (
        with_benefit_summary(Initiative.objects.for_organisation(organisation))
        .select_related(*CARD_RELATED)
        .prefetch_related(latest_published_status())
        .get(pk=pk)
    )
    prepare_cards([card], stalled_days=stalled_days)
    return card


def active_phase_counts(organisation: Organisation) -> dict[int, int]:
    """Cards per phase, for the column counts after a move."""
    return dict(
        Initiative.objects.for_organisation(organisation)
        .order_by()
        .values_list("phase_id")
        .annotate(n=Count("id"))
        .values_list("phase_id", "n")
    )
