from __future__ import annotations

from maturity.views import (
    assessments,
    dashboard,
    kpis,
    measures,
    model,
    picker,
    reports,
    strategy,
)

app_name = "maturity"

# Under /strategi/. Each module owns its own patterns.
urlpatterns = [
    *strategy.urlpatterns,  # the staff page «Strategien og hvor vi står»
    *dashboard.urlpatterns,  # the leaders' dashboard
    *kpis.urlpatterns,  # KPI definitions, hand-entered values, CSV/XLSX export
    *measures.urlpatterns,  # strategic measures and their progress notes
    *model.urlpatterns,  # the staircase model: levels, periods, dimensions, criteria
    *assessments.urlpatterns,  # the yearly assessment and the agreed level
    *reports.urlpatterns,  # the yearly report for kommunestyret: request, progress, downloads
    *picker.urlpatterns,  # the initiative picker's search, for the forms that link initiatives
]
