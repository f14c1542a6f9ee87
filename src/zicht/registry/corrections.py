"""Corrections and withdrawals of records already in the registry (issue 13).

A partner delivers a record again under the same registratienummer:

- **the same content** (in any row order): "al aanwezig", nothing is written;
- **changed content** (a record field, a person's names, date of birth, gender, BSN, role or
  address, a party added or removed): the report and its persons are updated *in place* —
  so linkage, colour, worklists and area figures, which read Report/Person rows, follow the
  current version — and each change is kept as a ``RecordChange``: which fields (names), the
  previous values (encrypted, bound to the change's row), which batch, when. Parties are
  matched by ``domain.corrections.match_parties``. A party no longer delivered loses its
  ReportParty; the Person row stays (with its history) until retention removes it.
- **withdrawn or voided** (a status column declared in the profile, or a deletion list
  ``zicht import --withdrawals FILE --profile P``): ``Report.withdrawn_at`` is set; the record
  leaves every figure (``models.CurrentReportManager``) but stays in the history until
  retention removes it. Delivered again without a withdrawn status, it is current again
  ("hersteld").

Post-processing (linkage, recolouring) after a batch calls ``touched_persons(batch)`` and
``touched_addresses(batch)``: the persons and addresses (before and after) that corrections and
withdrawals of the batch changed. New persons are, as before, ``Person.objects.filter(import_batch=batch)``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zicht.core.crypto import bsn_hash

from .domain import corrections as rules
from .domain.rows import Reject
from .models import ImportBatch, Person, RecordChange, Report, ReportParty
from .records import report_address_row

log = logging.getLogger(__name__)


# -- what post-processing calls ------------------------------------------------------------------


def touched_persons(batch) -> set[int]:
    """Person ids whose data or records a batch's corrections and withdrawals changed (to re-link,
    re-household, recolour). Not the batch's new persons: those carry ``import_batch=batch``."""
    changes = RecordChange.objects.filter(import_batch=batch)
    persons = set(changes.filter(person__isnull=False).values_list("person_id", flat=True))
    record_level = changes.filter(person__isnull=True).values_list("report_id", flat=True)
    persons |= set(ReportParty.all_objects.filter(report_id__in=record_level).values_list("person_id", flat=True))
    return persons


def touched_addresses(batch) -> set[int]:
    """Address ids a batch's corrections and withdrawals changed: the record's and the persons'
    addresses before and after the change (to recolour)."""
    found: set[int] = set()
    for ids in RecordChange.objects.filter(import_batch=batch).values_list("address_ids", flat=True):
        found.update(i for i in ids or () if i is not None)
    return found


def departed_persons(person_ids: Iterable[int] | None = None) -> set[int]:
    """Persons (of ``person_ids``, or all) that no current record names any more: every record naming
    them is withdrawn, or the source dropped them from their record (*betrokkene vervallen*).

    THE rule for leaving linkage (issue 13): such a person keeps its row and history until
    retention, but has no PersonLink, no blocking keys and no open review pair, so it never
    attracts a candidate. A person no report ever named (a verwijsindex signal's) is not departed.
    Reads the withdrawn records and the removal changes only: small, whatever the registry's size."""
    wanted = None if person_ids is None else {int(i) for i in person_ids}
    found = set(ReportParty.all_objects.filter(report__withdrawn_at__isnull=False).values_list("person_id", flat=True))
    found |= set(RecordChange.objects.filter(kind="partij_verwijderd", person__isnull=False).values_list("person_id", flat=True))
    if wanted is not None:
        found &= wanted
    ids = sorted(found)
    current: set[int] = set()
    for i in range(0, len(ids), 500):
        current |= set(ReportParty.objects.filter(person_id__in=ids[i : i + 500]).values_list("person_id", flat=True))
    return found - current


# -- values as compared --------------------------------------------------------------------------


def stored_record(report: Report) -> dict:
    return {
        "soort": report.soort,
        "datum": report.datum.isoformat() if report.datum else "",
        "aard": report.aard,
        "vormen": list(report.vormen or []),
        "relatie": report.relatie,
        "kinderen_aanwezig": report.kinderen_aanwezig,
        "letsel": report.letsel,
        "wapen": report.wapen,
        "huisverbod": report.huisverbod,
        "hoedanigheid_melder": report.hoedanigheid_melder,
        "categorie": report.categorie,
        "toelichting": report.toelichting or "",
        "contact_medewerker": report.contact_medewerker or "",
        "contact_telefoon": report.contact_telefoon or "",
        "address": report.address.key if report.address_id else "",
    }


