"""Strategy periods become their own rows, each with a target level; measures belong to a
period (they used to carry the period as text and a level). Existing staircases keep their
periods: each level's period_start–period_end becomes a period aiming for that level."""

import django.db.models.deletion
from django.db import migrations, models


def periods_from_levels(apps, schema_editor):
    MaturityLevel = apps.get_model("maturity", "MaturityLevel")
    StrategyPeriod = apps.get_model("maturity", "StrategyPeriod")
    StrategicMeasure = apps.get_model("maturity", "StrategicMeasure")
    for level in MaturityLevel.objects.all():
        period, _ = StrategyPeriod.objects.get_or_create(
            organisation_id=level.organisation_id,
            start_year=level.period_start,
            end_year=level.period_end,
            defaults={"target_level": level},
        )
        StrategicMeasure.objects.filter(level=level).update(period_ref=period)


class Migration(migrations.Migration):
    dependencies = [("maturity", "0002_initial"), ("portal", "0003_user_email_frequency")]

    operations = [
        migrations.CreateModel(
            name="StrategyPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("start_year", models.PositiveSmallIntegerField(verbose_name="fra år")),
                ("end_year", models.PositiveSmallIntegerField(verbose_name="til år")),
                ("description", models.TextField(blank=True, max_length=2000, verbose_name="beskrivelse")),
                ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="strategy_periods", to="portal.organisation")),
                ("target_level", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="periods", to="maturity.maturitylevel", verbose_name="målnivå")),
            ],
            options={
                "verbose_name": "strategiperiode",
                "verbose_name_plural": "strategiperioder",
                "ordering": ["start_year", "end_year"],
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "start_year", "end_year"), name="strategyperiod_unique"),
                    models.CheckConstraint(condition=models.Q(("end_year__gte", models.F("start_year"))), name="strategyperiod_order"),
                ],
            },
        ),
        migrations.AddField(
            model_name="strategicmeasure",
            name="period_ref",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="maturity.strategyperiod"),
        ),
        migrations.RunPython(periods_from_levels, migrations.RunPython.noop),
        migrations.RemoveField(model_name="strategicmeasure", name="period"),
        migrations.RemoveField(model_name="strategicmeasure", name="level"),
        migrations.RenameField(model_name="strategicmeasure", old_name="period_ref", new_name="period"),
        migrations.AlterField(
            model_name="strategicmeasure",
            name="period",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="measures", to="maturity.strategyperiod", verbose_name="periode"),
        ),
        migrations.RemoveConstraint(model_name="maturitylevel", name="maturitylevel_period_order"),
        migrations.RemoveField(model_name="maturitylevel", name="period_start"),
        migrations.RemoveField(model_name="maturitylevel", name="period_end"),
    ]
