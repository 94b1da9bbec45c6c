"""A municipality's people: units (enheter), members and their roles, and their sessions.

Every change is a domain event in the same transaction. The organisation keeps at least one
active administrator: the last one cannot be demoted or deactivated, by themselves or
anyone (LastAdministratorError, shown at the form). Deactivating a member ends every
session they are signed in with at once (the UserSession index, written at login).
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actions import PortalAction
from portal.events import record_change, record_event, snapshot
from portal.models import Membership, Organisation, Role, Unit, User, UserSession

UNIT_FIELDS = ("name", "short_name", "parent", "is_active")
MEMBER_FIELDS = ("role", "unit", "is_active")


class LastAdministratorError(ValidationError):
    """The change would leave the organisation without an active administrator."""


# Units ---------------------------------------------------------------------------------


def check_unit_parent(
    *, unit: Unit | None, parent: Unit | None, organisation: Organisation
) -> None:
    """A parent of the same organisation that is neither the unit nor below it (no cycles)."""
    if parent is None:
        return
    if parent.organisation_id != organisation.pk:
        raise ValidationError({"parent": _("Velg en enhet i denne organisasjonen.")})
    if unit is None or unit.pk is None:
        return
    parents = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "parent_id"))
    current: int | None = parent.pk
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == unit.pk:
            raise ValidationError(
                {
                    "parent": _(
                        "En enhet kan ikke ligge under seg selv eller en av sine underenheter."
                    )
                }
            )
        seen.add(current)
        current = parents.get(current)


def check_unit_name(*, unit: Unit | None, name: str, organisation: Organisation) -> None:
    clash = Unit.objects.filter(organisation=organisation, name__iexact=name.strip())
    if unit is not None and unit.pk is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError({"name": _("Det finnes allerede en enhet med dette navnet.")})


@transaction.atomic
def create_unit(
    *,
    organisation: Organisation,
    actor: User | None,
    name: str,
    short_name: str = "",
    parent: Unit | None = None,
) -> Unit:
    check_unit_name(unit=None, name=name, organisation=organisation)
    check_unit_parent(unit=None, parent=parent, organisation=organisation)
    unit = Unit.objects.create(
        organisation=organisation, name=name.strip(), short_name=short_name.strip(), parent=parent
    )
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortalAction.UNIT_CREATED,
        subject=unit,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def update_unit(*, unit: Unit, actor: User | None, **values: Any) -> Unit:
    """Rename, move under another parent, or retire (is_active) a unit."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    organisation = unit.organisation
    if "name" in values:
        check_unit_name(unit=unit, name=values["name"], organisation=organisation)
        values["name"] = values["name"].strip()
    if "parent" in values:
        check_unit_parent(unit=unit, parent=values["parent"], organisation=organisation)
    before = snapshot(unit, UNIT_FIELDS)
    for field, value in values.items():
        if field not in UNIT_FIELDS:
            raise TypeError(f"Not a unit field: {field}")
        setattr(unit, field, value)
    unit.save()
    record_change(
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
        organisation=organisation,
        actor=actor,
        action=PortalAction.UNIT_UPDATED,
        subject=unit,
        context={"name": unit.name},
    )
    return unit


# Members -------------------------------------------------------------------------------


def _keeps_an_administrator(membership: Membership, *, role: str, is_active: bool) -> None:
    """Refuse a change that would leave no active administrator (rows locked: two
    administrators demoting each other at once cannot both succeed)."""
    was_admin = membership.role == Role.ADMIN and membership.is_active
    stays_admin = role == Role.ADMIN and is_active
    if not was_admin or stays_admin:
        return
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if set(admins) <= {membership.pk}:
        raise LastAdministratorError(
            _(
                "Organisasjonen må ha minst én aktiv administrator. Gi en annen person "
                "rollen administrator først."
            )
        )


@transaction.atomic
def add_administrator(*, organisation: Organisation, user: User, actor: User | None) -> Membership:
    """Make `user` an active administrator (the operator's first administrator)."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Role.ADMIN}
    )
    before = {} if created else snapshot(membership, MEMBER_FIELDS)
    membership.role = Role.ADMIN
    membership.is_active = True
    membership.deactivated_at = None
    membership.save()
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortalAction.MEMBER_ADDED if created else PortalAction.MEMBER_UPDATED,
        subject=membership,
        before={"user": user.pk, **before},
        after={"user": user.pk, **snapshot(membership, MEMBER_FIELDS)},
    )
    return membership


@transaction.atomic
def update_member(
    *, membership: Membership, actor: User | None, role: str, unit: Unit | None
) -> Membership:
    """Change a member's role and unit."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise ValidationError({"role": _("Ukjent rolle.")})
    if unit is not None and unit.organisation_id != membership.organisation_id:
        raise ValidationError({"unit": _("Velg en enhet i denne organisasjonen.")})
    _keeps_an_administrator(membership, role=role, is_active=membership.is_active)
    before = snapshot(membership, MEMBER_FIELDS)
    membership.role = role
    membership.unit = unit
    membership.save(update_fields=["role", "unit"])
    record_change(
        before=before,
        after=snapshot(membership, MEMBER_FIELDS),
        organisation=membership.organisation,
        actor=actor,
        action=PortalAction.MEMBER_UPDATED,
        subject=membership,
        context={"user": membership.user_id},
    )
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership, actor: User | None) -> Membership:
    """The member can no longer use the organisation; their sessions end at once."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    _keeps_an_administrator(membership, role=membership.role, is_active=False)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    record_event(
        organisation=membership.organisation,
        actor=actor,
        action=PortalAction.MEMBER_DEACTIVATED,
        subject=membership,
        before={"user": membership.user_id, "is_active": True},
        after={"user": membership.user_id, "is_active": False},
    )
    user_id = membership.user_id
    transaction.on_commit(lambda: end_sessions(user_id=user_id))
    return membership


@transaction.atomic
def reactivate_member(*, membership: Membership, actor: User | None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    record_event(
        organisation=membership.organisation,
        actor=actor,
        action=PortalAction.MEMBER_REACTIVATED,
        subject=membership,
        before={"user": membership.user_id, "is_active": False},
        after={"user": membership.user_id, "is_active": True},
    )
    return membership


# Sessions ------------------------------------------------------------------------------


def end_sessions(*, user_id: int) -> int:
    """Delete every session the person is signed in with, in whichever store sessions live
    (SESSION_ENGINE); returns how many. Looks up only their own sessions in the index."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user_id=user_id, session_key__in=keys).delete()
    return len(keys)


@receiver(user_logged_in, dispatch_uid="portal.members.index_session")
def index_session(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Remember the new session's key; forget the person's keys older than any session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()
    UserSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "created_at": timezone.now()}
    )


@receiver(user_logged_out, dispatch_uid="portal.members.unindex_session")
def unindex_session(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
