"""`{% move_options move_phases card.phase_id %}`: the options of a card's «Flytt til fase»."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from portfolio.models import Phase

register = template.Library()


@register.simple_tag(takes_context=True)
def move_options(context: template.Context, phases: Sequence[Phase], selected: int) -> SafeString:
    """The same `<option>`s a loop over the phases gives, made once per phase and render
    (every card in a column has the same list with the same phase selected)."""
    made: dict[tuple[int, int], SafeString] = context.render_context.setdefault(
        "board_cards.move_options", {}
    )
    key = (id(phases), selected)
    if key not in made:
        made[key] = mark_safe(  # noqa: S308  # each option is escaped by format_html
            "".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    phase.pk,
                    mark_safe(" selected") if phase.pk == selected else "",  # noqa: S308
                    phase.name,
                )
                for phase in phases
            )
        )
    return made[key]
