"""Choropleth maps as inline SVG from local WGS84 GeoJSON (no map tiles, no internet).

Projection: equirectangular with the longitude scaled by cos(mean latitude), which is
accurate to well under a percent at the scale of a gemeente. Classes are quantiles of the
*published* values; every class has its own pattern as well as its own colour (WCAG: never
colour alone), and suppressed or missing areas get a hatched grey with their own legend entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext

from zicht.access.roles import N_

from .disclosure import Cell, words

# Sequential blues (light to dark) with a pattern per class.
CLASS_FILLS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"]
CLASS_PATTERNS = ["", "dots", "lines", "cross"]
PATTERN_LABELS = {"": N_("effen"), "dots": N_("stippen"), "lines": N_("schuine lijnen"), "cross": N_("kruisarcering")}
NODATA_FILL = "#f0f0f0"


@dataclass
class MapArea:
    code: str
    name: str
    geometry: dict | None
    cell: Cell
    url: str | None = None
    highlight: bool = False


def rings(geometry: dict):
    """The coordinate rings of a GeoJSON Polygon or MultiPolygon (outer rings and holes)."""
    if not geometry:
        return
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def bounds(geometries) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for g in geometries:
        for ring in rings(g):
            for lon, lat, *_ in ring:
                xs.append(lon)
                ys.append(lat)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


class Projection:
    def __init__(self, box, width: float = 640.0, pad: float = 8.0):
        min_lon, min_lat, max_lon, max_lat = box
        self.k = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * self.k, 1e-9)
        span_y = max(max_lat - min_lat, 1e-9)
        self.scale = (width - 2 * pad) / span_x
        self.min_lon, self.max_lat, self.pad = min_lon, max_lat, pad
        self.width = width
        self.height = span_y * self.scale + 2 * pad

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.min_lon) * self.k * self.scale + self.pad, (self.max_lat - lat) * self.scale + self.pad)


def path_d(geometry: dict, proj: Projection) -> str:
    parts = []
    for ring in rings(geometry):
        pts = [proj(lon, lat) for lon, lat, *_ in ring]
        if len(pts) < 3:
            continue
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)


def quantile_breaks(values: list[float], classes: int = 4) -> list[float]:
    """Upper bounds of the first ``classes - 1`` classes (quantiles of the published values)."""
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return []
    breaks = []
    for i in range(1, classes):
        idx = min(len(vals) - 1, max(0, math.ceil(i * len(vals) / classes) - 1))
        breaks.append(vals[idx])
    return sorted(set(breaks))


def class_of(value: float | None, breaks: list[float]) -> int | None:
    if value is None:
        return None
    for i, b in enumerate(breaks):
        if value <= b:
            return i
    return len(breaks)


def _fmt(v: float) -> str:
    return f"{v:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def legend(breaks: list[float], unit: str) -> list[dict]:
    """Legend entries with fill, pattern, and a text range (so the classes read without colour)."""
    entries = []
    lows = [None, *breaks]
    highs = [*breaks, None]
    for i, (lo, hi) in enumerate(zip(lows, highs)):
        if lo is None and hi is None:
            text = gettext("alle waarden")
        elif lo is None:
            text = gettext("t/m %(high)s") % {"high": _fmt(hi)}
        elif hi is None:
            text = gettext("meer dan %(low)s") % {"low": _fmt(lo)}
        else:
            text = gettext("meer dan %(low)s t/m %(high)s") % {"low": _fmt(lo), "high": _fmt(hi)}
        entries.append(
            {
                "index": i,
                "fill": CLASS_FILLS[i],
                "pattern": CLASS_PATTERNS[i],
                "pattern_label": gettext(PATTERN_LABELS[CLASS_PATTERNS[i]]),
                "text": (gettext("Klasse %(n)s: %(range)s") % {"n": i + 1, "range": f"{text} {unit}"}).strip(),
            }
        )
    entries.append(
        {
            "index": None,
            "fill": NODATA_FILL,
            "pattern": "nodata",
            "pattern_label": gettext("grijze arcering"),
            "text": gettext("Onderdrukt (<10 of ×) of geen gegevens"),
        }
    )
    return entries


def _defs() -> str:
    return (
        "<defs>"
        '<pattern id="p-dots" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.1" fill="#08306b"/></pattern>'
        '<pattern id="p-lines" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/></pattern>'
        '<pattern id="p-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<path d="M0,0L6,6M6,0L0,6" stroke="#ffffff" stroke-width="1.2"/></pattern>'
        '<pattern id="p-nodata" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#9a9a9a" stroke-width="1"/></pattern>'
        "</defs>"
    )


def swatch_svg(entry: dict) -> str:
    overlay = f'<rect width="24" height="16" fill="url(#p-{entry["pattern"]})"/>' if entry["pattern"] else ""
    return (
        f'<svg width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" focusable="false">{_defs()}'
        f'<rect width="24" height="16" fill="{entry["fill"]}" stroke="#333" stroke-width="1"/>{overlay}</svg>'
    )


def choropleth_svg(areas: list[MapArea], title: str, description: str, unit: str = "", width: float = 640.0) -> tuple[str, list[dict]]:
    """(svg markup, legend entries). Each area is a link with a <title> naming it and its value."""
    shapes = [a for a in areas if a.geometry]
    box = bounds(a.geometry for a in shapes)
    values = [a.cell.value for a in shapes if a.cell.value is not None]
    breaks = quantile_breaks(values)
    entries = legend(breaks, unit)
    if box is None:
        return "", entries
    proj = Projection(box, width)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {proj.width:.0f} {proj.height:.0f}" role="group" '
        f'aria-labelledby="map-title" aria-describedby="map-desc" class="choropleth"><title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc">{escape(description)}</desc>{_defs()}'
    ]
    for area in shapes:
        klass = class_of(area.cell.value, breaks)
        fill = NODATA_FILL if klass is None else CLASS_FILLS[klass]
        pattern = "nodata" if klass is None else CLASS_PATTERNS[klass]
        d = path_d(area.geometry, proj)
        label = f"{area.name}: {area.cell.display} {unit}".strip()
        if area.cell.status != "ok":
            label += f" ({words(area.cell.reason, gettext)})"
        stroke = ' stroke="#000" stroke-width="3"' if area.highlight else ' stroke="#444" stroke-width="0.6"'
        shape = f'<path d="{d}" fill="{fill}"{stroke}/>'
        if pattern:
            shape += f'<path d="{d}" fill="url(#p-{pattern})" stroke="none" pointer-events="none"/>'
        inner = f"<title>{escape(label)}</title>{shape}"
        if area.url:
            out.append(f'<a href="{escape(area.url)}" data-code="{escape(area.code)}" aria-label="{escape(label)}">{inner}</a>')
        else:
            out.append(f'<g data-code="{escape(area.code)}">{inner}</g>')
    out.append("</svg>")
    return "".join(out), entries
