"""What the portfolio's services refuse, as exceptions the views turn into messages."""

from __future__ import annotations

from portfolio.models import (
    Benefit,
    Initiative,
    Phase,
    StatusReport,
)
from portfolio.selectors.phases import PhaseUsage


class InitiativeConflict(Exception):
    """Someone else moved or changed the initiative since it was shown; nothing was saved."""

    def __init__(self, current: Initiative) -> None:
        super().__init__(f"Initiative {current.pk} is at version {current.version}.")
        self.current = current


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


class BenefitConflict(Exception):
    """Someone else saved the benefit since the form was loaded; nothing was overwritten."""

    def __init__(self, current: Benefit) -> None:
        super().__init__(f"Benefit {current.pk} is at version {current.version}.")
        self.current = current


class StatusReportPublished(ValueError):
    """A published status report is history: it is not changed, a new one is written."""


class StatusReportConflict(Exception):
    """Someone else saved the draft since the form was loaded; nothing was overwritten."""

    def __init__(self, current: StatusReport) -> None:
        super().__init__(f"Status report {current.pk} is at version {current.version}.")
        self.current = current
