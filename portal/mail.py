"""One way to send mail: text from templates, as healthchecks' hc/lib/emails.py does.

A mail called `<app>/<name>` is two templates, `templates/emails/<app>/<name>_subject.txt`
and `_body.txt`. They are plain text, so each begins with `{% autoescape off %}`: a title
with «&» or an apostrophe must reach the reader as typed, not as `&amp;`.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail as send_mail  # re-exported: tests wrap it
from django.template.loader import render_to_string
from django.utils import translation

# Longer than the SMTP timeout (30 s in MAILERS), shorter than MAIL_LEASE_SECONDS.
MAIL_TASK_TIME_LIMIT = 120

# Options for every Celery task that sends mail: `@shared_task(**MAIL_TASK)`.
MAIL_TASK: dict[str, Any] = {
    "acks_late": True,
    # smtplib.SMTPException and ConnectionError are OSErrors; named for the reader.
    "autoretry_for": (smtplib.SMTPException, ConnectionError, OSError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    # No jitter: five retries after 1, 2, 4, 8 and 16 s, done within the outbox sweep's
    # minute, so a failing row has about one retry chain at a time.
    "retry_jitter": False,
    "max_retries": 5,
    "time_limit": MAIL_TASK_TIME_LIMIT,
    "soft_time_limit": MAIL_TASK_TIME_LIMIT - 15,
}


def render_templated(*, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of the mail `name`, in the site's language (Bokmål).

    The subject is squeezed to one line: a header with a newline in it is refused by
    Django, and the templates may wrap it for readability.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}_subject.txt", dict(context))
        body = render_to_string(f"emails/{name}_body.txt", dict(context))
    # A non-breaking space typed in a template is meant for the screen, not the mail client.
    return " ".join(subject.split()), body.replace("\xa0", " ")


def send_templated(*, name: str, to: Sequence[str], context: Mapping[str, Any]) -> None:
    """Render the mail `name` and send it to `to` through the default mailer.

    Errors from the mail server (smtplib.SMTPException, OSError) reach the caller, so the
    task around it can retry; nothing here swallows them.
    """
    subject, body = render_templated(name=name, context=context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=list(to))
