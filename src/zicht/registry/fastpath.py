"""The column path of the import pipeline: CSV files checked and written block by block.

Why: the row path (one ``RowChecker.check``, one Row object and five ``encrypt`` calls per
row) costs ≈ 130 µs a row; a 2.5-million-row politie export took minutes. This path keeps
every guarantee of the row path and changes only how the work is done:

- **Reading** is pyarrow's CSV parser while the file is plain enough for it, and the csv
  module from the first block that is not (``readers.CsvRows.table_blocks``): same rows,
  same row numbers, same errors.
- **Checking** runs column-wise (``domain.columns.ColumnChecker``) on coded columns (distinct
  values + an index per row). Rows it cannot prove clean, and records that are not one clean,
  consistent, first-seen run of rows, go through the row path's own ``RowChecker.check``
  and ``BatchLoader._close_run``: rejects, partial loads and records spread over the file
  behave exactly as before, and the row path stays the specification.
- **Encryption and BSN hashing** run in a pool of two processes for large files
  (``FieldCipher.encrypt_many``: one nonce draw per column, same token format), while the
  main process checks the next block and inserts the previous one. Values travel to and
  from the workers as one packed string per column, not as pickled lists.
- **Inserts** run inside the file's transaction: ``COPY`` on PostgreSQL; on SQLite, for large
  files, multi-row INSERT statements in a writer thread on the same connection
  (``SqliteWriter``), so SQLite's work overlaps with reading and checking the next block.
  For a bulk load into (nearly) empty tables on SQLite the secondary indexes are dropped
  and rebuilt before commit, inside the same transaction, so a kill or a rollback restores
  them with everything else.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import chain
from operator import eq, sub
from typing import Protocol

import numpy as np
import pyarrow as pa
from django.db import connection

from .domain.columns import Block, Coded, ColumnChecker, runs
from .domain.duplicates import DuplicateLines, column_keys, line_key
from .models import Person, Report, ReportParty
from .pgbulk import PgBulkLoad, PgCopyWriter
from .readers import TableBlock, TableRows
from .records import (
    PARTY_FIELDS,
    PERSON_FIELDS,
    POOL_WORKERS,
    REPORT_FIELDS,
    ImportCounts,
    Prepared,
    RecordBuilder,
    Records,
    RecordStore,
    Securer,
    db_columns,
)
from .writer_thread import WriterThread

BLOCK_ROWS = 40_000  # rows checked at a time (cut at a record boundary) when the csv module reads
BLOCK_BYTES = 8 * 2**20  # bytes parsed at a time when pyarrow reads (readers.CsvRows.table_blocks)
POOL_MIN_BYTES = 16 * 2**20  # files from this size encrypt in a process pool
POOL_AHEAD = 2  # blocks in flight in the pool
BULK_INDEX_MIN_ROWS = 200_000  # SQLite: drop and rebuild indexes from this many (estimated) new rows
WRITER_MIN_ROWS = 200_000  # SQLite: inserts in a thread of their own from this many (estimated) new rows
PG_WRITER_MIN_ROWS = 20_000  # PostgreSQL: COPY in a thread of its own from this many (estimated) new rows
INSERT_CHUNK = 20_000  # rows handed to the writer thread at a time
STATEMENT_ROWS = 1_000  # rows per multi-row INSERT in the writer thread (bounded by SQLite's parameter limit)


# -- what the column path is given ----------------------------------------------------------------


class RowPath(Protocol):
    """The row path as the column path uses it (``pipeline.BatchLoader``): records it cannot prove
    clean, and records that come back further down the file, are the row path's."""

    failed: bool  # all-or-nothing and a row was rejected: only check from here on

    def knows(self, rid: str) -> bool: ...

    def adopt_entry(self, rid: str, report_id, first_row: int, record_hash: int, parties: int) -> None: ...

    def close_run(self, rid: str, run: list) -> None: ...

    def flush(self) -> None: ...

    def add_present(self, rid: str, first_row: int, record_hash: int, rows: list) -> None: ...


@dataclass
class ColumnPathPorts:
    """Everything the column path uses of the import it runs for, and nothing more."""

    file_size: int  # bytes: decides the encryption pool and estimates the rows
    keys: list[str]  # field-encryption keys (for the pool's workers)
    bsn_key: str
    batch_id: int
    now: object  # created_at, as the database adapter wants it
    has_existing: bool  # the source has records in the registry already (check each record id)
    chunk_records: int  # records per write
    counts: ImportCounts  # shared with the row path
    timings: dict  # seconds per phase (the import benchmark)
    store: RecordStore  # addresses, primary keys, inserts (shared with the row path)
    row_path: RowPath
    duplicates: DuplicateLines = field(default_factory=DuplicateLines)  # exact duplicate lines (shared with the row path)


