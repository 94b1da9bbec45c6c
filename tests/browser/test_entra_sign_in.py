"""Entra ID sign-in in a browser, against a real local OpenID provider standing in for
Microsoft (tests/oidc.py): first login, repeat login, and the refusals. axe on our pages
(the provider's own form is Microsoft's in production, so it is not ours to check)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from portal.models import EntraJoin, Membership, Organisation, User
from tests.browser.conftest import AxeChecker
from tests.oidc import OTHER_TENANT, Provider, enable_entra, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """As conftest's page, but the provider's own form loads assets from the internet (not
    reachable here) and a refusal answers 403: only errors from Nyttig's scripts count."""
    context = browser.new_context(locale="nb-NO", reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


def _sign_in(page: Page, base: str, organisation: Organisation, sub: str) -> None:
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_role("link", name=organisation.name).click()
    page.get_by_role("button", name="Logg inn med Entra ID").click()
    page.get_by_label("Subject").fill(sub)  # the provider's own sign-in form
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_entra_sign_in_first_and_repeat_and_refusals(
    live_server: object,
    page: Page,
    axe: AxeChecker,
    organisation: Organisation,
    provider: Provider,
    settings: Settings,
) -> None:
    base = str(live_server)
    # The provider stands in for login.microsoftonline.com, which the CSP lets forms reach.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", provider.url]}
    enable_entra(organisation, provider, join=EntraJoin.TENANT)
    page.goto(f"{base}/konto/logg-inn/")
    axe(page)
    page.get_by_role("link", name=organisation.name).click()
    expect(page.get_by_role("button", name="Logg inn med Entra ID")).to_be_visible()
    axe(page)

    # First login: the tenant lets anyone in as staff.
    sub = provider.person("siri.berg@kommune.example")
    page.get_by_role("button", name="Logg inn med Entra ID").click()
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Siri!")
    axe(page)
    page.get_by_role("button", name="Logg ut").click()

    # Repeat login: the same user, no second account.
    _sign_in(page, base, organisation, sub)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Siri!")
    assert User.objects.filter(email=sub).count() == 1
    page.get_by_role("button", name="Logg ut").click()

    # Another tenant: refused, with the reason in Norwegian.
    stranger = provider.person("ola@annen.example", tenant=OTHER_TENANT)
    _sign_in(page, base, organisation, stranger)
    expect(page.locator(".ds-alert")).to_contain_text("en annen organisasjon i Microsoft")
    axe(page)

    # Invitations required and none opened: refused.
    organisation.entra_join = EntraJoin.INVITED
    organisation.save()
    _sign_in(page, base, organisation, provider.person("uinvitert@kommune.example"))
    expect(page.locator(".ds-alert")).to_contain_text("Du er ikke invitert")

    # A deactivated member: refused.
    Membership.objects.filter(user__email=sub).update(
        is_active=False, deactivated_at=timezone.now()
    )
    _sign_in(page, base, organisation, sub)
    expect(page.locator(".ds-alert")).to_contain_text("deaktivert")
    axe(page)
