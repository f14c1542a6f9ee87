"""Import a politie-format export (default 1,000,000 incidents ≈ 2.5 M rows) into a throw-away database.

Generation is not timed. The import runs in a child process against a temporary SQLite
file (or ``--database-url`` pointing at a throw-away PostgreSQL database), so the user's
own registry is never touched and the peak memory is that of the import alone. DuckDB's
``read_csv`` of the same file is measured in the same run as the raw-parse floor, and
``write_floor`` (another child, a fresh database of the same kind) as the write floor: the
same number of report, person and party rows written the way the import writes them, with
nothing else to do.

``seconds_by_phase`` is wall-clock time of the main process per phase of the column path
(read, check, row_path, addresses, build, encrypt_wait, insert, index_rebuild, other,
commit); ``encrypt_cpu_seconds`` is CPU spent encrypting in the worker pool (or in-process
for small files), ``main_process_cpu_seconds`` the main process's CPU. The load average
before and after is printed beside them: on a shared machine the wall-clock figures are
only comparable at similar load.

``write_floor_seconds`` is index drop + inserts + index rebuild + commit (SQLite) or, on
PostgreSQL, bulk mode's drop + binary COPY + rebuild (indexes, unique constraints, foreign keys
validated) + commit (``registry.pgbulk``), ``write_floor_cpu_seconds`` the child's CPU over those parts and
``write_floor_server_cpu_seconds`` the PostgreSQL backend's (read from /proc, so only when the
server runs on this machine). Building the rows and encrypting their names is not timed.
"""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = (
    "Registratienummer;Pleegdatum;Incidentsoort;Relatie;Geweldsvormen;Letsel;Wapen;Huisverbod;Kinderen aanwezig;"
    "Rol;BSN;Voornamen;Tussenvoegsel;Achternaam;Geslacht;Geboortedatum;Straat;Huisnummer;Toevoeging;Postcode;"
    "Woonplaats;Buurtcode;Mutatietekst"
)
SOORTEN = [
    ("Partnergeweld", "partner"),
    ("Ex-partnergeweld", "ex-partner"),
    ("Kindermishandeling", "ouder-kind"),
    ("Ouderenmishandeling", "mantelzorger"),
    ("Geweld tegen ouder(s)", "kind-ouder"),
    ("Overig huiselijk geweld", "familie"),
]
VOORNAMEN = [
    "Sanne",
    "Mark",
    "Noah",
    "Emma",
    "Daan",
    "Julia",
    "Mohamed",
    "Fatima",
    "Lucas",
    "Sophie",
    "Anouk",
    "Bram",
    "Yusuf",
    "Elif",
    "Sem",
    "Lotte",
    "Kevin",
    "Priya",
    "Jan",
    "Maria",
]
ACHTERNAMEN = [
    ("", "Jansen"),
    ("de", "Vries"),
    ("van der", "Berg"),
    ("", "Bakker"),
    ("el", "Amrani"),
    ("", "Yilmaz"),
    ("van", "Dijk"),
    ("", "Smit"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("", "Visser"),
    ("van den", "Heuvel"),
]
STRATEN = ["Korvelseweg", "Ringbaan-West", "Hoefstraat", "Bredaseweg", "Piushaven", "Goirkestraat", "Hasseltstraat"]
VORMEN = ["lichamelijk", "psychisch", "lichamelijk|psychisch", "psychisch|getuige", "verwaarlozing", "seksueel"]
BUURTEN = [f"BU0855{i:04d}" for i in range(100, 160)]


def add_arguments(parser):
    parser.add_argument("--rows", type=int, default=2_500_000, help="approximate number of rows (≈ 2.5 per incident)")
    parser.add_argument("--file", type=Path, help="import this politie-format file instead of generating one")
    parser.add_argument("--database-url", help="throw-away database to import into (default: a temporary SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (file and database)")
    parser.add_argument(
        "--no-write-floor",
        dest="write_floor",
        action="store_false",
        help="skip the write floor (the same rows written again into a fresh database, nothing else to do)",
    )


def _bsn_pool(rng: random.Random, n: int) -> list[str]:
    pool = []
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    while len(pool) < n:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(w * d for w, d in zip(weights, digits)) % 11
        if check < 10:
            pool.append("".join(map(str, digits)) + str(check))
    return pool


def generate(path: Path, rows: int, seed: int = 1) -> dict:
    """A politie_incidenten.csv as docs/partner-exports.md describes (UTF-8 BOM, ';', CRLF)."""
    rng = random.Random(seed)
    bsns = _bsn_pool(rng, 50_000)
    addresses = []
    for i in range(100_000):
        letters = f"{chr(65 + (i // 90) % 26)}{chr(66 + (i // 2340) % 24)}"
        pc = f"{5000 + i % 90}{'ST' if letters in ('SA', 'SD', 'SS') else letters}"  # PostNL skips SA, SD, SS
        addresses.append((rng.choice(STRATEN), str(1 + i % 180), rng.choice(["", "", "", "a", "b", "II"]), pc, BUURTEN[i % len(BUURTEN)]))
    start = date(2021, 1, 1)
    incidents = written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(HEADER + "\r\n")
        while written < rows:
            incidents += 1
            rid = f"PL2000-{2021 + incidents % 4}{incidents:07d}"
            datum = (start + timedelta(days=rng.randrange(1400))).strftime("%d-%m-%Y")
            soort, relatie = rng.choice(SOORTEN)
            record = (
                f"{rid};{datum};{soort};{relatie};{rng.choice(VORMEN)};{rng.choice('JN')};{rng.choice('NNNJ')};"
                f"{rng.choice('NNNJ')};{rng.choice('JN')}"
            )
            # Quoted, as an export quotes a cell holding the delimiter (the text was cut at its ';'
            # before 25 Nov 2026, giving 24 cells under a 23-column header).
            tekst = '"Melding via 112; partijen gescheiden, afspraken gemaakt."'
            straat, nummer, toevoeging, postcode, buurt = rng.choice(addresses)
            postcode_text = postcode if rng.random() < 0.5 else f"{postcode[:4]} {postcode[4:]}"
            buurt = buurt if rng.random() < 0.6 else ""
            parties = ["Slachtoffer", "Verdachte"] + (["Kind"] if rng.random() < 0.5 else [])
            lines = []
            for rol in parties:
                tv, achternaam = rng.choice(ACHTERNAMEN)
                geboren = (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).strftime("%d-%m-%Y")
                bsn = rng.choice(bsns) if rng.random() < 0.7 else ""
                lines.append(
                    f"{record};{rol};{bsn};{rng.choice(VOORNAMEN)};{tv};{achternaam};{rng.choice('MV')};{geboren};"
                    f"{straat};{nummer};{toevoeging};{postcode_text};Tilburg;{buurt};{tekst}"
                )
            fh.write("\r\n".join(lines) + "\r\n")
            written += len(lines)
    return {"rows": written, "incidents": incidents}


def run(options) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="zicht-bench-import-"))
    try:
        if options.get("file"):
            path = Path(options["file"]).resolve()
            generated = {}
        else:
            path = tmp / "politie_incidenten.csv"
            t0 = time.perf_counter()
            generated = generate(path, options.get("rows") or 2_500_000)
            generated["generation_seconds"] = round(time.perf_counter() - t0, 1)
        from zicht.core.crypto import throwaway_secrets

        env = dict(
            os.environ,
            **throwaway_secrets(),
            ZICHT_DATA_DIR=str(tmp),
            DATABASE_URL=options.get("database_url") or f"sqlite:///{tmp / 'bench.sqlite3'}",
        )
        proc = subprocess.run([sys.executable, "-m", "zicht.bench.import_", str(path)], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "worker failed"}
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        floor = _duckdb_floor(path)  # after the import: its memory must not be inherited by the worker
        result.update({f"generated_{k}": v for k, v in generated.items()})
        result["file_mb"] = round(path.stat().st_size / 2**20, 1)
        result.update(floor)
        if options.get("write_floor", True):
            result.update(_write_floor_in_child(result, env, options.get("database_url"), tmp))
        result["target"] = "1,000,000 incidents (≈2.5 M rows) in ≤ 30 s on 2 cores"
        return result
    finally:
        if not options.get("keep"):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


