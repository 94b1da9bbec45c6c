"""The portfolio: phases (data, not code) that initiatives move through."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, IdeaStatus
from portal.models import Organisation, Role


class PhaseKind(models.TextChoices):
    INBOX = "inbox", _("Innboks")
    ACTIVE = "active", _("Aktiv fase")
    CLOSED = "closed", _("Avsluttet tilstand")


class Phase(models.Model):
    """A column on the board, e.g. a phase of KS' «Veikart for tjenesteinnovasjon»."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("rekkefølge"))
    name = models.CharField(_("navn"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=PhaseKind.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    key_questions = models.JSONField(_("nøkkelspørsmål"), default=list, blank=True)
    # «Nyttiggjort»: an initiative in such a phase has been taken into use (KS: Overgang til
    # drift, Ny praksis). Phases are data, so this is a flag, not a name.
    in_use = models.BooleanField(_("løsningen er tatt i bruk"), default=False)
    wip_limit = models.PositiveSmallIntegerField(
        _("maks antall samtidig (WIP-grense)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("fase")
        verbose_name_plural = _("faser")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="phase_unique_order"),
            models.UniqueConstraint(fields=["organisation", "name"], name="phase_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """A checkpoint to settle when an initiative leaves the phase."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="checklist")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("sjekkpunkt"), max_length=300)

    class Meta:
        verbose_name = _("sjekkpunkt")
        verbose_name_plural = _("sjekkpunkter")
        ordering = ["phase", "order"]

    def __str__(self) -> str:
        return self.text


class PhaseTemplate(models.TextChoices):
    """The phase sets an organisation can start from (their phases are in ``defaults.py``)."""

    KS_VEIKART = "ks_veikart", _("KS Veikart for tjenesteinnovasjon")
    DIGDIR = "digdir", _("Digdir Prosjektveiviseren")


class PortfolioSettings(models.Model):
    """Per-organisation settings of the board."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="portfolio_settings"
    )
    stalled_after_days = models.PositiveSmallIntegerField(
        _("stoppet etter antall dager uten flytting"), default=30
    )
    phase_template = models.CharField(
        _("fasemal"), max_length=20, choices=PhaseTemplate.choices, default=PhaseTemplate.KS_VEIKART
    )
    hours_per_fte = models.DecimalField(
        _("timer per årsverk"), max_digits=6, decimal_places=1, default=Decimal("1695.0")
    )
    status_report_every_days = models.PositiveSmallIntegerField(
        _("statusrapport hver (dager)"), default=30
    )

    class Meta:
        verbose_name = _("porteføljeinnstillinger")
        verbose_name_plural = _("porteføljeinnstillinger")

    def __str__(self) -> str:
        return str(self.organisation)


class MunicipalRole(models.IntegerChoices):
    """The municipality's stance in one initiative, as a level of the maturity staircase.

    Stored as the level's number: the organisation's own names and stances for the levels
    live in its staircase (`maturity.MaturityLevel`) and reach the board through
    `portfolio.roles.role_levels`, so renaming a level renames it here too. These labels are
    only the fallback for an organisation without a staircase.
    """

    WAIT_AND_SEE = 1, _("Vente å se")
    CONTRIBUTOR = 2, _("Bidragsyter")
    INITIATOR = 3, _("Initiativtaker")
    PARTNER = 4, _("Innovasjonspartner")


class Priority(models.TextChoices):
    MUST = "must", _("Må ha")
    SHOULD = "should", _("Bør ha")
    COULD = "could", _("Kan ha")
    WONT = "wont", _("Skal ikke ha")


def priority_for(total: int) -> Priority:
    """Prosjektportalen's thresholds: > 22 Må ha, > 16 Bør ha, > 8 Kan ha, else Skal ikke ha."""
    if total > 22:
        return Priority.MUST
    if total > 16:
        return Priority.SHOULD
    if total > 8:
        return Priority.COULD
    return Priority.WONT


class Assessment(models.Model):
    """The board's score of an idea on the five criteria (1–5 each) plus an adjustment."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="assessment")
    strategic_value = models.PositiveSmallIntegerField(_("strategisk verdi"))
    qualitative_benefit = models.PositiveSmallIntegerField(_("kvalitativ gevinst"))
    economic_benefit = models.PositiveSmallIntegerField(_("økonomisk gevinst"))
    operational_need = models.PositiveSmallIntegerField(_("operasjonelt behov / lovpålagt"))
    risk = models.PositiveSmallIntegerField(_("risiko (5 = lav)"))
    adjustment = models.SmallIntegerField(_("manuell justering"), default=0)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    CRITERIA = (
        "strategic_value",
        "qualitative_benefit",
        "economic_benefit",
        "operational_need",
        "risk",
    )

    class Meta:
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    strategic_value__range=(1, 5),
                    qualitative_benefit__range=(1, 5),
                    economic_benefit__range=(1, 5),
                    operational_need__range=(1, 5),
                    risk__range=(1, 5),
                    adjustment__range=(-5, 5),
                ),
                name="assessment_scores_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.idea}: {self.total}"

    @property
    def total(self) -> int:
        return int(sum(getattr(self, name) for name in self.CRITERIA)) + self.adjustment

    @property
    def priority(self) -> Priority:
        return priority_for(self.total)


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def for_organisation(self, organisation: Organisation) -> InitiativeQuerySet:
        return self.filter(organisation=organisation)


class Initiative(models.Model):
    """An accepted idea on the board, moving through the phases."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="initiatives"
    )
    idea = models.OneToOneField(Idea, on_delete=models.PROTECT, related_name="initiative")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="initiatives")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_initiatives",
        verbose_name=_("pådriver"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="initiative_teams",
        verbose_name=_("team"),
    )
    role = models.PositiveSmallIntegerField(
        _("kommunens rolle"),
        choices=MunicipalRole.choices,
        default=MunicipalRole.CONTRIBUTOR,
    )
    shared_with_others = models.BooleanField(_("delt med andre"), default=False)
    shared_with = models.CharField(_("hvem løsningen er delt med"), max_length=300, blank=True)
    # Optimistic concurrency: a move or edit must name the version it was made from.
    version = models.PositiveIntegerField(default=1)
    phase_entered_at = models.DateTimeField(default=timezone.now)
    # Maintained by the services that change a phase (`portfolio.services.derived`): when the
    # initiative last entered a phase where the solution is in use, while it still counts as
    # in use (in such a phase, or moved on past one); None otherwise.
    in_use_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiativ")
        verbose_name_plural = _("initiativer")
        ordering = ["-phase_entered_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "phase", "-phase_entered_at", "-id"]),
            models.Index(fields=["organisation", "in_use_since"]),
        ]

    def __str__(self) -> str:
        return self.idea.title

    def days_in_phase(self, now: datetime | None = None) -> int:
        return ((now or timezone.now()) - self.phase_entered_at).days


class PhaseVisit(models.Model):
    """One stay of an initiative in a phase; flow figures are computed from these."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="visits")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="visits")
    entered_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        indexes = [models.Index(fields=["phase", "left_at"])]

    def __str__(self) -> str:
        return f"{self.initiative_id} i {self.phase}"


class ChecklistAnswerKind(models.TextChoices):
    DONE = "done", _("Utført")
    NOT_RELEVANT = "not_relevant", _("Ikke relevant")
    STILL_OPEN = "still_open", _("Fortsatt åpen")


# A checkpoint answered so is settled for good; «Fortsatt åpen» is asked again next time.
SETTLED_ANSWERS = frozenset({ChecklistAnswerKind.DONE, ChecklistAnswerKind.NOT_RELEVANT})


class ChecklistAnswer(models.Model):
    """How a checkpoint was settled when the initiative left a phase."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="checklist_answers"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(max_length=20, choices=ChecklistAnswerKind.choices)
    comment = models.TextField(_("kommentar"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at", "id"]
        indexes = [models.Index(fields=["initiative", "item", "-answered_at"])]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_answer_display()}"


class Meeting(models.Model):
    """A meeting of the portfolio board; decisions taken in it make up its minutes."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="board_meetings"
    )
    title = models.CharField(_("tittel"), max_length=200)
    held_on = models.DateField(_("dato"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="board_meetings",
        verbose_name=_("deltakere"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("protokoll ferdig"), null=True, blank=True)

    # Who may take part in (and be listed as a participant of) a board meeting.
    PARTICIPANT_ROLES: ClassVar = (Role.BOARD, Role.LEADER, Role.ADMIN)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on:%d.%m.%Y}"


class DecisionKind(models.TextChoices):
    ACCEPT = "accept", _("Godkjent")
    PARK = "park", _("Parkert")
    REJECT = "reject", _("Avvist")
    MERGE = "merge", _("Slått sammen")


class Decision(models.Model):
    """The board's decision on an idea: who, when, on what basis, and the case number."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("vedtak"), max_length=10, choices=DecisionKind.choices)
    basis = models.TextField(_("begrunnelse"), max_length=4000, blank=True)
    case_number = models.CharField(_("saksnummer"), max_length=50, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    revisit_on = models.DateField(_("vurderes igjen"), null=True, blank=True)
    merged_into = models.ForeignKey(
        Idea, on_delete=models.PROTECT, null=True, blank=True, related_name="merged_decisions"
    )
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, null=True, blank=True)

    # The ideas the board can decide on: waiting, or parked and taken up again.
    DECIDABLE: ClassVar = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.PARKED})

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.idea}"


