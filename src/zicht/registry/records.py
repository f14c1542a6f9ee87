"""The rows an import writes — addresses, reports, persons, parties — built in one place.

Why one module: the row path (``pipeline.BatchLoader``, the specification, also for XLSX)
and the column path (``fastpath.ColumnPath``, CSV blocks) used to build these rows each
their own way, with their own copies of the column lists, of the rule that picks a
report's address and of the provenance format. Both now hand a ``Records`` group (records
and their rows, in column form) to ``RecordBuilder.prepare`` and write what
``RecordBuilder.rows`` returns, through the same ``RecordStore`` (address resolution,
primary keys, inserts). What differs between the paths is only how rows are checked and
grouped, and whether encryption runs in a process pool.

The builder is column-wise (slices, ``map`` over per-distinct-value dicts, ``zip``) because
the column path writes millions of rows: a Python loop building one tuple per row cost
≈ 5 µs a row.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import accumulate, chain, repeat

from django.db import connection

from zicht.core.crypto import exit_with_parent, pack_column, place, secure_columns, unpack_column

from .domain.rows import compress_rows, expand_rows
from .models import Address, AddressRegisterEntry, Person, Report

IN_CHUNK = 500  # values per IN (...) lookup: far below every backend's parameter limit
POOL_WORKERS = 2
PARTY_ROLES_FOR_ADDRESS = ("slachtoffer", "kind")  # whose address is the report's address, first

REPORT_FIELDS = [
    "id",
    "source",
    "source_record_id",
    "soort",
    "datum",
    "aard",
    "vormen",
    "relatie",
    "kinderen_aanwezig",
    "letsel",
    "wapen",
    "huisverbod",
    "hoedanigheid_melder",
    "categorie",
    "address",
    "buurt",
    "toelichting",
    "contact_medewerker",
    "contact_telefoon",
    "import_batch",
    "source_rows",
    "created_at",
]
PERSON_FIELDS = [
    "id",
    "source",
    "source_key",
    "bsn_hash",
    "voornamen",
    "voorletters",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "address",
    "import_batch",
    "source_row",
    "created_at",
]
PARTY_FIELDS = ["report", "person", "rol"]
ADDRESS_FIELDS = ["id", "key", "postcode", "huisnummer", "toevoeging", "straat", "woonplaats", "buurt"]

# The encrypted columns in the order RecordBuilder.prepare builds them, with where they are stored
# (tokens are bound to table, column and row); rows 0 = person ids, 1 = report ids.
ENCRYPTED_PLACES = [
    place(Person._meta.db_table, c) for c in ("voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum")
] + [place(Report._meta.db_table, c) for c in ("toelichting", "contact_medewerker", "contact_telefoon")]
ENCRYPTED_COLUMN_ROWS = [0, 0, 0, 0, 0, 1, 1, 1]


def db_columns(model, fields: list[str]) -> list[str]:
    """The database columns of ``fields`` (model field names, as in REPORT_FIELDS)."""
    return [model._meta.get_field(f).column if f != "id" else "id" for f in fields]


def select_in(sql: str, values: list, params: list | tuple = ()) -> list[tuple]:
    """Rows of ``sql`` (ending in the column to match, e.g. ``… WHERE key``) for every value in ``values``:
    one ``= ANY(array)`` statement on PostgreSQL, ``IN (…)`` lists of IN_CHUNK values on SQLite."""
    if not values:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one round trip, however many values
            cursor.execute(f"{sql} = ANY(%s)", [*params, list(values)])
            return cursor.fetchall()
        rows = []
        for i in range(0, len(values), IN_CHUNK):
            chunk = values[i : i + IN_CHUNK]
            cursor.execute(f"{sql} IN ({','.join(['%s'] * len(chunk))})", [*params, *chunk])
            rows.extend(cursor.fetchall())
        return rows


def report_address_row(address: list, rol: list, start: int, end: int) -> int | None:
    """The row (index in ``start``..``end``) whose address is the report's: the first victim or
    child with an address, else the first row with one; None if no row has one."""
    first = None
    for i in range(start, end):
        if address[i] is not None:
            if rol[i] in PARTY_ROLES_FOR_ADDRESS:
                return i
            if first is None:
                first = i
    return first


@dataclass
class ImportCounts:
    """What one import has read and written so far (both paths add to the same counters)."""

    rows_total: int = 0
    last_row: int = 0
    rows_loaded: int = 0
    reports_created: int = 0
    reports_already_present: int = 0
    persons_created: int = 0
    addresses_created: int = 0
    addresses_unmatched: int = 0
    addresses_incomplete: int = 0


# -- encryption: a process pool for large files, in-process otherwise -----------------------------


class _Done(Future):
    def __init__(self, value):
        super().__init__()
        self.set_result(value)


class Securer:
    """Runs ``crypto.secure_columns`` in a process pool (large files) or in-process (small files)."""

    def __init__(self, keys: list[str], bsn_key: str, pooled: bool = False):
        self.keys, self.bsn_key = tuple(keys), bsn_key
        self.cpu_seconds = 0.0  # spent encrypting and hashing, in whichever process
        self.pool = None
        if pooled:
            context = multiprocessing.get_context("forkserver")  # workers inherit no database handle
            self.pool = ProcessPoolExecutor(
                max_workers=POOL_WORKERS, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),)
            )

    def submit(self, columns: list[list], bsns: list[str], places: list[str], row_ids: list[list[int]], column_rows: list[int]) -> Future:
        """Column i is stored at ``places[i]`` in the rows ``row_ids[column_rows[i]]``: tokens are
        bound to table, column and row (``zicht.core.crypto``)."""
        packed, sizes = [pack_column(c) for c in columns], [len(c) for c in columns]
        args = (self.keys, self.bsn_key, packed, sizes, pack_column(bsns), len(bsns), places, row_ids, column_rows)
        if self.pool is None:
            return _Done(secure_columns(*args))
        return self.pool.submit(secure_columns, *args)

    def result(self, future: Future, sizes: list[int], n_bsn: int) -> tuple[list[list], list[str]]:
        packed, hashes, cpu = future.result()
        self.cpu_seconds += cpu
        return [unpack_column(t, s) for t, s in zip(packed, sizes)], unpack_column(hashes, n_bsn)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


# -- the database side: addresses, primary keys, inserts -----------------------------------------


def _in_turn(method):
    """A RecordStore statement waits for its turn on a connection shared with a writer thread (``turns``)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.turns():
            return method(self, *args, **kwargs)

    return wrapper


