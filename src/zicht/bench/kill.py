"""Imports killed with SIGKILL at random moments, then imported again: exactly the file's records.

Issue 13's kill test with more kill points than CI runs (``registry/tests/test_interrupted.py`` runs
three). Real ``zicht import`` processes against a temporary SQLite file, each killed at a random
moment while its batch runs; at the next start each killed batch is *interrupted*; the last import
loads the file, and the registry then holds exactly the file's records, each with its parties.
The seed replays a run (``--seed``; the test reads ``ZICHT_KILL_SEED``).
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .import_ import generate


def add_arguments(parser):
    parser.add_argument("--kills", type=int, default=12, help="kill points (the CI test runs 3)")
    parser.add_argument("--rows", type=int, default=3000, help="rows of the generated politie file")
    parser.add_argument("--seed", type=int, default=None, help="replay the kill points of a run (default: the clock)")


def run(options) -> dict:
    seed = options.get("seed") if options.get("seed") is not None else int(time.time())
    kills, rows = int(options.get("kills") or 12), int(options.get("rows") or 3000)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zicht-kill-") as tmp:
        outcome = kill_and_reimport(Path(tmp), kills=kills, rows=rows, seed=seed)
    expected = ["interrupted"] * kills + ["loaded"]
    return {
        "benchmark": "kill",
        "rows": rows,
        "kills": kills,
        "seed": seed,
        "kill_points_s": outcome["delays"],
        "statuses_ok": outcome["statuses"] == expected,
        "registry_equals_file": outcome["registry"] == outcome["file"],
        "records_in_file": len(outcome["file"]),
        "ok": outcome["returncode"] == 0 and outcome["statuses"] == expected and outcome["registry"] == outcome["file"],
        "seconds": round(time.perf_counter() - t0, 1),
    }


MIGRATE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from zicht.bench.import_ import load_geography
load_geography()
"""
# `zicht import` itself, with small writes and blocks so that a kill lands between many of them.
IMPORT = """
import sys
import django
django.setup()
from zicht.registry import fastpath, pipeline
pipeline.CHUNK_RECORDS = 20
fastpath.BLOCK_BYTES = 16_000
pipeline._announce = lambda batch, **kwargs: None  # linking and colouring after the commit are not what is tested here
# Every chunk written takes at least 30 ms more, on both paths: the import then lasts well over the
# latest kill point (0.6 s) on a fast machine too, so a kill never comes after the commit.
import time
from zicht.registry import records
def _slowed(insert):
    def slow_insert(self, model, *args, **kwargs):
        if model.__name__ == "Report":
            time.sleep(0.03)
        return insert(self, model, *args, **kwargs)
    return slow_insert
records.RecordStore.insert = _slowed(records.RecordStore.insert)
fastpath.SqliteWriter.insert = _slowed(fastpath.SqliteWriter.insert)
from zicht.cli import main
main(["zicht", "import", "--profile", "politie-bvh", "--no-progress", sys.argv[1]])
"""


def _migrate(db: Path, env: dict) -> None:
    subprocess.run([sys.executable, "-c", MIGRATE], env=env, check=True, timeout=600, capture_output=True)


def _statuses(db: Path) -> list[str]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return [r[0] for r in con.execute("SELECT status FROM registry_importbatch ORDER BY id")]
    finally:
        con.close()


def _parties_per_record(db: Path) -> Counter:
    con = sqlite3.connect(db, timeout=30)
    try:
        rows = con.execute(
            "SELECT r.source_record_id, COUNT(*) FROM registry_reportparty p JOIN registry_report r ON r.id = p.report_id "
            "GROUP BY r.source_record_id"
        )
        return Counter(dict(rows))
    finally:
        con.close()


def _in_file(path: Path) -> Counter:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        return Counter(row[0] for row in reader if row)


def child_env(data_dir: Path, db: Path) -> dict:
    """The environment of an import run in a child process against its own SQLite file."""
    return dict(
        os.environ,
        ZICHT_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_SETTINGS_MODULE="zicht.settings",
        PYTHONUNBUFFERED="1",
    )


def kill_and_reimport(tmp_path: Path, kills: int, rows: int, seed: int, prepare=None) -> dict:
    """Start `zicht import` ``kills`` times and SIGKILL it at a random moment while its batch runs; then
    import the file once more. Returns what the test and the benchmark check. ``prepare(db, env)``
    makes the migrated SQLite file with the geography (default: migrated in a child process; the
    test copies its own test database, which is faster)."""
    rng = random.Random(seed)
    db = tmp_path / "kill.sqlite3"
    big = tmp_path / "politie_incidenten.csv"
    env = child_env(tmp_path, db)
    (prepare or _migrate)(db, env)
    generate(big, rows, seed=seed)
    delays = []
    for attempt in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(big)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                statuses = _statuses(db)
                if len(statuses) > attempt and statuses[attempt] == "running":
                    break
                time.sleep(0.02)
            delay = rng.uniform(0.0, 0.6)
            time.sleep(delay)
            assert proc.poll() is None, f"import ended before the kill point {delay:.2f} s: {proc.communicate()}"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            delays.append(round(delay, 3))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert _statuses(db)[attempt] == "running", f"kill point {delay:.2f} s came after the commit"
    done = subprocess.run([sys.executable, "-c", IMPORT, str(big)], env=env, timeout=600, capture_output=True, text=True)
    return {
        "returncode": done.returncode,
        "output": done.stdout + done.stderr[-2000:],
        "statuses": _statuses(db),
        "registry": _parties_per_record(db),
        "file": _in_file(big),
        "delays": delays,
    }
