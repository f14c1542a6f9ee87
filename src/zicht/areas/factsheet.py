"""Printable factsheet (PDF, reportlab) with an infographic of the key figures (seed 004).

Only published cells and CBS open data go in; the sheet states the disclosure rules and
that it describes an area, never individuals.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from django.utils.translation import gettext
from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .maps import CLASS_FILLS, NODATA_FILL, Projection, bounds, class_of, quantile_breaks, rings

BLUE = colors.HexColor("#08519c")
LIGHT = colors.HexColor("#deebf7")


def wrap_label(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines that fit ``width`` points: labels are wrapped, never cut (issue 18)."""
    return simpleSplit(str(text), font, size, width) or [""]


def _big_numbers(items: list[tuple[str, str, str]], width: float) -> Drawing:
    """Tiles with a big number, its label and a sub line; long labels wrap and the tiles grow."""
    n = max(len(items), 1)
    gap = 4 * mm
    tile_w = (width - gap * (n - 1)) / n
    text_w = tile_w - 6 * mm
    wrapped = [(wrap_label(label, "Helvetica", 8.5, text_w), wrap_label(sub, "Helvetica-Oblique", 7, text_w)) for _n, label, sub in items]
    text_h = max((len(lab) * 10 + len(sub) * 8.5 for lab, sub in wrapped), default=0)
    height = 16 * mm + text_h
    d = Drawing(width, height)
    for i, ((number, _label, _sub), (label_lines, sub_lines)) in enumerate(zip(items, wrapped, strict=True)):
        x = i * (tile_w + gap)
        d.add(Rect(x, 0, tile_w, height, fillColor=LIGHT, strokeColor=BLUE, strokeWidth=0.8))
        d.add(String(x + 4 * mm, height - 10 * mm, number, fontName="Helvetica-Bold", fontSize=20, fillColor=BLUE))
        y = height - 14 * mm
        for line in label_lines:
            d.add(String(x + 4 * mm, y, line, fontName="Helvetica", fontSize=8.5))
            y -= 10
        for line in sub_lines:
            d.add(String(x + 4 * mm, y, line, fontName="Helvetica-Oblique", fontSize=7, fillColor=colors.HexColor("#555555")))
            y -= 8.5
    return d


def _bars(rows: list[tuple[str, object]], width: float) -> Drawing:
    """Horizontal bars of published cells; suppressed ones as dashed outlines with their mark."""
    bar_h, gap, label_w, line_h = 5 * mm, 2 * mm, 60 * mm, 10
    labels = [wrap_label(label, "Helvetica", 8.5, label_w - 3 * mm) for label, _ in rows]
    heights = [max(bar_h, len(lines) * line_h) + gap for lines in labels]
    d = Drawing(width, sum(heights) + 2 * mm)
    values = [c.value for _, c in rows if c.value is not None]
    vmax = max(values) if values else 1
    plot_w = width - label_w - 20 * mm
    top = d.height
    for (_label, cell), lines, row_h in zip(rows, labels, heights, strict=True):
        top -= row_h
        y = top + row_h - gap - bar_h
        for k, line in enumerate(lines):
            d.add(String(0, top + row_h - gap - 8.5 - k * line_h + 1, line, fontName="Helvetica", fontSize=8.5))
        if cell.value is None:
            d.add(Rect(label_w, y, plot_w * 0.06, bar_h, fillColor=None, strokeColor=colors.grey, strokeDashArray=[2, 2]))
            d.add(String(label_w + plot_w * 0.06 + 2 * mm, y + 1.5 * mm, cell.display, fontName="Helvetica", fontSize=8.5))
        else:
            w = plot_w * cell.value / vmax if vmax else 0
            d.add(Rect(label_w, y, w, bar_h, fillColor=BLUE, strokeColor=None))
            d.add(String(label_w + w + 2 * mm, y + 1.5 * mm, cell.display, fontName="Helvetica-Bold", fontSize=8.5))
    return d


CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=10, alignment=TA_LEFT)
CELL_NUM = ParagraphStyle("cell_num", parent=CELL, alignment=TA_RIGHT)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
HEAD_NUM = ParagraphStyle("head_num", parent=HEAD, alignment=TA_RIGHT)


def _table(rows: list[list[str]], widths, text_cols: int = 1) -> Table:
    """Every cell a Paragraph: a long wijk name, indicator or column header wraps within its column
    instead of running into the next one or off the page (issue 18)."""

    def para(text, row: int, col: int) -> Paragraph:
        numeric = col >= text_cols
        style = (HEAD_NUM if numeric else HEAD) if row == 0 else (CELL_NUM if numeric else CELL)
        return Paragraph(escape(str(text)), style)

    data = [[para(text, r, c) for c, text in enumerate(row)] for r, row in enumerate(rows)]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f7fb")]),
            ]
        )
    )
    return t


def infographic_page(png: bytes, title: str, width: float) -> list:
    """The infographic (``areas.infographic``) as the factsheet's last page: the PNG at full width.
    The same figures are in the sheet's tables, so the image adds no figure of its own."""
    height = width * 1350 / 1080
    return [PageBreak(), Image(io.BytesIO(png), width=width, height=height), Paragraph(escape(title), CELL)]


def _document(buf, title: str, subject: str):
    """The A4 document and the styles every factsheet uses (gemeente and region): one house style."""
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
        author="Zicht",
        subject=subject,
    )
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], textColor=BLUE, fontSize=18, spaceAfter=2 * mm)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], textColor=BLUE, fontSize=12, spaceBefore=4 * mm)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7.5, textColor=colors.HexColor("#444444"))
    return doc, styles, h1, h2, small, A4[0] - 32 * mm


