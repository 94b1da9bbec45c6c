"""Administering the staircase model: levels, periods, dimensions and criteria (services,
forms, views, bad input, concurrency, scoping, query pins)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from maturity.events import MaturityAction
from maturity.exceptions import CriterionInUse, PeriodInUse
from maturity.forms.model import CriterionForm, LevelForm, PeriodForm
from maturity.models import (
    CriterionTick,
    DimensionAnswer,
    EvidenceKind,
    MaturityCriterion,
    MaturityDimension,
    MaturityLevel,
    StrategicMeasure,
    StrategyPeriod,
    YearlyAssessment,
)
from maturity.services.model import (
    create_criterion,
    create_dimension,
    create_period,
    delete_criterion,
    delete_period,
    move_dimension,
    update_criterion,
    update_dimension,
    update_level,
    update_period,
)
from portal.concurrency import StaleVersion
from portal.events import describe
from portal.models import DomainEvent, Organisation, User
from portfolio.models import Initiative
from portfolio.roles import role_levels

OWN_MODEL = "Modenhetstrappen er kommunens egen modell"
SEEDED_FROM = "Nittedal kommunes innovasjonsstrategi 2025–2029"


def level(organisation: Organisation, number: int) -> MaturityLevel:
    return MaturityLevel.objects.get(organisation=organisation, level=number)


def period(organisation: Organisation, start: int, end: int) -> StrategyPeriod:
    return StrategyPeriod.objects.get(organisation=organisation, start_year=start, end_year=end)


def dimensions(organisation: Organisation) -> list[str]:
    return list(
        MaturityDimension.objects.filter(organisation=organisation)
        .order_by("order", "id")
        .values_list("name", flat=True)
    )


def events(action: str) -> list[DomainEvent]:
    return list(DomainEvent.objects.filter(action=action).order_by("id"))


def text_of(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


# Levels ---------------------------------------------------------------------------------


def test_renaming_a_level_renames_the_role_on_the_board(
    organisation: Organisation,
    admin: User,
    initiative: Initiative,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(admin)
    assert "Rolle: Bidragsyter" in text_of(client.get(reverse("portfolio:board")))
    contributor = level(organisation, initiative.role)
    response = client.post(
        reverse("maturity:level_edit", args=[contributor.pk]),
        {
            "name": "Medspiller",
            "stance": contributor.stance,
            "description": contributor.description,
            "versjon": "1",
        },
    )
    assert response["Location"] == reverse("maturity:model")
    board = text_of(client.get(reverse("portfolio:board")))
    assert "Rolle: Medspiller" in board and "Rolle: Bidragsyter" not in board
    detail = text_of(client.get(reverse("portfolio:initiative", args=[initiative.pk])))
    assert "Medspiller" in detail


def test_update_level_forgets_the_cached_names_and_records_the_change(
    organisation: Organisation, admin: User
) -> None:
    assert role_levels(organisation)[3].name == "Initiativtaker"  # cached on the object
    first = level(organisation, 3)
    first.organisation = organisation
    updated = update_level(
        level=first,
        actor=admin,
        expected_version=1,
        name=" Pådriver ",
        stance="Vi tar initiativ",
        description=first.description,
    )
    assert updated.name == "Pådriver" and updated.version == 2
    assert role_levels(organisation)[3].name == "Pådriver"
    (event,) = events(MaturityAction.LEVEL_UPDATED)
    assert event.before["name"] == "Initiativtaker" and event.after["name"] == "Pådriver"
    assert set(event.after) == {"name", "stance", "level"}
    assert describe(event) == "Ada endret nivået «Pådriver»."
    with pytest.raises(StaleVersion):
        update_level(
            level=first, actor=admin, expected_version=1, name="X", stance="Y", description=""
        )


def test_level_form_refuses_empty_and_duplicate_names(organisation: Organisation) -> None:
    form = LevelForm(
        {"name": " bidragsyter ", "stance": "", "versjon": "1"}, level=level(organisation, 1)
    )
    assert not form.is_valid()
    assert form.errors == {
        "name": ["Et annet nivå heter allerede «bidragsyter». Velg et annet navn."],
        "stance": ["Skriv holdningen for nivået."],
    }


def test_two_admins_renaming_a_level_the_second_sees_the_first(
    organisation: Organisation,
    admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    target = level(organisation, 2)
    url = reverse("maturity:level_edit", args=[target.pk])
    data = {"stance": target.stance, "description": "", "versjon": "1"}
    assert client_for(admin).post(url, {**data, "name": "Medspiller"}).status_code == 302
    second = client_for(admin).post(url, {**data, "name": "Bidragsgiver"})
    html = text_of(second)
    assert second.status_code == 200
    assert "Ada lagret nivået mens du skrev (nå versjon 2). Ingenting er overskrevet." in html
    assert 'value="Bidragsgiver"' in html and 'name="versjon" value="2"' in html
    assert level(organisation, 2).name == "Medspiller"


# Periods --------------------------------------------------------------------------------


def test_periods_are_created_edited_and_refused_when_they_duplicate_or_run_backwards(
    organisation: Organisation, admin: User
) -> None:
    aim = level(organisation, 4)
    created = create_period(
        organisation=organisation, actor=admin, start_year=2030, end_year=2031, target_level=aim
    )
    assert created.label == "2030–31"
    (event,) = events(MaturityAction.PERIOD_CREATED)
    assert describe(event) == "Ada opprettet perioden 2030–31."
    for start, end, field in (
        (2030, 2031, "start_year"),  # the same years
        (2031, 2031, "start_year"),  # inside it
        (2029, 2032, "start_year"),  # around it
        (2026, 2028, "start_year"),  # three years shared with 2026–27 and 2027–28
        (2033, 2032, "end_year"),  # backwards
    ):
        with pytest.raises(ValidationError) as refused:
            create_period(
                organisation=organisation,
                actor=admin,
                start_year=start,
                end_year=end,
                target_level=aim,
            )
        assert set(refused.value.message_dict) == {field}, (start, end)
    # Sharing one year, as the strategy's 2026–27 and 2027–28 do, is allowed.
    create_period(
        organisation=organisation, actor=admin, start_year=2031, end_year=2032, target_level=aim
    )
    moved = update_period(
        period=created,
        actor=admin,
        expected_version=1,
        start_year=2030,
        end_year=2030,
        target_level=aim,
        description="Etter strategien",
    )
    assert moved.label == "2030" and moved.version == 2
    (updated,) = events(MaturityAction.PERIOD_UPDATED)
    assert updated.before["name"] == "2030–31" and updated.after["name"] == "2030"
    with pytest.raises(StaleVersion):
        update_period(
            period=created,
            actor=admin,
            expected_version=1,
            start_year=2030,
            end_year=2030,
            target_level=aim,
            description="",
        )


def test_period_form_messages_are_bokmal_at_the_field(organisation: Organisation) -> None:
    aim = level(organisation, 2)

    def errors(**data: str) -> dict[str, list[str]]:
        form = PeriodForm({"target_level": str(aim.pk), **data}, organisation=organisation)
        assert not form.is_valid()
        return {field: [str(m) for m in messages] for field, messages in form.errors.items()}

    assert errors(start_year="2028", end_year="2027") == {
        "end_year": ["Til-året kan ikke være før fra-året (2028)."]
    }
    assert errors(start_year="2026", end_year="2027") == {
        "start_year": [
            "Årene overlapper perioden 2026–27. Perioder kan dele høyst ett år, slik 2026–27 "
            "og 2027–28 deler 2027, og kan ikke ligge inni hverandre."
        ]
    }
    assert errors(start_year="tjuetretti", end_year="٢٠٣٠") == {
        "start_year": ["Skriv et årstall med fire sifre, for eksempel 2027."],
        "end_year": ["Skriv et årstall med fire sifre, for eksempel 2027."],
    }
    assert errors(start_year="1999", end_year="") == {
        "start_year": ["Skriv et årstall fra 2000 eller senere."],
        "end_year": ["Skriv året perioden slutter."],
    }


def test_period_form_offers_only_the_organisations_levels(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    theirs = level(other_organisation, 2)
    form = PeriodForm(
        {"start_year": "2035", "end_year": "2035", "target_level": str(theirs.pk)},
        organisation=organisation,
    )
    assert not form.is_valid()
    assert form.errors == {"target_level": ["Velg et av nivåene i trappen."]}
    with pytest.raises(ValidationError):
        create_period(
            organisation=organisation,
            actor=None,  # type: ignore[arg-type]
            start_year=2035,
            end_year=2035,
            target_level=theirs,
        )


def test_a_period_with_measures_is_not_deleted_and_the_page_says_why(
    organisation: Organisation, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    seeded = period(organisation, 2025, 2025)
    with pytest.raises(PeriodInUse) as refused:
        delete_period(period=seeded, actor=admin, expected_version=1)
    assert refused.value.measures == 6
    client = client_for(admin)
    url = reverse("maturity:period_delete", args=[seeded.pk])
    page = text_of(client.get(url))
    expected = (
        "Perioden 2025 kan ikke slettes fordi den har 6 strategiske tiltak. Flytt tiltakene til "
        "en annen periode eller slett dem først."
    )
    assert expected in page and "Ja, slett perioden" not in page
    response = client.post(url, {"versjon": "1"}, follow=True)
    assert expected in text_of(response)
    assert StrategyPeriod.objects.filter(pk=seeded.pk).exists()
    assert not events(MaturityAction.PERIOD_DELETED)


def test_an_empty_period_is_deleted_at_its_version(
    organisation: Organisation, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    empty = create_period(
        organisation=organisation,
        actor=admin,
        start_year=2030,
        end_year=2030,
        target_level=level(organisation, 4),
    )
    client = client_for(admin)
    url = reverse("maturity:period_delete", args=[empty.pk])
    assert "Ja, slett perioden" in text_of(client.get(url))
    stale = client.post(url, {"versjon": "9"}, follow=True)
    assert "Perioden ble endret mens du så på den" in text_of(stale)
    done = client.post(url, {"versjon": "1"}, follow=True)
    assert "Perioden 2030 er slettet." in text_of(done)
    assert not StrategyPeriod.objects.filter(pk=empty.pk).exists()
    (event,) = events(MaturityAction.PERIOD_DELETED)
    assert describe(event) == "Ada slettet perioden 2030."


def test_period_pages_create_and_edit_keeping_what_was_typed(
    organisation: Organisation, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(admin)
    aim = level(organisation, 3)
    refused = client.post(
        reverse("maturity:period_create"),
        {
            "start_year": "2031",
            "end_year": "2030",
            "target_level": str(aim.pk),
            "description": "Ny",
        },
    )
    html = text_of(refused)
    assert refused.status_code == 200 and "Til-året kan ikke være før fra-året (2031)." in html
    assert 'value="2031"' in html and "Ny</textarea>" in html
    created = client.post(
        reverse("maturity:period_create"),
        {"start_year": "2030", "end_year": "2031", "target_level": str(aim.pk)},
        follow=True,
    )
    assert "Perioden 2030–31 er opprettet." in text_of(created)
    seeded = period(organisation, 2029, 2029)
    edited = client.post(
        reverse("maturity:period_edit", args=[seeded.pk]),
        {"start_year": "2029", "end_year": "2029", "target_level": str(aim.pk), "versjon": "1"},
        follow=True,
    )
    assert "Endringene i perioden 2029 er lagret." in text_of(edited)
    assert period(organisation, 2029, 2029).target_level == aim


# Dimensions and criteria ----------------------------------------------------------------


def test_dimensions_are_created_renamed_deactivated_and_reordered(
    organisation: Organisation, admin: User
) -> None:
    created = create_dimension(
        organisation=organisation, actor=admin, name=" Digital kompetanse ", description=""
    )
    assert dimensions(organisation)[-1] == "Digital kompetanse"
    updated = update_dimension(
        dimension=created,
        actor=admin,
        expected_version=1,
        name="Digital kompetanse",
        description="Ansatte kan ta i bruk ny teknologi.",
        is_active=False,
    )
    assert not updated.is_active and updated.version == 2
    (event,) = events(MaturityAction.DIMENSION_UPDATED)
    assert event.after == {
        "name": "Digital kompetanse",
        "description": "Ansatte kan ta i bruk ny teknologi.",
        "is_active": False,
    }
    moved = move_dimension(dimension=updated, actor=admin, direction="up")
    assert dimensions(organisation)[-2:] == ["Digital kompetanse", "Gevinstrealisering"]
    assert moved.order == 6
    first = MaturityDimension.objects.get(organisation=organisation, name="Strategi og forankring")
    unchanged = move_dimension(dimension=first, actor=admin, direction="up")
    assert unchanged.order == first.order and dimensions(organisation)[0] == first.name
    with pytest.raises(StaleVersion):  # the move made an open form of it stale
        update_dimension(
            dimension=updated,
            actor=admin,
            expected_version=2,
            name="X",
            description="",
            is_active=True,
        )


def test_criteria_are_added_edited_and_kept_when_ticked(
    organisation: Organisation, admin: User, leader: User
) -> None:
    dimension = MaturityDimension.objects.get(organisation=organisation, name="Porteføljestyring")
    criterion = create_criterion(
        dimension=dimension,
        actor=admin,
        level=level(organisation, 2),
        practice="Porteføljestyret har faste møter",
        evidence=EvidenceKind.DOCUMENT,
        guidance="Møteplan",
    )
    assert criterion.order == 3  # after the seeded criterion of level 2 (order 2)
    (created,) = events(MaturityAction.CRITERION_CREATED)
    assert describe(created) == "Ada la til kriteriet «Porteføljestyret har faste møter»."
    edited = update_criterion(
        criterion=criterion,
        actor=admin,
        expected_version=1,
        level=level(organisation, 3),
        practice="Porteføljestyret har faste møter med protokoll",
        evidence=EvidenceKind.DECISION,
        guidance="",
    )
    assert edited.level.level == 3 and edited.version == 2
    assessment = YearlyAssessment.objects.create(
        organisation=organisation, year=2026, opened_by=leader
    )
    answer = DimensionAnswer.objects.create(
        assessment=assessment, dimension=dimension, respondent=leader, level=level(organisation, 2)
    )
    CriterionTick.objects.create(answer=answer, criterion=edited, case_number="26/12")
    with pytest.raises(CriterionInUse):
        delete_criterion(criterion=edited, actor=admin, expected_version=2)
    unticked = MaturityCriterion.objects.filter(dimension=dimension).exclude(pk=edited.pk).first()
    assert unticked is not None
    with pytest.raises(StaleVersion):
        delete_criterion(criterion=unticked, actor=admin, expected_version=5)
    delete_criterion(criterion=unticked, actor=admin, expected_version=1)
    assert not MaturityCriterion.objects.filter(pk=unticked.pk).exists()
    assert len(events(MaturityAction.CRITERION_DELETED)) == 1


def test_a_criterion_cannot_use_another_organisations_level(
    organisation: Organisation, other_organisation: Organisation, admin: User
) -> None:
    dimension = MaturityDimension.objects.filter(organisation=organisation).first()
    assert dimension is not None
    theirs = level(other_organisation, 1)
    form = CriterionForm(
        {"level": str(theirs.pk), "practice": "", "evidence": "video"}, organisation=organisation
    )
    assert not form.is_valid()
    assert form.errors == {
        "level": ["Velg et av nivåene i trappen."],
        "practice": ["Beskriv praksisen lederne skal krysse av for."],
        "evidence": ["Velg en av dokumentasjonstypene i listen."],
    }
    with pytest.raises(ValidationError):
        create_criterion(
            dimension=dimension,
            actor=admin,
            level=theirs,
            practice="Lunners praksis",
            evidence=EvidenceKind.KPI,
        )


def test_dimension_pages_create_edit_move_and_add_criteria(
    organisation: Organisation, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(admin)
    duplicate = client.post(reverse("maturity:dimension_create"), {"name": "ledelse og kultur"})
    assert "Det finnes allerede en dimensjon som heter «ledelse og kultur»." in text_of(duplicate)
    created = client.post(reverse("maturity:dimension_create"), {"name": "Digital kompetanse"})
    dimension = MaturityDimension.objects.get(organisation=organisation, name="Digital kompetanse")
    assert created["Location"] == reverse("maturity:dimension_edit", args=[dimension.pk])
    page = text_of(client.get(created["Location"]))
    assert page.count("Ingen kriterier på dette nivået ennå.") == 4
    url = reverse("maturity:criterion_create", args=[dimension.pk])
    refused = client.post(url, {"nytt-level": str(level(organisation, 1).pk), "nytt-practice": ""})
    html = text_of(refused)
    assert "Beskriv praksisen lederne skal krysse av for." in html
    assert "Velg hva slags dokumentasjon praksisen trenger." in html
    added = client.post(
        url,
        {
            "nytt-level": str(level(organisation, 1).pk),
            "nytt-practice": "Ansatte har fått opplæring i portalen",
            "nytt-evidence": "document",
        },
        follow=True,
    )
    assert (
        "Kriteriet «Ansatte har fått opplæring i portalen» er lagt til på nivå Vente å se."
        in text_of(added)
    )
    deactivated = client.post(
        reverse("maturity:dimension_edit", args=[dimension.pk]),
        {"name": "Digital kompetanse", "description": "", "versjon": "1"},
        follow=True,
    )
    assert "er tatt ut av bruk og kommer ikke med i nye vurderinger" in text_of(deactivated)
    dimension.refresh_from_db()
    assert not dimension.is_active
    moved = client.post(
        reverse("maturity:dimension_move", args=[dimension.pk]), {"retning": "opp"}, follow=True
    )
    assert "«Digital kompetanse» er flyttet opp, til plass 6." in text_of(moved)
    bad = client.post(
        reverse("maturity:dimension_move", args=[dimension.pk]), {"retning": "x"}, follow=True
    )
    assert "Velg om dimensjonen skal flyttes opp eller ned." in text_of(bad)
    overview = text_of(client.get(reverse("maturity:model")))
    assert "Tatt ut av bruk" in overview


def test_criterion_pages_edit_and_refuse_removing_a_ticked_one(
    organisation: Organisation,
    admin: User,
    leader: User,
    client_for: Callable[[User | None], Client],
) -> None:
    dimension = MaturityDimension.objects.get(organisation=organisation, name="Gevinstrealisering")
    criterion = (
        MaturityCriterion.objects.filter(dimension=dimension).order_by("level__level").first()
    )
    assert criterion is not None
    client = client_for(admin)
    edit = reverse("maturity:criterion_edit", args=[criterion.pk])
    saved = client.post(
        edit,
        {
            "level": str(criterion.level_id),
            "practice": "Initiativ har en gevinstplan før pilot",
            "evidence": "kpi",
            "guidance": "",
            "versjon": "1",
        },
    )
    assert saved["Location"].endswith(f"#criterion-{criterion.pk}")
    stale = client.post(
        edit,
        {"level": str(criterion.level_id), "practice": "Gammel", "evidence": "kpi", "versjon": "1"},
    )
    assert "lagret kriteriet mens du skrev (nå versjon 2)" in text_of(stale)
    assessment = YearlyAssessment.objects.create(
        organisation=organisation, year=2026, opened_by=leader
    )
    answer = DimensionAnswer.objects.create(
        assessment=assessment, dimension=dimension, respondent=leader, level=criterion.level
    )
    CriterionTick.objects.create(answer=answer, criterion=criterion, note="Se gevinstplanene")
    delete = reverse("maturity:criterion_delete", args=[criterion.pk])
    page = text_of(client.get(delete))
    assert "Kriteriet kan ikke fjernes fordi det er krysset av i 1 svar" in page
    assert "Ja, fjern kriteriet" not in page
    refused = client.post(delete, {"versjon": "2"}, follow=True)
    assert "Kriteriet kan ikke fjernes" in text_of(refused)
    assert MaturityCriterion.objects.filter(pk=criterion.pk).exists()


# Pages: the note, access, scoping and query counts --------------------------------------


def test_every_model_page_says_it_is_the_municipalitys_own_model(
    organisation: Organisation, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(admin)
    dimension = MaturityDimension.objects.filter(organisation=organisation).first()
    criterion = MaturityCriterion.objects.filter(dimension=dimension).first()
    assert dimension is not None and criterion is not None
    urls = [
        reverse("maturity:model"),
        reverse("maturity:level_edit", args=[level(organisation, 1).pk]),
        reverse("maturity:period_create"),
        reverse("maturity:period_edit", args=[period(organisation, 2025, 2025).pk]),
        reverse("maturity:dimension_create"),
        reverse("maturity:dimension_edit", args=[dimension.pk]),
        reverse("maturity:criterion_edit", args=[criterion.pk]),
    ]
    for url in urls:
        html = text_of(client.get(url))
        assert OWN_MODEL in html and SEEDED_FROM in html, url


def test_model_pages_are_for_administrators_and_scoped_to_the_organisation(
    organisation: Organisation,
    other_organisation: Organisation,
    leader: User,
    bob: User,
    other_admin: User,
    client_for: Callable[[User | None], Client],
) -> None:
    ours = level(organisation, 1)
    for user in (leader, bob):
        assert client_for(user).get(reverse("maturity:model")).status_code == 403
    outsider = client_for(other_admin)
    assert outsider.get(reverse("maturity:level_edit", args=[ours.pk])).status_code == 404
    response = outsider.post(
        reverse("maturity:level_edit", args=[ours.pk]),
        {"name": "Kapret", "stance": "x", "versjon": "1"},
    )
    assert response.status_code == 404 and level(organisation, 1).name == "Vente å se"
    theirs = text_of(outsider.get(reverse("maturity:model")))
    assert f'href="{reverse("maturity:level_edit", args=[ours.pk])}"' not in theirs
    assert other_organisation.pk != organisation.pk


def test_the_overview_pins_its_queries_and_they_do_not_grow_with_rows(
    organisation: Organisation,
    admin: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(admin)
    client.get(reverse("maturity:model"))
    with django_assert_num_queries(OVERVIEW_QUERIES):
        client.get(reverse("maturity:model"))
    for n in range(4):
        dimension = create_dimension(organisation=organisation, actor=admin, name=f"Ekstra {n}")
        create_criterion(
            dimension=dimension,
            actor=admin,
            level=level(organisation, 1),
            practice=f"Praksis {n}",
            evidence=EvidenceKind.DOCUMENT,
        )
        created = create_period(
            organisation=organisation,
            actor=admin,
            start_year=2040 + 2 * n,
            end_year=2040 + 2 * n,
            target_level=level(organisation, 4),
        )
        StrategicMeasure.objects.create(organisation=organisation, period=created, text=f"T {n}")
    with django_assert_num_queries(OVERVIEW_QUERIES):
        html = text_of(client.get(reverse("maturity:model")))
    assert len(re.findall(r'<tr id="dimension-\d+"', html)) == 10
    assert len(re.findall(r'<tr id="period-\d+"', html)) == 8


# Session, user, membership; levels, periods (with measure counts), dimensions (with counts).
OVERVIEW_QUERIES = 6


def test_the_dimension_page_pins_its_queries_and_they_do_not_grow_with_criteria(
    organisation: Organisation,
    admin: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    dimension = MaturityDimension.objects.filter(organisation=organisation).first()
    assert dimension is not None
    client = client_for(admin)
    url = reverse("maturity:dimension_edit", args=[dimension.pk])
    client.get(url)
    with django_assert_num_queries(DIMENSION_QUERIES):
        client.get(url)
    for n in range(6):
        create_criterion(
            dimension=dimension,
            actor=admin,
            level=level(organisation, 1 + n % 4),
            practice=f"Ny praksis {n}",
            evidence=EvidenceKind.INITIATIVE,
        )
    with django_assert_num_queries(DIMENSION_QUERIES):
        html = text_of(client.get(url))
    assert len(re.findall(r'<tr id="criterion-\d+"', html)) == 10


# Session, user, membership; the dimension; its criteria (with ticks), the levels, and the
# levels again for the new criterion's choice of level.
DIMENSION_QUERIES = 7
