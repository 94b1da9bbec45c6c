"""Smoke test of `python -m bench seed` (`bench.scenario.seed_all`), made small: every
organisation gets the service's defaults, people, ideas and the scenario's rows in proportion
to its size, and the tables keep their indexes and foreign keys. PostgreSQL only: the seed
writes with COPY."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import scenario, seed
from maturity.models import StrategyReport, YearlyAssessment
from portal.models import DomainEvent, Organisation
from portal.services import create_organisation
from portfolio.models import (
    Benefit,
    Decision,
    Initiative,
    Measurement,
    Meeting,
    Phase,
    PhaseVisit,
    StatusReport,
)


def schema() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
            "UNION ALL SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'"
        )
        return set(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_seed_builds_the_scenario_for_every_organisation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test database's name has no «bench» in it.
    monkeypatch.setattr(scenario, "require_bench_database", lambda: None)
    monkeypatch.setattr(seed, "require_bench_database", lambda: None)
    before = schema()
    scenario.seed_all(organisations=4, ideas=400, largest=40)

    assert schema() == before
    orgs = list(Organisation.objects.order_by("pk"))
    assert [org.name for org in orgs[:2]] == ["Oslo kommune", "Bergen kommune"]
    # The copies have what the service gives a new organisation.
    made = create_organisation(name="Ny kommune", kommunenummer="9999", slug="ny")
    for org in orgs:
        assert org.phases.count() == Phase.objects.filter(organisation=made).count()
    sizes = [Initiative.objects.filter(organisation=org).count() for org in orgs]
    assert sizes[0] == 40
    assert sizes == sorted(sizes, reverse=True)
    assert all(n >= 1 for n in sizes)
    assert PhaseVisit.objects.count() >= Initiative.objects.count()
    assert Benefit.objects.count() >= Initiative.objects.count()
    assert Measurement.objects.exists()
    assert StatusReport.objects.exists()
    assert Meeting.objects.filter(closed_at__isnull=False).exists()
    assert Decision.objects.filter(meeting__isnull=False).exists()
    assert YearlyAssessment.objects.count() >= 2 * len(orgs)
    assert StrategyReport.objects.filter(status="done").count() == len(orgs)
    # Every initiative has its «created» event, every measurement its «recorded».
    events = DomainEvent.objects.filter
    assert events(action="initiative.created").count() == Initiative.objects.count()
    assert events(action="measurement.recorded").count() == Measurement.objects.count()
    assert "step times:" in capsys.readouterr().out

    # Again: a top-up that adds nothing.
    scenario.seed_all(organisations=4, ideas=400, largest=40)
    assert Initiative.objects.count() == sum(sizes)
