"""The import pipeline: one partner file, one profile, one transaction.

Why it looks like this:
- **Atomic per file.** Everything a file adds (addresses, reports, persons, parties and the
  batch's final status) is written inside one database transaction. A crash, a kill or a
  rejected row leaves the registry exactly as it was; only the batch row (status
  'rejected' or 'failed', with its rejects) is recorded outside it, for the audit trail.
- **Idempotent.** A file already loaded with the same profile (same SHA-256) adds nothing
  and is recorded as 'duplicate'; a record already present (same source and record id) is
  never duplicated, so overlapping exports are safe.
- **Corrections and withdrawals** (``corrections.py``). A record already present is held
  (all its rows in this file, wherever they are) and compared with its stored version at the
  end of the file: the same content is "al aanwezig", changed content is applied in place
  with its history (``RecordChange``). A profile's ``[withdrawals]`` status column marks
  records withdrawn (``Report.withdrawn_at``: out of every figure, kept in the history).
- **Fast.** CSV files take the column path (``fastpath.py``): blocks of rows checked column
  by column with the row checker's own rules, encryption in a worker pool, bulk inserts.
  Rows and records it cannot prove clean go through the row path below (``domain.rows`` row
  by row, ``_close_run`` per record), which stays the specification and handles XLSX.
  Inserts are ``executemany`` in chunks on SQLite and ``COPY`` on PostgreSQL; primary keys
  are taken from the sequence on PostgreSQL and from MAX(id) under SQLite's write lock.
- **Provenance.** Every report, person and new address points to its ImportBatch; reports
  keep their source rows ('2-5'), persons their source row.
- **Set aside, not refused** (``domain.setaside``). An invalid auxiliary value (BSN, date of
  birth, gender, address) does not cost the row: the checker sets it aside, the row loads
  without it, ``_keep_set_aside`` stores it encrypted (``SetAsideValue``) and lists row, field
  and reason on the batch; past the profile's ``max_set_aside_share`` the file is refused.
  Rows with a set-aside value are never 'clean' for the column path, so both paths set aside
  through the row checker alone.
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

from zicht.core.crypto import bsn_hash
from zicht.core.spreadsheet import csv_writer
from zicht.geo.models import Buurt

from .corrections import Corrector, withdraw
from .domain.corrections import is_withdrawn_status, summary_fields
from .domain.duplicates import DuplicateLines, line_key
from .domain.profile import Profile, find_profile
from .domain.rows import HeaderError, Reject, RowChecker, defuse
from .domain.setaside import ADDRESS_FIELDS as SET_ASIDE_ADDRESS
from .domain.setaside import exceeds_share, is_record_level
from .interrupted import mark_interrupted, this_process
from .models import ImportBatch, Organisation, Person, Report, ReportParty, SetAsideValue, check_bsn_key
from .postprocess import queue, run_postprocessing
from .readers import FileFormatError, read_rows
from .records import IN_CHUNK, PARTY_FIELDS, PERSON_FIELDS, REPORT_FIELDS, ImportCounts, RecordBuilder, Records, RecordStore, Securer

log = logging.getLogger(__name__)

CHUNK_RECORDS = 5000
MAX_STORED_REJECTS = 1000
MAX_LISTED_INCIDENTS = 5  # records named in the summary sentence (all in batch.incidents_partial)
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
    defer_postprocess: bool = False,
) -> ImportBatch:
    """Import one partner file; returns its ImportBatch (status loaded/partial/rejected/duplicate).

    Linking and colouring run once the import is committed (``registry.postprocess``), or, with
    ``defer_postprocess``, are left to ``zicht postprocess`` (the batch is queued).

    Raises ProfileError for an unknown or invalid profile; any unexpected error marks the
    batch 'failed' (nothing loaded) and is re-raised. ``column_path=False`` forces the row
    path for a CSV file (the equivalence tests compare both).
    """
    if isinstance(profile, str):
        profile = find_profile(profile)
    path = Path(path)
    file_name = file_name or path.name
    check_bsn_key()  # hashes under another key chain would never link (zicht rotate-bsn-key)
    mark_interrupted()  # batches of killed imports say so (and never count as this file's earlier load)
    sha = file_sha256(path)
    source = source_organisation(profile)

    previous = (
        ImportBatch.objects.filter(file_sha256=sha, profile=profile.name, status__in=("loaded", "partial")).order_by("started_at").first()
    )
    if previous is not None:
        when = timezone.localtime(previous.finished_at or previous.started_at).strftime("%d-%m-%Y %H:%M")
        return ImportBatch.objects.create(
            file_name=file_name,
            file_sha256=sha,
            profile=profile.name,
            profile_sha256=profile.sha256,
            source=source,
            status="duplicate",
            imported_by=user,
            duplicate_of=previous,
            accept_partial=accept_partial,
            finished_at=timezone.now(),
            message=f"Dit bestand is al geladen met profiel {profile.name} (import #{previous.pk}, {when}); er is niets toegevoegd.",
        )

    batch = ImportBatch.objects.create(
        file_name=file_name,
        file_sha256=sha,
        profile=profile.name,
        profile_sha256=profile.sha256,
        source=source,
        status="running",
        imported_by=user,
        accept_partial=accept_partial,
        **this_process(),
    )
    rejects = RejectLog(rejects_out)
    loader = BatchLoader(
        batch,
        profile,
        path,
        file_name,
        rejects,
        accept_partial=accept_partial,
        progress=progress,
        today=today or timezone.localdate(),
        column_path=column_path,
    )
    try:
        try:
            started = time.perf_counter()
            with transaction.atomic():
                loader.run()
                status = "partial" if loader.rejects.rows else "loaded"
                _finish(batch, loader, status, loader.summary(status))
                transaction.on_commit(lambda: _announce(batch, defer=defer_postprocess, progress=progress))
                loader.timings["before_commit"] = time.perf_counter() - started
            loader.timings["with_commit"] = time.perf_counter() - started
        except _Abort:
            _finish(batch, loader, "rejected", loader.summary("rejected"), rolled_back=True)
        except (FileFormatError, HeaderError) as exc:
            row = getattr(exc, "row", 1)
            if row and row > 1:  # the rows before it (how far each path had read when it stopped differs)
                loader.counts.rows_total = row - 2
            loader.rejects.add(Reject(file_name, row or 0, "(bestand)", str(exc)))
            _finish(batch, loader, "rejected", f"Afgewezen: {defuse(file_name, 120)}: {exc}. Er is niets geladen.", rolled_back=True)
        except Exception as exc:
            log.error("Import #%s failed after row %s: %s", batch.pk, loader.counts.rows_total, type(exc).__name__)
            _finish(
                batch,
                loader,
                "failed",
                f"Import mislukt na rij {loader.counts.last_row} ({type(exc).__name__}); er is niets geladen.",
                rolled_back=True,
            )
            raise
    finally:
        rejects.close()
    batch.timings = loader.timings  # not stored: for the import benchmark
    return batch


def _announce(batch: ImportBatch, *, defer: bool = False, progress: bool = False) -> None:
    """Tell subscribers (linkage, casework) about a committed batch, or queue it for `zicht postprocess`.
    A failing receiver cannot undo the import, which is already committed: the batch is flagged
    'nabewerking mislukt' (step and error class, no values) and `zicht retry-batch N` runs the steps
    again (registry.postprocess)."""
    if defer:
        queue(batch)
    else:
        run_postprocessing(batch, progress=progress)


def _finish(batch: ImportBatch, loader: BatchLoader, status: str, message: str, rolled_back: bool = False) -> None:
    batch.status = status
    batch.message = message[:500]
    counts = loader.counts
    batch.rows_total = counts.rows_total
    batch.rows_rejected = loader.rejects.rows
    batch.rejects = loader.rejects.stored
    batch.rows_set_aside = loader.rows_set_aside
    batch.rows_duplicate = 0 if rolled_back else loader.duplicates.count
    batch.encoding = loader.detected_encoding or ""
    batch.set_aside = loader.set_aside_log
    batch.reports_corrected = 0 if rolled_back else len(loader.corrector.corrected) if loader.corrector else 0
    batch.reports_withdrawn = 0 if rolled_back else loader.withdrawn
    batch.incidents_partial = [] if rolled_back else loader.incidents_partial()[:MAX_STORED_REJECTS]
    created = (
        (0, 0, 0, 0, 0, 0, 0)
        if rolled_back
        else (
            counts.rows_loaded,
            counts.reports_created,
            counts.reports_already_present,
            counts.persons_created,
            counts.addresses_created,
            counts.addresses_unmatched,
            counts.addresses_incomplete,
        )
    )
    (
        batch.rows_loaded,
        batch.reports_created,
        batch.reports_already_present,
        batch.persons_created,
        batch.addresses_created,
        batch.addresses_unmatched,
        batch.addresses_incomplete,
    ) = created
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
            self._handle = Path(out).open("w", encoding="utf-8", newline="")  # noqa: SIM115 -- kept open across flushes, closed in close()
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

    def __init__(self, batch, profile, path, file_name, rejects, *, accept_partial, progress, today, column_path=True):
        self.batch = batch
        self.profile = profile
        self.path = path
        self.file_name = file_name
        self.rejects = rejects
        self.accept_partial = accept_partial
        self.progress = progress
        self.today = today
        self.counts = ImportCounts()
        self.failed = False  # all-or-nothing and a row was rejected: only validate from here on
        self.entries: dict[str, _Entry] = {}
        self.pending: list[_Entry] = []
        self.pending_ids: list[str] = []
        self.bad_flushed: list[int] = []
        self.column_path = column_path and profile.file_type == "csv"
        # Set-aside values (domain.setaside): (report id, person id, record id, row, SetAside) per value.
        self.set_aside_rows: list[tuple] = []
        self.set_aside_log: list[dict] = []  # {file, row, field, reason}, no values
        self.rows_set_aside = 0
        self.set_aside_resolved = 0
        self.open_set_aside: set[str] = set()  # record ids of this source with unresolved set-aside values
        self.lost_rows: dict[str, list[int]] = {}  # --accept-partial: record id → rejected rows of one person
        self.refusal = ""  # why the file is refused although no row was rejected (the set-aside threshold)
        self.duplicates = DuplicateLines()  # exact duplicate lines: skipped, counted (domain.duplicates)
        self.broken_rows: list[tuple[int, str]] = []  # --accept-partial: rows of the wrong structure, left out
        self.detected_encoding: str | None = None  # recognised, not declared (registry.encodings)
        self.corrector: Corrector | None = None  # re-delivered records: compared and corrected at the end (corrections.py)
        self.withdrawn_status: dict[str, bool] = {}  # record id → its status column marks it withdrawn (profile [withdrawals])
        self.withdrawn = 0  # records withdrawn by this file
        # Seconds per phase (row path: read+check is the rest of run()); the import benchmark prints them.
        self.timings = {"addresses": 0.0, "encrypt_and_build": 0.0, "insert": 0.0}
        if self.column_path:
            self.timings.update(dict.fromkeys(("read", "check", "row_path", "build", "encrypt_wait", "index_rebuild"), 0.0))

    # -- driving ---------------------------------------------------------------------------
    def run(self) -> None:
        # Take the batch's row lock (PostgreSQL: the sign that this import is alive, registry.interrupted)
        # and the database's write lock (SQLite: before reading MAX(id)) first.
        ImportBatch.objects.filter(pk=self.batch.pk).update(status="running")
        header, rows = read_rows(self.path, self.profile)
        if hasattr(rows, "check_structure"):  # CSV: a row of another width refuses the file, or only itself
            rows.check_structure((lambda row, reason: self.broken_rows.append((row, reason))) if self.accept_partial else None)
            self.detected_encoding = rows.detected_encoding
        known_buurten = set(Buurt.objects.values_list("code", flat=True))
        checker = RowChecker(self.profile, header, file_name=self.file_name, today=self.today, known_buurten=known_buurten)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # keep the indexes being written in memory (this connection only)
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        self.has_existing = Report.objects.filter(source_id=self.batch.source_id).exists()
        self.store = RecordStore(source_id=self.batch.source_id, counts=self.counts)
        self.corrector = Corrector(self.batch, self.store, self.counts)
        if self.profile.withdrawal_column:
            self.withdrawn_status = self._read_status()
        if self.has_existing:
            self.open_set_aside = set(
                SetAsideValue.objects.filter(source_id=self.batch.source_id, resolved_at__isnull=True).values_list(
                    "source_record_id", flat=True
                )
            )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        keys, bsn_key = list(settings.FIELD_ENCRYPTION_KEYS), settings.BSN_HASH_KEY
        self.builder = RecordBuilder(self.store, Securer(keys, bsn_key), batch_id=self.batch.pk, now=now, timings=self.timings)

        bar = _progress(self.progress, self.file_name)
        if self.column_path:
            from .fastpath import ColumnPath, ColumnPathPorts

            ports = ColumnPathPorts(
                file_size=self.path.stat().st_size,
                keys=keys,
                bsn_key=bsn_key,
                batch_id=self.batch.pk,
                now=now,
                has_existing=self.has_existing,
                chunk_records=self.chunk_records(),
                counts=self.counts,
                timings=self.timings,
                store=self.store,
                row_path=self,
                duplicates=self.duplicates,
            )
            ColumnPath(ports, checker, rows, bar).run()
            bar.close()
            self._finish_run()
            return
        counts = self.counts
        run_id, run = None, []
        record_index = checker.record_index
        for row_number, cells in rows:
            counts.rows_total += 1
            counts.last_row = row_number
            if counts.rows_total % 5000 == 0:
                bar.update(5000)
            if self.duplicates.first_row(line_key(cells), row_number):
                continue  # an exact copy of an earlier line: counted, never loaded
            row, row_rejects = checker.check(cells, row_number)
            if row is not None:
                rid = row.record_id
            else:
                raw = cells[record_index] if record_index < len(cells) else None
                rid = str(raw).strip() if raw is not None else ""
            if rid != run_id and run:
                self.close_run(run_id, run)
                run = []
            run_id = rid
            run.append((row_number, row, row_rejects))
        if run:
            self.close_run(run_id, run)
        bar.close()
        self._finish_run()

    def _finish_run(self) -> None:
        for row, reason in self.broken_rows:  # --accept-partial: only these rows are left out
            self.counts.rows_total += 1
            self.counts.last_row = max(self.counts.last_row, row)
            self.rejects.add(Reject(self.file_name, row, "(structuur)", reason))
        if self.counts.rows_total == 0:
            raise FileFormatError("bestand bevat geen gegevensrijen (alleen een kopregel)", 1)
        if self.failed:
            raise _Abort
        self.flush()
        self.store.apply_source_rows()
        if self.bad_flushed:
            self._delete_reports(self.bad_flushed)
        self._apply_corrections()
        if self.counts.rows_loaded == 0 and self.rejects.rows and not self.corrector.corrected:
            raise _Abort  # --accept-partial, but no valid row at all
        self._keep_set_aside()

    def _keep_set_aside(self) -> None:
        """List the set-aside values of the rows loaded, refuse the file past the profile's threshold,
        and store them (raw value encrypted) for the reviewer."""
        gone = set(self.bad_flushed)
        kept = sorted((t for t in self.set_aside_rows if t[0] not in gone), key=lambda t: (t[3], t[4].field))
        self.rows_set_aside = len({t[3] for t in kept})
        self.set_aside_log = [
            {"file": self.file_name, "row": n, "field": item.field, "reason": item.reason} for _, _, _, n, item in kept[:MAX_STORED_REJECTS]
        ]
        share = self.profile.max_set_aside_share
        if exceeds_share(self.rows_set_aside, self.counts.rows_total, share):
            self.refusal = (
                f"Afgewezen: {self.rows_set_aside} van {self.counts.rows_total} rijen "
                f"({100 * self.rows_set_aside / self.counts.rows_total:.1f} %) hebben een ongeldige BSN, "
                f"geboortedatum, geslacht of adres; profiel {self.profile.name} staat ten hoogste "
                f"{100 * share:g} % toe (max_set_aside_share). Er is niets geladen: controleer de export "
                "(verschoven of verwisselde kolommen?) of pas de drempel in het profiel aan."
            )
            raise _Abort
        if not kept:
            return
        source_id, batch_id = self.batch.source_id, self.batch.pk
        ids = self.store.allocate(SetAsideValue, len(kept))  # primary keys known before encryption, as for persons
        SetAsideValue.objects.bulk_create(
            [
                SetAsideValue(
                    pk=pk,
                    import_batch_id=batch_id,
                    source_id=source_id,
                    source_record_id=rid,
                    source_row=n,
                    person_id=person_id,
                    field=item.field,
                    reason=item.reason,
                    raw_value=item.raw,
                )
                for pk, (_, person_id, rid, n, item) in zip(ids, kept)
            ],
            batch_size=500,
        )

    def incidents_partial(self) -> list[dict]:
        """--accept-partial: the records loaded without some of their rows ({record, rows})."""
        out = []
        for rid, rows in self.lost_rows.items():
            entry = self.entries.get(rid)
            if entry is not None and entry.state == "flushed" and entry.report_id not in self.bad_flushed:
                out.append({"record": rid, "rows": sorted(rows)})
        return out

    def summary(self, status: str) -> str:
        c = self.counts
        if status == "rejected" and self.refusal:
            return self.refusal
        if status == "rejected":
            return (
                f"Afgewezen: {self.rejects.rows} van {c.rows_total} rijen voldoen niet aan het profiel; "
                "er is niets geladen. Herstel het bestand of laad met 'deels laden' alleen de geldige rijen."
            )
        text = (
            f"{c.rows_loaded} van {c.rows_total} rijen geladen: {c.reports_created} nieuwe records, "
            f"{c.persons_created} personen, {c.addresses_created} nieuwe adressen"
        )
        if c.addresses_unmatched:
            text += f" ({c.addresses_unmatched} zonder buurt)"
        if c.addresses_incomplete:
            text += f"; {c.addresses_incomplete} rijen zonder adres geladen (postcode of huisnummer ontbreekt)"
        if c.reports_already_present:
            text += f"; {c.reports_already_present} records waren al aanwezig"
        corrected = self.corrector.corrected if self.corrector else []
        if corrected:
            text += f"; {len(corrected)} records gecorrigeerd (velden: {summary_fields(corrected)})"
        if self.corrector and self.corrector.reinstated:
            text += f"; {self.corrector.reinstated} eerder ingetrokken records weer geldig"
        if self.withdrawn:
            text += f"; {self.withdrawn} records ingetrokken"
        if self.rows_set_aside:
            text += (
                f"; {self.rows_set_aside} rijen geladen met een terzijde gelegde waarde "
                "(ongeldige BSN, geboortedatum, geslacht of adres: niet gebruikt, ter beoordeling bewaard)"
            )
        if self.set_aside_resolved:
            text += f"; {self.set_aside_resolved} eerder terzijde gelegde waarden hersteld"
        if self.duplicates.count:
            text += f"; {self.duplicates.summary()}"
        if self.detected_encoding:
            text += f"; codering herkend: {self.detected_encoding}"
        if status == "partial":
            text += f"; {self.rejects.rows} rijen afgewezen"
            partial = self.incidents_partial()
            if partial:
                named = ", ".join(f"{p['record']} zonder rij {', '.join(map(str, p['rows']))}" for p in partial[:MAX_LISTED_INCIDENTS])
                more = f" en {len(partial) - MAX_LISTED_INCIDENTS} meer" if len(partial) > MAX_LISTED_INCIDENTS else ""
                text += f"; {len(partial)} records zonder hun afgewezen rijen geladen ({defuse(named, 200)}{more})"
        return text + "."

    def chunk_records(self) -> int:
        """Records per write (read at call time, so tests can make chunks tiny)."""
        return CHUNK_RECORDS

    # -- what the column path may use (fastpath.RowPath) --------------------------------------
    def knows(self, rid: str) -> bool:
        """Whether the row path has seen (and remembers) this record id."""
        return rid in self.entries

    def add_present(self, rid: str, first_row: int, record_hash: int, rows: list) -> None:
        """The column path met a record already in the registry: the row path holds its rows (and any
        further run of it in the file) for the comparison with the stored version."""
        entry = _Entry(first_row, None)
        entry.record, entry.state, entry.rows = record_hash, "present", list(rows)
        self.entries[rid] = entry
        self.counts.reports_already_present += 1

    def adopt_entry(self, rid: str, report_id, first_row: int, record_hash: int, parties: int) -> None:
        """A record written by the column path shows up again later in the file: the row path
        takes it over with what it would have remembered itself."""
        entry = _Entry(first_row, None)
        entry.record, entry.report_id, entry.parties = record_hash, report_id, parties
        entry.state = "flushed" if report_id is not None else "present"
        self.entries[rid] = entry

    # -- records ---------------------------------------------------------------------------
    def close_run(self, rid: str, run: list) -> None:
        """Decide about one run of consecutive rows with the same record id."""
        add = self.rejects.add
        good = [(n, row) for n, row, rej in run if row is not None]
        bad_rows = [n for n, row, rej in run if row is None]
        # Rows refused for a field of one person only (rol, a name, an essential person field): with
        # --accept-partial the incident stays, without them. A wrong record field spoils the record.
        record_column = self.profile.record_id
        person_only = (
            {n for n, row, rej in run if row is None and rid and not any(is_record_level(r.field, record_column) for r in rej)}
            if bad_rows
            else ()
        )
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
                add(Reject(self.file_name, n, field, f"recordgegevens wijken af van rij {reference_row} met hetzelfde registratienummer"))
                bad_rows.append(n)
            else:
                consistent.append((n, row))
        if bad_rows and not self.accept_partial:
            self.failed = True
            return
        record_bad = [n for n in bad_rows if n not in person_only]
        if entry is not None and entry.state == "bad":
            record_bad = record_bad or [entry.bad_row]
        if not record_bad and bad_rows:
            self.lost_rows.setdefault(rid, []).extend(bad_rows)
        if record_bad:
            bad_rows = record_bad
            first_bad = min(bad_rows)
            for n, _ in consistent:
                add(Reject(self.file_name, n, "(record)", f"overgeslagen: rij {first_bad} van hetzelfde record is afgewezen"))
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
        if entry.state == "present":  # held for the comparison with the stored version (_apply_corrections)
            entry.rows.extend(row for _, row in consistent)
            return
        if entry.state == "flushed" or not entry.rows:
            self.pending.append(entry)
            self.pending_ids.append(rid)
        entry.rows.extend(row for _, row in consistent)
        if len(self.pending) >= CHUNK_RECORDS:
            self.flush()

    # -- writing ---------------------------------------------------------------------------
    def flush(self) -> None:
        """Write the pending records (the records builder's rows, the store's inserts)."""
        if not self.pending:
            return
        pending = list(zip(self.pending_ids, self.pending))
        self.pending, self.pending_ids = [], []
        counts, store = self.counts, self.store
        if self.has_existing:
            new_ids = [rid for rid, e in pending if e.report_id is None]
            present = store.present_record_ids(new_ids)
            if present:
                for rid, entry in pending:
                    if rid in present and entry.report_id is None:
                        entry.state = "present"  # its rows are kept: compared at the end of the file
                        counts.reports_already_present += 1
                pending = [(rid, e) for rid, e in pending if e.state != "present"]
        if not pending:
            return
        t0 = time.perf_counter()
        addresses_before = self.timings["addresses"]
        store.extend_source_rows([(e.report_id, [r.row for r in e.rows]) for _, e in pending if e.report_id is not None])
        group = Records.from_rows([(rid, e.rows, e.report_id, e.parties) for rid, e in pending])
        prepared = self.builder.prepare(group)
        if self.profile.auxiliary:  # the set-aside values of these rows, with the person they belong to
            person_ids = iter(prepared.person_columns[0])
            for (rid, entry), report_id in zip(pending, prepared.report_of_record):
                for row in entry.rows:
                    person_id = next(person_ids)
                    for item in row.set_aside:
                        self.set_aside_rows.append((report_id, person_id, rid, row.row, item))
        report_rows, person_rows, party_rows = self.builder.rows(prepared)
        for (_, entry), report_id, size in zip(pending, prepared.report_of_record, group.sizes):
            entry.report_id = report_id
            entry.parties += size
            entry.state, entry.rows = "flushed", []
        t1 = time.perf_counter()
        self.timings["encrypt_and_build"] += t1 - t0 - (self.timings["addresses"] - addresses_before)
        store.insert(Report, REPORT_FIELDS, report_rows)
        store.insert(Person, PERSON_FIELDS, person_rows)
        store.insert(ReportParty, PARTY_FIELDS, party_rows)
        self.timings["insert"] += time.perf_counter() - t1
        counts.addresses_incomplete += prepared.incomplete
        counts.reports_created += prepared.records
        counts.persons_created += prepared.persons
        counts.rows_loaded += prepared.persons

    def _apply_corrections(self) -> None:
        """Every record of this file that was already in the registry, with all its rows here:
        set-aside values resolved, then compared with the stored version and corrected
        (corrections.Corrector); the status column's withdrawals applied."""
        corrector = self.corrector
        held = [(rid, entry) for rid, entry in self.entries.items() if entry.state == "present" and entry.rows]
        withdrawn_before = set()
        if self.withdrawn_status:  # a withdrawn record delivered again with its withdrawn status stays as it is
            marked = [rid for rid, _ in held if self.withdrawn_status.get(rid)]
            for i in range(0, len(marked), IN_CHUNK):
                withdrawn_before.update(
                    Report.all_objects.filter(
                        source_id=self.batch.source_id, source_record_id__in=marked[i : i + IN_CHUNK], withdrawn_at__isnull=False
                    ).values_list("source_record_id", flat=True)
                )
        items = []
        for rid, entry in held:
            if rid in self.open_set_aside:
                self.resolve_present(rid, entry.rows)
            if rid not in withdrawn_before:
                items.append((rid, entry.rows, rid in self.lost_rows))
            entry.rows = []
        corrector.apply_many(items)
        self.counts.reports_already_present -= len(corrector.corrected) + corrector.reinstated_unchanged
        if self.withdrawn_status:
            marked = [rid for rid, gone in self.withdrawn_status.items() if gone and self._loaded(rid)]
            self.withdrawn, _ = withdraw(self.batch, marked)

    def _loaded(self, rid: str) -> bool:
        entry = self.entries.get(rid)
        return entry is None or entry.state in ("flushed", "present")  # (None: written by the column path alone)

    def _read_status(self) -> dict[str, bool]:
        """The profile's status column per record id (a pass over the file of its own: only for
        profiles that declare ``[withdrawals]``); the last row of a record decides."""
        header, rows = read_rows(self.path, self.profile)
        names = [str(h or "").replace("\ufeff", "").strip() for h in header]
        column, record = self.profile.withdrawal_column, self.profile.record_id
        if column not in names:
            raise HeaderError(f"kolom '{column}' ([withdrawals] column van het profiel) ontbreekt in de kopregel")
        ci, ri = names.index(column), names.index(record) if record in names else -1
        status: dict[str, bool] = {}
        values = self.profile.withdrawal_values
        for _, cells in rows:
            rid = str(cells[ri]).strip() if 0 <= ri < len(cells) and cells[ri] is not None else ""
            if rid:
                status[rid] = is_withdrawn_status(str(cells[ci]) if ci < len(cells) and cells[ci] is not None else None, values)
        return status

    def resolve_present(self, rid: str, rows: list) -> None:
        """A record already in the registry arrives again: where it carries a valid value for a
        value set aside earlier (same record, same person number), that value replaces it and the
        set-aside entry is marked resolved. Minimal on purpose: issue 13 builds the full history."""
        open_values = list(
            SetAsideValue.objects.filter(source_id=self.batch.source_id, source_record_id=rid, resolved_at__isnull=True).select_related(
                "person"
            )
        )
        if not open_values:
            return
        now = timezone.now()
        for number, row in enumerate(rows, 1):
            if row is None:
                continue
            still_aside = {item.field for item in row.set_aside}
            for value in open_values:
                person = value.person
                if person.source_key != f"{rid}/{number}" or value.field in still_aside:
                    continue
                changed = self._apply_corrected(person, value.field, row)
                if changed is None:
                    continue  # the re-delivery has no value for this field either
                person.save(update_fields=changed)
                value.resolved_at, value.resolved_by_batch_id = now, self.batch.pk
                value.save(update_fields=["resolved_at", "resolved_by_batch"])
                self.set_aside_resolved += 1

    def _apply_corrected(self, person: Person, field: str, row) -> list[str] | None:
        """Put the re-delivered valid value of ``field`` on the person; the fields changed, or None."""
        data = row.person
        if field == "person.bsn" and data.bsn:
            person.bsn_hash = bsn_hash(data.bsn)
            return ["bsn_hash"]
        if field == "person.geboortedatum" and data.geboortedatum is not None:
            person.geboortedatum = data.geboortedatum.isoformat()
            return ["geboortedatum"]
        if field == "person.geslacht" and data.geslacht:
            person.geslacht = data.geslacht
            return ["geslacht"]
        if field in SET_ASIDE_ADDRESS and row.address is not None:
            a = row.address
            person.address_id = self.store.resolve_addresses([a], [a.key])[a.key][0]
            return ["address"]
        return None

    def _delete_reports(self, report_ids: list[int]) -> None:
        """--accept-partial: a record whose later rows were rejected is removed again, whole."""
        for i in range(0, len(report_ids), IN_CHUNK):
            chunk = report_ids[i : i + IN_CHUNK]
            person_ids = list(ReportParty.objects.filter(report_id__in=chunk).values_list("person_id", flat=True))
            ReportParty.objects.filter(report_id__in=chunk).delete()
            removed_rows = Person.objects.filter(pk__in=person_ids).delete()[0]
            Report.objects.filter(pk__in=chunk).delete()
            self.counts.persons_created -= removed_rows
            self.counts.rows_loaded -= removed_rows
            self.counts.reports_created -= len(chunk)


def _differing_field(a, b) -> str:
    for name, x, y in zip(a._fields, a, b):
        if x != y:
            return f"report.{name}"
    return "report"


def _progress(enabled: bool, name: str):
    from tqdm import tqdm

    return tqdm(desc=f"import {name}", unit=" rijen", unit_scale=True, file=sys.stderr, disable=not enabled, mininterval=0.5)
