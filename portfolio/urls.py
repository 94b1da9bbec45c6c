from __future__ import annotations

from portfolio.views import (
    benefits,
    board,
    flow,
    initiatives,
    meetings,
    overview,
    settings,
    status,
    triage,
)

app_name = "portfolio"

urlpatterns = [
    *board.urlpatterns,
    *triage.urlpatterns,
    *meetings.urlpatterns,
    *settings.urlpatterns,
    *flow.urlpatterns,
    *benefits.urlpatterns,
    *initiatives.urlpatterns,
    *status.urlpatterns,
    *overview.urlpatterns,
]
