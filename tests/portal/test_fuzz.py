"""Hostile input to every form and htmx endpoint, found by walking the access table.

For each page of tests/portal/test_access.py's ACCESS_TABLE (with its objects, so every
URL gets valid ids) the role that may use it opens the page; every `<form>`, every element
with `hx-get`/`hx-post`/… and every link with a query string on it is then sent
Hypothesis-generated values for the same fields (tests/portal/fuzzing.py reads them from
the HTML). The POST-only URLs of POST_TABLE are fuzzed with the fields POST_TABLE names.
A new URL is covered as soon as it is in the access table (which a test requires), and a
new form or field as soon as a page shows it.

Every answer: no exception and no 5xx; no user text unescaped, no `javascript:`/`data:`
link; a refusal (4xx, a form with errors, a redirect with an error message) leaves every
table's row count as it was; a redirect leads to a page that passes the same checks; and
after the run no row of one organisation points at another organisation's object or user.

Profiles: HYPOTHESIS_PROFILE=ci (default; a few examples per form, the same each run) or
nightly (many more, random). Run: pytest tests/portal/test_fuzz.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Model
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideas.models import Idea, InnovationType
from ideas.services import submit_idea
from portal.models import DomainEvent, Organisation, User
from tests.portal.fuzzing import (
    EXE,
    HOSTILE_DATES,
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    XSS,
    Field,
    Form,
    forms_of,
    models_with_organisation,
    row_counts,
    stored_tables,
    unescaped_markers,
    zip_bomb,
)
from tests.portal.test_access import (  # noqa: F401  (fixtures)
    ACCESS_TABLE,
    POST_TABLE,
    Row,
    attachment,
    build_url,
    users,
)

settings.register_profile(
    "ci",
    max_examples=6,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.register_profile(
    "nightly",
    max_examples=100,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

USER_ROLES = ("admin", "board", "leader", "staff")
MAX_FORMS_PER_PAGE = 12  # links with query strings can be many; the first ones stand for them


def page_role(row: Row) -> str | None:
    """The role that may use the page: the widest one that gets it (200)."""
    for role in (*USER_ROLES, "anonymous"):
        if row.expected(role) == 200:
            return role
    return None


# Files (PDFs, exports, downloads) carry no forms: their names end so, by convention.
FILES = re.compile(r"(_pdf|export|_download|_archive)$")
PAGES = sorted(
    n
    for n, row in ACCESS_TABLE.items()
    if n not in POST_TABLE and page_role(row) and not FILES.search(n)
)


# Values -----------------------------------------------------------------------------------

Upload = tuple[str, bytes, str]  # name, content, declared content type
BOMB = zip_bomb()
UPLOADS: list[Upload] = [
    ("plan.pdf", EXE, "application/pdf"),  # an exe that says it is a PDF
    ("plan.exe.pdf", EXE, "application/octet-stream"),
    ("regneark.xlsx", BOMB, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("regneark.xlsx", b"just text, not a workbook", "text/plain"),
    ("notat.pdf", b"%PDF-1.4\n" + b"A" * (10 * 1024 * 1024 + 1), "application/pdf"),  # too big
    ("tom.pdf", b"", "application/pdf"),
    ("../../../etc/passwd", b"root:x:0:0", "text/plain"),
    ("a" * 300 + ".pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ("<script>alert(1)</script>.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ("nul\x00.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ("bilde.png", b"<svg onload=alert(1)>", "image/png"),
    ("ok.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
]

text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=2000),
)
numbers = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
dates = st.one_of(
    st.sampled_from(HOSTILE_DATES),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
)
anything = st.one_of(text, numbers, dates)


def field_values(field: Field, foreign_ids: list[str]) -> st.SearchStrategy[Any]:
    """Values for one field: what the page offers, another organisation's ids, anything."""
    if field.kind == "file":
        return st.sampled_from(UPLOADS)
    typed = {
        "number": numbers,
        "range": numbers,
        "date": dates,
        "datetime-local": dates,
        "month": dates,
        "week": dates,
    }.get(field.kind)
    choices: list[st.SearchStrategy[Any]] = []
    if field.values:
        choices.append(st.sampled_from(field.values))
    if foreign_ids and (field.kind in {"select", "radio", "checkbox", "hidden"} or field.values):
        choices.append(st.sampled_from(foreign_ids))
    if typed is not None:
        choices.append(typed)
    if field.kind in {"text", "textarea", "search"} or "decimal" in field.kind:
        choices.append(numbers)  # the Norwegian number fields are text inputs
    choices.append(anything)
    return st.one_of(*choices)


