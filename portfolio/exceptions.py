"""What the portfolio's services refuse, as exceptions the views turn into messages."""

from __future__ import annotations

from portfolio.models import Phase
from portfolio.selectors.phases import PhaseUsage


class ChecklistIncomplete(ValueError):
    """Leaving a phase needs an answer for each open checkpoint (and a comment for some)."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class NotDecidable(ValueError):
    """The idea is not waiting for a decision (a draft, or already decided and closed)."""


class PhaseInUse(ValueError):
    """Deleting the phase would remove initiatives from the board or rewrite their history."""

    def __init__(self, phase: Phase, usage: PhaseUsage) -> None:
        super().__init__(f"Phase {phase.pk} is in use: {usage}.")
        self.usage = usage


class ChecklistItemInUse(ValueError):
    """The checkpoint has been answered when an initiative left the phase; the answer stays."""


class StatusReportPublished(ValueError):
    """A published status report is history: it is not changed, a new one is written."""
