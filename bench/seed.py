"""`python -m bench seed`: scale data, topped up to the requested totals.

Organisations and memberships go through the portal services, so every organisation gets
its types, goals, phases and staircase as a real one does. Ideas are direct bulk inserts
(with one «idea.submitted» event each, as `ideas.services.submit_idea` records): going
through the service one idea at a time would take hours for scale data.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import batched
from time import perf_counter
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from bench import texts
from ideas.events import IdeaAction
from ideas.models import (
    CLOSED_STATUSES,
    Idea,
    IdeaStatus,
    Initiator,
    InnovationType,
    StrategicGoal,
    SustainabilityGoal,
    Tag,
    ValueType,
)
from ideas.services import IDEA_EVENT_FIELDS
from portal.events import snapshot
from portal.models import DomainEvent, Membership, Organisation, Role, Unit, User
from portal.services import create_organisation

RANDOM_SEED = 2025
BATCH_SIZE = 2_000
MEMBERS_PER_ORGANISATION = 30
TAGS_PER_ORGANISATION = 20
# Scale users can log in (for a look around in the browser) with this password.
PASSWORD = "nyttig-bench-2025"
HISTORY = timedelta(days=3 * 365)

# Most ideas wait in the inbox; the rest are spread over the board's decisions.
STATUS_WEIGHTS = {
    # 67 = the 55 new and 12 "under review" of before: the same ideas wait, the same draws.
    IdeaStatus.SUBMITTED: 67,
    IdeaStatus.ACCEPTED: 9,
    IdeaStatus.PARKED: 7,
    IdeaStatus.REJECTED: 6,
    IdeaStatus.MERGED: 2,
    IdeaStatus.WITHDRAWN: 3,
    IdeaStatus.DRAFT: 6,
}
INITIATOR_WEIGHTS = {
    Initiator.EMPLOYEE: 60,
    Initiator.LEADER: 15,
    Initiator.CITIZEN: 10,
    Initiator.PRIVATE: 5,
    Initiator.POLITICIAN: 4,
    Initiator.VOLUNTEER: 4,
    Initiator.RESEARCH: 2,
}


def say(message: str) -> None:
    print(message, flush=True)


def seed_scale_data(*, organisations: int, ideas: int) -> None:
    started = perf_counter()
    require_bench_database()
    orgs = ensure_organisations(organisations)
    password_hash = make_password(PASSWORD)  # hashed once: 1,500 hashes would take minutes
    for org in orgs:
        ensure_units(org)
        ensure_members(org, password_hash)
        ensure_tags(org)
    say(
        f"{len(orgs)} organisations with units, members and tags ({perf_counter() - started:.0f} s)"
    )

    targets = idea_targets(ideas, len(orgs))
    existing = {
        row["organisation"]: row["n"]
        for row in Idea.objects.filter(organisation__in=orgs)
        .values("organisation")
        .annotate(n=Count("id"))
    }
    missing = sum(max(0, t - existing.get(o.pk, 0)) for o, t in zip(orgs, targets, strict=True))
    say(f"ideas: {sum(existing.values()):,} present, {missing:,} to add")
    created = 0
    insert_started = perf_counter()
    for org, target in zip(orgs, targets, strict=True):
        have = existing.get(org.pk, 0)
        if have >= target:
            continue
        # Seeded per organisation and size, so a top-up run is as repeatable as the first.
        rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:{have}")
        catalogue = Catalogue(org)
        for batch in batched(range(target - have), BATCH_SIZE):
            insert_ideas(org, catalogue, len(batch), rng)
            created += len(batch)
            rate = created / (perf_counter() - insert_started)
            say(f"  {created:>7,}/{missing:,} ideas  ({org.name}, {rate:,.0f}/s)")

    say("VACUUM ANALYZE …")
    vacuum_analyze()
    # Every other table `create_organisation` fills (phases, checklist items, innovation
    # types, the strategy's levels, periods, criteria and KPIs …): without statistics the
    # planner takes «phase.kind = 'active'» to match a handful of visits and nests loops
    # over thousands (the dashboard's KPI queries), and a server with autovacuum off never
    # gathers them.
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, sorted(tables)))}")
    total = Idea.objects.count()
    say(f"done: {total:,} ideas in the database, seeding took {perf_counter() - started:.0f} s")


def require_bench_database() -> None:
    database = connection.settings_dict["NAME"]
    if "bench" not in str(database):
        sys.exit(
            f"bench: refusing to seed database {database!r}: scale data belongs in a database "
            "of its own, named with «bench» (e.g. nyttig_bench)."
        )


def ensure_organisations(count: int) -> list[Organisation]:
    """The first `count` municipalities, created through the service if missing."""
    wanted = list(texts.MUNICIPALITIES)
    wanted += [(f"Testkommune {n}", f"{9000 + n}") for n in range(len(wanted) + 1, count + 1)]
    orgs = []
    for name, number in wanted[:count]:
        org = Organisation.objects.filter(kommunenummer=number).first()
        if org is None:
            org = create_organisation(name=name, kommunenummer=number, slug=slug_for(name))
        orgs.append(org)
    return orgs


def slug_for(name: str) -> str:
    """«nordre-follo», «heroy-more-og-romsdal»: Herøy occurs twice, told apart by county."""
    return slugify(ascii_fold(name.removesuffix(" kommune").lower()))


def ascii_fold(text: str) -> str:
    return text.replace("æ", "ae").replace("ø", "o").replace("å", "a")


def place_of(org: Organisation) -> str:
    return org.name.removesuffix(" kommune")


def ensure_units(org: Organisation) -> None:
    names = [u.format(place=place_of(org)) for u in texts.UNITS]
    have = set(org.units.values_list("name", flat=True))
    Unit.objects.bulk_create(Unit(organisation=org, name=n) for n in names if n not in have)


def ensure_members(org: Organisation, password_hash: str) -> None:
    """About 30 people per organisation: one admin, two board members, three leaders, staff."""
    rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:members")
    people = []
    for n in range(MEMBERS_PER_ORGANISATION):
        first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
        email = ascii_fold(f"{first}.{last}.{n}@{org.slug}.example".lower())
        people.append((email, first, last))
    emails = [email for email, _first, _last in people]
    have_users = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=email, first_name=first, last_name=last, password=password_hash)
        for email, first, last in people
        if email not in have_users
    )
    members = set(
        Membership.objects.filter(organisation=org, user__email__in=emails).values_list(
            "user__email", flat=True
        )
    )
    units = list(org.units.all())
    user_ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    # Bulk rows, as `add_member` would leave them: 30 service calls for each of 357
    # organisations would take longer than all the ideas.
    member_units = [rng.choice(units) for _ in people]
    Membership.objects.bulk_create(
        Membership(
            organisation=org, user_id=user_ids[email], role=role_for(n), unit=member_units[n]
        )
        for n, (email, _first, _last) in enumerate(people)
        if email not in members
    )


def role_for(n: int) -> Role:
    """One administrator, two board members, three leaders, the rest staff."""
    return Role.ADMIN if n == 0 else Role.BOARD if n < 3 else Role.LEADER if n < 6 else Role.STAFF


def ensure_tags(org: Organisation) -> None:
    rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:tags")
    names = rng.sample(texts.TAGS, k=TAGS_PER_ORGANISATION)
    have = set(org.tags.annotate(lower=Lower("name")).values_list("lower", flat=True))
    Tag.objects.bulk_create(Tag(organisation=org, name=n) for n in names if n.lower() not in have)


def idea_targets(total: int, organisations: int) -> list[int]:
    """Ideas per organisation by rank (Zipf): a large city has many, a small town few."""
    weights = [1 / rank for rank in range(1, organisations + 1)]
    targets = [int(total * w / sum(weights)) for w in weights]
    targets[0] += total - sum(targets)
    return targets


@contextmanager
def historical_timestamps(model: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at we set instead of stamping «now».

    Scale data spans three years; auto_now(_add) would date every idea to the seeding run.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Catalogue:
    """The ids of one organisation's rows that its ideas refer to."""

    def __init__(self, org: Organisation) -> None:
        self.units = {u.name: u.pk for u in org.units.all()}
        self.types = {t.code: t.pk for t in InnovationType.objects.filter(organisation=org)}
        self.goals = list(
            StrategicGoal.objects.filter(organisation=org).values_list("pk", flat=True)
        )
        self.sdgs = list(
            SustainabilityGoal.objects.filter(organisation=org).values_list("pk", flat=True)
        )
        self.tags = list(org.tags.values_list("pk", flat=True))
        self.submitters = list(
            Membership.objects.filter(organisation=org).values_list("user_id", flat=True)
        )
        self.place = place_of(org)


