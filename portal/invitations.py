"""Invitations: invite by e-mail, the signed link, accept, resend and revoke.

Interface shared by the member administration (which fills it) and the Entra ID sign-in
(which calls it). The bodies are filled in by the onboarding work.
"""

from __future__ import annotations

from django.http import HttpRequest

from portal.models import Invitation, Membership, User

# The invitation a visitor opened from their link, kept while they sign in with Entra ID.
SESSION_KEY = "nyttig_invitation"


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The open, unexpired invitation whose link this browser opened, if any."""
    raise NotImplementedError


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Make `user` a member with the invitation's role and unit, in one transaction with its
    domain event; an invitation already accepted, revoked or expired is refused."""
    raise NotImplementedError
