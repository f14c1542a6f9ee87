"""Charts of a plan indicator: measured values with baseline and target, from a snapshot's indicator dict.

The page (inline SVG via ``zicht.areas.charts``), the PDF (a reportlab drawing) and the DOCX (the
same drawing as PNG) all draw from the same dict, so a saved version reads the same everywhere.
Measured registry figures arrive as published cells: a suppressed year is a gap, never a value.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext

from zicht.areas.charts import line_chart
from zicht.areas.disclosure import Cell

from .domain.indicators import format_number, parse_number, progress


def _cell(point: dict) -> Cell:
    return Cell(point.get("value"), point.get("status", "ok"), point.get("reason", ""), point.get("display", ""), "value")


def _constant(value: float | None, label: str) -> Cell:
    if value is None:
        return Cell(None, "missing", "Niet ingevuld.", "–", "value")
    return Cell(value, "ok", label, format_number(value), "value")


def chart_data(indicator: dict) -> dict | None:
    """x labels and series (Gemeten, Nulmeting, Streefwaarde) or None when nothing was measured."""
    points = indicator.get("metingen") or []
    if not points:
        return None
    baseline, target = parse_number(indicator.get("baseline")), parse_number(indicator.get("streefwaarde"))
    x = [p["periode"] for p in points]
    series = [{"label": gettext("Gemeten"), "cells": [_cell(p) for p in points]}]
    if baseline is not None:
        series.append({"label": gettext("Nulmeting"), "cells": [_constant(baseline, gettext("Nulmeting"))] * len(points)})
    if target is not None:
        series.append({"label": gettext("Streefwaarde"), "cells": [_constant(target, gettext("Streefwaarde"))] * len(points)})
    return {"x": x, "series": series, "baseline": baseline, "target": target}


def progress_text(indicator: dict) -> str:
    published = [p for p in indicator.get("metingen") or [] if p.get("value") is not None]
    latest = published[-1] if published else None
    return progress(
        parse_number(indicator.get("baseline")),
        parse_number(indicator.get("streefwaarde")),
        latest["value"] if latest else None,
        latest["periode"] if latest else "",
    ).render(gettext)


def svg(indicator: dict) -> str:
    data = chart_data(indicator)
    if data is None:
        return ""
    return line_chart(
        data["x"],
        data["series"],
        gettext("%(naam)s: gemeten waarden, nulmeting en streefwaarde") % {"naam": indicator["naam"]},
        width=560,
        height=220,
    )


def drawing(indicator: dict, width: float, height: float = 120):
    """A reportlab Drawing of the same chart (gaps where a value is not published)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
    from reportlab.lib import colors

    data = chart_data(indicator)
    d = Drawing(width, height)
    if data is None:
        return d
    left, right, top, bottom = 36, 8, 8, 30
    pw, ph = width - left - right, height - top - bottom
    values = [c.value for s in data["series"] for c in s["cells"] if c.value is not None]
    ymax = max(values) * 1.1 if values and max(values) > 0 else 1.0
    ymin = min(0.0, min(values, default=0.0))
    n = len(data["x"])

    def x(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v):
        return bottom + ph * (v - ymin) / (ymax - ymin)

    d.add(Line(left, bottom, left + pw, bottom, strokeColor=colors.grey, strokeWidth=0.5))
    for k in range(3):
        v = ymin + (ymax - ymin) * k / 2
        d.add(String(left - 3, y(v) - 3, format_number(round(v, 1)), fontSize=6, textAnchor="end"))
    for i, label in enumerate(data["x"]):
        d.add(String(x(i), bottom - 10, label, fontSize=6, textAnchor="middle"))
    styles = [(colors.HexColor("#08519c"), None), (colors.HexColor("#b35806"), [4, 2]), (colors.HexColor("#1b7837"), [1, 2])]
    for si, s in enumerate(data["series"]):
        colour, dash = styles[si % len(styles)]
        segment = []
        for i, c in enumerate(s["cells"] + [Cell(None, "missing", "", "", "value")]):
            if c.value is None:
                if len(segment) > 1:
                    d.add(PolyLine([coord for pt in segment for coord in pt], strokeColor=colour, strokeWidth=1.2, strokeDashArray=dash))
                for px, py in segment:
                    d.add(Circle(px, py, 1.6, fillColor=colour, strokeColor=None))
                segment = []
            else:
                segment.append((x(i), y(c.value)))
        lx = left + si * 90
        d.add(Line(lx, 6, lx + 14, 6, strokeColor=colour, strokeWidth=1.2, strokeDashArray=dash))
        d.add(String(lx + 17, 4, s["label"], fontSize=7))
    return d


def png(indicator: dict, width: int = 900, height: int = 300) -> bytes | None:
    """The chart as PNG for the DOCX (Pillow, which reportlab already needs; Word cannot show SVG)."""
    data = chart_data(indicator)
    if data is None:
        return None
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 70, 20, 20, 70
    pw, ph = width - left - right, height - top - bottom
    values = [c.value for s in data["series"] for c in s["cells"] if c.value is not None]
    ymax = max(values) * 1.1 if values and max(values) > 0 else 1.0
    ymin = min(0.0, min(values, default=0.0))
    n = len(data["x"])

    def x(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v):
        return top + ph - ph * (v - ymin) / (ymax - ymin)

    for k in range(3):
        v = ymin + (ymax - ymin) * k / 2
        draw.line([(left, y(v)), (left + pw, y(v))], fill="#dddddd", width=1)
        draw.text((8, y(v) - 6), format_number(round(v, 1)), fill="black")
    for i, label in enumerate(data["x"]):
        draw.text((x(i) - 24, top + ph + 8), label, fill="black")
    styles = ["#08519c", "#b35806", "#1b7837"]
    for si, s in enumerate(data["series"]):
        colour = styles[si % len(styles)]
        segment = []
        for i, c in enumerate(s["cells"] + [Cell(None, "missing", "", "", "value")]):
            if c.value is None:
                if len(segment) > 1:
                    draw.line(segment, fill=colour, width=3 if si == 0 else 2)
                for px, py in segment:
                    draw.ellipse([px - 4, py - 4, px + 4, py + 4], fill=colour)
                segment = []
            else:
                segment.append((x(i), y(c.value)))
        lx = left + si * 200
        draw.line([(lx, height - 20), (lx + 30, height - 20)], fill=colour, width=3)
        draw.text((lx + 36, height - 27), s["label"], fill="black")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
