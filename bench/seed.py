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
from itertools import accumulate
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from bench import texts
from bench.bulk import Steps, copy_rows, copy_tuples, copy_values, reserve_ids, say
from bench.clone import clone_organisations
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

# The same draws as rng.choices(list(…), weights=…), with the sums made once.
STATUSES, STATUS_CUM_WEIGHTS = list(STATUS_WEIGHTS), list(accumulate(STATUS_WEIGHTS.values()))
INITIATORS = list(INITIATOR_WEIGHTS)
INITIATOR_CUM_WEIGHTS = list(accumulate(INITIATOR_WEIGHTS.values()))
VALUE_TYPES = list(ValueType.values)


def seed_scale_data(
    *, organisations: int, ideas: int, steps: Steps | None = None, vacuum: bool = True
) -> list[Organisation]:
    """Organisations, their people and tags, and the ideas; returns the organisations."""
    require_bench_database()
    steps = steps or Steps()
    with steps("organisations"):
        orgs = ensure_organisations(organisations)
    with steps("units, members, tags"):
        ensure_people(orgs, make_password(PASSWORD))  # hashed once: 10,000 would take hours
    with steps("ideas"):
        ensure_ideas(orgs, ideas)
    if vacuum:
        with steps("VACUUM ANALYZE"):
            vacuum_analyze()
            # Every other table `create_organisation` fills (phases, checklist items, the
            # strategy's levels, periods, criteria and KPIs …): without statistics the
            # planner takes «phase.kind = 'active'» to match a handful of visits and nests
            # loops over thousands (the dashboard's KPI queries), and a server with
            # autovacuum off never gathers them.
            tables = connection.introspection.django_table_names(only_existing=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {', '.join(map(connection.ops.quote_name, sorted(tables)))}"
                )
        steps.summary()
    return orgs


def ensure_ideas(orgs: Sequence[Organisation], ideas: int) -> None:
    """Top every organisation up to its share of `ideas` (Zipf by rank)."""
    targets = idea_targets(ideas, len(orgs))
    existing = {
        row["organisation"]: row["n"]
        for row in Idea.objects.filter(organisation__in=orgs)
        .values("organisation")
        .annotate(n=Count("id"))
    }
    missing = sum(max(0, t - existing.get(o.pk, 0)) for o, t in zip(orgs, targets, strict=True))
    say(f"ideas: {sum(existing.values()):,} present, {missing:,} to add")
    catalogues = Catalogue.of(orgs)
    plan: list[tuple[Catalogue, random.Random, int]] = []
    created = 0
    for org, target in zip(orgs, targets, strict=True):
        have = existing.get(org.pk, 0)
        if have >= target:
            continue
        # Seeded per organisation and size, so a top-up run is as repeatable as the first.
        rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:{have}")
        plan.append((catalogues[org.pk], rng, target - have))
        if sum(count for _catalogue, _rng, count in plan) >= BATCH_SIZE * 10:
            created += insert_ideas(plan)
            plan = []
            say(f"  {created:>7,}/{missing:,} ideas")
    if plan:
        created += insert_ideas(plan)
        say(f"  {created:>7,}/{missing:,} ideas")


def require_bench_database() -> None:
    database = connection.settings_dict["NAME"]
    if "bench" not in str(database):
        sys.exit(
            f"bench: refusing to seed database {database!r}: scale data belongs in a database "
            "of its own, named with «bench» (e.g. nyttig_bench)."
        )


def ensure_organisations(count: int) -> list[Organisation]:
    """The first `count` municipalities. The first one missing is made by the service; the
    others are copies of its defaults (`bench.clone`), as the service would have made them."""
    wanted = list(texts.MUNICIPALITIES)
    wanted += [(f"Testkommune {n}", f"{9000 + n}") for n in range(len(wanted) + 1, count + 1)]
    wanted = wanted[:count]
    have = {
        org.kommunenummer: org
        for org in Organisation.objects.filter(kommunenummer__in=[n for _name, n in wanted])
    }
    missing = [(name, number) for name, number in wanted if number not in have]
    if missing:
        with transaction.atomic():
            name, number = missing[0]
            template = create_organisation(name=name, kommunenummer=number, slug=slug_for(name))
            have[number] = template
            now = timezone.now()
            copies = [
                Organisation(name=name, kommunenummer=number, slug=slug_for(name), created_at=now)
                for name, number in missing[1:]
            ]
            with historical_timestamps(Organisation):
                copy_rows(Organisation, copies)
            clone_organisations(template, copies)
            have.update((org.kommunenummer, org) for org in copies)
    return [have[number] for _name, number in wanted]