def _duckdb_floor(path: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, delim=';', header=true, all_varchar=true, quote='\"')", [str(path)])
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"duckdb_read_csv_seconds": round(seconds, 2), "duckdb_rows_per_second": int(rows / seconds)}


def _write_floor_in_child(imported: dict, env: dict, database_url: str | None, tmp: Path) -> dict:
    """The write floor in its own process, so neither the import's heap nor its page cache is inherited."""
    if "reports" not in imported:
        return {}
    counts = [str(imported.get(k, 0)) for k in ("reports", "persons", "parties", "addresses")]
    env = dict(env, DATABASE_URL=database_url or f"sqlite:///{tmp / 'write_floor.sqlite3'}")
    proc = subprocess.run([sys.executable, "-m", "zicht.bench.import_", "--write-floor", *counts], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"write_floor_error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "worker failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _setup_database() -> None:
    """Child process: Django against the throw-away database, migrated."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zicht.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load_geography()


def load_geography() -> None:
    """The gemeente, wijk and buurten the generated file uses (reports and addresses point at them)."""
    # Imported here: `zicht bench import` also runs standalone (__main__), where Django is set up first.
    from zicht.geo.models import Buurt, Gemeente, Wijk

    gemeente, _ = Gemeente.objects.get_or_create(code="GM0855", defaults={"naam": "Tilburg", "indeling_jaar": 2024})
    wijk, _ = Wijk.objects.get_or_create(code="WK085501", defaults={"naam": "Wijk", "gemeente": gemeente, "indeling_jaar": 2024})
    for code in BUURTEN:
        Buurt.objects.get_or_create(code=code, defaults={"naam": code, "wijk": wijk, "gemeente": gemeente, "indeling_jaar": 2024})


def _worker(path: Path) -> None:
    """Child process: migrate the throw-away database, load the geography the file uses, time the import."""
    _setup_database()
    # Imported here: runs in the benchmark's child process, after django.setup() on its own database.
    from zicht.bench._machine import peak_rss_mb
    from zicht.registry.models import Address, Person, Report, ReportParty
    from zicht.registry.pipeline import import_file

    # Subscribers of batch_imported (linkage's incremental linking) are benchmarked on their own.
    from zicht.registry.signals import batch_imported

    batch_imported.receivers = []
    batch_imported.sender_receivers_cache.clear()
    import threading

    import psutil

    rss_before = peak_rss_mb()
    sampled = {"peak": 0, "run": True}

    def sample():  # ru_maxrss includes what the process inherited; this samples the import itself
        me = psutil.Process()
        while sampled["run"]:
            sampled["peak"] = max(sampled["peak"], me.memory_info().rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    from django.db import connection

    postmaster = _postmaster_pid(connection)
    server_cpu_before = _backends_cpu_seconds(postmaster)
    load_before = os.getloadavg()
    t0, cpu0 = time.perf_counter(), time.process_time()
    batch = import_file(path, "politie-bvh", accept_partial=True, progress=False)
    seconds, main_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    server_cpu = _backends_cpu_seconds(postmaster, server_cpu_before)
    sampled["run"] = False
    raw = batch.timings
    inside = raw.get("before_commit", seconds)
    if "check" in raw:  # the column path (CSV): wall-clock seconds of the main process per phase
        phases = ("read", "check", "row_path", "addresses", "build", "encrypt_wait", "insert", "index_rebuild")
        phases += ("foreign_key_validation",) if "foreign_key_validation" in raw else ()  # PostgreSQL's bulk mode
        timings = {k: round(raw[k], 2) for k in phases}
        timings["other"] = round(inside - sum(raw[k] for k in phases), 2)
        timings["commit"] = round(raw.get("with_commit", seconds) - inside, 2)
        if "insert_in_thread" in raw:  # "insert" is then the main thread waiting for the writer thread
            timings["writer_thread_busy_seconds"] = round(raw["insert_in_thread"], 2)
        timings["encrypt_cpu_seconds"] = round(raw["encrypt_cpu"], 2)
        timings["encrypt_where"] = "process pool (2 workers)" if raw["encrypt_in_pool"] else "main process"
    else:
        timings = {k: round(v, 1) for k, v in raw.items()}
        timings["read_and_check"] = round(inside - raw["addresses"] - raw["encrypt_and_build"] - raw["insert"], 1)
        timings["commit"] = round(raw.get("with_commit", seconds) - inside, 1)
    print(
        json.dumps(
            {
                "status": batch.status,
                "rows": batch.rows_total,
                "rows_loaded": batch.rows_loaded,
                "rows_rejected": batch.rows_rejected,
                "reports": Report.objects.count(),
                "persons": Person.objects.count(),
                "parties": ReportParty.objects.count(),
                "addresses": Address.objects.count(),
                "seconds": round(seconds, 2),
                "rows_per_second": int(batch.rows_total / seconds) if seconds else None,
                "peak_rss_mb": peak_rss_mb(),
                "rss_before_import_mb": rss_before,
                "rss_peak_sampled_mb": round(sampled["peak"] / 2**20, 1),
                "seconds_by_phase": timings,
                "main_process_cpu_seconds": round(main_cpu, 1),
                **({"server_cpu_seconds": round(server_cpu, 1)} if server_cpu is not None else {}),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "database": "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite (temporary file)",
            }
        )
    )


# -- the write floor --------------------------------------------------------------------------

# Values as the politie profile stores them (aard and relatie codes, forms), so rows have the real widths.
FLOOR_AARD_RELATIE = [
    ("ex_partnergeweld", "partner"),
    ("ex_partnergeweld", "ex_partner"),
    ("kindermishandeling", "ouder_kind"),
    ("ouderenmishandeling", "mantelzorger"),
    ("geweld_tegen_ouders", "kind_ouder"),
    ("hg_overig", "overig_familielid"),
]
FLOOR_VORMEN = [["lichamelijk"], ["psychisch"], ["lichamelijk", "psychisch"], ["psychisch", "getuige"], ["verwaarlozing"], ["seksueel"]]
FLOOR_ROLES = ("slachtoffer", "pleger")  # then "kind" for every further party of a report
INSERT_CHUNK_ROWS = 20_000  # rows per executemany, as records.RecordStore.insert


def write_floor(reports: int, persons: int, parties: int, addresses: int, seed: int = 1) -> dict:
    """Write ``reports``/``persons``/``parties`` rows like an import's into this (empty, migrated) database, timed.

    Why: what an import costs once reading, checking, address lookup, row building and
    encryption cost nothing. The timed part does what the import's write phase does: on
    SQLite, in one transaction, drop the three tables' secondary indexes (the set fastpath's
    ``BulkIndexes`` drops), insert with the import's ``MultiRowInserter`` (many rows per
    statement) on the DB-API connection, recreate the indexes, commit; on PostgreSQL the import's bulk mode (``pgbulk.PgBulkLoad``: drop,
    binary ``COPY``, rebuild and validate) and commit.
    Rows are built per group of ``CHUNK_RECORDS`` reports, in the import's order (reports,
    persons, parties per group), between the timed inserts; building them is not timed.
    Parties are spread evenly over the reports and take the report's own persons in turn.
    ``addresses`` address rows are written first (not timed); reports and persons point at them.
    """
    # Imported here: `zicht bench import` also runs standalone (__main__), where Django is set up first.
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from zicht.core.crypto import bsn_hash_many, cipher
    from zicht.registry.domain.profile import find_profile
    from zicht.registry.fastpath import BulkIndexes, MultiRowInserter
    from zicht.registry.models import Person, Report, ReportParty
    from zicht.registry.records import PARTY_FIELDS, PERSON_FIELDS, REPORT_FIELDS, db_columns

    # the import's own column lists, as database columns
    report_columns, person_columns = db_columns(Report, REPORT_FIELDS), db_columns(Person, PERSON_FIELDS)
    party_columns = db_columns(ReportParty, PARTY_FIELDS)
    from zicht.registry.models import ImportBatch, Person, Report, ReportParty
    from zicht.registry.pipeline import CHUNK_RECORDS, SQLITE_CACHE_KIB, source_organisation

    if persons == 0:
        parties = 0  # a party needs a person
    sqlite = connection.vendor == "sqlite"
    load_geography()
    profile = find_profile("politie-bvh")
    batch = ImportBatch.objects.create(
        file_name="write-floor",
        file_sha256="0" * 64,
        profile=profile.name,
        profile_sha256=profile.sha256,
        source=source_organisation(profile),
        status="loaded",
    )
    source_id, batch_id = batch.source_id, batch.pk
    rng = random.Random(seed)
    address_ids = _floor_addresses(rng, addresses)
    tables = {"reports": Report._meta.db_table, "persons": Person._meta.db_table, "parties": ReportParty._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {tables['reports']}")
        first_report = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {tables['persons']}")
        first_person = cursor.fetchone()[0] + 1
        if sqlite:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")  # as BatchLoader.run
        backend_pid = None
        if not sqlite:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]

    encrypt_many = cipher().encrypt_many
    from zicht.core.crypto import place

    PERSON_PLACES = [place(Person._meta.db_table, c) for c in ("voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum")]
    REPORT_TOELICHTING = place(Report._meta.db_table, "toelichting")
    bsn_hashes = bsn_hash_many(_bsn_pool(rng, 50_000), settings.BSN_HASH_KEY)  # 50,000 distinct, as generate()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapt_date = connection.ops.adapt_datefield_value
    dates = [adapt_date(date(2021, 1, 1) + timedelta(days=d)) for d in range(1400)]
    vormen = [connection.ops.adapt_json_value(v, None) for v in FLOOR_VORMEN]
    toelichting = "Melding via 112; partijen gescheiden, afspraken gemaakt."

    def build(lo: int, hi: int) -> tuple[list, list, list]:
        """Rows of reports lo..hi-1 (0-based), their persons and parties; names encrypted per column."""
        report_rows, person_rows, party_rows = [], [], []
        plain: list[list] = [[], [], [], [], []]  # voornamen, voorletters, tussenvoegsel, achternaam, geboortedatum
        for r in range(lo, hi):
            p0, p1 = persons * r // reports, persons * (r + 1) // reports
            q0, q1 = parties * r // reports, parties * (r + 1) // reports
            number = r + 1
            rid = f"PL2000-{2021 + number % 4}{number:07d}"
            address = rng.choice(address_ids) if address_ids else None
            aard, relatie = rng.choice(FLOOR_AARD_RELATIE)
            report_rows.append(
                [
                    first_report + r,
                    source_id,
                    rid,
                    "incident",
                    rng.choice(dates),
                    aard,
                    rng.choice(vormen),
                    relatie,
                    rng.random() < 0.5,
                    rng.random() < 0.5,
                    rng.random() < 0.25,
                    rng.random() < 0.25,
                    "politie",
                    "",
                    address,
                    rng.choice(BUURTEN) if rng.random() < 0.6 else None,
                    None,
                    "",
                    "",
                    batch_id,
                    f"{p0 + 2}-{p1 + 1}" if p1 - p0 > 1 else str(p0 + 2),
                    now,
                ]
            )
            for k, p in enumerate(range(p0, p1)):
                voornaam = rng.choice(VOORNAMEN)
                tussenvoegsel, achternaam = rng.choice(ACHTERNAMEN)
                for column, value in zip(
                    plain,
                    (
                        voornaam,
                        voornaam[0] + ".",
                        tussenvoegsel,
                        achternaam,
                        (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).isoformat(),
                    ),
                ):
                    column.append(value)
                person_rows.append(
                    [
                        first_person + p,
                        source_id,
                        f"{rid}/{k + 1}",
                        rng.choice(bsn_hashes) if rng.random() < 0.7 else "",
                        None,
                        None,
                        None,
                        None,
                        None,
                        rng.choice("mv"),
                        address,
                        batch_id,
                        p + 2,
                        now,
                    ]
                )
            own = p1 - p0
            for k in range(q1 - q0):
                person = first_person + (p0 + k % own if own else min(p0, persons - 1))
                party_rows.append((first_report + r, person, FLOOR_ROLES[k] if k < len(FLOOR_ROLES) else "kind"))
        person_ids = [row[0] for row in person_rows]
        for i, (where, column) in enumerate(zip(PERSON_PLACES, plain)):
            for row, token in zip(person_rows, encrypt_many(column, where, person_ids)):
                row[4 + i] = token
        tokens = encrypt_many([toelichting] * len(report_rows), REPORT_TOELICHTING, [row[0] for row in report_rows])
        for row, token in zip(report_rows, tokens):
            row[16] = token
        return report_rows, person_rows, party_rows

    raw = connection.connection  # the DB-API connection, inside Django's transaction below
    if sqlite:
        write = MultiRowInserter(raw).insert  # as the import's writer thread, here without the thread
    else:
        from zicht.registry.pgbulk import column_types

        types = {}

        def write(table: str, columns: list, rows: list) -> None:  # as pgbulk.PgCopyWriter, here without the thread
            key = (table, tuple(columns))
            if key not in types:
                types[key] = column_types(table, columns)
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types[key])
                for row in rows:
                    copy.write_row(row)

    parts = dict.fromkeys(("index_drop", "insert", "index_rebuild", "commit"), 0.0)
    building = cpu = 0.0
    server_cpu_before = _backend_cpu_seconds(backend_pid)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as the column path: millions of tuples, no cycles
    try:
        with transaction.atomic():
            t0, c0 = time.perf_counter(), time.process_time()
            indexes = BulkIndexes(estimated_rows=0)  # the import's own index handling, here always applied
            if sqlite:
                indexes.drop_all()
                parts["index_drop"] = time.perf_counter() - t0
            else:  # PostgreSQL's bulk mode (as an initial load takes it): constraints and indexes rebuilt before commit
                from zicht.registry.pgbulk import PgBulkLoad

                indexes = PgBulkLoad(estimated_rows=10**12)
                indexes.drop()
                parts["index_drop"] = time.perf_counter() - t0
            cpu += time.process_time() - c0
            for lo in range(0, reports, CHUNK_RECORDS):
                t0 = time.perf_counter()
                report_rows, person_rows, party_rows = build(lo, min(reports, lo + CHUNK_RECORDS))
                t1, c1 = time.perf_counter(), time.process_time()
                building += t1 - t0
                write(tables["reports"], report_columns, report_rows)
                write(tables["persons"], person_columns, person_rows)
                write(tables["parties"], party_columns, party_rows)
                parts["insert"] += time.perf_counter() - t1
                cpu += time.process_time() - c1
            t0, c0 = time.perf_counter(), time.process_time()
            indexes.rebuild()
            parts["index_rebuild"] = time.perf_counter() - t0
            t_commit = time.perf_counter()
        parts["commit"] = time.perf_counter() - t_commit
        cpu += time.process_time() - c0
    finally:
        if gc_was_enabled:
            gc.enable()
    server_cpu_after = _backend_cpu_seconds(backend_pid)
    with connection.cursor() as cursor:  # the rows really landed
        counted = {}
        for table in tables.values():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counted[table] = cursor.fetchone()[0]
    result = {
        "write_floor_seconds": sum(parts.values()),
        "write_floor_seconds_by_part": parts,
        "write_floor_rows": counted,
        "write_floor_addresses": len(address_ids),
        "write_floor_cpu_seconds": cpu,
        "write_floor_row_building_seconds": building,
        "write_floor_database": (
            "sqlite, fresh file, secondary indexes dropped and rebuilt"
            if sqlite
            else "postgresql, tables emptied, binary COPY, bulk mode (foreign keys, secondary indexes, persons' and parties' unique constraints rebuilt)"
        ),
    }
    if server_cpu_before is not None and server_cpu_after is not None:
        result["write_floor_server_cpu_seconds"] = server_cpu_after - server_cpu_before
    return result


def _floor_addresses(rng: random.Random, n: int) -> list[int]:
    """n address rows like generate()'s (six in ten with a buurt), written and committed; their ids."""
    # Imported here: `zicht bench import` also runs standalone (__main__), where Django is set up first.
    from django.db import connection, transaction

    from zicht.registry.models import Address

    table = Address._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        rows = []
        for i in range(n):  # 60,840 postcodes, then house numbers, then additions: every key distinct
            postcode = f"{5000 + i % 90}{chr(65 + (i // 90) % 26)}{chr(65 + (i // 2340) % 26)}"
            nummer, toevoeging = 1 + (i // 60_840) % 180, ("", "a", "b", "II")[i // (60_840 * 180) % 4]
            rows.append(
                (
                    first + i,
                    f"{postcode}|{nummer}|{toevoeging.upper()}",
                    postcode,
                    nummer,
                    toevoeging,
                    rng.choice(STRATEN),
                    "Tilburg",
                    BUURTEN[i % len(BUURTEN)] if rng.random() < 0.6 else None,
                )
            )
        sql = (
            f"INSERT INTO {table} (id, key, postcode, huisnummer, toevoeging, straat, woonplaats, buurt_id) "
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        )
        for i in range(0, n, INSERT_CHUNK_ROWS):
            cursor.executemany(sql, rows[i : i + INSERT_CHUNK_ROWS])
    return list(range(first, first + n))


def _backend_cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds of a PostgreSQL backend from /proc/<pid>/stat; None unless it is a postgres process here."""
    if pid is None:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
    if not name.startswith("postgres"):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _postmaster_pid(connection) -> int | None:
    """PostgreSQL: the postmaster's pid (the parent of this connection's backend); None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def _backends_cpu_seconds(postmaster: int | None, before: float | None = None) -> float | None:
    """CPU seconds of the whole cluster (minus ``before``): every live process of the postmaster
    (backends, WAL writer, checkpointer) plus the children it has reaped (a second connection the
    import opened and closed is counted there); None unless the server runs on this machine."""
    if postmaster is None:
        return None
    try:
        stat = Path(f"/proc/{postmaster}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    tick = os.sysconf("SC_CLK_TCK")
    total = sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            child = (entry / "stat").read_text()
        except OSError:
            continue
        rest = child[child.rindex(")") + 2 :].split()
        if int(rest[1]) == postmaster:
            total += (int(rest[11]) + int(rest[12])) / tick
    return total - before if before is not None else total


def _floor_worker(reports: int, persons: int, parties: int, addresses: int) -> None:
    """Child process: a fresh database migrated like the import's, then the write floor (printed as JSON)."""
    _setup_database()
    # Imported here: runs in the benchmark's child process, after django.setup() on its own database.
    from django.db import connection

    from zicht.registry.models import Address, Person, Report, ReportParty

    if connection.vendor == "postgresql":  # a throw-away database the import has just filled
        tables = ", ".join(m._meta.db_table for m in (ReportParty, Person, Report, Address))
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    result = write_floor(reports, persons, parties, addresses)
    for key, value in result.items():
        if isinstance(value, float):
            result[key] = round(value, 2)
        elif isinstance(value, dict):
            result[key] = {k: round(v, 2) if isinstance(v, float) else v for k, v in value.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "--write-floor":
        _floor_worker(*map(int, sys.argv[2:6]))
    else:
        _worker(Path(sys.argv[1]))
