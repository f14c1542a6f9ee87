"""Seconds per stage of long work: wall clock, this process's CPU, and the database server's CPU.

Why: on PostgreSQL most of a delivery's work happens in the server, so this process's CPU
seconds (``time.process_time``) say little about where the time went, and wall seconds on a
shared machine say less. A benchmark that can read the server's CPU (``zicht.bench``, from
/proc when the server runs on this machine) installs ``server_cpu``; the stages of the work
(``linkage.incremental``, ``registry.postprocess``) are timed with a ``Clock`` and report the
server's share beside their own. Without a probe (production, SQLite) the server column is
left out and nothing else changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager

server_cpu: Callable[[], float | None] | None = None  # installed by a benchmark: the server's CPU seconds so far


def server_seconds() -> float | None:
    """The database server's CPU seconds so far, or None when no probe is installed (or it cannot read)."""
    probe = server_cpu
    return probe() if probe is not None else None


class Clock:
    """Wall, process-CPU and server-CPU seconds per named stage (stages of one name add up)."""

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.server: dict[str, float] = {}
        self._open: dict[str, tuple] = {}
        self._mark: tuple | None = None  # set by ``mark`` (the probe is read only when asked)

    @staticmethod
    def _now() -> tuple:
        return (time.perf_counter(), time.process_time(), server_seconds())

    def start(self, name: str) -> None:
        self._open[name] = self._now()

    def mark(self) -> None:
        """Start counting laps from now (``lap``)."""
        self._mark = self._now()

    def lap(self, name: str) -> None:
        """Charge what passed since the previous lap or ``mark`` to stage ``name``: for steps that
        follow one another without a ``start`` each (a lap before any ``mark`` only marks)."""
        now = self._now()
        if self._mark is not None:
            self._charge(name, self._mark, now)
        self._mark = now

    def stop(self, name: str) -> None:
        self._charge(name, self._open.pop(name), self._now())

    def _charge(self, name: str, begin: tuple, end: tuple) -> None:
        (t, c, s), (t2, c2, s2) = begin, end
        self.wall[name] = self.wall.get(name, 0.0) + t2 - t
        self.cpu[name] = self.cpu.get(name, 0.0) + c2 - c
        if s is not None and s2 is not None:
            self.server[name] = self.server.get(name, 0.0) + s2 - s

    @contextmanager
    def stage(self, name: str):
        self.start(name)
        try:
            yield
        finally:
            self.stop(name)

    def rest(self, total: str, name: str) -> None:
        """Replace stage ``total`` by ``name``: what ``total`` took beyond every other stage (e.g. a
        transaction's commit, once its stages are timed)."""
        for kind in (self.wall, self.cpu, self.server):
            if total in kind:
                whole = kind.pop(total)
                kind[name] = max(0.0, whole - sum(kind.values()))

    def figures(self) -> dict:
        """{stage: wall seconds, …, "cpu_seconds": {…}, "server_cpu_seconds": {…} (only with a probe)}, rounded."""
        out: dict = {k: round(v, 2) for k, v in self.wall.items()}
        out["cpu_seconds"] = {k: round(v, 2) for k, v in self.cpu.items()}
        if self.server:
            out["server_cpu_seconds"] = {k: round(v, 2) for k, v in self.server.items()}
        return out
