"""Both import paths, one registry: the same generated partner file imported through the row path
(``column_path=False``) and through the column path (``fastpath.ColumnPath``) leaves the same
database content — every column of every address, report, person and party, decrypted, with
surrogate ids, batch ids and timestamps replaced by what they point to.

The files come from ``zicht.synth`` with its noise on (bad BSNs, odd dates, missing address
parts, spelling variants), so the rows that the column path hands back to the row path and the
partial loads are part of what is compared, not only the clean bulk.
"""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from zicht.registry import fastpath, pipeline
from zicht.registry.domain.profile import find_profile
from zicht.registry.models import Address, Person, Report, ReportParty, SetAsideValue
from zicht.synth.generate import generate

REPO = Path(__file__).resolve().parents[4]
# the shared open data (CBS buurten) beside the checkout, or beside the folder of worktrees
DATA_DIRS = (
    [Path(os.environ["ZICHT_SHARED_DATA"])]
    if os.environ.get("ZICHT_SHARED_DATA")
    else [REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data"]
)
TODAY = date(2026, 7, 1)  # the generator's exports end on 2026-06-30
FILES = {  # profile → file written by zicht.synth
    "politie-bvh": "politie_incidenten.csv",
    "veilig-thuis": "veilig_thuis_meldingen.csv",
    "wijkteam-signalen-csv": "wijkteam_signalen.csv",
}


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    data_dir = next((d for d in DATA_DIRS if (d / "kwb").exists()), None)
    if data_dir is None:
        pytest.skip("shared open data not available")
    out = tmp_path_factory.mktemp("exports")
    generate("GM0855", 1, 17, out, data_dir, scale=0.15, wijkteam_format="csv", progress=False, log=lambda *_: None)
    return out


@pytest.fixture
def synth_register(db, exports):
    """The buurten and address register of the generated exports."""
    from zicht.geo.models import Buurt, Gemeente, Wijk
    from zicht.registry.register import load_address_register

    with (exports / "adresregister.csv").open(encoding="utf-8-sig", newline="") as fh:
        codes = sorted({row["buurtcode"].upper() for row in csv.DictReader(fh)})
    gemeente = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    wijk = Wijk.objects.create(code="WK085500", naam="Wijk", gemeente=gemeente, indeling_jaar=2024)
    Buurt.objects.bulk_create([Buurt(code=c, naam=c, wijk=wijk, gemeente=gemeente, indeling_jaar=2024) for c in codes])
    result = load_address_register(exports / "adresregister.csv")
    assert result.ok, result.message


def hostile(source: Path, out: Path, profile_name: str, dense: bool = False) -> Path:
    """The export with rows the column path cannot prove clean: values to set aside — a BSN failing
    the 11-proef (every 97th row), a date of birth in the future (every 101st), an impossible
    postcode (every 103rd), a gender code outside the profile (every 107th) —, rows to reject —
    a date in the future (every 113th: the record is invalid), an unknown role (every 127th: only
    that person's row is) —, and a row moved to the end of the file (every 37th: its record comes
    back after being written). ``dense``: a BSN failing the 11-proef on every 9th row, past the
    profile's threshold for set-aside values."""
    profile = find_profile(profile_name)
    with source.open(encoding=profile.encoding, newline="") as fh:
        rows = list(csv.reader(fh, delimiter=profile.delimiter))
    header, body = rows[0], rows[1:]
    index = {name.replace("\ufeff", "").strip(): i for i, name in enumerate(header)}
    bsn = index[profile.columns["person.bsn"]]
    column = {t: index[c] for t, c in profile.columns.items()}
    planted = [
        ("person.bsn", 97, 5, "123456789"),
        ("person.geboortedatum", 101, 7, "01-01-2090"),
        ("address.postcode", 103, 9, "0123 AB"),
        ("person.geslacht", 107, 11, "q"),
        ("report.datum", 113, 13, "01-01-2090"),
        ("party.rol", 127, 15, "toeschouwer"),
    ]
    moved = []
    for n, row in enumerate(body):
        for target, every, at, value in planted:
            if target in column and n % every == at:
                row[column[target]] = value
        if dense and n % 9 == 3:
            row[bsn] = "123456789"
    kept = [row for n, row in enumerate(body) if n % 37 != 11 or moved.append(row)]
    with out.open("w", encoding=profile.encoding, newline="") as fh:
        csv.writer(fh, delimiter=profile.delimiter).writerows([header, *kept, *moved])
    return out


def _table(model, keys: dict) -> list[tuple]:
    """Every concrete column of ``model``, sorted; a foreign key as the natural key of its target."""
    names = [f for f in model._meta.concrete_fields if f.name not in ("id", "created_at", "import_batch")]
    rows = []
    for obj in model.objects.all():
        row = []
        for f in names:
            if f.is_relation:
                target = getattr(obj, f.attname)
                row.append(keys[f.related_model](target) if target is not None else None)
            else:
                value = getattr(obj, f.attname)
                row.append(tuple(value) if isinstance(value, list) else value)
        rows.append(tuple(row))
    return sorted(rows, key=repr)


def database_content() -> dict:
    """The registry's import tables, normalised: decrypted (the model fields decrypt), ids replaced."""
    address_key = dict(Address.objects.values_list("id", "key"))
    report_key = dict(Report.objects.values_list("id", "source_record_id"))
    person_key = dict(Person.objects.values_list("id", "source_key"))
    from zicht.geo.models import Buurt
    from zicht.registry.models import Organisation

    source_key = dict(Organisation.objects.values_list("id", "code"))
    keys = {
        Address: address_key.__getitem__,
        Report: report_key.__getitem__,
        Person: person_key.__getitem__,
        Organisation: source_key.__getitem__,
        Buurt: str,
    }
    keys[SetAsideValue] = keys[Person]  # (only its person: the batch is not compared)
    content = {model.__name__: _table(model, keys) for model in (Address, Report, Person, ReportParty)}
    content["SetAsideValue"] = sorted(
        (v.source_record_id, v.source_row, person_key[v.person_id], v.field, v.reason, v.raw_value) for v in SetAsideValue.objects.all()
    )
    return content


def _import(path: Path, profile: str, column_path: bool, **kwargs) -> tuple[dict, dict]:
    with transaction.atomic():
        batch = pipeline.import_file(path, profile, column_path=column_path, today=TODAY, **kwargs)
        counts = {
            f: getattr(batch, f)
            for f in (
                "status",
                "rows_total",
                "rows_loaded",
                "rows_rejected",
                "reports_created",
                "persons_created",
                "addresses_created",
                "addresses_unmatched",
                "addresses_incomplete",
                "rows_set_aside",
                "set_aside",
                "incidents_partial",
            )
        }
        content = database_content()
        transaction.set_rollback(True)
    return content, {**counts, "rejects": batch.rejects, "message": batch.message}


@pytest.mark.django_db
@pytest.mark.parametrize("profile", sorted(FILES))
@pytest.mark.parametrize("accept_partial", [True, False])
def test_row_path_and_column_path_write_the_same_registry(synth_register, exports, tmp_path, monkeypatch, profile, accept_partial):
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 7)  # many writes, records continued across them
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 20_000)  # many blocks, records cut at block edges
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", 150)
    path = hostile(exports / FILES[profile], tmp_path / FILES[profile], profile)
    prepared = []
    monkeypatch.setattr(
        fastpath.ColumnPath,
        "_prepare",
        lambda self, block, fast, real=fastpath.ColumnPath._prepare: prepared.append(1) or real(self, block, fast),
    )
    row_content, row_batch = _import(path, profile, column_path=False, accept_partial=accept_partial)
    assert not prepared  # the row path never takes the fast route
    column_content, column_batch = _import(path, profile, column_path=True, accept_partial=accept_partial)
    if accept_partial:  # (all-or-nothing stops writing at the first rejected row)
        assert len(prepared) > 3  # most records went the column path's own way
    assert row_batch == column_batch
    assert row_content == column_content
    assert row_batch["rows_rejected"] > 0
    if accept_partial:
        fields = {entry["field"] for entry in row_batch["set_aside"]}
        assert {"person.bsn", "person.geboortedatum", "address.postcode"} <= fields
        assert row_batch["status"] == "partial" and row_content["Report"] and row_content["Person"]
        assert len(row_content["ReportParty"]) == row_batch["rows_loaded"]
        assert row_batch["incidents_partial"]  # the unknown roles cost one row each, not the incident
        assert len(row_content["SetAsideValue"]) >= row_batch["rows_set_aside"] > 0
        persons = {p[1] for p in row_content["Person"]}  # (source_key is the second column)
        assert all(v[2] in persons for v in row_content["SetAsideValue"])
    else:
        assert row_batch["status"] == "rejected" and not row_content["Report"]
        assert not row_content["SetAsideValue"]


