"""The demo municipality's portfolio: initiatives on the board, benefits, status reports,
and one board meeting. Built through the real services, so the history is real too."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ideas.models import Idea, IdeaStatus
from portal.models import Organisation, User
from portfolio.models import Initiative, MunicipalRole, Phase, PhaseKind, PhaseVisit
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import add_benefit, add_indicator, record_measurement
from portfolio.services.board import move_initiative
from portfolio.services.derived import refresh_in_use_since
from portfolio.services.meetings import close_meeting, create_meeting
from portfolio.services.status import save_status_report
from portfolio.services.triage import accept_idea, park_idea, reject_idea

# (idea title, target phase, role, days in the current phase)
ACCEPTED = [
    ("Digitalt nattilsyn i hjemmetjenesten", "Ny praksis", MunicipalRole.CONTRIBUTOR, 120),
    (
        "Robotisert kontroll og kontering av inngående fakturaer",
        "Overgang til drift",
        MunicipalRole.INITIATOR,
        40,
    ),
    ("Automatisk ruteplanlegging i hjemmetjenesten", "Pilotering", MunicipalRole.CONTRIBUTOR, 75),
    ("KI-assistent for byggesaksbehandling", "Tjenesteutvikling", MunicipalRole.PARTNER, 20),
    ("Automatisert barnehageopptak med digitale tilbud", "Innsikt", MunicipalRole.WAIT_AND_SEE, 10),
    (
        "Kartbasert melding og brøytestatus for vintervedlikehold",
        "Innsikt",
        MunicipalRole.CONTRIBUTOR,
        45,
    ),
    ("Nærværsmodell i helse og omsorg", "Forankring", MunicipalRole.INITIATOR, 5),
    ("Digihjelp på biblioteket sammen med frivillige", "Pilotering", MunicipalRole.INITIATOR, 30),
]


def _walk_to(initiative: Initiative, target: Phase, actor: User) -> Initiative:
    """Move step by step through the active phases, settling each checklist."""
    phases = list(
        Phase.objects.filter(organisation=initiative.organisation, kind=PhaseKind.ACTIVE).order_by(
            "order"
        )
    )
    for phase in phases:
        if initiative.phase.order >= target.order:
            break
        if phase.order <= initiative.phase.order:
            continue
        answers = {item.pk: ("done", "") for item in open_checklist_items(initiative)}
        initiative = move_initiative(
            initiative=initiative,
            actor=actor,
            to_phase=phase,
            expected_version=initiative.version,
            answers=answers,
        )
    return initiative


def seed_portfolio(organisation: Organisation, users: dict[str, User]) -> int:
    """Create what is missing; returns how many initiatives were added."""
    board = users["styret@nittedal.example"]
    leader = users["leder@nittedal.example"]
    staff = [u for email, u in users.items() if email not in {board.email, leader.email}]
    phases = {p.name: p for p in Phase.objects.filter(organisation=organisation)}
    first = min((p for p in phases.values() if p.kind == PhaseKind.ACTIVE), key=lambda p: p.order)
    added = 0
    now = timezone.now()
    for n, (title, phase_name, role, days) in enumerate(ACCEPTED):
        idea = Idea.objects.filter(organisation=organisation, title=title).first()
        if idea is None or idea.status != IdeaStatus.SUBMITTED:
            continue
        initiative = accept_idea(
            idea=idea,
            actor=board,
            phase=first,
            owner=staff[n % len(staff)],
            role=role,
            team=[staff[(n + 1) % len(staff)]],
            basis="Godt beskrevet behov som støtter de strategiske målene.",
            case_number=f"25/{1200 + n}",
        )
        initiative = _walk_to(initiative, phases[phase_name], board)
        entered = now - timedelta(days=days)
        # Demo history: let the card have sat in its phase for a while.
        Initiative.objects.filter(pk=initiative.pk).update(phase_entered_at=entered)
        PhaseVisit.objects.filter(initiative=initiative, left_at__isnull=True).update(
            entered_at=entered
        )
        refresh_in_use_since(Initiative.objects.filter(pk=initiative.pk))  # moved back too
        added += 1
        _seed_benefits(initiative, board, n)
        if n % 2 == 0:
            save_status_report(
                initiative=initiative,
                actor=board,
                publish=True,
                period_end=timezone.localdate(),
                summary="Arbeidet går etter planen. Brukerne er med i utprøvingen.",
                progress="green",
                economy="green" if n % 4 == 0 else "yellow",
                economy_comment="" if n % 4 == 0 else "Lisenskostnadene ble høyere enn antatt.",
                quality="green",
                risk="yellow",
                risk_comment="Avhengig av leverandørens integrasjon mot fagsystemet.",
                benefits="green",
                budget=Decimal("450000"),
                costs_to_date=Decimal("185000") + Decimal(n * 10000),
            )
    if added:
        _seed_meeting(organisation, board, leader)
    return added


def _seed_benefits(initiative: Initiative, actor: User, n: int) -> None:
    if n >= 5:
        return  # a few initiatives without benefits yet: the overview shows that honestly
    hours = Decimal([1800, 2400, 950, 600, 320][n])
    benefit = add_benefit(
        initiative=initiative,
        actor=actor,
        description="Frigjort tid for ansatte som kan brukes hos brukerne.",
        kind="indirect",
        value_types=["resources", "employees"],
        owner=initiative.owner,
        responsible=actor,
        preconditions="Ansatte får opplæring, og rutinene endres.",
        # The first is due already (and measured), so this year's figures show realised hours.
        realisation_date=timezone.localdate() + timedelta(days=180 * n if n else -30),
        expected_hours=hours,
    )
    if n == 3:
        return  # one benefit without an indicator: flagged, not hidden
    indicator = add_indicator(
        benefit=benefit,
        actor=actor,
        name="Timer brukt per måned på oppgaven",
        unit="hours",
        baseline=Decimal("400"),
        target=Decimal("250"),
        baseline_date=timezone.localdate() - timedelta(days=300),
    )
    if n <= 1:
        for months, value in ((9, "380"), (6, "340"), (3, "300"), (0, "270")):
            record_measurement(
                indicator=indicator,
                actor=actor,
                measured_on=timezone.localdate() - timedelta(days=30 * months),
                value=Decimal(value),
                comment="Tall fra turnus- og fagsystemet.",
            )
    if n == 1:
        add_benefit(
            initiative=initiative,
            actor=actor,
            description="Færre purringer og gebyrer på fakturaer.",
            kind="direct",
            value_types=["resources"],
            owner=initiative.owner,
            expected_amount=Decimal("125000"),
        )


def _seed_meeting(organisation: Organisation, board: User, leader: User) -> None:
    meeting = create_meeting(
        organisation=organisation,
        actor=board,
        held_on=timezone.localdate() - timedelta(days=14),
        participants=[board, leader],
        title="Porteføljestyremøte",
    )
    submitted = list(
        Idea.objects.filter(organisation=organisation, status=IdeaStatus.SUBMITTED).order_by(
            "submitted_at"
        )[:2]
    )
    if len(submitted) == 2:
        park_idea(
            idea=submitted[0],
            actor=board,
            revisit_on=timezone.localdate() + timedelta(days=90),
            basis="Vi venter på erfaringene fra nabokommunene.",
            meeting=meeting,
        )
        reject_idea(
            idea=submitted[1],
            actor=board,
            basis="Dekkes av det nasjonale prosjektet vi allerede deltar i.",
            case_number="25/1301",
            meeting=meeting,
        )
    close_meeting(meeting=meeting, actor=board)
