"""The event log's shared helpers: changed fields only (record_change)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from ideas import services as idea_services
from ideas.models import Idea
from portal.events import record_change
from portal.models import DomainEvent, Organisation, User
from portfolio.models import Benefit, ChecklistItem, Initiative, Phase, PhaseKind
from portfolio.services.benefits import add_benefit, update_benefit
from portfolio.services.phases import (
    set_portfolio_settings,
    update_checklist_item,
    update_phase,
)


def test_record_change_keeps_only_what_changed_and_the_context(idea: Idea, alice: User) -> None:
    with transaction.atomic():
        event = record_change(
            before={"title": "A", "need": "Samme"},
            after={"title": "B", "need": "Samme"},
            organisation=idea.organisation,
            actor=alice,
            action="idea.edited",
            subject=idea,
            context={"benefit": 7},
        )
    assert event is not None
    assert (event.before, event.after) == (
        {"benefit": 7, "title": "A"},
        {"benefit": 7, "title": "B"},
    )


def test_record_change_records_nothing_when_nothing_changed(idea: Idea, alice: User) -> None:
    count = DomainEvent.objects.count()
    with transaction.atomic():
        event = record_change(
            before={"title": "A"},
            after={"title": "A"},
            organisation=idea.organisation,
            actor=alice,
            action="idea.edited",
            subject=idea,
        )
    assert event is None and DomainEvent.objects.count() == count


def test_an_idea_saved_unchanged_keeps_its_version_and_records_nothing(
    idea: Idea, alice: User
) -> None:
    saved = idea_services.update_idea(
        idea=idea, actor=alice, expected_version=idea.version, title=idea.title, need=idea.need
    )
    assert saved.version == idea.version
    idea.refresh_from_db()
    assert idea.version == 1
    assert not DomainEvent.objects.filter(action="idea.edited").exists()


def test_an_idea_edit_bumps_the_version_once_and_records_the_change(
    idea: Idea, alice: User
) -> None:
    idea_services.update_idea(
        idea=idea, actor=alice, expected_version=idea.version, title="Nytt", need=idea.need
    )
    idea.refresh_from_db()
    assert idea.version == 2
    event = DomainEvent.objects.get(action="idea.edited")
    assert event.after == {"title": "Nytt"}


@pytest.fixture
def benefit(initiative: Initiative, bob: User) -> Benefit:
    return add_benefit(
        initiative=initiative,
        actor=bob,
        description="Frigjort tid",
        kind="indirect",
        expected_hours=Decimal("100"),
    )


def test_a_benefit_saved_unchanged_keeps_its_version_and_records_nothing(
    benefit: Benefit, bob: User
) -> None:
    update_benefit(
        benefit=benefit, actor=bob, expected_version=benefit.version, description="Frigjort tid"
    )
    benefit.refresh_from_db()
    assert benefit.version == 1
    assert not DomainEvent.objects.filter(action="benefit.edited").exists()
    update_benefit(benefit=benefit, actor=bob, expected_version=1, expected_hours=Decimal("120"))
    benefit.refresh_from_db()
    assert benefit.version == 2
    event = DomainEvent.objects.get(action="benefit.edited")
    assert event.after == {"benefit": benefit.pk, "expected_hours": "120"}


def _phase(organisation: Organisation) -> Phase:
    phase = Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE).first()
    assert phase is not None
    return phase


def test_a_phase_saved_unchanged_records_nothing(organisation: Organisation, admin: User) -> None:
    phase = _phase(organisation)
    fields = {
        "name": phase.name,
        "description": phase.description,
        "key_questions": phase.key_questions,
        "wip_limit": phase.wip_limit,
    }
    update_phase(phase=phase, actor=admin, **fields)
    assert not DomainEvent.objects.filter(action="phase.updated").exists()
    update_phase(phase=phase, actor=admin, **{**fields, "wip_limit": 4})
    event = DomainEvent.objects.get(action="phase.updated")
    assert (event.before, event.after) == ({"wip_limit": phase.wip_limit}, {"wip_limit": 4})


def test_a_checklist_item_saved_unchanged_records_nothing(
    organisation: Organisation, admin: User
) -> None:
    item = ChecklistItem.objects.filter(phase__organisation=organisation).first()
    assert item is not None
    update_checklist_item(item=item, actor=admin, text=f"  {item.text} ")
    assert not DomainEvent.objects.filter(action="phase.checklist_item_updated").exists()
    update_checklist_item(item=item, actor=admin, text="Ny tekst")
    event = DomainEvent.objects.get(action="phase.checklist_item_updated")
    assert event.after == {"item": item.pk, "text": "Ny tekst"}


def test_portfolio_settings_saved_unchanged_record_nothing(
    organisation: Organisation, admin: User
) -> None:
    set_portfolio_settings(organisation=organisation, actor=admin, stalled_after_days=30)
    assert not DomainEvent.objects.filter(action="portfolio.settings_updated").exists()
    set_portfolio_settings(organisation=organisation, actor=admin, stalled_after_days=14)
    event = DomainEvent.objects.get(action="portfolio.settings_updated")
    assert (event.before, event.after) == ({"stalled_after_days": 30}, {"stalled_after_days": 14})
