"""Status reports' traffic lights as text and symbol, never colour alone: «Fremdrift: ● Grønn»."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portfolio.models import Initiative, StatusReport, TrafficLight
from portfolio.selectors.status import initiative_status_reports

register = template.Library()

LIGHT_NAMES = {
    "progress": _("Fremdrift"),
    "economy": _("Økonomi"),
    "quality": _("Kvalitet"),
    "risk": _("Risiko"),
    "benefits": _("Gevinstoppnåelse"),
}
# The short word, a symbol of its own shape, and Designsystemet's colour for each light.
LIGHT_LOOKS = {
    TrafficLight.GREEN: (_("Grønn"), "●", "success"),
    TrafficLight.YELLOW: (_("Gul"), "▲", "warning"),
    TrafficLight.RED: (_("Rød"), "■", "danger"),
}


@dataclass(frozen=True)
class Light:
    name: str  # «Fremdrift»
    value: str  # "green"
    word: str  # «Grønn»
    symbol: str  # «●»
    color: str  # "success"
    label: str  # «Grønn – i rute»
    comment: str


@register.filter
def status_lights(report: StatusReport) -> list[Light]:
    """The report's five lights in Prosjektportalen's order, each with its comment."""
    lights = []
    for field in StatusReport.LIGHTS:
        value = TrafficLight(getattr(report, field))
        word, symbol, color = LIGHT_LOOKS[value]
        lights.append(
            Light(
                name=str(LIGHT_NAMES[field]),
                value=value.value,
                word=str(word),
                symbol=symbol,
                color=color,
                label=str(value.label),
                comment=getattr(report, f"{field}_comment"),
            )
        )
    return lights


@register.simple_tag
def latest_status(card: Initiative) -> StatusReport | None:
    """The card's latest published report. The board fetches it for all its cards in one
    query (selectors.latest_published_status); a card shown on its own, such as the one
    that just moved, costs one query here."""
    reports = getattr(card, "latest_status", None)
    if reports is None:
        published = initiative_status_reports(initiative=card, include_drafts=False)
        reports = list(published[:1])
    return reports[0] if reports else None


# Built in Python rather than as an included template: the board renders it for up to 180
# cards, and an {% include %} per card cost a quarter of the board's time. The fifteen light
# badges (five areas, three colours) are made once per language.
CARD_LINK = (
    '<p class="status-lights__title"><a class="ds-link" href="{}">{}'
    '<span class="ds-sr-only"> – {}</span></a></p>'
)
CARD_LIGHT = (
    '<li><span class="ds-tag status-light" data-color="{}" data-size="sm">{}: '
    '<span aria-hidden="true">{}</span> {}</span></li>'
)


@register.simple_tag
def status_badges(card: Initiative) -> SafeString:
    """The card's latest published lights («Fremdrift: ● Grønn» …) under a link to its status
    reports, or just the link when nothing is published yet."""
    report = latest_status(card)
    # The board's cards carry the link (selectors.board.prepare_cards); others reverse it.
    url = getattr(card, "status_url", None) or reverse("portfolio:status_reports", args=[card.pk])
    title = card.idea.title
    if report is None:
        return format_html(CARD_LINK, url, gettext("Ingen statusrapport ennå"), title)
    heading = gettext("Status per %(date)s") % {"date": date_format(report.period_end, "d.m.Y")}
    badges = _card_badges(get_language())
    # Safe: each badge was made by format_html in _card_badges.
    lights = mark_safe(
        "".join(badges[light, getattr(report, light)] for light in StatusReport.LIGHTS)
    )
    return format_html(
        '<div class="status-lights">{}<ul class="status-lights__list">{}</ul></div>',
        format_html(CARD_LINK, url, heading, title),
        lights,
    )


@lru_cache(maxsize=8)
def _card_badges(language: str) -> dict[tuple[str, str], SafeString]:
    with translation.override(language):
        return {
            (field, value.value): format_html(CARD_LIGHT, color, LIGHT_NAMES[field], symbol, word)
            for field in StatusReport.LIGHTS
            for value, (word, symbol, color) in LIGHT_LOOKS.items()
        }
