"""The idea's history in templates: each event as its Bokmål sentence."""

from __future__ import annotations

from django import template

from portal.events import describe
from portal.models import DomainEvent

register = template.Library()


@register.filter
def describe_event(event: DomainEvent) -> str:
    """The sentence of the app that recorded the event (ideas.events, portfolio.events)."""
    return describe(event)
