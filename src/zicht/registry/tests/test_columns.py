"""The column path against the row path, which stays the specification.

1. ``ColumnChecker`` marks a row clean exactly when ``RowChecker.check`` accepts it, and
   then yields the same values (table of hostile cells for every CSV profile, plus
   hypothesis mixing them).
2. A whole import through the column path leaves the same registry, the same counts and
   the same rejects (file, row, field, reason, in the same order) as through the row
   path — with blocks cut small so records straddle blocks and come back later.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.core.crypto import cipher
from zicht.registry import fastpath, pipeline, readers
from zicht.registry.domain.columns import ColumnChecker, runs
from zicht.registry.domain.profile import find_profile
from zicht.registry.domain.rows import RowChecker
from zicht.registry.models import Address, ImportBatch, Person, Report, ReportParty

from .conftest import FIXTURES, politie_rows, write_politie

TODAY = date(2025, 6, 1)
KNOWN_BUURTEN = {"BU08550110", "BU08551700"}


def _fixture(name: str) -> tuple[list, list[list]]:
    text = (FIXTURES / name).read_text(encoding="utf-8-sig")
    delimiter = ";" if name.startswith("politie") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], rows[1:]


_BLOCK_FIELDS = (
    "record_ids",
    "clean",
    "records",
    "rol",
    "bsn",
    "voornamen",
    "voorletters",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "address",
    "incomplete",
)


def _via_pyarrow(profile_name: str, checker: RowChecker, numbers: list[int], rows: list[list]):
    """The same rows written as a CSV export would (csv.writer: cells quoted where needed), parsed
    by pyarrow and checked from its coded columns; None when the csv module must read those lines."""
    profile = find_profile(profile_name)
    out = io.StringIO()
    csv.writer(out, delimiter=profile.delimiter, quotechar=profile.quotechar, lineterminator="\r\n").writerows(rows)
    table = readers._parse_block(out.getvalue().encode(), profile, checker.width)
    if table is None:
        return None
    columns = ColumnChecker(checker)
    return columns.check_coded(numbers, readers.TableRows(table), fastpath._coded(table, columns.used))


def _compare(profile_name: str, header: list, rows: list[list]) -> None:
    checker = RowChecker(find_profile(profile_name), header, file_name="f.csv", today=TODAY, known_buurten=KNOWN_BUURTEN)
    numbers = list(range(2, len(rows) + 2))
    block = ColumnChecker(checker).check(numbers, rows)
    parsed = _via_pyarrow(profile_name, checker, numbers, rows)
    if parsed is not None:  # pyarrow's coded columns give the very same block
        assert [getattr(parsed, f) for f in _BLOCK_FIELDS] == [getattr(block, f) for f in _BLOCK_FIELDS]
        assert [parsed.cells[i][: len(r)] for i, r in enumerate(rows)] == [r[: checker.width] for r in rows]
    for i, cells in enumerate(rows):
        row, rejects = checker.check(cells, numbers[i])
        # clean: accepted unchanged — a row with a value set aside goes the row path's way
        assert bool(block.clean[i]) == (row is not None and not row.set_aside), (i, rejects)
        if not block.clean[i]:
            continue
        got = (
            block.record_ids[i],
            block.records[i],
            block.rol[i],
            (
                block.bsn[i],
                block.voornamen[i],
                block.voorletters[i],
                block.tussenvoegsel[i],
                block.achternaam[i],
                block.geboortedatum[i],
                block.geslacht[i],
            ),
            block.address[i],
            block.incomplete[i],
        )
        assert got == (row.record_id, tuple(row.record), row.rol, tuple(row.person), row.address, row.incomplete_address), i
        assert hash(block.records[i]) == hash(row.record)  # the row path remembers records by this hash


# (column name, hostile value): each replaces one cell of a valid row.
POLITIE_CELLS = [
    ("BSN", "886075003"),
    ("BSN", " 886075002 "),
    ("BSN", "86075002"),
    ("BSN", "12-34"),
    ("BSN", ""),
    ("Pleegdatum", "31-02-2024"),
    ("Pleegdatum", "2024-03-14"),
    ("Pleegdatum", "14-03-2099"),
    ("Pleegdatum", ""),
    ("Pleegdatum", " 14/03/2024 "),
    ("Geboortedatum", "17-11-2087"),
    ("Geboortedatum", "17-11-1787"),
    ("Geboortedatum", "01-01-2025"),
    ("Geboortedatum", ""),
    ("Incidentsoort", "Burenruzie"),
    ("Incidentsoort", ""),
    ("Incidentsoort", "PARTNERGEWELD"),
    ("Relatie", ""),
    ("Relatie", "buurman"),
    ("Geweldsvormen", "lichamelijk||psychisch"),
    ("Geweldsvormen", "lichamelijk|vreemd"),
    ("Letsel", "ja"),
    ("Letsel", "X"),
    ("Rol", "Kindje"),
    ("Rol", ""),
    ("Achternaam", "=HYPERLINK(1)"),
    ("Achternaam", "Jan\x07sen"),
    ("Achternaam", "x" * 201),
    ("Voornamen", "Anne  Marie"),
    ("Voornamen", "Anne\u00a0Marie"),
    ("Tussenvoegsel", "Van Der"),
    ("Straat", ""),
    ("Huisnummer", ""),
    ("Huisnummer", "elf"),
    ("Huisnummer", "12-II"),
    ("Huisnummer", "0"),
    ("Toevoeging", "a/b"),
    ("Toevoeging", "ABCDEFGHIJK"),
    ("Postcode", ""),
    ("Postcode", "9999 X"),
    ("Postcode", "5021 SA"),
    ("Postcode", "5021ab"),
    ("Buurtcode", "BU1"),
    ("Buurtcode", "BU08559999"),
    ("Buurtcode", "bu08551700"),
    ("Registratienummer", ""),
    ("Registratienummer", "R" * 81),
    ("Mutatietekst", "=1+1"),
    ("Mutatietekst", "x" * 10001),
    ("Geslacht", "Q"),
]


def _politie() -> tuple[list, list[list]]:
    return _fixture("politie_incidenten.csv")


@pytest.mark.parametrize("column,value", POLITIE_CELLS)
def test_one_hostile_cell_politie(column, value):
    header, rows = _politie()
    index = header.index(column) if column in header else [h.lstrip("\ufeff") for h in header].index(column)
    changed = [list(r) for r in rows]
    changed[1][index] = value
    _compare("politie-bvh", header, changed)


def test_short_long_and_empty_rows():
    header, rows = _politie()
    variants = [rows[0][:5], rows[1] + ["extra", "cells"], [""] * len(header), rows[2][:-1], [rows[3][0]]]
    _compare("politie-bvh", header, [list(r) for r in rows] + variants)


@pytest.mark.parametrize("name,profile", [("veilig_thuis_meldingen.csv", "veilig-thuis")])
def test_veilig_thuis_rows_and_full_names(name, profile):
    header, rows = _fixture(name)
    idx = {h: i for i, h in enumerate(header)}
    variants = []
    for column, value in [
        ("naam", "Jansen, Pieter"),
        ("naam", "P. de Vries"),
        ("naam", "Vries, P. de"),
        ("naam", ""),
        ("adres", "Korvelseweg"),
        ("adres", "Plein 1944 12"),
        ("adres", ""),
        ("postcode", ""),
        ("soort", "onbekend"),
        ("datum_ontvangst", "20-03-2024"),
        ("vormen", "lichamelijk;;seksueel"),
    ]:
        row = list(rows[0])
        row[idx[column]] = value
        variants.append(row)
    _compare(profile, header, [list(r) for r in rows] + variants)


def test_wijkteam_csv_rows():
    header = [
        "Signaal-ID",
        "Datum signaal",
        "Categorie",
        "Medewerker",
        "Telefoon medewerker",
        "Rol",
        "Achternaam",
        "Tussenvoegsel",
        "Voorletters",
        "Voornaam",
        "Geboortedatum",
        "BSN",
        "Adres",
        "Huisnummer",
        "Postcode",
    ]
    rows = [
        [
            "WT-1",
            "02-04-2024",
            "zorg om veiligheid",
            "Ilse",
            "013-5550101",
            "kind",
            "Jansen",
            "",
            "n",
            "Noah",
            "09-08-2016",
            "",
            "Korvelseweg",
            "12a",
            "5025 AB",
        ],
        [
            "WT-1",
            "2024-04-02",
            "zorg",
            "Ilse",
            "013",
            "ouder",
            "Vries",
            "de",
            "",
            "Sanne Maria",
            "1990-05-02",
            "944117715",
            "Korvelseweg",
            "12",
            "5025AB",
        ],
        ["WT-2", "02-04-2024", "+31", "", "", "cliënt", "Berg", "van der", "P J", "", "30-06-1982", "", "", "", ""],
        ["WT-3", "02-04-2024", "", "", "", "ouder", "Berg", "", "", "", "", "", "Ringbaan", "", "5041 LB"],
    ]
    _compare("wijkteam-signalen-csv", header, rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(POLITIE_CELLS), max_size=3), min_size=1, max_size=12))
def test_mixed_hostile_rows_politie(changes):
    header, rows = _politie()
    clean = [h.lstrip("\ufeff") for h in header]
    block = []
    for k, row_changes in enumerate(changes):
        row = list(rows[k % len(rows)])
        for column, value in row_changes:
            row[clean.index(column)] = value
        block.append(row)
    _compare("politie-bvh", header, block)


@pytest.mark.parametrize("cache_limit", [1, 200_000])
def test_results_kept_across_blocks_are_those_of_the_row_checker(monkeypatch, cache_limit):
    """ColumnChecker remembers converted cells, addresses and names from block to block (and
    forgets them past CACHE_LIMIT): a later block, with the same and with new hostile cells, is
    checked exactly as RowChecker checks it."""
    from zicht.registry.domain import columns

    monkeypatch.setattr(columns, "CACHE_LIMIT", cache_limit)
    header, rows = _politie()
    clean = [h.lstrip("\ufeff") for h in header]
    checker = RowChecker(find_profile("politie-bvh"), header, file_name="f.csv", today=TODAY, known_buurten=KNOWN_BUURTEN)
    column_checker = ColumnChecker(checker)
    blocks = []
    for k in range(3):
        block = []
        for i, (column, value) in enumerate(POLITIE_CELLS[k::2]):
            row = list(rows[(i + k) % len(rows)])
            row[clean.index(column)] = value
            block.append(row)
        blocks.append(block + [list(r) for r in rows])
    number = 2
    for block in blocks:
        numbers = list(range(number, number + len(block)))
        number += len(block)
        checked = column_checker.check(numbers, block)
        for i, cells in enumerate(block):
            row, rejects = checker.check(cells, numbers[i])
            assert bool(checked.clean[i]) == (row is not None and not row.set_aside), (i, rejects)
            if checked.clean[i]:
                assert (
                    checked.records[i],
                    checked.rol[i],
                    checked.bsn[i],
                    checked.voornamen[i],
                    checked.voorletters[i],
                    checked.tussenvoegsel[i],
                    checked.achternaam[i],
                    checked.geboortedatum[i],
                    checked.address[i],
                    checked.incomplete[i],
                ) == (tuple(row.record), row.rol, *row.person[:5], row.person.geboortedatum, row.address, row.incomplete_address)
    index = column_checker.columns["person.bsn"]
    first_only = {r[index] for r in blocks[0]} - {r[index] for r in blocks[-1]}
    kept = set(column_checker._caches["person.bsn"])
    assert first_only
    if cache_limit == 1:  # emptied before each block: only the last block's cells are left
        assert kept <= {r[index] for r in blocks[-1]}
    else:
        assert first_only <= kept


def test_runs_marks_each_change_of_record_id():
    assert runs([]) == []
    assert runs(["a", "a", "b", "a", "a"]) == [0, 2, 3]


# -- whole imports: column path = row path ----------------------------------------------------------


def _snapshot(batch: ImportBatch) -> dict:
    c = cipher()
    reports = {
        r.source_record_id: (
            r.soort,
            r.datum,
            r.aard,
            tuple(r.vormen),
            r.relatie,
            r.kinderen_aanwezig,
            r.letsel,
            r.wapen,
            r.huisverbod,
            r.hoedanigheid_melder,
            r.categorie,
            r.address.key if r.address else None,
            r.buurt_id,
            r.toelichting,
            r.contact_medewerker,
            r.contact_telefoon,
            r.source_rows,
        )
        for r in Report.objects.filter(import_batch=batch).select_related("address")
    }
    parties = {p.person_id: (p.report.source_record_id, p.rol) for p in ReportParty.objects.select_related("report")}
    persons = {
        p.source_key: (
            p.bsn_hash,
            p.voornamen,
            p.voorletters,
            p.tussenvoegsel,
            p.achternaam,
            p.geboortedatum,
            p.geslacht,
            p.address.key if p.address else None,
            p.source_row,
            parties.get(p.pk),
        )
        for p in Person.objects.filter(import_batch=batch).select_related("address")
    }
    raw_person = Person.objects.filter(import_batch=batch).values_list("voornamen", flat=True).first()
    if raw_person is not None:  # stored encrypted, in the same token format
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT voornamen, id FROM registry_person WHERE import_batch_id = %s AND voornamen <> '' LIMIT 1", [batch.pk])
            token = cursor.fetchone()
            assert token is None or (token[0].startswith("z2:") and c.decrypt(token[0], "registry_person.voornamen", token[1]))
    addresses = {a.key: (a.postcode, a.huisnummer, a.toevoeging, a.straat, a.woonplaats, a.buurt_id) for a in Address.objects.all()}
    counts = {
        f: getattr(batch, f)
        for f in (
            "status",
            "rows_total",
            "rows_loaded",
            "rows_rejected",
            "reports_created",
            "reports_already_present",
            "reports_corrected",
            "persons_created",
            "addresses_created",
            "addresses_unmatched",
            "addresses_incomplete",
        )
    }
    return {
        "counts": counts,
        "rejects": batch.rejects,
        "reports": reports,
        "persons": persons,
        "addresses": addresses,
        "message": batch.message,
    }


def _both(path, tmp_path, **kwargs) -> tuple[dict, dict, list, list]:
    from django.db import transaction

    results, files = [], []
    for column_path in (False, True):
        out = tmp_path / f"rejects-{column_path}.csv"
        with transaction.atomic():
            batch = pipeline.import_file(path, "politie-bvh", column_path=column_path, rejects_out=out, today=TODAY, **kwargs)
            results.append(_snapshot(batch))
            transaction.set_rollback(True)
        files.append(out.read_text(encoding="utf-8"))
    return results[0], results[1], files[0], files[1]


def _unquoted(row: str) -> str:
    """The fixture's row with its quoted text (the last cell) unquoted and without ';'."""
    if ';"' not in row:
        return row
    head, text = row.split(';"', 1)
    return head + ";" + text.rstrip('"').replace(";", ",")


