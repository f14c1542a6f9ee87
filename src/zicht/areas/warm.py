"""Warm the protected sets after an import, so the first gebiedscan page is not the one that pays.

An import changes the base counts of the gemeenten it touched, so their protected sets
(``figures.canonical``) must be solved again; cold, that takes tens of seconds per year at demo
size. This post-processing step (a receiver of ``registry.signals.batch_imported``, connected in
``AreasConfig.ready``) solves them right after the import; the repairs are persisted
(``zicht.areas.protected_cache``), so every web worker and every restart reuses them.

``settings.ZICHT_WARM_AFTER_IMPORT`` says how:

- ``thread`` (default): in a background thread, so an upload page returns at once; a command-line
  ``zicht import`` waits for it before it exits (the thread is not a daemon);
- ``sync``: in the import's own thread (the batch's nabewerking then includes it);
- ``off``: not at all (the first page solves the sets, as before).

``deferred()`` collects the gemeenten of several imports and warms them once at the end (the demo
imports three files in a row).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import connection

from .data import cube_for, wijken_of
from .figures import canonical, period_for
from .policy import default_policy

log = logging.getLogger(__name__)

MODES = ("thread", "sync", "off")
_deferred: list[set[str]] = []
_lock = threading.Lock()
_running: dict[str, threading.Thread] = {}
_again: set[str] = set()


def mode() -> str:
    value = getattr(settings, "ZICHT_WARM_AFTER_IMPORT", "thread")
    return value if value in MODES else "thread"


def warm_gemeente(gemeente_code: str) -> dict:
    """Solve (or load) the protected set of every year of the gemeente; returns seconds per year."""
    timings = {}
    cube = cube_for(gemeente_code)
    wijken = [w.code for w in wijken_of(gemeente_code)]
    policy = default_policy()
    for year in period_for(cube, None).years:
        started = time.perf_counter()
        canonical(cube, gemeente_code, wijken, year, policy)
        timings[year] = round(time.perf_counter() - started, 2)
    return timings


def gemeenten_of_batch(batch) -> set[str]:
    """The gemeenten whose buurten received reports of the batch (codes only)."""
    return set(batch.reports.exclude(buurt=None).values_list("buurt__gemeente_id", flat=True).distinct())


def _run(code: str) -> None:
    try:
        while True:
            try:
                timings = warm_gemeente(code)
                log.info("Protected sets of %s warmed: %s", code, timings)
            except Exception as exc:  # noqa: BLE001 — the page will solve it; record the class only
                log.error("Warming the protected sets of %s failed: %s", code, type(exc).__name__)
            with _lock:
                if code not in _again:
                    _running.pop(code, None)
                    return
                _again.discard(code)
    finally:
        connection.close()  # this thread's own connection


def warm_in_background(code: str) -> threading.Thread:
    """One warming thread per gemeente; an import during a run makes it run once more."""
    with _lock:
        thread = _running.get(code)
        if thread is not None and thread.is_alive():
            _again.add(code)
            return thread
        thread = threading.Thread(target=_run, args=(code,), name=f"zicht-warm-{code}", daemon=False)
        _running[code] = thread
    thread.start()
    return thread


def request_warm(codes: set[str]) -> None:
    if not codes or mode() == "off":
        return
    if _deferred:
        _deferred[-1].update(codes)
        return
    for code in sorted(codes):
        if mode() == "sync":
            warm_gemeente(code)
        else:
            warm_in_background(code)


def after_import(batch) -> None:
    """The receiver's work: warm the gemeenten the batch touched."""
    request_warm(gemeenten_of_batch(batch))


@contextlib.contextmanager
def deferred():
    """Collect the gemeenten of the imports inside the block; warm them once, synchronously, at its end."""
    _deferred.append(set())
    try:
        yield
    finally:
        codes = _deferred.pop()
    if mode() != "off":
        for code in sorted(codes):
            warm_gemeente(code)
