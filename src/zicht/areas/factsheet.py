"""Printable factsheet (PDF, reportlab) with an infographic of the key figures (seed 004).

Only published cells and CBS open data go in; the sheet states the disclosure rules and
that it describes an area, never individuals.
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .maps import CLASS_FILLS, NODATA_FILL, Projection, bounds, class_of, quantile_breaks, rings

BLUE = colors.HexColor("#08519c")
LIGHT = colors.HexColor("#deebf7")


def _big_numbers(items: list[tuple[str, str, str]], width: float) -> Drawing:
    """Tiles with a big number, its label and a sub line."""
    n = max(len(items), 1)
    gap = 4 * mm
    tile_w = (width - gap * (n - 1)) / n
    d = Drawing(width, 30 * mm)
    for i, (number, label, sub) in enumerate(items):
        x = i * (tile_w + gap)
        d.add(Rect(x, 0, tile_w, 30 * mm, fillColor=LIGHT, strokeColor=BLUE, strokeWidth=0.8))
        d.add(String(x + 4 * mm, 17 * mm, number, fontName="Helvetica-Bold", fontSize=20, fillColor=BLUE))
        d.add(String(x + 4 * mm, 10 * mm, label[:32], fontName="Helvetica", fontSize=8.5))
        d.add(String(x + 4 * mm, 5 * mm, sub[:40], fontName="Helvetica-Oblique", fontSize=7, fillColor=colors.HexColor("#555555")))
    return d


def _bars(rows: list[tuple[str, object]], width: float) -> Drawing:
    """Horizontal bars of published cells; suppressed ones as dashed outlines with their mark."""
    bar_h, gap, label_w = 5 * mm, 2 * mm, 60 * mm
    d = Drawing(width, len(rows) * (bar_h + gap) + 2 * mm)
    values = [c.value for _, c in rows if c.value is not None]
    vmax = max(values) if values else 1
    plot_w = width - label_w - 20 * mm
    for i, (label, cell) in enumerate(rows):
        y = d.height - (i + 1) * (bar_h + gap)
        d.add(String(0, y + 1.5 * mm, label[:38], fontName="Helvetica", fontSize=8.5))
        if cell.value is None:
            d.add(Rect(label_w, y, plot_w * 0.06, bar_h, fillColor=None, strokeColor=colors.grey, strokeDashArray=[2, 2]))
            d.add(String(label_w + plot_w * 0.06 + 2 * mm, y + 1.5 * mm, cell.display, fontName="Helvetica", fontSize=8.5))
        else:
            w = plot_w * cell.value / vmax if vmax else 0
            d.add(Rect(label_w, y, w, bar_h, fillColor=BLUE, strokeColor=None))
            d.add(String(label_w + w + 2 * mm, y + 1.5 * mm, cell.display, fontName="Helvetica-Bold", fontSize=8.5))
    return d


def _table(rows: list[list[str]], widths) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f7fb")]),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return t


def render_pdf(sheet: dict) -> bytes:
    """``sheet``: title, subtitle, tiles [(number, label, sub)], bars [(label, Cell)], key_rows, risk_rows, notes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=sheet["title"],
        author="Zicht",
        subject="Factsheet gebiedscan",
    )
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], textColor=BLUE, fontSize=18, spaceAfter=2 * mm)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], textColor=BLUE, fontSize=12, spaceBefore=4 * mm)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7.5, textColor=colors.HexColor("#444444"))
    width = A4[0] - 32 * mm
    story = [
        Paragraph(sheet["title"], h1),
        Paragraph(sheet["subtitle"], styles["Normal"]),
        Spacer(1, 4 * mm),
        _big_numbers(sheet["tiles"], width),
        Paragraph("Meldingen naar aard van het geweld", h2),
        _bars(sheet["bars"], width),
    ]
    if sheet.get("key_rows"):
        story += [Paragraph("Kerncijfers", h2), _table(sheet["key_rows"], [70 * mm, 35 * mm, 35 * mm, 35 * mm])]
    if sheet.get("recidive_rows") and len(sheet["recidive_rows"]) > 1:
        story += [
            Paragraph("Recidive: aandeel met een nieuwe registratie", h2),
            _table(sheet["recidive_rows"], [85 * mm, 30 * mm, 30 * mm, 30 * mm]),
        ]
    if sheet.get("risk_rows"):
        story += [
            Paragraph("Risicofactoren in dit gebied (CBS)", h2),
            _table(sheet["risk_rows"], [52 * mm, 52 * mm, 22 * mm, 22 * mm, 22 * mm]),
        ]
    story += [Spacer(1, 4 * mm)] + [Paragraph(n, small) for n in sheet.get("notes", [])]
    story.append(Paragraph(f"Gemaakt met Zicht op {date.today():%d-%m-%Y}.", small))
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
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=sheet["title"],
        author="Zicht",
        subject="Factsheet Veilig Thuis-regio",
    )
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], textColor=BLUE, fontSize=18, spaceAfter=2 * mm)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], textColor=BLUE, fontSize=12, spaceBefore=4 * mm)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=7.5, textColor=colors.HexColor("#444444"))
    width = A4[0] - 32 * mm
    story = [
        Paragraph(sheet["title"], h1),
        Paragraph(sheet["subtitle"], styles["Normal"]),
        Spacer(1, 4 * mm),
        _big_numbers(sheet["tiles"], width),
    ]
    if sheet.get("map") is not None:
        story += [Paragraph(sheet.get("map_heading", "Kaart"), h2), sheet["map"], Paragraph(sheet.get("map_caption", ""), small)]
    for heading, table in sheet["tables"]:
        rows = figure_rows(table)
        n = len(rows[0])
        first = min(50 * mm, width * 0.35)
        story += [Paragraph(heading, h2), _table(rows, [first] + [(width - first) / max(n - 1, 1)] * (n - 1))]
        if table.note:
            story.append(Paragraph(table.note, small))
    story += [Spacer(1, 4 * mm)] + [Paragraph(n, small) for n in sheet.get("notes", [])]
    story.append(Paragraph(f"Gemaakt met Zicht op {date.today():%d-%m-%Y}.", small))
    doc.build(story)
    return buf.getvalue()
