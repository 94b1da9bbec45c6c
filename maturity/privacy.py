"""What the strategy holds about a person, for their download (portal.privacy): the
measures they own, their progress notes, the KPI values they entered and their answers in
the yearly assessment. An erasure needs nothing here: these rows name the person by key."""

from __future__ import annotations

from typing import Any

from maturity.models import DimensionAnswer, KpiValue, MeasureNote, StrategicMeasure
from portal.models import Organisation, User


def export(user: User, organisation: Organisation) -> dict[str, Any]:
    """Four queries, however many rows."""
    return {
        "tiltak": [
            {"tiltak": m.text, "status": m.get_status_display()}
            for m in StrategicMeasure.objects.filter(
                organisation=organisation, owner=user
            ).order_by("pk")
        ],
        "fremdriftsnotater": [
            {"tiltak": n.measure.text, "tekst": n.text, "skrevet": n.created_at.isoformat()}
            for n in MeasureNote.objects.filter(measure__organisation=organisation, author=user)
            .select_related("measure")
            .order_by("created_at", "pk")
        ],
        "nøkkeltall": [
            {"nøkkeltall": v.kpi.name, "år": v.year, "verdi": str(v.value), "kilde": v.source}
            for v in KpiValue.objects.filter(kpi__organisation=organisation, recorded_by=user)
            .select_related("kpi")
            .order_by("kpi", "year")
        ],
        "modenhetsvurderinger": [
            {
                "år": a.assessment.year,
                "dimensjon": a.dimension.name,
                "nivå": a.level.name,
                "begrunnelse": a.comment,
            }
            for a in DimensionAnswer.objects.filter(
                assessment__organisation=organisation, respondent=user
            )
            .select_related("assessment", "dimension", "level")
            .order_by("assessment__year", "pk")
        ],
    }