@st.composite
def form_data(draw: st.DrawFn, form: Form, foreign_ids: list[str]) -> dict[str, Any]:
    """One submission: each field given, left out, or given twice."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        how = draw(st.sampled_from(["value", "value", "value", "missing", "twice"]))
        if how == "missing":
            continue
        values = field_values(field, foreign_ids)
        data[name] = [draw(values), draw(values)] if how == "twice" else draw(values)
    if draw(st.booleans()) and form.fields:  # a field nobody asked for
        data[draw(st.sampled_from(["id", "pk", "organisation", "organisation_id", "is_staff"]))] = (
            draw(st.sampled_from(foreign_ids or ["1"]))
        )
    return data


def _materialise(value: Any) -> Any:
    if isinstance(value, list):
        return [_materialise(v) for v in value]
    if isinstance(value, tuple):
        name, content, content_type = value
        return SimpleUploadedFile(name, content, content_type)
    return value


def _has_file(data: dict[str, Any]) -> bool:
    return any(
        isinstance(v, tuple) or (isinstance(v, list) and any(isinstance(x, tuple) for x in v))
        for v in data.values()
    )


def _flat_text(data: dict[str, Any]) -> dict[str, Any]:
    """Query strings and urlencoded bodies carry no files: their names stand instead."""
    return {
        k: [x[0] if isinstance(x, tuple) else x for x in v]
        if isinstance(v, list)
        else (v[0] if isinstance(v, tuple) else v)
        for k, v in data.items()
    }


# Sending and checking ---------------------------------------------------------------------


@dataclass
class Target:
    """The client of the role that may use the page, and what every answer is checked for."""

    client: Client
    user: User | None
    tables: list[str]

    def relogin(self) -> None:
        """A form may log out (allauth's logout): sign in again for the next example."""
        if self.user is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)

    def send(self, form: Form, data: dict[str, Any], *, encoding: str, htmx: bool) -> Any:
        parts = urlsplit(form.target)
        headers = {"HX-Request": "true"} if htmx else {}
        if form.method == "get":
            query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(parts.query).items()}
            query.update(_flat_text(data))
            return self.client.get(parts.path, query, headers=headers)
        if form.method == "post" and (encoding == "multipart" or _has_file(data)):
            body = {k: _materialise(v) for k, v in data.items()}
            return self.client.post(form.target, body, headers=headers)
        return self.client.generic(
            form.method.upper(),
            form.target,
            urlencode(_flat_text(data), doseq=True),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )

    def check(self, form: Form, data: dict[str, Any], *, encoding: str, htmx: bool) -> None:
        self.relogin()
        before = row_counts(self.tables)
        response = self.send(form, data, encoding=encoding, htmx=htmx)
        where = f"{form.method.upper()} {form.target} {_flat_text(data)!r:.2000}"
        body = _body(response)
        # The access table's Entra ID app points at an address where nothing listens: its
        # login answers «Microsoft svarer ikke» (503), the page made for that, not an error.
        unreachable = response.status_code == 503 and b"kontakt med Microsoft" in body
        assert response.status_code < 500 or unreachable, f"{response.status_code} from {where}"
        assert not unescaped_markers(body), f"unescaped {unescaped_markers(body)} in {where}"
        if form.method != "get" and _refused(response, body):
            after = row_counts(self.tables)
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, f"refused ({response.status_code}) but stored {changed}: {where}"
        location = response.get("Location", "") if response.status_code in {301, 302, 303} else ""
        if location.startswith("/") and not location.startswith(reverse("account_login")):
            self.relogin()
            followed = self.client.get(location)
            assert followed.status_code < 500, f"{followed.status_code} from {location}"
            followed_body = _body(followed)
            assert not unescaped_markers(followed_body), (
                f"unescaped {unescaped_markers(followed_body)} at {location} after {where}"
            )


