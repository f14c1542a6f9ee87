"""Issue 17 item 7: Report.kind → Report.soort (Dutch for the domain term, as Hulptraject.soort)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_set_aside_values")]

    operations = [
        migrations.RenameField(model_name="report", old_name="kind", new_name="soort"),
    ]
