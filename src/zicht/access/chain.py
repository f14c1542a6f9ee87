"""The access log's hash chain: append under a lock, verify from the first entry to the last.

Each entry stores ``entry_hash = sha256(prev_hash + canonical(entry))`` where ``canonical``
is a fixed JSON rendering of every column plus a digest of the records it showed
(``AccessLogRecord`` rows). Changing, inserting or removing any entry or record breaks the
chain from that point; ``zicht accesslog --verify`` reports the first broken link.

Appends are serialised on the single ``AccessLogHead`` row: the first statement of the
append transaction is an UPDATE of that row, which takes SQLite's write lock and a row lock
on PostgreSQL, so two workers can never both extend the same hash (no fork). The chain's
canonical form and the verifier are pure functions (``canonical``, ``link_hash``,
``verify_links``) with table tests.

Retention of the log itself (``zicht accesslog --purge-before DATE``, owner role only) removes
the oldest entries in one transaction and writes an entry ``accesslog`` / ``delete`` whose
``query`` holds the anchor ``tot_en_met=<seq>&hash=<hash>``; the verifier accepts a chain that
starts after such an anchor (see docs/security.md, "Toegangslog: bewaartermijn").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs

from django.db import IntegrityError, connection, transaction

CHAIN_FIELDS = (
    "seq", "at", "user_id", "username", "role", "organisation", "action", "outcome", "record_type", "record_id",
    "record_count", "reason", "path", "query", "ip",
)
ANCHOR_RECORD_TYPE = "accesslog_retentie"


def records_digest(records: Iterable[tuple[str, str]]) -> str:
    """Order-independent digest of the (record_type, record_id) pairs an entry showed."""
    h = hashlib.sha256()
    for record_type, record_id in sorted((str(t), str(i)) for t, i in records):
        h.update(f"{record_type}:{record_id}\n".encode())
    return h.hexdigest()


def _value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return "" if value is None else str(value)


def canonical(fields: dict, digest: str) -> str:
    return json.dumps([_value(fields.get(name)) for name in CHAIN_FIELDS] + [digest], ensure_ascii=False, separators=(",", ":"))


def link_hash(prev_hash: str, fields: dict, digest: str) -> str:
    return hashlib.sha256((prev_hash + canonical(fields, digest)).encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    seq: int
    prev_hash: str
    entry_hash: str
    fields: dict
    digest: str


@dataclass(frozen=True)
class Break:
    seq: int | None
    reason: str


def anchor_query(seq: int, entry_hash: str) -> str:
    return f"tot_en_met={seq}&hash={entry_hash}"


def parse_anchor(query: str) -> tuple[int, str] | None:
    values = parse_qs(query or "")
    try:
        return int(values["tot_en_met"][0]), values["hash"][0]
    except (KeyError, ValueError, IndexError):
        return None


def verify_links(links: Iterable[Link], anchors: dict[int, str] | None = None, head: tuple[int, str] | None = None) -> Break | None:
    """The first broken link of a chain (in ``seq`` order), or None when it is intact.

    ``anchors`` maps "last removed seq" to its hash (from retention entries), so a chain whose
    oldest part was removed by the retention procedure still verifies; ``head`` is the
    (seq, hash) the head row says the chain ends at (catches removed trailing entries).
    """
    anchors = anchors or {}
    previous: Link | None = None
    for link in links:
        if previous is None:
            expected_prev = "" if link.seq == 1 else anchors.get(link.seq - 1)
            if expected_prev is None:
                return Break(link.seq, f"de keten begint bij volgnummer {link.seq} zonder bewaartermijn-anker")
        else:
            if link.seq != previous.seq + 1:
                return Break(link.seq, f"volgnummer {previous.seq + 1} ontbreekt (gevonden: {link.seq})")
            expected_prev = previous.entry_hash
        if link.prev_hash != expected_prev:
            return Break(link.seq, "vorige hash klopt niet (regel ingevoegd of verwijderd)")
        if link_hash(link.prev_hash, link.fields, link.digest) != link.entry_hash:
            return Break(link.seq, "inhoud gewijzigd (hash klopt niet)")
        previous = link
    if head is not None and head[0] > 0:
        if previous is None or (previous.seq, previous.entry_hash) != head:
            last = previous.seq if previous else 0
            return Break(last + 1, f"de keten eindigt bij {last}, de kop zegt {head[0]} (regels aan het eind verwijderd)")
    return None


# --- database side -----------------------------------------------------------------------------


def _lock_head():
    """Take the append lock and return the head row (created once, also after a test flush)."""
    from .models import AccessLogEntry, AccessLogHead

    from django.db.models import F

    if AccessLogHead.objects.filter(pk=1).update(seq=F("seq")) == 0:
        last = AccessLogEntry.objects.exclude(seq=None).order_by("-seq").values_list("seq", "entry_hash").first()
        try:
            with transaction.atomic():
                AccessLogHead.objects.create(pk=1, seq=last[0] if last else 0, last_hash=last[1] if last else "")
        except IntegrityError:
            AccessLogHead.objects.filter(pk=1).update(seq=F("seq"))
    query = AccessLogHead.objects.filter(pk=1)
    if connection.vendor == "postgresql":
        query = query.select_for_update()
    return query.get()


def append(entry, records: list[tuple[str, str]]):
    """Give ``entry`` (unsaved) its place in the chain, save it and its records, move the head."""
    from .models import AccessLogHead, AccessLogRecord

    records = [(str(t)[:40], str(i)[:80]) for t, i in records]
    with transaction.atomic():
        head = _lock_head()
        entry.seq = head.seq + 1
        entry.prev_hash = head.last_hash
        entry.record_count = len(records)
        fields = {name: getattr(entry, name) for name in CHAIN_FIELDS}
        entry.entry_hash = link_hash(entry.prev_hash, fields, records_digest(records))
        entry.save()
        if records:
            AccessLogRecord.objects.bulk_create(
                [AccessLogRecord(entry=entry, record_type=t, record_id=i) for t, i in records], batch_size=2000
            )
        AccessLogHead.objects.filter(pk=1).update(seq=entry.seq, last_hash=entry.entry_hash)
    return entry


def append_many(entries: list) -> None:
    """Append many entries (without records) under one lock: the retention run's per-record entries."""
    from .models import AccessLogEntry, AccessLogHead

    if not entries:
        return
    empty = records_digest([])
    with transaction.atomic():
        head = _lock_head()
        seq, prev = head.seq, head.last_hash
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash, entry.record_count = seq, prev, 0
            entry.entry_hash = link_hash(prev, {name: getattr(entry, name) for name in CHAIN_FIELDS}, empty)
            prev = entry.entry_hash
        AccessLogEntry.objects.bulk_create(entries, batch_size=1000)
        AccessLogHead.objects.filter(pk=1).update(seq=seq, last_hash=prev)


