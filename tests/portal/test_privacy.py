"""Personal data: the member's own download and the erasure of a former member.

The erasure test fills every place the apps copy a name, an e-mail or a comment's text
(the event log, followers' notifications, an invitation, allauth's address, another
member's idea that names the person, an attachment's name), erases through the page, and
then reads every column of every table the database has (its own introspection, not the
models) for the name, the e-mail and each version of the comments.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries, Settings

from ideas.models import Comment, Idea, Notification
from ideas.services import (
    add_attachment,
    add_comment,
    delete_comment,
    edit_comment,
    follow_idea,
    support_idea,
)
from maturity.models import Kpi, MeasureStatus, StrategicMeasure
from maturity.services.kpis import record_kpi_value
from maturity.services.measures import add_measure_note
from portal.actions import PortalAction
from portal.models import DomainEvent, Invitation, Membership, Organisation, Role, User
from portal.privacy import erase_person, erased_email
from portal.services import add_member
from portfolio.models import MunicipalRole, Phase, PhaseKind
from portfolio.services.reminders import record_reminder_sent
from portfolio.services.triage import accept_idea

FIRST, LAST = "Ragnhild", "Sletteberg-Ødegård"
FULL = f"{FIRST} {LAST}"
EMAIL = "ragnhild.sletteberg@nittedal.example"
ENTRA_OID = "5e1f0c2a-7b9d-4c3e-9a61-2f8d4b7c1e90"
COMMENTS = (
    "Vi prøvde dette på Åsen sykehjem i 2023, med «gode» erfaringer.\nSpør meg gjerne!",
    "Oppdatert: forsøket på Åsen varte i åtte uker.",
    "En kommentar jeg angret på med en gang, om nattevaktene.",
)


@pytest.fixture
def ragnhild(organisation: Organisation) -> User:
    membership = add_member(
        organisation=organisation,
        email=EMAIL,
        role=Role.STAFF,
        first_name=FIRST,
        last_name=LAST,
        password="pw",
    )
    return membership.user


def _deactivate(user: User, organisation: Organisation) -> None:
    Membership.objects.filter(user=user, organisation=organisation).update(
        is_active=False, deactivated_at=timezone.now()
    )


@pytest.fixture
def her_traces(
    ragnhild: User,
    alice: User,
    bob: User,
    organisation: Organisation,
    make_idea: Callable[..., Idea],
    settings: Settings,
    tmp_path: Path,
) -> Idea:
    """Everything Ragnhild leaves behind; returns the idea she submitted."""
    settings.MEDIA_ROOT = tmp_path
    hers = make_idea(submitter=ragnhild, title="Fleksible vakter", need="Turnusen er låst.")
    alices = make_idea(
        title="Felles vaktbytte", need=f"Snakk med {FULL} ({EMAIL}), hun kjenner ordningen."
    )
    first = add_comment(idea=alices, author=ragnhild, body=COMMENTS[0])
    edit_comment(comment=first, editor=ragnhild, body=COMMENTS[1])
    regret = add_comment(idea=alices, author=ragnhild, body=COMMENTS[2])
    delete_comment(comment=regret, actor=ragnhild)
    add_comment(idea=hers, author=alice, body="Godt tenkt!")  # a notification for her
    support_idea(idea=alices, user=ragnhild)
    follow_idea(idea=alices, user=ragnhild)
    add_attachment(
        idea=hers,
        uploaded_by=ragnhild,
        upload=SimpleUploadedFile(f"Notat fra {FULL}.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    phase = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    initiative = accept_idea(
        idea=hers, actor=bob, phase=phase, owner=ragnhild, role=MunicipalRole.CONTRIBUTOR
    )
    with transaction.atomic():
        record_reminder_sent(
            organisation=organisation, recipient=ragnhild, subject=initiative, kind="status"
        )
    Invitation.objects.create(
        organisation=organisation,
        email=EMAIL.upper(),
        key="k",
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
    )
    EmailAddress.objects.create(user=ragnhild, email=EMAIL, verified=True, primary=True)
    # Her Entra ID sign-in link: the object id is an identifier that points at her.
    SocialAccount.objects.create(
        user=ragnhild,
        provider="entra-nittedal",
        uid=ENTRA_OID,
        extra_data={"oid": ENTRA_OID, "preferred_username": EMAIL},
    )
    # The strategy: a KPI value's source and a leader's progress note name her.
    kpi = Kpi.objects.filter(organisation=organisation, metric="").first()
    assert kpi is not None
    record_kpi_value(
        kpi=kpi,
        actor=bob,
        year=2025,
        value=Decimal(3),
        source=f"Telling ved {FULL}",
        expected_version=0,
    )
    measure = StrategicMeasure.objects.filter(organisation=organisation).first()
    assert measure is not None
    add_measure_note(
        measure=measure,
        actor=bob,
        expected_version=measure.version,
        text=f"{FULL} har kartlagt arenaene.",
        status=MeasureStatus.IN_PROGRESS,
    )
    return hers


def _forms(text: str) -> set[str]:
    """The text as any column may hold it: as is, or JSON-escaped (ASCII or not)."""
    return {
        form.lower()
        for form in (text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1])
    }


def _every_text_value() -> Iterator[tuple[str, str, str]]:
    """(table, column, value) for every value of every column of every table, as text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        yield table, column, value


