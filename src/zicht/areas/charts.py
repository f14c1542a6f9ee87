"""Trend and bar charts as inline SVG (no JavaScript, no CDN), from published cells only.

Suppressed points are gaps in a line and dashed outlines in a bar chart, labelled with
their mark (<10 or ×), so a reader sees that a value exists but is not published.
"""

from __future__ import annotations

from html import escape

from django.utils.translation import gettext

from .disclosure import Cell, words

LINE_STYLES = [("#08519c", ""), ("#b35806", "6 3"), ("#1b7837", "2 3"), ("#762a83", "8 3 2 3"), ("#4d4d4d", "1 2")]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 10.0
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1)
        candidate = step * magnitude
        if candidate >= value:
            return float(candidate)
    return float(value)


def line_chart(x_labels: list[str], series: list[dict], title: str, width: int = 720, height: int = 260) -> str:
    """``series``: [{label, cells: [Cell]}]. Distinct dash patterns per series as well as colours."""
    left, right, top, bottom = 48, 12, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [c.value for s in series for c in s["cells"] if c.value is not None]
    ymax = _nice_max(max(values) if values else 0)
    n = max(len(x_labels), 1)

    def x(i):
        return left + (plot_w * (i / (n - 1) if n > 1 else 0.5))

    def y(v):
        return top + plot_h - plot_h * (v / ymax)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="line-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        v = ymax * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">{v:g}</text>'
        )
    step = max(1, n // 12)
    for i, label in enumerate(x_labels):
        if i % step == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    for si, s in enumerate(series):
        colour, dash = LINE_STYLES[si % len(LINE_STYLES)]
        segment: list[str] = []
        segments = []
        for i, cell in enumerate(s["cells"]):
            if cell.value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(cell.value):.1f}")
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            if len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
            else:
                parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for i, cell in enumerate(s["cells"]):
            if cell.value is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(cell.value):.1f}" r="6" fill="transparent">'
                    f"<title>{escape(s['label'])}, {escape(x_labels[i])}: {escape(cell.display)}</title></circle>"
                )
    # Legend with line samples (pattern + colour + text).
    lx = left
    for si, s in enumerate(series):
        colour, dash = LINE_STYLES[si % len(LINE_STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{height - 12}" y2="{height - 12}" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            f'<text x="{lx + 26}" y="{height - 8}" font-size="11">{escape(s["label"])}</text>'
        )
        lx += 30 + 7 * len(s["label"])
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(rows: list[tuple[str, Cell]], title: str, width: int = 520, bar_h: int = 22) -> str:
    """Horizontal bars with the published value as text; suppressed bars as dashed outlines."""
    label_w, right = 210, 60
    height = len(rows) * (bar_h + 6) + 10
    values = [c.value for _, c in rows if c.value is not None]
    vmax = max(values) if values else 1
    plot_w = width - label_w - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="bar-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, cell) in enumerate(rows):
        y = 5 + i * (bar_h + 6)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" font-size="12">{escape(label[:34])}</text>')
        if cell.value is None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{plot_w * 0.08:.1f}" height="{bar_h}" fill="none" stroke="#777" stroke-dasharray="3 2">'
                f"<title>{escape(words(cell.reason, gettext))}</title></rect>"
                f'<text x="{label_w + plot_w * 0.08 + 4:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="12">{escape(cell.display)}</text>'
            )
        else:
            w = plot_w * cell.value / vmax if vmax else 0
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#2171b5"><title>{escape(label)}: {escape(cell.display)}</title></rect>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="12">{escape(cell.display)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
