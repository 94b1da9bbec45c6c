"""Who may change an initiative's benefits and status reports.

The rules take the request's `Membership` (already loaded, so no query). The getters fetch an
object through the organisation and check access in one step: another organisation's object
is a 404, one the user may see but not change a 403 (as healthchecks' `_get_rw_check_for_user`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.http import HtmxRequest
from portal.models import Membership, Role, User
from portfolio.models import Benefit, Indicator, Initiative


def may_edit_benefits(
    initiative: Initiative, user: User, membership: Membership, benefit: Benefit | None = None
) -> bool:
    """The board and administrators, the initiative's pådriver, and a benefit's owner and
    responsible (for that benefit: its indicators and measurements)."""
    if membership.has_role(Role.BOARD):
        return True
    if initiative.owner_id == user.pk:
        return True
    return benefit is not None and user.pk in (benefit.owner_id, benefit.responsible_id)


def may_edit_status(initiative: Initiative, user: User, membership: Membership) -> bool:
    """The pådriver, the portfolio board and administrators write status reports."""
    return membership.has_role(Role.BOARD) or initiative.owner_id == user.pk


def editable_benefit(request: HtmxRequest, pk: int) -> Benefit:
    """A benefit of the user's organisation that they may edit."""
    benefit = (
        Benefit.objects.filter(organisation=request.organisation, pk=pk)
        .select_related("initiative", "initiative__idea")
        .first()
    )
    if benefit is None:
        raise Http404
    if not may_edit_benefits(benefit.initiative, request.user, request.membership, benefit):
        raise PermissionDenied
    return benefit


def measurable_indicator(request: HtmxRequest, pk: int) -> Indicator:
    """An indicator of the user's organisation whose benefit they may edit."""
    indicator = (
        Indicator.objects.filter(benefit__organisation=request.organisation, pk=pk)
        .select_related("benefit", "benefit__initiative", "benefit__initiative__idea")
        .first()
    )
    if indicator is None:
        raise Http404
    benefit = indicator.benefit
    if not may_edit_benefits(benefit.initiative, request.user, request.membership, benefit):
        raise PermissionDenied
    return indicator
