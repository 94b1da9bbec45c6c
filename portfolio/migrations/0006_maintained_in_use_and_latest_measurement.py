"""Two maintained columns, so that «taken into use» and the benefit figures are plain reads:
`Initiative.in_use_since` (when it last entered an in-use phase, while it still counts as in
use) and each indicator's latest measurement (`latest_value`, `latest_measured_on`). Filled
here from the phase visits and measurements, as `portfolio.services.derived` keeps them; the
rules are copied (not imported) so that this migration keeps working when the code moves on."""

from django.db import migrations, models
from django.db.models import Case, DateTimeField, Exists, OuterRef, Q, Subquery, Value, When


def fill(apps, schema_editor):
    Initiative = apps.get_model("portfolio", "Initiative")
    Indicator = apps.get_model("portfolio", "Indicator")
    Measurement = apps.get_model("portfolio", "Measurement")
    Phase = apps.get_model("portfolio", "Phase")
    PhaseVisit = apps.get_model("portfolio", "PhaseVisit")

    in_use_visits = PhaseVisit.objects.filter(initiative=OuterRef("pk"), phase__in_use=True)
    current_in_use = Exists(Phase.objects.filter(pk=OuterRef("phase_id"), in_use=True))
    moved_on = Exists(
        in_use_visits.filter(
            Exists(
                Phase.objects.filter(
                    pk=OuterRef(OuterRef("phase_id")), order__gt=OuterRef("phase__order")
                )
            )
        )
    )
    latest_entry = in_use_visits.order_by("-entered_at", "-id").values("entered_at")[:1]
    Initiative.objects.update(
        in_use_since=Case(
            When(Q(current_in_use) | Q(moved_on), then=Subquery(latest_entry)),
            default=Value(None),
            output_field=DateTimeField(),
        )
    )
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-id")
    Indicator.objects.update(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_measured_on=Subquery(latest.values("measured_on")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0005_role_as_level")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="latest_measured_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="indicator",
            name="latest_value",
            field=models.DecimalField(
                blank=True, decimal_places=2, editable=False, max_digits=14, null=True
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="in_use_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["organisation", "in_use_since"], name="portfolio_i_organis_035f7b_idx"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
