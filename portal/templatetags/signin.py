"""{% entra_organisations as organisations %}: the municipalities whose people sign in with
Entra ID, for the login page to link to each one's own sign-in page."""

from __future__ import annotations

from django import template

from portal.identity import entra_organisations as _entra_organisations
from portal.models import Organisation

register = template.Library()


@register.simple_tag
def entra_organisations() -> list[Organisation]:
    return list(_entra_organisations().only("name", "slug"))
