"""The import pipeline: one partner file, one profile, one transaction.

Why it looks like this:
- **Atomic per file.** Everything a file adds (addresses, reports, persons, parties and the
  batch's final status) is written inside one database transaction. A crash, a kill or a
  rejected row leaves the registry exactly as it was; only the batch row (status
  'rejected' or 'failed', with its rejects) is recorded outside it, for the audit trail.
- **Idempotent.** A file already loaded with the same profile (same SHA-256) adds nothing
  and is recorded as 'duplicate'; a record already present (same source and record id) is
  never duplicated, so overlapping exports are safe.
- **Fast.** CSV files take the column path (``fastpath.py``): blocks of rows checked column
  by column with the row checker's own rules, encryption in a worker pool, bulk inserts.
  Rows and records it cannot prove clean go through the row path below (``domain.rows`` row
  by row, ``_close_run`` per record), which stays the specification and handles XLSX.
  Inserts are ``executemany`` in chunks on SQLite and ``COPY`` on PostgreSQL; primary keys
  are taken from the sequence on PostgreSQL and from MAX(id) under SQLite's write lock.
- **Provenance.** Every report, person and new address points to its ImportBatch; reports
  keep their source rows ('2-5'), persons their source row.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zicht.core.crypto import bsn_hash, cipher, place
from zicht.core.spreadsheet import csv_writer
from zicht.geo.models import Buurt

from .domain.profile import Profile, find_profile
from .domain.rows import HeaderError, Reject, RowChecker, compress_rows, defuse, expand_rows
from .models import Address, AddressRegisterEntry, ImportBatch, Organisation, Person, Report, ReportParty, check_bsn_key
from .readers import FileFormatError, read_rows

log = logging.getLogger(__name__)
# Where each encrypted value is stored: tokens are bound to table, column and row (zicht.core.crypto).
W_TOELICHTING, W_MEDEWERKER, W_TELEFOON = (place(Report._meta.db_table, c) for c in ("toelichting", "contact_medewerker", "contact_telefoon"))
W_VOORNAMEN, W_VOORLETTERS, W_TUSSENVOEGSEL, W_ACHTERNAAM, W_GEBOORTEDATUM = (
    place(Person._meta.db_table, c) for c in ("voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum"))

CHUNK_RECORDS = 5000
MAX_STORED_REJECTS = 1000
IN_CHUNK = 500  # values per IN (...) lookup: far below every backend's parameter limit
PARTY_ROLES_FOR_ADDRESS = ("slachtoffer", "kind")
SQLITE_CACHE_KIB = 262144  # 256 MB page cache while importing


class _Abort(Exception):
    """Roll back the file's transaction (rejected rows without --accept-partial)."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_organisation(profile: Profile) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        code=profile.source_code, defaults={"naam": profile.source_name, "type": profile.source_type}
    )
    return org


