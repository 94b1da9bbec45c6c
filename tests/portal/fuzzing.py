"""What the fuzz tests need besides Hypothesis: the forms a page offers, hostile values for
their fields, and the checks every answer must pass (tests/portal/test_fuzz.py).

Forms are read from the HTML the app serves, so a new page, form, field or htmx attribute
is fuzzed without anyone listing it: `<form>` elements (method, action, enctype and every
named input, select, textarea and button, also those outside the form naming it with
`form="…"`), and elements with `hx-get`/`hx-post`/`hx-put`/`hx-patch`/`hx-delete`, which
send their own name and `hx-vals` and, inside a form, the form's fields.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from django.apps import apps
from django.db import connection
from django.db.models import Model

HX_METHODS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "textarea" or "button"
    values: list[str] = field(default_factory=list)  # the values the page offers


@dataclass
class Form:
    method: str  # "get" or "post" (htmx' put/patch/delete are sent as what they are)
    target: str  # a path of this app, with a query string if the page gave one
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)
    htmx: bool = False  # sent by htmx (with HX-Request), not by the browser

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, self.target, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.open: list[Form] = []  # the <form> being read (forms do not nest)
        self.select: Field | None = None
        self.orphans: list[tuple[str, dict[str, str]]] = []  # fields with form="id"

    def _target(self, url: str | None) -> str:
        return urljoin(self.page, url or "")

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        current = self.open[-1] if self.open else None
        if tag == "form":
            method = attrs.get("method", "get").lower()
            form = Form(
                method=method if method in {"get", "post"} else "get",
                target=self._target(attrs.get("action")),
                multipart="multipart" in attrs.get("enctype", ""),
            )
            self.forms.append(form)
            self.open.append(form)
            if "id" in attrs:
                self.by_id[attrs["id"]] = form
            self._hx(attrs, form)
            return
        if tag == "a" and "?" in attrs.get("href", ""):  # a link with a query is a GET form
            link = Form(method="get", target=self._target(attrs["href"]), multipart=False)
            path, _, query = link.target.partition("?")
            link.target = path
            for name, values in parse_qs(query, keep_blank_values=True).items():
                link.fields[name] = Field(name, "link", values)
            self.forms.append(link)
        if tag == "option" and self.select is not None:
            self.select.values.append(attrs.get("value", ""))
            return
        self._hx(attrs, current)
        if tag not in {"input", "select", "textarea", "button"} or not attrs.get("name"):
            return
        if "form" in attrs:  # belongs to the form of that id, wherever it stands
            self.orphans.append((tag, attrs))
            self.select = None
            return
        if current is None:
            return
        found = _add_field(current, tag, attrs)
        if tag == "select":
            self.select = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.open:
            self.open.pop()
        elif tag == "select":
            self.select = None

    def _hx(self, attrs: dict[str, str], current: Form | None) -> None:
        for attribute in HX_METHODS:
            if attribute not in attrs:
                continue
            verb = attribute.removeprefix("hx-")
            form = Form(
                method=verb,
                target=self._target(attrs[attribute]),
                multipart=current.multipart if current else False,
                htmx=True,
            )
            if current is not None and verb != "get":  # htmx sends the closest form
                form.fields = current.fields  # shared: filled as the parser reads on
            if attrs.get("name"):
                _add_field(form, "input", attrs)
            try:
                values = json.loads(attrs.get("hx-vals", "{}") or "{}")
            except ValueError:
                values = {}
            if isinstance(values, dict):
                for name, value in values.items():
                    form.fields.setdefault(name, Field(name, "hidden")).values.append(str(value))
            self.forms.append(form)


def _add_field(form: Form, tag: str, attrs: dict[str, str]) -> Field:
    kind = tag if tag in {"select", "textarea", "button"} else attrs.get("type", "text").lower()
    found = form.fields.setdefault(attrs["name"], Field(attrs["name"], kind))
    if tag != "select" and "value" in attrs:
        found.values.append(attrs["value"])
    return found


def forms_of(html: str, page: str) -> list[Form]:
    """Every form and htmx request on the page that goes to a path of this app."""
    parser = _FormParser(page)
    parser.feed(html)
    for tag, attrs in parser.orphans:
        owner = parser.by_id.get(attrs["form"])
        if owner is not None:
            _add_field(owner, tag, attrs)
    unique: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    for form in parser.forms:
        parts = urlsplit(form.target)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        unique.setdefault(form.key(), form)
    return list(unique.values())


# Hostile values ---------------------------------------------------------------------------

XSS = "<script>alert('nyttig')</script>"
XSS_ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = [
    XSS,
    XSS_ATTRIBUTE,
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "https://example.org/<script>",
    'www.example.org" onmouseover="alert(1)',
    "{{ request.user.password }}",
    "{% debug %}",
    "{{ settings.SECRET_KEY }}",
    "{% load static %}{% csrf_token %}",
    "${7*7}",
    "'; DROP TABLE ideas_idea; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "%",
    "_",
    "\\",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\r\n",
    "\u202eevil\u202c",
    "\ufeff",
    "\u200b",
    "🎉" * 30,
    "Å" * 1000,
    "x" * 100_000,
    "",
    " ",
]
HOSTILE_NUMBERS = [
    "²",
    "³",
    "¹²",
    "٣",  # Arabic-Indic digits
    "١٢٣",
    "۱۲۳",  # Extended Arabic-Indic
    "१२३",  # Devanagari
    "１２３",  # full width
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "9" * 400,
    "-" + "9" * 40,
    "0" * 50 + "1",
    "1" + "0" * 30,
    "-0",
    "0x10",
    "1_000",
    "1,2,3",
    "1.2.3",
    "1 234,5",
    "kr 12 500,-",
    "−5",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1,5e3",
    "٫٥",
]
HOSTILE_DATES = [
    "2025-02-30",
    "2025-02-29",
    "2024-02-29",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "2025-13-01",
    "2025-00-10",
    "31.02.2025",
    "30.02.2025",
    "1.1.0",
    "2025-1-1",
    "٢٠٢٥-٠١-٠١",
    "-2025-01-01",
    "2025-01-01T25:61",
    "2025-W01",
]


def zip_bomb() -> bytes:
    """An xlsx-named zip that inflates 1,000-fold (40 kB of deflated zeros → 40 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 40_000_000)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 48 + b"PE\0\0" + b"\0" * 64


