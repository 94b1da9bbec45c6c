"""The demo municipality (Nittedal): units, people, ideas and a portfolio, built through the
real services so that its history is real. Safe to run again: nothing is duplicated.

It lives in maturity, the top app, because it fills every app; `manage.py seed_demo` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ideas.models import Idea, InnovationType
from ideas.services import submit_idea
from maturity.demo.assessment import seed_assessment
from maturity.demo.data import DEMO_IDEAS, DEMO_ORGANISATION, DEMO_PASSWORD, DEMO_UNITS, DEMO_USERS
from maturity.demo.portfolio import seed_portfolio
from maturity.demo.strategy import seed_strategy
from maturity.receivers import create_strategy
from portal.models import Organisation, Role, Unit, User
from portal.services import add_member, ensure_organisation


@dataclass(frozen=True)
class Seeded:
    organisation: Organisation
    ideas: int  # created by this run
    initiatives: int  # created by this run


@transaction.atomic
def seed_demo() -> Seeded:
    organisation = ensure_organisation(**DEMO_ORGANISATION)
    create_strategy(organisation)  # also for a demo made before the strategy grew
    units = {}
    for item in DEMO_UNITS:
        units[item["name"]], _ = Unit.objects.get_or_create(
            organisation=organisation,
            name=item["name"],
            defaults={"short_name": item["short_name"]},
        )
    users: dict[str, User] = {}
    for person in DEMO_USERS:
        membership = add_member(
            organisation=organisation,
            email=person["email"],
            role=Role(person["role"]),
            first_name=person["first_name"],
            last_name=person["last_name"],
            unit=units[person["unit"]],
            password=DEMO_PASSWORD,
        )
        users[person["email"]] = membership.user
    types = {t.code: t for t in InnovationType.objects.filter(organisation=organisation)}
    existing = set(Idea.objects.filter(organisation=organisation).values_list("title", flat=True))
    created = 0
    now = timezone.now()
    for idea in DEMO_IDEAS:
        if idea["title"] in existing:
            continue
        submit_idea(
            organisation=organisation,
            submitter=users[idea["submitter"]],
            title=idea["title"],
            question=idea["question"],
            need=idea["need"],
            proposed_solution=idea["proposed_solution"],
            innovation_type=types[idea["innovation_type"]],
            unit=units[idea["unit"]],
            submitted_at=now - timedelta(days=idea["days_ago"]),
            notify_board=False,
        )
        created += 1
    initiatives = seed_portfolio(organisation, users)
    seed_strategy(organisation, users)  # the measures under way
    seed_assessment(organisation, users)
    return Seeded(organisation=organisation, ideas=created, initiatives=initiatives)
