"""What the portfolio holds about a person, for their download (portal.privacy): the
initiatives they drive or are on the team of, the benefits they own or answer for, and the
board decisions, status reports and measurements they recorded. An erasure needs nothing
here: these rows name the person by key, and portal replaces copies of the name."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from portal.models import Organisation, User
from portfolio.models import Benefit, Decision, Initiative, Measurement, StatusReport


def export(user: User, organisation: Organisation) -> dict[str, Any]:
    """Five queries, however many rows."""
    initiatives = (
        Initiative.objects.filter(organisation=organisation)
        .filter(Q(owner=user) | Q(team=user))
        .select_related("idea", "phase")
        .distinct()
        .order_by("pk")
    )
    benefits = Benefit.objects.filter(organisation=organisation).filter(
        Q(owner=user) | Q(responsible=user)
    )
    return {
        "initiativer": [
            {
                "tittel": i.idea.title,
                "fase": i.phase.name,
                "pådriver": i.owner_id == user.pk,
            }
            for i in initiatives
        ],
        "gevinster": [
            {
                "beskrivelse": b.description,
                "gevinsteier": b.owner_id == user.pk,
                "gevinstansvarlig": b.responsible_id == user.pk,
            }
            for b in benefits.order_by("pk")
        ],
        "vedtak": [
            {
                "idé": d.idea.title,
                "vedtak": d.get_kind_display(),
                "begrunnelse": d.basis,
                "tidspunkt": d.decided_at.isoformat(),
            }
            for d in Decision.objects.filter(organisation=organisation, decided_by=user)
            .select_related("idea")
            .order_by("decided_at", "pk")
        ],
        "statusrapporter": [
            {"initiativ": r.initiative.idea.title, "gjelder_til": r.period_end.isoformat()}
            for r in StatusReport.objects.filter(
                initiative__organisation=organisation, created_by=user
            )
            .select_related("initiative__idea")
            .order_by("created_at", "pk")
        ],
        "målinger": [
            {
                "indikator": m.indicator.name,
                "dato": m.measured_on.isoformat(),
                "verdi": str(m.value),
                "kommentar": m.comment,
            }
            for m in Measurement.objects.filter(
                indicator__benefit__organisation=organisation, recorded_by=user
            )
            .select_related("indicator")
            .order_by("measured_on", "pk")
        ],
    }
