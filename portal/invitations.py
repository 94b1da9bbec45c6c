"""Invitations: invite by e-mail, the signed link, accept, resend and revoke.

Shared by the member administration and the Entra ID sign-in (which calls
`pending_invitation` and `accept_invitation`).

- **Invite**: `read_rows` turns a pasted list or an uploaded CSV/XLSX file (columns
  e-post, rolle, enhet) into rows, each with its problem, before anything is saved;
  `invite` saves the rows without problems, one event each.
- **The link** carries `signing.dumps` of the invitation's pk and `key`, valid for
  INVITATION_MAX_AGE and only while the row is open; `resend` rotates `key`, so an
  older link stops working.
- **The mail** has its row as the outbox, as ideas.emails does: claim (a lease on
  `claimed_until`), send with no transaction held, stamp `sent_at`; the beat task
  `portal.tasks.requeue_unsent_invitations` queues rows whose task never ran or failed.
"""

from __future__ import annotations

import csv
import io
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actions import PortalAction
from portal.events import record_event, snapshot
from portal.mail import send_templated
from portal.models import Invitation, Membership, Organisation, Role, Unit, User

# The invitation a visitor opened from their link, kept while they sign in with Entra ID.
SESSION_KEY = "nyttig_invitation"

INVITATION_MAX_AGE = timedelta(days=14)
TOKEN_SALT = "portal.invitation"
MAX_UPLOAD_BYTES = 1024 * 1024  # 1 MB: ten thousand rows of addresses fit easily
MAX_ROWS = 500
MAIL_LEASE = timedelta(minutes=3)  # as ideas.emails.lease(): longer than a mail task
SWEEP_AFTER = timedelta(minutes=1)

INVITATION_FIELDS = ("email", "role", "unit", "expires_at")
HEADERS = {
    "email": {"e-post", "epost", "e-postadresse", "email", "e-mail"},
    "role": {"rolle", "role"},
    "unit": {"enhet", "unit"},
}


# Reading the list ----------------------------------------------------------------------


@dataclass
class InviteRow:
    """One line of the list as read, with what it resolves to and its problems."""

    line: int
    email: str
    role_text: str = ""
    unit_text: str = ""
    role: str = ""
    unit: Unit | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_data(self) -> dict[str, object]:
        return {"email": self.email, "role": self.role, "unit": self.unit.pk if self.unit else None}


class UnreadableFile(ValueError):
    """The upload is not a CSV or XLSX file this can read; the message is for the user."""


def _cells_from_upload(upload: UploadedFile[bytes]) -> list[list[str]]:
    name = (upload.name or "").lower()
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise UnreadableFile(_("Filen er for stor. Den kan være på høyst 1 MB."))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableFile(_("Filen er for stor. Den kan være på høyst 1 MB."))
    if name.endswith(".xlsx"):
        return _cells_from_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        return _cells_from_text(text)
    raise UnreadableFile(_("Last opp en CSV-fil (.csv) eller et Excel-ark (.xlsx)."))


def _cells_from_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # A small file that unpacks to gigabytes is refused before openpyxl reads it.
            if sum(info.file_size for info in archive.infolist()) > 50 * MAX_UPLOAD_BYTES:
                raise UnreadableFile(_("Excel-arket er for stort."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=10, values_only=True):
            rows.append(["" if v is None else str(v).strip() for v in values])
        workbook.close()
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many kinds on a broken or foreign file
        raise UnreadableFile(
            _("Filen kunne ikke leses som et Excel-ark (.xlsx). Lagre den på nytt og prøv igjen.")
        ) from error
    return rows


def _cells_from_text(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.strip()][: MAX_ROWS + 2]
    if not lines:
        return []
    sample = "\n".join(lines[:5])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample:
        delimiter = "\t"
    return [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter=delimiter)]


def _columns(header: list[str]) -> dict[str, int] | None:
    lowered = [cell.strip().lower() for cell in header]
    found = {
        key: lowered.index(name)
        for key, names in HEADERS.items()
        for name in names
        if name in lowered
    }
    return found if "email" in found else None


def _role(text: str, default: str) -> str | None:
    if not text:
        return default
    lowered = text.strip().lower()
    for value, label in Role.choices:
        if lowered in {value, str(label).lower()}:
            return value
    return None