def _body(response: Any) -> bytes:
    if not response.get("Content-Type", "").startswith("text/html"):
        return b""
    return bytes(response.getvalue())


def _refused(response: Any, body: bytes) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and (
        b"ds-validation-message" in body or b"ds-error-summary" in body
    ):
        return True
    stored = messages.get_messages(response.wsgi_request)
    return response.status_code in {301, 302, 303} and any(
        m.level == messages.ERROR for m in stored
    )


def fuzz(target: Target, form: Form, foreign_ids: list[str]) -> None:
    # A page's dozens of same-shaped links share one run; a form with fields gets its own.
    @given(
        data=form_data(form, foreign_ids),
        encoding=st.sampled_from(["multipart", "urlencoded"]),
        htmx=st.just(True) if form.htmx else st.booleans(),
    )
    def run(data: dict[str, Any], encoding: str, htmx: bool) -> None:
        target.check(form, data, encoding=encoding, htmx=htmx)

    run()


@pytest.fixture
def other_idea(other_organisation: Organisation, other_board_member: User) -> Idea:
    """An idea of the other organisation, so its idea ids are among the foreign ones."""
    unit = other_organisation.units.create(name="Lunner helse")
    kind = InnovationType.objects.filter(organisation=other_organisation).first()
    assert kind is not None
    return submit_idea(
        organisation=other_organisation,
        submitter=other_board_member,
        title="Lunner-idé",
        question="Hvordan kan vi gjøre det bedre i Lunner?",
        need="Et behov i Lunner.",
        innovation_type=kind,
        unit=unit,
        notify_board=False,
    )


def foreign_ids(organisation: Organisation) -> list[str]:
    """The primary keys of every object of another organisation, and of its members."""
    ids: set[int] = set()
    for model in models_with_organisation():
        if model is DomainEvent:
            continue
        ids.update(
            model._default_manager.filter(organisation=organisation).values_list("pk", flat=True)
        )
    ids.update(
        get_user_model()
        .objects.filter(memberships__organisation=organisation)
        .values_list("pk", flat=True)
    )
    return [str(i) for i in sorted(ids)]


def cross_organisation_links() -> dict[str, int]:
    """Rows of one organisation that point at another organisation's object or user."""
    scoped = set(models_with_organisation())
    user_model = get_user_model()
    found: dict[str, int] = {}
    for model in scoped:
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.name == "organisation":
                continue
            related = field.related_model
            label = f"{model._meta.label}.{field.name}"
            manager = model._default_manager
            if field.many_to_many and related in scoped:
                through = field.remote_field.through  # type: ignore[union-attr]
                source, target = _through_names(through, model, related)
                count = through._default_manager.exclude(
                    **{f"{source}__organisation": F(f"{target}__organisation")}
                ).count()
            elif field.many_to_one and related in scoped:
                count = (
                    manager.filter(**{f"{field.name}__isnull": False})
                    .exclude(**{f"{field.name}__organisation": F("organisation")})
                    .count()
                )
            elif field.many_to_one and related is user_model and model is not DomainEvent:
                count = (
                    manager.filter(**{f"{field.name}__isnull": False})
                    .exclude(**{f"{field.name}__memberships__organisation": F("organisation")})
                    .count()
                )
            else:
                continue
            if count:
                found[label] = count
    return found


def _through_names(
    through: type[Model], model: type[Model], related: type[Model]
) -> tuple[str, str]:
    fields = [f for f in through._meta.get_fields() if f.many_to_one]
    source = next(f.name for f in fields if f.related_model is model)
    target = next(f.name for f in fields if f.related_model is related and f.name != source)
    return source, target


FUZZED: set[tuple[str, str, tuple[str, ...]]] = set()


def _first_time(form: Form) -> bool:
    """A form of base.html (logout) or the same filter on two pages is fuzzed once a run."""
    key = (form.method, resolve(urlsplit(form.target).path).view_name, tuple(sorted(form.fields)))
    if key in FUZZED:
        return False
    FUZZED.add(key)
    return True


def _url_of_app(path: str) -> bool:
    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