class BenefitKind(models.TextChoices):
    DIRECT = "direct", _("Direkte (økonomisk, kroner)")
    INDIRECT = "indirect", _("Indirekte (frigjort tid)")
    QUALITATIVE = "qualitative", _("Kvalitativ")


class MeasureUnit(models.TextChoices):
    NOK = "nok", _("kroner")
    HOURS = "hours", _("timer")
    COUNT = "count", _("antall")
    PERCENT = "percent", _("prosent")


class Benefit(models.Model):
    """A benefit (gevinst) an initiative is to realise, owned in the line organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="benefits")
    description = models.TextField(_("beskrivelse"), max_length=2000)
    kind = models.CharField(_("type gevinst"), max_length=12, choices=BenefitKind.choices)
    value_types = models.JSONField(_("verdier"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_benefits",
        verbose_name=_("gevinsteier"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_benefits",
        verbose_name=_("gevinstansvarlig"),
    )
    preconditions = models.TextField(_("forutsetninger"), max_length=2000, blank=True)
    realisation_date = models.DateField(_("realiseringstidspunkt"), null=True, blank=True)
    # Expected yearly effect: kroner for direct benefits, hours for freed time.
    expected_amount = models.DecimalField(
        _("forventet beløp per år (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_hours = models.DecimalField(
        _("forventet frigjort tid per år (timer)"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
    )
    measure_every_days = models.PositiveSmallIntegerField(_("måles hver (dager)"), default=90)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gevinst")
        verbose_name_plural = _("gevinster")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organisation", "kind"])]

    def __str__(self) -> str:
        return self.description[:80]


class Indicator(models.Model):
    """A measure of a benefit (måleindikator): baseline, target and unit."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indikator"), max_length=200)
    unit = models.CharField(_("måleenhet"), max_length=10, choices=MeasureUnit.choices)
    baseline = models.DecimalField(_("startverdi"), max_digits=14, decimal_places=2)
    baseline_date = models.DateField(_("dato for nullpunktsmåling"), null=True, blank=True)
    target = models.DecimalField(_("ønsket verdi"), max_digits=14, decimal_places=2)
    # The latest measurement (by date, then as recorded), maintained by `record_measurement`
    # (`portfolio.services.derived.refresh_latest_measurements`); None while unmeasured.
    latest_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    latest_measured_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """A measured value of an indicator; measuring goes on after the initiative ends."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("dato"))
    value = models.DecimalField(_("målt verdi"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("kommentar"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["measured_on", "id"]
        indexes = [models.Index(fields=["indicator", "-measured_on"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class TrafficLight(models.TextChoices):
    GREEN = "green", _("Grønn – i rute")
    YELLOW = "yellow", _("Gul – avvik, under kontroll")
    RED = "red", _("Rød – kritisk, trenger hjelp")


class StatusReport(models.Model):
    """A periodic status of an active initiative, as in Prosjektportalen."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="status_reports"
    )
    period_end = models.DateField(_("rapporten gjelder til"))
    summary = models.TextField(_("overordnet status"), max_length=4000)
    progress = models.CharField(_("fremdrift"), max_length=6, choices=TrafficLight.choices)
    progress_comment = models.TextField(_("kommentar om fremdrift"), max_length=1000, blank=True)
    economy = models.CharField(_("økonomi"), max_length=6, choices=TrafficLight.choices)
    economy_comment = models.TextField(_("kommentar om økonomi"), max_length=1000, blank=True)
    quality = models.CharField(_("kvalitet"), max_length=6, choices=TrafficLight.choices)
    quality_comment = models.TextField(_("kommentar om kvalitet"), max_length=1000, blank=True)
    risk = models.CharField(_("risiko"), max_length=6, choices=TrafficLight.choices)
    risk_comment = models.TextField(_("kommentar om risiko"), max_length=1000, blank=True)
    benefits = models.CharField(_("gevinstoppnåelse"), max_length=6, choices=TrafficLight.choices)
    benefits_comment = models.TextField(
        _("kommentar om gevinstoppnåelse"), max_length=1000, blank=True
    )
    budget = models.DecimalField(
        _("budsjett (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    costs_to_date = models.DecimalField(
        _("påløpte kostnader (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    # The five lights, each with a «<light>_comment» that yellow and red require.
    LIGHTS: ClassVar = ("progress", "economy", "quality", "risk", "benefits")
    LIGHTS_NEEDING_COMMENT: ClassVar = (TrafficLight.YELLOW, TrafficLight.RED)
    # What an author edits (everything but the publishing stamp and the bookkeeping).
    EDITABLE_FIELDS: ClassVar = (
        "period_end",
        "summary",
        *(name for light in LIGHTS for name in (light, f"{light}_comment")),
        "budget",
        "costs_to_date",
    )

    class Meta:
        verbose_name = _("statusrapport")
        verbose_name_plural = _("statusrapporter")
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["initiative", "-period_end"])]

    def __str__(self) -> str:
        return f"{self.initiative} {self.period_end}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