def import_file(
    path,
    profile: Profile | str,
    *,
    accept_partial: bool = False,
    user=None,
    rejects_out: Path | None = None,
    progress: bool = False,
    file_name: str | None = None,
    today: date | None = None,
    column_path: bool = True,
) -> ImportBatch:
    """Import one partner file; returns its ImportBatch (status loaded/partial/rejected/duplicate).

    Raises ProfileError for an unknown or invalid profile; any unexpected error marks the
    batch 'failed' (nothing loaded) and is re-raised. ``column_path=False`` forces the row
    path for a CSV file (the equivalence tests compare both).
    """
    if isinstance(profile, str):
        profile = find_profile(profile)
    check_bsn_key()  # hashes under another key chain would never link (zicht rotate-bsn-key)
    path = Path(path)
    file_name = file_name or path.name
    sha = file_sha256(path)
    source = source_organisation(profile)

    previous = (
        ImportBatch.objects.filter(file_sha256=sha, profile=profile.name, status__in=("loaded", "partial"))
        .order_by("started_at")
        .first()
    )
    if previous is not None:
        when = timezone.localtime(previous.finished_at or previous.started_at).strftime("%d-%m-%Y %H:%M")
        return ImportBatch.objects.create(
            file_name=file_name, file_sha256=sha, profile=profile.name, profile_sha256=profile.sha256,
            source=source, status="duplicate", imported_by=user, duplicate_of=previous,
            accept_partial=accept_partial, finished_at=timezone.now(),
            message=f"Dit bestand is al geladen met profiel {profile.name} (import #{previous.pk}, {when}); er is niets toegevoegd.",
        )

    batch = ImportBatch.objects.create(
        file_name=file_name, file_sha256=sha, profile=profile.name, profile_sha256=profile.sha256,
        source=source, status="running", imported_by=user, accept_partial=accept_partial,
    )
    rejects = RejectLog(rejects_out)
    loader = BatchLoader(batch, profile, path, file_name, rejects, accept_partial=accept_partial,
                         progress=progress, today=today or timezone.localdate(), column_path=column_path)
    try:
        try:
            started = time.perf_counter()
            with transaction.atomic():
                loader.run()
                status = "partial" if loader.rejects.rows else "loaded"
                _finish(batch, loader, status, loader.summary(status))
                transaction.on_commit(lambda: _announce(batch))
                loader.timings["before_commit"] = time.perf_counter() - started
            loader.timings["with_commit"] = time.perf_counter() - started
        except _Abort:
            _finish(batch, loader, "rejected", loader.summary("rejected"), rolled_back=True)
        except (FileFormatError, HeaderError) as exc:
            row = getattr(exc, "row", 1)
            loader.rejects.add(Reject(file_name, row or 0, "(bestand)", str(exc)))
            _finish(batch, loader, "rejected", f"Afgewezen: {exc}. Er is niets geladen.", rolled_back=True)
        except Exception as exc:
            log.error("Import #%s failed after row %s: %s", batch.pk, loader.rows_total, type(exc).__name__)
            _finish(batch, loader, "failed",
                    f"Import mislukt na rij {loader.last_row} ({type(exc).__name__}); er is niets geladen.",
                    rolled_back=True)
            raise
    finally:
        rejects.close()
    batch.timings = loader.timings  # not stored: for the import benchmark
    return batch


def _announce(batch: ImportBatch) -> None:
    """Tell subscribers (linkage, casework) about a committed batch. A failing receiver cannot undo
    the import, which is already committed: the batch is flagged 'nabewerking mislukt' (step and
    error class, no values) and `zicht retry-batch N` runs the steps again (registry.postprocess)."""
    from .postprocess import run_postprocessing

    run_postprocessing(batch)


def _finish(batch: ImportBatch, loader: "BatchLoader", status: str, message: str, rolled_back: bool = False) -> None:
    batch.status = status
    batch.message = message[:500]
    batch.rows_total = loader.rows_total
    batch.rows_rejected = loader.rejects.rows
    batch.rejects = loader.rejects.stored
    created = (0, 0, 0, 0, 0, 0, 0) if rolled_back else (
        loader.rows_loaded, loader.reports_created, loader.reports_already_present, loader.persons_created,
        loader.addresses_created, loader.addresses_unmatched, loader.addresses_incomplete)
    (batch.rows_loaded, batch.reports_created, batch.reports_already_present, batch.persons_created,
     batch.addresses_created, batch.addresses_unmatched, batch.addresses_incomplete) = created
    batch.finished_at = timezone.now()
    batch.save()