# How the hostile file is written, and so who reads it: pyarrow throughout (the fixture's quoted
# text, or no quotes at all), or the csv module (a quoted cell over two lines in the first row).
STYLES = {"quoted": "pyarrow", "plain": "pyarrow", "line break in a cell": "csv module"}


def _hostile_politie(style: str = "quoted") -> list[str]:
    rows = politie_rows()  # records 101 (rows 2-4), 102 (5-6), 103 (7-8)
    if style == "plain":
        rows = [_unquoted(r) for r in rows]
    elif style == "line break in a cell":  # the first record's text, on all its rows
        assert rows[0].endswith('; buren belden."')
        rows = [r.replace('; buren belden."', ';\r\nburen belden."') for r in rows]
    extra = []
    for n in range(4, 12):  # more records, some of them broken in ways that need the row path
        rid = f"PL2000-2024000{100 + n}"
        for row in rows[:3]:
            extra.append(row.replace("PL2000-2024000101", rid))
    extra[4] = extra[4].replace("14-03-2024", "15-03-2024")  # inconsistent record level
    extra[9] = extra[9].replace("886075002", "886075003")  # a bad BSN in a later record
    extra[13] = extra[13].replace("Slachtoffer", "Kindje")
    comeback = [rows[0].replace("PL2000-2024000101", "PL2000-2024000104").replace(";Sanne;", ";Sara;")]
    bad_comeback = [rows[1].replace("PL2000-2024000101", "PL2000-2024000105").replace("17-11-1987", "17-11-2087")]
    return rows + extra + comeback + bad_comeback + [rows[3].replace("5041 LB", "")]


