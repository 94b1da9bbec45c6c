"""The municipality's role in an initiative, shown in the organisation's own words.

`Initiative.role` is a level of the maturity staircase (1–4). The names and stances of the
levels belong to the staircase, which lives in the maturity app, a layer above this one; it
registers a provider here at start-up (`register_role_levels`), so the board, the triage form
and the initiative page show the organisation's current names without importing it. Without a
provider, or for a level the organisation has not defined, the strategy's words are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.models import Organisation
from portfolio.models import MunicipalRole


@dataclass(frozen=True)
class RoleLevel:
    level: int
    name: str
    stance: str


type RoleLevelsProvider = Callable[[Organisation], dict[int, RoleLevel]]

_providers: list[RoleLevelsProvider] = []


def register_role_levels(provider: RoleLevelsProvider) -> None:
    """Called once by the maturity app: the one source of the levels' names and stances."""
    _providers[:] = [provider]


def default_role_levels() -> dict[int, RoleLevel]:
    stances = {
        MunicipalRole.WAIT_AND_SEE: _("Vi venter til det finnes gode kvalitetssikrede løsninger"),
        MunicipalRole.CONTRIBUTOR: _("Vi bidrar aktivt når noen vil utvikle en løsning"),
        MunicipalRole.INITIATOR: _("Vi prøver å få andre med på å utvikle en løsning"),
        MunicipalRole.PARTNER: _("Vi gjør det vi kan for å få utviklet en løsning"),
    }
    return {
        role.value: RoleLevel(level=role.value, name=str(role.label), stance=str(stances[role]))
        for role in MunicipalRole
    }


def role_levels(organisation: Organisation | None) -> dict[int, RoleLevel]:
    """Level number → the organisation's name and stance for it. Read once per organisation
    object (one query), so a request's board, filters and forms share it."""
    if organisation is None or not _providers:
        return default_role_levels()
    cached: dict[int, RoleLevel] | None = getattr(organisation, "_role_levels", None)
    if cached is None:
        cached = default_role_levels()
        own = _providers[0](organisation)
        cached.update({number: own[number] for number in cached if number in own})
        organisation._role_levels = cached  # type: ignore[attr-defined]
    return cached


def forget_role_levels(organisation: Organisation) -> None:
    """After a level is renamed: the next read fetches the new names."""
    organisation.__dict__.pop("_role_levels", None)


def role_choices(organisation: Organisation | None) -> list[tuple[int, str]]:
    return [(level.level, level.name) for level in role_levels(organisation).values()]
