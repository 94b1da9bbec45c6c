"""The event log's shared helpers: changed fields only (record_change)."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import models, transaction

from ideas import services as idea_services
from ideas.events import IdeaAction
from ideas.models import Idea
from portal.events import describe, has_sentence, record_change
from portal.models import DomainEvent, Organisation, User
from portfolio.events import PortfolioAction
from portfolio.models import Benefit, ChecklistItem, Initiative, Phase, PhaseKind
from portfolio.services.benefits import add_benefit, update_benefit
from portfolio.services.phases import (
    set_portfolio_settings,
    update_checklist_item,
    update_phase,
)

ROOT = Path(__file__).resolve().parents[2]


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


# Every action has its sentence ------------------------------------------------------------

APP_DIRS = ("portal", "ideas", "portfolio", "maturity")
RECORDERS = {"record_event", "record_change", "DomainEvent"}


def _recorded_actions() -> list[tuple[str, int, ast.expr]]:
    """Each `action=` given to record_event/record_change/DomainEvent(...) in app code."""
    found = []
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in RECORDERS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found.append((str(path.relative_to(ROOT)), node.lineno, keyword.value))
    return found


def test_every_recorded_action_is_a_named_choice_not_a_free_string() -> None:
    recorded = _recorded_actions()
    assert len(recorded) > 30  # the walk found the services
    free = [
        f"{path}:{line}"
        for path, line, value in recorded
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(value))
    ]
    assert free == []


def _choices() -> list[models.TextChoices]:
    return [*IdeaAction, *PortfolioAction]


def test_every_action_has_a_sentence_that_reads_without_its_values(
    organisation: Organisation, alice: User
) -> None:
    for action in _choices():
        assert has_sentence(action.value), action
        event = DomainEvent(action=action.value, actor=alice, before={}, after={})
        text = describe(event)
        assert text.startswith("Alice ") and "%(" not in text and action.value not in text


def test_the_demo_municipality_has_a_sentence_for_every_event(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    actions = set(DomainEvent.objects.values_list("action", flat=True))
    assert len(actions) > 5
    assert {action for action in actions if not has_sentence(action)} == set()
    for event in DomainEvent.objects.select_related("actor")[:500]:
        assert event.action not in describe(event)


def test_an_unknown_action_is_shown_but_never_hidden(idea: Idea) -> None:
    event = DomainEvent(action="something.new", before={}, after={})
    assert describe(event) == "Systemet: something.new"
