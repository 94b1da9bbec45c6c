"""Entra ID sign-in against a real local OpenID Connect provider (tests/oidc.py), local login
turned off, and the organisation's own sign-in page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from portal import invitations
from portal.identity import IdentityAction, configure_entra
from portal.models import (
    DomainEvent,
    EntraJoin,
    Membership,
    Organisation,
    Role,
    User,
)
from portal.services import add_member
from tests.oidc import OTHER_TENANT, TENANT, Provider, enable_entra, running_provider, sign_in


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def entra(organisation: Organisation, provider: Provider) -> str:
    return enable_entra(organisation, provider)


def _refused_with(response, text: str) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 403 and text in response.content.decode()


def test_configure_entra_makes_one_locked_app_and_an_event(
    organisation: Organisation, provider: Provider
) -> None:
    provider_id = enable_entra(organisation, provider)
    enable_entra(organisation, provider)  # again: still one app
    app = SocialApp.objects.get(provider="openid_connect")
    assert provider_id == app.provider_id == f"entra-{organisation.slug}"
    assert app.secret == "test-secret"
    assert app.settings["oauth_pkce_enabled"] is True
    assert app.settings["openid_configuration_overrides"] == {"issuer": provider.url}
    assert app.settings["uid_field"] == "oid"
    events = DomainEvent.objects.filter(action=IdentityAction.SIGN_IN_CHANGED)
    assert events.count() == 1  # the second call changed nothing
    assert "test-secret" not in str(events.get().after)
    assert organisation.entra_tenant_id == TENANT


def test_the_default_authority_is_the_tenants_v2_endpoint(organisation: Organisation) -> None:
    app = configure_entra(
        organisation=organisation,
        actor=None,
        enabled=True,
        tenant_id=TENANT.upper(),
        client_id="client",
    )
    assert app is not None
    url = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    assert app.settings["server_url"] == url
    assert app.settings["openid_configuration_overrides"]["issuer"] == url


def test_turning_entra_off_removes_the_app_and_restores_local_login(
    organisation: Organisation, provider: Provider
) -> None:
    enable_entra(organisation, provider, local_login=False)
    configure_entra(organisation=organisation, actor=None, enabled=False)
    organisation.refresh_from_db()
    assert not SocialApp.objects.exists()
    assert organisation.local_login_enabled and not organisation.entra_enabled


def test_the_command_reads_the_secret_from_the_environment(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENTRA_CLIENT_SECRET", "from-env")
    call_command(
        "configure_entra", organisation.slug, "--tenant", TENANT, "--client-id", "abc", "--join",
        "tenant",
    )  # fmt: skip
    app = SocialApp.objects.get()
    organisation.refresh_from_db()
    assert (app.client_id, app.secret, organisation.entra_join) == ("abc", "from-env", "tenant")


def test_first_and_repeat_login_of_a_member_is_one_user(
    entra: str, provider: Provider, organisation: Organisation
) -> None:
    sub = provider.person("kari.nordmann@kommune.example")
    organisation.entra_join = EntraJoin.TENANT
    organisation.save()
    response = sign_in(Client(), provider, entra, sub)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="kari.nordmann@kommune.example")
    assert (user.first_name, user.last_name) == ("Kari", "Nordmann")
    assert not user.has_usable_password()
    again = Client()
    response = sign_in(again, provider, entra, sub)
    assert response.status_code == 302
    assert again.get(reverse("home")).wsgi_request.user == user
    assert User.objects.filter(email=user.email).count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1
    account = SocialAccount.objects.get(user=user)
    assert account.provider == entra and account.uid == account.extra_data["id_token"]["oid"]
    # Only the ids are kept with the account: name and address live on the user alone.
    assert set(account.extra_data["id_token"]) == {"iss", "tid", "oid", "sub"}
    assert Membership.objects.filter(user=user, organisation=organisation).count() == 1


def test_tenant_join_makes_a_staff_member_with_an_event(
    organisation: Organisation, provider: Provider
) -> None:
    provider_id = enable_entra(organisation, provider, join=EntraJoin.TENANT)
    response = sign_in(
        Client(), provider, provider_id, provider.person("ny.ansatt@kommune.example")
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ny.ansatt@kommune.example")
    assert membership.role == Role.STAFF and membership.organisation == organisation
    joined = DomainEvent.objects.get(action=IdentityAction.JOINED_BY_ENTRA)
    assert (joined.subject_id, joined.actor_id) == (membership.pk, membership.user_id)
    assert DomainEvent.objects.filter(action=IdentityAction.ENTRA_LINKED).count() == 1


def test_another_tenant_is_refused(
    entra: str, provider: Provider, organisation: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    organisation.entra_join = EntraJoin.TENANT
    organisation.save()
    sub = provider.person("ola@annen.example", tenant=OTHER_TENANT)
    with caplog.at_level(logging.WARNING, logger="nyttig.auth"):
        response = sign_in(Client(), provider, entra, sub)
    assert _refused_with(response, "en annen organisasjon i Microsoft")
    assert not User.objects.filter(email="ola@annen.example").exists()
    record = next(r for r in caplog.records if r.name == "nyttig.auth")
    assert (record.event, record.reason, record.tenant) == (  # type: ignore[attr-defined]
        "login_refused",
        "wrong_tenant",
        OTHER_TENANT,
    )


def test_uninvited_person_is_refused_while_invitations_are_required(
    entra: str, provider: Provider
) -> None:
    response = sign_in(Client(), provider, entra, provider.person("fremmed@kommune.example"))
    assert _refused_with(response, "Du er ikke invitert")
    assert not User.objects.filter(email="fremmed@kommune.example").exists()


def _linked_member(provider: Provider, provider_id: str, organisation: Organisation) -> User:
    """A person who has signed in with Entra ID once (the tenant let them in)."""
    organisation.entra_join = EntraJoin.TENANT
    organisation.save()
    sub = provider.person("per.hansen@kommune.example")
    assert sign_in(Client(), provider, provider_id, sub).status_code == 302
    organisation.entra_join = EntraJoin.INVITED
    organisation.save()
    return User.objects.get(email=sub)


def test_deactivated_member_is_refused(
    entra: str, provider: Provider, organisation: Organisation
) -> None:
    user = _linked_member(provider, entra, organisation)
    Membership.objects.filter(user=user).update(is_active=False, deactivated_at=timezone.now())
    response = sign_in(Client(), provider, entra, user.email)
    assert _refused_with(response, "Medlemskapet ditt i denne kommunen er deaktivert")


def test_deactivated_user_is_refused(
    entra: str, provider: Provider, organisation: Organisation
) -> None:
    user = _linked_member(provider, entra, organisation)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = sign_in(Client(), provider, entra, user.email)
    assert _refused_with(response, "Kontoen din er deaktivert")


def test_an_existing_account_with_the_same_email_is_never_taken_over(
    entra: str, provider: Provider, organisation: Organisation, alice: User
) -> None:
    organisation.entra_join = EntraJoin.TENANT
    organisation.save()
    response = sign_in(Client(), provider, entra, provider.person(alice.email))
    assert _refused_with(response, "allerede en Nyttig-konto")
    assert not SocialAccount.objects.exists()


def test_a_member_with_a_password_connects_entra_then_signs_in_with_it(
    entra: str,
    provider: Provider,
    organisation: Organisation,
    alice: User,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(alice)
    settings_page = client.get(reverse("notification_settings")).content.decode()
    assert "Koble til Entra ID" in settings_page
    sub = provider.person(alice.email)
    response = sign_in(client, provider, entra, sub, process="connect")
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_settings")
    assert SocialAccount.objects.get(provider=entra).user == alice
    assert "Koble til Entra ID" not in client.get(reverse("notification_settings")).content.decode()
    fresh = Client()
    assert sign_in(fresh, provider, entra, sub).status_code == 302
    assert fresh.get(reverse("home")).wsgi_request.user == alice


def test_an_entra_identity_linked_to_someone_else_cannot_be_connected(
    entra: str,
    provider: Provider,
    organisation: Organisation,
    alice: User,
    client_for: Callable[[User | None], Client],
) -> None:
    other = _linked_member(provider, entra, organisation)
    response = sign_in(client_for(alice), provider, entra, other.email, process="connect")
    assert _refused_with(response, "allerede koblet til en annen Nyttig-konto")
    assert SocialAccount.objects.get(provider=entra).user == other


def test_the_same_person_in_two_organisations_of_one_tenant_is_one_user(
    organisation: Organisation, other_organisation: Organisation, provider: Provider
) -> None:
    first = enable_entra(organisation, provider, join=EntraJoin.TENANT)
    second = enable_entra(other_organisation, provider, join=EntraJoin.TENANT)
    sub = provider.person("delt@region.example")
    assert sign_in(Client(), provider, first, sub).status_code == 302
    assert sign_in(Client(), provider, second, sub).status_code == 302
    user = User.objects.get(email=sub)
    assert set(user.memberships.values_list("organisation", flat=True)) == {
        organisation.pk,
        other_organisation.pk,
    }
    assert SocialAccount.objects.filter(user=user).count() == 2


def test_an_invited_person_joins_by_their_invitation(
    entra: str, provider: Provider, organisation: Organisation, admin: User
) -> None:
    [row] = invitations.read_rows(organisation=organisation, text="invitert@kommune.example;board")
    [invitation] = invitations.invite(organisation=organisation, actor=admin, rows=[row])
    client = Client()
    # The link in the mail: the page offers Entra ID and keeps the invitation in the session.
    page = client.get(reverse("invitation_accept", args=[invitations.make_token(invitation)]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Logg inn med Entra ID" in html
    assert reverse("openid_connect_login", args=[entra]) in html
    response = sign_in(client, provider, entra, provider.person("invitert@kommune.example"))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitations.SESSION_KEY not in client.session
    membership = Membership.objects.get(user__email="invitert@kommune.example")
    assert membership.role == Role.BOARD
    assert invitation.accepted_by == membership.user


def test_an_organisation_without_local_login_offers_only_entra_on_the_invitation(
    entra: str, organisation: Organisation, admin: User
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(local_login_enabled=False)
    [row] = invitations.read_rows(organisation=organisation, text="ny@kommune.example")
    [invitation] = invitations.invite(organisation=organisation, actor=admin, rows=[row])
    url = reverse("invitation_accept", args=[invitations.make_token(invitation)])
    html = Client().get(url).content.decode()
    assert "Logg inn med Entra ID" in html and 'name="password1"' not in html
    refused = Client().post(
        url,
        {"first_name": "Ny", "last_name": "Person", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert refused.status_code == 200
    assert not User.objects.filter(email="ny@kommune.example").exists()


def test_an_app_of_no_organisation_is_refused(
    provider: Provider, organisation: Organisation
) -> None:
    provider_id = enable_entra(organisation, provider, join=EntraJoin.TENANT)
    Organisation.objects.filter(pk=organisation.pk).update(entra_enabled=False)
    response = sign_in(Client(), provider, provider_id, provider.person("x@kommune.example"))
    assert _refused_with(response, "ikke slått på")


# Local login turned off ---------------------------------------------------------------------


def _password_login(email: str, password: str = "pw"):  # type: ignore[no-untyped-def]
    return Client().post(reverse("account_login"), {"login": email, "password": password})


def test_local_login_off_refuses_a_members_password_and_points_to_entra(
    organisation: Organisation, provider: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    add_member(organisation=organisation, email="m@kommune.example", password="pw")
    enable_entra(organisation, provider, local_login=False)
    with caplog.at_level(logging.WARNING, logger="nyttig.auth"):
        response = _password_login("m@kommune.example")
    assert response.status_code == 200
    assert "Logg inn med Entra ID" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    assert any(getattr(r, "reason", "") == "local_login_off" for r in caplog.records)


def test_local_login_off_leaves_operators_and_other_organisations_alone(
    organisation: Organisation, other_organisation: Organisation, provider: Provider
) -> None:
    User.objects.create_superuser("operator@nyttig.example", "pw")
    add_member(organisation=other_organisation, email="lunner@kommune.example", password="pw")
    enable_entra(organisation, provider, local_login=False)
    assert _password_login("operator@nyttig.example").status_code == 302
    assert _password_login("lunner@kommune.example").status_code == 302


# The organisation's sign-in page ------------------------------------------------------------


def test_the_organisations_page_offers_entra_and_the_login_page_links_to_it(
    entra: str, organisation: Organisation, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    with django_assert_max_num_queries(3):
        page = client.get(reverse("account_login_organisation", args=[organisation.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("openid_connect_login", args=[entra]) in html
    assert 'name="password"' in html
    login = client.get(reverse("account_login")).content.decode()
    assert reverse("account_login_organisation", args=[organisation.slug]) in login


def test_the_organisations_page_without_local_login_has_no_password_form(
    organisation: Organisation, provider: Provider
) -> None:
    enable_entra(organisation, provider, local_login=False)
    html = Client().get(reverse("account_login_organisation", args=[organisation.slug]))
    assert 'name="password"' not in html.content.decode()


def test_an_unknown_organisations_page_is_404(db: None) -> None:
    assert (
        Client().get(reverse("account_login_organisation", args=["finnes-ikke"])).status_code == 404
    )


def test_the_login_page_query_count_does_not_grow_with_organisations(
    db: None, provider: Provider
) -> None:
    from portal.services import create_organisation

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            Client().get(reverse("account_login"))
        return len(queries)

    first = create_organisation(name="A kommune", kommunenummer="0001", slug="a")
    enable_entra(first, provider)
    one = count()
    for n in range(2, 5):
        org = create_organisation(name=f"K{n}", kommunenummer=f"000{n}", slug=f"k{n}")
        configure_entra(organisation=org, actor=None, enabled=True, tenant_id=TENANT, client_id="c")
    assert count() == one


def test_a_token_from_another_issuer_is_refused(
    organisation: Organisation, provider: Provider
) -> None:
    """The app pins the issuer it expects: a provider whose tokens name another issuer (here
    the local one, while the app expects the tenant's Microsoft issuer) signs nobody in."""
    provider_id = enable_entra(organisation, provider, join=EntraJoin.TENANT)
    app = SocialApp.objects.get(provider_id=provider_id)
    expected = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    app.settings["openid_configuration_overrides"] = {"issuer": expected}
    app.save()
    response = sign_in(Client(), provider, provider_id, provider.person("iss@kommune.example"))
    assert response.status_code == 401
    assert "Innloggingen med Entra ID mislyktes" in response.content.decode()
    assert not User.objects.filter(email="iss@kommune.example").exists()


def test_cancelling_at_the_provider_says_so_in_norwegian(entra: str, provider: Provider) -> None:
    client = Client()
    start = client.post(reverse("openid_connect_login", args=[entra]), {"process": "login"})
    denied = requests.post(
        start["Location"], data={"action": "deny"}, allow_redirects=False, timeout=5
    )
    back = urlsplit(denied.headers["Location"])
    response = client.get(f"{back.path}?{back.query}", follow=True)
    assert "Du avbrøt innloggingen med Entra ID" in response.content.decode()


def test_microsoft_out_of_reach_is_a_page_that_says_so_not_a_500(
    organisation: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    app = configure_entra(
        organisation=organisation,
        actor=None,
        enabled=True,
        tenant_id=TENANT,
        client_id="nittedal-app",
        authority="http://127.0.0.1:9/",  # nothing listens: the configuration cannot be had
    )
    assert app is not None
    response = Client().post(
        reverse("openid_connect_login", args=[app.provider_id]), {"process": "login"}
    )
    assert response.status_code == 503
    assert "Vi fikk ikke kontakt med Microsoft" in response.content.decode()
    assert "login_entra_unreachable" in caplog.text or "Entra ID unreachable" in caplog.text


def test_two_first_sign_ins_of_one_person_at_once_make_one_user_and_no_500(
    entra: str, provider: Provider, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two windows finish the same new person's first sign-in at once: both pass `admit`
    before either has saved. The second to save meets the first one's rows; it says so in
    Bokmål and sends the person to sign in again (which then finds the account)."""
    from portal.adapters import EntraSocialAccountAdapter

    organisation.entra_join = EntraJoin.TENANT
    organisation.save()
    sub = provider.person("samtidig.person@kommune.example")
    first, second = Client(), Client()
    starts = []
    for client in (first, second):
        start = client.post(reverse("openid_connect_login", args=[entra]), {"process": "login"})
        back = urlsplit(provider.authorize(start["Location"], sub))
        starts.append(f"{back.path}?{back.query}")
    save_user = EntraSocialAccountAdapter.save_user
    raced: list[int] = []

    def save_after_the_other_window(self, request, sociallogin, form=None):  # type: ignore[no-untyped-def]
        if not raced:
            raced.append(0)
            raced[0] = second.get(starts[1]).status_code  # the other window wins
        return save_user(self, request, sociallogin, form)

    monkeypatch.setattr(EntraSocialAccountAdapter, "save_user", save_after_the_other_window)
    response = first.get(starts[0])
    assert raced == [302]
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "samtidig" in page
        and reverse("account_login_organisation", args=[organisation.slug]) in page
    )
    assert User.objects.filter(email="samtidig.person@kommune.example").count() == 1
    assert SocialAccount.objects.filter(provider=entra).count() == 1
    assert Membership.objects.filter(user__email="samtidig.person@kommune.example").count() == 1
    monkeypatch.setattr(EntraSocialAccountAdapter, "save_user", save_user)
    again = sign_in(first, provider, entra, sub)  # signing in again now just works
    assert again.status_code == 302 and again["Location"] == reverse("home")
