"""Planner statistics after a large write: ``ANALYZE`` the tables a step grew, before the next step reads them.

Why: PostgreSQL plans joins from the statistics of its last ``ANALYZE`` (row counts, distinct
values, common values). Autovacuum refreshes them on its own, but only when it next wakes
(``autovacuum_naptime``, a minute by default) and in another process; the steps that follow
an import (linking, households, colouring) start at once and would plan their joins over the
registry's tables as the planner last saw them — empty, or a tenth of their size — and pick
nested loops where a hash join is due. So a step that wrote many rows analyses those tables
itself, with autovacuum's own rule (``stale``): more rows written than 50 + 10 % of the rows
the statistics know. A delivery small next to the registry analyses nothing (its cost stays
with the delivery); an initial load analyses every table it filled.

SQLite: nothing. Its planner uses statistics only once ``ANALYZE`` has been run, and the
linkage's joins are written in SQLite's order (``linkage.feature_store.join``); starting to
keep statistics there would change plans that were measured without them.

``ANALYZE`` runs in the caller's transaction if there is one (PostgreSQL allows that, and sees
the transaction's own new rows); a rollback takes the new statistics back with the rows.
"""

from __future__ import annotations

import logging

from django.db import connection

log = logging.getLogger(__name__)

ANALYZE_THRESHOLD = 50  # autovacuum_analyze_threshold's default
ANALYZE_SCALE = 0.1  # autovacuum_analyze_scale_factor's default


def stale(known_rows: float, written: int, threshold: int = ANALYZE_THRESHOLD, scale: float = ANALYZE_SCALE) -> bool:
    """Whether statistics that know ``known_rows`` rows (negative: never analysed) are stale after
    ``written`` rows were inserted, updated or deleted: autovacuum's rule, applied now."""
    if written <= 0:
        return False
    if known_rows < 0:
        return True
    return written > threshold + scale * known_rows


def analyze_written(written: dict[str, int]) -> list[str]:
    """``ANALYZE`` each table of ``written`` (table → rows written) whose statistics ``stale`` calls
    stale; the tables analysed, in the order given. PostgreSQL only (see the module docstring)."""
    if connection.vendor != "postgresql":
        return []
    tables = [t for t, n in written.items() if n > 0]
    if not tables:
        return []
    with connection.cursor() as cursor:
        # A table without column statistics counts as never analysed: building an index (bulk mode)
        # sets its row count, not its distinct values.
        cursor.execute(
            "SELECT c.relname, CASE WHEN EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) "
            "THEN c.reltuples ELSE -1 END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname = ANY(%s)",
            [tables],
        )
        known = dict(cursor.fetchall())
        done = []
        for table in tables:
            if table in known and stale(float(known[table]), written[table]):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
                done.append(table)
    if done:
        log.info("planner statistics refreshed for %s table(s)", len(done))
    return done