def read_rows(
    *,
    organisation: Organisation,
    text: str = "",
    upload: UploadedFile[bytes] | None = None,
    default_role: str = Role.STAFF,
    default_unit: Unit | None = None,
) -> list[InviteRow]:
    """The pasted list (one address a line, optionally «e-post; rolle; enhet») or the
    uploaded file, each row checked: a bad address, an unknown role or unit, someone
    already a member or invited, or an address twice in the list. Saves nothing.
    Raises UnreadableFile for a file that cannot be read."""
    cells = _cells_from_upload(upload) if upload is not None else _cells_from_text(text)
    columns = _columns(cells[0]) if cells else None
    start = 1 if columns else 0
    columns = columns or {"email": 0, "role": 1, "unit": 2}
    if len(cells) - start > MAX_ROWS:
        raise UnreadableFile(_("Lista har mer enn %(max)s rader. Del den opp.") % {"max": MAX_ROWS})

    units = {u.name.lower(): u for u in Unit.objects.filter(organisation=organisation)}
    units.update(
        {
            u.short_name.lower(): u
            for u in Unit.objects.filter(organisation=organisation)
            if u.short_name
        }
    )
    members = {
        e.lower()
        for e in Membership.objects.filter(organisation=organisation).values_list(
            "user__email", flat=True
        )
    }
    invited = {e.lower() for e in open_invitations(organisation).values_list("email", flat=True)}

    def cell(values: list[str], key: str) -> str:
        index = columns.get(key)
        return values[index].strip() if index is not None and index < len(values) else ""

    rows: list[InviteRow] = []
    seen: set[str] = set()
    for number, values in enumerate(cells[start:], start=start + 1):
        if not any(values):
            continue
        row = InviteRow(
            line=number,
            email=cell(values, "email")[:254],
            role_text=cell(values, "role")[:100],
            unit_text=cell(values, "unit")[:200],
        )
        address = row.email.lower()
        try:
            validate_email(row.email)
        except ValidationError:
            row.problems.append(_("Ugyldig e-postadresse"))
        role = _role(row.role_text, default_role)
        if role is None:
            row.problems.append(_("Ukjent rolle «%(role)s»") % {"role": row.role_text})
        else:
            row.role = role
        if row.unit_text:
            row.unit = units.get(row.unit_text.lower())
            if row.unit is None:
                row.problems.append(_("Ukjent enhet «%(unit)s»") % {"unit": row.unit_text})
        else:
            row.unit = default_unit
        if address in members:
            row.problems.append(_("Er allerede medlem"))
        elif address in invited:
            row.problems.append(_("Er allerede invitert"))
        if address in seen:
            row.problems.append(_("Står mer enn én gang i lista"))
        seen.add(address)
        row.email = address
        rows.append(row)
    return rows


# Writing -------------------------------------------------------------------------------


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    )


def _queue_mail(invitation_id: int) -> None:
    """After commit; a broker that cannot be reached leaves the row to the sweep."""
    from portal.celery import enqueue_on_commit
    from portal.tasks import send_invitation_mail

    enqueue_on_commit(send_invitation_mail, invitation_id)


@transaction.atomic
def invite(
    *, organisation: Organisation, actor: User | None, rows: list[InviteRow]
) -> list[Invitation]:
    """Save an invitation for each row without problems (the mail is queued on commit).
    Rows are checked again, so a stale preview cannot invite a member twice."""
    rows = [row for row in rows if row.ok]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows([r.email, r.role, r.unit.name if r.unit else ""] for r in rows)
    again = read_rows(organisation=organisation, text=buffer.getvalue())
    created = []
    for row in again:
        if not row.ok:
            continue
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    organisation=organisation,
                    email=row.email,
                    role=row.role,
                    unit=row.unit,
                    invited_by=actor,
                    key=secrets.token_urlsafe(32),
                    expires_at=timezone.now() + INVITATION_MAX_AGE,
                )
        except IntegrityError:  # invited by someone else a moment ago
            continue
        record_event(
            organisation=organisation,
            actor=actor,
            action=PortalAction.INVITATION_CREATED,
            subject=invitation,
            after=snapshot(invitation, INVITATION_FIELDS),
        )
        _queue_mail(invitation.pk)
        created.append(invitation)
    return created


