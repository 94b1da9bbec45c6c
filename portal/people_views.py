"""The administrator's pages for the organisation's people (/organisasjon/…), the
invitation link, the organisation chooser, and the operator's organisation pages (/drift/…).

Each view calls one service (portal.members, portal.invitations, portal.services).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import identity, invitations, members
from portal.access import role_required
from portal.forms import AcceptInvitationForm, InviteForm, MemberForm, OrganisationForm, UnitForm
from portal.http import HtmxRequest
from portal.middleware import CHOSEN_ORGANISATION, chooser_view, operator_view
from portal.models import Invitation, Membership, Organisation, Role, Unit, User
from portal.services import ORGANISATION_FIELDS, create_organisation, update_organisation
from portal.signals import PHASE_TEMPLATES

ROWS_SALT = "portal.invite-rows"
MEMBERS_PER_PAGE = 50


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


def _act(
    request: HtmxRequest, action: Callable[[], object], *, done: str, back: str
) -> HttpResponse:
    """A button's POST: the service call, its refusal or `done` as a message, then `back`."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, done)
    return redirect(back)


# Units -----------------------------------------------------------------------------------


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def units(request: HtmxRequest) -> HttpResponse:
    """The units as a tree-ordered table, and the form to add one."""
    organisation = request.organisation
    form = UnitForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            unit = members.create_unit(
                organisation=organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
                short_name=form.cleaned_data["short_name"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Enheten %(name)s er opprettet.") % {"name": unit.name})
            return redirect("organisation:units")
    rows = (
        Unit.objects.filter(organisation=organisation)
        .select_related("parent")
        .annotate(member_count=Count("membership", filter=Q(membership__is_active=True)))
    )
    return render(request, "portal/unit_list.html", {"form": form, "rows": _tree(list(rows))})


def _tree(rows: list[Unit]) -> list[tuple[Unit, int]]:
    """Units with their depth, each parent before its children (a cycle cannot occur)."""
    children: dict[int | None, list[Unit]] = {}
    for unit in rows:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def unit_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk, organisation=request.organisation)
    form = UnitForm(request.POST or None, instance=unit, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            members.update_unit(
                unit=Unit.objects.get(pk=pk),
                actor=request.user,
                **{f: form.cleaned_data[f] for f in ("name", "short_name", "parent", "is_active")},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Enheten er lagret."))
            return redirect("organisation:units")
    return render(request, "portal/unit_form.html", {"form": form, "unit": unit})


# Members -----------------------------------------------------------------------------


@role_required(Role.ADMIN)
@require_http_methods(["GET"])
def member_list(request: HtmxRequest) -> HttpResponse:
    rows = (
        Membership.objects.filter(organisation=request.organisation)
        .select_related("user", "unit")
        .order_by("-is_active", "user__first_name", "user__last_name", "user__email", "pk")
    )
    page = Paginator(rows, MEMBERS_PER_PAGE).get_page(request.GET.get("side"))
    template = "portal/member_list_page.html" if request.htmx else "portal/member_list.html"
    return render(request, template, {"page": page})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def member_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "unit"), pk=pk, organisation=request.organisation
    )
    form = MemberForm(
        request.POST or None,
        organisation=request.organisation,
        initial={"role": membership.role, "unit": membership.unit},
    )
    if request.method == "POST" and form.is_valid():
        try:
            members.update_member(
                membership=membership,
                actor=request.user,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as error:
            form.add_error("role", _first_error(error))
        else:
            messages.success(request, _("Endringen er lagret."))
            return redirect("organisation:members")
    return render(request, "portal/member_form.html", {"form": form, "member": membership})


@require_POST
@role_required(Role.ADMIN)
def member_deactivate(request: HtmxRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, organisation=request.organisation)
    return _act(
        request,
        lambda: members.deactivate_member(membership=membership, actor=request.user),
        done=_("Medlemmet er deaktivert og logget ut."),
        back="organisation:members",
    )


@require_POST
@role_required(Role.ADMIN)
def member_reactivate(request: HtmxRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, organisation=request.organisation)
    return _act(
        request,
        lambda: members.reactivate_member(membership=membership, actor=request.user),
        done=_("Medlemmet er aktivt igjen."),
        back="organisation:members",
    )


# Invitations ----------------------------------------------------------------------------


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def invitation_list(request: HtmxRequest) -> HttpResponse:
    """Invite (preview, then confirm) and the invitations so far.

    The first POST reads the list and shows each row with its problem; nothing is saved.
    The preview carries the good rows signed; «Send invitasjonene» posts them back and
    they are checked once more before they are saved.
    """
    organisation = request.organisation
    preview: list[invitations.InviteRow] = []
    signed_rows = ""
    if request.method == "POST" and "rader" in request.POST:
        try:
            data = signing.loads(request.POST["rader"], salt=ROWS_SALT, max_age=3600)
            if data["organisation"] != organisation.pk:
                raise signing.BadSignature
            units = {u.pk: u for u in Unit.objects.filter(organisation=organisation)}
            rows = [
                invitations.InviteRow(
                    line=0, email=str(r["email"]), role=str(r["role"]), unit=units.get(r["unit"])
                )
                for r in data["rows"]
            ]
        except (signing.BadSignature, KeyError, TypeError):
            messages.error(request, _("Forhåndsvisningen var for gammel. Les inn lista på nytt."))
            return redirect("organisation:invitations")
        created = invitations.invite(organisation=organisation, actor=request.user, rows=rows)
        messages.success(request, _("%(count)s invitasjoner er sendt.") % {"count": len(created)})
        return redirect("organisation:invitations")
    form = InviteForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        preview = form.rows
        good = [row.as_data() for row in preview if row.ok]
        if good:
            signed_rows = signing.dumps(
                {"organisation": organisation.pk, "rows": good}, salt=ROWS_SALT
            )
    sent = (
        Invitation.objects.filter(organisation=organisation)
        .select_related("unit", "invited_by")
        .order_by("-created_at", "-id")[:200]
    )
    return render(
        request,
        "portal/invitation_list.html",
        {
            "form": form,
            "preview": preview,
            "good_count": sum(1 for row in preview if row.ok),
            "signed_rows": signed_rows,
            "rows": sent,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def invitation_resend(request: HtmxRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk, organisation=request.organisation)
    return _act(
        request,
        lambda: invitations.resend(invitation=invitation, actor=request.user),
        done=_("Invitasjonen er sendt på nytt. Den gamle lenken virker ikke lenger."),
        back="organisation:invitations",
    )


@require_POST
@role_required(Role.ADMIN)
def invitation_revoke(request: HtmxRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk, organisation=request.organisation)
    return _act(
        request,
        lambda: invitations.revoke(invitation=invitation, actor=request.user),
        done=_("Invitasjonen er trukket tilbake."),
        back="organisation:invitations",
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HtmxRequest, token: str) -> HttpResponse:
    """The link in the mail: set a password (a new person), or sign in and accept (someone
    with an account already). Entra ID sign-in reads the invitation from the session."""
    invitation = invitations.invitation_from_token(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    request.session[invitations.SESSION_KEY] = invitation.pk
    existing = User.objects.filter(email__iexact=invitation.email).first()
    organisation = invitation.organisation
    context: dict[str, object] = {
        "invitation": invitation,
        "existing": existing,
        # Entra ID sign-in, where the organisation has it, accepts the invitation in the
        # session (portal.identity); a password only where local login is on.
        "entra": identity.entra_app(organisation),
        "local_login": organisation.local_login_enabled or not organisation.entra_enabled,
    }
    if existing is not None:
        if request.method == "POST" and request.user.is_authenticated and request.user == existing:
            return _accepted(request, invitation, existing)
        return render(request, "portal/invitation_accept.html", context)
    if not context["local_login"]:
        return render(request, "portal/invitation_accept.html", context)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitations.accept_with_password(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return _welcome(request, membership)
    context["form"] = form
    return render(request, "portal/invitation_accept.html", context)


def _accepted(request: HtmxRequest, invitation: Invitation, user: User) -> HttpResponse:
    try:
        membership = invitations.accept_invitation(invitation, user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
        return redirect("home")
    return _welcome(request, membership)


def _welcome(request: HtmxRequest, membership: Membership) -> HttpResponse:
    request.session.pop(invitations.SESSION_KEY, None)
    request.session[CHOSEN_ORGANISATION] = membership.organisation_id
    messages.success(
        request, _("Velkommen til Nyttig i %(name)s!") % {"name": membership.organisation.name}
    )
    return redirect("home")


# Choosing the organisation ------------------------------------------------------------


@chooser_view
@require_http_methods(["GET", "POST"])
def organisation_choose(request: HtmxRequest) -> HttpResponse:
    """Someone in more than one organisation picks the one to work in (kept in the session)."""
    memberships = getattr(request, "memberships", [])
    if not memberships:
        raise PermissionDenied
    target = request.POST.get("neste") or request.GET.get("neste") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if request.method == "POST":
        chosen = next(
            (m for m in memberships if str(m.organisation_id) == request.POST.get("organisasjon")),
            None,
        )
        if chosen is None:
            messages.error(request, _("Velg en av organisasjonene dine."))
        else:
            request.session[CHOSEN_ORGANISATION] = chosen.organisation_id
            if chosen.organisation_id != getattr(request.organisation, "pk", None):
                target = ""  # the page was another organisation's
            return redirect(target or "home")
    return render(
        request, "portal/organisation_choose.html", {"memberships": memberships, "next": target}
    )


# The operator -------------------------------------------------------------------------


def _operator(request: HtmxRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


@operator_view
@require_http_methods(["GET"])
def operator_organisations(request: HtmxRequest) -> HttpResponse:
    _operator(request)
    rows = Organisation.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")
    return render(request, "portal/operator_organisations.html", {"rows": rows})


@operator_view
@require_http_methods(["GET", "POST"])
def operator_organisation_create(request: HtmxRequest) -> HttpResponse:
    _operator(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                organisation = create_organisation(
                    actor=request.user,
                    phase_template=data["phase_template"],
                    **{f: data[f] for f in ORGANISATION_FIELDS},
                )
                _save_sign_in(form, organisation, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s er opprettet.") % {"name": organisation.name})
            return redirect("operator:organisations")
    return render(request, "portal/operator_organisation_form.html", {"form": form})


@operator_view
@require_http_methods(["GET", "POST"])
def operator_organisation_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    _operator(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    current = _phase_template(organisation)
    form = OrganisationForm(request.POST or None, instance=organisation, phase_template=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                update_organisation(
                    organisation=Organisation.objects.get(pk=pk),
                    actor=request.user,
                    phase_template=data["phase_template"],
                    **{f: data[f] for f in ORGANISATION_FIELDS},
                )
                _save_sign_in(form, organisation, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("operator:organisations")
    return render(
        request, "portal/operator_organisation_form.html", {"form": form, "object": organisation}
    )


def _save_sign_in(form: OrganisationForm, organisation: Organisation, actor: User) -> None:
    """Entra ID and local login through identity.configure_entra, which keeps the
    organisation's allauth app (tenant-locked issuer, client id, secret) in step."""
    if not form.sign_in_changed():
        return
    data = form.cleaned_data
    try:
        identity.configure_entra(
            organisation=organisation,
            actor=actor,
            enabled=data["entra_enabled"],
            tenant_id=data["entra_tenant_id"],
            join=data["entra_join"],
            local_login_enabled=data["local_login_enabled"],
            client_id=data["entra_client_id"],
            secret=data["entra_client_secret"] or None,
        )
    except ValueError as error:  # the form checks the same; a race is not a 500
        raise ValidationError(str(error)) from error


def _phase_template(organisation: Organisation) -> str:
    settings = getattr(organisation, "portfolio_settings", None)
    value = getattr(settings, "phase_template", "")
    return value if value in PHASE_TEMPLATES else ""