class ColumnPath:
    """Drives one CSV file through ColumnChecker for a BatchLoader (same counters, same rejects)."""

    def __init__(self, ports: ColumnPathPorts, checker, rows, bar):
        self.ports = ports
        self.row_path = ports.row_path
        self.counts = ports.counts
        self.store = ports.store
        self.checker = checker
        self.columns = ColumnChecker(checker)
        self.rows = rows
        self.bar = bar
        self.fast_index: dict[str, tuple] = {}  # record id → (report id or None, first row, record hash, parties)
        size = ports.file_size
        self.securer = Securer(ports.keys, ports.bsn_key, pooled=size >= POOL_MIN_BYTES and worker_count() > 1)
        self.timings = ports.timings
        self.builder = RecordBuilder(ports.store, self.securer, batch_id=ports.batch_id, now=ports.now, timings=self.timings)
        self.estimated_rows = size // 120
        self.writer: SqliteWriter | PgCopyWriter | None = None

    # -- driving ---------------------------------------------------------------------------
    def run(self) -> None:
        # Millions of short-lived lists and tuples, no reference cycles: the cyclic garbage
        # collector would walk the growing heap again and again for nothing.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        bulk = None
        if connection.vendor == "sqlite":
            bulk = BulkIndexes(self.estimated_rows)
            bulk.drop()
            if self.estimated_rows >= WRITER_MIN_ROWS:
                self.writer = SqliteWriter(connection.connection)
        elif connection.vendor == "postgresql":
            bulk = PgBulkLoad(self.estimated_rows)
            bulk.drop()
            if self.estimated_rows >= PG_WRITER_MIN_ROWS:
                self.writer = PgCopyWriter(connection.connection)
                self.store.turns = self.writer.turns.main
        in_flight: list[Prepared] = []
        try:
            if hasattr(self.rows, "table_blocks"):
                blocks = self.rows.table_blocks(self.checker.width, BLOCK_BYTES)
            else:
                blocks = self.rows.blocks(BLOCK_ROWS)
            carry = None  # the trailing run of the last block: its record may continue in the next one
            while True:
                t0 = time.perf_counter()
                fresh = next(blocks, None)
                self.timings["read"] += time.perf_counter() - t0
                if fresh is None:
                    if carry is None:
                        break
                    head, carry = carry, None
                else:
                    head, carry = _cut(_joined(carry, fresh), self.checker.record_index)
                    if head is None:
                        continue
                for prepared in self._block(head):
                    in_flight.append(prepared)
                    while len(in_flight) > POOL_AHEAD * 2:
                        self._write(in_flight.pop(0))
                if self.row_path.failed:  # all-or-nothing and a row was rejected: only check from here on
                    in_flight.clear()
                if fresh is None:
                    break
            while in_flight and not self.row_path.failed:
                self._write(in_flight.pop(0))
            self._close_writer()
            if isinstance(bulk, PgBulkLoad) and not self.row_path.failed:
                bulk.rebuild(self.timings)
            elif bulk is not None and not self.row_path.failed:
                t0 = time.perf_counter()
                bulk.rebuild()
                self.timings["index_rebuild"] += time.perf_counter() - t0
        finally:
            self._close_writer(raise_error=False)
            self.timings["encrypt_cpu"] = self.securer.cpu_seconds
            self.timings["encrypt_in_pool"] = float(self.securer.pool is not None)
            self.securer.close()
            if gc_was_enabled:
                gc.enable()

    def _close_writer(self, raise_error: bool = True) -> None:
        """Wait for every insert handed to the writer thread (before indexes, commit or rollback)."""
        if self.writer is None:
            return
        writer, self.writer = self.writer, None
        self.store.__dict__.pop("turns", None)  # the connection is the main thread's alone again
        t0 = time.perf_counter()
        try:
            writer.close(raise_error)
        finally:
            self.timings["insert"] += time.perf_counter() - t0
            self.timings["insert_in_thread"] = writer.busy_seconds

    def _block(self, rows):
        t0 = time.perf_counter()
        if isinstance(rows, TableBlock):
            numbers, table = rows.numbers(), rows.table
            self.counts.rows_total += len(numbers)
            self.counts.last_row = numbers[-1]
            coded = _coded(table, range(table.num_columns))  # every column: duplicate lines compare whole lines
            keep = self._not_repeated(numbers, column_keys([(c.values, c.codes) for c in coded.values()], len(numbers)))
            if keep is not None:  # exact duplicate lines are left out before anything is checked
                table = table.filter(pa.array(keep))
                numbers = [n for n, k in zip(numbers, keep) if k]
                coded = {i: Coded(c.values, c.codes[keep]) for i, c in coded.items()}
            if not numbers:
                return []
            block = self.columns.check_coded(numbers, TableRows(table), {i: coded[i] for i in self.columns.used})
        else:
            numbers, cells = rows
            self.counts.rows_total += len(numbers)
            self.counts.last_row = numbers[-1]
            keep = self._not_repeated(numbers, [line_key(c) for c in cells])
            if keep is not None:
                numbers = [n for n, k in zip(numbers, keep) if k]
                cells = [c for c, k in zip(cells, keep) if k]
            if not numbers:
                return []
            block = self.columns.check(numbers, cells)
        self.bar.update(len(numbers))
        fast, slow = self._classify(block)
        t1 = time.perf_counter()
        self.timings["check"] += t1 - t0
        for start, end in slow:
            self._slow_run(block, start, end)
        t2 = time.perf_counter()
        self.timings["row_path"] += t2 - t1
        addresses_before = self.timings["addresses"]
        if self.row_path.failed or not fast:
            return []
        group = self.ports.chunk_records
        prepared = [self._prepare(block, fast[i : i + group]) for i in range(0, len(fast), group)]
        prepared = [p for p in prepared if p is not None]  # None: every record of the group was present
        self.timings["build"] += time.perf_counter() - t2 - self.timings["addresses"] + addresses_before
        return prepared

    def _not_repeated(self, numbers: list[int], keys) -> np.ndarray | None:
        """Which lines of a block to keep (None: all); a line repeating an earlier one is counted, not kept."""
        repeats = self.ports.duplicates.first_rows(keys, numbers)
        if not repeats.any():
            return None
        return repeats == 0

    def _classify(self, block: Block) -> tuple[list, list]:
        """Runs of one record: fast (clean, consistent, first and only run so far) or slow."""
        ids, records, clean = block.record_ids, block.records, block.clean
        n = len(block)
        starts = runs(ids)
        bounds = list(zip(starts, [*starts[1:], n]))
        slow_runs: set[int] = set()
        dirty = [i for i in range(n) if not clean[i]] if clean.count(0) else []
        dirty += [i for i in range(1, n) if ids[i] == ids[i - 1] and records[i] != records[i - 1] and clean[i] and clean[i - 1]]
        for i in dirty:
            slow_runs.add(bisect_right(starts, i) - 1)
        run_ids = [ids[s] for s in starts]
        if len(set(run_ids)) != len(run_ids):  # a record split over runs of this block
            seen_once: dict[str, int] = {}
            for k, rid in enumerate(run_ids):
                if rid in seen_once:
                    slow_runs.add(k)
                    slow_runs.add(seen_once[rid])
                else:
                    seen_once[rid] = k
        knows, fast_index = self.row_path.knows, self.fast_index
        fast, slow = [], []
        for k, (rid, bound) in enumerate(zip(run_ids, bounds)):
            if k in slow_runs or rid in fast_index or knows(rid):
                slow.append(bound)
            else:
                fast.append(bound)
        return fast, slow

    def _slow_run(self, block: Block, start: int, end: int) -> None:
        """The row path for one run: RowChecker.check per row and BatchLoader.close_run."""
        row_path, checker = self.row_path, self.checker
        rid = block.record_ids[start]
        if rid and rid in self.fast_index and not row_path.knows(rid):
            row_path.adopt_entry(rid, *self.fast_index[rid])
        run = []
        for i in range(start, end):
            row, rejects = checker.check(block.cells[i], block.numbers[i])
            run.append((block.numbers[i], row, rejects))
        row_path.close_run(rid, run)

    # -- fast records ----------------------------------------------------------------------
    def _prepare(self, block: Block, fast: list) -> Prepared | None:
        """A group of fast records handed to the records builder, its columns sliced from the block."""
        ids = block.record_ids
        if self.ports.has_existing:
            present = self.store.present_record_ids([ids[s] for s, _ in fast])
            if present:
                check = self.checker.check
                for s, e in fast:
                    if ids[s] in present:  # the row path compares it with the stored version (corrections)
                        rows = [check(block.cells[i], block.numbers[i])[0] for i in range(s, e)]
                        self.row_path.add_present(ids[s], block.numbers[s], hash(block.records[s]), rows)
                fast = [(s, e) for s, e in fast if ids[s] not in present]
                if not fast:
                    return None
        starts = [s for s, _ in fast]
        ends = [e for _, e in fast]
        if all(map(eq, ends[:-1], starts[1:])):  # the usual case: one contiguous stretch of rows
            lo, hi = starts[0], ends[-1]

            def pick(column):
                return column[lo:hi]
        else:
            rows = [i for s, e in fast for i in range(s, e)]

            def pick(column):
                return list(map(column.__getitem__, rows))

        recs = list(map(block.records.__getitem__, starts))
        sizes = list(map(sub, ends, starts))
        rids = list(map(ids.__getitem__, starts))
        group = Records(
            record_ids=rids,
            records=recs,
            sizes=sizes,
            report_ids=[None] * len(fast),
            offsets=[0] * len(fast),
            numbers=pick(block.numbers),
            rol=pick(block.rol),
            bsn=pick(block.bsn),
            voornamen=pick(block.voornamen),
            voorletters=pick(block.voorletters),
            tussenvoegsel=pick(block.tussenvoegsel),
            achternaam=pick(block.achternaam),
            geboortedatum=pick(block.geboortedatum),
            geslacht=pick(block.geslacht),
            address=pick(block.address),
            incomplete=pick(block.incomplete),
        )
        prepared = self.builder.prepare(group)
        firsts = list(map(block.numbers.__getitem__, starts))
        self.fast_index.update(zip(rids, zip(prepared.report_of_record, firsts, map(hash, recs), sizes)))
        self.counts.addresses_incomplete += prepared.incomplete
        return prepared

    def _write(self, prepared: Prepared) -> None:
        counts = self.counts
        t0 = time.perf_counter()
        waited = self.timings["encrypt_wait"]
        report_rows, person_rows, party_rows = self.builder.rows(prepared)
        t2 = time.perf_counter()
        self.timings["build"] += t2 - t0 - (self.timings["encrypt_wait"] - waited)
        if self.writer is not None:
            self.writer.insert(Report, REPORT_FIELDS, report_rows)
            self.writer.insert(Person, PERSON_FIELDS, person_rows)
            self.writer.insert(ReportParty, PARTY_FIELDS, party_rows)
        else:
            self.store.insert(Report, REPORT_FIELDS, report_rows)
            self.store.insert(Person, PERSON_FIELDS, person_rows)
            self.store.insert(ReportParty, PARTY_FIELDS, party_rows)
        self.timings["insert"] += time.perf_counter() - t2
        counts.reports_created += prepared.records
        counts.persons_created += prepared.persons
        counts.rows_loaded += prepared.persons
        self.row_path.flush()  # the row path's pending records, and the hook the kill test waits on


