"""Reads for phase administration and the portfolio settings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.models import Organisation
from portfolio.models import (
    Decision,
    Initiative,
    Phase,
    PhaseVisit,
    PortfolioSettings,
)


@dataclass(frozen=True)
class PhaseUsage:
    """Initiatives in a phase now, and traces in the history (visits, decisions) of it."""

    initiatives: int
    history: int

    @property
    def is_used(self) -> bool:
        return bool(self.initiatives or self.history)


def phase_usage(phase: Phase) -> PhaseUsage:
    return PhaseUsage(
        initiatives=Initiative.objects.filter(phase=phase).count(),
        history=PhaseVisit.objects.filter(phase=phase).count()
        + Decision.objects.filter(phase=phase).count(),
    )


def portfolio_settings(organisation: Organisation) -> PortfolioSettings:
    """The organisation's portfolio settings, or (unsaved) the defaults when it has none:
    one query, for a page that needs several of them."""
    found = PortfolioSettings.objects.filter(organisation=organisation).first()
    return found or PortfolioSettings(organisation=organisation)


def stalled_after(organisation: Organisation) -> int:
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    return settings.stalled_after_days if settings else 30


DEFAULT_HOURS_PER_FTE = Decimal("1695.0")  # PortfolioSettings.hours_per_fte's default


def hours_per_fte(organisation: Organisation) -> Decimal:
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    return settings.hours_per_fte if settings else DEFAULT_HOURS_PER_FTE


DEFAULT_STATUS_EVERY_DAYS = 30  # PortfolioSettings.status_report_every_days's default


def status_report_every_days(organisation: Organisation) -> int:
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    return settings.status_report_every_days if settings else DEFAULT_STATUS_EVERY_DAYS