class RejectLog:
    """Collects rejects: all of them streamed to the rejects CSV, the first 1000 kept for the batch."""

    HEADER = ["file", "row", "field", "reason"]

    def __init__(self, out: Path | None):
        self.stored: list[dict] = []
        self.count = 0
        self._rows: set[int] = set()
        self._handle = None
        self._writer = None
        if out is not None:
            self._handle = Path(out).open("w", encoding="utf-8", newline="")
            self._writer = csv_writer(self._handle)
            self._writer.writerow(self.HEADER)

    @property
    def rows(self) -> int:
        return len(self._rows)

    def add(self, reject: Reject) -> None:
        self.count += 1
        self._rows.add(reject.row)
        if len(self.stored) < MAX_STORED_REJECTS:
            self.stored.append(reject.as_dict())
        if self._writer is not None:
            # defuse: a reason may quote partner wording; a spreadsheet must never run it
            self._writer.writerow([defuse(reject.file, 255), reject.row, defuse(reject.field, 60), defuse(reject.reason, 300)])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class _Entry:
    """What the loader remembers about one record id of this file."""

    __slots__ = ("report_id", "first_row", "record", "parties", "state", "rows", "bad_row")

    def __init__(self, first_row: int, record):
        self.report_id = None
        self.first_row = first_row
        self.record = hash(record)
        self.parties = 0
        self.state = "pending"  # pending | flushed | present | bad
        self.rows: list = []
        self.bad_row = 0


