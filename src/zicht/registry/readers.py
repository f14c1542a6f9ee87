"""Reading partner files row by row, with clear errors for hostile or broken input.

Why a reader layer: the pipeline and the row checker must not care whether a row came
from a ';'-separated CSV with a BOM or from an XLSX sheet, and every way a file can be
broken (empty, binary, wrong encoding, NUL bytes, a 10 MB cell, a missing sheet) must end
as one sentence naming the file and row — never as a traceback.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Iterator

from .domain.profile import Profile

FIELD_SIZE_LIMIT = 131072  # characters per cell (csv module default, stated explicitly)


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
    if b"\x00" in head and not profile.encoding.lower().startswith("utf-16"):
        raise FileFormatError("bestand bevat binaire gegevens (NUL-tekens): geen CSV-tekstbestand", 1)
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    handle = path.open("r", encoding=profile.encoding, newline="")
    reader = csv.reader(handle, delimiter=profile.delimiter, quotechar=profile.quotechar, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise FileFormatError("bestand is leeg", 1) from None
    except UnicodeDecodeError:
        handle.close()
        raise FileFormatError(f"bestand is geen geldige tekst in codering {profile.encoding}", 1) from None
    except csv.Error as exc:
        handle.close()
        raise FileFormatError(_csv_reason(exc), 1) from None

    def rows():
        row = 1
        try:
            for cells in reader:
                row += 1
                if cells:
                    yield row, cells
        except UnicodeDecodeError:
            raise FileFormatError(f"bestand is geen geldige tekst in codering {profile.encoding}", row + 1) from None
        except csv.Error as exc:
            raise FileFormatError(_csv_reason(exc), row + 1) from None
        finally:
            handle.close()

    return header, rows()


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
