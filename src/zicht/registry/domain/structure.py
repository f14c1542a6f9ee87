"""The structure of a CSV row: as many cells as the header, and quotes that close.

Why here and not in the row checker: a row with a cell too many or too few is not a row
with a wrong value but a broken file — a line cut off in transfer, a delimiter inside an
unquoted cell, or a quote that opens and never closes, after which the csv module reads
the following lines into one cell (it then surfaced as "registratienummer te lang").
The reader applies these rules to every row, on both import paths, before any field is
checked. Messages name rows, counts and column names, never cell values.
"""

from __future__ import annotations


def structure_problem(cells: list, header: list, row: int, delimiter: str = ";", quote: str = '"') -> str | None:
    """Why ``cells`` (row ``row``) is not a row of a file with this header, or None.

    When the row has the wrong number of cells and a cell holds a line break (only a quoted cell
    can), or the row has too few and a cell holds the delimiter or a stray quote, a quote opened
    in that row did not close where it should have and the csv module read on into the cells or
    lines after it: that is named, with the row and the column where the quote opened."""
    width = len(header)
    if len(cells) == width:
        return None
    texts = [(i, c) for i, c in enumerate(cells) if isinstance(c, str)]
    swallowed = next((i for i, c in texts if "\n" in c or "\r" in c), None)
    if swallowed is None and len(cells) < width:  # a quote that closed on the same line took cells with it
        swallowed = next((i for i, c in texts if delimiter and delimiter in c), None)
        if swallowed is None and quote:
            swallowed = next((i for i, c in texts if quote in c), None)
    if swallowed is not None:
        return (
            f"rij {row}: een aanhalingsteken ({quote}) in kolom {_column_name(header, swallowed)} wordt geopend maar niet "
            f"(op de juiste plaats) gesloten, zodat de cellen of regels erna in die cel zijn gelezen "
            f"(rij {row} heeft daardoor {len(cells)} velden, de kopregel {width})"
        )
    return f"rij {row} heeft {len(cells)} velden, de kopregel {width}"


def _column_name(header: list, i: int) -> str:
    if i < len(header):
        name = str(header[i] or "").replace("\ufeff", "").strip()
        if name:
            return f"'{name[:60]}'"
    return str(i + 1)


def ends_in_open_quote(line: str, delimiter: str, quote: str) -> bool:
    """Whether one line, read as the csv module reads it (non-strict), ends inside a quoted cell.

    States: at the start of a cell, in an unquoted cell, in a quoted cell, just after a quote
    in a quoted cell (a second quote is an escaped quote, a delimiter ends the cell, any other
    character continues the cell unquoted, as the csv module does without ``strict``)."""
    start, plain, quoted, after_quote = 0, 1, 2, 3
    state = start
    for ch in line:
        if state == start:
            state = quoted if ch == quote else start if ch == delimiter else plain
        elif state == plain:
            if ch == delimiter:
                state = start
        elif state == quoted:
            if ch == quote:
                state = after_quote
        elif ch == quote:
            state = quoted
        else:
            state = start if ch == delimiter else plain
    return state == quoted
