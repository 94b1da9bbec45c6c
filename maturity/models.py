"""The maturity staircase (modenhetstrappen) 2025–2029: the municipality's own model of where
it stands, the strategic measures of each period, the KPIs that follow them up and the yearly
assessment the leader group agrees on.

Everything here is data the administrator may edit without code: the seeded Nittedal strategy
is a starting point, not a rule. Initiatives carry the municipality's role in them as a level
*number* (`portfolio.Initiative.role`), so renaming a level here renames it on the board too.
"""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation
from portfolio.models import Initiative


class MaturityLevel(models.Model):
    """A step on the staircase: Vente å se → Bidragsyter → Initiativtaker → Innovasjonspartner."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="maturity_levels"
    )
    level = models.PositiveSmallIntegerField(_("nivå"))
    name = models.CharField(_("navn"), max_length=100)
    stance = models.CharField(_("holdning"), max_length=300)
    description = models.TextField(_("beskrivelse"), max_length=4000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("modenhetsnivå")
        verbose_name_plural = _("modenhetsnivåer")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "level"], name="maturitylevel_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="maturitylevel_one_to_four"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class StrategyPeriod(models.Model):
    """A period of the strategy (2025, 2026–27, 2027–28, 2029) with the level it aims for.

    Periods may overlap by a year (2026–27 and 2027–28): a year's target is the one of the
    period that ends first among those containing it, and the next target is the following
    period's (see `maturity.selectors.staircase.targets_for`).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategy_periods"
    )
    start_year = models.PositiveSmallIntegerField(_("fra år"))
    end_year = models.PositiveSmallIntegerField(_("til år"))
    target_level = models.ForeignKey(
        MaturityLevel,
        on_delete=models.PROTECT,
        related_name="periods",
        verbose_name=_("målnivå"),
    )
    description = models.TextField(_("beskrivelse"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("strategiperiode")
        verbose_name_plural = _("strategiperioder")
        ordering = ["start_year", "end_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "start_year", "end_year"], name="strategyperiod_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="strategyperiod_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """«2025» or «2026–27»: the way the strategy names its periods."""
        if self.start_year == self.end_year:
            return str(self.start_year)
        if self.start_year // 100 == self.end_year // 100:
            return f"{self.start_year}–{self.end_year % 100:02d}"
        return f"{self.start_year}–{self.end_year}"

    def contains(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class MaturityDimension(models.Model):
    """A dimension of maturity (for example «Porteføljestyring»), with criteria per level."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="maturity_dimensions"
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=100)
    description = models.TextField(_("beskrivelse"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("i bruk"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("modenhetsdimensjon")
        verbose_name_plural = _("modenhetsdimensjoner")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="maturitydimension_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceKind(models.TextChoices):
    """What a criterion needs as evidence that the practice is real."""

    DOCUMENT = "document", _("Dokument eller lenke")
    DECISION = "decision", _("Vedtak med saksnummer")
    INITIATIVE = "initiative", _("Initiativ i porteføljen")
    KPI = "kpi", _("Verdi for en indikator")


class MaturityCriterion(models.Model):
    """An observable practice that shows a dimension has reached a level, and the evidence it
    needs. Leaders tick it in the yearly assessment."""

    dimension = models.ForeignKey(
        MaturityDimension, on_delete=models.CASCADE, related_name="criteria"
    )
    level = models.ForeignKey(
        MaturityLevel, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("nivå")
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    practice = models.CharField(_("praksis"), max_length=300)
    evidence = models.CharField(_("dokumentasjon"), max_length=12, choices=EvidenceKind.choices)
    guidance = models.CharField(_("hva som teller som dokumentasjon"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")
        ordering = ["dimension__order", "dimension_id", "level__level", "order", "id"]

    def __str__(self) -> str:
        return self.practice


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ikke startet")
    IN_PROGRESS = "in_progress", _("Pågår")
    DONE = "done", _("Fullført")
    DELAYED = "delayed", _("Forsinket")


class StrategicMeasure(models.Model):
    """A strategic measure (strategisk tiltak) of a period, as the strategy lists it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategic_measures"
    )
    period = models.ForeignKey(
        StrategyPeriod,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("periode"),
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    text = models.CharField(_("tiltak"), max_length=300)
    description = models.TextField(_("beskrivelse"), max_length=4000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategic_measures",
        verbose_name=_("ansvarlig"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MeasureStatus.choices,
        default=MeasureStatus.NOT_STARTED,
    )
    due_date = models.DateField(_("frist"), null=True, blank=True)
    initiatives = models.ManyToManyField(
        Initiative,
        blank=True,
        related_name="strategic_measures",
        verbose_name=_("initiativer som bidrar"),
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("strategisk tiltak")
        verbose_name_plural = _("strategiske tiltak")
        ordering = ["period__start_year", "period__end_year", "order", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_date"])]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its due date and not done (a delayed measure with no date is not overdue)."""
        day = today or timezone.localdate()
        return (
            self.due_date is not None and self.status != MeasureStatus.DONE and self.due_date < day
        )

    @property
    def note_count(self) -> int:
        """The number of progress notes: annotated by maturity.selectors.measures, else counted."""
        annotated: int | None = getattr(self, "annotated_note_count", None)
        return self.notes.count() if annotated is None else annotated

    @property
    def latest_note(self) -> MeasureNote | None:
        """The newest progress note: prefetched by maturity.selectors.measures, else fetched."""
        prefetched: list[MeasureNote] | None = getattr(self, "latest_notes", None)
        if prefetched is None:
            return self.notes.select_related("author").first()
        return prefetched[0] if prefetched else None


class MeasureNote(models.Model):
    """A progress note on a measure: who wrote what, when, and the status it set."""

    measure = models.ForeignKey(StrategicMeasure, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("fremdrift"), max_length=4000)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fremdriftsnotat")
        verbose_name_plural = _("fremdriftsnotater")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.created_at:%Y-%m-%d}"


class KpiUnit(models.TextChoices):
    PERCENT = "percent", _("prosent")
    COUNT = "count", _("antall")
    HOURS = "hours", _("timer")
    FTE = "fte", _("årsverk")
    NOK = "nok", _("kroner")
    DAYS = "days", _("dager")


class Kpi(models.Model):
    """A key figure (KPI) the strategy follows up, for a period or a measure, with a target.

    `metric` names a computed KPI (`maturity.selectors.kpis.METRICS`): its yearly values come
    from the portfolio. A KPI without one is entered by hand (`KpiValue`).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="kpis")
    period = models.ForeignKey(
        StrategyPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("periode"),
    )
    measure = models.ForeignKey(
        StrategicMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("tiltak"),
    )
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=200)
    definition = models.TextField(_("definisjon"), max_length=2000)
    metric = models.CharField(_("beregnes fra porteføljen"), max_length=40, blank=True)
    unit = models.CharField(_("enhet"), max_length=10, choices=KpiUnit.choices)
    target = models.DecimalField(_("mål"), max_digits=14, decimal_places=2, null=True, blank=True)
    higher_is_better = models.BooleanField(_("høyere er bedre"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("nøkkeltall")
        verbose_name_plural = _("nøkkeltall")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "metric"],
                condition=~models.Q(metric=""),
                name="kpi_unique_metric",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.metric)


class KpiValue(models.Model):
    """A hand-entered yearly value of a KPI, with its source and who entered it when."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("verdi"), max_digits=14, decimal_places=2)
    source = models.CharField(_("kilde"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("verdi for nøkkeltall")
        verbose_name_plural = _("verdier for nøkkeltall")
        ordering = ["kpi", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="kpivalue_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.year}: {self.value}"


class YearlyAssessment(models.Model):
    """The leader group's assessment of one year: several leaders answer per dimension, then
    the group records the agreed level (`AgreedLevel`, versioned)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="maturity_assessments"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("årlig modenhetsvurdering")
        verbose_name_plural = _("årlige modenhetsvurderinger")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="assessment_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class DimensionAnswer(models.Model):
    """One leader's answer for one dimension: the level reached and a comment. The practices
    ticked, with their evidence, are `CriterionTick` rows."""

    assessment = models.ForeignKey(
        YearlyAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    dimension = models.ForeignKey(
        MaturityDimension, on_delete=models.PROTECT, related_name="answers"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        MaturityLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("nivå nådd")
    )
    comment = models.TextField(_("begrunnelse"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("svar per dimensjon")
        verbose_name_plural = _("svar per dimensjon")
        ordering = ["dimension__order", "dimension_id", "respondent_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension", "respondent"], name="answer_one_per_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.dimension}"


# A saksnummer as case systems write it (2025/123, 25/1234-5, PS 12/25): at least one digit.
CASE_NUMBER = re.compile(r"[0-9A-Za-zÆØÅæøå /.\-]*[0-9][0-9A-Za-zÆØÅæøå /.\-]*")


class CriterionTick(models.Model):
    """A practice a leader ticked as in place, with the evidence that shows it."""

    answer = models.ForeignKey(DimensionAnswer, on_delete=models.CASCADE, related_name="ticks")
    criterion = models.ForeignKey(MaturityCriterion, on_delete=models.PROTECT, related_name="ticks")
    url = models.URLField(_("lenke til dokument"), max_length=500, blank=True)
    document = models.CharField(_("dokument"), max_length=300, blank=True)
    case_number = models.CharField(_("saksnummer"), max_length=50, blank=True)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiativ"),
    )
    kpi = models.ForeignKey(
        Kpi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nøkkeltall"),
    )
    note = models.CharField(_("merknad"), max_length=500, blank=True)

    # The evidence fields each kind of criterion uses; a tick keeps the others empty.
    EVIDENCE_FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        EvidenceKind.DOCUMENT: ("document", "url"),
        EvidenceKind.DECISION: ("case_number", "url"),
        EvidenceKind.INITIATIVE: ("initiative",),
        EvidenceKind.KPI: ("kpi",),
    }

    class Meta:
        verbose_name = _("avkrysset praksis")
        verbose_name_plural = _("avkryssede praksiser")
        constraints = [
            models.UniqueConstraint(fields=["answer", "criterion"], name="tick_once"),
        ]

    def __str__(self) -> str:
        return str(self.criterion)

    def evidence_errors(self, kind: str) -> dict[str, str]:
        """What the tick lacks for its criterion's kind of evidence (`kind`, an EvidenceKind),
        as Bokmål messages by the field they belong to; empty when the evidence is there."""
        errors: dict[str, str] = {}
        if kind == EvidenceKind.DOCUMENT and not (self.document.strip() or self.url.strip()):
            errors["document"] = str(
                _("Skriv tittelen på dokumentet, eller lim inn en lenke til det.")
            )
        elif kind == EvidenceKind.DECISION and not self.case_number.strip():
            errors["case_number"] = str(
                _("Skriv saksnummeret for vedtaket, for eksempel 2025/123.")
            )
        elif kind == EvidenceKind.DECISION and not CASE_NUMBER.fullmatch(self.case_number.strip()):
            errors["case_number"] = str(
                _(
                    "Et saksnummer har minst ett tall, og ellers bare bokstaver, mellomrom, "
                    "skråstrek, punktum og bindestrek, for eksempel 2025/123."
                )
            )
        elif kind == EvidenceKind.INITIATIVE and self.initiative_id is None:
            errors["initiative"] = str(_("Velg initiativet som viser at praksisen er på plass."))
        elif kind == EvidenceKind.KPI and self.kpi_id is None:
            errors["kpi"] = str(_("Velg nøkkeltallet som viser at praksisen er på plass."))
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            errors["url"] = str(_("Lenken må begynne med https:// eller http://."))
        return errors


class AgreedLevel(models.Model):
    """The level the leader group agreed for a year, with its reasoning: a record. Changing it
    adds a new version (the old one stays readable, and both are logged as events).

    `indicators` keeps the computed KPIs as they stood when the level was agreed: support
    beside the verdict, never the verdict itself.
    """

    assessment = models.ForeignKey(
        YearlyAssessment, on_delete=models.PROTECT, related_name="agreed_levels"
    )
    version = models.PositiveIntegerField()
    level = models.ForeignKey(
        MaturityLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("omforent nivå")
    )
    reasoning = models.TextField(_("begrunnelse"), max_length=8000)
    change_reason = models.CharField(_("hvorfor endret"), max_length=500, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    indicators = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("omforent nivå")
        verbose_name_plural = _("omforente nivåer")
        ordering = ["assessment", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "version"], name="agreedlevel_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.version}: {self.level}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Lages nå")
    DONE = "done", _("Ferdig")
    FAILED = "failed", _("Feilet")


class StrategyReport(models.Model):
    """One version of the yearly strategy report for kommunestyret, and its outbox.

    Requesting a report saves this row (status «queued») in the request's transaction; the
    task that makes it is queued after commit, and a beat sweep queues it again when that
    never happened (Redis down) or a worker died (`maturity.services.reports`). A worker
    claims the row (`attempts` + 1, a lease until `lease_until`, the claiming task's id),
    writes both files under server-made names and stamps it «done» in one transaction. A done
    report never changes: making the year again adds the next version.
    """

    # Still on its way: a second request for the same year waits for it.
    PENDING: ClassVar[tuple[str, ...]] = (ReportStatus.QUEUED, ReportStatus.RUNNING)
    # Claims a report may use (redeliveries, retries, sweeps) before it is failed for good.
    MAX_ATTEMPTS: ClassVar[int] = 5

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategy_reports"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    version = models.PositiveIntegerField(_("versjon"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("fremdrift"), default=0)
    step = models.CharField(_("steg"), max_length=200, blank=True)
    # The leaders' choice for the section on notable initiatives; none: the document's default.
    notable_initiatives = models.ManyToManyField(
        Initiative, blank=True, related_name="+", verbose_name=_("utvalgte initiativ")
    )
    accessible_file = models.FileField(max_length=200, blank=True)  # pdf/ua-1
    archive_file = models.FileField(max_length=200, blank=True)  # pdf/a-3a
    accessible_sha256 = models.CharField(max_length=64, blank=True)
    archive_sha256 = models.CharField(max_length=64, blank=True)
    accessible_size = models.PositiveIntegerField(null=True, blank=True)
    archive_size = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(_("sider"), null=True, blank=True)
    gather_seconds = models.FloatField(null=True, blank=True)
    layout_seconds = models.FloatField(null=True, blank=True)
    # Nobody when Celery beat made it (the yearly report).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt av"),
    )
    requested_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    # When it last went into the queue (requested, or retried after failing): the sweep's clock.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # A Bokmål sentence for the page, never a traceback (that goes to the log).
    error = models.CharField(_("feil"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("strategirapport")
        verbose_name_plural = _("strategirapporter")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="strategyreport_unique_version"
            ),
            # Beat's yearly report: one per organisation and year, however often beat runs.
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(requested_by__isnull=True),
                name="strategyreport_one_yearly",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="strategyreport_progress_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="strategyreport_version_positive"
            ),
        ]
        indexes = [
            # The outbox sweep reads the queued and running rows only.
            models.Index(
                fields=["status", "queued_at"],
                name="strategyreport_pending",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("maturity:report", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def download_name(self, variant: str) -> str:
        """The ASCII file name a download is saved under: innovasjonsrapport-2026-v2.pdf,
        and …-arkiv.pdf for the archive copy."""
        suffix = "-arkiv" if variant == "arkiv" else ""
        return f"innovasjonsrapport-{self.year}-v{self.version}{suffix}.pdf"
