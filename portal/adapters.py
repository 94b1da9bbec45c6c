"""allauth's adapters: invite-only local accounts with logged failures, and Entra ID sign-in
locked to each organisation's tenant (portal.identity)."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import Form
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import identity
from portal.logs import account_key
from portal.models import User

logger = logging.getLogger("nyttig.auth")


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Staff get accounts from their municipality's administrator; nobody signs up alone."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "For mange mislykkede innlogginger med denne e-postadressen. Vent fem minutter "
            "og prøv igjen, eller bruk «Glemt passordet?»."
        ),
        "email_password_mismatch": _("E-postadressen eller passordet er feil."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # A failed password is logged by portal.logs (Django's user_login_failed); a refusal
        # before the password is even checked is logged here, the account as portal.logs names it.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            logger.warning(
                "Sign-in refused: too many failed attempts",
                extra={
                    "event": "login_rate_limited",
                    "account": account_key(str(credentials.get("email") or "")),
                },
            )
            raise


class EntraSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Entra ID logins: checked by `identity.admit` before allauth logs anyone in."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if not identity.is_entra(sociallogin):
            raise ImmediateHttpResponse(_refused(request, identity.Refusal.NOT_ENABLED, None))
        try:
            admission = identity.admit(request, sociallogin)
            if admission.user is not None:
                identity.join(
                    request, admission=admission, user=admission.user, sociallogin=sociallogin
                )
        except identity.SignInRefused as refusal:
            claims = identity.claims_of(sociallogin)
            identity.log_refusal(
                refusal, provider=sociallogin.account.provider, tenant=claims.get("tid")
            )
            raise ImmediateHttpResponse(
                _refused(request, refusal.reason, refusal.organisation)
            ) from refusal
        # A new person: allauth creates the user next (save_user), which joins them. allauth
        # makes a new adapter for each call, so the decision travels on the login itself.
        sociallogin.nyttig_admission = admission

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount: Any) -> str:
        return str(reverse("notification_settings"))

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Only a person `admit` let through reaches sign-up; everyone else was refused.
        return identity.is_entra(sociallogin) and hasattr(sociallogin, "nyttig_admission")

    def save_user(
        self, request: HttpRequest, sociallogin: SocialLogin, form: Form | None = None
    ) -> User:
        admission: identity.Admission = sociallogin.nyttig_admission
        try:
            with transaction.atomic():
                user: User = super().save_user(request, sociallogin, form)
                identity.join(
                    request, admission=admission, user=user, sociallogin=sociallogin,
                    new_user=True,
                )  # fmt: skip
        except IntegrityError:
            # The same person's first sign-in finished in another window (or tab) between
            # `admit` and here: that one made the user and the account. Nothing of this
            # attempt is kept; signing in again finds the account.
            logger.info(
                "Simultaneous first sign-in with Entra ID",
                extra={"event": "login_entra_simultaneous"},
            )
            message = _(
                "Du ble logget inn fra et annet vindu samtidig, og kontoen din er nå klar. "
                "Logg inn på nytt for å fortsette."
            )
            raise ImmediateHttpResponse(
                _not_signed_in(request, message, admission.organisation, status=409)
            ) from None
        return user

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        user = super().populate_user(request, sociallogin, data)
        claims = identity.claims_of(sociallogin)
        user.email = identity.email_from(claims)
        user.first_name = str(claims.get("given_name") or "")[:150]
        user.last_name = str(claims.get("family_name") or "")[:150]
        if not (user.first_name or user.last_name) and claims.get("name"):
            first, _space, last = str(claims["name"]).rpartition(" ")
            user.first_name, user.last_name = (first or last)[:150], (last if first else "")[:150]
        identity.keep_only_ids(sociallogin)  # before allauth stores the account
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        logger.warning(
            "Sign-in with Entra ID failed",
            extra={
                "event": "login_entra_error",
                "provider": getattr(getattr(provider, "app", None), "provider_id", None),
                "error": str(error),
                "exception": type(exception).__name__ if exception else None,
            },
        )


def _refused(request: HttpRequest, reason: identity.Refusal, organisation: Any) -> Any:
    return _not_signed_in(request, reason.label, organisation, status=403)


def _not_signed_in(request: HttpRequest, message: Any, organisation: Any, *, status: int) -> Any:
    """«Du ble ikke logget inn», why, and the way back to the (organisation's) login."""
    return render(
        request,
        "account/signin_refused.html",
        {"message": message, "refused_organisation": organisation},
        status=status,
    )
