"""Interrupted imports (issue 13): a batch whose process is gone becomes 'interrupted' at the next
start, and a re-import loads the file fully. The liveness rule as a table, the marking against the
database, and real `zicht import` processes killed with SIGKILL at random moments."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from zicht.bench import kill
from zicht.bench.import_ import load_geography
from zicht.registry import interrupted
from zicht.registry.domain.liveness import ALIVE, GONE, UNKNOWN, importer_state, same_process
from zicht.registry.models import ImportBatch, Organisation

# -- the rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "recorded, same_host, process_alive, locked, age, state",
    [
        (True, True, True, None, 10, ALIVE),  # SQLite, our host, the importer runs
        (True, True, False, None, 10, GONE),  # SQLite, our host, the importer was killed
        (True, True, False, True, 10, GONE),  # the pid is the judge on its own host
        (True, False, None, None, 10**6, UNKNOWN),  # SQLite on another host: cannot tell, left alone
        (True, False, None, True, 10**6, ALIVE),  # PostgreSQL: the row lock is held
        (True, False, None, False, 5, UNKNOWN),  # not locked yet: the moment before the lock is taken
        (True, False, None, False, 120, GONE),  # PostgreSQL: lock gone with its connection
        (False, False, None, None, 3600, UNKNOWN),  # older version's batch, recent
        (False, False, None, None, 2 * 24 * 3600, GONE),  # older version's batch, a day old
        (False, False, None, True, 2 * 24 * 3600, ALIVE),
    ],
)
def test_importer_state(recorded, same_host, process_alive, locked, age, state):
    assert importer_state(recorded=recorded, same_host=same_host, process_alive=process_alive, locked=locked, age_seconds=age) == state


@pytest.mark.parametrize(
    "recorded, actual, same", [(100.0, 100.0, True), (100.0, 100.5, True), (100.0, 160.0, False), (None, 5.0, True), (100.0, None, False)]
)
def test_a_reused_pid_is_another_process(recorded, actual, same):
    assert same_process(recorded, actual) is same


# -- marking ----------------------------------------------------------------------------------------


def _batch(**fields) -> ImportBatch:
    source, _ = Organisation.objects.get_or_create(code="politie", defaults={"naam": "Politie", "type": "politie"})
    defaults = {"file_name": "f.csv", "file_sha256": "0" * 64, "profile": "politie-bvh", "profile_sha256": "", "source": source}
    return ImportBatch.objects.create(status="running", **{**defaults, **fields})


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.django_db
def test_dead_running_batches_are_marked_interrupted_and_live_ones_kept():
    mine = _batch(**interrupted.this_process())
    host = interrupted.this_process()["worker_host"]
    killed = _batch(worker_host=host, worker_pid=_dead_pid(), worker_started=time.time() - 5)
    reused = _batch(worker_host=host, worker_pid=os.getpid(), worker_started=1.0)  # our pid, another start: not ours
    elsewhere = _batch(worker_host="andere-server", worker_pid=1, worker_started=1.0)
    done = _batch(worker_host=host, worker_pid=_dead_pid(), worker_started=1.0)
    ImportBatch.objects.filter(pk=done.pk).update(status="loaded")
    assert interrupted.mark_interrupted() == 2
    states = dict(ImportBatch.objects.values_list("pk", "status"))
    expected = {mine.pk: "running", killed.pk: "interrupted", reused.pk: "interrupted", done.pk: "loaded"}
    if interrupted.connection.vendor == "sqlite":
        expected[elsewhere.pk] = "running"  # another host on SQLite: no way to tell
    assert {pk: states[pk] for pk in expected} == expected
    batch = ImportBatch.objects.get(pk=killed.pk)
    assert batch.message.startswith("Onderbroken:") and batch.finished_at is not None
    assert interrupted.mark_interrupted() == 0


@pytest.mark.django_db
def test_the_batch_pages_mark_and_show_interrupted_batches():
    from zicht.access import roles

    from .test_views import client_for

    killed = _batch(worker_host=interrupted.this_process()["worker_host"], worker_pid=_dead_pid(), worker_started=1.0)
    client, _ = client_for(roles.FUNCTIONEEL_BEHEERDER)
    page = client.get(reverse("registry:imports")).content.decode()
    assert "Onderbroken" in page
    assert ImportBatch.objects.get(pk=killed.pk).status == "interrupted"
    detail = client.get(reverse("registry:batch", args=[killed.pk])).content.decode()
    assert "Onderbroken" in detail and "importeer het opnieuw" in detail


# -- real processes, killed -----------------------------------------------------------------------------

# The processes, the kill points and the comparison live in zicht.bench.kill (`zicht bench kill` runs more).


def _database(db: Path, env: dict) -> None:
    """A migrated SQLite file with the geography of the generated file: the test database copied
    when the suite runs on SQLite (seconds faster than migrating in a child), else migrated there."""
    from django.db import connection

    if connection.vendor == "sqlite":
        load_geography()
        connection.ensure_connection()
        target = sqlite3.connect(db)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return
    kill._migrate(db, env)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the test database is copied to a file: no open transaction on it
def test_imports_killed_at_random_moments_then_a_reimport_loads_exactly_the_file(tmp_path):
    seed = int(os.environ.get("ZICHT_KILL_SEED", time.time()))
    outcome = kill.kill_and_reimport(tmp_path, kills=3, rows=3000, seed=seed, prepare=_database)
    assert outcome["returncode"] == 0, outcome["output"]
    # every killed batch was marked at the next start; the re-import loaded (not 'already loaded')
    assert outcome["statuses"] == ["interrupted", "interrupted", "interrupted", "loaded"], (seed, outcome["delays"])
    assert outcome["registry"] == outcome["file"], (seed, outcome["delays"])  # exactly the file's records and parties
