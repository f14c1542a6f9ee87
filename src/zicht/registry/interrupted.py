"""Mark 'running' import batches whose process is gone as 'interrupted' (rules: domain.liveness).

Called at the start of every import (``zicht import``, the upload form), and by the batch
list and batch pages, so a killed import shows as 'Onderbroken' with a message instead of
'Bezig' for ever. Never blocks on a busy SQLite database: when another import holds the
write lock the marking waits for the next call.
"""

from __future__ import annotations

import logging
import os
import socket

import psutil
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from .domain.liveness import GONE, importer_state, same_process
from .models import ImportBatch

log = logging.getLogger(__name__)

MESSAGE = (
    "Onderbroken: het importproces is gestopt voordat de import klaar was (afgebroken, vastgelopen of "
    "de server herstart). Er is niets van dit bestand geladen; importeer het opnieuw."
)
SQLITE_WAIT_MS = 200  # how long the marking may wait for SQLite's write lock


def this_process() -> dict:
    """The fields a new batch records about the process that imports it."""
    return {"worker_host": socket.gethostname()[:255], "worker_pid": os.getpid(), "worker_started": _started(os.getpid())}


def _started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return None
    except psutil.AccessDenied:
        return None


def _alive(pid: int, recorded_start: float | None) -> bool:
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        actual = process.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.AccessDenied:
        return True  # another user's process with that pid: cannot tell, assume it is the importer
    return same_process(recorded_start, actual)


def _locked_ids(ids: list[int]) -> set[int] | None:
    """PostgreSQL: the batches whose row lock an import holds (None where there are no row locks)."""
    if connection.vendor != "postgresql" or not ids:
        return None
    with transaction.atomic():
        free = set(ImportBatch.objects.select_for_update(skip_locked=True).filter(pk__in=ids).values_list("pk", flat=True))
    return set(ids) - free


def mark_interrupted() -> int:
    """Mark every 'running' batch whose importer is gone; returns how many were marked."""
    running = list(
        ImportBatch.objects.filter(status="running").values_list("pk", "worker_host", "worker_pid", "worker_started", "started_at")
    )
    if not running:
        return 0
    host = socket.gethostname()[:255]
    now = timezone.now()
    locked = _locked_ids([r[0] for r in running])
    gone = []
    for pk, worker_host, pid, started, started_at in running:
        same_host = worker_host == host
        state = importer_state(
            recorded=pid is not None,
            same_host=same_host,
            process_alive=_alive(pid, started) if same_host and pid is not None else None,
            locked=None if locked is None else pk in locked,
            age_seconds=(now - started_at).total_seconds(),
        )
        if state == GONE:
            gone.append(pk)
    if not gone:
        return 0
    try:
        marked = _update(gone, now)
    except OperationalError:  # SQLite: another import holds the write lock; the next call marks them
        log.info("Marking %s interrupted import(s) postponed: database busy", len(gone))
        return 0
    if marked:
        log.warning("Marked %s import batch(es) interrupted: their process is gone", marked)
    return marked


def _update(ids: list[int], now) -> int:
    def update() -> int:
        return ImportBatch.objects.filter(pk__in=ids, status="running").update(status="interrupted", message=MESSAGE, finished_at=now)

    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return update()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
    try:
        return update()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
