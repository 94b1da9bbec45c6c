"""What the benchmarks share: the organisation they measure and a client logged in to it."""

from __future__ import annotations

from django.db.models import Count
from django.test import Client

from portal.models import Membership, Organisation


def largest(*, seed: str = "seed") -> Organisation:
    """The organisation with the most initiatives (Oslo in the full scenario)."""
    org = (
        Organisation.objects.annotate(n=Count("initiatives"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    if org is None:
        raise SystemExit(f"bench: run `python -m bench {seed}` first.")
    return org


def client_for(org: Organisation, role: str) -> Client:
    """A client logged in as the organisation's first member with `role`."""
    member = (
        Membership.objects.filter(organisation=org, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is None:
        raise SystemExit(f"bench: {org.name} has no member with the role {role} to log in as.")
    client = Client()
    client.force_login(member.user)
    return client