def _joined(carry, fresh):
    """The held-back rows followed by a fresh block (tables stay tables; rows once the reader fell back)."""
    if carry is None:
        return fresh
    if isinstance(carry, TableBlock) and isinstance(fresh, TableBlock):
        return TableBlock(carry.first, pa.concat_tables([carry.table, fresh.table]))
    carry_numbers, carry_cells = _as_rows(carry)
    numbers, cells = _as_rows(fresh)
    return carry_numbers + numbers, carry_cells + cells


def _as_rows(block) -> tuple[list[int], list[list]]:
    if isinstance(block, TableBlock):
        return block.numbers(), TableRows(block.table).all()
    return block


def _cut(block, record_index: int):
    """(rows up to the trailing run of equal record ids, that trailing run); (None, block) if it is all one run."""
    if isinstance(block, TableBlock):
        column = block.table.column(record_index).combine_chunks()
        if column.null_count:
            column = column.fill_null("")
        encoded = column.dictionary_encode()
        stripped = [v.strip() for v in encoded.dictionary.to_pylist()]  # ' 12' and '12' are one record
        number = dict(zip(dict.fromkeys(stripped), range(len(stripped))))
        ids = np.array([number[v] for v in stripped], dtype=np.int64)[encoded.indices.to_numpy()]
        differs = np.flatnonzero(ids != ids[-1])
        cut = int(differs[-1]) + 1 if differs.size else 0
        if cut == 0:
            return None, block
        return (TableBlock(block.first, block.table.slice(0, cut)), TableBlock(block.first + cut, block.table.slice(cut)))
    numbers, cells = block
    cut = _last_run_start(cells, record_index)
    if cut == 0:
        return None, block
    return (numbers[:cut], cells[:cut]), (numbers[cut:], cells[cut:])


