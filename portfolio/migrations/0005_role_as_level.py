"""The municipality's role in an initiative becomes the staircase level's number (1–4), so the
board shows the organisation's own level names; and an initiative can be marked as shared
with others (KS Innovasjonsbarometeret's «spredt til andre»)."""

from django.db import migrations, models

LEVELS = {"wait_and_see": 1, "contributor": 2, "initiator": 3, "partner": 4}


def to_level(apps, schema_editor):
    Initiative = apps.get_model("portfolio", "Initiative")
    for code, level in LEVELS.items():
        Initiative.objects.filter(role=code).update(role_level=level)


def to_code(apps, schema_editor):
    Initiative = apps.get_model("portfolio", "Initiative")
    for code, level in LEVELS.items():
        Initiative.objects.filter(role_level=level).update(role=code)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0004_phase_template_choices")]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="role_level",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(to_level, to_code),
        migrations.RemoveField(model_name="initiative", name="role"),
        migrations.RenameField(model_name="initiative", old_name="role_level", new_name="role"),
        migrations.AlterField(
            model_name="initiative",
            name="role",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "Vente å se"),
                    (2, "Bidragsyter"),
                    (3, "Initiativtaker"),
                    (4, "Innovasjonspartner"),
                ],
                default=2,
                verbose_name="kommunens rolle",
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="shared_with_others",
            field=models.BooleanField(default=False, verbose_name="delt med andre"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="shared_with",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="hvem løsningen er delt med"
            ),
        ),
    ]
