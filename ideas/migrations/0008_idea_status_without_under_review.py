"""«Til vurdering» (under_review) is gone: no service ever set it, and the board's inbox
treated it as «Innkommet». Any row that has it (only the benchmark seed wrote it) becomes
submitted, which puts it where it was: in the inbox."""

from django.db import migrations, models


def under_review_to_submitted(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    Idea.objects.filter(status="under_review").update(status="submitted")


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0007_mail_outbox_claims"),
    ]

    operations = [
        # Nothing to undo: a rolled-back database simply has no idea under review.
        migrations.RunPython(under_review_to_submitted, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="idea",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Utkast"),
                    ("submitted", "Innkommet"),
                    ("accepted", "Godkjent"),
                    ("parked", "Parkert"),
                    ("rejected", "Avvist"),
                    ("merged", "Slått sammen"),
                    ("withdrawn", "Trukket"),
                ],
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
