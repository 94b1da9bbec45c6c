"""Ideas framed as «Hvordan kan vi …?», classified by innovation type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Unit


class InnovationTypeCode(models.TextChoices):
    SERVICE = "service", _("Tjenesteinnovasjon")
    PROCESS = "process", _("Prosessinnovasjon")
    ORGANISATIONAL = "organisational", _("Organisatorisk innovasjon")
    SYSTEM = "system", _("Systeminnovasjon")


class InnovationType(models.Model):
    """One of the four innovation types; the help texts are editable per organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="innovation_types"
    )
    code = models.CharField(max_length=20, choices=InnovationTypeCode.choices)
    name = models.CharField(_("navn"), max_length=100)
    description = models.TextField(_("beskrivelse"))
    aim = models.TextField(_("formål"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("innovasjonstype")
        verbose_name_plural = _("innovasjonstyper")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="innovationtype_unique")
        ]

    def __str__(self) -> str:
        return self.name


class StrategicGoal(models.Model):
    """A goal of the municipality's innovation strategy (e.g. «Bremse kostnadsveksten»)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategic_goals"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("strategisk mål")
        verbose_name_plural = _("strategiske mål")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="goal_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class IdeaStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Innkommet")
    UNDER_REVIEW = "under_review", _("Til vurdering")
    ACCEPTED = "accepted", _("Godkjent")
    PARKED = "parked", _("Parkert")
    REJECTED = "rejected", _("Avvist")
    MERGED = "merged", _("Slått sammen")
    WITHDRAWN = "withdrawn", _("Trukket")


class IdeaQuerySet(models.QuerySet["Idea"]):
    def for_organisation(self, organisation: Organisation) -> IdeaQuerySet:
        return self.filter(organisation=organisation)


class Idea(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ideas")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("enhet")
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("innmelder"),
    )
    title = models.CharField(_("tittel"), max_length=120)
    question = models.CharField(_("innovasjonsspørsmål"), max_length=300)
    need = models.TextField(_("behov"), max_length=4000)
    proposed_solution = models.TextField(_("løsningsforslag"), max_length=4000, blank=True)
    innovation_type = models.ForeignKey(
        InnovationType,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("innovasjonstype"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.DRAFT
    )
    # Optimistic concurrency: every write bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    submitted_at = models.DateTimeField(_("meldt inn"), null=True, blank=True)
    board_notified_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idé")
        verbose_name_plural = _("idéer")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-submitted_at"]),
            models.Index(fields=["organisation", "submitter", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])
