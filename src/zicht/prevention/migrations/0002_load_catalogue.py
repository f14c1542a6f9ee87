"""Load the intervention catalogue shipped with the package (idempotent; `zicht catalogue --load` re-syncs)."""

from django.db import migrations


def load(apps, schema_editor):
    from zicht.prevention.services import load_package_catalogue

    load_package_catalogue(apps.get_model("prevention", "Intervention"))


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
