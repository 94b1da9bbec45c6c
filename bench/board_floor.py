"""The «bare view» floor for the portfolio board benchmark (`python -m bench board`).

Behind the same middleware as every page, it fetches what the board shows with plain
`values()` queries (the phases, the count per phase, the first 20 cards of each column with
the columns a card shows, the benefit summary, the latest published status report's lights)
and renders it with a minimal template inside `base.html`: each card a title link, its type,
unit, pådriver, days in phase, benefits, lights and a «Flytt til fase» select. No selectors
layer, no model instances, no includes or custom tags. The board may cost up to 2× this.

Mounted only in `bench.urls`, like the dashboard's floor.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import HttpResponse
from django.template import engines
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.http import HtmxRequest
from portfolio.models import Benefit, Initiative, Phase, PhaseKind, StatusReport
from portfolio.selectors.board import CARDS_PER_COLUMN

LIGHTS = ("progress", "economy", "quality", "risk", "benefits")


def _benefit(expression: Any, output: Any) -> Subquery:
    rows = (
        Benefit.objects.filter(initiative=OuterRef("pk"))
        .order_by()
        .values("initiative")
        .annotate(total=expression)
        .values("total")
    )
    return Subquery(rows, output_field=output)


def board_floor_figures(organisation_id: int) -> dict[str, object]:
    phases = list(
        Phase.objects.filter(organisation_id=organisation_id, kind=PhaseKind.ACTIVE)
        .order_by("order")
        .values("id", "name")
    )
    initiatives = Initiative.objects.filter(
        organisation_id=organisation_id, phase__kind=PhaseKind.ACTIVE
    )
    counts = dict(
        initiatives.order_by()
        .values_list("phase_id")
        .annotate(n=Count("id"))
        .values_list("phase_id", "n")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    cards = list(
        initiatives.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("phase_id")],
                order_by=[F("phase_entered_at").desc(), F("id").desc()],
            ),
            benefit_count=Coalesce(_benefit(Count("id"), IntegerField()), 0),
            benefit_amount=_benefit(Sum("expected_amount"), money),
            benefit_hours=_benefit(Sum("expected_hours"), money),
        )
        .filter(position__lte=CARDS_PER_COLUMN)
        .order_by("phase__order", "position")
        .values(
            "id",
            "version",
            "phase_id",
            "role",
            "phase_entered_at",
            "idea_id",
            "idea__title",
            "idea__innovation_type__name",
            "idea__innovation_type__code",
            "idea__unit__name",
            "owner__first_name",
            "owner__last_name",
            "idea__score_need",
            "idea__score_value",
            "idea__score_champion",
            "idea__score_team",
            "idea__score_anchoring",
            "benefit_count",
            "benefit_amount",
            "benefit_hours",
        )
    )
    lights: dict[int, dict[str, object]] = {}
    for report in (
        StatusReport.objects.filter(
            initiative_id__in=[card["id"] for card in cards], published_at__isnull=False
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("initiative_id")],
                order_by=[F("period_end").desc(), F("published_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values("initiative_id", *LIGHTS)
    ):
        lights[report["initiative_id"]] = report
    now = timezone.now()
    columns = {
        phase["id"]: {**phase, "count": counts.get(phase["id"], 0), "cards": []} for phase in phases
    }
    for row in cards:
        card: dict[str, Any] = dict(row)
        card["days"] = (now - card["phase_entered_at"]).days
        card["lights"] = lights.get(card["id"])
        columns[card["phase_id"]]["cards"].append(card)  # type: ignore[attr-defined]
    return {"columns": list(columns.values()), "phases": phases}


FLOOR_TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}<h1>Porteføljetavla</h1>
{% for column in columns %}<section><h2>{{ column.name }}</h2><p>{{ column.count }}</p>
{% for card in column.cards %}<article id="card-{{ card.id }}" data-version="{{ card.version }}">
<h3><a href="/ideer/{{ card.idea_id }}/">{{ card.idea__title }}</a></h3>
<p>{{ card.idea__innovation_type__name }} {{ card.role }}</p>
<p><a href="/portefolje/initiativ/{{ card.id }}/">Detaljer og gevinster</a></p>
<dl><dt>Gevinster</dt>
<dd>{{ card.benefit_count }} {{ card.benefit_amount }} {{ card.benefit_hours }}</dd>
<dt>Enhet</dt><dd>{{ card.idea__unit__name }}</dd>
<dt>Pådriver</dt><dd>{{ card.owner__first_name }} {{ card.owner__last_name }}</dd>
<dt>I fasen</dt><dd>{{ card.days }} dager</dd></dl>
{% if card.lights %}<ul><li>{{ card.lights.progress }}</li><li>{{ card.lights.economy }}</li>
<li>{{ card.lights.quality }}</li><li>{{ card.lights.risk }}</li>
<li>{{ card.lights.benefits }}</li></ul>{% endif %}
<p>{{ card.idea__score_need }} {{ card.idea__score_value }} {{ card.idea__score_champion }}
{{ card.idea__score_team }} {{ card.idea__score_anchoring }}</p>
<form method="post" action="/portefolje/initiativ/{{ card.id }}/flytt/">
<input type="hidden" name="versjon" value="{{ card.version }}">
<label for="move-{{ card.id }}">Flytt til fase</label><select id="move-{{ card.id }}" name="fase">
{% for phase in phases %}<option value="{{ phase.id }}">{{ phase.name }}</option>{% endfor %}
</select><button type="submit">Flytt</button></form>
</article>{% endfor %}</section>{% endfor %}{% endblock %}"""
)


@require_GET
def board_floor_view(request: HtmxRequest) -> HttpResponse:
    return HttpResponse(
        FLOOR_TEMPLATE.render(board_floor_figures(request.organisation.pk), request)
    )
