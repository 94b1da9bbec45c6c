"""Bokmål is the source language; the compiled nb catalogue must mirror it exactly."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

MO = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES" / "django.mo"


def test_the_compiled_catalogue_never_changes_a_message() -> None:
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    changed = {
        key: value
        for key, value in catalogue.items()
        if isinstance(key, str) and key and key != value
    }
    assert changed == {}, "a fuzzy match slipped in: run `make messages`"


def test_pages_are_served_in_bokmal(client: Client, db: None) -> None:  # lists Entra orgs
    response = client.get(reverse("account_login"))
    assert '<html lang="nb"' in response.content.decode()
    assert response.headers["Content-Language"] == "nb"
