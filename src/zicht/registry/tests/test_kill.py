"""A killed import leaves nothing half-written (a real process, SIGKILL mid-transaction, SQLite file)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from zicht.bench.kill import child_env

from .conftest import FIXTURES

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import django
    django.setup()
    from django.core.management import call_command
    from zicht.bench.import_ import BUURTEN, generate
    from zicht.geo.models import Buurt, Gemeente, Wijk
    from zicht.registry import pipeline
    from zicht.registry.pipeline import import_file

    call_command("migrate", verbosity=0)
    g = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    w = Wijk.objects.create(code="WK085501", naam="Wijk", gemeente=g, indeling_jaar=2024)
    for code in BUURTEN + ["BU08551700"]:
        Buurt.objects.create(code=code, naam=code, wijk=w, gemeente=g, indeling_jaar=2024)
    first = import_file(Path(sys.argv[1]), "politie-bvh")
    print("BASELINE", first.status, flush=True)

    big = Path(sys.argv[2])
    generate(big, 2000)
    pipeline.CHUNK_RECORDS = 50
    original = pipeline.BatchLoader.flush
    state = {"n": 0}

    def flush_then_wait(self):
        original(self)
        state["n"] += 1
        if state["n"] == 3:
            print("FLUSHED", self.counts.reports_created, flush=True)
            time.sleep(120)

    pipeline.BatchLoader.flush = flush_then_wait
    import_file(big, "politie-bvh", accept_partial=True)
    print("NOT KILLED", flush=True)
    """
)


def _counts(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        tables = ["registry_report", "registry_person", "registry_reportparty", "registry_address"]
        result = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
        result["statuses"] = sorted(r[0] for r in con.execute("SELECT status FROM registry_importbatch"))
        return result
    finally:
        con.close()


@pytest.mark.slow
def test_killed_import_leaves_counts_unchanged(tmp_path):
    db = tmp_path / "kill.sqlite3"
    script = tmp_path / "run_import.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = child_env(tmp_path, db)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(FIXTURES / "politie_incidenten.csv"), str(tmp_path / "big.csv")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen, flushed = [], None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
            if line.startswith("FLUSHED"):
                flushed = int(line.split()[1])
                break
        assert flushed, f"import did not reach the kill point: {seen} {proc.stderr.read() if proc.poll() is not None else ''}"
        assert "BASELINE loaded" in seen
        written_before_kill = flushed > 0  # 150 records were written inside the open transaction
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert written_before_kill
    counts = _counts(db)
    # only the fixture's 3 incidents, 7 persons and 3 addresses: nothing of the killed import
    assert {k: counts[k] for k in counts if k != "statuses"} == {
        "registry_report": 3,
        "registry_person": 7,
        "registry_reportparty": 7,
        "registry_address": 3,
    }
    assert counts["statuses"] == ["loaded", "running"]  # the killed batch stays visible as 'running' (Bezig)
