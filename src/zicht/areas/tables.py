"""Figure tables: one structure for the HTML table, the chart, the CSV/XLSX export and the PDF.

Every number in a ``FigureTable`` is a ``disclosure.Cell`` — registry counts come from
``control_table``/``control_series``; CBS open data (already published, and disclosure-
controlled by CBS itself) comes through ``cbs_cell`` so it carries its source as reason.
Pure Python (openpyxl for XLSX); of Django only its translation: the labels these builders add
("Totaal", "Aandeel", a CBS cell's reason) are in the active language, like the titles and
headers the callers give (issue 18). Ids and row codes are never translated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_lazy

from zicht.core.spreadsheet import append_row, csv_writer, defuse_cell, new_workbook

from .disclosure import OK, Cell, ControlledSeries, ControlledTable, missing_cell


@dataclass
class FigureRow:
    label: str
    cells: list[Cell]
    total: Cell | None = None
    url: str | None = None
    code: str = ""


@dataclass
class FigureTable:
    id: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[FigureRow]
    totals: FigureRow | None = None
    total_header: str = gettext_lazy("Totaal")
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def has_totals_column(self) -> bool:
        return any(r.total is not None for r in self.rows)

    def header(self) -> list[str]:
        return [self.row_header, *self.columns] + ([str(self.total_header)] if self.has_totals_column else [])

    def body(self) -> list[FigureRow]:
        return self.rows + ([self.totals] if self.totals else [])

    def all_cells(self):
        for row in self.body():
            yield from row.cells
            if row.total is not None:
                yield row.total


def _num(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def cbs_cell(value: float | None, unit: str = "", source: str = "CBS", decimals: int = 1) -> Cell:
    """A CBS key figure as a Cell: open data with its source as the reason; missing stays missing."""
    if value is None:
        return missing_cell(gettext("%(source)s: geen waarde (onbekend, onvoldoende betrouwbaar of geheim).") % {"source": source}, "cbs")
    if unit in ("aantal", "klasse") or float(value).is_integer() and unit not in ("%",):
        display = _num(value, 0)
    else:
        display = _num(value, decimals)
    if unit == "%":
        display += "%"
    return Cell(value, OK, gettext("Bron: %(source)s (open data).") % {"source": source}, display, "cbs")


def set_grid(table: FigureTable, base: dict, rows: list[dict | None], cols: list[dict | None]) -> FigureTable:
    """Record what each count in ``table`` counts, for ``zicht disclosure-audit``.

    A filter is a dict over ``year``/``month``, ``gemeente``/``wijk``/``buurt`` and one breakdown
    (``bron``, ``aard``, ...). The cell in row i, column j counts ``base | rows[i] | cols[j]``; a
    row's total ``base | rows[i]``, the totals row ``base | cols[j]`` and its total ``base``.
    ``None`` marks a row or column that holds no registry count (CBS figures, rates, shares).
    """
    table.extra["grid"] = {"base": dict(base), "rows": list(rows), "cols": list(cols)}
    return table


def from_controlled_table(
    table_id: str,
    title: str,
    row_header: str,
    controlled: ControlledTable,
    row_labels: dict,
    col_labels: dict,
    row_urls: dict | None = None,
    note: str = "",
    dims: tuple[dict, str, str] | None = None,
) -> FigureTable:
    """``dims=(base filter, row dimension, column dimension)`` records what the cells count."""
    rows = [
        FigureRow(str(row_labels.get(key, key)), cells, total, (row_urls or {}).get(key), str(key))
        for key, cells, total in controlled.rows()
    ]
    totals = FigureRow(gettext("Totaal"), controlled.totals_row(), controlled.total)
    fig = FigureTable(table_id, title, row_header, [str(col_labels.get(c, c)) for c in controlled.col_keys], rows, totals, note=note)
    if dims is not None:
        base, row_dim, col_dim = dims
        set_grid(fig, base, [{row_dim: k} for k in controlled.row_keys], [{col_dim: c} for c in controlled.col_keys])
    return fig


def from_series(
    table_id: str,
    title: str,
    row_header: str,
    series: ControlledSeries,
    labels: dict,
    value_header: str = "",
    with_share: bool = True,
    note: str = "",
    dims: tuple[dict, str] | None = None,
) -> FigureTable:
    """``dims=(base filter, dimension of the keys)`` records what the cells count."""
    value_header = value_header or gettext("Aantal")
    rows = []
    for key, cell in series.items():
        cells = [cell] + ([series.share(key)] if with_share else [])
        rows.append(FigureRow(str(labels.get(key, key)), cells, code=str(key)))
    totals = FigureRow(gettext("Totaal"), [series.total] + ([series.share_total()] if with_share else []))
    columns = [value_header] + ([gettext("Aandeel")] if with_share else [])
    fig = FigureTable(table_id, title, row_header, columns, rows, totals, note=note)
    if dims is not None:
        base, dim = dims
        set_grid(fig, base, [{dim: k} for k in series.keys], [{}] + ([None] if with_share else []))
    return fig


def escape_formula(text: str) -> str:
    """Prefix a quote so spreadsheets do not execute cells starting with = + - @ (CSV injection).
    The rule lives in zicht.core.spreadsheet."""
    return defuse_cell(text)


def _cell_text(cell: Cell) -> str:
    return cell.display


def to_csv(table: FigureTable, source_note: str = "") -> str:
    """Semicolon CSV (Dutch Excel default) with display values and one status column per figure row."""
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([table.title])
    writer.writerow(table.header())
    for row in table.body():
        values = [_cell_text(c) for c in row.cells] + ([_cell_text(row.total)] if row.total is not None else [])
        writer.writerow([row.label, *values])
    writer.writerow([])
    for line in filter(None, [table.note, source_note]):
        writer.writerow([line])
    return out.getvalue()


def to_xlsx(tables: list[FigureTable], source_note: str = "") -> bytes:
    """One sheet per table; published numbers as numbers, suppressed marks as text with a comment."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = new_workbook()
    wb.remove(wb.active)
    used = set()
    for table in tables:
        name = (table.id or "tabel")[:31]
        while name in used:
            name = name[:28] + str(len(used))
        used.add(name)
        ws = wb.create_sheet(name)
        append_row(ws, [table.title])
        ws["A1"].font = Font(bold=True)
        append_row(ws, table.header())
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in table.body():
            cells = row.cells + ([row.total] if row.total is not None else [])
            values = [row.label]
            values += [c.value if c.value is not None else c.display for c in cells]
            append_row(ws, values)
            for offset, c in enumerate(cells, start=2):
                if c.status != OK:
                    ws.cell(row=ws.max_row, column=offset).comment = Comment(c.reason, "Zicht")
        append_row(ws, [])
        for line in filter(None, [table.note, source_note]):
            append_row(ws, [line])
        ws.column_dimensions["A"].width = 34
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
