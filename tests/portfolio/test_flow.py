"""Flow figures: time in each phase, throughput per month and the stalled list.

Initiatives are made and moved through the real services; the tests then date the phase
visits by updating the rows, as if the moves had happened on those days.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, InnovationType
from ideas.services import submit_idea
from portal.models import Organisation, Role, Unit, User
from portal.services import add_member
from portfolio.models import (
    Initiative,
    MunicipalRole,
    Phase,
    PhaseKind,
    PhaseVisit,
    PortfolioSettings,
)
from portfolio.selectors.flow import (
    active_phases,
    initiatives_with_phase_time,
    median_days_per_phase,
    monthly_throughput,
    months_back,
    phase_time_rows,
    stalled_initiatives,
)
from portfolio.services.board import move_initiative
from portfolio.services.triage import accept_idea

URL = reverse("portfolio:flow")
DAY = timedelta(days=1)

MakeInitiative = Callable[..., Initiative]


@pytest.fixture
def phases(organisation: Organisation) -> list[Phase]:
    """The KS Veikart's active phases: Forankring, Innsikt, … Ny praksis."""
    return active_phases(organisation=organisation)


@pytest.fixture
def closed_phase(organisation: Organisation) -> Phase:
    return Phase.objects.get(organisation=organisation, name="Avsluttet", kind=PhaseKind.CLOSED)


@pytest.fixture
def make_initiative(
    make_idea: Callable[..., Idea], bob: User, phases: list[Phase]
) -> MakeInitiative:
    counter = iter(range(1, 10_000))

    def make(title: str = "", owner: User | None = None) -> Initiative:
        idea = make_idea(title=title or f"Initiativ {next(counter)}")
        return accept_idea(
            idea=idea,
            actor=bob,
            phase=phases[0],
            owner=owner or bob,
            role=MunicipalRole.CONTRIBUTOR,
        )

    return make


def move(initiative: Initiative, to_phase: Phase, actor: User) -> Initiative:
    initiative.refresh_from_db()
    answers = {item.pk: ("done", "") for item in initiative.phase.checklist.all()}
    return move_initiative(
        initiative=initiative,
        actor=actor,
        to_phase=to_phase,
        expected_version=initiative.version,
        answers=answers,
    )


def date_visits(initiative: Initiative, spans: Sequence[tuple[datetime, datetime | None]]) -> None:
    """Give the initiative's visits, oldest first, these (entered, left) times."""
    visits = list(initiative.visits.order_by("entered_at", "id"))
    assert len(visits) == len(spans)
    for visit, (entered, left) in zip(visits, spans, strict=True):
        PhaseVisit.objects.filter(pk=visit.pk).update(entered_at=entered, left_at=left)
    Initiative.objects.filter(pk=initiative.pk).update(phase_entered_at=spans[-1][0])


def days_ago(n: float) -> datetime:
    return timezone.now() - n * DAY


def in_month(month: date, day: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(month.replace(day=day), time(12)))


# Time in each phase -----------------------------------------------------------------------


def test_time_in_phase_sums_every_visit_and_counts_an_open_one_to_now(
    organisation: Organisation,
    phases: list[Phase],
    make_initiative: MakeInitiative,
    bob: User,
) -> None:
    forankring, innsikt = phases[0], phases[1]
    initiative = make_initiative("Digitalt nattilsyn")
    move(initiative, innsikt, bob)
    move(initiative, forankring, bob)  # back: the Veikart is not linear
    move(initiative, innsikt, bob)
    date_visits(
        initiative,
        [
            (days_ago(30), days_ago(20)),  # Forankring 10 days
            (days_ago(20), days_ago(15)),  # Innsikt 5 days
            (days_ago(15), days_ago(12)),  # Forankring 3 days
            (days_ago(12), None),  # Innsikt since 12 days, still there
        ],
    )

    annotated = initiatives_with_phase_time(organisation=organisation, phases=phases)
    [row] = phase_time_rows(annotated, phases)

    assert row.initiative.pk == initiative.pk
    assert row.days[0] == pytest.approx(13, abs=0.01)
    assert row.days[1] == pytest.approx(17, abs=0.01)
    assert row.days[2:] == [None, None, None, None]


def test_median_per_phase_takes_the_middle_of_the_initiatives_totals(
    organisation: Organisation,
    phases: list[Phase],
    make_initiative: MakeInitiative,
    bob: User,
) -> None:
    forankring, innsikt = phases[0], phases[1]
    # Forankring totals 2, 4, 10 and 6 (two visits of 3); Innsikt only for the first three.
    for total in (2, 4, 10):
        initiative = move(make_initiative(), innsikt, bob)
        date_visits(initiative, [(days_ago(50), days_ago(50 - total)), (days_ago(1), None)])
    assert median_days_per_phase(organisation=organisation, phases=phases) == pytest.approx(
        [4, 1, None, None, None, None], abs=0.01
    )

    back_and_forth = make_initiative()
    move(back_and_forth, innsikt, bob)
    move(back_and_forth, forankring, bob)
    move(back_and_forth, phases[2], bob)
    date_visits(
        back_and_forth,
        [
            (days_ago(40), days_ago(37)),
            (days_ago(37), days_ago(27)),
            (days_ago(27), days_ago(24)),
            (days_ago(24), None),
        ],
    )

    medians = median_days_per_phase(organisation=organisation, phases=phases)

    # Forankring: 2, 4, 6, 10 → (4 + 6) / 2; Innsikt: 1, 1, 1, 10 → 1; Tjenesteutvikling: 24.
    assert medians == pytest.approx([5, 1, 24, None, None, None], abs=0.01)


