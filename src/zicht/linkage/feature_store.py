"""Set-based SQL for a delivery: temporary id tables, persisted features, one-statement updates.

Why a temporary id table: a subproblem of tens of thousands of persons read with ``IN (...)``
lists of 2,000 ids costs a statement (and a Django queryset) per chunk; one join against a
temporary table is one statement whatever its size. On SQLite the joins are written as
``CROSS JOIN``, which SQLite's planner takes in the order written: without statistics on the
temporary table it otherwise starts from the large table (measured: the BSN join of a 2,000-person
delivery scanned the whole person table, 8.9 s at 20,000 persons; from the id table 0.002 s).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import stored_features
from .models import PersonFeatures, PersonLink


def join() -> str:
    """The join keyword that keeps the written order (SQLite: CROSS JOIN; PostgreSQL plans well with ANALYZE)."""
    return "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"


def load_ids(cursor, ids, table: str) -> None:
    """Fill a temporary id table of this connection (created on first use, emptied every time)."""
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id BIGINT PRIMARY KEY)")
    cursor.execute(f"DELETE FROM {table}")
    rows = sorted({int(i) for i in ids})
    if connection.vendor == "postgresql" and rows:
        with cursor.cursor.copy(f"COPY {table} (id) FROM STDIN") as copy:
            for i in rows:
                copy.write_row((i,))
        cursor.execute(f"ANALYZE {table}")
        return
    for start in range(0, len(rows), 20_000):
        cursor.executemany(f"INSERT INTO {table} (id) VALUES (%s)", [(i,) for i in rows[start : start + 20_000]])


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany in chunks elsewhere."""
    if not rows:
        return
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
    for start in range(0, len(rows), 20_000):
        cursor.executemany(sql, rows[start : start + 20_000])


def copy_columns(cursor, table: str, columns: tuple[str, ...], arrays, chunk: int = 200_000) -> None:
    """``copy_rows`` of equally long NumPy columns, turned into row tuples a chunk at a time (a
    whole-registry table of millions of rows is never held as Python tuples at once)."""
    n = len(arrays[0]) if arrays else 0
    for start in range(0, n, chunk):
        copy_rows(cursor, table, columns, list(zip(*(a[start : start + chunk].tolist() for a in arrays))))


@contextmanager
def indexes_set_aside(cursor, table: str):
    """On SQLite: drop ``table``'s secondary indexes for the duration, and create them again with
    their own definitions (from ``sqlite_master``) at the end.

    Why: a whole-registry rewrite (the batch run's blocking keys: about 15 rows per person, their
    ``(rule, digest)`` random) costs a B-tree descent per row and index; building each index once
    from the finished table sorts instead (measured for 3.1 million rows: 19 CPU s with the
    indexes in place, 5 CPU s with them built afterwards). Inside the caller's transaction: an
    error rolls the drop back with everything else. Elsewhere (PostgreSQL: COPY) nothing is done."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _, sql in indexes:
        cursor.execute(sql)


FEATURE_IDS = "zicht_linkage_feature_ids"


def _secret() -> bytes:
    return settings.BSN_HASH_KEY.encode()


def feature_rows(feats: pd.DataFrame) -> pd.DataFrame:
    """The persisted features of a features frame (``engine.features_frame``), keyed with this installation's key."""
    return stored_features.rows_from_frame(feats, _secret())


def write(feats: pd.DataFrame, *, replace_all: bool = False) -> None:
    """Persist the features of these persons (replacing theirs), or of the whole registry (``replace_all``)."""
    rows = feature_rows(feats)
    table = PersonFeatures._meta.db_table
    columns = ("person_id", *stored_features.COLUMNS)
    with connection.cursor() as cursor:
        if replace_all:
            cursor.execute(f"DELETE FROM {table}")
        elif len(rows):
            load_ids(cursor, rows["person_id"], FEATURE_IDS)
            cursor.execute(f"DELETE FROM {table} WHERE person_id IN (SELECT id FROM {FEATURE_IDS})")
        values = rows[list(columns)].to_numpy(dtype=np.int64).tolist()
        copy_rows(cursor, table, columns, values)


def read(ids) -> pd.DataFrame:
    """The persisted features of these persons (those that have them): one join against a temporary id table."""
    table = PersonFeatures._meta.db_table
    columns = ("person_id", *stored_features.COLUMNS)
    with connection.cursor() as cursor:
        load_ids(cursor, ids, FEATURE_IDS)
        cursor.execute(f"SELECT {', '.join('f.' + c for c in columns)} FROM {FEATURE_IDS} t {join()} {table} f ON f.person_id = t.id")
        data = cursor.fetchall()
    return pd.DataFrame(np.asarray(data, dtype=np.int64).reshape(-1, len(columns)), columns=list(columns))


LINK_UPDATES = "zicht_linkage_link_updates"


def update_links(rows: list[tuple[int, int, str, float | None]]) -> None:
    """Changed links (person, linked person, method, match weight) in one ``UPDATE … FROM`` a temporary
    table (PostgreSQL, and SQLite ≥ 3.33), instead of ``bulk_update``'s CASE per row in batches."""
    if not rows:
        return
    table = PersonLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {LINK_UPDATES} "
            "(person_id BIGINT PRIMARY KEY, linked_person_id BIGINT NOT NULL, method VARCHAR(10) NOT NULL, match_weight DOUBLE PRECISION)"
        )
        cursor.execute(f"DELETE FROM {LINK_UPDATES}")
        copy_rows(cursor, LINK_UPDATES, ("person_id", "linked_person_id", "method", "match_weight"), rows)
        cursor.execute(
            f"UPDATE {table} SET linked_person_id = u.linked_person_id, method = u.method, match_weight = u.match_weight, "
            f"updated_at = %s FROM {LINK_UPDATES} u WHERE {table}.person_id = u.person_id",
            [connection.ops.adapt_datetimefield_value(timezone.now())],
        )