@pytest.mark.django_db
@pytest.mark.parametrize("accept_partial", [True, False])
@pytest.mark.parametrize("block_rows", [2, 5, 40_000])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_column_path_imports_exactly_what_the_row_path_imports(register, tmp_path, monkeypatch, accept_partial, block_rows, style):
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", block_rows)
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", block_rows * 60)  # pyarrow's blocks: one to many rows
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 3)
    path = write_politie(tmp_path / "hostile.csv", _hostile_politie(style))
    coded_blocks = []
    monkeypatch.setattr(fastpath, "_coded", lambda table, used, real=fastpath._coded: coded_blocks.append(1) or real(table, used))
    row, column, row_file, column_file = _both(path, tmp_path, accept_partial=accept_partial)
    assert bool(coded_blocks) == (STYLES[style] == "pyarrow")
    assert row == column
    assert row_file == column_file
    assert row["counts"]["rows_rejected"] > 0
    if accept_partial:
        assert row["counts"]["status"] == "partial" and row["counts"]["reports_created"] > 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "style, writer_min_rows",
    [("line break in a cell", fastpath.WRITER_MIN_ROWS), ("quoted", 0)],
    ids=["csv module", "pyarrow and writer thread"],
)
def test_column_path_skips_records_already_present(register, tmp_path, politie_file, monkeypatch, style, writer_min_rows):
    monkeypatch.setattr(fastpath, "WRITER_MIN_ROWS", writer_min_rows)
    pipeline.import_file(politie_file, "politie-bvh", today=TODAY)
    rows = _hostile_politie(style)
    path = write_politie(tmp_path / "overlap.csv", rows)
    row, column, row_file, column_file = _both(path, tmp_path, accept_partial=True)
    assert row == column and row_file == column_file
    # the three records of the first file come back: unchanged ones are "al aanwezig"; a changed
    # text (the line break) or a row without postcode is a correction (issue 13)
    counts = row["counts"]
    assert counts["reports_already_present"] + counts["reports_corrected"] == 3
    assert counts["reports_corrected"] == (2 if style == "line break in a cell" else 1)
    assert "gecorrigeerd (velden: " in row["message"]


