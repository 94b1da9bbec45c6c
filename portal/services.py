"""Writes to the organisation/user core."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.actions import PortalAction
from portal.events import record_change, record_event, snapshot
from portal.models import Membership, Organisation, Role, Unit, User
from portal.signals import DEFAULT_PHASE_TEMPLATE, organisation_created, phase_template_chosen
from portal.statements import Statement, default_text

# What the operator sets on an organisation (portal.forms.OrganisationForm, the commands).
# Sign-in (Entra ID, local login) is portal.identity.configure_entra's, which keeps the
# organisation's allauth app in step with it.
ORGANISATION_FIELDS = ("name", "kommunenummer", "slug", "is_active")


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kommunenummer: str,
    slug: str,
    actor: User | None = None,
    phase_template: str = DEFAULT_PHASE_TEMPLATE,
    **options: Any,
) -> Organisation:
    """Create a municipality with every app's defaults (phases from `phase_template`, types,
    staircase…). `options` are the other ORGANISATION_FIELDS (whether it is active);
    a value the model refuses raises ValidationError and nothing is saved."""
    organisation = Organisation(name=name, kommunenummer=kommunenummer, slug=slug, **options)
    organisation.full_clean()
    organisation.save()
    organisation_created.send(
        sender=Organisation, organisation=organisation, phase_template=phase_template
    )
    record_event(
        organisation=organisation,
        actor=actor,
        action=PortalAction.ORGANISATION_CREATED,
        subject=organisation,
        after={**snapshot(organisation, ORGANISATION_FIELDS), "phase_template": phase_template},
    )
    return organisation


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    actor: User | None,
    phase_template: str | None = None,
    **values: Any,
) -> Organisation:
    """Change what the operator sets (ORGANISATION_FIELDS) and, if given, the phase
    template (the portfolio switches its phases); one event with what changed."""
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Not an organisation setting: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    for field, value in values.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    if phase_template is not None:
        phase_template_chosen.send(
            sender=Organisation,
            organisation=organisation,
            actor=actor,
            phase_template=phase_template,
        )
    record_change(
        before=before,
        after=snapshot(organisation, ORGANISATION_FIELDS),
        organisation=organisation,
        actor=actor,
        action=PortalAction.ORGANISATION_UPDATED,
        subject=organisation,
    )
    return organisation


@transaction.atomic
def ensure_organisation(*, name: str, kommunenummer: str, slug: str) -> Organisation:
    """The organisation with this kommunenummer, created or topped up with missing defaults."""
    organisation = Organisation.objects.filter(kommunenummer=kommunenummer).first()
    if organisation is None:
        return create_organisation(name=name, kommunenummer=kommunenummer, slug=slug)
    organisation_created.send(sender=Organisation, organisation=organisation)
    return organisation


@transaction.atomic
def add_member(
    *,
    organisation: Organisation,
    email: str,
    role: Role = Role.STAFF,
    first_name: str = "",
    last_name: str = "",
    unit: Unit | None = None,
    password: str | None = None,
) -> Membership:
    """Give a person (created if new) a role in the organisation."""
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValueError("The unit belongs to another organisation.")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, first_name=first_name, last_name=last_name)
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "unit": unit}
    )
    return membership


@transaction.atomic
def set_email_frequency(*, user: User, frequency: str) -> User:
    """Choose how the person hears about ideas they follow: immediate, daily or never.

    A personal preference, not part of any organisation's history, so no domain event.
    """
    user._meta.get_field("email_frequency").clean(frequency, user)  # refuses unknown values
    user.email_frequency = frequency
    user.save(update_fields=["email_frequency"])
    return user


@transaction.atomic
def set_statement(
    *, organisation: Organisation, actor: User, statement: Statement, text: str, url: str = ""
) -> Organisation:
    """Save the organisation's own accessibility or privacy statement (blank, or the default
    text unchanged, keeps the default). The accessibility statement also has its link to
    uustatus.no."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    text = text.replace("\r\n", "\n").strip()
    if text == default_text(statement, current.name).strip():
        text = ""
    fields = [statement.value]
    if statement is Statement.ACCESSIBILITY:
        fields.append("accessibility_statement_url")
    before = snapshot(current, fields)
    setattr(current, statement.value, text)
    if statement is Statement.ACCESSIBILITY:
        current.accessibility_statement_url = url
    current.full_clean()
    action = (
        PortalAction.ACCESSIBILITY_STATEMENT_CHANGED
        if statement is Statement.ACCESSIBILITY
        else PortalAction.PRIVACY_STATEMENT_CHANGED
    )
    if record_change(
        before=before,
        after=snapshot(current, fields),
        organisation=current,
        actor=actor,
        action=action,
        subject=current,
    ):
        current.save(update_fields=fields)
    return current
