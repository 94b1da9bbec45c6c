from __future__ import annotations

from django.core.management import call_command

from ideas.models import Idea
from maturity.models import AgreedLevel, CriterionTick, DimensionAnswer
from portal.models import DomainEvent, Membership
from portfolio.models import Benefit, Initiative, Measurement, Meeting, StatusReport


def counts() -> dict[str, int]:
    return {
        "ideas": Idea.objects.count(),
        "members": Membership.objects.count(),
        "initiatives": Initiative.objects.count(),
        "benefits": Benefit.objects.count(),
        "measurements": Measurement.objects.count(),
        "reports": StatusReport.objects.count(),
        "meetings": Meeting.objects.count(),
        "events": DomainEvent.objects.count(),
        "answers": DimensionAnswer.objects.count(),
        "ticks": CriterionTick.objects.count(),
        "agreed": AgreedLevel.objects.count(),
    }


def test_seed_demo_builds_a_living_municipality_and_is_safe_to_run_twice(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    first = counts()
    assert first["ideas"] >= 20 and first["members"] >= 4
    assert first["initiatives"] == 8 and first["benefits"] >= 4 and first["measurements"] >= 8
    assert first["reports"] >= 1 and first["meetings"] == 1
    assert first["answers"] == 12 and first["ticks"] >= 12 and first["agreed"] == 1
    agreed = AgreedLevel.objects.select_related("level").get()
    assert (agreed.assessment.year, agreed.version, agreed.level.name) == (2025, 1, "Vente å se")
    assert agreed.reasoning and agreed.indicators["kpis"]
    call_command("seed_demo", verbosity=0)
    assert counts() == first