def slug_for(name: str) -> str:
    """«nordre-follo», «heroy-more-og-romsdal»: Herøy occurs twice, told apart by county."""
    return slugify(ascii_fold(name.removesuffix(" kommune").lower()))


def ascii_fold(text: str) -> str:
    return text.replace("æ", "ae").replace("ø", "o").replace("å", "a")


def place_of(org: Organisation) -> str:
    return org.name.removesuffix(" kommune")


def ensure_people(orgs: Sequence[Organisation], password_hash: str) -> None:
    """Units, about 30 members (one admin, two board members, three leaders, staff) and
    tags for every organisation that has no units yet, in one COPY per table. Bulk rows,
    as `add_member` would leave them: 30 service calls for each of 357 organisations
    would take longer than all the ideas."""
    with_units = set(
        Unit.objects.filter(organisation__in=orgs).values_list("organisation_id", flat=True)
    )
    todo = [org for org in orgs if org.pk not in with_units]
    if not todo:
        return
    units = {
        org.pk: [
            Unit(organisation_id=org.pk, name=u.format(place=place_of(org))) for u in texts.UNITS
        ]
        for org in todo
    }
    copy_rows(Unit, [unit for org_units in units.values() for unit in org_units])
    users, memberships, tags = [], [], []
    for org in todo:
        rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:members")
        for n in range(MEMBERS_PER_ORGANISATION):
            first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
            user = User(
                email=ascii_fold(f"{first}.{last}.{n}@{org.slug}.example".lower()),
                first_name=first,
                last_name=last,
                password=password_hash,
            )
            users.append(user)
            memberships.append(
                Membership(
                    organisation_id=org.pk,
                    user=user,
                    role=role_for(n),
                    unit=rng.choice(units[org.pk]),
                )
            )
        rng = random.Random(f"{RANDOM_SEED}:{org.kommunenummer}:tags")
        tags += [
            Tag(organisation_id=org.pk, name=name)
            for name in rng.sample(texts.TAGS, k=TAGS_PER_ORGANISATION)
        ]
    copy_rows(User, users)
    for membership in memberships:
        assert membership.unit is not None
        membership.user_id, membership.unit_id = membership.user.pk, membership.unit.pk
    copy_rows(Membership, memberships)
    copy_rows(Tag, tags)


def role_for(n: int) -> Role:
    """One administrator, two board members, three leaders, the rest staff."""
    return Role.ADMIN if n == 0 else Role.BOARD if n < 3 else Role.LEADER if n < 6 else Role.STAFF


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
        self.org = org
        self.units: dict[str, int] = {}
        self.types: dict[str, int] = {}
        self.goals: list[int] = []
        self.sdgs: list[int] = []
        self.tags: list[int] = []
        self.submitters: list[int] = []
        self.place = place_of(org)

    @classmethod
    def of(cls, orgs: Sequence[Organisation]) -> dict[int, Catalogue]:
        """Every organisation's catalogue, in one query per table."""
        found = {org.pk: cls(org) for org in orgs}
        for pk, org_id, name in Unit.objects.filter(organisation__in=orgs).values_list(
            "pk", "organisation_id", "name"
        ):
            found[org_id].units[name] = pk
        for pk, org_id, code in InnovationType.objects.filter(organisation__in=orgs).values_list(
            "pk", "organisation_id", "code"
        ):
            found[org_id].types[code] = pk
        pools: list[tuple[type[models.Model], str]] = [
            (StrategicGoal, "goals"),
            (SustainabilityGoal, "sdgs"),
            (Tag, "tags"),
        ]
        for model, attribute in pools:
            for pk, org_id in (
                model._default_manager.filter(organisation__in=orgs)
                .order_by("pk")
                .values_list("pk", "organisation_id")
            ):
                getattr(found[org_id], attribute).append(pk)
        for user_id, org_id in (
            Membership.objects.filter(organisation__in=orgs)
            .order_by("pk")
            .values_list("user_id", "organisation_id")
        ):
            found[org_id].submitters.append(user_id)
        return found


