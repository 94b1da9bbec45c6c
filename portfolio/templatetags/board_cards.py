"""The board card's helpers: `{% card_texts as t %}`, its fixed words in the active language,
and `{% move_options move_phases card.phase_id %}`, the options of its «Flytt til fase».

A board renders 120–180 cards; a `{% translate %}` per word and a loop over the phases per
card were a third of its rendering time (cProfile of `bench board`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portfolio.models import Phase

register = template.Library()


@lru_cache(maxsize=16)
def _texts(language: str | None) -> dict[str, str]:
    del language  # the key: gettext reads the active language itself
    return {
        "role": gettext("Rolle:"),
        "details": gettext("Detaljer og gevinster"),
        "benefits": gettext("Gevinster"),
        "per_year": gettext("per år"),
        "unit": gettext("Enhet"),
        "owner": gettext("Pådriver"),
        "no_owner": gettext("Ikke valgt"),
        "in_phase": gettext("I fasen"),
        "stalled": gettext("stoppet"),
        "missing": gettext("Fundament mangler:"),
        "move_to": gettext("Flytt til fase"),
        "move": gettext("Flytt"),
    }


@register.simple_tag
def card_texts() -> dict[str, str]:
    """The card's fixed words, looked up once per language (translations are loaded once per
    process, so they cannot change under a running server)."""
    return _texts(get_language())


@lru_cache(maxsize=64)
def _csrf_input(token: str) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def card_csrf_input(context: template.Context) -> SafeString:
    """`{% csrf_token %}`'s hidden input, made once per token: a request's token is the same
    on every card, and the tag cost ≈ 15 % of a card."""
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        return mark_safe("")  # noqa: S308  # as {% csrf_token %}: nothing without a token
    return _csrf_input(str(token))


@lru_cache(maxsize=512)
def _options(phases: tuple[tuple[int, str], ...], selected: int) -> SafeString:
    return mark_safe(  # noqa: S308  # each option is escaped by format_html
        "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                pk,
                mark_safe(" selected") if pk == selected else "",  # noqa: S308
                name,
            )
            for pk, name in phases
        )
    )


@register.simple_tag
def move_options(phases: Sequence[Phase], selected: int) -> SafeString:
    """The same `<option>`s as a loop over the phases, made once per list of phases and
    selected phase (all the cards of a column have the same), keyed by the phases' ids and
    names, so a renamed phase gets new options."""
    return _options(tuple((phase.pk, phase.name) for phase in phases), selected)
