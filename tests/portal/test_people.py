"""Organisations, units, members and invitations: the services, the forms with hostile
input, the views, the invitation mail's outbox, ending sessions, and a person in two
organisations who sees only the chosen one."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from ideas.models import Idea
from portal import identity, invitations, members
from portal.celery import app
from portal.models import DomainEvent, Invitation, Membership, Organisation, Role, Unit, User
from portal.services import add_member, create_organisation
from portal.tasks import requeue_unsent_invitations, send_invitation_mail
from portfolio.models import Phase, PortfolioSettings

PASSWORD = "Et-godt-passord-2026"


@pytest.fixture
def tasks_run_in_process() -> Iterator[None]:
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile("liste.xlsx", data.getvalue())


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The operator ---------------------------------------------------------------------------


def test_the_command_creates_an_organisation_with_its_phase_template_and_an_admin(
    db: None,
) -> None:
    call_command(
        "organisation",
        "create",
        "--name",
        "Lillestrøm kommune",
        "--kommunenummer",
        "3205",
        "--slug",
        "lillestrom",
        "--phase-template",
        "digdir",
    )
    organisation = Organisation.objects.get(kommunenummer="3205")
    assert PortfolioSettings.objects.get(organisation=organisation).phase_template == "digdir"
    assert Phase.objects.filter(organisation=organisation, name="Konsept").exists()
    assert DomainEvent.objects.filter(action="portal.organisation_created").count() == 1
    call_command("create_admin", "3205", "ada@lillestrom.example", "--invite")
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.role == Role.ADMIN
    with pytest.raises(CommandError, match="fire siffer"):
        call_command(
            "organisation", "create", "--name", "X", "--kommunenummer", "32", "--slug", "x"
        )
    call_command(
        "configure_entra",
        "lillestrom",
        "--tenant",
        "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "--client-id",
        "lillestrom-app",
    )
    organisation.refresh_from_db()
    assert organisation.entra_enabled
    out = io.StringIO()
    call_command("organisation", "list", stdout=out)
    assert "3205\tlillestrom\tLillestrøm kommune" in out.getvalue()


def test_create_admin_with_a_password_makes_an_administrator(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NYTTIG_PASSWORD", PASSWORD)
    call_command("create_admin", organisation.kommunenummer, "Ada@Example.org", "--password")
    membership = Membership.objects.get(user__email="ada@example.org")
    assert membership.role == Role.ADMIN
    assert membership.user.check_password(PASSWORD)


def test_the_operator_page_creates_and_edits_an_organisation(
    operator: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = logged_in(operator)
    response = client.post(
        reverse("operator:organisation_create"),
        {
            "name": "Lillestrøm kommune",
            "kommunenummer": "3205",
            "slug": "lillestrom",
            "is_active": "on",
            "entra_join": "invited",
            "local_login_enabled": "on",
            "phase_template": "ks_veikart",
        },
    )
    assert response.status_code == 302, response.content.decode()
    organisation = Organisation.objects.get(slug="lillestrom")
    bad = client.post(
        reverse("operator:organisation_edit", args=[organisation.pk]),
        {
            "name": "Lillestrøm kommune",
            "kommunenummer": "32O5",
            "slug": "lillestrom",
            "entra_enabled": "on",
            "entra_join": "invited",
            "phase_template": "ks_veikart",
        },
    )
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "Kommunenummeret har fire siffer." in page
    assert "Oppgi tenant-ID-en" in page
    assert "Oppgi klient-ID-en" in page
    assert 'value="32O5"' in page  # nothing typed is lost
    # Entra ID on: the organisation's allauth app is made with it, locked to the tenant.
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    on = client.post(
        reverse("operator:organisation_edit", args=[organisation.pk]),
        {
            "name": "Lillestrøm kommune",
            "kommunenummer": "3205",
            "slug": "lillestrom",
            "is_active": "on",
            "entra_enabled": "on",
            "entra_tenant_id": tenant,
            "entra_client_id": "lillestrom-app",
            "entra_client_secret": "s3cr3t-verdi",
            "entra_join": "invited",
            "local_login_enabled": "on",
            "phase_template": "ks_veikart",
        },
    )
    assert on.status_code == 302, on.content.decode()
    app = identity.entra_app(Organisation.objects.get(pk=organisation.pk))
    assert app is not None and (app.client_id, app.secret) == ("lillestrom-app", "s3cr3t-verdi")
    assert app.settings["server_url"] == f"https://login.microsoftonline.com/{tenant}/v2.0"
    form = client.get(reverse("operator:organisation_edit", args=[organisation.pk]))
    assert "s3cr3t-verdi" not in form.content.decode()  # the secret is never shown again
    # Local login off without Entra ID would lock everyone out: refused at the field.
    off = client.post(
        reverse("operator:organisation_create"),
        {
            "name": "Nes kommune",
            "kommunenummer": "3228",
            "slug": "nes",
            "is_active": "on",
            "entra_join": "invited",
            "phase_template": "ks_veikart",
        },
    )
    assert off.status_code == 200
    assert "kan bare slås av når Entra ID er slått på" in off.content.decode()
    # session, user, memberships, organisations
    with django_assert_num_queries(4):
        client.get(reverse("operator:organisations"))
    for number in range(10):
        create_organisation(name=f"K{number}", kommunenummer=f"99{number:02}", slug=f"k{number}")
    with django_assert_num_queries(4):
        assert client.get(reverse("operator:organisations")).status_code == 200


def test_the_operator_reaches_only_the_operator_pages(
    operator: User, organisation: Organisation
) -> None:
    client = logged_in(operator)
    assert client.get(reverse("home")).status_code == 403
    assert client.get(reverse("ideas:list")).status_code == 403
    assert client.get(reverse("operator:organisations")).status_code == 200


# Units ----------------------------------------------------------------------------------


def test_units_have_unique_names_and_no_cycles(organisation: Organisation, admin: User) -> None:
    helse = members.create_unit(organisation=organisation, actor=admin, name="Helse")
    hjemme = members.create_unit(
        organisation=organisation, actor=admin, name="Hjemmetjenesten", parent=helse
    )
    with pytest.raises(ValidationError):
        members.create_unit(organisation=organisation, actor=admin, name="helse")
    with pytest.raises(ValidationError):
        members.update_unit(unit=helse, actor=admin, parent=hjemme)
    with pytest.raises(ValidationError):
        members.update_unit(unit=helse, actor=admin, parent=helse)
    assert DomainEvent.objects.filter(action="portal.unit_created").count() == 2


def test_the_unit_form_shows_a_cycle_at_the_field(organisation: Organisation, admin: User) -> None:
    helse = members.create_unit(organisation=organisation, actor=admin, name="Helse")
    hjemme = members.create_unit(
        organisation=organisation, actor=admin, name="Hjemme", parent=helse
    )
    response = logged_in(admin).post(
        reverse("organisation:unit_edit", args=[helse.pk]),
        {"name": "Helse", "parent": hjemme.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "kan ikke ligge under seg selv" in response.content.decode()


def test_the_unit_list_pins_its_queries(
    organisation: Organisation, admin: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = logged_in(admin)
    members.create_unit(organisation=organisation, actor=admin, name="Helse")
    # session, user, memberships, units, the form's parent choices
    with django_assert_num_queries(5):
        client.get(reverse("organisation:units"))
    for number in range(10):
        members.create_unit(organisation=organisation, actor=admin, name=f"Enhet {number}")
    with django_assert_num_queries(5):
        assert client.get(reverse("organisation:units")).status_code == 200


# Members ------------------------------------------------------------------------------


def test_the_last_administrator_cannot_be_demoted_or_deactivated(
    organisation: Organisation, admin: User, alice: User
) -> None:
    mine = Membership.objects.get(user=admin)
    with pytest.raises(members.LastAdministratorError):
        members.update_member(membership=mine, actor=admin, role=Role.STAFF, unit=None)
    with pytest.raises(members.LastAdministratorError):
        members.deactivate_member(membership=mine, actor=admin)
    response = logged_in(admin).post(
        reverse("organisation:member_edit", args=[mine.pk]), {"role": "staff"}
    )
    assert "minst én aktiv administrator" in response.content.decode()
    alices = Membership.objects.get(user=alice)
    members.update_member(membership=alices, actor=admin, role=Role.ADMIN, unit=None)
    members.update_member(membership=mine, actor=admin, role=Role.STAFF, unit=None)
    assert DomainEvent.objects.filter(action="portal.member_updated").count() == 2


@pytest.mark.django_db(transaction=True)
def test_deactivating_a_member_ends_their_sessions_at_once(
    organisation: Organisation, admin: User, alice: User
) -> None:
    alice.set_password(PASSWORD)
    alice.save()
    browser = Client()
    assert (
        browser.post(
            reverse("account_login"), {"login": alice.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert browser.get(reverse("ideas:list")).status_code == 200
    other_person = Client()
    other_person.force_login(admin)
    before = Session.objects.count()
    response = logged_in(admin).post(
        reverse("organisation:member_deactivate", args=[Membership.objects.get(user=alice).pk])
    )
    assert response.status_code == 302
    assert Session.objects.count() == before  # alice's one gone, the admin's new one added
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store(session_key=browser.cookies[settings.SESSION_COOKIE_NAME].value).exists(
        browser.cookies[settings.SESSION_COOKIE_NAME].value
    )
    assert browser.get(reverse("ideas:list")).status_code == 302  # back to the login page
    # Signing in again gets her nowhere in this organisation.
    browser.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert browser.get(reverse("ideas:list")).status_code == 403
    assert other_person.get(reverse("ideas:list")).status_code == 200


def test_the_member_list_pins_its_queries(
    organisation: Organisation, admin: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = logged_in(admin)
    # session, user, memberships, the count, the page
    with django_assert_num_queries(5):
        client.get(reverse("organisation:members"))
    for number in range(60):
        add_member(organisation=organisation, email=f"p{number:02}@nittedal.example")
    with django_assert_num_queries(5):
        response = client.get(reverse("organisation:members"))
    html = response.content.decode()
    assert "61 medlemmer" in html and "Side 1 av 2" in html
    assert len(re.findall(r'id="member-\d+"', html)) == 50  # a page, not all of them
    with django_assert_num_queries(5):
        second = client.get(reverse("organisation:members") + "?side=2", HTTP_HX_REQUEST="true")
    assert "<html" not in second.content.decode() and "Side 2 av 2" in second.content.decode()


# Invitations: reading the list -----------------------------------------------------------


def test_the_preview_shows_each_rows_problem_and_saves_nothing(
    organisation: Organisation, admin: User, alice: User, unit: Unit
) -> None:
    invitations.invite(
        organisation=organisation,
        actor=admin,
        rows=invitations.read_rows(organisation=organisation, text="invitert@nittedal.example"),
    )
    upload = xlsx(
        [
            ["E-post", "Rolle", "Enhet"],
            ["ny@nittedal.example", "Leder", "Hjemmetjenesten"],
            ["ikke-en-adresse", "", ""],
            ["rolle@nittedal.example", "Sjef", ""],
            ["enhet@nittedal.example", "", "Finnes ikke"],
            [alice.email, "", ""],
            ["invitert@nittedal.example", "", ""],
            ["NY@nittedal.example", "", ""],
            ['=HYPERLINK("http://evil")', "", ""],
        ]
    )
    response = logged_in(admin).post(
        reverse("organisation:invitations"), {"file": upload, "role": "staff"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    for problem in (
        "Ugyldig e-postadresse",
        "Ukjent rolle «Sjef»",
        "Ukjent enhet «Finnes ikke»",
        "Er allerede medlem",
        "Er allerede invitert",
        "Står mer enn én gang i lista",
    ):
        assert problem in page, problem
    assert "1 person kan inviteres" in page
    assert Invitation.objects.count() == 1
    signed = page.split('name="rader" value="')[1].split('"')[0]
    logged_in(admin).post(reverse("organisation:invitations"), {"rader": signed})
    invitation = Invitation.objects.get(email="ny@nittedal.example")
    assert invitation.role == Role.LEADER and invitation.unit == unit
    assert DomainEvent.objects.filter(action="portal.invitation_created").count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("liste.pdf", b"%PDF-1.4"), "CSV-fil"),
        (SimpleUploadedFile("liste.xlsx", b"not a zip file"), "kunne ikke leses"),
        (SimpleUploadedFile("liste.csv", b"a@b.no\n" * 200_000), "for stor"),
        (SimpleUploadedFile("liste.csv", b"x@y.no\n" * 600), "mer enn 500"),
        (SimpleUploadedFile("liste.csv", b"\xff\xfe\x00garbage"), "Ugyldig e-postadresse"),
    ],
)
def test_hostile_files_get_a_message_at_the_field(
    organisation: Organisation, admin: User, upload: SimpleUploadedFile, message: str
) -> None:
    response = logged_in(admin).post(
        reverse("organisation:invitations"),
        {"file": upload, "role": "staff", "emails": "typed@nittedal.example"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert Invitation.objects.count() == 0


def test_a_tampered_preview_is_refused(organisation: Organisation, admin: User) -> None:
    response = logged_in(admin).post(reverse("organisation:invitations"), {"rader": "tull"})
    assert response.status_code == 302
    assert Invitation.objects.count() == 0


def test_the_invitation_list_pins_its_queries(
    organisation: Organisation, admin: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = logged_in(admin)
    # session, user, memberships, the form's units, invitations
    with django_assert_num_queries(5):
        client.get(reverse("organisation:invitations"))
    text = "\n".join(f"p{n}@nittedal.example" for n in range(10))
    invitations.invite(
        organisation=organisation,
        actor=admin,
        rows=invitations.read_rows(organisation=organisation, text=text),
    )
    with django_assert_num_queries(5):
        assert client.get(reverse("organisation:invitations")).status_code == 200


# Invitations: the link, accepting, resend and revoke --------------------------------------


def _invite(organisation: Organisation, admin: User, email: str) -> Invitation:
    rows = invitations.read_rows(organisation=organisation, text=email)
    return invitations.invite(organisation=organisation, actor=admin, rows=rows)[0]


def test_a_new_person_accepts_with_a_password_and_lands_in_the_portal(
    organisation: Organisation, admin: User
) -> None:
    invitation = _invite(organisation, admin, "ny@nittedal.example")
    url = reverse("invitation_accept", args=[invitations.make_token(invitation)])
    client = Client()
    weak = client.post(
        url, {"first_name": "Nina", "last_name": "Ny", "password1": "123", "password2": "123"}
    )
    assert weak.status_code == 200 and 'value="Nina"' in weak.content.decode()
    response = client.post(
        url, {"first_name": "Nina", "last_name": "Ny", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("ideas:list")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert Membership.objects.get(user__email="ny@nittedal.example").role == Role.STAFF
    assert client.get(url).status_code == 404  # used once


def test_someone_with_an_account_signs_in_and_accepts(
    organisation: Organisation, other_organisation: Organisation, admin: User, charlie: User
) -> None:
    invitation = _invite(organisation, admin, charlie.email)
    url = reverse("invitation_accept", args=[invitations.make_token(invitation)])
    assert "Logg inn" in Client().get(url).content.decode()
    client = logged_in(charlie)
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=charlie).count() == 2


def test_resend_rotates_the_key_and_revoke_kills_the_link(
    organisation: Organisation, admin: User
) -> None:
    invitation = _invite(organisation, admin, "ny@nittedal.example")
    old = reverse("invitation_accept", args=[invitations.make_token(invitation)])
    invitation = invitations.resend(invitation=invitation, actor=admin)
    new = reverse("invitation_accept", args=[invitations.make_token(invitation)])
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    invitations.revoke(invitation=invitation, actor=admin)
    assert Client().get(new).status_code == 404
    actions = set(DomainEvent.objects.values_list("action", flat=True))
    assert {"portal.invitation_resent", "portal.invitation_revoked"} <= actions


def test_the_link_expires(organisation: Organisation, admin: User) -> None:
    invitation = _invite(organisation, admin, "ny@nittedal.example")
    url = reverse("invitation_accept", args=[invitations.make_token(invitation)])
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert Client().get(url).status_code == 404
    assert Client().get(url + "x").status_code == 404


def test_pending_invitation_is_the_one_this_browser_opened(
    organisation: Organisation, admin: User, rf: Callable[..., object]
) -> None:
    invitation = _invite(organisation, admin, "ny@nittedal.example")
    client = Client()
    client.get(reverse("invitation_accept", args=[invitations.make_token(invitation)]))
    request = client.get(reverse("account_login")).wsgi_request
    assert invitations.pending_invitation(request) == invitation
    invitations.revoke(invitation=invitation, actor=admin)
    assert invitations.pending_invitation(request) is None


# The invitation mail's outbox ------------------------------------------------------------


def test_the_mail_stays_unsent_while_the_mail_server_is_down_and_the_sweep_sends_it(
    organisation: Organisation,
    admin: User,
    settings: Settings,
    tasks_run_in_process: None,
) -> None:
    invitation = _invite(organisation, admin, "ny@nittedal.example")
    # A real SMTP connection to a port where nothing listens.
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "use_tls": False, "timeout": 2},
        }
    }
    with pytest.raises(OSError):
        invitations.send_invitation(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None and invitation.claimed_until is None
    assert invitation.send_attempts == 1 and "Error" in invitation.last_error
    settings.MAILERS = locmem
    assert requeue_unsent_invitations() == 0  # too young: its own task may still run
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert requeue_unsent_invitations() == 1
        assert requeue_unsent_invitations() == 0
    invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert invitations.make_token(invitation).split(":")[0] in body  # its pk and key
    assert "Nittedal kommune" in mail.outbox[0].subject
    assert send_invitation_mail(invitation.pk) is False  # stamped: never twice


def test_inviting_queues_the_mail_on_commit(
    organisation: Organisation,
    admin: User,
    tasks_run_in_process: None,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(organisation, admin, "ny@nittedal.example")
    assert len(mail.outbox) == 1
    assert Invitation.objects.get().sent_at is not None


def test_the_sweep_runs_every_minute() -> None:
    assert settings.CELERY_BEAT_SCHEDULE["requeue-unsent-invitations"]["schedule"] == 60.0


# A person in two organisations -----------------------------------------------------------


@pytest.fixture
def two_homes(organisation: Organisation, other_organisation: Organisation, alice: User) -> User:
    add_member(organisation=other_organisation, email=alice.email, role=Role.STAFF)
    return alice


def test_a_person_in_two_organisations_chooses_and_sees_only_the_chosen_one(
    two_homes: User,
    make_idea: Callable[..., Idea],
    other_organisation: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    nittedal_idea = make_idea(title="Nittedals idé")
    client = logged_in(two_homes)
    response = client.get(reverse("ideas:list"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("organisation_choose")
    )
    chooser = client.get(reverse("organisation_choose")).content.decode()
    assert "Nittedal kommune" in chooser and "Lunner kommune" in chooser
    client.post(reverse("organisation_choose"), {"organisasjon": other_organisation.pk})
    page = client.get(reverse("ideas:list")).content.decode()
    assert "Nittedals idé" not in page
    assert 'id="org-switcher"' in page
    assert client.get(reverse("ideas:detail", args=[nittedal_idea.pk])).status_code == 404
    client.post(reverse("organisation_choose"), {"organisasjon": nittedal_idea.organisation_id})
    assert "Nittedals idé" in client.get(reverse("ideas:list")).content.decode()
    assert client.get(reverse("ideas:detail", args=[nittedal_idea.pk])).status_code == 200
    # Choosing an organisation one is not a member of does nothing.
    outsider = create_organisation(name="Gran kommune", kommunenummer="3446", slug="gran")
    client.post(reverse("organisation_choose"), {"organisasjon": outsider.pk})
    assert "Nittedals idé" in client.get(reverse("ideas:list")).content.decode()


def test_a_deactivated_or_inactive_organisation_is_not_offered(
    two_homes: User, organisation: Organisation, other_organisation: Organisation, admin: User
) -> None:
    other_organisation.is_active = False
    other_organisation.save()
    client = logged_in(two_homes)
    assert client.get(reverse("ideas:list")).status_code == 200  # only one left
    members.deactivate_member(
        membership=Membership.objects.get(user=two_homes, organisation=organisation), actor=admin
    )
    assert client.get(reverse("ideas:list")).status_code in {302, 403}


@pytest.mark.django_db(transaction=True)
def test_sessions_in_the_cache_end_too(
    organisation: Organisation, admin: User, alice: User, settings: Settings
) -> None:
    """Whatever SESSION_ENGINE holds the sessions, the index names the keys to delete."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    browser = Client()
    browser.force_login(alice)
    assert browser.get(reverse("ideas:list")).status_code == 200
    ended = members.end_sessions(user_id=alice.pk)
    assert ended == 1
    assert browser.get(reverse("ideas:list")).status_code == 302


def test_a_unit_name_with_separators_survives_the_confirmation(
    organisation: Organisation, admin: User
) -> None:
    unit = members.create_unit(organisation=organisation, actor=admin, name="Helse; omsorg, NAV")
    rows = invitations.read_rows(
        organisation=organisation,
        upload=xlsx([["e-post", "enhet"], ["ny@nittedal.example", "Helse; omsorg, NAV"]]),
    )
    assert [row.problems for row in rows] == [[]]
    created = invitations.invite(organisation=organisation, actor=admin, rows=rows)
    assert [invitation.unit for invitation in created] == [unit]
