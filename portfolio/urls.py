from __future__ import annotations

from portfolio.views import board, flow, meetings, settings, triage

app_name = "portfolio"

urlpatterns = [
    *board.urlpatterns,
    *triage.urlpatterns,
    *meetings.urlpatterns,
    *settings.urlpatterns,
    *flow.urlpatterns,
]
