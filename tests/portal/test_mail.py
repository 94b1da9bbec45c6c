"""portal.mail: one templated mail helper; text as typed, subject on one line, in Bokmål."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation

from ideas.emails import send_notification
from ideas.models import Idea, Notification
from ideas.services import add_comment
from portal.mail import render_templated, send_templated
from portal.models import EmailFrequency, User


def test_the_subject_is_one_line_and_nothing_is_html_escaped(idea: Idea) -> None:
    idea.title = "Mat & drikke for «alle» <nå>, Ola's idé"
    subject, body = render_templated(
        name="ideas/new_idea", context={"idea": idea, "idea_url": "https://x.example/i/1/"}
    )
    assert subject == "Ny idé til vurdering: Mat & drikke for «alle» <nå>, Ola's idé"
    assert "\n" not in subject
    assert "&amp;" not in body and "&#x27;" not in body
    assert body.endswith("Les idéen: https://x.example/i/1/\n")


def test_the_mail_is_in_bokmål_whatever_language_is_active(idea: Idea) -> None:
    with translation.override("en"):
        send_templated(
            name="ideas/new_idea",
            to=["styret@example.no"],
            context={"idea": idea, "idea_url": "https://x.example/"},
        )
    [message] = mail.outbox
    assert message.subject.startswith("Ny idé til vurdering")
    assert message.to == ["styret@example.no"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_a_notification_mail_keeps_its_wording(idea: Idea, alice: User, bob: User) -> None:
    add_comment(idea=idea, author=bob, body="Dette bør vi prøve!")
    notification = Notification.objects.get()
    assert send_notification(notification_id=notification.pk)
    [message] = mail.outbox
    assert message.subject == "Nytt om idéen «Digitalt nattilsyn»"
    assert message.body == (
        "Hei!\n\n"
        "Bob kommenterte «Digitalt nattilsyn»: Dette bør vi prøve!\n\n"
        f"Les idéen: {settings.SITE_URL}{idea.get_absolute_url()}\n\n"
        "Du får denne e-posten fordi du har meldt inn eller følger idéen.\n"
        "Velg om du vil ha e-post med en gang, et daglig sammendrag eller ingen e-post: "
        f"{settings.SITE_URL}/konto/varsler/\n"
    )


@pytest.mark.parametrize(
    "at", [datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Europe/Oslo"))], ids=["night"]
)
def test_reminder_dates_are_oslo_dates(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        subject, body = render_templated(
            name="portfolio/reminder",
            context={
                "name": "Bob",
                "every_days": 30,
                "count": 1,
                "status_reports": [
                    {"title": "T", "last_published": at.date(), "url": "https://x.example/s/"}
                ],
                "measurements": [],
            },
        )
    assert subject == "Påminnelse fra Nyttig: 1 oppgave venter på deg"
    assert body.startswith(
        "Hei, Bob!\n\n"
        "Dette initiativet har ikke fått en publisert statusrapport de siste 30 dagene:\n"
        "– «T» (sist publisert 1. desember 2026)\n"
        "  Skriv statusrapporten: https://x.example/s/\n\n"
        "Du får denne påminnelsen fordi"
    )


def test_email_frequency_names_the_user_field_choices() -> None:
    field = User._meta.get_field("email_frequency")
    assert list(field.choices or []) == list(EmailFrequency.choices)
    assert field.default == EmailFrequency.IMMEDIATE
    assert EmailFrequency.IMMEDIATE.value == "immediate"  # the stored values did not change
