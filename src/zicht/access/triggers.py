"""The database refuses UPDATE, DELETE and TRUNCATE on the access log (SQLite and PostgreSQL).

Installed by migration 0004 (which replaces 0003's UPDATE-only trigger); ``suspended`` is the
one door: it lifts the DELETE refusal inside one transaction, for the retention procedure of
the log itself (``zicht accesslog --purge-before``, run by the schema owner) and for the test
runner's flush. On PostgreSQL only the table owner may ``ALTER TABLE ... DISABLE TRIGGER``, and
the least-privilege application role of docs/security.md has no DELETE/UPDATE/TRUNCATE grant at
all; on SQLite whoever can write the file can do anything, so there the trigger guards against
the application's own mistakes and injected SQL, and the hash chain detects the rest.

Note for later migrations: on SQLite, a schema change that rebuilds a log table drops its
triggers; re-run ``install`` in that migration (``zicht accesslog --verify`` checks they exist).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

LOG_TABLES = ("access_accesslogentry", "access_accesslogrecord")  # i18n: not UI (table names)
MESSAGE = "access log is append-only"


def _sqlite_trigger(table: str, event: str) -> str:
    return f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event.lower()} BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"


def sqlite_names() -> list[str]:
    return [f"{t}_no_{e}" for t in LOG_TABLES for e in ("update", "delete")]


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return ["DROP TRIGGER IF EXISTS access_log_no_update;"] + [_sqlite_trigger(t, e) for t in LOG_TABLES for e in ("UPDATE", "DELETE")]
    if vendor == "postgresql":
        sql = [
            f"""CREATE OR REPLACE FUNCTION zicht_access_log_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
            "DROP TRIGGER IF EXISTS access_log_no_update ON access_accesslogentry;",
        ]
        for t in LOG_TABLES:
            sql += [
                f"DROP TRIGGER IF EXISTS {t}_no_change ON {t};",
                f"CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION zicht_access_log_append_only();",
                f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};",
                f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION zicht_access_log_append_only();",
            ]
        return sql
    return []


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name};" for name in sqlite_names()]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_no_{k} ON {t};" for t in LOG_TABLES for k in ("change", "truncate")]
    return []


def suspend_sql(vendor: str) -> list[str]:
    """Lift the refusal (inside a transaction only; ``restore_sql`` must follow before commit)."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_no_delete;" for t in LOG_TABLES]
    if vendor == "postgresql":
        # Deferred foreign-key checks of rows written earlier in this transaction must run first:
        # PostgreSQL refuses ALTER TABLE with pending trigger events.
        return ["SET CONSTRAINTS ALL IMMEDIATE;"] + [f"ALTER TABLE {t} DISABLE TRIGGER USER;" for t in LOG_TABLES]
    return []


def restore_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [_sqlite_trigger(t, "DELETE") for t in LOG_TABLES]
    if vendor == "postgresql":
        return [f"ALTER TABLE {t} ENABLE TRIGGER USER;" for t in LOG_TABLES]
    return []


@contextmanager
def suspended():
    """Inside one transaction: DELETE on the log tables allowed, refused again before commit."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in suspend_sql(connection.vendor):
                cursor.execute(sql)
        yield
        with connection.cursor() as cursor:
            for sql in restore_sql(connection.vendor):
                cursor.execute(sql)


def missing() -> list[str]:
    """Triggers that should guard the log but are not in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in sqlite_names() if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
            present = {row[0] for row in cursor.fetchall()}
            return [f"{t}_no_{k}" for t in LOG_TABLES for k in ("change", "truncate") if f"{t}_no_{k}" not in present]
    return []
