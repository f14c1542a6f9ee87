"""Reading partner files row by row, with clear errors for hostile or broken input.

Why a reader layer: the pipeline and the row checker must not care whether a row came
from a ';'-separated CSV with a BOM or from an XLSX sheet, and every way a file can be
broken (empty, binary, wrong encoding, NUL bytes, a 10 MB cell, a missing sheet) must end
as one sentence naming the file and row — never as a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .domain.profile import Profile
from .domain.structure import ends_in_open_quote, structure_problem
from .encodings import choose_encoding

FIELD_SIZE_LIMIT = 131072  # characters per cell (csv module default, stated explicitly)
TABLE_BLOCK_BYTES = 8 * 2**20  # bytes parsed at a time by pyarrow (then cut at a line end)
MAX_LINE_BYTES = 16 * 2**20  # a longer line goes to the csv module (and its field limit)
TAIL_BYTES = 4 * FIELD_SIZE_LIMIT + 16  # bytes read from the end for the last line (a cell at the limit, in UTF-8)


class FileFormatError(ValueError):
    """The file cannot be read with this profile. ``row`` is the spreadsheet row (header = 1)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


def read_rows(path: Path, profile: Profile) -> tuple[list, Iterator[tuple[int, list]]]:
    """(header cells, iterator of (row number, cells)); the header is row 1, data starts at 2."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise FileFormatError("bestand niet gevonden of niet leesbaar") from None
    if size == 0:
        raise FileFormatError("bestand is leeg", 1)
    if profile.file_type == "xlsx":
        return _read_xlsx(path, profile)
    return _read_csv(path, profile)


def _read_csv(path: Path, profile: Profile):
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04"):
        raise FileFormatError(f"dit is een Excel- of zip-bestand, maar profiel '{profile.name}' verwacht CSV", 1)
    declared = profile.encoding if profile.encoding_declared else None
    utf16 = (declared or "").lower().replace("_", "-").startswith("utf-16") or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in head and not utf16:
        raise FileFormatError("bestand bevat binaire gegevens (NUL-tekens): geen CSV-tekstbestand", 1)
    choice = choose_encoding(path, declared)
    if choice.refusal:
        raise FileFormatError(choice.refusal, choice.row)
    encoding = choice.encoding
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    handle = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(handle, delimiter=profile.delimiter, quotechar=profile.quotechar, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise FileFormatError("bestand is leeg", 1) from None
    except UnicodeDecodeError:
        handle.close()
        raise FileFormatError(_decode_reason(encoding, profile), 1) from None
    except csv.Error as exc:
        handle.close()
        raise FileFormatError(_csv_reason(exc), 1) from None

    rows = CsvRows(handle, reader, encoding, path=path, profile=profile, header=header)
    rows.detected_encoding = choice.encoding if choice.detected else None
    return header, rows


class CsvRows:
    """The data rows of a CSV file: iterating gives (row number, cells); ``blocks(n)`` gives the
    same rows n at a time as (numbers, cells) lists, for the column path.

    Why both: the row path wants one row at a time; for the column path a generator step per
    row cost ≈ 0.3 µs of the read, while ``list.extend(islice(reader, n))`` moves the csv
    reader's rows into a list without one. Row numbers and error rows are the same either way
    (blank lines count as rows and are skipped; an error names the row after the last one read).
    """

    def __init__(
        self, handle, reader, encoding: str, *, path: Path | None = None, profile: Profile | None = None, header: list | None = None
    ):
        self.handle, self.reader, self.encoding = handle, reader, encoding
        self.path, self.profile, self.header = path, profile, header
        self.row = 1  # spreadsheet number of the last row read (header = 1)
        self.detected_encoding: str | None = None  # set by _read_csv when the encoding was recognised
        # Structure (``check_structure``): off for plain reading, on in the pipeline.
        self.structure = False
        self.on_broken = None  # None: a broken row refuses the file; else called with (row, reason) and the row is left out

    def check_structure(self, on_broken=None) -> None:
        """From here on a row with more or fewer cells than the header is a structural error
        (``domain.structure``): it refuses the file (FileFormatError naming the row and both
        counts, or the row where an unclosed quote opened), or, with ``on_broken``, it is
        reported there and left out. Blank lines stay blank rows (skipped)."""
        self.structure = True
        self.on_broken = on_broken

    def _error(self, exc: Exception, row: int) -> FileFormatError:
        if isinstance(exc, UnicodeDecodeError):
            return FileFormatError(_decode_reason(self.encoding, self.profile), row)
        if self.structure and "field larger than field limit" in str(exc):
            return FileFormatError(
                f'rij {row}: een cel is groter dan {FIELD_SIZE_LIMIT} tekens; meestal opent daar een aanhalingsteken (") '
                "dat niet wordt gesloten",
                row,
            )
        return FileFormatError(_csv_reason(exc), row)

    def _broken(self, row: int, reason: str) -> None:
        if self.on_broken is None:
            raise FileFormatError(reason, row)
        self.on_broken(row, reason)

    def _structured(self, numbers: list[int], chunk: list[list], last: bool) -> tuple[list[int], list[list]]:
        """The rows of a chunk whose cell count is the header's (others refused or reported)."""
        width = len(self.header)
        if all(map(width.__eq__, map(len, chunk))) and not last:
            return numbers, chunk
        kept_numbers, kept = [], []
        for number, cells in zip(numbers, chunk):
            problem = structure_problem(cells, self.header, number, self.profile.delimiter, self.profile.quotechar)
            if problem:
                self._broken(number, problem)
            else:
                kept_numbers.append(number)
                kept.append(cells)
        if last and kept_numbers and kept_numbers[-1] == numbers[-1] and self._ends_in_open_quote():
            row = kept_numbers.pop()
            kept.pop()
            self._broken(row, f'rij {row}: een aanhalingsteken (") wordt geopend maar niet gesloten voor het einde van het bestand')
        return kept_numbers, kept

    def _ends_in_open_quote(self) -> bool:
        """Whether the file's last non-blank line ends inside a quoted cell (the file was cut off there).

        Only the last line is looked at: the last row is exactly that line when none of its cells
        holds a line break; a quote that runs on over line ends shows as a wrong number of cells."""
        quote = self.profile.quotechar if self.profile else '"'
        if self.path is None or not quote or codecs.lookup(self.encoding).name.startswith("utf-16"):
            return False
        size = self.path.stat().st_size
        with self.path.open("rb") as fh:
            fh.seek(max(0, size - TAIL_BYTES))
            tail = fh.read()
        line = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
        if len(line) >= TAIL_BYTES - 1:
            return False  # a very long last line: left to the cell-count check
        text = line.decode(self.encoding, "replace")
        return ends_in_open_quote(text, self.profile.delimiter if self.profile else ",", quote)

    def __iter__(self) -> Iterator[tuple[int, list]]:
        # One row of look-ahead when the structure is checked: the last row may end in an open quote.
        held = None
        try:
            for cells in self.reader:
                self.row += 1
                if not cells:
                    continue
                if not self.structure:
                    yield self.row, cells
                    continue
                if held is not None:
                    yield held
                numbers, kept = self._structured([self.row], [cells], last=False)
                held = (numbers[0], kept[0]) if kept else None
            if held is not None:
                numbers, kept = self._structured([held[0]], [held[1]], last=True)
                if kept:
                    yield numbers[0], kept[0]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise self._error(exc, self.row + 1) from None
        finally:
            self.handle.close()

    def blocks(self, n: int) -> Iterator[tuple[list[int], list[list]]]:
        held = None  # one block of look-ahead (the structure check looks at the file's last row)
        try:
            while True:
                chunk: list = []
                try:
                    chunk.extend(islice(self.reader, n))  # rows read before an error stay in chunk
                except (UnicodeDecodeError, csv.Error) as exc:
                    raise self._error(exc, self.row + len(chunk) + 1) from None
                if not chunk:
                    break
                start = self.row + 1
                self.row += len(chunk)
                if all(chunk):
                    block = list(range(start, start + len(chunk))), chunk
                else:
                    kept = [(number, cells) for number, cells in enumerate(chunk, start) if cells]
                    if not kept:
                        continue
                    block = [number for number, _ in kept], [cells for _, cells in kept]
                if not self.structure:
                    yield block
                    continue
                if held is not None:
                    yield held
                held = self._structured(*block, last=False)
            if held is not None:
                numbers, cells = self._structured(*held, last=True) if held[0] else held
                if numbers:
                    yield numbers, cells
        finally:
            self.handle.close()

    # -- pyarrow blocks -----------------------------------------------------------------------
    def table_blocks(self, width: int, block_bytes: int | None = None):
        """The same rows as ``blocks``, but parsed by pyarrow into tables while the file allows it.

        Why: the csv module makes one Python string per cell (≈ 2.4 µs a row for a politie
        export); pyarrow parses the same bytes in C and hands each column over as distinct
        values plus indices (``dictionary_encode``), which is what the column checker works on.
        Only text whose meaning is beyond doubt takes this way: UTF-8, one-byte delimiter, a
        header that is its first line, and per block no NUL, no lone carriage return, no blank
        line, one row per line (no quoted cell running on over a line end), the same number of
        cells on every line, valid UTF-8 and no cell over the field limit. Quoting within a line
        is read by pyarrow as by the csv module (``tests/test_readers.py`` holds them to it for
        doubled, stray and unclosed quotes, and for any text with hypothesis). At the first block
        that is not so, the rest of the file is read by the csv module from that block's first
        byte on, with the same row numbers — so multi-line cells, errors and their row numbers
        stay the csv module's.

        Yields ``TableBlock`` (tables of exactly ``width`` string columns: cells past it are never
        read, missing ones are null like the cells of a short row) and then, if it fell back,
        the ``(numbers, cells)`` blocks of ``blocks``.
        """
        block_bytes = block_bytes or TABLE_BLOCK_BYTES
        if self.structure:
            width = len(self.header)  # every row has the header's cells: keep them all (duplicate lines compare whole rows)
        start = self._data_offset()
        if start is None:
            yield from self.blocks(_rows_for(block_bytes))
            return
        self.handle.close()
        raw = self.path.open("rb")
        try:
            raw.seek(start)
            while True:
                offset = raw.tell()
                data = raw.read(block_bytes)
                if not data:
                    return
                if not data.endswith(b"\n"):
                    data += raw.readline(MAX_LINE_BYTES)
                whole_lines = data.endswith(b"\n") or not raw.read(1)  # else a line longer than MAX_LINE_BYTES
                table = _parse_block(data, self.profile, width) if whole_lines else None
                if table is not None and self.structure and not self._plain_structure(data, raw):
                    table = None  # a row of another width, or a quote left open at the end: the csv module reports it
                quote = self.profile.quotechar
                if table is None and whole_lines and _plain_lines(data) and not (quote and quote.encode() in data):
                    self._raise_if_not_utf8(data)
                if table is None:  # from here on the csv module decides
                    raw.seek(offset)
                    self.handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                    self.reader = csv.reader(self.handle, delimiter=self.profile.delimiter, quotechar=self.profile.quotechar, strict=False)
                    raw = None
                    yield from self.blocks(_rows_for(block_bytes))
                    return
                first = self.row + 1
                self.row += table.num_rows
                yield TableBlock(first, table)
        finally:
            if raw is not None:
                raw.close()

    def _plain_structure(self, data: bytes, raw) -> bool:
        """A block pyarrow parsed (one row per line, as many cells on every line) has the header's
        cell count, and, if it is the file's last, does not end inside an open quote."""
        first = data[: data.find(b"\n")] if b"\n" in data else data
        cells = _cells(first.removesuffix(b"\r").decode("utf-8", "replace"), self.profile)
        if cells is None or len(cells) != len(self.header):
            return False
        position = raw.tell()
        at_end = not raw.read(1)
        raw.seek(position)
        if not at_end or not self.profile.quotechar:
            return True
        line = data.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
        return not ends_in_open_quote(line.decode("utf-8", "replace"), self.profile.delimiter, self.profile.quotechar)

    def _raise_if_not_utf8(self, data: bytes) -> None:
        """The exact row of the first byte that is not UTF-8 (the lines are plain: one row each)."""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            row = self.row + 1 + data.count(b"\n", 0, exc.start)
            raise FileFormatError(_decode_reason(self.encoding, self.profile), row) from None

    def _data_offset(self) -> int | None:
        """Byte offset of the first data row, or None when this file is not for pyarrow at all."""
        profile = self.profile
        if (
            profile is None
            or self.row != 1
            or codecs.lookup(self.encoding).name not in ("utf-8", "utf-8-sig")
            or len(profile.delimiter) != 1
            or not profile.delimiter.isascii()
        ):
            return None
        with self.path.open("rb") as fh:
            line = fh.readline(FIELD_SIZE_LIMIT)
        if not line.endswith(b"\n"):
            return None
        try:
            text = line.decode(self.encoding)
        except UnicodeDecodeError:
            return None
        body = text[:-2] if text.endswith("\r\n") else text[:-1]
        # The header is the first line exactly when that line alone parses to it (a header that
        # runs on over a quoted line end does not).
        if "\r" in body or _cells(body, profile) != self.header:
            return None
        return len(line)


