"""The import pipeline end to end: an initial load, then a delivery into it, each linked, householded and coloured.

Issue 13's benchmark. One politie-format file of ``--registry-rows`` + ``--delivery-rows`` person mentions is
generated (``generate``, from ``synth.people``; not timed) and cut at an incident boundary: the
first part is the registry, the rest the delivery. The same people are mentioned in both, so the
delivery links to persons the registry already holds, as a real delta does.

In a child process against a throw-away database (a temporary SQLite file, or
``--database-url`` pointing at a throw-away PostgreSQL database):

(b) **initial load**: the registry file imported, then linked (the engine's batch run: an empty
    registry), householded and coloured (``registry.postprocess``), each timed;
(a) **delivery**: the delivery file imported into that registry, then linked in bulk against the
    persisted index (``linkage.incremental``), householded and coloured;
(c) **import alone**: rows per second of the initial load's import.

Beside each, its floor measured in the same run: DuckDB ``read_csv`` of the same file (parent
process) and the engine's in-memory batch link (``linkage.engine.link``, the stored model, of
the same persons' features; decryption not timed) of the delivery alone (a) and of the whole
registry (b).

CPU beside wall (issue 13, PostgreSQL delivery): each part reports this process's CPU seconds
(``import_cpu_seconds``; per post-processing step in ``steps``; per linkage stage in
``link_details.cpu_seconds``) and, when the database is a PostgreSQL server on this machine, the
server's (``import_server_cpu_seconds``, ``steps.server_cpu_seconds``,
``link_details.server_cpu_seconds``: every process of the cluster, from /proc, through
``core.stageclock``). ``link_details.commit`` is the delivery's commit (PostgreSQL's deferred
foreign-key checks), ``statistics`` the planner statistics it refreshed (``core.dbstats``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import import_


def add_arguments(parser):
    parser.add_argument("--registry-rows", type=int, default=100_000, help="rows of the initial load (≈ persons of the registry)")
    parser.add_argument("--delivery-rows", type=int, default=10_000, help="rows of the delivery")
    parser.add_argument("--database-url", help="throw-away database (default: a temporary SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (files and database)")


ROLES = ("Slachtoffer", "Verdachte", "Kind")


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """A politie-format file (``import_.HEADER``) of ``rows`` person mentions from ``synth.people``:
    realistic Dutch names, most people mentioned 1–4 times with the generator's noise, about half
    with a BSN. Mentions are grouped into incidents of one to three parties at the first party's
    address. (``import_.generate`` draws names from a few dozen, which makes blocks of thousands.)"""
    import random

    from zicht.synth.people import person_records

    rng = random.Random(seed)
    frame = person_records(rows, seed=seed)
    mentions = frame.to_dict("records")
    incident = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(import_.HEADER + "\r\n")
        i = 0
        while i < len(mentions):
            incident += 1
            size = min(rng.choice((1, 2, 2, 3)), len(mentions) - i)
            group, i = mentions[i : i + size], i + size
            head = group[0]
            rid = f"PL2000-{incident:08d}"
            datum = "-".join(reversed(head["datum"].split("-")))
            soort, relatie = rng.choice(import_.SOORTEN)
            record = (
                f"{rid};{datum};{soort};{relatie};{rng.choice(import_.VORMEN)};{rng.choice('JN')};{rng.choice('NNNJ')};"
                f"{rng.choice('NNNJ')};{rng.choice('JN')}"
            )
            buurt = rng.choice(import_.BUURTEN) if rng.random() < 0.6 else ""
            straat = rng.choice(import_.STRATEN)
            lines = []
            for k, m in enumerate(group):
                rol = "Kind" if m["kind_op"] else ROLES[min(k, 1)]
                dob = "-".join(reversed(m["geboortedatum"].split("-"))) if m["geboortedatum"] else ""
                lines.append(
                    f"{record};{rol};{m['bsn']};{m['voornamen']};{m['tussenvoegsel']};{m['achternaam']};{m['geslacht']};{dob};"
                    f"{straat};{head['huisnummer']};;{head['postcode']};{head['woonplaats']};{buurt};Melding via 112."
                )
            fh.write("\r\n".join(lines) + "\r\n")


def split(path: Path, registry: Path, delivery: Path, registry_rows: int) -> dict:
    """Cut a generated file in two at the first incident boundary after ``registry_rows`` rows."""
    counts = {"registry": 0, "delivery": 0}
    with (
        path.open(encoding="utf-8-sig", newline="") as src,
        registry.open("w", encoding="utf-8-sig", newline="") as a,
        delivery.open("w", encoding="utf-8-sig", newline="") as b,
    ):
        header = src.readline()
        a.write(header)
        b.write(header)
        out, part, last = a, "registry", None
        for line in src:
            rid = line.split(";", 1)[0]
            if part == "registry" and counts["registry"] >= registry_rows and rid != last:
                out, part = b, "delivery"
            out.write(line)
            counts[part] += 1
            last = rid
    return counts


def run(options) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="zicht-bench-pipeline-"))
    try:
        registry_rows = options.get("registry_rows") or 100_000
        delivery_rows = options.get("delivery_rows") or 10_000
        whole, registry, delivery = tmp / "all.csv", tmp / "registry.csv", tmp / "delivery.csv"
        t0 = time.perf_counter()
        generate(whole, registry_rows + delivery_rows)
        counts = split(whole, registry, delivery, registry_rows)
        whole.unlink()
        generation = round(time.perf_counter() - t0, 1)
        from zicht.core.crypto import throwaway_secrets

        env = dict(
            os.environ,
            **throwaway_secrets(),
            ZICHT_DATA_DIR=str(tmp),
            DATABASE_URL=options.get("database_url") or f"sqlite:///{tmp / 'bench.sqlite3'}",
        )
        proc = subprocess.run(
            [sys.executable, "-m", "zicht.bench.pipeline", str(registry), str(delivery)], env=env, capture_output=True, text=True
        )
        if os.environ.get("ZICHT_BENCH_PROFILE"):
            sys.stderr.write(proc.stderr)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "worker failed"}
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        floor_registry = import_._duckdb_floor(registry)
        floor_delivery = import_._duckdb_floor(delivery)
        a, b, c = result["delivery"], result["initial_load"], result["import_alone"]
        a["floor_duckdb_read_csv_seconds"] = floor_delivery["duckdb_read_csv_seconds"]
        b["floor_duckdb_read_csv_seconds"] = floor_registry["duckdb_read_csv_seconds"]
        c["floor_duckdb_rows_per_second"] = floor_registry["duckdb_rows_per_second"]
        result["rows"] = counts
        result["generation_seconds"] = generation
        result["targets"] = {
            "delivery": "10,000 rows into 1,000,000 persons, linked, householded, coloured: ≤ 30 s (SQLite and PostgreSQL)",
            "initial_load": "1,000,000 incidents (≈ 2.5 M rows) end to end: ≤ 5 min (SQLite)",
            "import_alone": "≥ 30,000 rows/s (PostgreSQL)",
        }
        return result
    finally:
        if not options.get("keep"):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


def _import_and_postprocess(path: Path) -> tuple[object, dict]:
    """Import ``path`` (post-processing queued), then run linking and colouring: seconds per part."""
    # Imported here: runs in the benchmark's child process, after django.setup() on its own database.
    from zicht.core import stageclock
    from zicht.linkage import incremental
    from zicht.linkage.models import LinkageRun
    from zicht.registry import postprocess
    from zicht.registry.pipeline import import_file
    from zicht.registry.postprocess import run_postprocessing

    t0, c0, s0 = time.perf_counter(), time.process_time(), stageclock.server_seconds()
    batch = import_file(path, "politie-bvh", accept_partial=True, defer_postprocess=True)
    imported, import_cpu, s1 = time.perf_counter() - t0, time.process_time() - c0, stageclock.server_seconds()
    t1, c1 = time.perf_counter(), time.process_time()
    if os.environ.get("ZICHT_BENCH_PROFILE"):  # where the post-processing spends its time, on stderr
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        failures = profiler.runcall(run_postprocessing, batch)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    else:
        failures = run_postprocessing(batch)
    post, post_cpu = time.perf_counter() - t1, time.process_time() - c1
    batch.refresh_from_db()
    run = LinkageRun.objects.order_by("pk").last()
    link_seconds = (batch.linked_at - batch.finished_at).total_seconds()
    out = {
        "status": batch.status,
        "rows": batch.rows_total,
        "persons_new": batch.persons_created,
        "import_seconds": round(imported, 2),
        "link_seconds": round(link_seconds, 2),
        "colour_seconds": round((batch.coloured_at - batch.linked_at).total_seconds(), 2),
        "postprocess_seconds": round(post, 2),
        "postprocess_cpu_seconds": round(post_cpu, 2),  # this process only (SQLite included, a PostgreSQL server not)
        "import_cpu_seconds": round(import_cpu, 2),  # this process's threads (not the encryption pool's processes)
        "steps": dict(postprocess.last_steps),  # per post-processing step: wall, this process's CPU, the server's
        "seconds": round(imported + post, 2),
        **({"import_server_cpu_seconds": round(s1 - s0, 2)} if s0 is not None and s1 is not None else {}),
        "link_kind": run.kind if run else None,
        "postprocess_failures": failures,
    }
    if run is not None and run.kind == "incremental":
        out["link_details"] = dict(incremental.last_run)
    return batch, out


def _engine_floor(person_ids) -> float:
    """Seconds of the engine's in-memory batch link of these persons' features with the stored model."""
    import pandas as pd

    from zicht.linkage import config, services
    from zicht.linkage.engine import features_frame, link
    from zicht.linkage.incremental import person_recs

    cfg = config.load()
    params, _ = services.current_model()
    feats = features_frame(pd.DataFrame(person_recs(person_ids)))  # decryption and features: not timed
    t0 = time.perf_counter()
    link(
        feats,
        link_threshold=cfg["link_threshold"],
        review_threshold=cfg["review_threshold"],
        params=params,
        veto_weight=cfg.get("veto_weight"),
        ambiguity_margin=cfg.get("ambiguity_margin"),
    )
    return round(time.perf_counter() - t0, 2)


def household_sizes() -> dict:
    """Distinct members per household after the run: count, max, p99 and the number above the
    episode cap (``linkage.households.MAX_EPISODE_PERSONS``), to show households stay bounded."""
    from django.db.models import Count

    from zicht.linkage.models import HouseholdMember

    sizes = sorted(
        HouseholdMember.objects.values("household_id").annotate(n=Count("linked_person_id", distinct=True)).values_list("n", flat=True)
    )
    if not sizes:
        return {"households": 0}
    return {
        "households": len(sizes),
        "max": sizes[-1],
        "p99": sizes[min(len(sizes) - 1, int(len(sizes) * 0.99))],
        "above_12": sum(1 for n in sizes if n > 12),
    }


def _worker(registry: Path, delivery: Path) -> None:
    import_._setup_database()
    from django.db import connection

    from zicht.bench._machine import peak_rss_mb
    from zicht.core import stageclock
    from zicht.registry.models import Person

    postmaster = import_._postmaster_pid(connection)
    if postmaster is not None:  # PostgreSQL on this machine: the server's CPU seconds per stage (/proc)
        stageclock.server_cpu = lambda: import_._backends_cpu_seconds(postmaster)
    load_before = os.getloadavg()
    first, initial = _import_and_postprocess(registry)
    registry_persons = Person.objects.count()
    initial["floor_engine_batch_link_seconds"] = _engine_floor(Person.objects.values_list("pk", flat=True))
    batch, delivered = _import_and_postprocess(delivery)
    delivered["registry_persons_before"] = registry_persons
    delivered["floor_engine_batch_link_seconds"] = _engine_floor(Person.objects.filter(import_batch=batch).values_list("pk", flat=True))
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "registry_persons": registry_persons,
                "delivery": delivered,
                "initial_load": initial,
                "import_alone": {
                    "rows": initial["rows"],
                    "seconds": initial["import_seconds"],
                    "rows_per_second": int(initial["rows"] / initial["import_seconds"]) if initial["import_seconds"] else None,
                },
                "household_sizes": household_sizes(),
                "peak_rss_mb": peak_rss_mb(),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    _worker(Path(sys.argv[1]), Path(sys.argv[2]))
