"""PostgreSQL: what the column path does differently there — a COPY writer thread, and a bulk mode
for loads large next to the registry.

Why (measured at 250,000 rows, ``docs/benchmarks.md``, import pipeline (c)): of the server's CPU,
most went to the foreign-key checks at commit — Django declares every foreign key
``DEFERRABLE INITIALLY DEFERRED``, so each inserted row queues one trigger event per foreign
key, and at commit PostgreSQL runs one ``SELECT … FOR KEY SHARE`` on the parent per event
(≈ 1.6 million at 250,000 rows) — and to maintaining the secondary indexes row by row.

**Bulk mode** (``PgBulkLoad``), only for a load large next to the three big tables (the initial
load of a registry): inside the import's own transaction the foreign keys of reports, persons,
parties and addresses, their secondary indexes and the unique constraints of persons and
parties are dropped (not the primary keys, and not the unique record id of reports or key of
addresses, which the load reads while it runs), the rows are copied, and before commit the indexes and unique
constraints are built again (one sort each; a duplicate fails the statement and so the file)
and every foreign key is added again with exactly its old definition. ``ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`` without
``NOT VALID`` checks every row of the table in one set-based query (PostgreSQL's own
validation, ``RI_Initial_Check``) and fails the statement — and so the file's transaction — on
the first row without its parent. The constraints stay declared and enforced by PostgreSQL:
from the next statement on every row is checked by its triggers again, and no committed state
ever lacks one. ``NOT VALID`` + ``VALIDATE CONSTRAINT`` was considered and not used: its point is
lighter locks when validating in a *later* transaction, which would commit rows nobody had
checked; in the same transaction it validates the same way as a plain ``ADD``. Disabling the
triggers instead (``session_replication_role``, ``DISABLE TRIGGER ALL``) needs a superuser and
never checks the rows at all. DDL is transactional in PostgreSQL: a rejected file, an error or a
kill restores constraints and indexes with everything else.

The price: dropping a foreign key takes an ``ACCESS EXCLUSIVE`` lock on the child *and* the
parent table until commit (checked on PostgreSQL 15: a reader of the parent waits), so during a
bulk load nobody else reads the registry's tables, organisations, import batches or buurten (the
web application waits; another import, and its check for interrupted imports, waits). That is why bulk mode is only used when the
load is at least ``BULK_MIN_ROWS`` (estimated from the file size) and at least twice the
persons already registered: the initial load, before the registry is in use. A delivery into
a registry in use keeps the per-row checks.

**Writer thread** (``PgCopyWriter``): binary ``COPY`` (the server converts no integers, dates,
timestamps or booleans from text) runs in a thread of its own on the import's own
connection (so inside the same transaction), fed through a short queue, while the main thread
reads, checks and encrypts the next block; psycopg releases the GIL while it sends data and
waits for the server, so the server's work on one block overlaps with Python's on the next.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from django.db import connection

from .models import Address, Person, Report, ReportParty
from .records import db_columns
from .writer_thread import WriterThread

BULK_MIN_ROWS = 100_000  # estimated new rows from which a load may take bulk mode
COPY_CHUNK = 10_000  # rows per COPY statement in the writer thread (the main thread waits for one at most)
BULK_TABLES = (Report._meta.db_table, Person._meta.db_table, ReportParty._meta.db_table, Address._meta.db_table)
# Their unique constraints are rebuilt too, except reports' (source, record id): the load looks
# records up by it (records already present) while it runs.
UNIQUE_REBUILT = (Person._meta.db_table, ReportParty._meta.db_table)


class PgBulkLoad:
    """Drop the foreign keys and secondary indexes of reports, persons and parties for a bulk load;
    add them again (validated by PostgreSQL) before commit. See the module docstring."""

    def __init__(self, estimated_rows: int, tables: tuple[str, ...] = BULK_TABLES):
        self.estimated_rows = estimated_rows
        self.tables = tables
        self.indexes: list[str] = []  # CREATE INDEX statements
        self.foreign_keys: list[tuple[str, str, str]] = []  # (table, constraint name, definition)
        self.uniques: list[tuple[str, str, str]] = []
        self.active = False

    def applies(self) -> bool:
        """Large enough, the tables small next to it, and every deferrable constraint initially deferred
        (``SET CONSTRAINTS ALL DEFERRED`` then restores exactly the default)."""
        if self.estimated_rows < BULK_MIN_ROWS:
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Person._meta.db_table}")
            if cursor.fetchone()[0] * 2 > self.estimated_rows:
                return False
            cursor.execute(
                "SELECT COUNT(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = current_schema() AND c.condeferrable AND NOT c.condeferred"
            )
            return cursor.fetchone()[0] == 0

    def drop(self) -> bool:
        """Drop them if the load qualifies; whether it did."""
        if not self.applies():
            return False
        with connection.cursor() as cursor:
            # Trigger events queued earlier in this transaction would forbid the ALTERs: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY c.conrelid::regclass::text, c.conname",
                [list(self.tables)],
            )
            self.foreign_keys = cursor.fetchall()
            # Unique constraints no foreign key points at, of the tables the load does not look rows up in.
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'u' AND c.conrelid = ANY(%s::regclass[]) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid) "
                "ORDER BY c.conrelid::regclass::text, c.conname",
                [list(UNIQUE_REBUILT)],
            )
            self.uniques = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [list(self.tables)],
            )
            found = cursor.fetchall()
            for table, name, _ in self.foreign_keys + self.uniques:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, definition in found:
                cursor.execute(f"DROP INDEX {name}")
                self.indexes.append(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.active = True
        return True

    def rebuild(self, timings: dict | None = None) -> None:
        """Indexes built again, foreign keys added again and validated (raises on a row without its parent)."""
        if not self.active:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # e.g. the addresses written during the load
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            t0 = time.perf_counter()
            while self.indexes:
                cursor.execute(self.indexes.pop(0))
            while self.uniques:  # built by one sort; a duplicate fails the statement, and so the file
                table, name, definition = self.uniques.pop(0)
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            t1 = time.perf_counter()
            while self.foreign_keys:
                table, name, definition = self.foreign_keys.pop(0)
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if timings is not None:
                timings["index_rebuild"] = timings.get("index_rebuild", 0.0) + t1 - t0
                timings["foreign_key_validation"] = timings.get("foreign_key_validation", 0.0) + time.perf_counter() - t1
        self.active = False


class Turns:
    """Who uses the shared connection next: the main thread's statements go before the writer's next COPY.

    Why: the connection runs one statement at a time (psycopg's lock), and a lock is not a
    queue — the writer thread, finishing one COPY and starting the next, took it again before
    the waiting main thread, whose address lookups and key allocations then waited for the
    whole queue of COPYs (at 250,000 rows ≈ 5 s of the main thread's wall time). Here the main
    thread waits for the running COPY only. Re-entrant for the main thread (a lookup inside a lookup).
    """

    def __init__(self):
        self.condition = threading.Condition()
        self.busy = False
        self.main_waiting = 0
        self.depth = 0  # the main thread's nesting

    @contextmanager
    def main(self):
        with self.condition:
            if self.depth == 0:
                self.main_waiting += 1
                while self.busy:
                    self.condition.wait()
                self.main_waiting -= 1
                self.busy = True
            self.depth += 1
        try:
            yield
        finally:
            with self.condition:
                self.depth -= 1
                if self.depth == 0:
                    self.busy = False
                    self.condition.notify_all()

    @contextmanager
    def writer(self):
        with self.condition:
            while self.busy or self.main_waiting:
                self.condition.wait()
            self.busy = True
        try:
            yield
        finally:
            with self.condition:
                self.busy = False
                self.condition.notify_all()


TEXT_TYPES = {1043: 25, 1042: 25}  # varchar, char: sent as text (the same binary form)


def column_types(table: str, columns: list[str]) -> list[int]:
    """The type oids of ``columns`` of ``table``, as binary COPY needs them (``Copy.set_types``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        oids = dict(cursor.fetchall())
    return [TEXT_TYPES.get(oids[c], oids[c]) for c in columns]


class PgCopyWriter(WriterThread):
    """PostgreSQL: the column path's COPY statements in a thread of their own (``writer_thread``).

    The thread uses the raw psycopg connection (thread-safe: one statement at a time, so the main
    thread's own queries wait for a running COPY; ``Turns`` lets them go before the next one).
    """

    def __init__(self, raw_connection, depth: int = 3):
        self.raw = raw_connection
        self.types: dict[tuple, list[int]] = {}
        self.turns = Turns()  # the main thread's statements (RecordStore) go first
        super().__init__("zicht-import-copy", depth)

    def insert(self, model, fields: list[str], rows: list[tuple]) -> None:
        self._raise()
        if not rows:
            return
        table, columns = model._meta.db_table, db_columns(model, fields)
        key = (table, tuple(columns))
        if key not in self.types:
            self.types[key] = column_types(table, columns)
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        for i in range(0, len(rows), COPY_CHUNK):
            self.put((statement, self.types[key], rows[i : i + COPY_CHUNK]))

    def write(self, item) -> None:
        statement, types, rows = item
        with self.turns.writer(), self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(types)
            write = copy.write_row
            for row in rows:
                write(row)
