"""Test-runner glue for the append-only access log.

The database refuses DELETE/TRUNCATE on the access log (zicht.access.triggers). Transactional
tests (``transaction=True``, the browser tests' live server) end with Django's flush, which
empties every table; here, and only in the test runner, the flush lifts the refusal inside its
own transaction exactly like the log's retention procedure does (triggers.suspend_sql/restore_sql).
"""

from __future__ import annotations


def _wrap_sql_flush(operations_class) -> None:
    original = operations_class.sql_flush
    if getattr(original, "zicht_wrapped", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        from zicht.access import triggers

        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if sql and set(tables) & set(triggers.LOG_TABLES):
            vendor = self.connection.vendor
            return triggers.suspend_sql(vendor) + list(sql) + triggers.restore_sql(vendor)
        return sql

    sql_flush.zicht_wrapped = True
    operations_class.sql_flush = sql_flush


def pytest_configure(config):
    import importlib

    for backend in ("sqlite3", "postgresql"):
        try:  # the base module first: importing operations alone is a circular import
            base = importlib.import_module(f"django.db.backends.{backend}.base")
        except Exception:  # psycopg not installed
            continue
        _wrap_sql_flush(base.DatabaseOperations)
