"""The load test's users (locust), run by `python -m bench load` (see bench/README.md).

A realistic mix for one busy municipality and a few others: staff browse, filter and search
the ideas, open them, submit, comment and support; the board moves cards on the board and
decides in the inbox; leaders open the dashboard and, now and then, request the council
report. Every user is a person of the bench seed, with a session made beforehand.

`LOAD_USERS` names a JSON file of {"staff": [{"email", "session"}, …], "board": …, "leader": …};
`LOAD_MODE=bare` runs only the bare view (the ceiling of the same server) instead.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from typing import Any

from locust import FastHttpUser, between, constant, task
from requests.cookies import create_cookie

with open(os.environ["LOAD_USERS"], encoding="utf-8") as file:
    PEOPLE: dict[str, list[dict[str, str]]] = json.load(file)
# The plain-http names (HTTPS=false in the load test's server).
CSRF_COOKIE = "nyttig-csrf"
SESSION_COOKIE = "nyttig-sesjon"
_turns = {role: itertools.count() for role in PEOPLE}
_lock = threading.Lock()

IDEA_LINK = re.compile(r'href="/ideer/(\d+)/"')
INBOX_LINK = re.compile(r'href="/portefolje/ideer/(\d+)/behandle/"')
VERSION = re.compile(r'name="versjon" value="(\d+)"')
MOVE_FORM = re.compile(
    r'action="/portefolje/initiativ/(\d+)/flytt/".*?name="versjon" value="(\d+)"'
    r'.*?<select[^>]*name="fase">(.*?)</select>',
    re.S,
)
OPTION = re.compile(r'<option value="(\d+)"(?! selected)')
SELECT = re.compile(r'<select[^>]*name="(innovation_type|unit)"[^>]*>(.*?)</select>', re.S)
SEARCH_WORDS = ["tjeneste", "digital", "velferdsteknologi", "skole", "sensor", "frivillig"]


class Member(FastHttpUser):
    """geventhttpclient rather than requests: the load generator shares the two cores with
    the server, and FastHttpUser costs a fraction of HttpUser's CPU per request."""

    abstract = True
    role = "staff"
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        with _lock:
            people = PEOPLE[self.role]
            person = people[next(_turns[self.role]) % len(people)]
        # Logged in beforehand (bench.load makes the sessions): a login is a deliberately
        # slow password hash, and a crowd logging in at once measures PBKDF2, not the pages.
        self.email = person["email"]
        self.client.cookiejar.set_cookie(
            create_cookie(SESSION_COOKIE, person["session"], domain="127.0.0.1")
        )
        self.ideas: list[str] = []
        self.client.get("/", name="home")  # also gives the CSRF cookie

    def page(self, path: str, name: str) -> str:
        return self.client.get(path, name=name).text or ""

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        token = next((c.value for c in self.client.cookiejar if c.name == CSRF_COOKIE), "")
        headers = {"X-CSRFToken": token, **kwargs.pop("headers", {})}
        return self.client.post(path, data=data, headers=headers, **kwargs)

    def remember_ideas(self, html: str) -> None:
        found = IDEA_LINK.findall(html)
        if found:
            self.ideas = found[:40]

    def some_idea(self) -> str | None:
        return random.choice(self.ideas) if self.ideas else None


class Staff(Member):
    role = "staff"
    weight = 7

    @task(6)
    def browse(self) -> None:
        page = random.choice(["", "?side=2", "?sort=stotte", "?sort=kommentarer"])
        self.remember_ideas(self.page(f"/ideer/{page}", "ideas: list"))

    @task(3)
    def filter_ideas(self) -> None:
        query = random.choice(["?status=submitted", "?type=service", "?mine=on", "?type=process"])
        self.client.get(f"/ideer/{query}", name="ideas: filtered list")

    @task(3)
    def search(self) -> None:
        word = random.choice(SEARCH_WORDS)
        self.client.get(f"/ideer/?q={word}", name="ideas: search")

    @task(6)
    def open_idea(self) -> None:
        if pk := self.some_idea():
            self.client.get(f"/ideer/{pk}/", name="ideas: detail")

    @task(1)
    def submit(self) -> None:
        form = self.page("/ideer/ny/", "ideas: new form")
        choices = {name: OPTION.findall(body) for name, body in SELECT.findall(form)}
        if not choices.get("innovation_type") or not choices.get("unit"):
            return
        self.post(
            "/ideer/ny/",
            {
                "title": f"Lasttest {random.randrange(10**9)}",
                "question": "Hvordan kan vi gjøre hverdagen enklere for innbyggerne?",
                "need": "Et behov meldt under lasttesten.",
                "innovation_type": random.choice(choices["innovation_type"]),
                "unit": random.choice(choices["unit"]),
                "handling": "send",
            },
            name="ideas: submit",
        )

    @task(2)
    def comment(self) -> None:
        if pk := self.some_idea():
            self.post(f"/ideer/{pk}/kommentarer/", {"body": "Godt forslag!"}, name="ideas: comment")

    @task(2)
    def support(self) -> None:
        if pk := self.some_idea():
            self.post(
                f"/ideer/{pk}/stott/",
                {"valgt": random.choice(["ja", "nei"])},
                name="ideas: support",
                headers={"HX-Request": "true"},
            )


class Board(Member):
    role = "board"
    weight = 2

    @task(4)
    def board(self) -> None:
        html = self.page("/portefolje/", "board")
        forms = MOVE_FORM.findall(html)
        if not forms:
            return
        pk, version, options = random.choice(forms)
        targets = OPTION.findall(options)
        if targets:
            self.post(
                f"/portefolje/initiativ/{pk}/flytt/",
                {"fase": random.choice(targets), "versjon": version},
                name="board: move (htmx)",
                headers={"HX-Request": "true"},
            )

    @task(2)
    def decide(self) -> None:
        inbox = self.page("/portefolje/innboks/", "inbox")
        waiting = INBOX_LINK.findall(inbox)
        if not waiting:
            return
        pk = random.choice(waiting[:20])
        page = self.page(f"/portefolje/ideer/{pk}/behandle/", "inbox: idea")
        if version := VERSION.search(page):
            self.post(
                f"/portefolje/ideer/{pk}/behandle/",
                {
                    "handling": "reject",
                    "basis": "Avslått i lasttesten.",
                    "case_number": "",
                    "versjon": version[1],
                },
                name="inbox: decide",
            )


class Leader(Member):
    role = "leader"
    weight = 1

    @task(40)
    def dashboard(self) -> None:
        year = random.choice(["", "?ar=2025", "?ar=2024"])
        self.client.get(f"/strategi/ledelse/{year}", name="leaders' dashboard")

    @task(20)
    def flow(self) -> None:
        self.client.get("/portefolje/flyt/", name="flow")

    @task(1)  # rare: a municipality asks for its council report a few times a year
    def request_report(self) -> None:
        self.post("/strategi/rapporter/bestill/", {"year": "2025"}, name="report: request")


class BareStaff(Member):
    """The ceiling: the bare view behind the same middleware, for the same logged-in users."""

    role = "staff"
    wait_time = constant(0)  # as fast as the server answers: the ceiling, not a person

    @task
    def bare(self) -> None:
        self.client.get("/bench/bar/", name="bare view")


if os.environ.get("LOAD_MODE") == "bare":
    del Staff, Board, Leader
else:
    del BareStaff
