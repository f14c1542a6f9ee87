"""The access log records which records were shown (AccessLogRecord), the outcome of refused
attempts, the request's filter, and a hash chain (seq, prev_hash, entry_hash).

Existing entries are chained in (at, id) order. The database refuses UPDATE and DELETE on both
log tables (SQLite and PostgreSQL) and TRUNCATE (PostgreSQL); see zicht.access.triggers.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from zicht.access import triggers

    vendor = schema_editor.connection.vendor
    for sql in triggers.uninstall_sql(vendor) + {
        "sqlite": ["DROP TRIGGER IF EXISTS access_log_no_update;"],
        "postgresql": ["DROP TRIGGER IF EXISTS access_log_no_update ON access_accesslogentry;"],
    }.get(vendor, []):
        schema_editor.execute(sql)


def install_triggers(apps, schema_editor):
    from zicht.access import triggers

    for sql in triggers.install_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def restore_0003_trigger(apps, schema_editor):
    import importlib

    m = importlib.import_module("zicht.access.migrations.0003_role_groups_append_only_log")
    m.add_triggers(apps, schema_editor)


def chain_existing(apps, schema_editor):
    from zicht.access.chain import CHAIN_FIELDS, link_hash, records_digest

    Entry = apps.get_model("access", "AccessLogEntry")
    prev, seq = "", 0
    empty = records_digest([])
    for entry in Entry.objects.order_by("at", "pk").iterator(chunk_size=2000):
        seq += 1
        entry.seq, entry.prev_hash, entry.record_count = seq, prev, 0
        entry.entry_hash = link_hash(prev, seq, {name: getattr(entry, name) for name in CHAIN_FIELDS}, empty)
        Entry.objects.filter(pk=entry.pk).update(seq=seq, prev_hash=prev, entry_hash=entry.entry_hash, record_count=0)
        prev = entry.entry_hash


class Migration(migrations.Migration):
    dependencies = [("access", "0003_role_groups_append_only_log")]

    operations = [
        migrations.RunPython(drop_triggers, restore_0003_trigger),
        migrations.AlterField(
            model_name="accesslogentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Inzien"),
                    ("create", "Aanmaken"),
                    ("change", "Wijzigen"),
                    ("delete", "Verwijderen"),
                    ("export", "Exporteren"),
                    ("command", "Opdracht (CLI)"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="seq",
            field=models.BigIntegerField(help_text="Position in the hash chain (1, 2, 3, ...)", null=True, unique=True),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="outcome",
            field=models.CharField(
                choices=[("ok", "Toegestaan"), ("denied", "Geweigerd (403)"), ("not_found", "Niet gevonden (404)")],
                default="ok",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="record_count",
            field=models.PositiveIntegerField(default=0, help_text="Number of AccessLogRecord rows of this entry"),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="query",
            field=models.TextField(blank=True, help_text="The full query string (filter) of the request, or the CLI arguments"),
        ),
        migrations.AddField(model_name="accesslogentry", name="prev_hash", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(model_name="accesslogentry", name="entry_hash", field=models.CharField(blank=True, max_length=64)),
        migrations.CreateModel(
            name="AccessLogRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("record_type", models.CharField(max_length=40)),
                ("record_id", models.CharField(max_length=80)),
                (
                    "entry",
                    models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name="records", to="access.accesslogentry"),
                ),
            ],
            options={"indexes": [models.Index(fields=["record_type", "record_id"], name="access_acce_record__ef3180_idx")]},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
