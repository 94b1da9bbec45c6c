"""KPI administration: administrators define KPIs (computed or hand-entered); leaders and
administrators enter the yearly values of the hand-entered ones with their source. Bad input
is a Bokmål message at the field with nothing typed lost; concurrent edits are refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from maturity.events import MaturityAction
from maturity.models import Kpi, KpiUnit, KpiValue, StrategicMeasure, StrategyPeriod
from maturity.services.kpis import create_kpi, record_kpi_value, update_kpi
from portal.concurrency import StaleVersion
from portal.events import describe
from portal.models import DomainEvent, Organisation, User

THIS_YEAR = timezone.localdate().year
LIST = reverse("maturity:kpi_list")
CREATE = reverse("maturity:kpi_create")

Clients = Callable[[User | None], Client]


def hand_entered(organisation: Organisation) -> Kpi:
    return Kpi.objects.get(organisation=organisation, metric="")


def values_url(kpi: Kpi, year: int = THIS_YEAR) -> str:
    return reverse("maturity:kpi_value", args=[kpi.pk, year])


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Andel digitale søknader",
        "definition": "Andelen søknader som kommer inn digitalt. Fra sak/arkiv.",
        "metric": "",
        "unit": "percent",
        "target": "75",
        "higher_is_better": "on",
        "period": "",
        "measure": "",
    }
    data.update(overrides)
    return data


def events(action: str) -> list[DomainEvent]:
    return list(DomainEvent.objects.filter(action=action).order_by("pk"))


# Definitions --------------------------------------------------------------------------------


def test_an_administrator_creates_a_hand_entered_kpi_for_a_period(
    organisation: Organisation, admin: User, client_for: Clients
) -> None:
    period = StrategyPeriod.objects.filter(organisation=organisation).order_by("start_year")[1]
    response = client_for(admin).post(CREATE, form_data(target="75,5", period=period.pk))
    kpi = Kpi.objects.get(organisation=organisation, name="Andel digitale søknader")
    assert response.status_code == 302 and response["Location"] == f"{LIST}#kpi-{kpi.pk}"
    assert (kpi.metric, kpi.unit, kpi.target, kpi.period) == (
        "",
        "percent",
        Decimal("75.5"),
        period,
    )
    assert kpi.order == Kpi.objects.filter(organisation=organisation).count()
    created = events(MaturityAction.KPI_CREATED)[-1]
    assert describe(created) == "Ada opprettet nøkkeltallet «Andel digitale søknader»."
    page = client_for(admin).get(LIST).content.decode()
    assert "Andel digitale søknader" in page and "Registreres for hånd" in page


def test_the_kpi_form_explains_bad_input_at_the_field_and_keeps_what_was_typed(
    organisation: Organisation, admin: User, client_for: Clients
) -> None:
    response = client_for(admin).post(
        CREATE, form_data(name="  ", definition="Et tall jeg skrev.", target="mye", unit="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gi nøkkeltallet et navn." in html
    assert "Velg hvilken enhet tallet har." in html
    assert "Skriv et tall, for eksempel 35,5." in html
    assert "Et tall jeg skrev." in html and 'value="mye"' in html
    response = client_for(admin).post(CREATE, form_data(target="150", metric="ukjent"))
    html = response.content.decode()
    assert "En andel i prosent er fra 0 til 100." in html
    assert "Velg et av tallene i listen, eller «Registreres for hånd»." in html
    assert not Kpi.objects.filter(name="Andel digitale søknader").exists()


def test_a_computed_kpi_needs_its_own_unit_and_is_made_once(
    organisation: Organisation, admin: User, client_for: Clients
) -> None:
    response = client_for(admin).post(CREATE, form_data(metric="throughput", unit="count"))
    assert "«Gjennomstrømning» beregnes allerede slik. Endre det i stedet." in (
        response.content.decode()
    )
    Kpi.objects.filter(organisation=organisation, metric="throughput").delete()
    response = client_for(admin).post(CREATE, form_data(metric="throughput", unit="percent"))
    assert "«Gjennomstrømning» beregnes i antall. Velg den enheten." in response.content.decode()
    response = client_for(admin).post(CREATE, form_data(metric="throughput", unit="count"))
    assert response.status_code == 302
    assert Kpi.objects.get(organisation=organisation, metric="throughput").unit == KpiUnit.COUNT


def test_a_measure_must_belong_to_the_period_chosen(
    organisation: Organisation, admin: User, client_for: Clients
) -> None:
    measure = StrategicMeasure.objects.filter(organisation=organisation).select_related("period")[0]
    other = StrategyPeriod.objects.filter(organisation=organisation).exclude(pk=measure.period_id)[
        0
    ]
    response = client_for(admin).post(CREATE, form_data(period=other.pk, measure=measure.pk))
    assert f"Tiltaket hører til perioden {measure.period.label}." in response.content.decode()
    response = client_for(admin).post(CREATE, form_data(measure=measure.pk))
    assert response.status_code == 302
    assert Kpi.objects.get(name="Andel digitale søknader").measure == measure


def test_an_edit_saved_by_someone_else_meanwhile_is_refused_and_kept_in_the_form(
    organisation: Organisation, admin: User, client_for: Clients
) -> None:
    kpi = hand_entered(organisation)
    url = reverse("maturity:kpi_edit", args=[kpi.pk])
    assert client_for(admin).get(url).status_code == 200
    update_kpi(kpi=kpi, actor=admin, expected_version=kpi.version, target=Decimal(60))
    response = client_for(admin).post(url, form_data(name="Mitt nye navn", versjon=kpi.version))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ada lagret nøkkeltallet mens du skrev." in html
    assert 'value="Mitt nye navn"' in html
    kpi.refresh_from_db()
    assert kpi.name != "Mitt nye navn" and kpi.target == 60 and kpi.version == 2
    assert f'name="versjon" value="{kpi.version}"' in html  # saving again goes through
    response = client_for(admin).post(url, form_data(name="Mitt nye navn", versjon=kpi.version))
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.name == "Mitt nye navn" and kpi.version == 3
    updated = events(MaturityAction.KPI_UPDATED)[-1]
    assert updated.after["name"] == "Mitt nye navn" and updated.before["target"] == "60.00"


def test_a_hand_entered_kpi_with_values_cannot_turn_computed(
    organisation: Organisation, admin: User, leader: User, client_for: Clients
) -> None:
    Kpi.objects.filter(organisation=organisation, metric="throughput").delete()
    kpi = hand_entered(organisation)
    record_kpi_value(
        kpi=kpi, actor=leader, year=2025, value=Decimal(20), source="LMS", expected_version=0
    )
    response = client_for(admin).post(
        reverse("maturity:kpi_edit", args=[kpi.pk]),
        form_data(metric="throughput", unit="count", versjon=kpi.version),
    )
    assert "Nøkkeltallet har verdier registrert for hånd" in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.metric == ""


def test_deleting_a_kpi_asks_first_and_takes_its_values_along(
    organisation: Organisation, admin: User, leader: User, client_for: Clients
) -> None:
    kpi = hand_entered(organisation)
    for year in (2025, 2026):
        record_kpi_value(
            kpi=kpi, actor=leader, year=year, value=Decimal(10), source="LMS", expected_version=0
        )
    url = reverse("maturity:kpi_delete", args=[kpi.pk])
    page = client_for(admin).get(url).content.decode()
    assert "De 2 verdiene som er registrert for hånd slettes også." in page
    stale = client_for(admin).post(url, {"versjon": kpi.version - 1 or 99})
    assert stale.status_code == 409 and Kpi.objects.filter(pk=kpi.pk).exists()
    response = client_for(admin).post(url, {"versjon": kpi.version})
    assert response.status_code == 302 and not Kpi.objects.filter(pk=kpi.pk).exists()
    assert not KpiValue.objects.filter(kpi_id=kpi.pk).exists()
    deleted = events(MaturityAction.KPI_DELETED)[-1]
    assert deleted.before["values"] == {"2025": "10.00", "2026": "10.00"}
    assert describe(deleted) == f"Ada slettet nøkkeltallet «{kpi.name}»."


def test_leaders_see_the_list_but_not_the_administration(
    organisation: Organisation, leader: User, client_for: Clients
) -> None:
    html = client_for(leader).get(LIST).content.decode()
    kpi = hand_entered(organisation)
    assert reverse("maturity:kpi_values", args=[kpi.pk]) in html
    assert reverse("maturity:kpi_edit", args=[kpi.pk]) not in html
    assert CREATE not in html


def test_the_list_makes_a_fixed_number_of_queries(
    organisation: Organisation,
    admin: User,
    leader: User,
    client_for: Clients,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(admin)
    client.get(LIST)  # the session and membership are warm
    with django_assert_num_queries(4):
        client.get(LIST)
    for n in range(10):
        kpi = create_kpi(
            organisation=organisation,
            actor=admin,
            name=f"Tall {n}",
            definition="For hånd.",
            unit=KpiUnit.COUNT,
        )
        record_kpi_value(
            kpi=kpi, actor=leader, year=2025, value=Decimal(n), source="X", expected_version=0
        )
    with django_assert_num_queries(4):
        html = client.get(LIST).content.decode()
    assert "Tall 9" in html and "1 år registrert, sist 2025" in html


# Hand-entered values ----------------------------------------------------------------------


def test_a_leader_records_a_value_with_its_source_and_then_changes_it(
    organisation: Organisation, leader: User, admin: User, client_for: Clients
) -> None:
    kpi = hand_entered(organisation)
    response = client_for(leader).post(
        values_url(kpi, 2025), {"value": "35,5", "source": " Læringsplattformen "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("maturity:kpi_values", args=[kpi.pk]) + "#ar-2025"
    value = KpiValue.objects.get(kpi=kpi, year=2025)
    assert (value.value, value.source, value.recorded_by, value.version) == (
        Decimal("35.5"),
        "Læringsplattformen",
        leader,
        1,
    )
    recorded = events(MaturityAction.KPI_VALUE_RECORDED)[-1]
    assert describe(recorded) == f"Lena registrerte verdien for «{kpi.name}» for 2025."
    page = client_for(leader).get(reverse("maturity:kpi_values", args=[kpi.pk])).content.decode()
    assert "35,5\u00a0%" in page and "Læringsplattformen" in page and "Lena" in page
    form = client_for(admin).get(values_url(kpi, 2025)).content.decode()
    assert 'value="35,5"' in form and 'name="versjon" value="1"' in form
    client_for(admin).post(
        values_url(kpi, 2025), {"value": "40", "source": "Årsrapport", "versjon": 1}
    )
    value.refresh_from_db()
    assert (value.value, value.recorded_by, value.version) == (Decimal(40), admin, 2)
    updated = events(MaturityAction.KPI_VALUE_UPDATED)[-1]
    assert updated.before["value"] == "35.50" and updated.after["value"] == "40"
    assert describe(updated) == f"Ada endret verdien for «{kpi.name}» for 2025."


def test_two_leaders_entering_the_same_year_cannot_overwrite_each_other(
    organisation: Organisation, leader: User, admin: User, client_for: Clients
) -> None:
    kpi = hand_entered(organisation)
    url = values_url(kpi, 2025)
    client_for(leader).get(url)
    client_for(admin).get(url)  # both open the empty form
    client_for(admin).post(url, {"value": "30", "source": "Ada sin kilde"})
    response = client_for(leader).post(url, {"value": "31", "source": "Lenas kilde"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ada registrerte en verdi for 2025 mens du skrev." in html
    assert "Lenas kilde" in html and "Ada sin kilde" in html  # hers typed, his saved
    value = KpiValue.objects.get(kpi=kpi, year=2025)
    assert (value.value, value.source) == (Decimal(30), "Ada sin kilde")
    with pytest.raises(StaleVersion):
        record_kpi_value(
            kpi=kpi, actor=leader, year=2025, value=Decimal(1), source="X", expected_version=0
        )


def test_a_bad_value_is_explained_at_the_field(
    organisation: Organisation, leader: User, client_for: Clients
) -> None:
    kpi = hand_entered(organisation)
    url = values_url(kpi, 2025)
    for typed, message in (
        ("tre", "Skriv et tall, for eksempel 35,5."),
        ("-1", "Skriv et tall som ikke er negativt."),
        ("120", "En andel i prosent er fra 0 til 100."),
        ("", "Skriv verdien, for eksempel 35,5."),
        ("1,234", "Skriv høyst to desimaler, for eksempel 35,55."),
    ):
        html = (
            client_for(leader).post(url, {"value": typed, "source": "Min kilde"}).content.decode()
        )
        assert message in html, typed
        assert 'value="Min kilde"' in html
    html = client_for(leader).post(url, {"value": "3", "source": "   "}).content.decode()
    assert "Skriv hvor tallet kommer fra." in html
    assert not KpiValue.objects.filter(kpi=kpi).exists()


def test_values_only_for_hand_entered_kpis_and_years_until_now(
    organisation: Organisation, leader: User, client_for: Clients
) -> None:
    kpi = hand_entered(organisation)
    computed = Kpi.objects.filter(organisation=organisation).exclude(metric="")[0]
    client = client_for(leader)
    assert client.get(values_url(kpi, THIS_YEAR + 1)).status_code == 404
    assert client.get(values_url(kpi, 1999)).status_code == 404
    assert client.get(values_url(computed, 2025)).status_code == 404
    assert client.get(reverse("maturity:kpi_values", args=[computed.pk])).status_code == 404
    with pytest.raises(ValueError, match="computed"):
        record_kpi_value(
            kpi=computed, actor=leader, year=2025, value=Decimal(1), source="X", expected_version=0
        )


def test_the_values_page_lists_the_strategy_years_and_makes_a_fixed_number_of_queries(
    organisation: Organisation,
    leader: User,
    client_for: Clients,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    kpi = hand_entered(organisation)
    url = reverse("maturity:kpi_values", args=[kpi.pk])
    client = client_for(leader)
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    for year in range(2010, 2020):
        record_kpi_value(
            kpi=kpi, actor=leader, year=year, value=Decimal(1), source="X", expected_version=0
        )
    with django_assert_num_queries(6):
        html = client.get(url).content.decode()
    assert f"Registrer verdi for {THIS_YEAR}" in html and "Registrer verdi for 2025" in html
    assert "Endre verdien for 2010" in html
