"""The board's decisions on an idea, shown on the idea's own page."""

from __future__ import annotations

from typing import Any

from django import template

from ideas.models import Idea
from portfolio.models import Decision
from portfolio.selectors.triage import idea_decisions as idea_decisions_selector

register = template.Library()


@register.inclusion_tag("portfolio/triage_decisions.html", takes_context=True)
def idea_decisions(context: template.Context, idea: Idea) -> dict[str, Any]:
    """Each decision (kind, who, when, basis, case number, meeting), and for the board a
    link to the triage page while the idea waits for a decision."""
    # Every decision stamps triaged_at: an idea never triaged needs no query.
    return {
        "idea": idea,
        "decisions": idea_decisions_selector(idea) if idea.triaged_at else [],
        "can_triage": bool(context.get("is_board")) and idea.status in Decision.DECIDABLE,
    }