def _coded(table, used: list[int]) -> dict[int, Coded]:
    """The ``used`` columns of a table coded by pyarrow (distinct values + int32 indices), nulls as None."""
    coded = {}
    for i in used:
        column = table.column(i).combine_chunks()
        if column.null_count == len(column):  # padding for short rows
            coded[i] = Coded.constant(None, len(column))
            continue
        encoded = column.dictionary_encode()
        coded[i] = Coded(encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False))
    return coded


def _last_run_start(cells: list[list], record_index: int) -> int:
    """Index of the first row of the trailing run of equal record ids (as the pipeline reads them)."""

    def rid(row):
        raw = row[record_index] if record_index < len(row) else None
        return str(raw).strip() if raw is not None else ""

    last = rid(cells[-1])
    i = len(cells) - 1
    while i > 0 and rid(cells[i - 1]) == last:
        i -= 1
    return i


class SqliteWriter(WriterThread):
    """SQLite: the inserts of the column path in a thread of their own (``writer_thread``).

    Why on SQLite: it does its B-tree work inside ``sqlite3_step``, which Python runs without the
    GIL, so on two cores most of the insert time leaves the main thread.
    """

    def __init__(self, raw_connection, depth: int = 3):
        self.inserter = MultiRowInserter(raw_connection)
        super().__init__("zicht-import-writer", depth)

    def insert(self, model, fields: list[str], rows: list[tuple]) -> None:
        self._raise()
        if not rows:
            return
        columns = db_columns(model, fields)
        for i in range(0, len(rows), INSERT_CHUNK):
            self.put((model._meta.db_table, columns, rows[i : i + INSERT_CHUNK]))

    def write(self, item) -> None:
        self.inserter.insert(*item)


