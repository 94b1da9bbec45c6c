"""A real Celery worker process (prefork) for tests/ideas/test_mail_worker_kill.py.

`python -m tests.ideas.mail_worker <queue>` starts `celery worker` on one private queue with
one pool child. Mail goes to files in MAIL_DIR (Django's file backend), one file per
connection, so the test can count what was delivered. With SLOW_MAIL_SECONDS set, each send
first prints «sending mail to …» and waits that long: the moment the test kills the worker.
The slowness lives here, in the test's own process, not in production code.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402  (needs the apps loaded)

from portal import mail  # noqa: E402
from portal.celery import app  # noqa: E402

settings.MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["MAIL_DIR"]},
    }
}
real_send_mail = mail.send_mail


def slow_send_mail(**kwargs: Any) -> int:
    pause = float(os.environ.get("SLOW_MAIL_SECONDS", "0"))
    if pause:
        print(f"sending mail to {kwargs['recipient_list']}", flush=True)  # noqa: T201
        time.sleep(pause)
    return int(real_send_mail(**kwargs))


mail.send_mail = slow_send_mail  # type: ignore[assignment]

if __name__ == "__main__":
    queue = sys.argv[1]
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={queue}",
            f"--hostname=mail-test-{os.getpid()}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
