"""Sign-in: Entra ID (Microsoft) through allauth's OpenID Connect provider, and the rules
for who may sign in to which organisation (docs/architecture.md, «Sign-in»).

Each organisation with Entra ID has one allauth `SocialApp` (provider ``openid_connect``,
provider id ``entra-<slug>``) made from its fields by `configure_entra`. The app is locked
to the organisation's tenant three times over: it talks to the tenant's own authority, the
ID token's issuer must be that authority (allauth checks it against the pinned issuer), and
`admit` checks the token's `tid` claim again before a login is accepted. A person is keyed
by the app and the token's object id (`oid`), never by e-mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import invitations
from portal.events import record_event, snapshot
from portal.middleware import CHOSEN_ORGANISATION
from portal.models import EntraJoin, Invitation, Membership, Organisation, Role, User

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin
    from django.utils.functional import _StrPromise

logger = logging.getLogger("nyttig.auth")

PROVIDER = "openid_connect"
PROVIDER_ID_PREFIX = "entra-"
# The organisation's fields that decide sign-in; an event records those that changed.
SIGN_IN_FIELDS = ("entra_enabled", "entra_tenant_id", "entra_join", "local_login_enabled")


class IdentityAction(models.TextChoices):
    SIGN_IN_CHANGED = "organisation.sign_in_changed", _("%(who)s endret innloggingen.")
    JOINED_BY_ENTRA = "membership.joined_by_entra", _("%(who)s ble med via Entra ID.")
    ENTRA_LINKED = "user.entra_linked", _("%(who)s koblet kontoen til Entra ID.")


class Refusal(models.TextChoices):
    """Why a sign-in was refused; the label is what the person reads."""

    NOT_ENABLED = "not_enabled", _("Innlogging med Entra ID er ikke slått på for denne kommunen.")
    WRONG_TENANT = (
        "wrong_tenant",
        _(
            "Du logget inn med en konto fra en annen organisasjon i Microsoft enn den kommunen "
            "bruker. Logg inn med jobbkontoen din i kommunen."
        ),
    )
    NOT_INVITED = (
        "not_invited",
        _(
            "Du er ikke invitert til Nyttig i denne kommunen. Be en administrator om en "
            "invitasjon, og åpne lenken i e-posten før du logger inn."
        ),
    )
    MEMBER_DEACTIVATED = (
        "member_deactivated",
        _("Medlemskapet ditt i denne kommunen er deaktivert. Kontakt en administrator."),
    )
    USER_DEACTIVATED = "user_deactivated", _("Kontoen din er deaktivert. Kontakt en administrator.")
    NO_EMAIL = (
        "no_email",
        _("Microsoft-kontoen din har ingen e-postadresse Nyttig kan bruke. Kontakt IT."),
    )
    EMAIL_TAKEN = (
        "email_taken",
        _(
            "Det finnes allerede en Nyttig-konto med e-postadressen din som ikke er koblet til "
            "Entra ID. Logg inn med e-post og passord én gang, og velg «Koble til Entra ID» "
            "på siden «E-postvarsler». Har du ikke passord, kontakt en administrator."
        ),
    )
    CONNECTED_OTHER = (
        "connected_other",
        _("Denne Microsoft-kontoen er allerede koblet til en annen Nyttig-konto."),
    )
    LOCAL_LOGIN_OFF = (
        "local_login_off",
        _(
            "Kommunen din bruker Entra ID. Logg inn med «Logg inn med Entra ID» i stedet for "
            "passord."
        ),
    )


class SignInRefused(Exception):
    def __init__(self, reason: Refusal, organisation: Organisation | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.organisation = organisation

    @property
    def message(self) -> _StrPromise | str:
        return self.reason.label


def log_refusal(refusal: SignInRefused, **extra: Any) -> None:
    """A refused sign-in as a structured event (no tokens, no passwords)."""
    organisation = refusal.organisation
    logger.warning(
        "Sign-in refused",
        extra={
            "event": "login_refused",
            "reason": refusal.reason.value,
            "organisation": organisation.slug if organisation else None,
            **extra,
        },
    )


# The app per organisation -----------------------------------------------------------------


def provider_id_for(organisation: Organisation) -> str:
    return f"{PROVIDER_ID_PREFIX}{organisation.slug}"


def authority_for(tenant_id: str) -> str:
    """The tenant's v2.0 authority, which is also the ID token's issuer."""
    return settings.ENTRA_AUTHORITY.format(tenant=tenant_id.lower())


def entra_app(organisation: Organisation) -> SocialApp | None:
    """The organisation's app, found by the organisation's id (its slug may have changed)."""
    for app in SocialApp.objects.filter(provider=PROVIDER, provider_id__startswith="entra-"):
        if app.settings.get("organisation_id") == organisation.pk:
            return app
    return None


@transaction.atomic
def configure_entra(
    *,
    organisation: Organisation,
    actor: User | None,
    enabled: bool,
    tenant_id: str = "",
    join: str = EntraJoin.INVITED,
    local_login_enabled: bool = True,
    client_id: str = "",
    secret: str | None = None,
    authority: str | None = None,
) -> SocialApp | None:
    """Turn Entra ID sign-in on or off for an organisation and keep its allauth app in step.

    The organisation's fields and its app change in one transaction with one event; the
    secret is stored on the app (`SocialApp.secret`) and never in an event. `secret=None`
    keeps the one stored. Turning Entra ID off removes the app (its login URL is then a 404)
    and turns local login back on, so nobody is locked out.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, SIGN_IN_FIELDS)
    app = entra_app(organisation)
    before["client_id"] = app.client_id if app else ""
    organisation.entra_enabled = enabled
    organisation.entra_tenant_id = tenant_id.strip().lower() if enabled else ""
    organisation.entra_join = join
    organisation.local_login_enabled = local_login_enabled or not enabled
    if enabled and not organisation.entra_tenant_id:
        raise ValueError("Entra ID needs the tenant id.")
    if enabled and not (client_id or (app and app.client_id)):
        raise ValueError("Entra ID needs the client id of the app registration.")
    organisation.full_clean()
    organisation.save(update_fields=list(SIGN_IN_FIELDS))
    secret_changed = False
    if not enabled:
        if app is not None:
            app.delete()
        app = None
    else:
        url = authority or authority_for(organisation.entra_tenant_id)
        if app is None:
            app = SocialApp(provider=PROVIDER, provider_id=provider_id_for(organisation))
        app.name = f"Entra ID {organisation.name}"[:40]
        app.client_id = client_id or app.client_id
        if secret is not None:
            secret_changed = secret != app.secret
            app.secret = secret
        app.settings = {
            "organisation_id": organisation.pk,
            "server_url": url,
            # The ID token's issuer must be the tenant's own, whatever discovery says.
            "openid_configuration_overrides": {"issuer": url},
            "oauth_pkce_enabled": True,
            # Entra's userinfo endpoint has neither `tid` nor `oid`: read the ID token.
            "fetch_userinfo": False,
            "uid_field": "oid",
            "token_auth_method": "client_secret_post",
            "scope": ["openid", "profile", "email"],
        }
        app.save()
    after = snapshot(organisation, SIGN_IN_FIELDS)
    after["client_id"] = app.client_id if app else ""
    changed = [key for key in after if before.get(key) != after[key]]
    if changed or secret_changed:
        record_event(
            organisation=organisation,
            actor=actor,
            action=IdentityAction.SIGN_IN_CHANGED,
            subject=organisation,
            before={key: before.get(key) for key in changed},
            after={**{key: after[key] for key in changed}, "secret_changed": secret_changed},
        )
    return app