@pytest.mark.django_db
@pytest.mark.parametrize("profile", sorted(FILES))
def test_both_paths_refuse_a_file_past_the_set_aside_threshold(synth_register, exports, tmp_path, monkeypatch, profile):
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 20_000)
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", 150)
    path = hostile(exports / FILES[profile], tmp_path / FILES[profile], profile, dense=True)
    row_content, row_batch = _import(path, profile, column_path=False, accept_partial=True)
    column_content, column_batch = _import(path, profile, column_path=True, accept_partial=True)
    assert row_batch == column_batch
    assert row_content == column_content
    assert row_batch["status"] == "rejected" and not row_content["Report"] and not row_content["SetAsideValue"]
    assert "max_set_aside_share" in row_batch["message"] and row_batch["rows_set_aside"] > row_batch["rows_total"] * 0.05


def broken(source: Path, out: Path, profile_name: str) -> Path:
    """The export with structural faults and exact duplicate lines (issue 13): every 53rd line repeated
    at once and every 61st again at the end of the file (duplicates), every 211th row cut to half its
    cells, every 223rd with a cell too many."""
    profile = find_profile(profile_name)
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=profile.delimiter))
    header, body = rows[0], rows[1:]
    out_rows, again = [], []
    for n, row in enumerate(body):
        if n % 211 == 100:
            row = row[: len(row) // 2]
        elif n % 223 == 50:
            row = [*row, "x"]
        out_rows.append(row)
        if n % 53 == 7:
            out_rows.append(list(row))
        if n % 61 == 3:
            again.append(list(row))
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=profile.delimiter).writerows([header, *out_rows, *again])
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("profile", sorted(FILES))
@pytest.mark.parametrize("accept_partial", [True, False])
def test_both_paths_agree_on_broken_rows_and_duplicate_lines(synth_register, exports, tmp_path, monkeypatch, profile, accept_partial):
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 7)
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 20_000)
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", 150)
    path = broken(exports / FILES[profile], tmp_path / FILES[profile], profile)
    row_content, row_batch = _import(path, profile, column_path=False, accept_partial=accept_partial)
    column_content, column_batch = _import(path, profile, column_path=True, accept_partial=accept_partial)
    assert row_batch == column_batch
    assert row_content == column_content
    if accept_partial:
        assert row_batch["status"] == "partial"
        reasons = [r["reason"] for r in row_batch["rejects"] if r["field"] == "(structuur)"]
        assert reasons and all(" velden, de kopregel " in r for r in reasons)
        assert "dubbele regels overgeslagen (rij " in row_batch["message"]
        keys = [p[1] for p in row_content["Person"]]  # source_key: record/person number, one person per line
        assert len(keys) == len(set(keys)) == row_batch["rows_loaded"]
    else:
        assert row_batch["status"] == "rejected" and not row_content["Report"]
        assert " velden, de kopregel " in row_batch["message"]