def delivered_record(rows: list) -> dict:
    rec = rows[0].record
    addresses = [r.address for r in rows]
    chosen = report_address_row(addresses, [r.rol for r in rows], 0, len(rows))
    return {
        "soort": rec.kind,
        "datum": rec.datum.isoformat() if rec.datum else "",
        "aard": rec.aard,
        "vormen": list(rec.vormen),
        "relatie": rec.relatie,
        "kinderen_aanwezig": rec.kinderen_aanwezig,
        "letsel": rec.letsel,
        "wapen": rec.wapen,
        "huisverbod": rec.huisverbod,
        "hoedanigheid_melder": rec.hoedanigheid_melder,
        "categorie": rec.categorie,
        "toelichting": rec.toelichting or "",
        "contact_medewerker": rec.contact_medewerker or "",
        "contact_telefoon": rec.contact_telefoon or "",
        "address": addresses[chosen].key if chosen is not None else "",
    }


def stored_person(person: Person, rol: str) -> dict:
    return {
        "rol": rol,
        "bsn": person.bsn_hash or "",
        "voornamen": person.voornamen or "",
        "voorletters": person.voorletters or "",
        "tussenvoegsel": person.tussenvoegsel or "",
        "achternaam": person.achternaam or "",
        "geboortedatum": person.geboortedatum or "",
        "geslacht": person.geslacht or "",
        "address": person.address.key if person.address_id else "",
    }


def delivered_person(row, hashes: dict) -> dict:
    p = row.person
    return {
        "rol": row.rol,
        "bsn": hashes[p.bsn] if p.bsn else "",
        "voornamen": p.voornamen or "",
        "voorletters": p.voorletters or "",
        "tussenvoegsel": p.tussenvoegsel or "",
        "achternaam": p.achternaam or "",
        "geboortedatum": p.geboortedatum.isoformat() if p.geboortedatum else "",
        "geslacht": p.geslacht or "",
        "address": row.address.key if row.address is not None else "",
    }


