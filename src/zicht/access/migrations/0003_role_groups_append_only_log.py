"""Roles as data (one group per role with its permissions) and an append-only access log in the database.

The database itself refuses UPDATE on the access log (both SQLite and PostgreSQL) and, on
PostgreSQL, DELETE as well (TRUNCATE, used only by test tooling, is not a row delete). On
SQLite a DELETE trigger would break Django's test flush; there the model and the admin forbid
deletion, and production runs on PostgreSQL (docs/security.md).
"""

from django.db import migrations


def create_groups(apps, schema_editor):
    from zicht.access.groups import ensure_groups

    ensure_groups(apps)


SQLITE_FORWARD = [
    """CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_accesslogentry
       BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS access_log_no_update;"]
PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION zicht_access_log_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'access log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_accesslogentry
       FOR EACH ROW EXECUTE FUNCTION zicht_access_log_append_only();""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS access_log_no_update ON access_accesslogentry;",
    "DROP FUNCTION IF EXISTS zicht_access_log_append_only();",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}.get(vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_profile_permissions_retentionrun"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
