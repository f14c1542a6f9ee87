"""The access log's hash chain: append in one statement, verify from the first entry to the last.

Each entry stores ``entry_hash = sha256(prev_hash + "\\n" + seq + "\\n" + canonical(entry))``
where ``canonical`` is a fixed JSON rendering of every other column plus a digest of the
records it showed (``AccessLogRecord`` rows). Changing, inserting or removing any entry or
record breaks the chain from that point; ``zicht accesslog --verify`` reports the first broken
link. Removing entries at the END cannot be seen from the chain alone: ``--verify`` prints the
last (seq, hash); keep that outside the database and pass it back with ``--head SEQ:HASH``.

An append is ONE statement: ``INSERT ... SELECT`` takes the next ``seq`` and the previous
entry's hash from the table and computes the hash in the database (PostgreSQL's ``sha256``;
on SQLite a function registered on every connection), so reading the end of the chain and
extending it cannot be interleaved by another worker. SQLite serialises writers; on
PostgreSQL two concurrent appends compute the same ``seq``, the unique index makes the second
wait for the first to commit and then fail, and it is retried (in a savepoint) on the new
end: the chain never forks. The chain's canonical form and the verifier are pure functions
(``canonical``, ``link_hash``, ``verify_links``) with table tests.

Retention of the log itself (``zicht accesslog --purge-before DATE``, owner role only) removes
the oldest entries in one transaction and writes an entry ``accesslog_retentie`` / ``delete``
whose ``query`` holds the anchor ``tot_en_met=<seq>&hash=<hash>``; the verifier accepts a
chain that starts right after such an anchor (docs/security.md §2).
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
    "at",
    "user_id",
    "username",
    "role",
    "organisation",
    "action",
    "outcome",
    "record_type",
    "record_id",
    "record_count",
    "reason",
    "path",
    "query",
    "ip",
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


def chained_text(prev_hash: str, seq: int, canonical_text: str) -> str:
    return f"{prev_hash}\n{seq}\n{canonical_text}"


def link_hash(prev_hash: str, seq: int, fields: dict, digest: str) -> str:
    return hashlib.sha256(chained_text(prev_hash, seq, canonical(fields, digest)).encode()).hexdigest()


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
    (seq, hash) the chain must end at (catches removed trailing entries).
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
        if link_hash(link.prev_hash, link.seq, link.fields, link.digest) != link.entry_hash:
            return Break(link.seq, "inhoud gewijzigd (hash klopt niet)")
        previous = link
    if head is not None and head[0] > 0 and (previous is None or (previous.seq, previous.entry_hash) != head):
        last = previous.seq if previous else 0
        return Break(last + 1, f"de keten eindigt bij {last}, de kop zegt {head[0]} (regels aan het eind verwijderd)")
    return None


# --- database side -----------------------------------------------------------------------------

INSERT_COLUMNS = CHAIN_FIELDS  # what is inserted is exactly what the hash covers


def _hash_sql(vendor: str) -> str:
    text = "n.prev || %s || CAST(n.seq AS TEXT) || %s || %s"  # the two separators are "\\n" parameters
    if vendor == "postgresql":
        return f"ENCODE(SHA256(CONVERT_TO({text}, 'UTF8')), 'hex')"
    return f"zicht_sha256({text})"


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``zicht_sha256(text)`` on every SQLite connection (connection_created signal)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("zicht_sha256", 1, lambda text: hashlib.sha256(text.encode()).hexdigest(), deterministic=True)


def _insert(entry, digest: str) -> None:
    """Append ``entry`` in one statement; fills in its pk, seq, prev_hash and entry_hash."""
    from .models import AccessLogEntry

    meta = AccessLogEntry._meta
    table = meta.db_table
    fields = {name: getattr(entry, name) for name in CHAIN_FIELDS}
    columns = [meta.get_field(name.removesuffix("_id") if name == "user_id" else name).column for name in INSERT_COLUMNS]
    values = [
        meta.get_field(name.removesuffix("_id") if name == "user_id" else name).get_db_prep_save(
            fields[name] if name in fields else getattr(entry, name), connection
        )
        for name in INSERT_COLUMNS
    ]
    sql = (
        f"INSERT INTO {table} (seq, prev_hash, entry_hash, {', '.join(columns)}) "
        f"SELECT n.seq, n.prev, {_hash_sql(connection.vendor)}, {', '.join(['%s'] * len(columns))} "
        f"FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS seq, "
        f"COALESCE((SELECT entry_hash FROM {table} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1), '') AS prev "
        f"FROM {table}) AS n RETURNING id, seq, prev_hash, entry_hash"
    )
    params = ["\n", "\n", canonical(fields, digest), *values]
    # SQLite serialises writers, so the statement cannot lose a race there; PostgreSQL retries
    # in a savepoint when another worker took the same seq first.
    retry = connection.vendor == "postgresql"
    for attempt in range(50):
        try:
            with transaction.atomic(savepoint=retry), connection.cursor() as cursor:
                cursor.execute(sql, params)
                entry.pk, entry.seq, entry.prev_hash, entry.entry_hash = cursor.fetchone()
            entry._state.adding, entry._state.db = False, connection.alias
            return
        except IntegrityError:
            if not retry or attempt == 49:
                raise


def append(entry, records: list[tuple[str, str]]):
    """Save ``entry`` (unsaved) at the end of the chain, with the records it showed."""
    from .models import AccessLogRecord

    records = [(str(t)[:40], str(i)[:80]) for t, i in records]
    entry.record_count = len(records)
    with transaction.atomic(savepoint=False):
        _insert(entry, records_digest(records))
        if records:
            AccessLogRecord.objects.bulk_create(
                [AccessLogRecord(entry_id=entry.pk, record_type=t, record_id=i) for t, i in records], batch_size=2000
            )
    return entry


def append_many(entries: list) -> None:
    """Append many entries (without records): the retention run's per-record entries."""
    with transaction.atomic():
        for entry in entries:
            append(entry, [])


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


def last_link() -> tuple[int, str] | None:
    """(seq, hash) at the end of the chain: keep a copy outside the database (it proves the tail)."""
    from .models import AccessLogEntry

    return AccessLogEntry.objects.exclude(seq=None).order_by("-seq").values_list("seq", "entry_hash").first()


def verify(head: tuple[int, str] | None = None) -> tuple[int, Break | None]:
    """Recompute the whole chain from the database: (entries checked, first break or None).

    ``head`` is an externally kept (seq, hash) the chain must still contain (detects removed
    trailing entries, which no chain can detect on its own).
    """
    from .models import AccessLogEntry

    anchors = {}
    for query in AccessLogEntry.objects.filter(record_type=ANCHOR_RECORD_TYPE).values_list("query", flat=True):
        parsed = parse_anchor(query)
        if parsed:
            anchors[parsed[0]] = parsed[1]
    counted = 0

    def counting():
        nonlocal counted
        for link in _links():
            counted += 1
            yield link

    broken = verify_links(counting(), anchors, None)
    if broken is None and head is not None:
        found = AccessLogEntry.objects.filter(seq=head[0]).values_list("entry_hash", flat=True).first()
        if found != head[1]:
            broken = Break(head[0], "de bewaarde kop ontbreekt of klopt niet (regels aan het eind verwijderd of herschreven)")
    unchained = AccessLogEntry.objects.filter(seq=None).count()
    if broken is None and unchained:
        broken = Break(None, f"{unchained} regels buiten de keten (zonder volgnummer)")
    return counted, broken
