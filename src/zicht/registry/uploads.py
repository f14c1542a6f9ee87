"""Uploaded partner files on disk: nothing readable left behind by a crash.

An upload is written to a file whose name is removed at once (on Linux the import reads it
through ``/proc/self/fd/N``, which stays valid while the descriptor is open): when the process
is killed, the kernel frees the data and no plaintext file remains. Where that is not possible
the file keeps a name ``upload-<pid>-…`` (mode 0600) and is removed when the upload ends; if the
process dies first, ``remove_stale_uploads`` deletes it at the next start of any Zicht process
(RegistryConfig.ready), together with files left by earlier versions.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "upload-"
_OWNED = re.compile(r"^upload-(\d+)-")
MAX_AGE_SECONDS = 24 * 3600  # an import never takes this long: older files are abandoned
# Django's own spool for large request bodies (settings.FILE_UPLOAD_TEMP_DIR) lies in here; its
# files carry no owner, so they count as abandoned when nothing has written them for this long.
INCOMING = "incoming"
INCOMING_MAX_AGE_SECONDS = 6 * 3600


def upload_dir(data_dir) -> Path:
    return Path(data_dir) / "uploads"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_uploads(directory: Path, now: float | None = None) -> int:
    """Delete upload files no running process owns (or older than a day); returns how many."""
    if not directory.is_dir():
        return 0
    now = time.time() if now is None else now
    removed = 0
    for path in directory.iterdir():
        if not path.is_file():
            continue
        match = _OWNED.match(path.name)
        try:
            fresh = now - path.stat().st_mtime < MAX_AGE_SECONDS
        except FileNotFoundError:
            continue
        if match and fresh and _alive(int(match.group(1))):
            continue  # an upload in progress in another process
        path.unlink(missing_ok=True)
        removed += 1
    incoming = directory / INCOMING
    if incoming.is_dir():
        for path in incoming.iterdir():
            try:
                if path.is_file() and now - path.stat().st_mtime >= INCOMING_MAX_AGE_SECONDS:
                    path.unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:
                continue
    if removed:
        log.warning("Removed %s upload file(s) left by an interrupted import", removed)
    return removed


@contextmanager
def stored_upload(chunks: Iterable[bytes], directory: Path) -> Iterator[Path]:
    """Write ``chunks`` to disk and yield a path to read them from while the block runs."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix=f"{PREFIX}{os.getpid()}-")  # mode 0600
    unnamed = Path(f"/proc/self/fd/{fd}").exists()
    try:
        if unnamed:
            os.unlink(name)  # from here on a crash leaves nothing on disk
        with os.fdopen(os.dup(fd), "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        yield Path(f"/proc/self/fd/{fd}") if unnamed else Path(name)
    finally:
        os.close(fd)
        if not unnamed:
            Path(name).unlink(missing_ok=True)