MALFORMED_BODIES: list[tuple[bytes, str]] = [
    (b"garbage", "multipart/form-data"),  # no boundary
    (b"garbage", "multipart/form-data; boundary=xyz"),
    (
        b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc',
        "multipart/form-data; boundary=xyz",
    ),  # truncated
    (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF',
        "multipart/form-data; boundary=xyz",
    ),
    (
        b"--xyz\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--xyz--\r\n",
        "multipart/form-data; boundary=xyz",
    ),  # no name
    (b"--" + b"x" * 80 + b"\r\n", "multipart/form-data; boundary=" + "x" * 80),  # boundary too long
    (b"title=%FF%FE%00&need=\xff\xfe", "application/x-www-form-urlencoded"),  # not UTF-8
    (b"a=" + b"&a=" * 5000, "application/x-www-form-urlencoded"),  # too many fields
    (b'{"title": "<script>"}', "application/json"),
    (b"\x00" * 1000, "application/octet-stream"),
]


def send_malformed(target: Target, url: str) -> None:
    """Bodies no browser sends: refused (or ignored) without a 500 and without a row."""
    for body, content_type in MALFORMED_BODIES:
        target.relogin()
        before = row_counts(target.tables)
        response = target.client.generic("POST", url, body, content_type=content_type)
        unreachable = response.status_code == 503 and b"kontakt med Microsoft" in _body(response)
        assert response.status_code < 500 or unreachable, (
            f"{response.status_code}: POST {url} {content_type}"
        )
        if _refused(response, _body(response)):
            assert row_counts(target.tables) == before, f"POST {url} {content_type}: stored"


# The tests --------------------------------------------------------------------------------


@pytest.mark.usefixtures("attachment")
@pytest.mark.parametrize("name", PAGES)
def test_every_form_on_the_page_survives_hostile_input(
    name: str,
    users: dict[str, User],  # noqa: F811
    idea: Idea,
    other_idea: Idea,
    client_for: Callable[[User | None], Client],
) -> None:
    row = ACCESS_TABLE[name]
    role = page_role(row)
    assert role is not None
    user = users.get(role)
    url = build_url(name, row, idea)
    client = client_for(user)
    response = client.get(url)
    assert response.status_code == 200, f"{name} {url}: {response.status_code}"
    body = _body(response)
    assert not unescaped_markers(body)
    forms = [f for f in forms_of(body.decode(), url) if _url_of_app(f.target)]
    with_fields = [f for f in forms if f.fields and _first_time(f)][:MAX_FORMS_PER_PAGE]
    if os.environ.get("NYTTIG_FUZZ_REPORT"):  # which forms a page offers, for a human
        for form in with_fields:
            print(f"FORM {name}: {form.method} {form.target} {sorted(form.fields)}")
    target = Target(client=client, user=user, tables=stored_tables())
    ids = foreign_ids(other_idea.organisation)
    for form in with_fields:
        fuzz(target, form, ids)
    for post_url in sorted({url} | {f.target for f in forms if f.method != "get"}):
        send_malformed(target, post_url)
    assert cross_organisation_links() == {}


@pytest.mark.usefixtures("attachment")
@pytest.mark.parametrize("name", sorted(POST_TABLE))
def test_every_post_only_url_survives_hostile_input(
    name: str,
    users: dict[str, User],  # noqa: F811
    idea: Idea,
    other_idea: Idea,
    client_for: Callable[[User | None], Client],
) -> None:
    post = POST_TABLE[name]
    user = users[post.allowed]
    url = build_url(name, ACCESS_TABLE[name], idea)
    fields = {
        key: Field(
            key,
            "file" if hasattr(value, "read") else "text",
            [] if hasattr(value, "read") else [str(value)],
        )
        for key, value in post.data(idea).items()
    }
    fields.setdefault("versjon", Field("versjon", "hidden", ["1"]))
    form = Form(method="post", target=url, multipart=True, fields=fields)
    target = Target(client=client_for(user), user=user, tables=stored_tables())
    fuzz(target, form, foreign_ids(other_idea.organisation))
    send_malformed(target, url)
    assert cross_organisation_links() == {}


# Stored text on output --------------------------------------------------------------------


