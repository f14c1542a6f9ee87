"""File-level robustness of the importer (issue 13): broken rows, unclosed quotes, exact duplicate
lines, text encodings. Each case on both import paths (the row path and the column path)."""

from __future__ import annotations

import codecs
import dataclasses

import pytest

from zicht.registry.domain.profile import find_profile
from zicht.registry.models import ImportBatch, Person, Report, ReportParty
from zicht.registry.pipeline import import_file

from .conftest import FIXTURES, politie_rows

pytestmark = pytest.mark.django_db
PATHS = pytest.mark.parametrize("column_path", [True, False], ids=["column-path", "row-path"])
HEADER = (FIXTURES / "politie_incidenten.csv").read_text(encoding="utf-8-sig").splitlines()[0]


def write(path, rows: list[str], *, end: str = "\r\n", encoding: str = "utf-8", bom: bool = False) -> object:
    text = "\r\n".join([HEADER, *rows]) + end
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode(encoding))
    return path


def loaded() -> tuple[int, int, int]:
    return Report.objects.count(), Person.objects.count(), ReportParty.objects.count()


def cut(row: str, fields: int) -> str:
    return ";".join(row.split(";")[:fields])


# -- 1. broken rows -------------------------------------------------------------------------------


@PATHS
def test_a_last_row_cut_off_refuses_the_file_naming_row_and_counts(register, tmp_path, column_path):
    rows = politie_rows()
    path = write(tmp_path / "afgebroken.csv", [*rows[:-1], cut(rows[-1], 11)], end="")  # cut off mid-transfer
    batch = import_file(path, "politie-bvh", column_path=column_path)
    assert batch.status == "rejected", batch.message
    assert "afgebroken.csv" in batch.message and "rij 8 heeft 11 velden, de kopregel 23" in batch.message
    assert loaded() == (0, 0, 0)
    assert batch.rejects == [{"file": "afgebroken.csv", "row": 8, "field": "(bestand)", "reason": "rij 8 heeft 11 velden, de kopregel 23"}]


@PATHS
def test_a_row_with_a_cell_too_many_refuses_the_file(register, tmp_path, column_path):
    rows = politie_rows()
    rows[1] += ";extra"
    batch = import_file(write(tmp_path / "f.csv", rows), "politie-bvh", column_path=column_path)
    assert batch.status == "rejected" and "rij 3 heeft 24 velden, de kopregel 23" in batch.message
    assert loaded() == (0, 0, 0)


@PATHS
def test_accept_partial_rejects_only_the_broken_row(register, tmp_path, column_path):
    rows = politie_rows()
    rows[1] = cut(rows[1], 11)  # the second person of the first incident
    batch = import_file(write(tmp_path / "f.csv", rows), "politie-bvh", accept_partial=True, column_path=column_path)
    assert batch.status == "partial", batch.message
    assert (batch.rows_total, batch.rows_loaded, batch.rows_rejected) == (7, 6, 1)
    assert batch.rejects == [{"file": "f.csv", "row": 3, "field": "(structuur)", "reason": "rij 3 heeft 11 velden, de kopregel 23"}]
    assert loaded() == (3, 6, 6)
    assert Report.objects.get(source_record_id="PL2000-2024000101").parties.count() == 2


@PATHS
def test_an_unclosed_quote_is_named_with_the_row_where_it_opened(register, tmp_path, column_path):
    rows = politie_rows()
    rows[1] = '"' + rows[1]  # the registratienummer opens a quote that never closes
    batch = import_file(write(tmp_path / "f.csv", rows), "politie-bvh", column_path=column_path)
    assert batch.status == "rejected"
    assert "rij 3: een aanhalingsteken" in batch.message and "'Registratienummer'" in batch.message, batch.message
    assert "te lang" not in batch.message
    assert loaded() == (0, 0, 0)


@PATHS
def test_a_quote_left_open_at_the_very_end_is_named(register, tmp_path, column_path):
    rows = politie_rows()
    rows[-1] = cut(rows[-1], 22) + ';"Belt herhaaldelijk'  # the file ends inside the last, quoted cell
    batch = import_file(write(tmp_path / "f.csv", rows, end=""), "politie-bvh", column_path=column_path)
    assert batch.status == "rejected"
    assert "rij 8: een aanhalingsteken" in batch.message and "niet gesloten" in batch.message, batch.message