def _links(chunk: int = 2000) -> Iterator[Link]:
    from .models import AccessLogEntry, AccessLogRecord

    last_seq = 0
    while True:
        batch = list(AccessLogEntry.objects.exclude(seq=None).filter(seq__gt=last_seq).order_by("seq")[:chunk])
        if not batch:
            return
        with_records = [e.pk for e in batch if e.record_count]
        records: dict[int, list] = {}
        for start in range(0, len(with_records), 500):
            for entry_id, t, i in AccessLogRecord.objects.filter(entry_id__in=with_records[start : start + 500]).values_list(
                "entry_id", "record_type", "record_id"
            ):
                records.setdefault(entry_id, []).append((t, i))
        for e in batch:
            rows = records.get(e.pk, [])
            fields = {name: getattr(e, name) for name in CHAIN_FIELDS}
            if len(rows) != e.record_count:
                fields["record_count"] = f"{e.record_count} (gevonden {len(rows)})"
            yield Link(e.seq, e.prev_hash, e.entry_hash, fields, records_digest(rows))
        last_seq = batch[-1].seq


def verify() -> tuple[int, Break | None]:
    """Recompute the whole chain from the database: (entries checked, first break or None)."""
    from .models import AccessLogEntry, AccessLogHead

    anchors = {}
    for query in AccessLogEntry.objects.filter(record_type=ANCHOR_RECORD_TYPE).values_list("query", flat=True):
        parsed = parse_anchor(query)
        if parsed:
            anchors[parsed[0]] = parsed[1]
    head_row = AccessLogHead.objects.filter(pk=1).values_list("seq", "last_hash").first()
    counted = 0

    def counting():
        nonlocal counted
        for link in _links():
            counted += 1
            yield link

    broken = verify_links(counting(), anchors, head_row)
    unchained = AccessLogEntry.objects.filter(seq=None).count()
    if broken is None and unchained:
        broken = Break(None, f"{unchained} regels buiten de keten (zonder volgnummer)")
    return counted, broken
