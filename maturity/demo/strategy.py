"""The demo municipality's strategy under way: owners, due dates, progress notes and linked
initiatives on the seeded measures, with at least one measure past its due date. Built
through maturity.services.measures, so the history is real. A measure that already has
an owner or progress notes is left as it is, so running the seed again duplicates nothing (and keeps
what someone has written in the demo since).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from maturity.models import MeasureStatus, StrategicMeasure
from maturity.services.measures import add_measure_note, update_measure
from portal.models import Organisation, User
from portfolio.models import Initiative

LEADER = "leder@nittedal.example"
ADMIN = "admin@nittedal.example"
BOARD = "styret@nittedal.example"


@dataclass(frozen=True)
class Note:
    days_ago: int
    author: str
    status: MeasureStatus
    text: str


@dataclass(frozen=True)
class MeasurePlan:
    text: str  # the measure as maturity.defaults seeds it
    owner: str
    due_in_days: int | None  # from today; None keeps the period's end as the due date
    initiatives: list[str] = field(default_factory=list)  # idea titles
    notes: list[Note] = field(default_factory=list)  # oldest first


PLANS = [
    MeasurePlan(
        "Strategien vedtas i kommunestyret",
        ADMIN,
        None,
        notes=[
            Note(420, ADMIN, MeasureStatus.IN_PROGRESS, "Saken er sendt til formannskapet."),
            Note(390, ADMIN, MeasureStatus.DONE, "Vedtatt i kommunestyret, sak 25/118."),
        ],
    ),
    MeasurePlan(
        "Strategien forankres hos relevante ansatte og ledere i kommunen",
        LEADER,
        None,
        notes=[
            Note(
                360,
                LEADER,
                MeasureStatus.IN_PROGRESS,
                "Presentert i ledersamlingen. Tjenesteområdene tar den videre i egne møter.",
            ),
            Note(
                300,
                LEADER,
                MeasureStatus.DONE,
                "Gjennomgått i alle tjenesteområder og med hovedtillitsvalgte.",
            ),
        ],
    ),
    MeasurePlan(
        "Strategien innarbeides i den etablerte porteføljestyringen, med eventuelle endringsbehov",
        BOARD,
        None,
        initiatives=["Robotisert kontroll og kontering av inngående fakturaer"],
        notes=[
            Note(
                330,
                BOARD,
                MeasureStatus.DONE,
                "Porteføljestyret vurderer nå hver idé mot de fire strategiske målene.",
            ),
        ],
    ),
    MeasurePlan(
        "Eventuelle nye arenaer og prosesser for innovasjon kartlegges",
        LEADER,
        -20,  # past due and not done: flagged on the measures page
        initiatives=["Digihjelp på biblioteket sammen med frivillige"],
        notes=[
            Note(
                200,
                LEADER,
                MeasureStatus.IN_PROGRESS,
                "Idéportalen er tatt i bruk som ny arena. Innbyggermøter gjenstår.",
            ),
            Note(
                40,
                LEADER,
                MeasureStatus.DELAYED,
                "Innbyggermøtene er utsatt til etter budsjettbehandlingen.",
            ),
        ],
    ),
    MeasurePlan(
        "Nye og etablerte strategiske samarbeid og partnerskap kartlegges",
        ADMIN,
        None,
        notes=[
            Note(
                250,
                ADMIN,
                MeasureStatus.DONE,
                "Oversikt over samarbeid med KS, DigiViken, OsloMet og Nedre Romerike er lagt "
                "fram for ledergruppen.",
            ),
        ],
    ),
    MeasurePlan(
        "Kompetansebehov knyttet til innovasjon kartlegges",
        LEADER,
        -75,
        notes=[
            Note(
                150,
                LEADER,
                MeasureStatus.DELAYED,
                "Kartleggingen venter på den nye læringsplattformen. Ny frist avtales i "
                "ledergruppen.",
            ),
        ],
    ),
    MeasurePlan(
        "Innovasjon bidrar til effektivisering og frigjøring av arbeidskraft",
        LEADER,
        180,
        initiatives=[
            "Digitalt nattilsyn i hjemmetjenesten",
            "Automatisk ruteplanlegging i hjemmetjenesten",
            "Robotisert kontroll og kontering av inngående fakturaer",
        ],
        notes=[
            Note(
                60,
                LEADER,
                MeasureStatus.IN_PROGRESS,
                "Digitalt nattilsyn er i drift og frigjør timer i hjemmetjenesten. "
                "Ruteplanleggingen piloteres.",
            ),
        ],
    ),
    MeasurePlan(
        "Nye strategiske samarbeid og partnere implementeres",
        ADMIN,
        300,
        initiatives=["KI-assistent for byggesaksbehandling"],
        notes=[
            Note(
                45,
                ADMIN,
                MeasureStatus.IN_PROGRESS,
                "Avtale med OsloMet om følgeforskning på KI i byggesak er signert.",
            ),
        ],
    ),
    MeasurePlan(
        "Ny digital plattform for kommunen utredes og vedtas",
        ADMIN,
        240,
    ),
    MeasurePlan(
        "Teknologier som er nyttige for samskapingskommunen kartlegges og tas i bruk",
        BOARD,
        330,
        initiatives=["Kartbasert melding og brøytestatus for vintervedlikehold"],
    ),
]


def _due(plan: MeasurePlan, measure: StrategicMeasure, today: date) -> date | None:
    if plan.due_in_days is None:
        return measure.due_date
    return today + timedelta(days=plan.due_in_days)


def seed_strategy(organisation: Organisation, users: dict[str, User]) -> int:
    """Put the plans on the measures nobody owns or has written about yet; returns how many."""
    measures = {
        m.text: m
        for m in StrategicMeasure.objects.filter(
            organisation=organisation, owner__isnull=True, notes__isnull=True
        )
        .select_related("period")
        .prefetch_related("initiatives")
    }
    initiatives = {
        i.idea.title: i
        for i in Initiative.objects.for_organisation(organisation).select_related("idea")
    }
    today = timezone.localdate()
    now = timezone.now()
    done = 0
    for plan in PLANS:
        measure = measures.get(plan.text)
        if measure is None:
            continue  # already under way, or renamed in the demo
        measure = update_measure(
            measure=measure,
            actor=users[ADMIN],
            expected_version=measure.version,
            text=measure.text,
            description=measure.description,
            period=measure.period,
            owner=users[plan.owner],
            due_date=_due(plan, measure, today),
            initiatives=[initiatives[title] for title in plan.initiatives if title in initiatives],
        )
        for note in plan.notes:
            add_measure_note(
                measure=measure,
                actor=users[note.author],
                expected_version=measure.version,
                text=note.text,
                status=note.status,
                written_at=now - timedelta(days=note.days_ago),
            )
            measure.refresh_from_db(fields=["version", "status"])
        done += 1
    return done
