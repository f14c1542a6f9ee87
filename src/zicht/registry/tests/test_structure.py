"""The structure rules of a CSV row (domain.structure) and the duplicate-line keys (domain.duplicates), as tables."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.registry.domain.duplicates import DuplicateLines, column_keys, line_key
from zicht.registry.domain.structure import ends_in_open_quote, structure_problem

HEADER = ["Registratienummer", "Pleegdatum", "Rol"]


@pytest.mark.parametrize(
    "cells, problem",
    [
        (["PL1", "14-03-2024", "Kind"], None),
        (["PL1", "14-03-2024\r\nnog een regel", "Kind"], None),  # a quoted multi-line cell in a whole row
        (["PL1", "14-03-2024"], "rij 9 heeft 2 velden, de kopregel 3"),
        (["PL1", "14-03-2024", "Kind", ""], "rij 9 heeft 4 velden, de kopregel 3"),
        (["PL1", "14-03-2024;Kind\r\nPL2;15-03-2024;Kind\r\n"], "kolom 'Pleegdatum' wordt geopend maar niet"),
        (["PL1;14-03-2024;Kind x", "y"], "kolom 'Registratienummer' wordt geopend maar niet"),  # closed on the same line
        (["PL1", 'Kin"d'], "kolom 'Pleegdatum' wordt geopend maar niet"),  # too few, a stray quote
        (["PL1", "a;b", "c", "d"], "rij 9 heeft 4 velden, de kopregel 3"),  # too many: a quoted delimiter is fine
    ],
)
def test_structure_problem(cells, problem):
    found = structure_problem(cells, HEADER, 9, ";", '"')
    if problem is None:
        assert found is None
    else:
        assert problem in found and "rij 9" in found


@pytest.mark.parametrize(
    "line, open_",
    [
        ("PL1;14-03-2024;Kind", False),
        ('PL1;14-03-2024;"Kind', True),
        ('PL1;14-03-2024;"Kind; of niet"', False),
        ('PL1;"x"";y', True),  # a doubled quote inside a quoted cell: still open
        ('PL1;"x""";y', False),
        ('PL1;Ki"nd', False),  # a quote inside an unquoted cell is text
        ('PL1;"Ki"nd;"open', True),  # text after a closing quote continues the cell unquoted
        ('"', True),
        ("", False),
    ],
)
def test_ends_in_open_quote(line, open_):
    assert ends_in_open_quote(line, ";", '"') is open_


def test_column_keys_are_the_line_keys_and_duplicates_name_the_first_line():
    rows = [["PL1", "a", "x"], ["PL1", "b", "x"], ["PL1", "a", "x"], ["PL2", "a", "x"], ["PL1", "a", "x "]]
    columns = []
    for i in range(3):
        values = list(dict.fromkeys(r[i] for r in rows))
        columns.append((values, np.array([values.index(r[i]) for r in rows])))
    keys = column_keys(columns, len(rows))
    assert keys.tolist() == [line_key(r) for r in rows]
    seen = DuplicateLines()
    assert seen.first_rows(keys[:2], [2, 3]).tolist() == [0, 0]
    assert seen.first_rows(keys[2:], [4, 5, 6]).tolist() == [2, 0, 0]  # row 4 repeats row 2; a space makes row 6 another line
    assert seen.first_row(line_key(rows[1]), 7) == 3  # the row path asks one line at a time, against the same store
    assert seen.summary() == "2 dubbele regels overgeslagen (rij 4 = rij 2, rij 7 = rij 3)"