@transaction.atomic
def insert_ideas(plan: Sequence[tuple[Catalogue, random.Random, int]]) -> int:
    """Build and COPY each organisation's ideas (built as the COPY streams, so PostgreSQL
    indexes the first while Python makes the next), then their «submitted» events and
    their links (up to three strategic goals, two sustainability goals, three tags and
    one secondary type each)."""
    ids = iter(reserve_ids(Idea, sum(count for _catalogue, _rng, count in plan)))
    pending: list[tuple[Idea, Catalogue, random.Random]] = []
    now = timezone.now()

    def build() -> Iterator[Idea]:
        for catalogue, rng, count in plan:
            for _ in range(count):
                idea = build_idea(catalogue.org, catalogue, rng, now)
                idea.pk = next(ids)
                pending.append((idea, catalogue, rng))
                yield idea

    copy_rows(Idea, build())
    ideas = [idea for idea, _catalogue, _rng in pending]
    copy_values(
        DomainEvent,
        EVENT_FIELDS,
        (submitted_event(idea) for idea in ideas if idea.status != IdeaStatus.DRAFT),
    )
    links: dict[str, list[tuple[int, int]]] = {
        "strategic_goals": [],
        "sustainability_goals": [],
        "tags": [],
        "secondary_types": [],
    }
    for idea, catalogue, rng in pending:
        for name, pool, most in (
            ("strategic_goals", catalogue.goals, 3),
            ("sustainability_goals", catalogue.sdgs, 2),
            ("tags", catalogue.tags, 3),
        ):
            for pk in rng.sample(pool, k=min(len(pool), rng.randint(0, most))):
                links[name].append((idea.pk, pk))
        if rng.random() < 0.5:
            others = [t for t in catalogue.types.values() if t != idea.innovation_type_id]
            if others:
                links["secondary_types"].append((idea.pk, rng.choice(others)))
    for name, rows in links.items():
        field = cast("models.ManyToManyField[Any, Any]", Idea._meta.get_field(name))
        through = cast("type[models.Model]", field.remote_field.through)
        columns = [f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"]
        copy_tuples(through._meta.db_table, columns, rows)
    return len(ideas)


def build_idea(org: Organisation, catalogue: Catalogue, rng: random.Random, now: datetime) -> Idea:
    text = texts.compose_idea(rng)
    status = rng.choices(STATUSES, cum_weights=STATUS_CUM_WEIGHTS)[0]
    created_at = now - rng.random() * HISTORY
    submitted_at = triaged_at = None
    if status != IdeaStatus.DRAFT:
        submitted_at = min(now, created_at + timedelta(minutes=rng.randint(5, 3 * 24 * 60)))
    if status not in {IdeaStatus.DRAFT, IdeaStatus.SUBMITTED}:
        assert submitted_at is not None
        triaged_at = min(now, submitted_at + timedelta(days=rng.uniform(1, 60)))
    scored = triaged_at is not None and status not in CLOSED_STATUSES

    def score() -> int | None:
        return rng.choices((0, 1, 2, 3), cum_weights=(1, 4, 9, 12))[0] if scored else None

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
        value_types=rng.sample(VALUE_TYPES, k=rng.randint(1, 3)),
        innovation_type_id=catalogue.types[text.innovation_type],
        initiator=rng.choices(INITIATORS, cum_weights=INITIATOR_CUM_WEIGHTS)[0],
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


EVENT_FIELDS = (
    "organisation_id",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "occurred_at",
)


def submitted_event(idea: Idea) -> tuple[Any, ...]:
    """The event `submit_idea` records, as it looked when the idea came in (EVENT_FIELDS)."""
    after = snapshot(idea, IDEA_EVENT_FIELDS) | {"status": IdeaStatus.SUBMITTED, "version": 1}
    assert idea.submitted_at is not None  # drafts get no event
    return (
        idea.organisation_id,
        idea.submitter_id,
        IdeaAction.SUBMITTED,
        Idea._meta.label_lower,
        idea.pk,
        {},
        after,
        idea.submitted_at,
    )


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
