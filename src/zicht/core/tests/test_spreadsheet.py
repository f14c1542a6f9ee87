"""Issue 12 item 5: one defusing writer for every CSV/XLSX Zicht writes."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from zicht.core.spreadsheet import append_row, csv_writer, defuse_cell, new_workbook


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("https://evil")', '\'=HYPERLINK("https://evil")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Jansen", "Jansen"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (3.5, 3.5),
        (date(2024, 1, 2), date(2024, 1, 2)),
    ],
)
def test_defuse_cell(value, expected):
    assert defuse_cell(value) == expected


def test_csv_writer_defuses_every_cell():
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerows([["=1+1", "ok", -3], ["@x", None, "+y"]])
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows == [["'=1+1", "ok", "-3"], ["'@x", "", "'+y"]]


def test_xlsx_rows_are_text_not_formulas():
    wb = new_workbook()
    append_row(wb.active, ["=cmd|' /C calc'!A0", 7, "naam"])
    cells = list(wb.active.iter_rows(values_only=False))[0]
    assert [c.data_type for c in cells] == ["s", "n", "s"]
    assert cells[0].value.startswith("'=")


SRC = Path(__file__).resolve().parents[2]
# Files that may call csv.writer / openpyxl directly:
ALLOWED = {
    "core/spreadsheet.py",  # the writer itself
    "synth/generate.py",  # synthetic partner *input* files (imports must meet raw partner values, formulas included)
}
WRITER = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|import Workbook")


def test_no_csv_or_xlsx_writer_outside_the_defusing_module():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{rel}" or rel in ALLOWED or rel.startswith("bench/"):
            continue
        if WRITER.search(path.read_text("utf-8")):
            offenders.append(rel)
    assert offenders == []
