from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from ideas.models import Idea, IdeaStatus, InnovationType
from ideas.services import submit_idea
from portal.models import DomainEvent, Organisation, Unit, User
from portfolio.selectors.triage import triage_inbox


def test_submitted_idea_waits_in_the_triage_inbox(idea: Idea) -> None:
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.get_status_display() == "Innkommet"
    assert idea.submitted_at is not None
    assert idea.version == 1


def test_submitting_records_who_when_and_what(idea: Idea, alice: User) -> None:
    event = DomainEvent.objects.get(subject_type="ideas.idea", subject_id=idea.pk)
    assert event.action == "idea.submitted"
    assert event.actor == alice
    assert event.organisation_id == idea.organisation_id
    assert event.before == {}
    assert event.after["title"] == idea.title
    assert event.after["status"] == "submitted"
    assert event.after["innovation_type"] == idea.innovation_type_id


def test_imported_idea_keeps_its_original_date(make_idea: Callable[..., Idea]) -> None:
    then = timezone.now() - timedelta(days=40)
    idea = make_idea(submitted_at=then)
    event = DomainEvent.objects.get(subject_type="ideas.idea", subject_id=idea.pk)
    assert idea.submitted_at == then
    assert event.occurred_at == then


def test_unit_of_another_organisation_is_refused(
    organisation: Organisation,
    other_organisation: Organisation,
    service_type: InnovationType,
    alice: User,
) -> None:
    foreign_unit = Unit.objects.create(organisation=other_organisation, name="Lunner skole")
    with pytest.raises(ValueError):
        submit_idea(
            organisation=organisation,
            submitter=alice,
            title="T",
            question="Hvordan kan vi?",
            need="N",
            innovation_type=service_type,
            unit=foreign_unit,
        )
    assert not Idea.objects.exists()
    assert not DomainEvent.objects.filter(subject_type__startswith="ideas.").exists()


def test_domain_events_cannot_be_changed_or_deleted(idea: Idea) -> None:
    event = DomainEvent.objects.get(subject_type="ideas.idea", subject_id=idea.pk)
    event.action = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


def test_new_organisation_gets_the_four_innovation_types(organisation: Organisation) -> None:
    codes = list(
        InnovationType.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    assert codes == ["service", "process", "organisational", "system"]
    assert organisation.phases.filter(kind="active").count() == 6
    assert organisation.maturity_levels.count() == 4
    assert organisation.strategic_goals.count() == 4


def test_ideas_under_review_become_submitted_and_wait_in_the_inbox(idea: Idea) -> None:
    migration = import_module("ideas.migrations.0008_idea_status_without_under_review")
    Idea.objects.filter(pk=idea.pk).update(status="under_review")  # as the old seed wrote
    migration.under_review_to_submitted(apps, None)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea in triage_inbox(organisation=idea.organisation)
    assert "under_review" not in IdeaStatus.values