def insert_ideas(org: Organisation, catalogue: Catalogue, count: int, rng: random.Random) -> None:
    now = timezone.now()
    ideas = [build_idea(org, catalogue, rng, now) for _ in range(count)]
    with transaction.atomic(), historical_timestamps(Idea):
        Idea.objects.bulk_create(ideas)
        DomainEvent.objects.bulk_create(
            submitted_event(idea) for idea in ideas if idea.status != IdeaStatus.DRAFT
        )
        link(Idea.strategic_goals.field, ideas, catalogue.goals, rng, most=3)
        link(Idea.sustainability_goals.field, ideas, catalogue.sdgs, rng, most=2)
        link(Idea.tags.field, ideas, catalogue.tags, rng, most=3)
        secondary = {
            idea.pk: [t for t in catalogue.types.values() if t != idea.innovation_type_id]
            for idea in ideas
        }
        link(Idea.secondary_types.field, ideas, secondary, rng, most=1)


def build_idea(org: Organisation, catalogue: Catalogue, rng: random.Random, now: datetime) -> Idea:
    text = texts.compose_idea(rng)
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    created_at = now - rng.random() * HISTORY
    submitted_at = triaged_at = None
    if status != IdeaStatus.DRAFT:
        submitted_at = min(now, created_at + timedelta(minutes=rng.randint(5, 3 * 24 * 60)))
    if status not in {IdeaStatus.DRAFT, IdeaStatus.SUBMITTED}:
        assert submitted_at is not None
        triaged_at = min(now, submitted_at + timedelta(days=rng.uniform(1, 60)))
    scored = triaged_at is not None and status not in CLOSED_STATUSES

    def score() -> int | None:
        return rng.choices((0, 1, 2, 3), weights=(1, 3, 5, 3))[0] if scored else None

    reuses = rng.random() < 0.1
    return Idea(
        organisation=org,
        unit_id=catalogue.units[text.unit.format(place=catalogue.place)],
        submitter_id=rng.choice(catalogue.submitters),
        title=text.title,
        question=text.question,
        need=text.need,
        need_holder=text.need_holder,
        proposed_solution=text.proposed_solution,
        affected_parties=text.affected_parties,
        value_types=rng.sample(list(ValueType.values), k=rng.randint(1, 3)),
        innovation_type_id=catalogue.types[text.innovation_type],
        initiator=rng.choices(list(INITIATOR_WEIGHTS), weights=list(INITIATOR_WEIGHTS.values()))[0],
        reuses_solution=reuses,
        reuse_url=f"https://delingsarena.example/losninger/{rng.randint(100, 9999)}"
        if reuses
        else "",
        score_need=score(),
        score_value=score(),
        score_champion=score(),
        score_team=score(),
        score_anchoring=score(),
        status=status,
        version=1 if triaged_at is None else 2,
        created_at=created_at,
        updated_at=triaged_at or submitted_at or created_at,
        submitted_at=submitted_at,
        triaged_at=triaged_at,
        board_notified_at=submitted_at + timedelta(minutes=1) if submitted_at else None,
        support_count=min(int(rng.expovariate(1 / 3)), 150),
        comment_count=min(int(rng.expovariate(1 / 2)), 80),
    )


