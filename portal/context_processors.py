from __future__ import annotations

from django.http import HttpRequest

from portal.models import Role


def membership(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "membership", None)
    return {
        "membership": member,
        "organisation": getattr(request, "organisation", None),
        "memberships": getattr(request, "memberships", []),
        "is_board": bool(member and member.has_role(Role.BOARD)),
    }