class RecordStore:
    """Reads and writes of one import, inside the caller's transaction (both paths use this one)."""

    turns = staticmethod(nullcontext)  # PostgreSQL's writer thread: pgbulk.Turns.main (the main thread goes first)

    def __init__(self, *, source_id: int, counts: ImportCounts):
        self.source_id = source_id
        self.counts = counts
        self.address_cache: dict[str, tuple[int, str | None]] = {}
        self.register: dict[tuple[str, int, str], str] = {}
        self.register_loaded: set[str] = set()
        self.next_id: dict[str, int] = {}
        self.sequences: dict[str, int] = {}  # PostgreSQL: table → oid of its id sequence
        self.extra_rows: dict[int, list[int]] = {}  # report id → rows of its record found further down the file
        # report id → (victim or child row?, address id, buurt) of the rows found further down the file
        self.later_address: dict[int, tuple[bool, int, str | None]] = {}

    @_in_turn
    def present_record_ids(self, record_ids: list[str]) -> set[str]:
        """The record ids of this source already in the registry."""
        table = Report._meta.db_table
        rows = select_in(f"SELECT source_record_id FROM {table} WHERE source_id = %s AND source_record_id", record_ids, [self.source_id])
        return {r[0] for r in rows}

    @_in_turn
    def resolve_addresses(self, addresses, keys: list[str]) -> dict[str, tuple[int, str | None]]:
        """Address key → (address id, buurt code) for the AddressData given (``keys`` are theirs); creates new ones.

        Per key the first occurrence that carries a buurtcode counts, else the first: the
        outcome then does not depend on where the file is cut into chunks.
        """
        wanted = {}
        for key, a in zip(keys, addresses):
            known = wanted.setdefault(key, a)
            if a.buurtcode and not known.buurtcode:
                wanted[key] = a
        cache = self.address_cache
        unknown = [k for k in wanted if k not in cache]
        if unknown:
            for k, pk, buurt in select_in(f"SELECT key, id, buurt_id FROM {Address._meta.db_table} WHERE key", unknown):
                cache[k] = (pk, buurt)
            new = [k for k in unknown if k not in cache]
            if new:
                self._load_register({wanted[k].postcode for k in new})
                ids = self.allocate(Address, len(new))
                values = []
                for pk, key in zip(ids, new):
                    a = wanted[key]
                    buurt = (
                        a.buurtcode
                        or self.register.get((a.postcode, a.huisnummer, a.toevoeging))
                        or self.register.get((a.postcode, a.huisnummer, ""))
                    )
                    cache[key] = (pk, buurt)
                    if buurt is None:
                        self.counts.addresses_unmatched += 1
                    values.append((pk, key, a.postcode, a.huisnummer, a.toevoeging, a.straat[:120], a.woonplaats[:80], buurt))
                self.insert(Address, ADDRESS_FIELDS, values)
                self.counts.addresses_created += len(values)
        # An address known without buurt gets one as soon as a partner geocodes it.
        updates = [(k, a.buurtcode) for k, a in wanted.items() if a.buurtcode and cache[k][1] is None]
        if updates:
            table = Address._meta.db_table
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":  # one statement for all of them
                    cursor.execute(
                        f"UPDATE {table} SET buurt_id = u.code FROM unnest(%s::text[], %s::bigint[]) AS u(code, id) WHERE {table}.id = u.id",
                        [[code for _, code in updates], [cache[k][0] for k, _ in updates]],
                    )
                else:
                    cursor.executemany(f"UPDATE {table} SET buurt_id = %s WHERE id = %s", [(code, cache[k][0]) for k, code in updates])
            for k, code in updates:
                cache[k] = (cache[k][0], code)
        return {k: cache[k] for k in wanted}

    def _load_register(self, postcodes: set[str]) -> None:
        todo = sorted(postcodes - self.register_loaded)
        if not todo:
            return
        table = AddressRegisterEntry._meta.db_table
        for pc, hn, tv, buurt in select_in(f"SELECT postcode, huisnummer, toevoeging, buurt_id FROM {table} WHERE postcode", todo):
            self.register[(pc, hn, tv)] = buurt
        self.register_loaded.update(todo)

    @_in_turn
    def allocate(self, model, n: int) -> list[int]:
        """n new primary keys: from the sequence on PostgreSQL, MAX(id)+1… under SQLite's write lock."""
        if n == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The sequence's oid looked up once: pg_get_serial_sequence per row was most of nextval's cost.
                if table not in self.sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid::bigint", [table])
                    self.sequences[table] = int(cursor.fetchone()[0])
                cursor.execute(f"SELECT nextval({self.sequences[table]}::oid::regclass) FROM generate_series(1, %s)", [n])
                return [r[0] for r in cursor.fetchall()]
            if table not in self.next_id:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self.next_id[table] = cursor.fetchone()[0] + 1
        start = self.next_id[table]
        self.next_id[table] = start + n
        return list(range(start, start + n))

    @_in_turn
    def insert(self, model, fields: list[str], values: list[tuple]) -> None:
        if not values:
            return
        columns = ", ".join(db_columns(model, fields))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: one round trip instead of one per row
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"
            for i in range(0, len(values), 20000):
                cursor.executemany(sql, values[i : i + 20000])

    def extend_source_rows(self, report_rows: list[tuple[int, list[int]]]) -> None:
        """(report id, row numbers): a record written earlier gains rows further down the file, and
        its provenance will list them too (``apply_source_rows``, once every insert is done)."""
        for report_id, numbers in report_rows:
            self.extra_rows.setdefault(report_id, []).extend(numbers)

    def note_later_address(self, report_id: int, preferred: bool, address_id: int, buurt: str | None) -> None:
        """Rows of a record written earlier, found further down the file, carry an address: the
        report without one takes it (``apply_source_rows``), so that its address does not depend on
        where in the file the record's rows are (a victim's or child's row first, as
        ``report_address_row``)."""
        known = self.later_address.get(report_id)
        if known is None or (preferred and not known[0]):
            self.later_address[report_id] = (preferred, address_id, buurt)

    def apply_source_rows(self) -> None:
        """Write the provenance gathered by ``extend_source_rows`` (rare: read back and rewritten per record).

        Why at the end: the column path may still hold the report's insert (in flight for
        encryption, or queued for the writer thread) when its record comes back further down
        the file; an UPDATE then would find no row and the extra rows would be lost.
        """
        table = Report._meta.db_table
        if self.later_address:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET address_id = %s, buurt_id = %s WHERE id = %s AND address_id IS NULL",
                    [(address_id, buurt, report_id) for report_id, (_, address_id, buurt) in self.later_address.items()],
                )
            self.later_address = {}
        if not self.extra_rows:
            return
        with connection.cursor() as cursor:
            for report_id, numbers in self.extra_rows.items():
                cursor.execute(f"SELECT source_rows FROM {table} WHERE id = %s", [report_id])
                found = cursor.fetchone()
                if found is None:  # removed again (--accept-partial, a later row of the record rejected)
                    continue
                rows = expand_rows(found[0]) + numbers
                cursor.execute(f"UPDATE {table} SET source_rows = %s WHERE id = %s", [compress_rows(rows), report_id])
        self.extra_rows = {}