def submitted_event(idea: Idea) -> DomainEvent:
    """The event `submit_idea` records, as it looked when the idea came in."""
    after = snapshot(idea, IDEA_EVENT_FIELDS) | {"status": IdeaStatus.SUBMITTED, "version": 1}
    assert idea.submitted_at is not None  # drafts get no event
    return DomainEvent(
        organisation_id=idea.organisation_id,
        actor_id=idea.submitter_id,
        action=IdeaAction.SUBMITTED,
        subject_type=Idea._meta.label_lower,
        subject_id=idea.pk,
        after=after,
        occurred_at=idea.submitted_at,
    )


def link(
    field: models.ManyToManyField[Any, Any],
    ideas: Sequence[Idea],
    choices: list[int] | dict[int, list[int]],
    rng: random.Random,
    *,
    most: int,
) -> None:
    """Between 0 and `most` random rows per idea in the field's through table."""
    through = cast("type[models.Model]", field.remote_field.through)
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = []
    for idea in ideas:
        pool = choices[idea.pk] if isinstance(choices, dict) else choices
        for pk in rng.sample(pool, k=min(len(pool), rng.randint(0, most))):
            rows.append(through(**{source: idea.pk, target: pk}))
    through._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)


def vacuum_analyze(tables: Sequence[str] | None = None) -> None:
    """ANALYZE for fresh planner statistics; VACUUM too, for the visibility map that
    index-only scans need, as on a production database that autovacuum has settled."""
    if tables is None:
        tables = [
            model._meta.db_table
            for model in (Idea, DomainEvent, User, Membership, Unit, Tag, Organisation)
        ]
        tables += [
            cast("type[models.Model]", f.remote_field.through)._meta.db_table
            for f in Idea._meta.local_many_to_many
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(map(connection.ops.quote_name, tables))}")
