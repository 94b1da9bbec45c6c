"""`{% role_name initiative.role %}`: the organisation's own name for a staircase level."""

from __future__ import annotations

from typing import Any

from django import template

from portfolio.roles import role_levels

register = template.Library()


@register.simple_tag(takes_context=True)
def role_name(context: template.Context, level: int) -> str:
    request = context.get("request")
    organisation = getattr(request, "organisation", None) or context.get("organisation")
    levels = role_levels(organisation)
    found: Any = levels.get(level)
    return found.name if found is not None else "–"
