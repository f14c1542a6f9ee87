"""CsvRows.blocks and CsvRows.table_blocks (the column path's readers) give exactly the rows and
errors of row-by-row reading."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.registry.domain.profile import find_profile
from zicht.registry.readers import FileFormatError, TableBlock, TableRows, read_rows

HEADER = "Registratienummer;Pleegdatum;Rol\r\n"
# Reading mechanics under a declared UTF-8 (undeclared files are recognised: tests/test_file_robustness.py).
PROFILE = dataclasses.replace(find_profile("politie-bvh"), encoding="utf-8-sig", encoding_declared=True)
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
    ("quote after many rows", _rows(300) + 'PL2;14-03-2024;"Kind; of niet"\r\n' + _rows(3)),
    ("lone carriage returns", _rows(2).replace("\r\n", "\r") + _rows(2)),
    ("unix line ends", _rows(5).replace("\r\n", "\n")),
    ("blank line late", _rows(300) + "\r\n" + _rows(2)),
    ("ragged late", _rows(300) + "PL1;14-03-2024\r\n" + _rows(2)),
    ("whitespace and empty cells", " PL1 ; 14-03-2024 ;\r\n;;\r\n" + _rows(2)),
    ("non-ascii text", "PL1;14-03-2024;Slachtoffer é ß 💥\r\n" + _rows(2)),
    ("quoted cells (RFC 4180)", _rows(2) + 'PL3;"14-03-2024";"Kind; ""zus"""\r\n"";"";""\r\n' + _rows(2)),
    ("quote inside an unquoted cell", _rows(2) + 'PL3;14-03-2024;Ki"nd\r\n' + _rows(2)),
    ("text after a closing quote", _rows(2) + 'PL3;14-03-2024;"Ki"nd\r\n' + _rows(2)),
    ("space before an opening quote", _rows(2) + 'PL3;14-03-2024; "Kind"\r\n' + _rows(2)),
    ("quote left open at the end", _rows(2) + 'PL3;14-03-2024;"Kind'),
    ("quote left open over a line end", _rows(2) + 'PL3;14-03-2024;"Kind\r\nPL4;x;y"\r\n' + _rows(2)),
    ("closing quote doubled", _rows(2) + 'PL3;"x"";14-03-2024;Kind\r\n' + _rows(2)),
    ("quote after a cell's start", _rows(2) + 'PL3;14-03-2024;Ki";nd\r\n' + _rows(2)),
    ("text between quoted parts", _rows(2) + '"PL"3"x";14-03-2024;Kind\r\n' + _rows(2)),
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
    return list(read_rows(path, PROFILE)[1])


def _by_block(path, n):
    out = []
    for numbers, cells in read_rows(path, PROFILE)[1].blocks(n):
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


def _by_table(path, block_bytes, width):
    out, kinds = [], set()
    for block in read_rows(path, PROFILE)[1].table_blocks(width, block_bytes):
        if isinstance(block, TableBlock):
            kinds.add("table")
            out += list(zip(range(block.first, block.first + len(block)), TableRows(block.table).all()))
        else:
            kinds.add("rows")  # the csv module's rows, as they are: the checkers read ``width`` cells of them
            out += [(number, _width(cells, width)) for number, cells in zip(*block)]
    return out, kinds


def _width(cells: list, width: int) -> list:
    """What the row checker reads of a row: ``width`` cells, None past the end of a short row."""
    return list(cells[:width]) + [None] * (width - len(cells))


