"""Status reports: the five traffic lights with comments, drafts and publishing, who may
write them, the history, Norwegian amounts, and the latest lights on the board card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from portal.concurrency import StaleVersion
from portal.models import DomainEvent, Organisation, User
from portfolio.exceptions import StatusReportPublished
from portfolio.forms.status import StatusReportForm
from portfolio.models import Initiative, Phase, StatusReport, TrafficLight
from portfolio.selectors.board import open_checklist_items
from portfolio.services.status import save_status_report

GREEN = TrafficLight.GREEN.value


def fields(**overrides: Any) -> dict[str, Any]:
    """A complete report for the service: all green, no amounts."""
    values: dict[str, Any] = {
        "period_end": date(2026, 3, 31),
        "summary": "Piloten går etter planen.",
        "progress": GREEN,
        "economy": GREEN,
        "quality": GREEN,
        "risk": GREEN,
        "benefits": GREEN,
    }
    values.update(overrides)
    return values


def form_data(**overrides: str) -> dict[str, str]:
    """The same report as the browser posts it."""
    data = {
        "period_end": "2026-03-31",
        "summary": "Piloten går etter planen.",
        "progress": GREEN,
        "progress_comment": "",
        "economy": GREEN,
        "economy_comment": "",
        "quality": GREEN,
        "quality_comment": "",
        "risk": GREEN,
        "risk_comment": "",
        "benefits": GREEN,
        "benefits_comment": "",
        "budget": "",
        "costs_to_date": "",
        "versjon": "",
        "handling": "publiser",
    }
    data.update(overrides)
    return data


def new_url(initiative: Initiative) -> str:
    return reverse("portfolio:status_new", args=[initiative.pk])


def list_url(initiative: Initiative) -> str:
    return reverse("portfolio:status_reports", args=[initiative.pk])


def edit_url(report: StatusReport) -> str:
    return reverse("portfolio:status_edit", args=[report.initiative_id, report.pk])


# The service ------------------------------------------------------------------------------


@pytest.mark.parametrize("light", ["progress", "economy", "quality", "risk", "benefits"])
@pytest.mark.parametrize("colour", [TrafficLight.YELLOW, TrafficLight.RED])
def test_yellow_or_red_needs_a_comment(
    initiative: Initiative, bob: User, light: str, colour: TrafficLight
) -> None:
    with pytest.raises(ValidationError) as error:
        save_status_report(
            initiative=initiative,
            actor=bob,
            publish=True,
            **fields(**{light: colour, f"{light}_comment": "  "}),
        )
    assert set(error.value.message_dict) == {f"{light}_comment"}
    assert not StatusReport.objects.exists()
    report = save_status_report(
        initiative=initiative,
        actor=bob,
        publish=True,
        **fields(**{light: colour, f"{light}_comment": "To uker forsinket."}),
    )
    assert getattr(report, light) == colour


def test_a_negative_budget_or_cost_is_refused(initiative: Initiative, bob: User) -> None:
    with pytest.raises(ValidationError) as error:
        save_status_report(
            initiative=initiative,
            actor=bob,
            publish=False,
            **fields(budget=Decimal("-1"), costs_to_date=Decimal("-0.01")),
        )
    assert set(error.value.message_dict) == {"budget", "costs_to_date"}
    assert not StatusReport.objects.exists()


def test_a_published_report_is_not_changed(initiative: Initiative, bob: User) -> None:
    report = save_status_report(initiative=initiative, actor=bob, publish=True, **fields())
    with pytest.raises(StatusReportPublished):
        save_status_report(
            initiative=initiative,
            actor=bob,
            publish=False,
            report=report,
            **fields(summary="Endret i ettertid"),
        )
    report.refresh_from_db()
    assert report.summary == "Piloten går etter planen."


def test_a_stale_draft_is_a_conflict(initiative: Initiative, bob: User, admin: User) -> None:
    draft = save_status_report(initiative=initiative, actor=bob, publish=False, **fields())
    save_status_report(
        initiative=initiative,
        actor=admin,
        publish=False,
        report=draft,
        expected_version=1,
        **fields(summary="Administratoren skrev først"),
    )
    with pytest.raises(StaleVersion):
        save_status_report(
            initiative=initiative,
            actor=bob,
            publish=True,
            report=draft,
            expected_version=1,
            **fields(summary="Bob skrev etterpå"),
        )
    draft.refresh_from_db()
    assert draft.summary == "Administratoren skrev først" and draft.published_at is None


def test_saving_and_publishing_are_recorded_on_the_initiative(
    initiative: Initiative, bob: User
) -> None:
    draft = save_status_report(initiative=initiative, actor=bob, publish=False, **fields())
    save_status_report(
        initiative=initiative, actor=bob, publish=True, report=draft, expected_version=1, **fields()
    )
    actions = list(
        DomainEvent.objects.filter(subject_type="portfolio.initiative", subject_id=initiative.pk)
        .filter(action__startswith="status.")
        .values_list("action", flat=True)
    )
    assert actions == ["status.saved", "status.published"]


def test_the_initiative_history_tells_status_reports_in_words(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    draft = save_status_report(initiative=initiative, actor=bob, publish=False, **fields())
    save_status_report(
        initiative=initiative, actor=bob, publish=True, report=draft, expected_version=1, **fields()
    )
    url = reverse("portfolio:initiative", args=[initiative.pk])
    html = client_for(bob).get(url).content.decode()
    assert "Bob lagret et utkast til statusrapport." in html
    assert "Bob publiserte en statusrapport." in html
    assert "status.published" not in html and "status.saved" not in html


# The form ---------------------------------------------------------------------------------


def test_the_form_asks_for_a_comment_at_the_yellow_or_red_light() -> None:
    form = StatusReportForm(form_data(risk=TrafficLight.RED.value))
    assert not form.is_valid()
    assert form.errors["risk_comment"] == ["Skriv en kommentar: Risiko er gul eller rød."]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("tolv kroner", "Skriv et tall, for eksempel 1 234,5."),
        ("-5 000", "Skriv et tall som ikke er negativt."),
        ("12,345", "Skriv høyst to desimaler, for eksempel 1 234,50."),
    ],
)
def test_a_wrong_amount_gets_a_message_at_the_field(typed: str, message: str) -> None:
    form = StatusReportForm(form_data(budget=typed))
    assert not form.is_valid()
    assert form.errors["budget"] == [message]


def test_amounts_are_read_as_norwegians_type_them() -> None:
    form = StatusReportForm(form_data(budget="kr 1 250 000", costs_to_date="312 500,50"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["budget"] == Decimal("1250000")
    assert form.cleaned_data["costs_to_date"] == Decimal("312500.50")


# The pages --------------------------------------------------------------------------------


def test_the_owner_writes_a_draft_and_publishes_it(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    response = client.post(
        new_url(initiative),
        form_data(
            handling="utkast",
            economy=TrafficLight.YELLOW.value,
            economy_comment="Lisensene ble dyrere.",
            budget="1 250 000",
            costs_to_date="kr 312 500",
        ),
    )
    draft = StatusReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{list_url(initiative)}#report-{draft.pk}"
    assert draft.published_at is None and draft.budget == Decimal("1250000")
    page = client.get(edit_url(draft)).content.decode()
    assert "1\u00a0250\u00a0000" in page  # the stored amount, shown the Norwegian way
    response = client.post(
        edit_url(draft),
        form_data(
            economy=TrafficLight.YELLOW.value,
            economy_comment="Lisensene ble dyrere.",
            versjon=str(draft.version),
        ),
    )
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.is_published
    assert draft.budget is None  # the field was emptied in the second post


def test_a_form_with_errors_keeps_what_was_typed(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(bob).post(
        new_url(initiative),
        form_data(summary="Noe er forsinket", progress=TrafficLight.RED.value, budget="mange"),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Skriv en kommentar: Fremdrift er gul eller rød." in html
    assert "Skriv et tall, for eksempel 1 234,5." in html
    assert "Noe er forsinket" in html and 'value="mange"' in html
    assert not StatusReport.objects.exists()


def test_a_published_report_is_read_only(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    report = save_status_report(initiative=initiative, actor=bob, publish=True, **fields())
    client = client_for(bob)
    page = client.get(edit_url(report)).content.decode()
    assert "kan ikke endres" in page and 'name="handling"' not in page
    response = client.post(edit_url(report), form_data(summary="Skrevet om"))
    assert response.status_code == 302 and response["Location"] == edit_url(report)
    report.refresh_from_db()
    assert report.summary == "Piloten går etter planen."


def test_a_draft_published_meanwhile_is_not_overwritten(
    initiative: Initiative, bob: User, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    draft = save_status_report(initiative=initiative, actor=bob, publish=False, **fields())
    save_status_report(initiative=initiative, actor=admin, publish=True, report=draft, **fields())
    response = client_for(bob).post(
        edit_url(draft), form_data(summary="Bobs versjon", versjon="1", handling="utkast")
    )
    assert response.status_code == 302 and response["Location"] == edit_url(draft)
    draft.refresh_from_db()
    assert draft.summary == "Piloten går etter planen."


def test_a_stale_draft_form_says_so_and_keeps_the_text(
    initiative: Initiative, bob: User, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    draft = save_status_report(initiative=initiative, actor=bob, publish=False, **fields())
    save_status_report(
        initiative=initiative, actor=admin, publish=False, report=draft, **fields(summary="Ny")
    )
    response = client_for(bob).post(
        edit_url(draft), form_data(summary="Bobs versjon", versjon="1", handling="utkast")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre lagret utkastet mens du skrev" in html and "Bobs versjon" in html
    draft.refresh_from_db()
    assert draft.summary == "Ny"


def test_drafts_are_shown_to_editors_only(
    initiative: Initiative,
    bob: User,
    alice: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    save_status_report(
        initiative=initiative, actor=bob, publish=True, **fields(summary="Publisert i mars")
    )
    draft = save_status_report(
        initiative=initiative,
        actor=bob,
        publish=False,
        **fields(period_end=date(2026, 4, 30), summary="Utkast for april"),
    )
    board_view = client_for(bob).get(list_url(initiative)).content.decode()
    staff_view = client_for(alice).get(list_url(initiative)).content.decode()
    assert "Utkast for april" in board_view and "Publisert i mars" in board_view
    assert board_view.index("Utkast for april") < board_view.index("Publisert i mars")
    assert "Publisert i mars" in staff_view and "Utkast for april" not in staff_view
    assert "Ny statusrapport" not in staff_view
    assert client_for(alice).get(edit_url(draft)).status_code == 403
    assert client_for(leader).get(edit_url(draft)).status_code == 403


def test_a_pådriver_on_the_staff_writes_reports_for_their_own_initiative(
    make_initiative: Callable[..., Initiative],
    alice: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    own = make_initiative(title="Alices initiativ")
    Initiative.objects.filter(pk=own.pk).update(owner=alice)
    assert client_for(alice).get(new_url(own)).status_code == 200
    assert client_for(leader).get(new_url(own)).status_code == 403
    response = client_for(alice).post(new_url(own), form_data())
    assert response.status_code == 302
    assert StatusReport.objects.get().created_by == alice


def test_another_organisations_report_is_not_found(
    initiative: Initiative, bob: User, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    report = save_status_report(initiative=initiative, actor=bob, publish=True, **fields())
    client = client_for(charlie)
    assert client.get(list_url(initiative)).status_code == 404
    assert client.get(edit_url(report)).status_code == 404
    assert client.post(new_url(initiative), form_data()).status_code == 404


def test_a_report_of_another_initiative_is_not_found_under_this_one(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    first, second = make_initiative(), make_initiative(title="Et annet")
    report = save_status_report(initiative=first, actor=bob, publish=False, **fields())
    url = reverse("portfolio:status_edit", args=[second.pk, report.pk])
    assert client_for(bob).get(url).status_code == 404


def test_a_new_report_starts_from_the_last_published(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    save_status_report(
        initiative=initiative,
        actor=bob,
        publish=True,
        **fields(summary="Forrige status", budget=Decimal("500000")),
    )
    html = client_for(bob).get(new_url(initiative)).content.decode()
    assert "Forrige status" in html and 'value="500\u00a0000"' in html


def test_the_list_shows_lights_as_text_and_amounts_in_norwegian(
    initiative: Initiative, bob: User, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    save_status_report(
        initiative=initiative,
        actor=bob,
        publish=True,
        **fields(
            risk=TrafficLight.RED,
            risk_comment="Leverandøren kan gå konkurs.",
            budget=Decimal("1250000"),
            costs_to_date=Decimal("312500.50"),
        ),
    )
    html = client_for(alice).get(list_url(initiative)).content.decode()
    assert "Rød – kritisk, trenger hjelp" in html and "Leverandøren kan gå konkurs." in html
    assert "kr\u00a01\u00a0250\u00a0000" in html and "kr\u00a0312\u00a0500,50" in html


def test_the_list_makes_the_same_queries_for_one_report_as_for_many(
    initiative: Initiative,
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(bob)
    save_status_report(initiative=initiative, actor=bob, publish=True, **fields())
    # session, user, membership, the initiative, the count, the page of reports with authors
    with django_assert_num_queries(6):
        client.get(list_url(initiative))
    for month in range(1, 13):
        for year in (2024, 2025):
            save_status_report(
                initiative=initiative,
                actor=bob,
                publish=month % 2 == 0,
                **fields(period_end=date(year, month, 28)),
            )
    with django_assert_num_queries(6):
        html = client.get(list_url(initiative)).content.decode()
    # 25 reports: a year's worth (12) per page, the rest a page away, with or without htmx.
    assert html.count('class="status-report section"') == 12
    assert "Side 1 av 3" in html and 'href="?side=2"' in html
    fragment = client.get(
        list_url(initiative) + "?side=3",
        headers={"HX-Request": "true", "HX-Target": "status-reports"},
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="status-reports">')
    assert fragment.count('class="status-report section"') == 1


# The board card ---------------------------------------------------------------------------


def test_the_card_shows_the_latest_published_lights_as_text(
    initiative: Initiative, bob: User, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    save_status_report(
        initiative=initiative,
        actor=bob,
        publish=True,
        **fields(period_end=date(2026, 2, 28), progress=TrafficLight.RED, progress_comment="x"),
    )
    save_status_report(
        initiative=initiative,
        actor=bob,
        publish=True,
        **fields(economy=TrafficLight.YELLOW, economy_comment="Dyrere lisenser"),
    )
    save_status_report(  # a newer draft is not shown
        initiative=initiative,
        actor=bob,
        publish=False,
        **fields(period_end=date(2026, 4, 30), quality=TrafficLight.RED, quality_comment="y"),
    )
    html = client_for(alice).get(reverse("portfolio:board")).content.decode()
    assert "Status per 31.03.2026" in html
    assert 'Fremdrift: <span aria-hidden="true">●</span> Grønn' in html
    assert 'Økonomi: <span aria-hidden="true">▲</span> Gul' in html
    assert 'Kvalitet: <span aria-hidden="true">●</span> Grønn' in html
    assert "Rød" not in html.split(f'id="card-{initiative.pk}"')[1]


def test_a_card_without_a_published_report_shows_no_lights(
    initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    save_status_report(initiative=initiative, actor=bob, publish=False, **fields())
    html = client_for(bob).get(reverse("portfolio:board")).content.decode()
    assert "Status per" not in html and "Fremdrift:" not in html


def test_a_moved_card_keeps_its_lights(
    initiative: Initiative,
    bob: User,
    organisation: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    save_status_report(initiative=initiative, actor=bob, publish=True, **fields())
    target = Phase.objects.get(organisation=organisation, name="Innsikt")
    data: dict[str, Any] = {"fase": target.pk, "versjon": initiative.version}
    for item in open_checklist_items(initiative):
        data[f"svar-{item.pk}"] = "done"
    response = client_for(bob).post(
        reverse("portfolio:move", args=[initiative.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'Fremdrift: <span aria-hidden="true">●</span> Grønn' in response.content.decode()


def test_more_cards_of_a_column_show_their_lights(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    first = make_initiative()
    save_status_report(initiative=first, actor=bob, publish=True, **fields())
    url = reverse("portfolio:column", args=[first.phase_id])
    html = client_for(bob).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'Fremdrift: <span aria-hidden="true">●</span> Grønn' in html


def test_the_board_fetches_every_cards_lights_in_one_query(
    make_initiative: Callable[..., Initiative],
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(bob)
    for n in range(5):
        card = make_initiative(title=f"Kort {n}")
        for month in (1, 2):
            save_status_report(
                initiative=card,
                actor=bob,
                publish=True,
                **fields(period_end=date(2026, month, 28)),
            )
    with django_assert_num_queries(13):  # as in test_board: one query for all the reports
        html = client.get(reverse("portfolio:board")).content.decode()
    assert html.count("Status per 28.02.2026") == 5 and "Status per 28.01.2026" not in html
