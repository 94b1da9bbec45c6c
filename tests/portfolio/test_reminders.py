"""Reminders by email (Celery beat, 07:00): a status report due for a pådriver, a benefit
measurement due for its owners; at most once a day, also through a real worker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from portal.models import DomainEvent, Organisation, User
from portfolio.models import (
    Benefit,
    BenefitKind,
    Indicator,
    Initiative,
    MeasureUnit,
    Phase,
    PortfolioSettings,
    TrafficLight,
)
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.services.board import move_initiative
from portfolio.services.status import save_status_report
from portfolio.tasks import send_due_reminders, send_reminders
from tests.celery_helpers import private_queue, wait_for, worker_on


@pytest.fixture(autouse=True)
def tasks_run_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Queued tasks run at once even where REDIS_URL is set (CI), so mail is in mail.outbox;
    the test marked `redis` sends them to a real worker instead."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


OSLO = ZoneInfo("Europe/Oslo")
AN_ORDINARY_MORNING = datetime(2026, 6, 15, 9, 0, tzinfo=OSLO)
# Oslo is UTC+1 now and was UTC+2 ninety days ago, and the Oslo date is a day ahead of the
# UTC date: a test computing «N days ago» in UTC but comparing Oslo dates fails here.
A_DECEMBER_NIGHT = datetime(2026, 12, 1, 23, 30, tzinfo=OSLO)
ANY_TIME = pytest.mark.parametrize(
    "clock", [AN_ORDINARY_MORNING, A_DECEMBER_NIGHT], indirect=True, ids=["morning", "night"]
)


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    """Every test runs at a fixed instant (an ordinary morning unless parametrized); the
    clock ticks on from there so that rows written one after another keep their order.
    The real-worker test keeps the real clock: its worker thread times its own polling."""
    if request.node.get_closest_marker("redis"):
        yield None
        return
    with time_machine.travel(getattr(request, "param", AN_ORDINARY_MORNING), tick=True) as t:
        yield t


def lights(light: str) -> dict[str, Any]:
    """Every light of a status report set to one colour."""
    return dict.fromkeys(("progress", "economy", "quality", "risk", "benefits"), light)


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def calendar_days_ago(days: int) -> datetime:
    """Noon on the Oslo date `days` before today: measurement intervals count dates."""
    date = timezone.localdate() - timedelta(days=days)
    return datetime(date.year, date.month, date.day, 12, tzinfo=OSLO)


def started(initiative: Initiative, days: int) -> Initiative:
    """Pretend the initiative was accepted `days` ago."""
    Initiative.objects.filter(pk=initiative.pk).update(created_at=days_ago(days))
    return initiative


def publish(initiative: Initiative, actor: User, *, days: int = 0) -> None:
    report = save_status_report(
        initiative=initiative,
        actor=actor,
        publish=True,
        period_end=timezone.localdate(),
        summary="Alt går etter planen.",
        **lights(TrafficLight.GREEN),
    )
    type(report).objects.filter(pk=report.pk).update(published_at=days_ago(days))


@pytest.fixture
def measured_benefit(initiative: Initiative, bob: User, admin: User, alice: User) -> Benefit:
    """Measured every 90 days; the administrator owns it, Alice is responsible."""
    benefit = add_benefit(
        initiative=initiative,
        actor=bob,
        description="Frigjort tid i nattpatruljen",
        kind=BenefitKind.INDIRECT,
        owner=admin,
        responsible=alice,
        expected_hours=Decimal("500"),
        measure_every_days=90,
    )
    add_indicator(
        benefit=benefit,
        actor=bob,
        name="Timer per uke",
        unit=MeasureUnit.HOURS,
        baseline=Decimal("100"),
        target=Decimal("60"),
    )
    return benefit


def measured(benefit: Benefit, actor: User, days: int) -> None:
    record_measurement(
        indicator=benefit.indicators.get(),
        actor=actor,
        measured_on=timezone.localdate() - timedelta(days=days),
        value=Decimal("90"),
    )


def mails_to(user: User) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if user.email in message.to]


# Status reports ---------------------------------------------------------------------------


@ANY_TIME
def test_the_pådriver_is_reminded_when_no_report_is_published_in_time(
    initiative: Initiative, bob: User
) -> None:
    started(initiative, 31)
    assert send_due_reminders() == 1
    [message] = mail.outbox
    assert message.to == [bob.email]
    assert message.subject == "Påminnelse fra Nyttig: 1 oppgave venter på deg"
    assert "har ikke fått en publisert statusrapport de siste 30 dagene" in message.body
    assert f"«{initiative.idea.title}» (ingen er publisert ennå)" in message.body
    new_report = reverse("portfolio:status_new", args=[initiative.pk])
    assert f"Skriv statusrapporten: {settings.SITE_URL}{new_report}" in message.body


@ANY_TIME
def test_a_new_initiative_is_not_due_yet(initiative: Initiative) -> None:
    started(initiative, 29)
    assert send_due_reminders() == 0
    assert mail.outbox == []


def test_a_recent_published_report_is_enough_but_a_draft_is_not(
    make_initiative: Callable[..., Initiative], bob: User
) -> None:
    drafted = started(make_initiative(title="Bare et utkast"), 200)
    save_status_report(
        initiative=drafted,
        actor=bob,
        publish=False,
        period_end=timezone.localdate(),
        summary="Et utkast",
        **lights("green"),
    )
    reported = started(make_initiative(title="Rapportert"), 200)
    publish(reported, bob, days=45)
    publish(reported, bob, days=10)  # the latest published one is what counts
    assert send_due_reminders() == 1
    [message] = mail.outbox
    assert "Bare et utkast" in message.body and "Rapportert" not in message.body


@ANY_TIME
def test_the_last_published_report_date_is_in_the_mail(
    initiative: Initiative, bob: User, organisation: Organisation
) -> None:
    PortfolioSettings.objects.update_or_create(
        organisation=organisation, defaults={"status_report_every_days": 14}
    )
    started(initiative, 200)
    publish(initiative, bob, days=20)
    assert send_due_reminders() == 1
    last = timezone.localdate(days_ago(20))
    body = mail.outbox[0].body
    assert "de siste 14 dagene" in body
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august"]
    months += ["september", "oktober", "november", "desember"]
    assert f"sist publisert {last.day}. {months[last.month - 1]} {last.year}" in body


def test_closed_initiatives_and_those_without_a_pådriver_are_not_reminded(
    make_initiative: Callable[..., Initiative], bob: User, organisation: Organisation
) -> None:
    closed = started(make_initiative(title="Avsluttet"), 100)
    answers = {item.pk: ("done", "") for item in open_checklist_items(closed)}
    move_initiative(
        initiative=closed,
        actor=bob,
        to_phase=Phase.objects.get(organisation=organisation, name="Avsluttet"),
        expected_version=closed.version,
        answers=answers,
    )
    orphan = started(make_initiative(title="Uten pådriver"), 100)
    Initiative.objects.filter(pk=orphan.pk).update(owner=None)
    assert send_due_reminders() == 0


def test_an_inactive_pådriver_gets_nothing(initiative: Initiative, bob: User) -> None:
    started(initiative, 100)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert send_due_reminders() == 0


# Benefit measurements ---------------------------------------------------------------------


@ANY_TIME
def test_owner_and_responsible_are_reminded_of_a_due_measurement(
    initiative: Initiative,
    measured_benefit: Benefit,
    bob: User,
    admin: User,
    alice: User,
) -> None:
    measured(measured_benefit, bob, days=91)
    assert send_due_reminders() == 2  # admin and Alice; the initiative itself is new
    for person in (admin, alice):
        [message] = mails_to(person)
        assert "Denne gevinsten skal måles nå:" in message.body
        assert "Frigjort tid i nattpatruljen" in message.body
        assert "måles hver 90. dag" in message.body
        url = reverse("portfolio:initiative", args=[initiative.pk])
        assert f"Registrer målingen: {settings.SITE_URL}{url}" in message.body
    assert mails_to(bob) == []


@ANY_TIME
def test_a_recent_measurement_is_enough(measured_benefit: Benefit, bob: User) -> None:
    measured(measured_benefit, bob, days=91)
    measured(measured_benefit, bob, days=5)
    assert send_due_reminders() == 0


@ANY_TIME
def test_an_unmeasured_benefit_is_due_after_its_interval_from_the_first_indicator(
    measured_benefit: Benefit,
) -> None:
    assert send_due_reminders() == 0
    Indicator.objects.filter(benefit=measured_benefit).update(created_at=calendar_days_ago(89))
    assert send_due_reminders() == 0
    Indicator.objects.filter(benefit=measured_benefit).update(created_at=calendar_days_ago(90))
    assert send_due_reminders() == 2


def test_a_benefit_without_indicators_is_not_reminded(
    initiative: Initiative, bob: User, admin: User
) -> None:
    benefit = add_benefit(
        initiative=initiative,
        actor=bob,
        description="Uten indikator",
        kind=BenefitKind.QUALITATIVE,
        owner=admin,
    )
    Benefit.objects.filter(pk=benefit.pk).update(created_at=days_ago(400))
    assert send_due_reminders() == 0


def test_measurements_are_reminded_after_the_initiative_is_closed(
    initiative: Initiative, measured_benefit: Benefit, bob: User, organisation: Organisation
) -> None:
    answers = {item.pk: ("done", "") for item in open_checklist_items(initiative)}
    move_initiative(
        initiative=initiative,
        actor=bob,
        to_phase=Phase.objects.get(organisation=organisation, name="Avsluttet"),
        expected_version=initiative.version,
        answers=answers,
    )
    started(initiative, 400)  # long since: no status report is asked of a closed one
    measured(measured_benefit, bob, days=120)
    assert send_due_reminders() == 2
    assert all("statusrapport" not in m.body for m in mail.outbox)


def test_without_owners_the_pådriver_is_reminded(
    initiative: Initiative, measured_benefit: Benefit, bob: User
) -> None:
    Benefit.objects.filter(pk=measured_benefit.pk).update(owner=None, responsible=None)
    measured(measured_benefit, bob, days=100)
    assert send_due_reminders() == 1
    assert mails_to(bob)[0].body.count("Frigjort tid i nattpatruljen") == 1


def test_one_mail_names_both_a_report_and_a_measurement(
    initiative: Initiative, measured_benefit: Benefit, bob: User
) -> None:
    Benefit.objects.filter(pk=measured_benefit.pk).update(owner=bob, responsible=bob)
    started(initiative, 60)
    measured(measured_benefit, bob, days=100)
    assert send_due_reminders() == 1
    [message] = mail.outbox
    assert message.subject == "Påminnelse fra Nyttig: 2 oppgaver venter på deg"
    assert "statusrapport" in message.body and "skal måles nå" in message.body


# Once a day -------------------------------------------------------------------------------


@ANY_TIME
def test_the_same_reminder_is_sent_once_a_day(
    initiative: Initiative, measured_benefit: Benefit, bob: User, admin: User, alice: User
) -> None:
    started(initiative, 31)
    measured(measured_benefit, bob, days=91)
    send_due_reminders()
    send_due_reminders()  # beat fired twice, or a redelivered task
    assert send_reminders(initiative.organisation_id, bob.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bob.email, admin.email, alice.email])
    events = DomainEvent.objects.filter(action="reminder.sent")
    assert sorted(e.after["kind"] for e in events) == ["measurement", "measurement", "status"]


def test_a_new_due_item_the_same_day_is_still_sent(
    make_initiative: Callable[..., Initiative], bob: User
) -> None:
    first = started(make_initiative(title="Første"), 40)
    send_due_reminders()
    second = started(make_initiative(title="Andre"), 40)
    send_due_reminders()
    assert len(mail.outbox) == 2
    assert "Første" in mail.outbox[0].body and "Andre" not in mail.outbox[0].body
    assert "Andre" in mail.outbox[1].body and "Første" not in mail.outbox[1].body
    assert first.pk != second.pk


@ANY_TIME
def test_the_reminder_comes_again_the_next_day(
    initiative: Initiative, bob: User, clock: time_machine.Traveller
) -> None:
    started(initiative, 31)
    send_due_reminders()
    clock.shift(timedelta(days=1))
    send_due_reminders()
    send_due_reminders()
    assert len(mail.outbox) == 2


def test_a_failing_mail_records_nothing_so_it_is_tried_again(
    initiative: Initiative, bob: User
) -> None:
    started(initiative, 31)
    with (
        mock.patch("portal.mail.send_mail", side_effect=ConnectionError("SMTP nede")),
        pytest.raises(ConnectionError),
    ):
        send_reminders(initiative.organisation_id, bob.pk)  # retried later, by Celery
    assert not DomainEvent.objects.filter(action="reminder.sent").exists()
    assert send_due_reminders() == 1 and len(mail.outbox) == 1


def test_the_reminders_run_at_seven_and_hourly_after_so_a_lost_run_is_made_up() -> None:
    entry: dict[str, Any] = settings.CELERY_BEAT_SCHEDULE["send-due-reminders"]
    assert entry["task"] == "portfolio.tasks.send_due_reminders"
    assert entry["schedule"] == crontab(hour="7-16", minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"
    assert send_due_reminders.acks_late and send_reminders.acks_late


# A real worker ----------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders_once(
    make_initiative: Callable[..., Initiative], bob: User
) -> None:
    with private_queue() as queue, worker_on(queue):
        initiative = started(make_initiative(), 31)
        reminded = DomainEvent.objects.filter(action="reminder.sent", subject_id=initiative.pk)
        send_due_reminders.delay()
        wait_for(reminded.exists)
        # A second run the same day (beat twice, a redelivered task) sends nothing more.
        send_reminders.delay(initiative.organisation_id, bob.pk)
        send_due_reminders.delay()
        time.sleep(2)
    reminders = [m for m in mail.outbox if m.subject.startswith("Påminnelse")]
    assert [m.to for m in reminders] == [[bob.email]]  # (the submitter was told of the accept)
    assert reminded.count() == 1