@pytest.mark.django_db
def test_column_path_with_encryption_pool(register, tmp_path, monkeypatch):
    """The process pool (forced on for a small file) yields the same registry as in-process encryption."""
    monkeypatch.setattr(fastpath, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(fastpath, "BLOCK_ROWS", 4)
    path = write_politie(tmp_path / "pool.csv", _hostile_politie())
    row, column, _, _ = _both(path, tmp_path, accept_partial=True)
    assert row == column


@pytest.mark.django_db
def test_column_path_with_writer_thread(register, tmp_path, monkeypatch):
    """The writer thread (SQLite's multi-row INSERTs, PostgreSQL's binary COPY; forced on for a small
    file, with tiny statements and hand-overs) yields the same registry as the row path."""
    from zicht.registry import pgbulk

    monkeypatch.setattr(fastpath, "WRITER_MIN_ROWS", 0)
    monkeypatch.setattr(fastpath, "PG_WRITER_MIN_ROWS", 0)
    monkeypatch.setattr(fastpath, "STATEMENT_ROWS", 2)
    monkeypatch.setattr(fastpath, "INSERT_CHUNK", 3)
    monkeypatch.setattr(pgbulk, "COPY_CHUNK", 3)
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 300)
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 2)
    threads = []
    for writer in (fastpath.SqliteWriter, pgbulk.PgCopyWriter):
        monkeypatch.setattr(
            writer, "close", lambda self, raise_error=True, real=writer.close: threads.append(type(self)) or real(self, raise_error)
        )
    path = write_politie(tmp_path / "writer.csv", _hostile_politie())
    row, column, row_file, column_file = _both(path, tmp_path, accept_partial=True)
    assert row == column and row_file == column_file
    from django.db import connection

    assert threads and set(threads) == {fastpath.SqliteWriter if connection.vendor == "sqlite" else pgbulk.PgCopyWriter}