def _found(needles: list[str]) -> list[tuple[str, str, str]]:
    forms = {form: needle for needle in needles for form in _forms(needle)}
    return [
        (table, column, needle)
        for table, column, value in _every_text_value()
        for form, needle in forms.items()
        if form in value.lower()
    ]


def test_erasing_a_former_member_leaves_no_name_email_or_comment_in_any_table(
    her_traces: Idea,
    ragnhild: User,
    admin: User,
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    needles = [FULL, FIRST, LAST, EMAIL, ENTRA_OID, *COMMENTS]
    assert {n for _t, _c, n in _found(needles)} == set(needles)  # the test sees them first
    events_before = DomainEvent.objects.count()
    _deactivate(ragnhild, organisation)

    response = client_for(admin).post(reverse("erase_member", args=[ragnhild.pk]))

    assert response.status_code == 302
    assert _found(needles) == []
    # The ideas stay, under the marker; the event log keeps every row, plus two of its own.
    idea = Idea.objects.get(pk=her_traces.pk)
    assert (idea.title, idea.need, idea.submitter_id) == (
        "Fleksible vakter",
        "Turnusen er låst.",
        ragnhild.pk,
    )
    assert "Slettet person (slettet-" in Idea.objects.get(title="Felles vaktbytte").need
    assert DomainEvent.objects.count() == events_before + 2
    erased = DomainEvent.objects.get(action=PortalAction.EVENTS_REDACTED)
    assert erased.actor == admin and erased.after["count"] > 0
    assert DomainEvent.objects.filter(action=PortalAction.PERSON_ERASED).exists()
    person = User.objects.get(pk=ragnhild.pk)
    assert str(person) == "Slettet person" and person.email == erased_email(person)
    assert not person.is_active and not person.has_usable_password()
    assert person.erased_at is not None
    comments = Comment.objects.filter(author=person)
    assert comments.count() == 2 and set(comments.values_list("body", flat=True)) == {""}
    assert Idea.objects.get(title="Felles vaktbytte").comment_count == 0
    assert not Notification.objects.filter(recipient=person).exists()
    assert not client_for(None).login(email=EMAIL, password="pw")


def test_a_longer_name_or_address_that_holds_hers_is_left_alone(
    ragnhild: User,
    admin: User,
    organisation: Organisation,
    make_idea: Callable[..., Idea],
) -> None:
    namesake = add_member(
        organisation=organisation,
        email=f"ma{EMAIL}",
        first_name=FIRST,
        last_name=f"{LAST}sen",
    ).user
    need = f"{FULL}sen og jo-{FULL} vet, skriv til ma{EMAIL}. Eller {FULL}."
    idea = make_idea(need=need)
    _deactivate(ragnhild, organisation)
    erase_person(user=ragnhild, organisation=organisation, actor=admin)
    namesake.refresh_from_db()
    assert (namesake.email, namesake.last_name) == (f"ma{EMAIL}", f"{LAST}sen")
    idea.refresh_from_db()
    assert idea.need == need.replace(f"Eller {FULL}.", "Eller Slettet person.")


def test_an_active_member_is_not_erased(
    ragnhild: User,
    admin: User,
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    url = reverse("erase_member", args=[ragnhild.pk])
    page = client_for(admin).get(url)
    assert "Deaktiver medlemskapet først" in page.content.decode()
    response = client_for(admin).post(url)
    assert response.status_code == 409
    assert User.objects.get(pk=ragnhild.pk).get_full_name() == FULL
    assert not DomainEvent.objects.filter(action=PortalAction.PERSON_ERASED).exists()


def test_a_member_active_in_another_organisation_is_not_erased(
    ragnhild: User, admin: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    add_member(organisation=other_organisation, email=EMAIL)
    _deactivate(ragnhild, organisation)
    with pytest.raises(PermissionDenied, match="aktivt medlem"):
        erase_person(user=ragnhild, organisation=organisation, actor=admin)
    assert User.objects.get(pk=ragnhild.pk).erased_at is None


def test_the_former_members_page_lists_the_deactivated_only(
    ragnhild: User,
    alice: User,
    admin: User,
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _deactivate(ragnhild, organisation)
    client = client_for(admin)
    client.get(reverse("former_members"))  # warm the session
    with django_assert_num_queries(4):  # session, user, membership, the list
        page = client.get(reverse("former_members")).content.decode()
    assert FULL in page and "Alice" not in page
    # session, user, membership; the person's membership here; are they active anywhere
    with django_assert_num_queries(5):
        page = client.get(reverse("erase_member", args=[ragnhild.pk])).content.decode()
    assert "Dette kan ikke angres." in page


# The download -------------------------------------------------------------------------


def test_a_member_downloads_their_own_data(
    her_traces: Idea, ragnhild: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(ragnhild).get(reverse("my_data_download", args=["json"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profil"]["e-post"] == EMAIL and data["profil"]["etternavn"] == LAST
    assert [i["tittel"] for i in data["idéer"]] == ["Fleksible vakter"]
    assert [c["tekst"] for c in data["kommentarer"]] == [COMMENTS[1], ""]
    assert [s["tittel"] for s in data["støtter"]] == ["Felles vaktbytte"]
    assert {f["tittel"] for f in data["følger"]} == {"Fleksible vakter", "Felles vaktbytte"}
    assert any("Godt tenkt!" in n["melding"] for n in data["varsler"])
    assert data["vedlegg"][0]["filnavn"] == f"Notat fra {FULL}.pdf"
    assert data["medlemskap"][0]["rolle"] == "Ansatt"
    assert data["initiativer"] == [
        {"tittel": "Fleksible vakter", "fase": "Forankring", "pådriver": True}
    ]
    assert any(e["handling"] == "comment.added" for e in data["hendelser"])
    # Nothing of anyone else's: Alice's idea is named only where Ragnhild took part.
    assert "Turnusen er låst." in response.content.decode()
    assert "Godt tenkt!" not in json.dumps(data["kommentarer"], ensure_ascii=False)


def test_the_download_as_a_workbook_has_a_sheet_per_part(
    her_traces: Idea, ragnhild: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(ragnhild)
    response = client.get(reverse("my_data_download", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"Profil", "Idéer", "Kommentarer", "Støtter", "Følger", "Varsler"} <= set(
        workbook.sheetnames
    )
    comments = [[c.value for c in row] for row in workbook["Kommentarer"].iter_rows()]
    assert comments[0][:2] == ["Idé", "Tekst"] and comments[1][1] == COMMENTS[1]
    profile = [[c.value for c in row] for row in workbook["Profil"].iter_rows()]
    assert EMAIL in profile[1]
    assert client.get(reverse("my_data_download", args=["pdf"])).status_code == 404


def test_the_download_reads_a_fixed_number_of_queries(
    ragnhild: User,
    make_idea: Callable[..., Idea],
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(ragnhild)
    url = reverse("my_data_download", args=["json"])
    client.get(url)
    # session, user, membership; memberships, events; ideas: ideas, comments, supports,
    # follows, attachments, notifications; portfolio: initiatives, benefits, decisions,
    # status reports, measurements; maturity: measures, notes, KPI values, answers
    with django_assert_num_queries(20):
        client.get(url)
    for n in range(3):
        idea = make_idea(submitter=ragnhild, title=f"Idé {n}")
        add_comment(idea=idea, author=ragnhild, body=f"Kommentar {n}")
    with django_assert_num_queries(20):
        assert len(json.loads(client.get(url).content)["idéer"]) == 3


# The event log on PostgreSQL -----------------------------------------------------------


@pytest.mark.postgres
def test_the_trigger_allows_only_a_redaction_of_before_and_after(idea: Idea) -> None:
    events = DomainEvent.objects.filter(subject_type="ideas.idea", subject_id=idea.pk)

    def redaction(on: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('nyttig.redaction', %s, true)", [on and "on" or "off"]
            )

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.update(after={})  # without the setting: refused
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        redaction(True)
        events.update(action="tampered")  # with it, only before/after may change
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        redaction(True)
        events.delete()
    with transaction.atomic():
        redaction(True)
        events.update(after={"redacted": True})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        redaction(False)  # as portal.privacy leaves it once the redaction is done
        events.update(after={})
    event = events.get()
    assert (event.action, event.after) == ("idea.submitted", {"redacted": True})