@dataclass
class TableBlock:
    """Rows ``first`` … ``first + len - 1`` of a file as a pyarrow table of string columns."""

    first: int
    table: object  # pyarrow.Table

    def __len__(self) -> int:
        return self.table.num_rows

    def numbers(self) -> list[int]:
        return list(range(self.first, self.first + self.table.num_rows))


class TableRows:
    """The rows of a table as lists of cells, built on first use (only rows that are not clean are read)."""

    def __init__(self, table):
        self.table = table
        self._rows: list[list] | None = None

    def all(self) -> list[list]:
        if self._rows is None:
            self._rows = [list(r) for r in zip(*(c.to_pylist() for c in self.table.columns))]
        return self._rows

    def __getitem__(self, i: int) -> list:
        return self.all()[i]

    def __len__(self) -> int:
        return self.table.num_rows


def _rows_for(block_bytes: int) -> int:
    return max(1000, block_bytes // 200)


def _cells(line: str, profile: Profile) -> list[str] | None:
    """One line split by the csv module with the profile's dialect (None if it cannot: the csv
    module will say why when it reads the file)."""
    try:
        return next(csv.reader([line], delimiter=profile.delimiter, quotechar=profile.quotechar, strict=False), [])
    except csv.Error:
        return None


def _plain_lines(data: bytes) -> bool:
    """No NUL, no lone CR, no blank line: each line is one row, unless a quoted cell runs on."""
    return not (
        b"\x00" in data
        or data.count(b"\r") != data.count(b"\r\n")
        or data.startswith((b"\n", b"\r\n"))
        or b"\n\n" in data
        or b"\n\r\n" in data
    )


def _parse_block(data: bytes, profile: Profile, width: int):
    """``data`` (whole lines) as a table of ``width`` string columns, or None if the csv module must decide."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    if not _plain_lines(data):
        return None
    first_line = data[: data.find(b"\n")] if b"\n" in data else data
    first_cells = _cells(first_line.removesuffix(b"\r").decode("utf-8", "replace"), profile)
    if first_cells is None:
        return None
    cells = len(first_cells)
    names = [f"c{i}" for i in range(cells)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            # One chunk: pyarrow then follows quotes across the whole block, as the csv module does.
            read_options=pacsv.ReadOptions(column_names=names, block_size=len(data) + 1),
            parse_options=pacsv.ParseOptions(
                delimiter=profile.delimiter,
                quote_char=profile.quotechar or False,
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != data.count(b"\n") + (not data.endswith(b"\n")):
        return None  # a quoted cell ran on over a line end: the csv module numbers such rows
    quote = profile.quotechar
    # A quote still open where the block was cut (at a line end) runs on in the csv module.
    if quote and quote.encode() in data and any(pc.any(pc.match_substring(column, "\n")).as_py() for column in table.columns):
        return None
    if len(data) > FIELD_SIZE_LIMIT and any((pc.max(pc.binary_length(column)).as_py() or 0) > FIELD_SIZE_LIMIT for column in table.columns):
        return None
    if cells >= width:
        return table.select(list(range(width))).rename_columns([f"c{i}" for i in range(width)])
    missing = [pa.nulls(table.num_rows, pa.string()) for _ in range(width - cells)]
    return pa.Table.from_arrays([*table.columns, *missing], names=[f"c{i}" for i in range(width)])


def _decode_reason(encoding: str, profile: Profile | None) -> str:
    """Why the text could not be read, with what to do about it."""
    if profile is not None and profile.encoding_declared:
        return f'bestand is geen geldige tekst in codering {encoding} (zo staat in het profiel: encoding = "{profile.encoding}")'
    return (
        f"bestand is geen geldige tekst in codering {encoding}; "
        'zet de codering van de partner in het importprofiel (bijv. encoding = "cp1252")'
    )


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"een cel is groter dan {FIELD_SIZE_LIMIT} tekens: geen geldige partnerexport"
    if "NUL" in text or "null byte" in text:
        return "bestand bevat binaire gegevens (NUL-tekens)"
    return "CSV-structuur onleesbaar (aanhalingstekens of regeleinden kloppen niet)"


def _read_xlsx(path: Path, profile: Profile):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError):
        raise FileFormatError(f"geen geldig xlsx-bestand (profiel '{profile.name}' verwacht Excel)", 1) from None
    sheet_name = profile.sheet or workbook.sheetnames[0]
    if sheet_name not in workbook.sheetnames:
        names = ", ".join(workbook.sheetnames)
        workbook.close()
        raise FileFormatError(f"werkblad '{sheet_name}' ontbreekt (wel aanwezig: {names})", None)
    sheet = workbook[sheet_name]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = list(next(iterator))
    except StopIteration:
        workbook.close()
        raise FileFormatError(f"werkblad '{sheet_name}' is leeg", 1) from None

    def rows():
        try:
            for row, cells in enumerate(iterator, start=2):
                if any(c is not None and c != "" for c in cells):
                    yield row, list(cells)
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError):
            raise FileFormatError("xlsx-bestand is beschadigd", None) from None
        finally:
            workbook.close()

    return header, rows()
