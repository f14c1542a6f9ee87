from django.db import migrations, models
from django.db.models import F


def earlier_batches_done(apps, schema_editor):
    """Batches loaded before these fields existed were linked and coloured in the import itself."""
    ImportBatch = apps.get_model("registry", "ImportBatch")
    ImportBatch.objects.filter(status__in=("loaded", "partial"), postprocess_error="").update(
        linked_at=F("finished_at"), coloured_at=F("finished_at")
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_organisation_regio_fk")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="postprocess_queued_at",
            field=models.DateTimeField(
                blank=True, null=True, help_text="Linking and colouring left to `zicht postprocess` (outside the web request)"
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="linked_at",
            field=models.DateTimeField(blank=True, null=True, help_text="When linking the batch's persons finished"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="coloured_at",
            field=models.DateTimeField(blank=True, null=True, help_text="When recolouring what the batch touched finished"),
        ),
        migrations.RunPython(earlier_batches_done, migrations.RunPython.noop),
    ]