@pytest.mark.parametrize("name, text", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("block_bytes", [1, 40, 4096])
@pytest.mark.parametrize("width", [2, 3, 5])
def test_table_blocks_give_the_rows_and_row_numbers_of_iteration(tmp_path, name, text, block_bytes, width):
    path = _write(tmp_path, ("\ufeff" + HEADER + text).encode("utf-8"))
    expected = [(number, _width(cells, width)) for number, cells in _by_row(path)]
    got, kinds = _by_table(path, block_bytes, width)
    assert got == expected
    if name == "plain":
        assert kinds == {"table"}  # a plain file is parsed by pyarrow throughout


def test_table_blocks_hand_over_to_the_csv_module_at_the_first_doubtful_block(tmp_path):
    path = _write(tmp_path, (HEADER + _rows(300) + 'PL2;14-03-2024;"Ki\r\nnd"\r\n' + _rows(3)).encode())
    got, kinds = _by_table(path, 200, 3)
    assert kinds == {"table", "rows"} and got == [(number, _width(cells, 3)) for number, cells in _by_row(path)]


@pytest.mark.parametrize(
    "encoding, content, by_pyarrow",
    [
        ("cp1252", (HEADER + _rows(3)).encode("cp1252"), False),
        ("utf-8", ('"Registratie\r\nnummer";Pleegdatum;Rol\r\n' + _rows(3)).encode(), False),  # header over two lines
        ("utf-8", ('"Registratienummer";"Pleeg;datum";Rol\r\n' + _rows(3)).encode(), True),
    ],
)
def test_table_blocks_leave_other_encodings_and_multiline_headers_to_the_csv_module(tmp_path, encoding, content, by_pyarrow):
    profile = dataclasses.replace(find_profile("politie-bvh"), encoding=encoding, encoding_declared=True)
    path = _write(tmp_path, content)
    expected = [(number, _width(cells, 3)) for number, cells in read_rows(path, profile)[1]]
    blocks = list(read_rows(path, profile)[1].table_blocks(3, 4096))
    assert any(isinstance(b, TableBlock) for b in blocks) == by_pyarrow
    got = []
    for block in blocks:
        if isinstance(block, TableBlock):
            got += list(zip(range(block.first, block.first + len(block)), TableRows(block.table).all()))
        else:
            got += [(number, _width(cells, 3)) for number, cells in zip(*block)]
    assert got == expected


@pytest.mark.parametrize("name, content", ERRORS, ids=[c[0] for c in ERRORS])
@pytest.mark.parametrize("block_bytes", [1, 4096, 2**20])
def test_table_blocks_fail_with_the_reason_and_row_of_iteration(tmp_path, name, content, block_bytes):
    path = _write(tmp_path, content)
    with pytest.raises(FileFormatError) as by_row:
        _by_row(path)
    with pytest.raises(FileFormatError) as by_table:
        _by_table(path, block_bytes, 3)
    assert str(by_table.value) == str(by_row.value)
    if name == "bad encoding after many rows":
        # The csv module decodes ahead and names a row a little before the bad byte (4000);
        # pyarrow's lines are counted, and name the row itself.
        assert (by_row.value.row, by_table.value.row) == (4000, 4002)
    else:
        assert by_table.value.row == by_row.value.row


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.text(alphabet=["a", "é", ";", '"', "\r", "\n", " ", "1"], max_size=120),
    block_bytes=st.sampled_from([1, 7, 64, 4096]),
    width=st.integers(1, 4),
)
def test_table_blocks_agree_with_the_csv_module_on_any_text(tmp_path_factory, body, block_bytes, width):
    """Whatever the text — quotes open, doubled, stray; line ends of every kind; blank lines —
    pyarrow's blocks and the csv module's give the same rows, row numbers and errors."""
    path = tmp_path_factory.mktemp("any") / "f.csv"
    path.write_bytes((HEADER + body).encode("utf-8"))
    try:
        expected = [(number, _width(cells, width)) for number, cells in _by_row(path)]
    except FileFormatError as exc:
        with pytest.raises(FileFormatError) as by_table:
            _by_table(path, block_bytes, width)
        assert (str(by_table.value), by_table.value.row) == (str(exc), exc.row)
        return
    assert _by_table(path, block_bytes, width)[0] == expected


def test_a_line_longer_than_the_line_limit_goes_to_the_csv_module(tmp_path, monkeypatch):
    from zicht.registry import readers

    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 10)
    path = _write(tmp_path, (HEADER + _rows(3) + "PL9;14-03-2024;" + "x" * 100 + "\r\n" + _rows(2)).encode())
    got, kinds = _by_table(path, 40, 3)
    assert "rows" in kinds and got == [(number, _width(cells, 3)) for number, cells in _by_row(path)]