def test_page_shows_days_per_phase_and_the_medians(
    phases: list[Phase],
    make_initiative: MakeInitiative,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    initiative = move(make_initiative("Digitalt nattilsyn"), phases[1], bob)
    date_visits(initiative, [(days_ago(30), days_ago(9)), (days_ago(9), None)])

    response = client_for(bob).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("ideas:detail", args=[initiative.idea_id]) in html
    assert '<td class="flow-number">21</td>' in html
    assert '<td class="flow-number">9</td>' in html
    assert "Median, alle initiativer" in html


# Throughput -------------------------------------------------------------------------------


def test_throughput_counts_initiatives_per_month_entered_reached_and_closed(
    organisation: Organisation,
    phases: list[Phase],
    closed_phase: Phase,
    make_initiative: MakeInitiative,
    bob: User,
) -> None:
    months = months_back(12)
    this_month, three_ago = months[-1], months[-3]
    forankring, innsikt, ny_praksis = phases[0], phases[1], phases[-1]

    reached = move(make_initiative(), ny_praksis, bob)
    date_visits(
        reached, [(in_month(three_ago), in_month(this_month, 2)), (in_month(this_month, 2), None)]
    )

    closed = make_initiative()
    for phase in (innsikt, forankring, closed_phase):
        move(closed, phase, bob)
    date_visits(
        closed,
        [
            (in_month(this_month, 1), in_month(this_month, 2)),
            (in_month(this_month, 2), in_month(this_month, 3)),
            (in_month(this_month, 3), in_month(this_month, 4)),  # Forankring again: counts once
            (in_month(this_month, 4), None),
        ],
    )
    too_old = make_initiative()
    date_visits(too_old, [(in_month(months[0]) - timedelta(days=40), None)])

    rows = monthly_throughput(organisation=organisation, phases=phases)

    assert [row.month for row in rows] == months
    by_month = {row.month: row for row in rows}
    assert by_month[three_ago].entered == [1, 0, 0, 0, 0, 0]
    assert by_month[three_ago].closed == 0
    assert by_month[this_month].entered == [1, 1, 0, 0, 0, 1]
    assert by_month[this_month].closed == 1
    others = [row for row in rows if row.month not in {three_ago, this_month}]
    assert all(row.entered == [0] * 6 and row.closed == 0 for row in others)


def test_throughput_table_is_numbers_with_decorative_bars(
    phases: list[Phase],
    make_initiative: MakeInitiative,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    make_initiative()

    html = client_for(bob).get(URL).content.decode()

    assert "Nådd Ny praksis" in html
    assert '<span class="flow-count__number">1</span>' in html
    assert '<span class="flow-bar" data-step="10" aria-hidden="true"></span>' in html
    assert "style=" not in html  # strict CSP: no inline styles


# Stalled initiatives ----------------------------------------------------------------------


FROZEN = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.get_current_timezone())


def test_flow_figures_follow_the_frozen_python_clock(
    organisation: Organisation,
    phases: list[Phase],
    make_initiative: MakeInitiative,
) -> None:
    """Open visits count up to Python's now, not the database's: with the clock frozen
    (and moved) the figures move with it, so no test depends on the wall clock."""
    initiative = make_initiative("Frossen klokke")
    date_visits(initiative, [(FROZEN - 10 * DAY, None)])
    with time_machine.travel(FROZEN, tick=False) as traveller:
        [row] = phase_time_rows(
            initiatives_with_phase_time(organisation=organisation, phases=phases), phases
        )
        assert row.days[0] == pytest.approx(10)
        assert not stalled_initiatives(organisation=organisation, after_days=12).exists()
        traveller.shift(5 * DAY)
        [row] = phase_time_rows(
            initiatives_with_phase_time(organisation=organisation, phases=phases), phases
        )
        assert row.days[0] == pytest.approx(15)
        [stalled] = stalled_initiatives(organisation=organisation, after_days=12)
        assert stalled.time_in_phase == 15 * DAY  # type: ignore[attr-defined]  # annotated
        assert median_days_per_phase(organisation=organisation, phases=phases)[0] == (
            pytest.approx(15)
        )


def test_stalled_list_follows_the_setting_and_leaves_out_closed_initiatives(
    organisation: Organisation,
    closed_phase: Phase,
    make_initiative: MakeInitiative,
    bob: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    long_ago = make_initiative("Lenge stille", owner=leader)
    date_visits(long_ago, [(days_ago(31), None)])
    recent = make_initiative("Nylig flyttet")
    date_visits(recent, [(days_ago(25), None)])
    closed = move(make_initiative("Avsluttet for lenge siden"), closed_phase, bob)
    date_visits(closed, [(days_ago(200), days_ago(100)), (days_ago(100), None)])

    stalled = stalled_initiatives(organisation=organisation, after_days=30)
    assert [i.pk for i in stalled] == [long_ago.pk]
    assert stalled[0].time_in_phase.days == 31  # type: ignore[attr-defined]  # annotated

    html = client_for(leader).get(URL).content.decode()
    assert "over 30 dager" in html
    assert reverse("ideas:detail", args=[long_ago.idea_id]) in html
    assert '<td class="flow-number">31</td>' in html
    assert "Lena" in html  # the owner
    assert "Nylig flyttet" in html  # in the phase-time table, but …
    assert html.count(reverse("ideas:detail", args=[recent.idea_id])) == 1  # … not stalled

    PortfolioSettings.objects.filter(organisation=organisation).update(stalled_after_days=20)
    html = client_for(leader).get(URL).content.decode()
    assert "over 20 dager" in html
    assert html.count(reverse("ideas:detail", args=[recent.idea_id])) == 2
    assert "Avsluttet for lenge siden" in html  # its time in phases is still shown
    assert html.count(reverse("ideas:detail", args=[closed.idea_id])) == 1


def test_figures_leave_out_other_organisations(
    other_organisation: Organisation,
    organisation: Organisation,
    phases: list[Phase],
    make_initiative: MakeInitiative,
) -> None:
    board = add_member(
        organisation=other_organisation, email="styre@lunner.example", role=Role.BOARD
    ).user
    idea = submit_idea(
        organisation=other_organisation,
        submitter=board,
        title="Lunners idé",
        question="Hvordan kan vi …?",
        need="Et behov.",
        innovation_type=InnovationType.objects.filter(organisation=other_organisation)[0],
        unit=Unit.objects.create(organisation=other_organisation, name="Skole"),
        notify_board=False,
    )
    theirs = accept_idea(
        idea=idea,
        actor=board,
        phase=active_phases(organisation=other_organisation)[0],
        owner=board,
        role=MunicipalRole.CONTRIBUTOR,
    )
    date_visits(theirs, [(days_ago(90), None)])
    ours = make_initiative()

    rows = phase_time_rows(
        initiatives_with_phase_time(organisation=organisation, phases=phases), phases
    )
    assert [row.initiative.pk for row in rows] == [ours.pk]
    assert not stalled_initiatives(organisation=organisation, after_days=30).exists()
    this_month = monthly_throughput(organisation=organisation, phases=phases)[-1]
    assert this_month.entered[0] == 1


# The page ---------------------------------------------------------------------------------


def make_many(count: int, make_initiative: MakeInitiative, phases: list[Phase], bob: User) -> None:
    """Initiatives spread over the phases, some moved back and forth, some stalled."""
    for n in range(count):
        initiative = make_initiative()
        if n % 2:
            move(initiative, phases[n % len(phases)], bob)
        if n % 3 == 0:
            Initiative.objects.filter(pk=initiative.pk).update(phase_entered_at=days_ago(60))


FLOW_QUERIES = 11  # session, user, membership; phases; page count and rows; medians;
# throughput; the stalled setting, count and rows


@pytest.mark.parametrize("count", [1, 20])
def test_query_count_does_not_grow_with_initiatives(
    count: int,
    phases: list[Phase],
    make_initiative: MakeInitiative,
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    make_many(count, make_initiative, phases, bob)
    client = client_for(bob)

    with django_assert_num_queries(FLOW_QUERIES):  # type: ignore[attr-defined]
        response = client.get(URL)

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 25)


def test_htmx_page_request_gets_only_the_phase_time_table(
    phases: list[Phase],
    make_initiative: MakeInitiative,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    make_many(30, make_initiative, phases, bob)
    client = client_for(bob)

    page = client.get(URL)
    fragment = client.get(URL, {"side": 2}, HTTP_HX_REQUEST="true")

    assert b"<html" in page.content and b'id="phase-time"' in page.content
    assert b"Side 1 av 2" in page.content
    assert b"<html" not in fragment.content
    assert fragment.content.lstrip().startswith(b'<div id="phase-time"')
    assert b"Side 2 av 2" in fragment.content
    assert b"Gjennomstr" not in fragment.content


def test_header_links_to_flow_for_board_leader_and_admin_only(
    alice: User,
    bob: User,
    leader: User,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    home = reverse("home")
    for user in (bob, leader, admin):
        assert f'href="{URL}"' in client_for(user).get(home).content.decode(), user
    assert f'href="{URL}"' not in client_for(alice).get(home).content.decode()