class MultiRowInserter:
    """SQLite: many rows per INSERT statement (``VALUES (…), (…), …``) on a DB-API connection.

    Why: each statement is one ``sqlite3_step``, during which Python lets go of the GIL. With
    ``executemany`` the writer thread had to take the GIL back after every row — while the
    main thread held it — and mostly waited; with a thousand rows per statement it takes it
    back once per thousand. It is also cheaper on its own (one statement run per thousand rows).
    """

    def __init__(self, raw_connection):
        self.raw = raw_connection
        self.max_params = raw_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self.statements: dict[tuple, str] = {}

    def insert(self, table: str, columns: list[str], rows: list) -> None:
        width = len(columns)
        per_statement = max(1, min(STATEMENT_ROWS, self.max_params // width))
        execute = self.raw.execute
        for i in range(0, len(rows), per_statement):
            part = rows[i : i + per_statement]
            execute(self._statement(table, columns, len(part)), list(chain.from_iterable(part)))

    def _statement(self, table: str, columns: list[str], n: int) -> str:
        key = (table, n)
        sql = self.statements.get(key)
        if sql is None:
            one = "(" + ", ".join("?" * len(columns)) + ")"
            sql = self.statements[key] = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([one] * n)
        return sql


class BulkIndexes:
    """SQLite: drop the secondary indexes of the three big tables for a bulk load, rebuild them before commit.

    Inserting millions of random keys (BSN hash, address, date) into a B-tree misses the page
    cache on nearly every row; building an index afterwards is one sort. Measured on 1 M person
    rows (CPU s): all indexes kept 12.1; only the append-only ones (ids, batch, source) kept 9.1;
    none kept, all rebuilt 8.1. Only when the load is large and the tables are
    small next to it (rebuilding over millions of existing rows would cost more than it saves).
    DDL is transactional in SQLite, so a rollback or a kill brings the indexes back with the rest.
    """

    TABLES = (Report._meta.db_table, Person._meta.db_table, ReportParty._meta.db_table)

    def __init__(self, estimated_rows: int):
        self.estimated_rows = estimated_rows
        self.saved: list[str] = []

    def drop(self) -> None:
        """Drop the indexes if the load is large and the tables small next to it."""
        if self.estimated_rows < BULK_INDEX_MIN_ROWS:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Person._meta.db_table}")
            if cursor.fetchone()[0] * 2 > self.estimated_rows:
                return
        self.drop_all()

    def drop_all(self) -> None:
        """Drop every secondary index of the three tables (the inline UNIQUE autoindexes cannot be)."""
        with connection.cursor() as cursor:
            marks = ",".join(["%s"] * len(self.TABLES))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
                list(self.TABLES),
            )
            indexes = cursor.fetchall()
            for name, sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                self.saved.append(sql)

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            while self.saved:
                cursor.execute(self.saved.pop(0))


def worker_count() -> int:
    return min(POOL_WORKERS, os.cpu_count() or 1)