def _create_form(client: Client) -> tuple[Form, dict[str, Any]]:
    url = reverse("ideas:create")
    page = client.get(url)
    form = next(
        f
        for f in forms_of(page.content.decode(), url)
        if f.method == "post" and "title" in f.fields
    )
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.kind in {"select", "radio"}:
            data[name] = next((v for v in field.values if v), "")
        elif field.kind in {"hidden", "submit", "button"} and field.values:
            data[name] = field.values[0]
    return form, data


@pytest.mark.usefixtures("unit")
def test_an_idea_with_script_is_escaped_on_its_page_and_in_the_lists(
    alice: User, bob: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    form, data = _create_form(client)
    data.update(
        title=XSS,
        question=f"Hvordan kan vi {XSS}?",
        need='"><img src=x onerror=alert(1)> {{ request.user.password }}',
        tags_text="<b>fet</b>, {% debug %}",
    )
    response = client.post(form.target, data)
    assert response.status_code == 302, response.context["form"].errors
    idea = Idea.objects.get(title=XSS)
    pages = [
        client.get(reverse("ideas:detail", args=[idea.pk])),
        client.get(reverse("ideas:list")),
        client.get(reverse("ideas:mine")),
        client.get(reverse("ideas:list"), {"q": "script"}, headers={"HX-Request": "true"}),
        client_for(bob).get(reverse("portfolio:triage")),
        client_for(bob).get(reverse("portfolio:triage_idea", args=[idea.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        body = _body(page)
        assert b"&lt;script&gt;alert(" in body, page.wsgi_request.path
        assert not unescaped_markers(body), page.wsgi_request.path
        assert b"<b>fet</b>" not in body


def test_links_in_user_text_are_only_http(
    idea: Idea, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(alice)
    body = (
        "Se https://example.org/a og www.example.org/b, ikke javascript:alert(1), "
        "JAVASCRIPT:alert(2) eller data:text/html;base64,PHNjcmlwdD4= eller "
        'vbscript:msgbox(1) eller <a href="javascript:alert(3)">klikk</a> eller '
        'https://example.org/"onmouseover="alert(4)'
    )
    response = client.post(reverse("ideas:comment_add", args=[idea.pk]), {"body": body})
    assert response.status_code in {200, 302}
    page = _body(client.get(reverse("ideas:detail", args=[idea.pk])))
    assert not unescaped_markers(page)
    comment = page.split(b"comment__body", 1)[1].split(b"</div>", 1)[0]
    hrefs = [h.decode() for h in _hrefs(comment)]
    assert hrefs, comment
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert b'onmouseover="alert' not in comment


def _hrefs(html: bytes) -> list[bytes]:
    return re.findall(rb'href="([^"]*)"', html)


@pytest.mark.usefixtures("unit")
@pytest.mark.parametrize(
    "link", ["ftp://example.org/losning", "javascript:alert(1)", "data:text/html,x"]
)
def test_the_reused_solutions_link_is_only_http(
    alice: User, link: str, client_for: Callable[[User | None], Client]
) -> None:
    """The link is shown as a link on the idea's page: Django's URLField also takes ftp://."""
    client = client_for(alice)
    form, data = _create_form(client)
    data.update(title="Gjenbruk", question="Hvordan kan vi gjenbruke?", need="Et behov.")
    data.update(reuses_solution="on", reuse_url=link)
    before = Idea.objects.count()
    response = client.post(form.target, data)
    assert response.status_code == 200
    assert response.context["form"].errors["reuse_url"] == [
        "Skriv en gyldig nettadresse, som https://eksempel.no/losning."
    ]
    assert Idea.objects.count() == before
    assert link.encode() in _body(response)  # nothing typed is lost


def test_the_cross_organisation_check_sees_a_planted_link(idea: Idea, other_idea: Idea) -> None:
    """The end-of-run check is not vacuous: an idea filed under another municipality's
    unit, supported by one of its members and tagged with its goal, is found."""
    assert cross_organisation_links() == {}
    Idea.objects.filter(pk=idea.pk).update(unit=other_idea.unit)
    goal = other_idea.organisation.strategic_goals.first()
    assert goal is not None
    idea.strategic_goals.add(goal)
    found = cross_organisation_links()
    assert found["ideas.Idea.unit"] == 1
    assert found["ideas.Idea.strategic_goals"] == 1
