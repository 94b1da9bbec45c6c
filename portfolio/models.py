"""The portfolio: phases (data, not code) that initiatives move through."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation


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
