"""The maturity staircase (modenhetstrappen) and the strategic measures of each period."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation


class MaturityLevel(models.Model):
    """A step on the staircase: Vente å se → Bidragsyter → Initiativtaker → Innovasjonspartner."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="maturity_levels"
    )
    level = models.PositiveSmallIntegerField(_("nivå"))
    name = models.CharField(_("navn"), max_length=100)
    stance = models.CharField(_("holdning"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("fra år"))
    period_end = models.PositiveSmallIntegerField(_("til år"))

    class Meta:
        verbose_name = _("modenhetsnivå")
        verbose_name_plural = _("modenhetsnivåer")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "level"], name="maturitylevel_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="maturitylevel_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class StrategicMeasure(models.Model):
    """A strategic measure (strategisk tiltak) of a period, followed up with KPIs."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategic_measures"
    )
    level = models.ForeignKey(MaturityLevel, on_delete=models.CASCADE, related_name="measures")
    period = models.CharField(_("periode"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("tiltak"))

    class Meta:
        verbose_name = _("strategisk tiltak")
        verbose_name_plural = _("strategiske tiltak")
        ordering = ["level__level", "order"]

    def __str__(self) -> str:
        return self.text
