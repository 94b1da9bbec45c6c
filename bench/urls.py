"""The project's URLconf plus the benchmark's floor view (`bench.floor`), for
`python -m bench dashboard` and `board` only: the app itself never mounts it."""

from __future__ import annotations

from django.urls import path

from bench.board_floor import board_floor_view
from bench.floor import floor_view
from portal.urls import urlpatterns as project_urlpatterns

FLOOR_PATH = "/bench/gulv/"
BOARD_FLOOR_PATH = "/bench/gulv/tavle/"

urlpatterns = [
    *project_urlpatterns,
    path(FLOOR_PATH.strip("/") + "/", floor_view, name="bench_floor"),
    path(BOARD_FLOOR_PATH.strip("/") + "/", board_floor_view, name="bench_board_floor"),
]