@PATHS
@pytest.mark.parametrize("end", ["", "\r\n", "\r\n\r\n", "\n"], ids=["no-line-end", "line-end", "empty-last-line", "unix"])
def test_a_trailing_empty_line_or_a_last_line_without_line_end_is_fine(register, tmp_path, column_path, end):
    batch = import_file(write(tmp_path / "f.csv", politie_rows(), end=end), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded", batch.message
    assert loaded() == (3, 7, 7)


# -- 2. exact duplicate lines ---------------------------------------------------------------------


@PATHS
def test_exact_duplicate_lines_are_skipped_and_reported(register, tmp_path, column_path):
    rows = politie_rows()
    body = [rows[0], rows[1], rows[1], *rows[2:], rows[0]]  # row 4 repeats row 3, row 10 repeats row 2
    batch = import_file(write(tmp_path / "f.csv", body), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded", batch.message
    assert loaded() == (3, 7, 7)  # no second Mark Jansen, no second Sanne de Vries
    assert (batch.rows_total, batch.rows_loaded, batch.rows_duplicate) == (9, 7, 2)
    assert "2 dubbele regels overgeslagen (rij 4 = rij 3, rij 10 = rij 2)" in batch.message


@PATHS
def test_two_persons_of_one_record_are_not_duplicates(register, tmp_path, column_path):
    """Same registratienummer, same record cells, another person: a party, not a duplicate; a line
    that differs in one cell only (a space) is not an exact duplicate either."""
    rows = politie_rows()
    twin = rows[0].replace(";Sanne;", ";Sanna;")
    batch = import_file(write(tmp_path / "f.csv", [rows[0], twin, *rows[1:]]), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded" and batch.rows_duplicate == 0 and "dubbele" not in batch.message
    assert loaded() == (3, 8, 8)


@PATHS
def test_a_file_pasted_after_itself_loads_once(register, tmp_path, column_path, monkeypatch):
    from zicht.registry import fastpath, pipeline

    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 1)
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 600)  # the copy arrives in later blocks
    rows = politie_rows()
    batch = import_file(write(tmp_path / "f.csv", rows + rows), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded", batch.message
    assert loaded() == (3, 7, 7) and batch.rows_duplicate == 7
    assert (
        "7 dubbele regels overgeslagen (rij 9 = rij 2, rij 10 = rij 3, rij 11 = rij 4, rij 12 = rij 5, rij 13 = rij 6, …)" in batch.message
    )


# -- 3. encodings ---------------------------------------------------------------------------------

DUTCH = {"Vries": "Müller", "Jansen": "Çelik", "Berg": "Dijk-Hélène", "Amrani": "Öztürk"}


def dutch_rows() -> list[str]:
    rows = politie_rows()
    for old, new in DUTCH.items():
        rows = [r.replace(f";{old};", f";{new};") for r in rows]
    return rows


@PATHS
def test_a_cp1252_file_is_recognised_and_said(register, tmp_path, column_path):
    path = write(tmp_path / "excel.csv", dutch_rows(), encoding="cp1252")
    batch = import_file(path, "politie-bvh", column_path=column_path)
    assert batch.status == "loaded", batch.message
    assert "codering herkend: cp1252" in batch.message and batch.encoding == "cp1252"
    assert {p.achternaam for p in Person.objects.all()} >= {"Müller", "Çelik", "Dijk-Hélène", "Öztürk"}


@PATHS
@pytest.mark.parametrize("bom", [True, False])
def test_utf8_with_or_without_bom_is_read_as_is(register, tmp_path, column_path, bom):
    batch = import_file(write(tmp_path / "f.csv", dutch_rows(), bom=bom), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded" and "codering" not in batch.message and batch.encoding == ""
    assert "Müller" in {p.achternaam for p in Person.objects.all()}


@PATHS
def test_a_file_mixing_utf8_and_cp1252_is_refused_with_the_row(register, tmp_path, column_path):
    rows = dutch_rows()
    data = ("\r\n".join([HEADER, *rows[:4]]) + "\r\n").encode("utf-8") + ("\r\n".join(rows[4:]) + "\r\n").encode("cp1252")
    path = tmp_path / "gemengd.csv"
    path.write_bytes(data)
    batch = import_file(path, "politie-bvh", column_path=column_path)
    assert batch.status == "rejected"
    assert "rij 6 is geen UTF-8" in batch.message and "encoding" in batch.message, batch.message
    assert loaded() == (0, 0, 0)


def test_a_file_that_cannot_be_recognised_is_refused_with_a_hint(register, tmp_path):
    rows = politie_rows()
    rows[3] = rows[3].replace(";Lotte;", ";\x81\x8d\x8f\x90\x9d\x81\x8d;")  # bytes no Western encoding reads as text
    path = tmp_path / "f.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("latin-1"))
    batch = import_file(path, "politie-bvh")
    assert batch.status == "rejected"
    assert "rij 5" in batch.message and 'encoding = "cp1252"' in batch.message, batch.message


@PATHS
def test_a_declared_encoding_is_used_and_named_when_wrong(register, tmp_path, column_path):
    profile = dataclasses.replace(find_profile("politie-bvh"), encoding="utf-8", encoding_declared=True)
    batch = import_file(write(tmp_path / "f.csv", dutch_rows(), encoding="cp1252"), profile, column_path=column_path)
    assert batch.status == "rejected" and 'encoding = "utf-8"' in batch.message, batch.message
    profile = dataclasses.replace(profile, encoding="cp1252")
    batch = import_file(write(tmp_path / "g.csv", dutch_rows(), encoding="cp1252"), profile, column_path=column_path)
    assert batch.status == "loaded" and batch.encoding == "" and "codering" not in batch.message


@PATHS
def test_utf16_with_bom_is_recognised(register, tmp_path, column_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes(("\r\n".join([HEADER, *dutch_rows()]) + "\r\n").encode("utf-16"))  # with BOM, as Excel writes it
    batch = import_file(path, "politie-bvh", column_path=column_path)
    assert batch.status == "loaded", batch.message
    assert "codering herkend: utf-16" in batch.message and "Öztürk" in {p.achternaam for p in Person.objects.all()}


def test_an_interrupted_batch_does_not_count_as_loaded(register, tmp_path):
    path = write(tmp_path / "f.csv", politie_rows())
    first = import_file(path, "politie-bvh")
    ImportBatch.objects.filter(pk=first.pk).update(status="interrupted")
    ReportParty.objects.all().delete()
    Person.objects.all().delete()
    Report.objects.all().delete()
    again = import_file(path, "politie-bvh")
    assert again.status == "loaded" and again.reports_created == 3