# Invariants -------------------------------------------------------------------------------

# Tables a request may write to without doing anything the user asked: sessions, and
# allauth's bookkeeping (it records a user's address as an EmailAddress row the first time a
# password-reset key names that user, valid key or not).
IGNORED_TABLES = {"django_session", "account_emailaddress", "account_emailconfirmation"}


def stored_tables() -> list[str]:
    tables = []
    for model in apps.get_models():
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and table not in IGNORED_TABLES:
            tables.append(table)
    return sorted(set(tables))


def row_counts(tables: list[str]) -> dict[str, int]:
    """The number of rows in every table, in one query."""
    quote = connection.ops.quote_name
    selects = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


UNSAFE_HREF = re.compile(
    rb"""<[a-z]+\b[^>]*\b(?:href|src|action|formaction|hx-get|hx-post)\s*=\s*["']?\s*"""
    rb"""(?:javascript|data|vbscript):""",
    re.IGNORECASE,
)


def unescaped_markers(body: bytes) -> list[str]:
    """What in a page shows that user text reached the HTML unescaped."""
    found = []
    if b"<script>alert(" in body:
        found.append("<script>alert(")
    if b"<img src=x onerror" in body:
        found.append("<img src=x onerror")
    if UNSAFE_HREF.search(body):
        found.append(UNSAFE_HREF.search(body).group(0).decode(errors="replace"))  # type: ignore[union-attr]
    for secret in (b"pbkdf2_", b"argon2$"):  # a password hash: user text rendered as a template
        if secret in body:
            found.append(secret.decode())
    return found


def models_with_organisation() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if any(f.name == "organisation" and f.is_relation for f in model._meta.get_fields())
    ]
