from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Staff get accounts from their municipality's administrator; nobody signs up alone."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