def render_pdf(sheet: dict) -> bytes:
    """``sheet``: title, subtitle, tiles [(number, label, sub)], bars [(label, Cell)], key_rows, risk_rows, notes."""
    buf = io.BytesIO()
    doc, styles, h1, h2, small, width = _document(buf, sheet["title"], gettext("Factsheet gebiedscan"))
    story = [
        Paragraph(escape(sheet["title"]), h1),
        Paragraph(escape(sheet["subtitle"]), styles["Normal"]),
        Spacer(1, 4 * mm),
        _big_numbers(sheet["tiles"], width),
        Paragraph(escape(gettext("Meldingen naar aard van het geweld")), h2),
        _bars(sheet["bars"], width),
    ]
    if sheet.get("key_rows"):
        story += [Paragraph(escape(gettext("Kerncijfers")), h2), _table(sheet["key_rows"], [70 * mm, 35 * mm, 35 * mm, 35 * mm])]
    if sheet.get("recidive_rows") and len(sheet["recidive_rows"]) > 1:
        story += [
            Paragraph(escape(gettext("Recidive: aandeel met een nieuwe registratie")), h2),
            _table(sheet["recidive_rows"], [85 * mm, 30 * mm, 30 * mm, 30 * mm]),
        ]
    if sheet.get("risk_rows"):
        story += [
            Paragraph(escape(gettext("Risicofactoren in dit gebied (CBS)")), h2),
            _table(sheet["risk_rows"], [52 * mm, 52 * mm, 22 * mm, 22 * mm, 22 * mm], text_cols=2),
        ]
    story += [Spacer(1, 4 * mm)] + [Paragraph(escape(n), small) for n in sheet.get("notes", [])]
    story.append(Paragraph(escape(gettext("Gemaakt met Zicht op %(date)s.") % {"date": f"{date.today():%d-%m-%Y}"}), small))
    if sheet.get("infographic_png"):
        story += infographic_page(sheet["infographic_png"], sheet.get("infographic_title", ""), width)
    doc.build(story)
    return buf.getvalue()


# --- the region factsheet (issue 15 item 3) ---------------------------------------------------------


def figure_rows(table) -> list[list[str]]:
    """A FigureTable as rows of text for a PDF table: the header, then every row with its displayed cells."""
    out = [table.header()]
    for row in table.body():
        out.append(
            [row.label, *(c.display for c in row.cells)] + ([row.total.display if row.total else ""] if table.has_totals_column else [])
        )
    return out


def map_drawing(areas, width: float, height: float = 95 * mm) -> Drawing:
    """The region's choropleth for print: each gemeente filled by the class of its published value
    (maps.quantile_breaks), outlined, and labelled with its name and value, so it reads without colour."""
    shapes = [a for a in areas if a.geometry]
    box = bounds(a.geometry for a in shapes)
    d = Drawing(width, height)
    if box is None:
        return d
    proj = Projection(box, width)
    scale = min(1.0, height / proj.height)
    breaks = quantile_breaks([a.cell.value for a in shapes if a.cell.value is not None])
    for a in shapes:
        klass = class_of(a.cell.value, breaks)
        fill = colors.HexColor(NODATA_FILL if klass is None else CLASS_FILLS[klass])
        xs, ys = [], []
        for ring in rings(a.geometry):
            pts = []
            for lon, lat, *_ in ring:
                x, y = proj(lon, lat)
                x, y = x * scale, height - y * scale
                pts += [x, y]
                xs.append(x)
                ys.append(y)
            if len(pts) >= 6:
                d.add(Polygon(pts, fillColor=fill, strokeColor=colors.HexColor("#444444"), strokeWidth=0.5))
        if xs:
            cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
            dark = klass is not None and klass >= 2
            ink = colors.white if dark else colors.black
            d.add(String(cx, cy + 1.5 * mm, a.name, fontName="Helvetica-Bold", fontSize=7.5, fillColor=ink, textAnchor="middle"))
            d.add(String(cx, cy - 2 * mm, a.cell.display, fontName="Helvetica", fontSize=7.5, fillColor=ink, textAnchor="middle"))
    return d


def render_region_pdf(sheet: dict) -> bytes:
    """``sheet``: title, subtitle, tiles, map (Drawing or None), map_caption, tables [(heading, FigureTable)], notes."""
    buf = io.BytesIO()
    doc, styles, h1, h2, small, width = _document(buf, sheet["title"], gettext("Factsheet Veilig Thuis-regio"))
    story = [
        Paragraph(escape(sheet["title"]), h1),
        Paragraph(escape(sheet["subtitle"]), styles["Normal"]),
        Spacer(1, 4 * mm),
        _big_numbers(sheet["tiles"], width),
    ]
    if sheet.get("map") is not None:
        story += [Paragraph(sheet.get("map_heading") or gettext("Kaart"), h2), sheet["map"], Paragraph(sheet.get("map_caption", ""), small)]
    for heading, table in sheet["tables"]:
        rows = figure_rows(table)
        n = len(rows[0])
        first = min(50 * mm, width * 0.35)
        story += [Paragraph(heading, h2), _table(rows, [first] + [(width - first) / max(n - 1, 1)] * (n - 1))]
        if table.note:
            story.append(Paragraph(table.note, small))
    story += [Spacer(1, 4 * mm)] + [Paragraph(n, small) for n in sheet.get("notes", [])]
    story.append(Paragraph(escape(gettext("Gemaakt met Zicht op %(date)s.") % {"date": f"{date.today():%d-%m-%Y}"}), small))
    doc.build(story)
    return buf.getvalue()