# -- the builder -----------------------------------------------------------------------------------


@dataclass
class Records:
    """A group of records and their rows, in column form; the rows of record k are the next
    ``sizes[k]`` rows after those of record k - 1."""

    # per record
    record_ids: list[str]
    records: list[tuple]  # Record (domain.rows), as the record's rows carry it
    sizes: list[int]  # rows of the record in this group
    report_ids: list  # the report already written for it (a record continued further down the file), or None
    offsets: list[int]  # parties of the record already written (the first person here is number offset + 1)
    # per row
    numbers: list[int]
    rol: list[str]
    bsn: list[str]
    voornamen: list[str]
    voorletters: list[str]
    tussenvoegsel: list[str]
    achternaam: list[str]
    geboortedatum: list
    geslacht: list[str]
    address: list  # AddressData or None (objects may be shared between rows)
    incomplete: list  # bool: address parts given, but no postcode or huisnummer

    @classmethod
    def from_rows(cls, groups: list[tuple[str, list, object, int]]) -> Records:
        """From the row path: (record id, its checked Rows, report id or None, parties written) per record."""
        rows = [row for _, record_rows, _, _ in groups for row in record_rows]
        persons = [row.person for row in rows]
        return cls(
            record_ids=[rid for rid, _, _, _ in groups],
            records=[r[0].record for _, r, _, _ in groups],
            sizes=[len(r) for _, r, _, _ in groups],
            report_ids=[g[2] for g in groups],
            offsets=[g[3] for g in groups],
            numbers=[r.row for r in rows],
            rol=[r.rol for r in rows],
            bsn=[p.bsn for p in persons],
            voornamen=[p.voornamen for p in persons],
            voorletters=[p.voorletters for p in persons],
            tussenvoegsel=[p.tussenvoegsel for p in persons],
            achternaam=[p.achternaam for p in persons],
            geboortedatum=[p.geboortedatum for p in persons],
            geslacht=[p.geslacht for p in persons],
            address=[r.address for r in rows],
            incomplete=[r.incomplete_address for r in rows],
        )