@transaction.atomic
def resend(*, invitation: Invitation, actor: User | None) -> Invitation:
    """A new key (the old link stops working), a new expiry, and the mail again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("Invitasjonen er allerede akseptert eller trukket tilbake."))
    invitation.key = secrets.token_urlsafe(32)
    invitation.expires_at = timezone.now() + INVITATION_MAX_AGE
    invitation.sent_at = None
    invitation.claimed_until = None
    invitation.send_attempts = 0
    invitation.last_error = ""
    invitation.save()
    record_event(
        organisation=invitation.organisation,
        actor=actor,
        action=PortalAction.INVITATION_RESENT,
        subject=invitation,
        after={"email": invitation.email, "expires_at": invitation.expires_at},
    )
    _queue_mail(invitation.pk)
    return invitation


@transaction.atomic
def revoke(*, invitation: Invitation, actor: User | None) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("Invitasjonen er allerede akseptert."))
    if invitation.revoked_at:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        organisation=invitation.organisation,
        actor=actor,
        action=PortalAction.INVITATION_REVOKED,
        subject=invitation,
        after={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Make `user` a member with the invitation's role and unit, in one transaction with its
    domain event; an invitation already accepted, revoked or expired is refused."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("Invitasjonen er ikke lenger gyldig. Be om en ny."))
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation_id=invitation.organisation_id,
        defaults={"role": invitation.role, "unit": invitation.unit},
    )
    if not created and not membership.is_active:
        raise ValidationError(_("Medlemskapet ditt i organisasjonen er deaktivert."))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        organisation=invitation.organisation,
        actor=user,
        action=PortalAction.INVITATION_ACCEPTED,
        subject=invitation,
        after={"email": invitation.email, "membership": membership.pk, "role": membership.role},
    )
    return membership


@transaction.atomic
def accept_with_password(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> Membership:
    """A new person: their account (the invitation's address), then the membership."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("Det finnes allerede en konto med denne adressen. Logg inn."))
    user = User.objects.create_user(
        invitation.email, password, first_name=first_name.strip(), last_name=last_name.strip()
    )
    return accept_invitation(invitation, user)


# The link ------------------------------------------------------------------------------


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=TOKEN_SALT)


def invitation_url(invitation: Invitation) -> str:
    return f"{settings.SITE_URL}{reverse('invitation_accept', args=[make_token(invitation)])}"


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation the token names, or None (bad signature, too old, key rotated,
    accepted, revoked or expired)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=INVITATION_MAX_AGE)
        pk, key = int(data["i"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    invitation = (
        Invitation.objects.select_related("organisation", "unit").filter(pk=pk, key=key).first()
    )
    if invitation is None or not invitation.is_open or not invitation.organisation.is_active:
        return None
    return invitation


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The open, unexpired invitation whose link this browser opened, if any."""
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    invitation = Invitation.objects.select_related("organisation", "unit").filter(pk=pk).first()
    if invitation is None or not invitation.is_open or not invitation.organisation.is_active:
        return None
    return invitation


# The mail (outbox) ---------------------------------------------------------------------


def send_invitation(*, invitation_id: int) -> bool:
    """Claim, send, stamp; returns whether this call sent the mail. A failure drops the
    claim and records the error, and reaches the caller (the task retries)."""
    now = timezone.now()
    claimed = (
        Invitation.objects.filter(
            pk=invitation_id,
            sent_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + MAIL_LEASE)
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    try:
        send_templated(
            name="portal/invitation",
            to=[invitation.email],
            context={
                "invitation": invitation,
                "url": invitation_url(invitation),
                "days": INVITATION_MAX_AGE.days,
            },
        )
    except BaseException as error:
        Invitation.objects.filter(pk=invitation_id).update(
            claimed_until=None,
            send_attempts=invitation.send_attempts + 1,
            last_error=f"{type(error).__name__}: {error}"[:1000],
        )
        raise
    Invitation.objects.filter(pk=invitation_id).update(
        sent_at=timezone.now(), claimed_until=None, send_attempts=invitation.send_attempts + 1
    )
    return True


def unsent_invitations(*, now: datetime) -> list[int]:
    """Open invitations older than SWEEP_AFTER whose mail is unsent and unclaimed."""
    return list(
        Invitation.objects.filter(
            sent_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            created_at__lt=now - SWEEP_AFTER,
            expires_at__gt=now,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
