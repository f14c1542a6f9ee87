"""CsvRows.blocks (the column path's reader) gives exactly the rows and errors of row-by-row reading."""

from __future__ import annotations

import pytest

from zicht.registry.domain.profile import find_profile
from zicht.registry.readers import FileFormatError, read_rows

HEADER = "Registratienummer;Pleegdatum;Rol\r\n"
ROW = "PL{n};14-03-2024;Slachtoffer\r\n"


def _rows(count: int) -> str:
    return "".join(ROW.format(n=n) for n in range(count))


CASES = [
    ("plain", _rows(7)),
    ("blank lines count as rows", ROW.format(n=1) + "\r\n\r\n" + _rows(3) + "\r\n"),
    ("only blank lines in a block", "\r\n" * 5 + _rows(2)),
    ("quoted cell over two lines", ROW.format(n=1) + 'PL2;14-03-2024;"Slacht\r\noffer"\r\n' + _rows(3)),
    ("short and long rows", "PL1;14-03-2024\r\n" + _rows(2) + "PL9;14-03-2024;Kind;extra;cells\r\n"),
    ("no line end at the end", _rows(3) + "PL9;14-03-2024;Kind"),
]
ERRORS = [
    ("bad encoding after many rows", (HEADER + _rows(4000)).encode("utf-8") + b"PL;\xe9;x\r\n" + _rows(5).encode()),
    ("cell above the size limit", (HEADER + _rows(5) + "PL;" + "A" * 200_000 + "\r\n" + _rows(2)).encode()),
]


def _write(tmp_path, content: bytes):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    return path


def _by_row(path):
    return list(read_rows(path, find_profile("politie-bvh"))[1])


def _by_block(path, n):
    out = []
    for numbers, cells in read_rows(path, find_profile("politie-bvh"))[1].blocks(n):
        assert numbers and len(numbers) == len(cells)
        out += list(zip(numbers, cells))
    return out


@pytest.mark.parametrize("name, text", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("n", [1, 2, 3, 1000])
def test_blocks_give_the_rows_and_row_numbers_of_iteration(tmp_path, name, text, n):
    path = _write(tmp_path, (HEADER + text).encode("utf-8"))
    expected = _by_row(path)
    assert expected and _by_block(path, n) == expected


@pytest.mark.parametrize("name, content", ERRORS, ids=[c[0] for c in ERRORS])
@pytest.mark.parametrize("n", [1, 7, 1000, 100_000])
def test_blocks_fail_with_the_reason_and_row_of_iteration(tmp_path, name, content, n):
    path = _write(tmp_path, content)
    with pytest.raises(FileFormatError) as by_row:
        _by_row(path)
    with pytest.raises(FileFormatError) as by_block:
        _by_block(path, n)
    assert (str(by_block.value), by_block.value.row) == (str(by_row.value), by_row.value.row)
    assert by_row.value.row > 2
