"""Every object URL with another organisation's ids and with ids that do not exist: 404.

For each URL of the access table (tests/portal/test_access.py) that names an object, the
table's objects are built twice, in this organisation and in another one; the role of this
organisation that may use the URL then asks for it (GET and POST) with the other
organisation's ids (all of them, and one URL argument at a time beside this
organisation's own, e.g. our idea with their attachment) and with each numeric argument
replaced by a number above every primary key in the database (max(id) + 1000). Every
answer is 404 (a GET on a POST-only URL, or a POST on a URL that takes none, is 405
before any lookup, which confirms nothing),
and nothing is stored. A new object URL is covered as soon as it is in the access table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import Client
from django.urls import resolve, reverse
from pytest_django import Settings

from ideas.models import Idea, InnovationType
from ideas.services import add_attachment, submit_idea
from portal.models import Organisation, User
from tests.portal.fuzzing import row_counts, stored_tables
from tests.portal.test_access import (  # noqa: F401  (fixtures)
    ACCESS_TABLE,
    METHOD_NOT_ALLOWED,
    NO_OBJECT,
    POST_TABLE,
    attachment,
    build_url,
    users,
)
from tests.portal.test_fuzz import page_role

# An invitation link is a bearer token (signed, expiring): whoever holds it may open it, of
# whichever organisation, and a bad or foreign-looking token is its own page (404 tested in
# tests/portal/test_people.py).
BEARER = {"token"}
OBJECT_URLS = sorted(
    name
    for name, row in ACCESS_TABLE.items()
    if row.kwargs not in NO_OBJECT | BEARER and (name in POST_TABLE or page_role(row))
)


@pytest.fixture
def other_idea(
    other_organisation: Organisation, other_board_member: User, settings: Settings, tmp_path: Path
) -> Idea:
    """The other organisation's idea, with an attachment like ours."""
    settings.MEDIA_ROOT = tmp_path
    unit = other_organisation.units.create(name="Lunner helse")
    kind = InnovationType.objects.filter(organisation=other_organisation).first()
    assert kind is not None
    idea = submit_idea(
        organisation=other_organisation,
        submitter=other_board_member,
        title="Lunner-idé",
        question="Hvordan kan vi gjøre det bedre i Lunner?",
        need="Et behov i Lunner.",
        innovation_type=kind,
        unit=unit,
        notify_board=False,
    )
    upload = SimpleUploadedFile("lunner.pdf", b"%PDF-1.4\n%%EOF\n")
    add_attachment(idea=idea, uploaded_by=other_board_member, upload=upload)
    return idea


def beyond_every_id() -> int:
    """A number no primary key in the database has reached: max(id) + 1000."""
    highest = 0
    for model in apps.get_models():
        if model._meta.pk is not None and model._meta.pk.get_internal_type().endswith(
            ("AutoField", "IntegerField")
        ):
            found = model._default_manager.aggregate(m=Max("pk"))["m"]
            highest = max(highest, found or 0)
    return highest + 1000


def variants(
    name: str, own: dict[str, object], theirs: dict[str, object], missing: int
) -> dict[str, str]:
    """The URLs to try, by what they hold."""
    urls: dict[str, str] = {"all theirs": reverse(name, kwargs=theirs)}
    for key in own:
        if theirs[key] != own[key]:
            urls[f"their {key}"] = reverse(name, kwargs={**own, key: theirs[key]})
        if isinstance(own[key], int):
            urls[f"{key} that does not exist"] = reverse(name, kwargs={**own, key: missing})
    own_url = reverse(name, kwargs=own)
    return {why: url for why, url in urls.items() if url != own_url}


@pytest.mark.usefixtures("attachment")
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_another_organisations_ids_and_missing_ids_are_404(
    name: str,
    users: dict[str, User],  # noqa: F811
    idea: Idea,
    other_idea: Idea,
    client_for: Callable[[User | None], Client],
) -> None:
    row = ACCESS_TABLE[name]
    post_only = name in POST_TABLE
    role = POST_TABLE[name].allowed if post_only else page_role(row)
    assert role is not None and role != "anonymous"
    client = client_for(users[role])
    own = resolve(build_url(name, row, idea)).kwargs
    theirs = resolve(build_url(name, row, other_idea)).kwargs
    data = POST_TABLE[name].data(idea) if post_only else {}
    tables = stored_tables()
    failures: dict[str, int] = {}
    posted: dict[str, int] = {}
    tried = variants(name, own, theirs, beyond_every_id())
    assert tried, f"{name}: no URL of another organisation or missing id to try"
    for why, url in tried.items():
        got = client.get(url).status_code
        if got != (METHOD_NOT_ALLOWED if post_only else 404):
            failures[f"GET {url} ({why})"] = got
        before = row_counts(tables)
        posted[f"POST {url} ({why})"] = got = client.post(url, data).status_code
        if row_counts(tables) != before:
            failures[f"POST {url} ({why}) stored"] = got
    # A URL that takes no POST at all answers 405 before any lookup, for our own id too.
    refused = {404, client.post(reverse(name, kwargs=own), data).status_code} & {404, 405}
    failures.update({what: got for what, got in posted.items() if got not in refused})
    assert not failures, f"{name} as {role}: {failures}"
