"""The organisation/user core: municipalities, units, people, roles and the event log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class EmailFrequency(models.TextChoices):
    """How a person hears about the ideas they submitted or follow (ideas.notifications)."""

    IMMEDIATE = "immediate", _("Med en gang")
    DAILY = "daily", _("Daglig sammendrag")
    NEVER = "never", _("Aldri")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address."""

    email = models.EmailField(_("e-postadresse"), unique=True)
    first_name = models.CharField(_("fornavn"), max_length=150, blank=True)
    last_name = models.CharField(_("etternavn"), max_length=150, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Django's flag for the admin site; unrelated to the «ansatt» role in an organisation.
    is_staff = models.BooleanField(_("tilgang til admin"), default=False)
    date_joined = models.DateTimeField(_("registrert"), default=timezone.now)
    # Set when an administrator erased the person (GDPR art. 17): name and e-mail are then a
    # neutral marker, everywhere (see portal.privacy and docs/privacy.md).
    erased_at = models.DateTimeField(_("slettet"), null=True, blank=True)
    email_frequency = models.CharField(
        _("e-postvarsler"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class EntraJoin(models.TextChoices):
    INVITED = "invited", _("Bare inviterte personer")
    TENANT = "tenant", _("Alle i leietakeren, som ansatt")


class Organisation(models.Model):
    """A municipality (kommune). Every domain object belongs to exactly one."""

    name = models.CharField(_("navn"), max_length=200)
    kommunenummer = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummeret har fire siffer."))],
    )
    slug = models.SlugField(_("kortnavn"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    # Sign-in. Entra ID (Microsoft) through allauth's OpenID Connect provider, one app per
    # organisation, locked to this tenant (portal.identity).
    entra_enabled = models.BooleanField(_("innlogging med Entra ID"), default=False)
    entra_tenant_id = models.CharField(
        _("Entra ID-leietaker (tenant-ID)"),
        max_length=36,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                _("Tenant-ID-en er en GUID, for eksempel 72f988bf-86f1-41af-91ab-2d7cd011db47."),
            )
        ],
    )
    entra_join = models.CharField(
        _("hvem kan bli med via Entra ID"),
        max_length=10,
        choices=EntraJoin.choices,
        default=EntraJoin.INVITED,
    )
    local_login_enabled = models.BooleanField(
        _("innlogging med e-post og passord"),
        default=True,
        help_text=_("Slå av når alle medlemmene logger inn med Entra ID."),
    )

    # The pages the law requires, in the organisation's own words (blank: the default text).
    accessibility_statement = models.TextField(_("tilgjengelighetserklæring"), blank=True)
    accessibility_statement_url = models.URLField(
        _("lenke til erklæringen i uustatus.no"), blank=True
    )
    privacy_statement = models.TextField(_("personvernerklæring"), blank=True)

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An enhet or tjenesteområde inside one organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisasjon")
    )
    name = models.CharField(_("navn"), max_length=200)
    short_name = models.CharField(_("kortnavn"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("overordnet enhet"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("Ansatt")
    BOARD = "board", _("Porteføljestyret")
    LEADER = "leader", _("Leder")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A user's place in an organisation, with the role that decides what they may do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.STAFF)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("enhet")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A deactivated member keeps the row (their ideas and decisions name them) but cannot
    # sign in to this organisation; their sessions end at once (portal.members).
    is_active = models.BooleanField(_("aktiv"), default=True)
    deactivated_at = models.DateTimeField(_("deaktivert"), null=True, blank=True)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def has_role(self, *roles: Role) -> bool:
        """Administrators may do everything; others only what their role allows."""
        return self.role == Role.ADMIN or self.role in roles


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation with a role; also the mail's outbox.

    The link carries a signed token (pk and `key`) that expires at `expires_at`; resending
    rotates `key`, so an older link stops working. Accepted by setting a password or by
    signing in with Entra ID (portal.invitations).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-postadresse"))
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.STAFF)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("enhet")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("utløper"))
    # The outbox: a row with sent_at null is mail still to send.
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    accepted_at = models.DateTimeField(_("akseptert"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    # A worker's lease on the unsent mail (claim, send, stamp: portal.invitations).
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and organisation.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked, and not past its expiry."""
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    def get_status_display(self) -> str:
        if self.accepted_at:
            return str(_("Akseptert"))
        if self.revoked_at:
            return str(_("Trukket tilbake"))
        if self.expires_at <= timezone.now():
            return str(_("Utløpt"))
        if self.sent_at is None:
            return str(_("Venter på utsending"))
        return str(_("Sendt"))


class UserSession(models.Model):
    """Which sessions a person is signed in with, so that deactivating a member ends them at
    once without scanning every session of the site (portal.members.end_sessions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_index"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.session_key[:6]}…"


class DomainEvent(models.Model):
    """An append-only record of a change: who, when, what, and the state before and after.

    Written by the services in the same transaction as the change itself. Rows are never
    updated or deleted (the model refuses, and on PostgreSQL a trigger refuses too), with
    one exception: erasing a person (portal.privacy) redacts their data from before/after,
    which the trigger allows only then (migration 0005), and which is itself recorded.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=100)
    subject_type = models.CharField(max_length=100)
    subject_id = models.BigIntegerField()
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("hendelse")
        verbose_name_plural = _("hendelser")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "occurred_at"]),
            models.Index(fields=["organisation", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}#{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Domain events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Domain events are append-only.")
