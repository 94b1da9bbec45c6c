"""What happens to the strategy, as the names its events are recorded under; each label is
the sentence a history shows (portal.events.describe). Services record them in the
transaction of the change with portal.events.record_event / record_change; the events carry
`name` / `text` / `year` / `level` / `version` where the sentence needs them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import DomainEvent


class MaturityAction(models.TextChoices):
    # The model: levels, periods, dimensions and criteria (administrators).
    LEVEL_UPDATED = "maturity.level_updated", _("%(who)s endret nivået «%(name)s».")
    PERIOD_CREATED = "maturity.period_created", _("%(who)s opprettet perioden %(name)s.")
    PERIOD_UPDATED = "maturity.period_updated", _("%(who)s endret perioden %(name)s.")
    PERIOD_DELETED = "maturity.period_deleted", _("%(who)s slettet perioden %(name)s.")
    DIMENSION_CREATED = (
        "maturity.dimension_created",
        _("%(who)s opprettet dimensjonen «%(name)s»."),
    )
    DIMENSION_UPDATED = "maturity.dimension_updated", _("%(who)s endret dimensjonen «%(name)s».")
    DIMENSION_DELETED = "maturity.dimension_deleted", _("%(who)s slettet dimensjonen «%(name)s».")
    CRITERION_CREATED = "maturity.criterion_created", _("%(who)s la til kriteriet «%(text)s».")
    CRITERION_UPDATED = "maturity.criterion_updated", _("%(who)s endret kriteriet «%(text)s».")
    CRITERION_DELETED = "maturity.criterion_deleted", _("%(who)s fjernet kriteriet «%(text)s».")
    # Strategic measures.
    MEASURE_CREATED = "measure.created", _("%(who)s opprettet tiltaket «%(text)s».")
    MEASURE_UPDATED = "measure.updated", _("%(who)s endret tiltaket «%(text)s».")
    MEASURE_DELETED = "measure.deleted", _("%(who)s slettet tiltaket «%(text)s».")
    MEASURE_NOTE_ADDED = (
        "measure.note_added",
        _("%(who)s skrev et fremdriftsnotat på tiltaket «%(text)s»."),
    )
    # KPIs and their hand-entered values.
    KPI_CREATED = "kpi.created", _("%(who)s opprettet nøkkeltallet «%(name)s».")
    KPI_UPDATED = "kpi.updated", _("%(who)s endret nøkkeltallet «%(name)s».")
    KPI_DELETED = "kpi.deleted", _("%(who)s slettet nøkkeltallet «%(name)s».")
    KPI_VALUE_RECORDED = (
        "kpi.value_recorded",
        _("%(who)s registrerte verdien for «%(name)s» for %(year)s."),
    )
    KPI_VALUE_UPDATED = (
        "kpi.value_updated",
        _("%(who)s endret verdien for «%(name)s» for %(year)s."),
    )
    # The yearly assessment.
    ASSESSMENT_OPENED = (
        "assessment.opened",
        _("%(who)s startet modenhetsvurderingen for %(year)s."),
    )
    ANSWER_SAVED = (
        "assessment.answer_saved",
        _("%(who)s svarte for dimensjonen «%(name)s» i vurderingen for %(year)s."),
    )
    LEVEL_AGREED = (
        "assessment.level_agreed",
        _("%(who)s registrerte omforent nivå %(level)s for %(year)s."),
    )
    LEVEL_REVISED = (
        "assessment.level_revised",
        _("%(who)s endret omforent nivå for %(year)s til %(level)s (versjon %(version)s)."),
    )
    # The yearly strategy report for kommunestyret (made in the background).
    REPORT_REQUESTED = (
        "report.requested",
        _("%(who)s bestilte strategirapporten for %(year)s (versjon %(version)s)."),
    )
    REPORT_STARTED = (
        "report.started",
        _("%(who)s begynte å lage strategirapporten for %(year)s (versjon %(version)s)."),
    )
    REPORT_DONE = (
        "report.done",
        _("%(who)s ferdigstilte strategirapporten for %(year)s (versjon %(version)s)."),
    )
    REPORT_FAILED = (
        "report.failed",
        _("Strategirapporten for %(year)s (versjon %(version)s) kunne ikke lages."),
    )
    REPORT_RETRIED = (
        "report.retried",
        _("%(who)s prøvde strategirapporten for %(year)s (versjon %(version)s) igjen."),
    )


def placeholders(event: DomainEvent, context: dict[str, Any]) -> dict[str, Any]:
    """Names, texts, years and levels as the event holds them (after, else before)."""

    def pick(key: str) -> str:
        return str(event.after.get(key) or event.before.get(key) or "")

    return {key: pick(key) for key in ("name", "text", "year", "level", "version")}