@pytest.mark.django_db
def test_an_error_in_the_writer_thread_fails_the_import_and_leaves_nothing(register, tmp_path, monkeypatch):
    from django.db import connection

    from zicht.registry import pgbulk

    monkeypatch.setattr(fastpath, "WRITER_MIN_ROWS", 0)
    monkeypatch.setattr(fastpath, "PG_WRITER_MIN_ROWS", 0)
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 2)
    calls = []

    if connection.vendor == "sqlite":

        def failing(self, table, columns, rows, real=fastpath.MultiRowInserter.insert):
            calls.append(table)
            if len(calls) == 4:  # the second group's first insert
                raise connection.Database.IntegrityError("simulated")
            return real(self, table, columns, rows)

        monkeypatch.setattr(fastpath.MultiRowInserter, "insert", failing)
    else:  # PostgreSQL: the thread's second group of reports carries a row COPY refuses

        def failing(self, model, fields, rows, real=pgbulk.PgCopyWriter.insert):
            calls.append(model)
            if len(calls) == 4:
                rows = [("simulated", *rows[0][1:]), *rows[1:]]  # not an integer id
            return real(self, model, fields, rows)

        monkeypatch.setattr(pgbulk.PgCopyWriter, "insert", failing)
    path = write_politie(tmp_path / "fails.csv", _hostile_politie())
    with pytest.raises(Exception, match="simulated" if connection.vendor == "sqlite" else None):
        pipeline.import_file(path, "politie-bvh", today=TODAY, accept_partial=True)
    assert len(calls) >= 4
    assert not Report.objects.exists() and not Person.objects.exists() and not ReportParty.objects.exists()
    assert ImportBatch.objects.get().status == "failed"


def test_pyarrow_route_is_compared_for_rows_of_equal_length():
    """_compare really takes the pyarrow route (quoted cells included), and not for ragged rows or
    cells with a line end."""
    header, rows = _politie()
    checker = RowChecker(find_profile("politie-bvh"), header, file_name="f.csv", today=TODAY, known_buurten=KNOWN_BUURTEN)
    assert any(";" in c for r in rows for c in r)  # the fixture's text cells need quotes
    assert _via_pyarrow("politie-bvh", checker, list(range(2, len(rows) + 2)), rows) is not None
    assert _via_pyarrow("politie-bvh", checker, [2, 3], [rows[0], rows[1][:5]]) is None
    assert _via_pyarrow("politie-bvh", checker, [2], [[c + "\n" for c in rows[0]]]) is None
