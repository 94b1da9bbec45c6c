"""A real OpenID Connect provider (oidc-provider-mock, a Flask app) on a free loopback port,
standing in for Entra ID, and the steps of a sign-in through it.

The provider signs real ID tokens with the claims set for each person (`tid` and `oid`,
as Entra ID sends them); its issuer is its own URL, which the organisation's app is
configured with (`configure_entra(authority=…)`) instead of login.microsoftonline.com.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving
from django.test import Client
from django.urls import reverse

from portal.identity import configure_entra
from portal.models import EntraJoin, Organisation

TENANT = "3f2a9c1e-7b44-4c1d-9e0a-5d6b7c8d9e01"
OTHER_TENANT = "a1b2c3d4-0000-4000-8000-000000000002"


@dataclass(frozen=True)
class Provider:
    url: str

    def person(self, email: str, *, tenant: str = TENANT, oid: str | None = None) -> str:
        """Register a person's claims; returns the `sub` to sign in as."""
        sub = email
        given, _dot, family = email.split("@")[0].partition(".")
        claims = {
            "email": email,
            "given_name": given.title(),
            "family_name": family.title(),
            "name": f"{given.title()} {family.title()}".strip(),
            "tid": tenant,
            "oid": oid or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant}/{email}")),
        }
        response = requests.put(f"{self.url}/users/{quote(sub)}", json=claims, timeout=5)
        assert response.status_code == 204, response.text
        return sub

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign in at the provider's form as `sub`; returns where it sends the browser."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])


@contextmanager
def running_provider() -> Iterator[Provider]:
    app = oidc_provider_mock.app(require_nonce=False)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def enable_entra(
    organisation: Organisation,
    provider: Provider,
    *,
    join: str = EntraJoin.INVITED,
    local_login: bool = True,
) -> str:
    """Turn Entra ID on for the organisation against the local provider; its provider id."""
    app = configure_entra(
        organisation=organisation,
        actor=None,
        enabled=True,
        tenant_id=TENANT,
        join=join,
        local_login_enabled=local_login,
        client_id="nyttig-test-client",
        secret="test-secret",
        authority=provider.url,
    )
    assert app is not None
    organisation.refresh_from_db()
    return str(app.provider_id)


def sign_in(  # type: ignore[no-untyped-def]
    client: Client, provider: Provider, provider_id: str, sub: str, process: str = "login"
):
    """The whole round trip: Nyttig → provider → Nyttig's callback. Returns the callback's
    response (a redirect home when accepted, the refusal page when not)."""
    start = client.post(reverse("openid_connect_login", args=[provider_id]), {"process": process})
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(provider.url)
    assert "code_challenge=" in start["Location"]  # PKCE
    back = urlsplit(provider.authorize(start["Location"], sub))
    return client.get(f"{back.path}?{back.query}")