def content_digest(rows: list, hashes: dict) -> str:
    """Keyed digest (HMAC-SHA256, the BSN-hash key) of a delivered record: its record values and its
    parties as a multiset — the same for the same content in any row order. Keyed, so it is no
    fingerprint anyone could test names against."""
    persons = sorted(json.dumps(delivered_person(r, hashes), sort_keys=True, default=str) for r in rows)
    text = json.dumps([delivered_record(rows), persons], sort_keys=True, default=str)
    return hmac.new(settings.BSN_HASH_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def person_number(source_key: str) -> int:
    tail = source_key.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# -- applying a re-delivery ----------------------------------------------------------------------


class Corrector:
    """Compares re-delivered records with their stored version and applies the changes (inside the
    import's transaction). ``store`` is the import's ``records.RecordStore`` (addresses)."""

    def __init__(self, batch: ImportBatch, store, counts):
        self.batch = batch
        self.store = store
        self.counts = counts
        self.now = timezone.now()
        self.corrected: list[list[str]] = []  # the changed field names per corrected record
        self.reinstated = 0  # withdrawn records delivered again (current again)
        self.reinstated_unchanged = 0  # … of which nothing else changed

    def apply_many(self, items: list[tuple[str, list, bool]], chunk: int = 500) -> None:
        """``apply`` for many records: (record id, rows, keep_missing_parties), their stored versions
        read in bulk (a few queries per ``chunk`` records, not per record).

        A record whose delivered version has the digest stored at its last comparison
        (``Report.content_digest``) is unchanged and not read at all: after the first re-delivery,
        a monthly full extract costs a digest per record, not a decryption per field."""
        hashes: dict[str, str] = {}
        for i in range(0, len(items), chunk):
            part = items[i : i + chunk]
            for _, rows, _ in part:
                for r in rows:
                    if r.person.bsn and r.person.bsn not in hashes:
                        hashes[r.person.bsn] = bsn_hash(r.person.bsn)
            digests = {rid: (None if keep else content_digest(rows, hashes)) for rid, rows, keep in part}
            stored = Report.all_objects.filter(source_id=self.batch.source_id, source_record_id__in=list(digests)).values_list(
                "source_record_id", "content_digest", "withdrawn_at"
            )
            unchanged = {rid for rid, digest, withdrawn in stored if digest and digest == digests[rid] and withdrawn is None}
            part = [item for item in part if item[0] not in unchanged]
            if not part:
                continue
            reports = {
                r.source_record_id: r
                for r in Report.all_objects.select_related("address").filter(
                    source_id=self.batch.source_id, source_record_id__in=[rid for rid, _, _ in part]
                )
            }
            by_pk = {r.pk: r for r in reports.values()}
            parties: dict[int, list] = {pk: [] for pk in by_pk}
            for party in ReportParty.all_objects.filter(report_id__in=list(by_pk)).select_related("person__address").order_by("person_id"):
                party.report = by_pk[party.report_id]
                parties[party.report_id].append(party)
            digest_updates = []
            for rid, rows, keep in part:
                report = reports.get(rid)
                if report is not None:
                    self.apply(rid, rows, keep_missing_parties=keep, report=report, parties=parties[report.pk], hashes=hashes)
                    if digests[rid]:
                        digest_updates.append((digests[rid], report.pk))
            if digest_updates:
                with connection.cursor() as cursor:
                    cursor.executemany(f"UPDATE {Report._meta.db_table} SET content_digest = %s WHERE id = %s", digest_updates)

    def apply(self, rid: str, rows: list, *, keep_missing_parties: bool = False, report=None, parties=None, hashes=None) -> bool:
        """The re-delivered ``rows`` (checked Rows, all of them) of record ``rid``; True if it changed.
        ``keep_missing_parties``: rows of the record were rejected (--accept-partial), so a stored
        party not delivered is not taken as removed. ``report``/``parties``: read already (apply_many)."""
        if report is None:
            report = Report.all_objects.select_related("address").filter(source_id=self.batch.source_id, source_record_id=rid).first()
        if report is None or not rows:
            return False
        if parties is None:
            parties = list(ReportParty.all_objects.filter(report=report).select_related("person__address").order_by("person_id"))
        if hashes is None:
            hashes = {b: bsn_hash(b) for b in {r.person.bsn for r in rows if r.person.bsn}}
        old_record, new_record = stored_record(report), delivered_record(rows)
        stored = [(person_number(p.person.source_key), stored_person(p.person, p.rol)) for p in parties]
        by_number = {person_number(p.person.source_key): p for p in parties}
        delivered = [delivered_person(r, hashes) for r in rows]
        pairs, added, removed = rules.match_parties(stored, delivered)
        if keep_missing_parties:
            removed = []
        record_fields = rules.changed_fields(old_record, new_record, rules.RECORD_FIELDS)
        person_changes = []
        stored_values = dict(stored)
        for number, i in pairs:
            fields = rules.changed_fields(stored_values[number], delivered[i], rules.PERSON_FIELDS)
            if fields:
                person_changes.append((number, i, fields))
        all_fields = record_fields + [rules.PERSON_PREFIX + f for _, _, fs in person_changes for f in fs]
        if added or removed:
            all_fields.append("betrokkene")
        reinstate = report.withdrawn_at is not None
        if reinstate:
            self._reinstate(report)
        if not all_fields:
            self.reinstated_unchanged += reinstate
            return reinstate
        if record_fields:
            self._correct_record(report, record_fields, old_record, new_record, rows)
        for number, i, fields in person_changes:
            self._correct_person(by_number[number], fields, stored_values[number], delivered[i], rows[i], hashes)
        next_number = max(by_number, default=0)
        for i in added:
            next_number += 1
            self._add_party(report, rid, next_number, rows[i], hashes)
        for number in removed:
            self._remove_party(by_number[number], stored_values[number])
        report.corrected_at = self.now
        Report.all_objects.filter(pk=report.pk).update(corrected_at=self.now)
        self.corrected.append(dict.fromkeys(all_fields))
        return True

    # -- the changes ---------------------------------------------------------------------------
    def _address(self, address) -> tuple[int | None, str | None]:
        if address is None:
            return None, None
        return self.store.resolve_addresses([address], [address.key])[address.key]

    def _change(self, report, kind: str, *, person=None, party="", fields=(), previous=None, address_ids=()) -> None:
        RecordChange.objects.create(
            report=report,
            person=person,
            party=str(party) if party else "",
            import_batch=self.batch,
            kind=kind,
            fields=list(fields),
            previous=json.dumps(previous, ensure_ascii=False, default=str) if previous else "",
            address_ids=sorted({a for a in address_ids if a is not None}),
        )

    def _correct_record(self, report: Report, fields: list[str], old: dict, new: dict, rows: list) -> None:
        old_address = report.address_id
        update = []
        for f in fields:
            if f == "address":
                chosen = report_address_row([r.address for r in rows], [r.rol for r in rows], 0, len(rows))
                a = rows[chosen].address if chosen is not None else None
                address_id, known_buurt = self._address(a)
                report.address_id = address_id
                report.buurt_id = (a.buurtcode or known_buurt or None) if a is not None else None
                update += ["address", "buurt"]
            elif f == "soort":
                report.soort = new["soort"]
                update.append("soort")
            elif f == "datum":
                report.datum = rows[0].record.datum
                update.append("datum")
            else:
                setattr(report, f, new[f])
                update.append(f)
        report.save(update_fields=update)
        self._change(
            report,
            "gewijzigd",
            fields=fields,
            previous={f: old[f] for f in fields},
            address_ids=(old_address, report.address_id) if "address" in fields else (),
        )

    def _correct_person(self, party: ReportParty, fields: list[str], old: dict, new: dict, row, hashes: dict) -> None:
        person = party.person
        old_address = person.address_id
        update = []
        for f in fields:
            if f == "rol":
                ReportParty.all_objects.filter(pk=party.pk).update(rol=new["rol"])
            elif f == "bsn":
                person.bsn_hash = new["bsn"]
                update.append("bsn_hash")
            elif f == "address":
                person.address_id = self._address(row.address)[0]
                update.append("address")
            else:
                setattr(person, f, new[f])
                update.append(f)
        if update:
            person.save(update_fields=update)
        self._change(
            party.report,
            "gewijzigd",
            person=person,
            party=person_number(person.source_key),
            fields=[rules.PERSON_PREFIX + f for f in fields],
            previous={rules.PERSON_PREFIX + f: old[f] for f in fields},
            address_ids=(old_address, person.address_id, party.report.address_id),
        )

    def _add_party(self, report: Report, rid: str, number: int, row, hashes: dict) -> None:
        p = row.person
        person = Person.objects.create(
            source_id=self.batch.source_id,
            source_key=f"{rid}/{number}",
            bsn_hash=hashes[p.bsn] if p.bsn else "",
            voornamen=p.voornamen,
            voorletters=p.voorletters,
            tussenvoegsel=p.tussenvoegsel,
            achternaam=p.achternaam,
            geboortedatum=p.geboortedatum.isoformat() if p.geboortedatum else "",
            geslacht=p.geslacht,
            address_id=self._address(row.address)[0],
            import_batch=self.batch,
            source_row=row.row,
        )
        ReportParty.all_objects.create(report=report, person=person, rol=row.rol)
        self.counts.persons_created += 1
        self.counts.rows_loaded += 1
        self._change(
            report,
            "partij_toegevoegd",
            person=person,
            party=number,
            fields=["betrokkene"],
            address_ids=(person.address_id, report.address_id),
        )

    def _remove_party(self, party: ReportParty, old: dict) -> None:
        person = party.person
        ReportParty.all_objects.filter(pk=party.pk).delete()
        self._change(
            party.report,
            "partij_verwijderd",
            person=person,
            party=person_number(person.source_key),
            fields=["betrokkene"],
            previous={rules.PERSON_PREFIX + "rol": old["rol"]},
            address_ids=(person.address_id, party.report.address_id),
        )

    def _reinstate(self, report: Report) -> None:
        Report.all_objects.filter(pk=report.pk).update(withdrawn_at=None, withdrawn_by_batch=None)
        report.withdrawn_at = None
        self._change(report, "hersteld", address_ids=(report.address_id,))
        self.reinstated += 1


# -- withdrawals ---------------------------------------------------------------------------------


def withdraw(batch: ImportBatch, record_ids: Iterable[str]) -> tuple[int, list[str]]:
    """Mark the source's records ``record_ids`` withdrawn by ``batch`` (inside the caller's
    transaction); returns (number withdrawn now, record ids not in the registry). A record
    already withdrawn stays as it is."""
    wanted = list(dict.fromkeys(r for r in record_ids if r))
    found = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update((r.source_record_id, r) for r in Report.all_objects.filter(source_id=batch.source_id, source_record_id__in=chunk))
    now = timezone.now()
    n = 0
    for rid in wanted:
        report = found.get(rid)
        if report is None or report.withdrawn_at is not None:
            continue
        Report.all_objects.filter(pk=report.pk).update(withdrawn_at=now, withdrawn_by_batch=batch)
        RecordChange.objects.create(
            report=report,
            import_batch=batch,
            kind="ingetrokken",
            fields=["ingetrokken"],
            address_ids=[report.address_id] if report.address_id else [],
        )
        n += 1
    return n, [rid for rid in wanted if rid not in found]


def read_withdrawals(path: Path, profile) -> tuple[list[tuple[int, str]], list[int]]:
    """(row, record id) of a deletion list: a CSV in the profile's delimiter and encoding with the
    profile's record id column (header = row 1), and the rows that have cells but no record id.
    Blank lines are skipped. Raises ValueError (without values) when the column is missing."""
    with Path(path).open(encoding=profile.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=profile.delimiter, quotechar=profile.quotechar or '"')
        header = [h.replace("\ufeff", "").strip() for h in next(reader, [])]
        if profile.record_id not in header:
            raise ValueError(f"kolom '{profile.record_id}' (het registratienummer) ontbreekt in de kopregel")
        index = header.index(profile.record_id)
        rows, empty = [], []
        for n, row in enumerate(reader, 2):
            value = row[index].strip() if index < len(row) else ""
            if value:
                rows.append((n, value))
            elif any(cell.strip() for cell in row):
                empty.append(n)
        return rows, empty


def import_withdrawals(
    path, profile, *, user=None, file_name: str | None = None, accept_partial: bool = False, defer_postprocess: bool = False
) -> ImportBatch:
    """A partner's list of withdrawn records (``zicht import --withdrawals FILE --profile P``, or the
    upload page's "intrekkingslijst"), as one batch.

    All-or-nothing, as an import: a row without a registratienummer, or a registratienummer the
    source never delivered, rejects the list (status *rejected*, nothing withdrawn), each reject
    naming file, row and field, never a value. With ``accept_partial`` the known records are
    withdrawn and the others listed (status *partial*). Post-processing (linkage lets the persons
    go, recolouring of the touched addresses) runs after the commit, as for an import, or is
    queued for ``zicht postprocess`` (``defer_postprocess``)."""
    from .pipeline import _announce, file_sha256, source_organisation  # (one module: the import's own helpers)

    path = Path(path)
    source = source_organisation(profile)
    batch = ImportBatch.objects.create(
        file_name=(file_name or path.name)[:255],
        file_sha256=file_sha256(path),
        profile=profile.name,
        profile_sha256=profile.sha256,
        source=source,
        status="running",
        imported_by=user,
    )
    try:
        rows, empty = read_withdrawals(path, profile)
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
        if isinstance(exc, UnicodeDecodeError):
            reason = "bestand is niet te lezen in de tekencodering van het profiel"
        elif isinstance(exc, csv.Error):
            reason = "bestand is geen leesbare CSV"
        else:
            reason = str(exc)
        batch.status, batch.message, batch.finished_at = "rejected", f"Afgewezen: {reason}. Er is niets ingetrokken."[:500], timezone.now()
        batch.rejects = [Reject(batch.file_name, 1, "(bestand)", reason).as_dict()]
        batch.save()
        return batch
    field = "registratienummer"
    known = set()
    wanted = list(dict.fromkeys(rid for _, rid in rows))
    for i in range(0, len(wanted), 500):
        known |= set(
            Report.all_objects.filter(source=source, source_record_id__in=wanted[i : i + 500]).values_list("source_record_id", flat=True)
        )
    problems = sorted(
        [(row, "leeg: geen registratienummer") for row in empty]
        + [(row, "onbekend bij deze bron: niets ingetrokken") for row, rid in rows if rid not in known]
    )
    rejects = [Reject(batch.file_name, row, field, reason).as_dict() for row, reason in problems][:1000]
    batch.rows_total = len(rows) + len(empty)
    batch.rows_rejected = len(problems)
    unknown = len([1 for _, rid in rows if rid not in known])
    if problems and not accept_partial:
        batch.rejects = rejects
        batch.status, batch.finished_at = "rejected", timezone.now()
        batch.message = (
            f"Afgewezen: {len(problems)} rijen afgekeurd (eerste: rij {problems[0][0]}, {field}: {problems[0][1]}). "
            "Er is niets ingetrokken; deels laden (--accept-partial) trekt de bekende records wel in."
        )[:500]
        batch.save()
        log.info("Withdrawals #%s rejected: %s rows", batch.pk, len(problems))
        return batch
    with transaction.atomic():
        n, _unknown = withdraw(batch, [rid for _, rid in rows if rid in known])
        batch.rejects = rejects
        batch.reports_withdrawn = n
        batch.status = "partial" if problems else "loaded"
        text = f"{n} records ingetrokken (uit kleur, werklijsten en cijfers; de historie blijft bewaard)"
        if unknown:
            text += f"; {unknown} registratienummers onbekend bij deze bron"
        if empty:
            text += f"; {len(empty)} rijen zonder registratienummer"
        batch.message = (text + ".")[:500]
        batch.finished_at = timezone.now()
        batch.save()
        transaction.on_commit(lambda: _announce(batch, defer=defer_postprocess))
    log.info("Withdrawals #%s: %s records withdrawn, %s rows rejected", batch.pk, n, len(problems))
    return batch
