"""The Celery application. Settings come from Django settings in the CELERY_ namespace."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery, Task
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("nyttig")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


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
