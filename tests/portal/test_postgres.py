"""Behaviour that depends on PostgreSQL itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from ideas.models import Idea
from portal.models import DomainEvent

pytestmark = pytest.mark.postgres


def test_database_refuses_to_rewrite_the_event_log(idea: Idea) -> None:
    events = DomainEvent.objects.filter(subject_type="ideas.idea", subject_id=idea.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.delete()
    assert events.get().action == "idea.submitted"
