"""Persist and reuse the protected set's repairs across processes and restarts (``ProtectedSetRepairs``).

``canonical`` keeps its in-process memo; on a miss it asks this module before it runs the attacker,
and stores what it solved. A failing cache (read-only database, a test without database) never
breaks a page: the set is then solved as before. Nothing here logs a value from the data.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction

log = logging.getLogger(__name__)

# Part of every stored key: bump it when the way sets are built or repaired changes
# (``figures._build_set``, ``_repair``, the rules), so repairs solved by older code are not reused.
ALGORITHM_VERSION = "1"
KEEP_PER_YEAR = 3  # older data versions of one gemeente and year are deleted when a new one is stored

# The repair kinds of ``figures._Extra`` and their shape: a set of keys, or a dict of sets.
SET_FIELDS = ("totals", "month", "monthrow", "wm", "gtotal")
DICT_FIELDS = ("dim", "dimcol", "buurt", "buurtrow")


def _key(value):
    return tuple(value) if isinstance(value, list) else value


def dump(extra) -> dict:
    """An ``_Extra`` as JSON-able lists (sorted, so equal repairs give equal rows)."""
    out = {name: sorted(getattr(extra, name), key=repr) for name in SET_FIELDS}
    for name in DICT_FIELDS:
        out[name] = {k: sorted(v, key=repr) for k, v in getattr(extra, name).items()}
    return out


def load(data: dict, extra) -> None:
    """Fill an empty ``_Extra`` from ``dump``'s output (tuples come back from JSON lists)."""
    for name in SET_FIELDS:
        getattr(extra, name).update(_key(v) for v in data.get(name, []))
    for name in DICT_FIELDS:
        target = getattr(extra, name)
        for k, values in data.get(name, {}).items():
            target.setdefault(k, set()).update(_key(v) for v in values)


def stored_key(digest: str) -> str:
    """The row's key: the set's digest (gemeente, wijken, buurten, year, policy, base counts) and the algorithm version."""
    return hashlib.sha256(f"{ALGORITHM_VERSION}|{digest}".encode()).hexdigest()


def fetch(digest: str) -> dict | None:
    from .models import ProtectedSetRepairs

    try:
        row = ProtectedSetRepairs.objects.filter(digest=stored_key(digest)).values_list("repairs", flat=True).first()
    except Exception as exc:  # noqa: BLE001 — a cache must not break a page (e.g. no database in a pure test)
        log.debug("protected-set cache unavailable: %s", type(exc).__name__)
        return None
    return row


def store(digest: str, gemeente_code: str, year: int, extra, seconds: float) -> bool:
    """Save the repairs of one set; keep the newest ``KEEP_PER_YEAR`` data versions per gemeente and year."""
    from .models import ProtectedSetRepairs

    try:
        with transaction.atomic():
            ProtectedSetRepairs.objects.create(
                digest=stored_key(digest), gemeente_code=gemeente_code, jaar=year, repairs=dump(extra), build_seconds=round(seconds, 3)
            )
            old = ProtectedSetRepairs.objects.filter(gemeente_code=gemeente_code, jaar=year).order_by("-created_at", "-id")
            stale = list(old.values_list("id", flat=True)[KEEP_PER_YEAR:])
            if stale:
                ProtectedSetRepairs.objects.filter(id__in=stale).delete()
        return True
    except IntegrityError:  # another process stored the same set first: same content
        return False
    except Exception as exc:  # noqa: BLE001 — read-only database, no database: the page still works
        log.warning("protected-set cache not written: %s", type(exc).__name__)
        return False