def entra_organisations() -> models.QuerySet[Organisation]:
    """Organisations whose people can sign in with Entra ID (shown on the login page)."""
    return Organisation.objects.filter(is_active=True, entra_enabled=True).order_by("name")


# Who may sign in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Admission:
    """What `admit` decided: the organisation, the person if they have an account, and the
    invitation they join by (none: they are a member already, or join as staff)."""

    organisation: Organisation
    user: User | None
    invitation: Invitation | None


def organisation_for_app(app: SocialApp) -> Organisation | None:
    pk = app.settings.get("organisation_id")
    return Organisation.objects.filter(pk=pk).first() if pk else None


def is_entra(sociallogin: SocialLogin) -> bool:
    return str(sociallogin.account.provider).startswith(PROVIDER_ID_PREFIX)


def claims_of(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    return dict(data.get("id_token") or {})


# What of the ID token is kept on the account (SocialAccount.extra_data): the ids, no name
# or address (those are on the user, where erasure replaces them).
KEPT_CLAIMS = ("iss", "tid", "oid", "sub")


def keep_only_ids(sociallogin: SocialLogin) -> None:
    claims = claims_of(sociallogin)
    sociallogin.account.extra_data = {
        "id_token": {name: claims[name] for name in KEPT_CLAIMS if name in claims}
    }


def email_from(claims: dict[str, Any]) -> str:
    """The person's address: `email`, or Entra's sign-in name when that is an address."""
    for name in ("email", "preferred_username", "upn"):
        value = str(claims.get(name) or "").strip().lower()
        if "@" in value and " " not in value and len(value) <= 254:
            return value
    return ""


def _pending_invitation(request: HttpRequest, organisation: Organisation) -> Invitation | None:
    try:
        invitation = invitations.pending_invitation(request)
    except NotImplementedError:  # until the member administration fills the interface
        return None
    if invitation is None or invitation.organisation_id != organisation.pk:
        return None
    return invitation


def _same_person_elsewhere(app: SocialApp, oid: str) -> User | None:
    """The user this tenant's object id already signs in as through another organisation's
    app with the same issuer (two organisations in one tenant): the same person."""
    issuer = app.settings.get("server_url")
    providers = [
        other.provider_id
        for other in SocialApp.objects.filter(provider=PROVIDER, provider_id__startswith="entra-")
        if other.pk != app.pk and other.settings.get("server_url") == issuer
    ]
    account = (
        SocialAccount.objects.filter(provider__in=providers, uid=oid).select_related("user").first()
    )
    return account.user if account else None


def admit(request: HttpRequest, sociallogin: SocialLogin) -> Admission:
    """Decide whether this Entra ID login may go on; raises `SignInRefused` if not.

    Runs before allauth logs anyone in or creates anything (pre_social_login).
    """
    app = sociallogin.account.get_provider().app
    organisation = organisation_for_app(app)
    if organisation is None or not organisation.entra_enabled or not organisation.is_active:
        raise SignInRefused(Refusal.NOT_ENABLED, organisation)
    claims = claims_of(sociallogin)
    tenant = str(claims.get("tid") or "").lower()
    issuer = str(claims.get("iss") or "")
    if tenant != organisation.entra_tenant_id.lower() or issuer != app.settings.get("server_url"):
        raise SignInRefused(Refusal.WRONG_TENANT, organisation)
    oid = str(claims.get("oid") or "")
    if not oid:
        raise SignInRefused(Refusal.WRONG_TENANT, organisation)
    user: User | None = sociallogin.user if sociallogin.is_existing else None
    if sociallogin.state.get("process") == "connect" and request.user.is_authenticated:
        # A signed-in person links their account («Koble til Entra ID»): the account is
        # theirs by their password, the Microsoft identity by this login.
        if user is not None and user.pk != request.user.pk:
            raise SignInRefused(Refusal.CONNECTED_OTHER, organisation)
        user = User.objects.get(pk=request.user.pk)
    if user is None:
        user = _same_person_elsewhere(app, oid)
    if user is None:
        email = str(sociallogin.user.email or "")  # from the claims, by populate_user
        if not email:
            raise SignInRefused(Refusal.NO_EMAIL, organisation)
        # Never matched by e-mail: an address alone does not prove it is the same person.
        if User.objects.filter(email__iexact=email).exists():
            raise SignInRefused(Refusal.EMAIL_TAKEN, organisation)
        sociallogin.user.email = email
        sociallogin.email_addresses = [EmailAddress(email=email, verified=True, primary=True)]
    elif not user.is_active:
        raise SignInRefused(Refusal.USER_DEACTIVATED, organisation)
    membership = (
        Membership.objects.filter(user=user, organisation=organisation).first() if user else None
    )
    if membership is not None:
        if not membership.is_active:
            raise SignInRefused(Refusal.MEMBER_DEACTIVATED, organisation)
        return Admission(organisation, user, None)
    invitation = _pending_invitation(request, organisation)
    if invitation is None and organisation.entra_join != EntraJoin.TENANT:
        raise SignInRefused(Refusal.NOT_INVITED, organisation)
    return Admission(organisation, user, invitation)


@transaction.atomic
def join(
    request: HttpRequest,
    *,
    admission: Admission,
    user: User,
    sociallogin: SocialLogin,
    new_user: bool = False,
) -> Membership | None:
    """Link the Entra ID account to `user` the first time it signs in, and make the
    admitted person a member: by their invitation, or as staff just in time (the
    organisation lets anyone from its tenant in). No membership when they already are one.

    For a new person allauth has just saved the user and the account; for a known person
    signing in through this organisation's app for the first time the account is linked here.
    """
    organisation = admission.organisation
    # Signed in through this organisation's app: it is the one they work in now.
    request.session[CHOSEN_ORGANISATION] = organisation.pk
    first_time = new_user or sociallogin.account.pk is None
    if sociallogin.account.pk is None:
        sociallogin.connect(request, user)
    if first_time:
        record_event(
            organisation=organisation,
            actor=user,
            action=IdentityAction.ENTRA_LINKED,
            subject=user,
            after={"provider": sociallogin.account.provider},
        )
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return None
    if admission.invitation is not None:
        membership = invitations.accept_invitation(admission.invitation, user)
        request.session.pop(invitations.SESSION_KEY, None)  # the link has done its work
        _welcome(request, organisation)
        return membership
    # get_or_create: a second sign-in at the same moment finds the first one's membership.
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Role.STAFF}
    )
    if not created:
        return None
    record_event(
        organisation=organisation,
        actor=user,
        action=IdentityAction.JOINED_BY_ENTRA,
        subject=membership,
        after=snapshot(membership, ["user", "role"]),
    )
    _welcome(request, organisation)
    return membership


def _welcome(request: HttpRequest, organisation: Organisation) -> None:
    messages.success(
        request, gettext("Velkommen til Nyttig i %(name)s!") % {"name": organisation.name}
    )


def may_connect(user: User, organisation: Organisation | None) -> SocialApp | None:
    """The organisation's app, when this member could link their account to Entra ID."""
    if organisation is None or not organisation.entra_enabled:
        return None
    app = entra_app(organisation)
    if app is None or SocialAccount.objects.filter(user=user, provider=app.provider_id).exists():
        return None
    return app


def refuses_local_login(user: User) -> Organisation | None:
    """The organisation that has turned password login off for this member, if any.

    An organisation's rule wins over another's: a person in two organisations, one of which
    signs in only with Entra ID, uses Entra ID. Operators (superusers) are not members and
    always keep their password.
    """
    if user.is_superuser:
        return None
    membership = (
        Membership.objects.filter(
            user=user, is_active=True, organisation__local_login_enabled=False
        )
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None
