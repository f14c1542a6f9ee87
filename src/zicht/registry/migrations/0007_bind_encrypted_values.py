"""Bind every encrypted value to its table, column and row (issue 12): values in the earlier,
unbound format (``z1:``) are re-encrypted as ``z2:`` tokens with the row's primary key as
associated data. Runs over every model with an EncryptedTextField (registry and casework).
Needs the field keys (as any start of Zicht does); reversible only by restoring a backup, so
the reverse step does nothing (z2 tokens are read by this and later versions only)."""

from django.db import migrations


def bind(apps, schema_editor):
    from zicht.core.reencrypt import encrypted_columns, reencrypt_table

    for table, pk, columns in encrypted_columns(apps.get_models()):
        reencrypt_table(schema_editor.connection, table, pk, columns)


class Migration(migrations.Migration):
    atomic = False  # reencrypt_table commits per chunk of rows

    dependencies = [
        ("registry", "0006_importbatch_postprocess_error"),
        ("casework", "0002_colour_list_keyset_index"),
    ]

    operations = [migrations.RunPython(bind, migrations.RunPython.noop)]
