"""Issue 17 item 7: Dutch for the domain term (SignalMatch.regie_organisatie)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_quickscan")]

    operations = [
        migrations.RenameField(model_name="signalmatch", old_name="regie_organisation", new_name="regie_organisatie"),
    ]
