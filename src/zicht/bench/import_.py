"""Import a politie-format export (default 1,000,000 incidents ≈ 2.5 M rows) into a throw-away database.

Generation is not timed. The import runs in a child process against a temporary SQLite
file (or ``--database-url`` pointing at a throw-away PostgreSQL database), so the user's
own registry is never touched and the peak memory is that of the import alone. DuckDB's
``read_csv`` of the same file is measured in the same run as the raw-parse floor.

``seconds_by_phase`` is wall-clock time of the main process per phase of the column path
(read, check, row_path, addresses, build, encrypt_wait, insert, index_rebuild, other,
commit); ``encrypt_cpu_seconds`` is CPU spent encrypting in the worker pool (or in-process
for small files), ``main_process_cpu_seconds`` the main process's CPU. The load average
before and after is printed beside them: on a shared machine the wall-clock figures are
only comparable at similar load.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = ("Registratienummer;Pleegdatum;Incidentsoort;Relatie;Geweldsvormen;Letsel;Wapen;Huisverbod;Kinderen aanwezig;"
          "Rol;BSN;Voornamen;Tussenvoegsel;Achternaam;Geslacht;Geboortedatum;Straat;Huisnummer;Toevoeging;Postcode;"
          "Woonplaats;Buurtcode;Mutatietekst")
SOORTEN = [("Partnergeweld", "partner"), ("Ex-partnergeweld", "ex-partner"), ("Kindermishandeling", "ouder-kind"),
           ("Ouderenmishandeling", "mantelzorger"), ("Geweld tegen ouder(s)", "kind-ouder"), ("Overig huiselijk geweld", "familie")]
VOORNAMEN = ["Sanne", "Mark", "Noah", "Emma", "Daan", "Julia", "Mohamed", "Fatima", "Lucas", "Sophie", "Anouk", "Bram",
             "Yusuf", "Elif", "Sem", "Lotte", "Kevin", "Priya", "Jan", "Maria"]
ACHTERNAMEN = [("", "Jansen"), ("de", "Vries"), ("van der", "Berg"), ("", "Bakker"), ("el", "Amrani"), ("", "Yilmaz"),
               ("van", "Dijk"), ("", "Smit"), ("de", "Boer"), ("", "Mulder"), ("", "Visser"), ("van den", "Heuvel")]
STRATEN = ["Korvelseweg", "Ringbaan-West", "Hoefstraat", "Bredaseweg", "Piushaven", "Goirkestraat", "Hasseltstraat"]
VORMEN = ["lichamelijk", "psychisch", "lichamelijk|psychisch", "psychisch|getuige", "verwaarlozing", "seksueel"]
BUURTEN = [f"BU0855{i:04d}" for i in range(100, 160)]


def add_arguments(parser):
    parser.add_argument("--rows", type=int, default=2_500_000, help="approximate number of rows (≈ 2.5 per incident)")
    parser.add_argument("--file", type=Path, help="import this politie-format file instead of generating one")
    parser.add_argument("--database-url", help="throw-away database to import into (default: a temporary SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (file and database)")


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
        addresses.append((rng.choice(STRATEN), str(1 + i % 180), rng.choice(["", "", "", "a", "b", "II"]), pc,
                          BUURTEN[i % len(BUURTEN)]))
    start = date(2021, 1, 1)
    incidents = written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(HEADER + "\r\n")
        while written < rows:
            incidents += 1
            rid = f"PL2000-{2021 + incidents % 4}{incidents:07d}"
            datum = (start + timedelta(days=rng.randrange(1400))).strftime("%d-%m-%Y")
            soort, relatie = rng.choice(SOORTEN)
            record = (f"{rid};{datum};{soort};{relatie};{rng.choice(VORMEN)};{rng.choice('JN')};{rng.choice('NNNJ')};"
                      f"{rng.choice('NNNJ')};{rng.choice('JN')}")
            tekst = "Melding via 112; partijen gescheiden, afspraken gemaakt."
            straat, nummer, toevoeging, postcode, buurt = rng.choice(addresses)
            postcode_text = postcode if rng.random() < 0.5 else f"{postcode[:4]} {postcode[4:]}"
            buurt = buurt if rng.random() < 0.6 else ""
            parties = ["Slachtoffer", "Verdachte"] + (["Kind"] if rng.random() < 0.5 else [])
            lines = []
            for rol in parties:
                tv, achternaam = rng.choice(ACHTERNAMEN)
                geboren = (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).strftime("%d-%m-%Y")
                bsn = rng.choice(bsns) if rng.random() < 0.7 else ""
                lines.append(f"{record};{rol};{bsn};{rng.choice(VOORNAMEN)};{tv};{achternaam};{rng.choice('MV')};{geboren};"
                             f"{straat};{nummer};{toevoeging};{postcode_text};Tilburg;{buurt};{tekst}")
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
        env = dict(os.environ, ZICHT_DEMO="1", ZICHT_DATA_DIR=str(tmp),
                   DATABASE_URL=options.get("database_url") or f"sqlite:///{tmp / 'bench.sqlite3'}")
        proc = subprocess.run([sys.executable, "-m", "zicht.bench.import_", str(path)], env=env,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "worker failed"}
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        floor = _duckdb_floor(path)  # after the import: its memory must not be inherited by the worker
        result.update({f"generated_{k}": v for k, v in generated.items()})
        result["file_mb"] = round(path.stat().st_size / 2**20, 1)
        result.update(floor)
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
    con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, delim=';', header=true, all_varchar=true, quote='\"')", [str(path)]
    )
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"duckdb_read_csv_seconds": round(seconds, 2), "duckdb_rows_per_second": int(rows / seconds)}


def _worker(path: Path) -> None:
    """Child process: migrate the throw-away database, load the geography the file uses, time the import."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zicht.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from zicht.bench._machine import peak_rss_mb
    from zicht.geo.models import Buurt, Gemeente, Wijk
    from zicht.registry.models import Address, Person, Report
    from zicht.registry.pipeline import import_file

    call_command("migrate", verbosity=0)
    gemeente, _ = Gemeente.objects.get_or_create(code="GM0855", defaults={"naam": "Tilburg", "indeling_jaar": 2024})
    wijk, _ = Wijk.objects.get_or_create(code="WK085501", defaults={"naam": "Wijk", "gemeente": gemeente, "indeling_jaar": 2024})
    for code in BUURTEN:
        Buurt.objects.get_or_create(code=code, defaults={"naam": code, "wijk": wijk, "gemeente": gemeente, "indeling_jaar": 2024})
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
    load_before = os.getloadavg()
    t0, cpu0 = time.perf_counter(), time.process_time()
    batch = import_file(path, "politie-bvh", accept_partial=True, progress=False)
    seconds, main_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    sampled["run"] = False
    raw = batch.timings
    inside = raw.get("before_commit", seconds)
    if "check" in raw:  # the column path (CSV): wall-clock seconds of the main process per phase
        phases = ("read", "check", "row_path", "addresses", "build", "encrypt_wait", "insert", "index_rebuild")
        timings = {k: round(raw[k], 2) for k in phases}
        timings["other"] = round(inside - sum(raw[k] for k in phases), 2)
        timings["commit"] = round(raw.get("with_commit", seconds) - inside, 2)
        timings["encrypt_cpu_seconds"] = round(raw["encrypt_cpu"], 2)
        timings["encrypt_where"] = "process pool (2 workers)" if raw["encrypt_in_pool"] else "main process"
    else:
        timings = {k: round(v, 1) for k, v in raw.items()}
        timings["read_and_check"] = round(inside - raw["addresses"] - raw["encrypt_and_build"] - raw["insert"], 1)
        timings["commit"] = round(raw.get("with_commit", seconds) - inside, 1)
    print(json.dumps({
        "status": batch.status,
        "rows": batch.rows_total,
        "rows_loaded": batch.rows_loaded,
        "rows_rejected": batch.rows_rejected,
        "reports": Report.objects.count(),
        "persons": Person.objects.count(),
        "addresses": Address.objects.count(),
        "seconds": round(seconds, 2),
        "rows_per_second": int(batch.rows_total / seconds) if seconds else None,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_import_mb": rss_before,
        "rss_peak_sampled_mb": round(sampled["peak"] / 2**20, 1),
        "seconds_by_phase": timings,
        "main_process_cpu_seconds": round(main_cpu, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "database": "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite (temporary file)",
    }))


if __name__ == "__main__":
    _worker(Path(sys.argv[1]))
