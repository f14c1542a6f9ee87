"""Whether the process of a 'running' import batch is still there.

Why: an import runs in one transaction, so a killed process (kill -9, an out-of-memory kill,
a machine that went down) leaves nothing half-loaded — but its batch row, written before the
transaction, said 'running' for ever. Each batch records the host, process id and process
start time of its importer; the signs below decide, and a batch whose process is gone is
marked 'interrupted' at the next start of an import, the upload page or the batch list.

The signs, strongest first:
- same host: the process id is alive *and* started when the batch says (a reused pid has
  another start time) — exact, on SQLite and PostgreSQL alike;
- PostgreSQL, other host: an import holds a row lock on its batch for its whole transaction;
  a lock no longer held means the connection, and with it the import, is gone (``locked``);
  only after ``LOCK_GRACE_SECONDS``, for the moment between creating the batch and taking
  the lock;
- no process recorded (a batch of an older version): gone after ``LEGACY_SECONDS``.
Otherwise (SQLite on another host: there is none) the batch is left alone.
"""

from __future__ import annotations

LOCK_GRACE_SECONDS = 60
LEGACY_SECONDS = 24 * 3600
START_TOLERANCE_SECONDS = 1.0  # process start times are recorded to within clock ticks

ALIVE, GONE, UNKNOWN = "alive", "gone", "unknown"


def importer_state(*, recorded: bool, same_host: bool, process_alive: bool | None, locked: bool | None, age_seconds: float) -> str:
    """ALIVE, GONE or UNKNOWN for one 'running' batch.

    ``process_alive``: None unless on the batch's own host; ``locked``: None unless the database
    has row locks (PostgreSQL)."""
    if not recorded:
        if locked:
            return ALIVE
        return GONE if age_seconds > LEGACY_SECONDS else UNKNOWN
    if same_host and process_alive is not None:
        return ALIVE if process_alive else GONE
    if locked is not None:
        if locked:
            return ALIVE
        return GONE if age_seconds > LOCK_GRACE_SECONDS else UNKNOWN
    return UNKNOWN


def same_process(recorded_start: float | None, actual_start: float | None) -> bool:
    """A live process with this pid is the batch's own when it started when the batch says."""
    if recorded_start is None or actual_start is None:
        return actual_start is not None
    return abs(recorded_start - actual_start) <= START_TOLERANCE_SECONDS