class BatchLoader:
    """Streams one file through the checker and into the database (inside the caller's transaction)."""

    def __init__(self, batch, profile, path, file_name, rejects, *, accept_partial, progress, today,
                 column_path=True):
        self.batch = batch
        self.profile = profile
        self.path = path
        self.file_name = file_name
        self.rejects = rejects
        self.accept_partial = accept_partial
        self.progress = progress
        self.today = today
        self.rows_total = self.rows_loaded = self.last_row = 0
        self.reports_created = self.reports_already_present = self.persons_created = 0
        self.addresses_created = self.addresses_unmatched = self.addresses_incomplete = 0
        self.failed = False  # all-or-nothing and a row was rejected: only validate from here on
        self.entries: dict[str, _Entry] = {}
        self.pending: list[_Entry] = []
        self.pending_ids: list[str] = []
        self.bad_flushed: list[int] = []
        self.address_cache: dict[str, tuple[int, str | None]] = {}
        self.register: dict[tuple[str, int, str], str] = {}
        self.register_loaded: set[str] = set()
        self._next_id: dict[str, int] = {}
        self.column_path = column_path and profile.file_type == "csv"
        # Seconds per phase (row path: read+check is the rest of run()); the import benchmark prints them.
        self.timings = {"addresses": 0.0, "encrypt_and_build": 0.0, "insert": 0.0}
        if self.column_path:
            self.timings.update(dict.fromkeys(
                ("read", "check", "row_path", "build", "encrypt_wait", "index_rebuild"), 0.0))

    # -- driving ---------------------------------------------------------------------------
    def run(self) -> None:
        header, rows = read_rows(self.path, self.profile)
        known_buurten = set(Buurt.objects.values_list("code", flat=True))
        checker = RowChecker(self.profile, header, file_name=self.file_name, today=self.today,
                             known_buurten=known_buurten)
        # Take the database's write lock first (SQLite: before reading MAX(id)).
        ImportBatch.objects.filter(pk=self.batch.pk).update(status="running")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # keep the indexes being written in memory (this connection only)
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        self.source_id = self.batch.source_id
        self.batch_id = self.batch.pk
        self.has_existing = Report.objects.filter(source_id=self.source_id).exists()
        self.encrypt = cipher().encrypt
        self.keys = list(settings.FIELD_ENCRYPTION_KEYS)
        self.bsn_key = settings.BSN_HASH_KEY
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

        bar = _progress(self.progress, self.file_name)
        if self.column_path:
            from .fastpath import ColumnPath

            ColumnPath(self, checker, rows, bar).run()
            bar.close()
            self._finish_run()
            return
        run_id, run = None, []
        record_index = checker.record_index
        for row_number, cells in rows:
            self.rows_total += 1
            self.last_row = row_number
            if self.rows_total % 5000 == 0:
                bar.update(5000)
            row, row_rejects = checker.check(cells, row_number)
            if row is not None:
                rid = row.record_id
            else:
                raw = cells[record_index] if record_index < len(cells) else None
                rid = str(raw).strip() if raw is not None else ""
            if rid != run_id and run:
                self._close_run(run_id, run)
                run = []
            run_id = rid
            run.append((row_number, row, row_rejects))
        if run:
            self._close_run(run_id, run)
        bar.close()
        self._finish_run()

    def _finish_run(self) -> None:
        if self.rows_total == 0:
            raise FileFormatError("bestand bevat geen gegevensrijen (alleen een kopregel)", 1)
        if self.failed:
            raise _Abort
        self._flush()
        if self.bad_flushed:
            self._delete_reports(self.bad_flushed)
        if self.rows_loaded == 0 and self.rejects.rows:
            raise _Abort  # --accept-partial, but no valid row at all

    def summary(self, status: str) -> str:
        if status == "rejected":
            return (f"Afgewezen: {self.rejects.rows} van {self.rows_total} rijen voldoen niet aan het profiel; "
                    "er is niets geladen. Herstel het bestand of laad met 'deels laden' alleen de geldige rijen.")
        text = (f"{self.rows_loaded} van {self.rows_total} rijen geladen: {self.reports_created} nieuwe records, "
                f"{self.persons_created} personen, {self.addresses_created} nieuwe adressen")
        if self.addresses_unmatched:
            text += f" ({self.addresses_unmatched} zonder buurt)"
        if self.addresses_incomplete:
            text += f"; {self.addresses_incomplete} rijen zonder adres geladen (postcode of huisnummer ontbreekt)"
        if self.reports_already_present:
            text += f"; {self.reports_already_present} records waren al aanwezig"
        if status == "partial":
            text += f"; {self.rejects.rows} rijen afgewezen"
        return text + "."

    def chunk_records(self) -> int:
        """Records per write (read at call time, so tests can make chunks tiny)."""
        return CHUNK_RECORDS

    def adopt_entry(self, rid: str, report_id, first_row: int, record_hash: int, parties: int) -> None:
        """A record written by the column path shows up again later in the file: the row path
        takes it over with what it would have remembered itself."""
        entry = _Entry(first_row, None)
        entry.record, entry.report_id, entry.parties = record_hash, report_id, parties
        entry.state = "flushed" if report_id is not None else "present"
        self.entries[rid] = entry

    # -- records ---------------------------------------------------------------------------
    def _close_run(self, rid: str, run: list) -> None:
        """Decide about one run of consecutive rows with the same record id."""
        add = self.rejects.add
        good = [(n, row) for n, row, rej in run if row is not None]
        bad_rows = [n for n, row, rej in run if row is None]
        for _, _, rej in run:
            for reject in rej:
                add(reject)
        entry = self.entries.get(rid) if rid else None
        # Record-level columns must agree on every row of a record.
        reference_row, reference = (entry.first_row, entry.record) if entry else (None, None)
        if good and reference is None:
            reference_row, reference = good[0][0], hash(good[0][1].record)
            first_record = good[0][1].record
        else:
            first_record = None
        consistent = []
        for n, row in good:
            if hash(row.record) != reference:
                field = _differing_field(first_record, row.record) if first_record else "report"
                add(Reject(self.file_name, n, field,
                           f"recordgegevens wijken af van rij {reference_row} met hetzelfde registratienummer"))
                bad_rows.append(n)
            else:
                consistent.append((n, row))
        if entry is not None and entry.state == "bad":
            bad_rows = bad_rows or [entry.bad_row]
        if bad_rows:
            if not self.accept_partial:
                self.failed = True
                return
            first_bad = min(bad_rows)
            for n, _ in consistent:
                add(Reject(self.file_name, n, "(record)",
                           f"overgeslagen: rij {first_bad} van hetzelfde record is afgewezen"))
            if entry is None:
                entry = _Entry(first_bad, None)
                self.entries[rid] = entry
            elif entry.state == "flushed" and entry.report_id is not None:
                self.bad_flushed.append(entry.report_id)
            elif entry.state == "pending":
                entry.rows = []
            entry.state = "bad"
            entry.bad_row = entry.bad_row or first_bad
            return
        if self.failed or not consistent:
            return
        if entry is None:
            entry = _Entry(consistent[0][0], consistent[0][1].record)
            self.entries[rid] = entry
        if entry.state == "present":
            return
        if entry.state == "flushed" or not entry.rows:
            self.pending.append(entry)
            self.pending_ids.append(rid)
        entry.rows.extend(row for _, row in consistent)
        if len(self.pending) >= CHUNK_RECORDS:
            self._flush()

    # -- writing ---------------------------------------------------------------------------
    def _flush(self) -> None:
        if not self.pending:
            return
        pending = list(zip(self.pending_ids, self.pending))
        self.pending, self.pending_ids = [], []
        if self.has_existing:
            new_ids = [rid for rid, e in pending if e.report_id is None]
            present = self._present_record_ids(new_ids)
            if present:
                for rid, entry in pending:
                    if rid in present and entry.report_id is None:
                        entry.state, entry.rows = "present", []
                        self.reports_already_present += 1
                pending = [(rid, e) for rid, e in pending if e.state != "present"]
        rows = [row for _, entry in pending for row in entry.rows]
        t0 = time.perf_counter()
        addresses = self._resolve_addresses(row.address for row in rows)
        t1 = time.perf_counter()
        self.timings["addresses"] += t1 - t0

        new_reports = [(rid, e) for rid, e in pending if e.report_id is None]
        self._extend_source_rows([e for _, e in pending if e.report_id is not None])
        report_ids = self._allocate(Report, len(new_reports))
        person_ids = self._allocate(Person, len(rows))
        encrypt, now, batch_id, source_id = self.encrypt, self.now, self.batch_id, self.source_id
        adapt_date = connection.ops.adapt_datefield_value
        adapt_json = connection.ops.adapt_json_value
        report_values = []
        for (rid, entry), report_id in zip(new_reports, report_ids):
            entry.report_id = report_id
            rec = entry.rows[0].record
            address_row = _address_row(entry.rows)
            address_id, address_buurt = addresses.get(address_row.address.key, (None, None)) if address_row else (None, None)
            buurt = (address_row.address.buurtcode or address_buurt) if address_row else None
            report_values.append((
                report_id, source_id, rid, rec.kind, adapt_date(rec.datum), rec.aard, adapt_json(list(rec.vormen), None),
                rec.relatie, rec.kinderen_aanwezig, rec.letsel, rec.wapen, rec.huisverbod, rec.hoedanigheid_melder,
                rec.categorie, address_id, buurt or None, encrypt(rec.toelichting, W_TOELICHTING, report_id),
                encrypt(rec.contact_medewerker, W_MEDEWERKER, report_id), encrypt(rec.contact_telefoon, W_TELEFOON, report_id), batch_id, compress_rows([r.row for r in entry.rows]), now,
            ))
        person_values, party_values = [], []
        key = self.bsn_key
        ids = iter(person_ids)
        for rid, entry in pending:
            report_id = entry.report_id
            for row in entry.rows:
                person_id = next(ids)
                entry.parties += 1
                p = row.person
                address_id = addresses[row.address.key][0] if row.address is not None else None
                person_values.append((
                    person_id, source_id, f"{rid}/{entry.parties}", bsn_hash(p.bsn, key) if p.bsn else "",
                    encrypt(p.voornamen, W_VOORNAMEN, person_id), encrypt(p.voorletters, W_VOORLETTERS, person_id),
                    encrypt(p.tussenvoegsel, W_TUSSENVOEGSEL, person_id), encrypt(p.achternaam, W_ACHTERNAAM, person_id),
                    encrypt(p.geboortedatum.isoformat(), W_GEBOORTEDATUM, person_id) if p.geboortedatum else "", p.geslacht, address_id,
                    batch_id, row.row, now,
                ))
                party_values.append((report_id, person_id, row.rol))
                if row.incomplete_address:
                    self.addresses_incomplete += 1
            entry.state, entry.rows = "flushed", []
        t2 = time.perf_counter()
        self.timings["encrypt_and_build"] += t2 - t1
        self._insert(Report, ["id", "source", "source_record_id", "kind", "datum", "aard", "vormen", "relatie",
                              "kinderen_aanwezig", "letsel", "wapen", "huisverbod", "hoedanigheid_melder", "categorie",
                              "address", "buurt", "toelichting", "contact_medewerker", "contact_telefoon",
                              "import_batch", "source_rows", "created_at"], report_values)
        self._insert(Person, ["id", "source", "source_key", "bsn_hash", "voornamen", "voorletters", "tussenvoegsel",
                              "achternaam", "geboortedatum", "geslacht", "address", "import_batch", "source_row",
                              "created_at"], person_values)
        self._insert(ReportParty, ["report", "person", "rol"], party_values)
        self.timings["insert"] += time.perf_counter() - t2
        self.reports_created += len(report_values)
        self.persons_created += len(person_values)
        self.rows_loaded += len(person_values)

    def _extend_source_rows(self, entries: list) -> None:
        """A record written earlier gains rows further down the file: its provenance lists them too
        (rare, so read back and rewritten per record)."""
        if not entries:
            return
        table = Report._meta.db_table
        with connection.cursor() as cursor:
            for entry in entries:
                cursor.execute(f"SELECT source_rows FROM {table} WHERE id = %s", [entry.report_id])
                found = cursor.fetchone()
                rows = expand_rows(found[0] if found else "") + [r.row for r in entry.rows]
                cursor.execute(f"UPDATE {table} SET source_rows = %s WHERE id = %s", [compress_rows(rows), entry.report_id])

    def _present_record_ids(self, record_ids: list[str]) -> set[str]:
        present: set[str] = set()
        table = Report._meta.db_table
        with connection.cursor() as cursor:
            for i in range(0, len(record_ids), IN_CHUNK):
                chunk = record_ids[i:i + IN_CHUNK]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT source_record_id FROM {table} WHERE source_id = %s AND source_record_id IN ({marks})",
                    [self.source_id, *chunk],
                )
                present.update(r[0] for r in cursor.fetchall())
        return present

    def _resolve_addresses(self, addresses, keys: list[str] | None = None) -> dict[str, tuple[int, str | None]]:
        """Address key → (address id, buurt code) for every AddressData (or None) given; creates new ones.

        Per key the first occurrence that carries a buurtcode counts, else the first: the
        outcome then does not depend on where the file is cut into chunks. ``keys`` are the
        addresses' keys when the caller has them already (the column path; no None then).
        """
        wanted = {}
        pairs = zip(keys, addresses) if keys is not None else ((a.key, a) for a in addresses if a is not None)
        for key, a in pairs:
            known = wanted.setdefault(key, a)
            if a.buurtcode and not known.buurtcode:
                wanted[key] = a
        cache = self.address_cache
        unknown = [k for k in wanted if k not in cache]
        if unknown:
            table = Address._meta.db_table
            with connection.cursor() as cursor:
                for i in range(0, len(unknown), IN_CHUNK):
                    chunk = unknown[i:i + IN_CHUNK]
                    cursor.execute(f"SELECT key, id, buurt_id FROM {table} WHERE key IN ({','.join(['%s'] * len(chunk))})", chunk)
                    for k, pk, buurt in cursor.fetchall():
                        cache[k] = (pk, buurt)
            new = [k for k in unknown if k not in cache]
            if new:
                self._load_register({wanted[k].postcode for k in new})
                ids = self._allocate(Address, len(new))
                values = []
                for pk, key in zip(ids, new):
                    a = wanted[key]
                    buurt = a.buurtcode or self.register.get((a.postcode, a.huisnummer, a.toevoeging)) or \
                        self.register.get((a.postcode, a.huisnummer, ""))
                    cache[key] = (pk, buurt)
                    if buurt is None:
                        self.addresses_unmatched += 1
                    values.append((pk, key, a.postcode, a.huisnummer, a.toevoeging, a.straat[:120], a.woonplaats[:80], buurt))
                self._insert(Address, ["id", "key", "postcode", "huisnummer", "toevoeging", "straat", "woonplaats", "buurt"], values)
                self.addresses_created += len(values)
        # An address known without buurt gets one as soon as a partner geocodes it.
        updates = [(k, a.buurtcode) for k, a in wanted.items() if a.buurtcode and cache[k][1] is None]
        if updates:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {Address._meta.db_table} SET buurt_id = %s WHERE id = %s",
                                   [(code, cache[k][0]) for k, code in updates])
            for k, code in updates:
                cache[k] = (cache[k][0], code)
        return {k: cache[k] for k in wanted}

    def _load_register(self, postcodes: set[str]) -> None:
        todo = sorted(postcodes - self.register_loaded)
        if not todo:
            return
        table = AddressRegisterEntry._meta.db_table
        with connection.cursor() as cursor:
            for i in range(0, len(todo), IN_CHUNK):
                chunk = todo[i:i + IN_CHUNK]
                cursor.execute(
                    f"SELECT postcode, huisnummer, toevoeging, buurt_id FROM {table} WHERE postcode IN ({','.join(['%s'] * len(chunk))})",
                    chunk,
                )
                for pc, hn, tv, buurt in cursor.fetchall():
                    self.register[(pc, hn, tv)] = buurt
        self.register_loaded.update(todo)

    def _allocate(self, model, n: int) -> list[int]:
        """n new primary keys: from the sequence on PostgreSQL, MAX(id)+1… under SQLite's write lock."""
        if n == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
                return [r[0] for r in cursor.fetchall()]
            if table not in self._next_id:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self._next_id[table] = cursor.fetchone()[0] + 1
        start = self._next_id[table]
        self._next_id[table] = start + n
        return list(range(start, start + n))

    def _insert(self, model, fields: list[str], values: list[tuple]) -> None:
        if not values:
            return
        columns = ", ".join(model._meta.get_field(f).column if f != "id" else "id" for f in fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: one round trip instead of one per row
                with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"
            for i in range(0, len(values), 20000):
                cursor.executemany(sql, values[i:i + 20000])

    def _delete_reports(self, report_ids: list[int]) -> None:
        """--accept-partial: a record whose later rows were rejected is removed again, whole."""
        for i in range(0, len(report_ids), IN_CHUNK):
            chunk = report_ids[i:i + IN_CHUNK]
            person_ids = list(ReportParty.objects.filter(report_id__in=chunk).values_list("person_id", flat=True))
            ReportParty.objects.filter(report_id__in=chunk).delete()
            removed_rows = Person.objects.filter(pk__in=person_ids).delete()[0]
            Report.objects.filter(pk__in=chunk).delete()
            self.persons_created -= removed_rows
            self.rows_loaded -= removed_rows
            self.reports_created -= len(chunk)


def _address_row(rows: list):
    """The row whose address is the report's: the first victim or child with one, else the first with one."""
    for row in rows:
        if row.address is not None and row.rol in PARTY_ROLES_FOR_ADDRESS:
            return row
    for row in rows:
        if row.address is not None:
            return row
    return None


def _differing_field(a, b) -> str:
    for name, x, y in zip(a._fields, a, b):
        if x != y:
            return f"report.{name}"
    return "report"


def _progress(enabled: bool, name: str):
    from tqdm import tqdm

    return tqdm(desc=f"import {name}", unit=" rijen", unit_scale=True, file=sys.stderr, disable=not enabled,
                mininterval=0.5)
