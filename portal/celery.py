"""The Celery application. Settings come from Django settings in the CELERY_ namespace."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal import logs  # noqa: E402, F401  (workers and beat log as the web does)

app = Celery("nyttig")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@worker_process_init.connect
def warm_up_pdfs(**_: object) -> None:
    """Each worker process pays WeasyPrint's start-up once, when it starts, instead of in
    its first report (`portal.pdf.warm_up`). A machine without Pango still runs the mail
    tasks: the failure is logged, and only making a PDF fails there."""
    from django.conf import settings

    if not settings.PDF_WARM_UP:
        return
    from portal import pdf

    try:
        logger.info("WeasyPrint warmed up in %.2f s.", pdf.warm_up())
    except (ImportError, OSError):
        logger.warning("WeasyPrint could not start; PDFs will fail.", exc_info=True)


def enqueue_on_commit(task: Task[Any, Any], *args: object) -> None:
    """Queue `task(*args)` once the surrounding transaction commits.

    For tasks whose row is the outbox: when the broker cannot be reached the error is
    logged, not raised, so the request that saved the data still answers. The row stays
    unsent, and the beat sweep (ideas.tasks.requeue_unsent_mail) queues it again later.
    How long publishing may take before giving up is bounded in settings
    (CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_TASK_PUBLISH_RETRY_POLICY).
    """

    def publish() -> None:
        try:
            task.apply_async(args)
        except (OperationalError, OSError):
            logger.warning(
                "Could not queue %s%r; the outbox sweep will retry it.",
                task.name,
                args,
                exc_info=True,
            )

    transaction.on_commit(publish)