class Prepared:
    """One group, ready to become insert rows once its encryption is back (``RecordBuilder.rows``)."""

    __slots__ = (
        "report_columns",
        "person_columns",
        "party_rows",
        "future",
        "sizes",
        "n_bsn",
        "records",
        "persons",
        "incomplete",
        "report_of_record",
    )

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


class RecordBuilder:
    """Builds the report, person and party rows of a ``Records`` group (and resolves its addresses)."""

    def __init__(self, store: RecordStore, securer: Securer, *, batch_id: int, now, timings: dict):
        self.store = store
        self.securer = securer
        self.source_id = store.source_id
        self.batch_id = batch_id
        self.now = now
        self.timings = timings

    def prepare(self, group: Records) -> Prepared:
        """Addresses resolved (new ones written), primary keys taken, encryption submitted, rows laid out."""
        store = self.store
        address = group.address
        t0 = time.perf_counter()
        # One AddressData object per distinct address where the checker shares them: resolve those,
        # in order of first appearance (which is what a per-row scan amounts to).
        distinct = dict(zip(map(id, address), address))
        distinct.pop(id(None), None)
        keys = {ident: a.key for ident, a in distinct.items()}
        resolved = store.resolve_addresses(distinct.values(), list(keys.values()))
        self.timings["addresses"] = self.timings.get("addresses", 0.0) + time.perf_counter() - t0
        address_of = {ident: resolved[key] for ident, key in keys.items()}

        sizes, numbers, rol = group.sizes, group.numbers, group.rol
        starts = [0, *accumulate(sizes)][:-1]
        new = [k for k, report_id in enumerate(group.report_ids) if report_id is None]
        new_ids = store.allocate(Report, len(new))
        person_ids = store.allocate(Person, len(numbers))
        report_of_record = list(group.report_ids)
        for k, report_id in zip(new, new_ids):
            report_of_record[k] = report_id

        recs = [group.records[k] for k in new]
        (
            kind,
            datum,
            aard,
            vormen,
            relatie,
            kinderen,
            letsel,
            wapen,
            huisverbod,
            hoedanigheid,
            categorie,
            toelichting,
            medewerker,
            telefoon,
        ) = zip(*recs) if recs else ((),) * 14
        iso = {d: d.isoformat() for d in set(group.geboortedatum) if d is not None}
        iso[None] = ""
        columns = [
            group.voornamen,
            group.voorletters,
            group.tussenvoegsel,
            group.achternaam,
            list(map(iso.__getitem__, group.geboortedatum)),
            list(toelichting),
            list(medewerker),
            list(telefoon),
        ]
        # persons' columns are bound to person_ids, the new reports' columns to their ids
        future = self.securer.submit(columns, group.bsn, ENCRYPTED_PLACES, [list(person_ids), list(new_ids)], ENCRYPTED_COLUMN_ROWS)

        # Database values once per distinct date and per distinct set of forms.
        adapt_date = connection.ops.adapt_datefield_value
        adapt_json = connection.ops.adapt_json_value
        dates = {v: adapt_date(v) for v in set(datum)}
        forms = {v: adapt_json(list(v), None) for v in set(vormen)}
        report_address, report_buurt, source_rows = [], [], []
        for k, report_id in enumerate(group.report_ids):  # rows of a record written earlier: an address it lacked
            if report_id is not None:
                row = report_address_row(address, rol, starts[k], starts[k] + sizes[k])
                if row is not None:
                    a = address[row]
                    address_id, known_buurt = address_of[id(a)]
                    store.note_later_address(report_id, rol[row] in PARTY_ROLES_FOR_ADDRESS, address_id, a.buurtcode or known_buurt or None)
        for k in new:
            s, size = starts[k], sizes[k]
            first, last = numbers[s], numbers[s + size - 1]
            source_rows.append(
                (str(first) if first == last else f"{first}-{last}") if last - first == size - 1 else compress_rows(numbers[s : s + size])
            )
            row = report_address_row(address, rol, s, s + size)
            if row is None:
                report_address.append(None)
                report_buurt.append(None)
            else:
                a = address[row]
                address_id, known_buurt = address_of[id(a)]
                report_address.append(address_id)
                report_buurt.append(a.buurtcode or known_buurt or None)
        report_columns = (
            new_ids,
            [group.record_ids[k] for k in new],
            kind,
            list(map(dates.__getitem__, datum)),
            aard,
            list(map(forms.__getitem__, vormen)),
            relatie,
            kinderen,
            letsel,
            wapen,
            huisverbod,
            hoedanigheid,
            categorie,
            report_address,
            report_buurt,
            source_rows,
        )

        widest = max((o + s for o, s in zip(group.offsets, sizes)), default=0)
        suffixes = [f"/{k}" for k in range(1, widest + 1)]
        source_keys = [rid + suffix for rid, o, s in zip(group.record_ids, group.offsets, sizes) for suffix in suffixes[o : o + s]]
        address_ids = {ident: value[0] for ident, value in address_of.items()}
        address_ids[id(None)] = None
        person_columns = (person_ids, source_keys, group.geslacht, list(map(address_ids.__getitem__, map(id, address))), numbers)
        report_of_row = list(chain.from_iterable(map(repeat, report_of_record, sizes)))
        party_rows = list(zip(report_of_row, person_ids, rol))
        return Prepared(
            report_columns=report_columns,
            person_columns=person_columns,
            party_rows=party_rows,
            future=future,
            sizes=[len(c) for c in columns],
            n_bsn=len(group.bsn),
            records=len(new),
            persons=len(numbers),
            incomplete=sum(group.incomplete),
            report_of_record=report_of_record,
        )

    def rows(self, prepared: Prepared) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """(report rows, person rows, party rows) in REPORT_FIELDS, PERSON_FIELDS and PARTY_FIELDS order;
        waits for the group's encryption."""
        t0 = time.perf_counter()
        (voornamen, voorletters, tussenvoegsel, achternaam, dob, toelichting, medewerker, telefoon), hashes = self.securer.result(
            prepared.future, prepared.sizes, prepared.n_bsn
        )
        if "encrypt_wait" in self.timings:  # the column path's phases (pooled encryption runs meanwhile)
            self.timings["encrypt_wait"] += time.perf_counter() - t0
        source_id, batch_id, now = self.source_id, self.batch_id, self.now
        (
            report_ids,
            rids,
            kind,
            datum,
            aard,
            vormen,
            relatie,
            kinderen,
            letsel,
            wapen,
            huisverbod,
            hoedanigheid,
            categorie,
            report_address,
            report_buurt,
            source_rows,
        ) = prepared.report_columns
        r = len(report_ids)
        report_rows = list(
            zip(
                report_ids,
                repeat(source_id, r),
                rids,
                kind,
                datum,
                aard,
                vormen,
                relatie,
                kinderen,
                letsel,
                wapen,
                huisverbod,
                hoedanigheid,
                categorie,
                report_address,
                report_buurt,
                toelichting,
                medewerker,
                telefoon,
                repeat(batch_id, r),
                source_rows,
                repeat(now, r),
            )
        )
        ids, source_keys, geslacht, address_ids, numbers = prepared.person_columns
        n = len(ids)
        person_rows = list(
            zip(
                ids,
                repeat(source_id, n),
                source_keys,
                hashes,
                voornamen,
                voorletters,
                tussenvoegsel,
                achternaam,
                dob,
                geslacht,
                address_ids,
                repeat(batch_id, n),
                numbers,
                repeat(now, n),
            )
        )
        return report_rows, person_rows, prepared.party_rows
