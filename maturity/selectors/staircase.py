"""Reading the staircase: levels, periods and the targets of a year."""

from __future__ import annotations

from dataclasses import dataclass

from maturity.models import MaturityLevel, StrategyPeriod
from portal.models import Organisation
from portfolio.roles import RoleLevel


def organisation_role_levels(organisation: Organisation) -> dict[int, RoleLevel]:
    """The provider portfolio.roles uses: the organisation's names and stances by level."""
    return {
        level.level: RoleLevel(level=level.level, name=level.name, stance=level.stance)
        for level in MaturityLevel.objects.filter(organisation=organisation).only(
            "level", "name", "stance"
        )
    }


@dataclass(frozen=True)
class Targets:
    year: int
    current: StrategyPeriod | None  # the period whose target applies to the year
    next: StrategyPeriod | None  # the period after it


def targets_for(periods: list[StrategyPeriod], year: int) -> Targets:
    """The year's target is the one of the period that ends first among those containing the
    year (2027 lies in 2026–27 and 2027–28: by the end of 2027 the aim is 2026–27's level);
    the next target is the period after that one. Before the first period, the first is
    «next»; after the last, the last still applies."""
    ordered = sorted(periods, key=lambda p: (p.end_year, p.start_year))
    containing = [p for p in ordered if p.contains(year)]
    current: StrategyPeriod | None
    if containing:
        current = containing[0]
    else:
        past = [p for p in ordered if p.end_year < year]
        current = past[-1] if past else None
    if current is None:
        return Targets(year=year, current=None, next=ordered[0] if ordered else None)
    later = [
        p for p in ordered if (p.end_year, p.start_year) > (current.end_year, current.start_year)
    ]
    return Targets(year=year, current=current, next=later[0] if later else None)
