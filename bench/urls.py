"""The project's URLconf plus the benchmarks' own views, for `python -m bench` only (the app
itself never mounts them): the dashboard's and the board's floors (`bench.floor`,
`bench.board_floor`), the other pages' and actions' (`bench.page_floors`), and the bare
view that is the load test's ceiling: a page behind the
same middleware (session, login, membership, CSP, htmx) that fetches nothing and renders a
line in `base.html`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from bench import page_floors
from bench.board_floor import board_floor_view
from bench.floor import floor_view
from portal.urls import urlpatterns as project_urlpatterns

FLOOR_PATH = "/bench/gulv/"
BOARD_FLOOR_PATH = "/bench/gulv/tavle/"
BARE_PATH = "/bench/bar/"
_BARE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>Nyttig</h1>{% endblock %}'
)


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_BARE.render({}, request))


urlpatterns = [
    *project_urlpatterns,
    path(FLOOR_PATH.strip("/") + "/", floor_view, name="bench_floor"),
    path(BARE_PATH.strip("/") + "/", bare_view, name="bench_bare"),
    path(BOARD_FLOOR_PATH.strip("/") + "/", board_floor_view, name="bench_board_floor"),
    # `python -m bench all`: a floor per page and action (bench.page_floors).
    path("bench/gulv/ideer/", page_floors.idea_list_floor),
    path("bench/gulv/ideer/lignende/", page_floors.similar_floor),
    path("bench/gulv/ideer/<int:pk>/", page_floors.idea_detail_floor),
    path("bench/gulv/flyt/", page_floors.flow_floor),
    path("bench/gulv/gevinster/", page_floors.benefit_overview_floor),
    path("bench/gulv/initiativ/<int:pk>/status/", page_floors.status_floor),
    path("bench/gulv/innboks/", page_floors.triage_floor),
    path("bench/gulv/moter/<int:pk>/", page_floors.meeting_floor),
    path("bench/gulv/initiativ/<int:pk>/flytt/", page_floors.move_floor),
]
