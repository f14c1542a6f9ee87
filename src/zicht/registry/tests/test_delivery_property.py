"""Issue 13, the property: importing any permutation of the rows of a set of records, split over one
or more deliveries, with re-deliveries of the same records and earlier versions (drafts) corrected
later, ends in the same registry as importing the final versions once — on both import paths.

"The same registry": the current records by their natural key (source, registratienummer) with
their decrypted values and address, and per record its parties as a multiset of (role, BSN hash,
decrypted names, date of birth, gender, address). Person numbers (``rid/n``), source rows, batch
ids and timestamps depend on the order of arrival by design and are not compared; nor are persons
a correction removed from their record (kept, with their history, until retention).

Each delivery holds whole records (a delivered record is its source's full statement of it; a
record split over two files would be a correction that removes parties). All parties of a record
share the record's address or have none, so the report's address does not depend on row order.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.registry import pipeline
from zicht.registry.models import Report, ReportParty

from .conftest import write_politie

TODAY = date(2025, 6, 1)
ADDRESSES = [  # (straat, huisnummer, toevoeging, postcode, woonplaats, buurtcode) of the fixture register
    ("Korvelseweg", "12", "a", "5025 AB", "Tilburg", "BU08551700"),
    ("Ringbaan-West", "101", "", "5041 LB", "Tilburg", ""),
    ("Korvelseweg", "12", "", "5025AB", "Tilburg", ""),
]
BSNS = ["", "944117715", "853194130", "886075002", "792243298"]

person_st = st.fixed_dictionaries(
    {
        "rol": st.sampled_from(["Slachtoffer", "Verdachte", "Kind"]),
        "voornamen": st.sampled_from(["Sanne", "Mark", "Noah", "Lotte", "Peter"]),
        "achternaam": st.sampled_from(["Vries", "Jansen", "Berg", "Amrani"]),
        "geslacht": st.sampled_from(["V", "M"]),
        "geboortedatum": st.sampled_from(["02-05-1990", "17-11-1987", "09-08-2016"]),
        "bsn": st.sampled_from(BSNS),
        "address": st.booleans(),
    }
)
record_st = st.fixed_dictionaries(
    {
        "datum": st.sampled_from(["14-03-2024", "02-06-2024"]),
        "aard": st.sampled_from(["Partnergeweld", "Kindermishandeling", "Ouderenmishandeling"]),
        "letsel": st.sampled_from(["J", "N"]),
        "tekst": st.sampled_from(["", "Ruzie; buren belden.", "Belt herhaaldelijk"]),
        "address": st.integers(0, len(ADDRESSES) - 1),
        "persons": st.lists(person_st, min_size=1, max_size=3, unique_by=lambda p: (p["voornamen"], p["achternaam"])),
    }
)


def rows_of(rid: str, record: dict) -> list[str]:
    out = []
    for p in record["persons"]:
        address = ADDRESSES[record["address"]] if p["address"] else ("", "", "", "", "", "")
        text = f'"{record["tekst"]}"' if record["tekst"] else ""
        out.append(
            ";".join(
                [
                    rid,
                    record["datum"],
                    record["aard"],
                    "partner",
                    "lichamelijk",
                    record["letsel"],
                    "N",
                    "N",
                    "J",
                    p["rol"],
                    p["bsn"],
                    p["voornamen"],
                    "",
                    p["achternaam"],
                    p["geslacht"],
                    p["geboortedatum"],
                    *address,
                    text,
                ]
            )
        )
    return out


def registry_state() -> dict:
    reports = {}
    for r in Report.objects.select_related("address", "source"):
        reports[(r.source.code, r.source_record_id)] = (
            r.soort,
            r.datum,
            r.aard,
            tuple(r.vormen),
            r.relatie,
            r.kinderen_aanwezig,
            r.letsel,
            r.wapen,
            r.huisverbod,
            r.toelichting,
            r.address.key if r.address else None,
            r.buurt_id,
        )
    parties: dict = {key: [] for key in reports}
    for party in ReportParty.objects.select_related("report__source", "person__address"):
        p = party.person
        parties[(party.report.source.code, party.report.source_record_id)].append(
            (
                party.rol,
                p.bsn_hash,
                p.voornamen,
                p.voorletters,
                p.tussenvoegsel,
                p.achternaam,
                p.geboortedatum,
                p.geslacht,
                p.address.key if p.address else None,
            )
        )
    return {"reports": reports, "parties": {k: sorted(v) for k, v in parties.items()}}


def _import_all(tmp_path, files: list[list[str]], column_path: bool) -> dict:
    with transaction.atomic():
        for n, rows in enumerate(files):
            batch = pipeline.import_file(write_politie(tmp_path / f"d{n}.csv", rows), "politie-bvh", column_path=column_path, today=TODAY)
            assert batch.status in ("loaded", "duplicate"), batch.message
        state = registry_state()
        transaction.set_rollback(True)
    return state


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_permutation_and_redelivery_ends_in_the_same_registry(register, tmp_path, data):
    finals = data.draw(st.lists(record_st, min_size=1, max_size=4), label="final versions")
    rids = [f"PL2000-P{k:04d}" for k in range(len(finals))]
    deliveries = data.draw(st.integers(1, 3), label="deliveries")
    files: list[list[str]] = [[] for _ in range(deliveries)]
    for rid, final in zip(rids, finals):
        last = data.draw(st.integers(0, deliveries - 1), label=f"{rid} final in")
        files[last] += rows_of(rid, final)
        if last > 0 and data.draw(st.booleans(), label=f"{rid} draft first"):  # an earlier version, corrected later
            draft = data.draw(record_st, label=f"{rid} draft")
            files[data.draw(st.integers(0, last - 1), label=f"{rid} draft in")] += rows_of(rid, draft)
        for later in range(last + 1, deliveries):  # the same version again in later deliveries
            if data.draw(st.booleans(), label=f"{rid} again in {later}"):
                files[later] += rows_of(rid, final)
    files = [data.draw(st.permutations(rows), label="row order") for rows in files if rows]

    reference = _import_all(tmp_path, [[row for rid, final in zip(rids, finals) for row in rows_of(rid, final)]], column_path=True)
    assert len(reference["reports"]) == len(finals)
    for column_path in (True, False):
        assert _import_all(tmp_path, files, column_path) == reference
