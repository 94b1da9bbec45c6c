"""Benefits (gevinstrealisering): the initiative page, benefits, indicators, measurements,
Norwegian numbers, who may edit, the history, and the benefit plan as a page and a PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ideas.models import Idea, ValueType
from portal.concurrency import StaleVersion
from portal.models import DomainEvent, Organisation, Role, User
from portal.services import add_member
from portfolio.forms.benefits import BenefitForm, IndicatorForm, MeasurementForm
from portfolio.models import (
    Benefit,
    BenefitKind,
    Indicator,
    Initiative,
    Measurement,
    MeasureUnit,
    MunicipalRole,
    Phase,
    PortfolioSettings,
)
from portfolio.selectors.benefits import (
    benefit_statuses,
    benefit_totals,
    fte,
    progress_percent,
    put_to_use_q,
    with_put_to_use,
)
from portfolio.selectors.board import open_checklist_items
from portfolio.services.benefits import (
    add_benefit,
    add_indicator,
    record_measurement,
    update_benefit,
)
from portfolio.services.board import move_initiative
from portfolio.services.triage import accept_idea
from portfolio.templatetags.benefits import describe_initiative_event, format_measure
from tests.pdfs import pdf_text

NBSP = "\u00a0"


def plain(text: str) -> str:
    """Non-breaking and narrow spaces as ordinary ones, for comparing formatted numbers."""
    return text.replace(NBSP, " ").replace("\u202f", " ")


@pytest.fixture
def dora(organisation: Organisation) -> User:
    """Staff who is neither pådriver, gevinsteier nor gevinstansvarlig."""
    membership = add_member(
        organisation=organisation,
        email="dora@nittedal.example",
        role=Role.STAFF,
        first_name="Dora",
        password="pw",
    )
    return membership.user


@pytest.fixture
def led_initiative(
    make_idea: Callable[..., Idea], organisation: Organisation, leader: User, bob: User
) -> Initiative:
    """An initiative whose pådriver is a leader (not on the board)."""
    phase = Phase.objects.get(organisation=organisation, name="Innsikt")
    return accept_idea(
        idea=make_idea(title="Færre nattbesøk"),
        actor=bob,
        phase=phase,
        owner=leader,
        role=MunicipalRole.INITIATOR,
    )


@pytest.fixture
def benefit(led_initiative: Initiative, bob: User, alice: User, admin: User) -> Benefit:
    """Alice is gevinstansvarlig, the administrator gevinsteier."""
    return add_benefit(
        initiative=led_initiative,
        actor=bob,
        description="Frigjort tid i nattpatruljen",
        kind=BenefitKind.INDIRECT,
        value_types=[ValueType.RESOURCES, ValueType.QUALITY],
        owner=admin,
        responsible=alice,
        preconditions="Sensorene er installert hos alle brukerne.",
        realisation_date=date(2027, 6, 30),
        expected_amount=Decimal("250000"),
        expected_hours=Decimal("1200.5"),
    )


@pytest.fixture
def indicator(benefit: Benefit, bob: User) -> Indicator:
    return add_indicator(
        benefit=benefit,
        actor=bob,
        name="Nattbesøk per uke",
        unit=MeasureUnit.COUNT,
        baseline=Decimal("140"),
        target=Decimal("60"),
        baseline_date=date(2026, 1, 15),
    )


def move_to(initiative: Initiative, name: str, actor: User) -> Initiative:
    """Move the initiative on the board (its checklist done), as the board does."""
    current = Initiative.objects.get(pk=initiative.pk)
    return move_initiative(
        initiative=current,
        actor=actor,
        to_phase=Phase.objects.get(organisation=current.organisation, name=name),
        expected_version=current.version,
        answers={item.pk: ("done", "") for item in open_checklist_items(current)},
    )


def initiative_url(initiative: Initiative) -> str:
    return reverse("portfolio:initiative", args=[initiative.pk])


def benefit_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "description": "Færre unødvendige nattbesøk",
        "kind": BenefitKind.DIRECT.value,
        "expected_amount": "kr 250 000",
        "expected_hours": "1 200,5",
        "value_types": [ValueType.RESOURCES.value],
        "owner": "",
        "responsible": "",
        "preconditions": "",
        "realisation_date": "2027-06-30",
        "measure_every_days": "90",
    }
    data.update(overrides)
    return data


def indicator_data(**overrides: Any) -> dict[str, str]:
    data = {
        "name": "Overtidstimer per måned",
        "unit": MeasureUnit.HOURS.value,
        "baseline": "1 234,5",
        "baseline_date": "2026-01-15",
        "target": "800",
    }
    data.update(overrides)
    return data


# Services and events -----------------------------------------------------------------------


def test_adding_a_benefit_records_the_event_on_the_initiative(
    benefit: Benefit, led_initiative: Initiative
) -> None:
    event = DomainEvent.objects.get(action="benefit.added")
    assert event.subject_type == "portfolio.initiative"
    assert event.subject_id == led_initiative.pk
    assert event.after["benefit"] == benefit.pk
    assert event.after["expected_hours"] == "1200.5"
    assert event.after["description"] == "Frigjort tid i nattpatruljen"


def test_editing_a_benefit_records_only_what_changed(benefit: Benefit, bob: User) -> None:
    update_benefit(benefit=benefit, actor=bob, expected_version=1, expected_hours=Decimal("1300.0"))
    event = DomainEvent.objects.get(action="benefit.edited")
    assert event.before == {"benefit": benefit.pk, "expected_hours": "1200.5"}
    assert event.after == {"benefit": benefit.pk, "expected_hours": "1300.0"}
    benefit.refresh_from_db()
    assert benefit.version == 2


def test_a_stale_version_is_a_conflict_and_saves_nothing(benefit: Benefit, bob: User) -> None:
    update_benefit(benefit=benefit, actor=bob, expected_version=1, description="Ny tekst")
    with pytest.raises(StaleVersion) as caught:
        update_benefit(benefit=benefit, actor=bob, expected_version=1, description="Gammel")
    assert caught.value.current.description == "Ny tekst"
    assert Benefit.objects.get(pk=benefit.pk).description == "Ny tekst"


@pytest.mark.parametrize("garbled", ["²", "x", ""])
def test_a_garbled_version_on_the_edit_form_is_a_409_not_a_500(
    garbled: str, benefit: Benefit, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(bob).post(
        reverse("portfolio:benefit_edit", args=[benefit.pk]),
        benefit_data(description="Ny tekst", versjon=garbled),
    )
    assert response.status_code == 409
    assert "lagret gevinsten mens du skrev" in response.content.decode()
    benefit.refresh_from_db()
    assert benefit.description == "Frigjort tid i nattpatruljen"


def test_indicator_and_measurement_are_recorded_as_events(indicator: Indicator, bob: User) -> None:
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2026, 3, 1), value=Decimal("110")
    )
    actions = list(
        DomainEvent.objects.filter(subject_id=indicator.benefit.initiative_id)
        .filter(subject_type="portfolio.initiative")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["benefit.added", "indicator.added", "measurement.recorded"]
    measured = DomainEvent.objects.get(action="measurement.recorded")
    assert measured.after["value"] == "110"
    assert measured.after["measured_on"] == "2026-03-01"


def test_the_services_refuse_a_target_equal_to_the_baseline_and_a_future_date(
    benefit: Benefit, indicator: Indicator, bob: User
) -> None:
    with pytest.raises(ValueError):
        add_indicator(
            benefit=benefit,
            actor=bob,
            name="Likt",
            unit=MeasureUnit.COUNT,
            baseline=Decimal(5),
            target=Decimal(5),
        )
    with pytest.raises(ValueError):
        record_measurement(
            indicator=indicator,
            actor=bob,
            measured_on=timezone.localdate() + timedelta(days=1),
            value=Decimal(1),
        )
    assert not Measurement.objects.exists()


def test_history_texts_are_readable_bokmal(indicator: Indicator, bob: User) -> None:
    record_measurement(
        indicator=indicator,
        actor=bob,
        measured_on=date(2026, 3, 1),
        value=Decimal("1234.5"),
    )
    update_benefit(benefit=indicator.benefit, actor=bob, expected_version=1, preconditions="Ingen")
    names = {indicator.benefit.pk: indicator.benefit.description}
    texts = {
        event.action: plain(describe_initiative_event(event, names))
        for event in DomainEvent.objects.select_related("actor")
    }
    assert texts["benefit.added"] == "Bob la til gevinsten «Frigjort tid i nattpatruljen»."
    assert texts["benefit.edited"] == (
        "Bob endret gevinsten «Frigjort tid i nattpatruljen»: forutsetninger."
    )
    assert texts["indicator.added"] == "Bob la til indikatoren «Nattbesøk per uke» (antall)."
    assert texts["measurement.recorded"] == (
        "Bob registrerte målingen 1 234,5 for «Nattbesøk per uke», målt 1. mars 2026."
    )
    assert texts["initiative.created"].startswith("Bob godkjente idéen")


def test_the_initiative_page_shows_the_history(
    indicator: Indicator, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(bob).get(initiative_url(indicator.benefit.initiative)).content.decode()
    assert "Bob la til gevinsten «Frigjort tid i nattpatruljen»." in html
    assert "Bob la til indikatoren «Nattbesøk per uke» (antall)." in html


# Norwegian numbers in and out --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kr 250 000", Decimal("250000")),
        ("250 000 kr", Decimal("250000")),
        ("1 234,5", Decimal("1234.5")),
        (f"1{NBSP}234,5", Decimal("1234.5")),
        ("12,5", Decimal("12.5")),
        ("12 500,-", Decimal("12500")),
        ("1.234.567", Decimal("1234567")),
    ],
)
def test_amounts_are_read_as_norwegians_type_them(
    organisation: Organisation, typed: str, expected: Decimal
) -> None:
    form = BenefitForm(benefit_data(expected_amount=typed), organisation=organisation)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["expected_amount"] == expected
    assert isinstance(form.cleaned_data["expected_amount"], Decimal)


def test_hours_with_a_comma_and_a_space(organisation: Organisation) -> None:
    form = BenefitForm(benefit_data(expected_hours="1 200,5"), organisation=organisation)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["expected_hours"] == Decimal("1200.5")


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("expected_amount", "mange penger", "Skriv et tall, for eksempel 1 234,5."),
        ("expected_amount", "12,5,5", "Skriv et tall, for eksempel 1 234,5."),
        ("expected_amount", "-100", "Skriv et tall som ikke er negativt."),
        ("expected_hours", "1 200,55", "Skriv høyst én desimal, for eksempel 1 234,5."),
        ("expected_hours", "1e5", "Skriv et tall, for eksempel 1 234,5."),
    ],
)
def test_nonsense_numbers_get_a_message_at_the_field(
    organisation: Organisation, field: str, typed: str, message: str
) -> None:
    form = BenefitForm(benefit_data(**{field: typed}), organisation=organisation)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_benefit_typed_in_norwegian_is_saved_as_decimals(
    led_initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:benefit_create", args=[led_initiative.pk])
    response = client_for(bob).post(url, benefit_data())
    benefit = Benefit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{initiative_url(led_initiative)}#benefit-{benefit.pk}"
    assert benefit.expected_amount == Decimal("250000")
    assert benefit.expected_hours == Decimal("1200.5")
    assert benefit.value_types == [ValueType.RESOURCES.value]


def test_a_form_with_errors_keeps_what_was_typed(
    led_initiative: Initiative, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:benefit_create", args=[led_initiative.pk])
    response = client_for(bob).post(url, benefit_data(expected_amount="mange"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skriv et tall, for eksempel 1 234,5." in html
    assert 'value="mange"' in html
    assert 'value="1 200,5"' in html
    assert not Benefit.objects.exists()


def test_an_edit_form_shows_stored_numbers_in_norwegian(
    benefit: Benefit, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(bob).get(reverse("portfolio:benefit_edit", args=[benefit.pk])).content
    text = plain(html.decode())
    assert 'value="250 000"' in text
    assert 'value="1 200,5"' in text


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("12500"), MeasureUnit.NOK, "kr 12 500"),
        (Decimal("12500.50"), MeasureUnit.NOK, "kr 12 500,50"),
        (Decimal("1200.50"), MeasureUnit.HOURS, "1 200,5 timer"),
        (Decimal("1.00"), MeasureUnit.HOURS, "1 time"),
        (Decimal("42.00"), MeasureUnit.COUNT, "42"),
        (Decimal("12.50"), MeasureUnit.PERCENT, "12,5 %"),
    ],
)
def test_values_are_shown_in_their_unit(value: Decimal, unit: str, shown: str) -> None:
    assert plain(format_measure(value, unit)) == shown


# Sums and rounding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "per_fte", "expected"),
    [
        (Decimal("1695"), Decimal("1695"), Decimal("1.0")),
        (Decimal("1200.5"), Decimal("1695"), Decimal("0.7")),
        # Half up, not to even: 1,05 → 1,1 and 0,25 → 0,3.
        (Decimal("1050"), Decimal("1000"), Decimal("1.1")),
        (Decimal("250"), Decimal("1000"), Decimal("0.3")),
        (Decimal("0"), Decimal("1695"), Decimal("0.0")),
    ],
)
def test_fte_is_one_decimal_rounded_half_up(
    hours: Decimal, per_fte: Decimal, expected: Decimal
) -> None:
    result = fte(hours, per_fte)
    assert result == expected
    assert str(result) == str(expected)  # one decimal, also for whole numbers


def test_totals_sum_the_hours_before_rounding_to_fte(led_initiative: Initiative, bob: User) -> None:
    for amount in ("1000.50", "2000.25"):
        add_benefit(
            initiative=led_initiative,
            actor=bob,
            description=f"Gevinst {amount}",
            kind=BenefitKind.DIRECT,
            expected_amount=Decimal(amount),
            expected_hours=Decimal("40"),
        )
    add_benefit(
        initiative=led_initiative, actor=bob, description="Tryggere", kind=BenefitKind.QUALITATIVE
    )
    statuses = benefit_statuses(initiative=led_initiative, per_fte=Decimal("1000"))
    totals = benefit_totals(statuses, Decimal("1000"))
    assert totals.amount == Decimal("3000.75")
    assert totals.hours == Decimal("80")
    # 40 hours are 0,04 årsverk (0,0 each), but together 0,08: 0,1.
    assert [s.fte for s in statuses] == [Decimal("0.0"), Decimal("0.0"), None]
    assert totals.fte == Decimal("0.1")
    assert totals.missing_indicator == 3


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        ("140", "60", "100", "50"),  # fewer is better
        ("0", "200", "1", "1"),  # 0,5 % rounds half up
        ("10", "20", "25", "150"),  # beyond the target
        ("10", "20", "5", "-50"),  # worse than at the start
    ],
)
def test_progress_toward_the_target(baseline: str, target: str, value: str, expected: str) -> None:
    assert progress_percent(
        baseline=Decimal(baseline), target=Decimal(target), value=Decimal(value)
    ) == Decimal(expected)


def test_the_page_shows_amounts_hours_and_fte_in_norwegian(
    benefit: Benefit, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    PortfolioSettings.objects.update_or_create(
        organisation=benefit.organisation, defaults={"hours_per_fte": Decimal("1695.0")}
    )
    html = plain(client_for(alice).get(initiative_url(benefit.initiative)).content.decode())
    assert "kr 250 000" in html
    assert "1 200,5 timer (0,7 årsverk)" in html
    assert "Årsverk er regnet med 1 695 timer per årsverk." in html
    assert "Bedre ressursbruk, Økt kvalitet i tjenestene" in html
    assert "30. juni 2027" in html


def test_the_page_uses_the_organisations_hours_per_fte(
    benefit: Benefit, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    PortfolioSettings.objects.update_or_create(
        organisation=benefit.organisation, defaults={"hours_per_fte": Decimal("1000.0")}
    )
    html = plain(client_for(alice).get(initiative_url(benefit.initiative)).content.decode())
    assert "1 200,5 timer (1,2 årsverk)" in html


# Validation --------------------------------------------------------------------------------


def test_a_measurement_cannot_be_dated_in_the_future(indicator: Indicator) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = MeasurementForm(
        {"measured_on": tomorrow.isoformat(), "value": "12"}, indicator=indicator
    )
    assert not form.is_valid()
    assert form.errors["measured_on"] == ["Målingen kan ikke være datert fram i tid."]


def test_a_measurement_today_is_fine(indicator: Indicator) -> None:
    form = MeasurementForm(
        {"measured_on": timezone.localdate().isoformat(), "value": "12,5"}, indicator=indicator
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == Decimal("12.5")


def test_the_target_must_differ_from_the_baseline(benefit: Benefit) -> None:
    form = IndicatorForm(indicator_data(baseline="800", target="800,00"), benefit=benefit)
    assert not form.is_valid()
    assert form.errors["target"] == [
        "Ønsket verdi må være forskjellig fra startverdien, ellers er det ingen gevinst å måle."
    ]


def test_the_baseline_cannot_be_measured_in_the_future(benefit: Benefit) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = IndicatorForm(indicator_data(baseline_date=tomorrow.isoformat()), benefit=benefit)
    assert not form.is_valid()
    assert form.errors["baseline_date"] == ["Nullpunktsmålingen kan ikke være datert fram i tid."]


@pytest.mark.parametrize("typed", ["1999-12-31", "0202-06-30", "2099-01-01"])
def test_a_realisation_date_must_be_sane(organisation: Organisation, typed: str) -> None:
    form = BenefitForm(benefit_data(realisation_date=typed), organisation=organisation)
    assert not form.is_valid()
    assert str(form.errors["realisation_date"][0]).startswith("Velg en dato mellom 1.1.2000 og ")


def test_the_kind_decides_which_figures_a_benefit_needs(organisation: Organisation) -> None:
    direct = BenefitForm(benefit_data(expected_amount=""), organisation=organisation)
    assert direct.errors["expected_amount"] == [
        "Skriv forventet beløp per år for en direkte gevinst."
    ]
    indirect = BenefitForm(
        benefit_data(kind="indirect", expected_hours=""), organisation=organisation
    )
    assert indirect.errors["expected_hours"] == ["Skriv hvor mange timer per år gevinsten frigjør."]
    qualitative = BenefitForm(benefit_data(kind="qualitative"), organisation=organisation)
    assert set(qualitative.errors) == {"expected_amount", "expected_hours"}
    fine = BenefitForm(
        benefit_data(kind="qualitative", expected_amount="", expected_hours=""),
        organisation=organisation,
    )
    assert fine.is_valid(), fine.errors


def test_owners_are_chosen_among_the_organisations_members(
    organisation: Organisation, charlie: User, alice: User
) -> None:
    outsider = BenefitForm(benefit_data(owner=str(charlie.pk)), organisation=organisation)
    assert outsider.errors["owner"] == ["Velg gevinsteieren blant de ansatte i kommunen."]
    member = BenefitForm(benefit_data(responsible=str(alice.pk)), organisation=organisation)
    assert member.is_valid(), member.errors
    assert member.cleaned_data["responsible"] == alice


def test_an_indicator_with_errors_is_shown_at_the_field_without_javascript(
    benefit: Benefit, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:indicator_create", args=[benefit.pk])
    response = client_for(bob).post(url, indicator_data(target="1 234,50"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Ønsket verdi må være forskjellig fra startverdien" in html
    assert not Indicator.objects.exists()


# Who may edit ------------------------------------------------------------------------------


@pytest.fixture
def people(
    alice: User, bob: User, leader: User, admin: User, charlie: User, dora: User
) -> dict[str, User]:
    return {
        "responsible": alice,  # staff, gevinstansvarlig
        "board": bob,
        "pådriver": leader,  # the initiative's owner
        "owner": admin,  # gevinsteier, and administrator
        "other_staff": dora,
        "outsider": charlie,
    }


EDITORS = {"responsible": 302, "board": 302, "pådriver": 302, "owner": 302}
REFUSED = {"other_staff": 403, "outsider": 404}


@pytest.mark.parametrize(("who", "status"), [*EDITORS.items(), *REFUSED.items()])
def test_who_may_add_an_indicator(
    who: str,
    status: int,
    people: dict[str, User],
    benefit: Benefit,
    client_for: Callable[[User | None], Client],
) -> None:
    url = reverse("portfolio:indicator_create", args=[benefit.pk])
    response = client_for(people[who]).post(url, indicator_data())
    assert response.status_code == status
    assert Indicator.objects.exists() == (status == 302)


@pytest.mark.parametrize(("who", "status"), [*EDITORS.items(), *REFUSED.items()])
def test_who_may_record_a_measurement(
    who: str,
    status: int,
    people: dict[str, User],
    indicator: Indicator,
    client_for: Callable[[User | None], Client],
) -> None:
    url = reverse("portfolio:measurement_create", args=[indicator.pk])
    data = {"measured_on": "2026-03-01", "value": "100"}
    assert client_for(people[who]).post(url, data).status_code == status
    assert Measurement.objects.exists() == (status == 302)


@pytest.mark.parametrize(("who", "status"), [*EDITORS.items(), *REFUSED.items()])
def test_who_may_edit_a_benefit(
    who: str,
    status: int,
    people: dict[str, User],
    benefit: Benefit,
    client_for: Callable[[User | None], Client],
) -> None:
    url = reverse("portfolio:benefit_edit", args=[benefit.pk])
    data = benefit_data(kind="indirect", description="Endret", versjon="1")
    assert client_for(people[who]).post(url, data).status_code == status
    assert (Benefit.objects.get().description == "Endret") == (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [("board", 302), ("pådriver", 302), ("owner", 302), ("responsible", 403), *REFUSED.items()],
)
def test_only_the_pådriver_and_the_board_add_benefits(
    who: str,
    status: int,
    people: dict[str, User],
    led_initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    # «owner» is an administrator, who may do what the board does.
    url = reverse("portfolio:benefit_create", args=[led_initiative.pk])
    assert client_for(people[who]).post(url, benefit_data()).status_code == status


def test_readers_see_no_edit_forms(
    indicator: Indicator, dora: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(dora).get(initiative_url(indicator.benefit.initiative))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nattbesøk per uke" in html
    assert "Registrer måling" not in html
    assert "Legg til indikator" not in html
    assert "Legg til gevinst" not in html
    assert "Endre gevinsten" not in html


def test_the_responsible_edits_their_benefit_but_adds_none(
    indicator: Indicator, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(initiative_url(indicator.benefit.initiative)).content.decode()
    assert "Registrer måling" in html
    assert "Legg til indikator" in html
    assert "Endre gevinsten" in html
    assert "Legg til gevinst" not in html


def test_an_outsider_gets_404_for_the_initiative_and_its_plan(
    benefit: Benefit, charlie: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(charlie)
    pk = benefit.initiative_id
    for name in ("initiative", "benefit_plan", "benefit_plan_pdf", "benefit_create"):
        assert client.get(reverse(f"portfolio:{name}", args=[pk])).status_code == 404


# htmx and plain POSTs ----------------------------------------------------------------------


def test_adding_an_indicator_with_htmx_returns_the_benefit(
    benefit: Benefit, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:indicator_create", args=[benefit.pk])
    response = client_for(bob).post(url, indicator_data(), HTTP_HX_REQUEST="true")
    html = plain(response.content.decode())
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="benefit-{benefit.pk}"' in html
    assert "Overtidstimer per måned" in html
    assert "1 234,5 timer" in html
    assert "Mangler indikator" not in html
    # Out of band: the status message, the history and the totals.
    assert 'id="benefit-status" hx-swap-oob="innerHTML"' in html
    assert "Indikatoren «Overtidstimer per måned» er lagt til." in html
    assert 'id="history" class="section" aria-labelledby="history-heading" hx-swap-oob="true"' in (
        html
    )


def test_adding_an_indicator_without_javascript_redirects(
    benefit: Benefit, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    url = reverse("portfolio:indicator_create", args=[benefit.pk])
    response = client.post(url, indicator_data())
    assert response.status_code == 302
    assert response["Location"] == f"{initiative_url(benefit.initiative)}#benefit-{benefit.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Indikatoren «Overtidstimer per måned» er lagt til." in page


def test_an_htmx_indicator_with_errors_comes_back_open_with_the_message(
    benefit: Benefit, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:indicator_create", args=[benefit.pk])
    response = client_for(bob).post(url, indicator_data(baseline="tja"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<details class="inline-form" open>' in html
    assert "Skriv et tall, for eksempel 1 234,5." in html
    assert 'value="tja"' in html
    assert "Indikatoren er ikke lagret. Rett feilene i skjemaet." in html
    assert 'id="history"' not in html


def test_recording_a_measurement_with_htmx_updates_progress_and_status(
    indicator: Indicator, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    move_to(indicator.benefit.initiative, "Ny praksis", alice)
    url = reverse("portfolio:measurement_create", args=[indicator.pk])
    data = {"measured_on": "2026-03-01", "value": "100", "comment": "Etter pilot"}
    response = client_for(alice).post(url, data, HTTP_HX_REQUEST="true")
    html = plain(response.content.decode())
    assert response.status_code == 200
    assert "Fremdrift mot ønsket verdi: <strong>50 %</strong>" in html
    assert '<progress max="100" value="50"' in html
    assert "Etter pilot" in html
    assert 'id="put-to-use" class="put-to-use" hx-swap-oob="true"' in html
    assert "Nyttiggjort" in html


def test_recording_a_measurement_without_javascript_redirects(
    indicator: Indicator, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("portfolio:measurement_create", args=[indicator.pk])
    response = client_for(bob).post(url, {"measured_on": "2026-03-01", "value": "100"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#indicator-{indicator.pk}")
    assert Measurement.objects.get().value == Decimal("100")


def test_a_future_measurement_is_refused_at_the_field_on_both_paths(
    indicator: Indicator, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(bob)
    url = reverse("portfolio:measurement_create", args=[indicator.pk])
    data = {"measured_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "value": "9"}
    variants: tuple[dict[str, Any], ...] = ({}, {"HTTP_HX_REQUEST": "true"})
    for headers in variants:
        response = client.post(url, data, **headers)
        assert response.status_code == 200
        assert "Målingen kan ikke være datert fram i tid." in response.content.decode()
    assert not Measurement.objects.exists()


def test_measuring_goes_on_after_the_initiative_is_closed(
    indicator: Indicator, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    initiative = indicator.benefit.initiative
    closed = Phase.objects.get(organisation=initiative.organisation, name="Avsluttet")
    Initiative.objects.filter(pk=initiative.pk).update(phase=closed)
    url = reverse("portfolio:measurement_create", args=[indicator.pk])
    response = client_for(bob).post(url, {"measured_on": "2026-05-01", "value": "70"})
    assert response.status_code == 302
    assert Measurement.objects.filter(indicator=indicator).count() == 1


def test_a_stale_edit_is_a_409_that_keeps_the_typed_text(
    benefit: Benefit, bob: User, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    update_benefit(benefit=benefit, actor=admin, expected_version=1, description="Ada sin")
    url = reverse("portfolio:benefit_edit", args=[benefit.pk])
    data = benefit_data(kind="indirect", description="Bob sin tekst", versjon="1")
    response = client_for(bob).post(url, data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ada lagret gevinsten mens du skrev." in html
    assert "Bob sin tekst" in html  # what Bob typed, still in the form
    assert "Ada sin" in html  # and the benefit as it is saved now
    assert 'name="versjon" value="2"' in html  # a second save overwrites knowingly
    assert Benefit.objects.get().description == "Ada sin"


# The initiative page -----------------------------------------------------------------------


def test_the_page_shows_the_initiative_and_flags_benefits_without_indicators(
    benefit: Benefit, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    initiative = benefit.initiative
    html = client_for(alice).get(initiative_url(initiative)).content.decode()
    assert f'href="{initiative.idea.get_absolute_url()}"' in html
    assert "Innsikt" in html
    assert "Lena" in html  # the pådriver
    assert "Initiativtaker" in html
    assert "0 dager" in html
    assert "Mangler indikator" in html
    assert "Ikke nyttiggjort ennå" in html


def test_put_to_use_needs_an_in_use_phase_and_a_measurement(
    indicator: Indicator, bob: User
) -> None:
    initiative = indicator.benefit.initiative
    put_to_use = Initiative.objects.filter(put_to_use_q())
    assert not put_to_use.exists()
    move_to(initiative, "Ny praksis", bob)
    assert not put_to_use.exists()  # in use, but nothing measured
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2026, 3, 1), value=Decimal(90)
    )
    assert list(put_to_use) == [initiative]
    annotated = with_put_to_use(Initiative.objects.all()).get(pk=initiative.pk)
    assert annotated.put_to_use is True  # type: ignore[attr-defined]


def test_the_board_card_links_to_the_initiative(
    led_initiative: Initiative, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    html = client_for(alice).get(reverse("portfolio:board")).content.decode()
    assert f'href="{initiative_url(led_initiative)}"' in html
    assert f'href="{led_initiative.idea.get_absolute_url()}"' in html


def _grow(initiative: Initiative, actor: User, benefits: int, measurements: int) -> None:
    for n in range(benefits):
        benefit = add_benefit(
            initiative=initiative,
            actor=actor,
            description=f"Gevinst {n}",
            kind=BenefitKind.INDIRECT,
            owner=actor,
            responsible=actor,
            expected_hours=Decimal("100"),
        )
        for unit in (MeasureUnit.HOURS, MeasureUnit.PERCENT):
            indicator = add_indicator(
                benefit=benefit,
                actor=actor,
                name=f"Indikator {n} {unit}",
                unit=unit,
                baseline=Decimal(10),
                target=Decimal(20),
            )
            for day in range(measurements):
                record_measurement(
                    indicator=indicator,
                    actor=actor,
                    measured_on=date(2026, 1, 1) + timedelta(days=day),
                    value=Decimal(11 + day),
                )


def test_initiative_page_query_count_does_not_grow_with_benefits(
    led_initiative: Initiative,
    bob: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(bob)
    url = initiative_url(led_initiative)
    _grow(led_initiative, bob, benefits=1, measurements=1)
    # Session, user, membership; initiative, team; settings; benefits, indicators,
    # measurements; the owner/responsible select lists none (forms on their own pages);
    # history.
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    _grow(led_initiative, bob, benefits=4, measurements=3)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


# The benefit plan --------------------------------------------------------------------------


def test_the_benefit_plan_page_lists_benefits_and_indicators(
    indicator: Indicator, bob: User, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2026, 3, 1), value=Decimal("100")
    )
    url = reverse("portfolio:benefit_plan", args=[indicator.benefit.initiative_id])
    html = plain(client_for(alice).get(url).content.decode())
    assert "Gevinstrealiseringsplan" in html
    assert "Nittedal kommune" in html
    assert "Gevinst 1" in html
    assert "Nattbesøk per uke" in html
    assert "kr 250 000" in html
    assert "1 200,5" in html
    assert "50 %" in html


def test_the_benefit_plan_pdf(
    indicator: Indicator, bob: User, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    record_measurement(
        indicator=indicator, actor=bob, measured_on=date(2026, 3, 1), value=Decimal("100")
    )
    initiative = indicator.benefit.initiative
    url = reverse("portfolio:benefit_plan_pdf", args=[initiative.pk])
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'inline; filename="gevinstrealiseringsplan-{initiative.pk}-'
    )
    pdf = response.getvalue()  # streamed: read once
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Gevinstrealiseringsplan" in text
    assert "Nittedal kommune" in text
    assert "kr 250 000" in text
    assert "1 200,5 timer (0,7 årsverk)" in text
    assert "Nattbesøk per uke" in text
    assert "Side 1 av" in text
