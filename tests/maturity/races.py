"""Posting at the same moment from several users, each in its own thread and connection
(PostgreSQL: real transactions and row locks)."""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client

from portal.models import User


def race(posts: list[tuple[User, dict[str, str]]], url: str) -> list[int]:
    """POST from each user at once; the status codes, in the order they came back."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(user: User, data: dict[str, str]) -> None:
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(user, data)) for user, data in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return statuses
