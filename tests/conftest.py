"""Shared fixtures, built through the real services (like healthchecks' alice, bob, charlie).

Tests that need PostgreSQL, Redis or Chromium are marked and skip with a reason when
those are absent. CI sets NYTTIG_FAIL_ON_SKIP=1 so that any skip fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from ideas.models import Idea, InnovationType
from ideas.services import submit_idea
from portal.models import Membership, Organisation, Role, Unit, User
from portal.services import add_member, create_organisation
from portfolio.models import Initiative, Meeting, MunicipalRole, Phase, PhaseKind
from portfolio.services.meetings import create_meeting
from portfolio.services.triage import accept_idea

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
HAS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HAS_REDIS = bool(settings.REDIS_URL)
HAS_CHROMIUM = CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is not None

REQUIREMENTS = {
    "postgres": (HAS_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://…"),
    "redis": (HAS_REDIS, "needs Redis and a Celery worker: set REDIS_URL=redis://…"),
    "browser": (HAS_CHROMIUM, f"needs Chromium at {CHROMIUM}"),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name, (available, reason) in REQUIREMENTS.items():
            if item.get_closest_marker(name) and not available:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With NYTTIG_FAIL_ON_SKIP=1 (CI) a skipped test fails the run."""
    if os.environ.get("NYTTIG_FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(
                f"NYTTIG_FAIL_ON_SKIP=1: {skipped} skipped test(s) count as failures.", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def organisation(db: None) -> Organisation:
    return create_organisation(name="Nittedal kommune", kommunenummer="3232", slug="nittedal")


@pytest.fixture
def unit(organisation: Organisation) -> Unit:
    return Unit.objects.create(organisation=organisation, name="Hjemmetjenesten")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return create_organisation(name="Lunner kommune", kommunenummer="3236", slug="lunner")


def _member(organisation: Organisation, email: str, role: Role, first: str) -> User:
    membership: Membership = add_member(
        organisation=organisation, email=email, role=role, first_name=first, password="pw"
    )
    return membership.user


@pytest.fixture
def alice(organisation: Organisation) -> User:
    """Staff (ansatt)."""
    return _member(organisation, "alice@nittedal.example", Role.STAFF, "Alice")


@pytest.fixture
def bob(organisation: Organisation) -> User:
    """Member of the portfolio board."""
    return _member(organisation, "bob@nittedal.example", Role.BOARD, "Bob")


@pytest.fixture
def leader(organisation: Organisation) -> User:
    return _member(organisation, "leder@nittedal.example", Role.LEADER, "Lena")


@pytest.fixture
def admin(organisation: Organisation) -> User:
    return _member(organisation, "admin@nittedal.example", Role.ADMIN, "Ada")


@pytest.fixture
def charlie(other_organisation: Organisation) -> User:
    """Staff of another municipality: sees none of Nittedal's objects."""
    return _member(other_organisation, "charlie@lunner.example", Role.STAFF, "Charlie")


@pytest.fixture
def service_type(organisation: Organisation) -> InnovationType:
    return InnovationType.objects.get(organisation=organisation, code="service")


@pytest.fixture
def make_idea(
    organisation: Organisation, unit: Unit, service_type: InnovationType, alice: User
) -> Callable[..., Idea]:
    def make(**overrides: Any) -> Idea:
        values: dict[str, Any] = {
            "organisation": organisation,
            "submitter": alice,
            "title": "Digitalt nattilsyn",
            "question": "Hvordan kan vi gi brukerne bedre søvn med digitalt tilsyn?",
            "need": "Nattpatruljen vekker brukere når de ser til dem.",
            "innovation_type": service_type,
            "unit": unit,
            "notify_board": False,
        }
        values.update(overrides)
        return submit_idea(**values)

    return make


@pytest.fixture
def idea(make_idea: Callable[..., Idea]) -> Idea:
    return make_idea()


def clear_cache() -> None:
    """Forget the tests' cache entries (failed-login counts) and nothing else: with Redis the
    cache shares its database with Celery's queues, so only the tests' own prefix goes."""
    backend = caches["default"]
    if settings.REDIS_URL:
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    yield
    clear_cache()


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def make_initiative(
    make_idea: Callable[..., Idea], organisation: Organisation, bob: User
) -> Callable[..., Initiative]:
    """An accepted idea on the board, in the given (default: first active) phase."""

    def make(phase: Phase | None = None, **idea_fields: Any) -> Initiative:
        phase = (
            phase
            or Phase.objects.filter(organisation=organisation, kind=PhaseKind.ACTIVE)
            .order_by("order")
            .first()
        )
        assert phase is not None
        return accept_idea(
            idea=make_idea(**idea_fields),
            actor=bob,
            phase=phase,
            owner=bob,
            role=MunicipalRole.CONTRIBUTOR,
            basis="Godt behov",
        )

    return make


@pytest.fixture
def initiative(make_initiative: Callable[..., Initiative]) -> Initiative:
    return make_initiative()


@pytest.fixture
def meeting(organisation: Organisation, bob: User) -> Meeting:
    """An open meeting of the portfolio board, with Bob taking part."""
    return create_meeting(
        organisation=organisation, actor=bob, held_on=date(2026, 3, 5), participants=[bob]
    )


@pytest.fixture
def other_board_member(other_organisation: Organisation) -> User:
    """A board member of another municipality: passes every board check, sees nothing here."""
    return _member(other_organisation, "styremedlem@lunner.example", Role.BOARD, "Dagny")


@pytest.fixture
def operator(db: None) -> User:
    """The platform's operator: a superuser who is nobody's member."""
    return User.objects.create_superuser("drift@nyttig.example", "pw", first_name="Olga")


@pytest.fixture
def other_admin(other_organisation: Organisation) -> User:
    """An administrator of another municipality."""
    return _member(other_organisation, "admin@lunner.example", Role.ADMIN, "Erik")
