"""When the session has ended: htmx is sent to the login page as a whole page, and a form
refused by the CSRF check gets a page in Bokmål with the way back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db


def test_htmx_without_a_session_is_sent_to_login_with_the_page_it_came_from(
    client: Client,
) -> None:
    response = client.get(
        reverse("ideas:similar"),
        {"title": "x"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/ideer/ny/?a=1"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/konto/logg-inn/?next=/ideer/ny/%3Fa%3D1"
    assert b"<form" not in response.content  # no login page swapped into a fragment


@pytest.mark.parametrize(
    "current", ["https://evil.example/ideer/", "javascript:alert(1)", "", "//evil.example/x"]
)
def test_a_foreign_current_url_is_not_followed_back(client: Client, current: str) -> None:
    response = client.get(
        reverse("ideas:similar"), headers={"HX-Request": "true", "HX-Current-URL": current}
    )
    assert response["HX-Redirect"] == "/konto/logg-inn/?next=/"


def test_plain_requests_still_get_the_ordinary_redirect(client: Client) -> None:
    response = client.get(reverse("ideas:similar"))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logg-inn/?next=")


def test_a_refused_form_gets_a_norwegian_page_with_the_way_back(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/konto/logg-inn/")  # a CSRF cookie, but no token in the post below
    response = client.post(
        "/konto/logg-inn/?next=/ideer/ny/", {"login": alice.email, "password": "x"}
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "Skjemaet kunne ikke sendes" in text
    assert 'href="/konto/logg-inn/?next=/ideer/ny/"' in text
    assert "<style" not in text and "style=" not in text  # the strict CSP allows no inline style
