"""The import's writes in a thread of their own, on the import's own connection (one contract for
SQLite's multi-row INSERTs and PostgreSQL's COPY).

Why: the database's part of a write (SQLite's B-tree work in ``sqlite3_step``, a COPY stream to
the PostgreSQL server) runs without the GIL, so a second thread lets it go on while the main
thread reads, checks, encrypts and builds the next block. The thread uses the very connection,
and so the very transaction, of the import: a rollback, a rejected file or a kill undo its rows
with everything else. Blocks are handed over through a short queue (memory stays bounded) and
written in order; an error in the thread is raised in the main thread at the next hand-over or
at ``close``.
"""

from __future__ import annotations

import queue
import threading
import time


class WriterThread:
    """Subclasses say how one block is written (``write``) and what a block is (``insert``)."""

    def __init__(self, name: str, depth: int = 3):
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.abandoned = False
        self.busy_seconds = 0.0
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def write(self, item) -> None:  # pragma: no cover - every writer defines it
        raise NotImplementedError

    def put(self, item) -> None:
        self.queue.put(item)

    def close(self, raise_error: bool = True) -> None:
        """Wait until every block handed over is written; ``raise_error=False`` (the import is being
        abandoned and rolled back) skips what is still queued."""
        if not raise_error:
            self.abandoned = True
        self.queue.put(None)
        self.thread.join()
        if raise_error:
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None or self.abandoned:
                continue  # drain: the main thread raises the error, or rolls back anyway
            started = time.perf_counter()
            try:
                self.write(item)
            except BaseException as exc:  # handed to the main thread
                self.error = exc
            self.busy_seconds += time.perf_counter() - started
