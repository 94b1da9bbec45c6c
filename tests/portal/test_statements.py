"""The tilgjengelighetserklæring and personvernerklæring: public pages, defaults, the
organisation's own text, and nothing but escaped text on the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from portal.actions import PortalAction
from portal.models import DomainEvent, Organisation, User
from portal.statements import Statement, default_text, render_statement


def _page(client: Client, name: str, query: str = "") -> str:
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_links_both_statements_in_its_footer(
    alice: User, client_for: Callable[[User | None], Client]
) -> None:
    for client, name in ((client_for(None), "account_login"), (client_for(alice), "home")):
        footer = _page(client, name).split('<footer class="site-footer">')[1]
        assert reverse("accessibility_statement") in footer
        assert reverse("privacy_statement") in footer
    assert reverse("my_data") in _page(client_for(alice), "home").split("<footer")[1]


def test_an_anonymous_visitor_reads_the_default_or_the_chosen_organisation(
    organisation: Organisation, other_organisation: Organisation, client: Client
) -> None:
    organisation.accessibility_statement = "Nittedals egen erklæring."
    organisation.save()
    # Two municipalities on the server and none chosen: the default, for «kommunen».
    page = _page(client, "accessibility_statement")
    assert "innovasjonsportalen til kommunen" in page and "https://uustatus.no/" in page
    chosen = _page(client, "accessibility_statement", "?organisasjon=nittedal")
    assert "Nittedals egen erklæring." in chosen
    lunner = _page(client, "privacy_statement", "?organisasjon=lunner")
    assert "Lunner kommune er behandlingsansvarlig" in lunner
    assert "Datatilsynet" in lunner and "artikkel 6 nr. 1 bokstav e" in lunner


def test_a_server_with_one_organisation_shows_its_statement(
    organisation: Organisation,
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(1):  # the organisations, at most two
        page = _page(client, "privacy_statement")
    assert "Nittedal kommune er behandlingsansvarlig" in page


def test_a_member_reads_their_organisations_text_and_only_the_admin_may_edit(
    alice: User, admin: User, client_for: Callable[[User | None], Client]
) -> None:
    edit = reverse("accessibility_statement_edit")
    assert edit not in _page(client_for(alice), "accessibility_statement")
    assert edit in _page(client_for(admin), "accessibility_statement")


def test_the_administrator_writes_their_own_text_which_is_escaped(
    admin: User, organisation: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(admin)
    form = _page(client, "accessibility_statement_edit")
    assert "Hvem erklæringen gjelder" in form  # starts from the default text
    text = (
        "## Om <b>oss</b>\n\nVi følger WCAG 2.1 AA.<script>alert(1)</script>\n"
        '- Ring <img src=x onerror="alert(1)">\n\nSkriv til post@nittedal.kommune.no.'
    )
    url = "https://uustatus.no/nb/erklaringer/publisert/1234"
    response = client.post(reverse("accessibility_statement_edit"), {"text": text, "url": url})
    assert response.status_code == 302
    page = _page(client_for(None), "accessibility_statement", "?organisasjon=nittedal")
    page = page.split('<div class="narrow-page statement">')[1].split("</main>")[0]
    assert "<script" not in page and "<img" not in page and "<b>oss" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<h2 class="ds-heading" data-size="sm">Om &lt;b&gt;oss&lt;/b&gt;</h2>' in page
    assert 'href="mailto:post@nittedal.kommune.no"' in page and f'href="{url}"' in page
    event = DomainEvent.objects.get(action=PortalAction.ACCESSIBILITY_STATEMENT_CHANGED)
    assert event.actor == admin and event.after["accessibility_statement_url"] == url


def test_saving_the_default_unchanged_keeps_following_the_default(
    admin: User, organisation: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    text = default_text(Statement.PRIVACY, organisation.name)
    response = client_for(admin).post(reverse("privacy_statement_edit"), {"text": text})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.privacy_statement == ""
    assert not DomainEvent.objects.filter(action=PortalAction.PRIVACY_STATEMENT_CHANGED).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "Tekst", "url": "ikke en adresse"}, "Skriv en hel nettadresse"),
        ({"text": "x" * 20001, "url": ""}, "høyst 20000 tegn"),
    ],
)
def test_bad_input_is_a_message_at_the_field_and_keeps_the_text(
    admin: User, client_for: Callable[[User | None], Client], data: dict[str, str], message: str
) -> None:
    response = client_for(admin).post(reverse("accessibility_statement_edit"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and data["text"][:100] in page


def test_the_safe_subset() -> None:
    html = render_statement("Første linje\nandre linje\n- et punkt\n\n## Tittel\nTekst")
    assert html == (
        '<p class="ds-paragraph">Første linje<br>andre linje</p>'
        '<ul class="ds-list"><li>et punkt</li></ul>'
        '<h2 class="ds-heading" data-size="sm">Tittel</h2><p class="ds-paragraph">Tekst</p>'
    )
    assert "<a" not in render_statement("javascript:alert(1)")


def test_the_pages_read_a_fixed_number_of_queries(
    admin: User,
    client_for: Callable[[User | None], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(admin)
    client.get(reverse("home"))  # warm the session
    for name in ("accessibility_statement", "privacy_statement", "my_data"):
        with django_assert_num_queries(3):  # session, user, membership
            _page(client, name)
    with django_assert_num_queries(3):
        _page(client, "privacy_statement_edit")
