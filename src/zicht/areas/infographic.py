"""Infographic per gemeente and per Veilig Thuis-region (issue 18): SVG for the web and social
media, PNG converted from that SVG, and a page in the factsheet PDF.

Every figure on it is a ``disclosure.Cell`` taken from ``figures``/``regional`` (the one protected
set per gemeente and period): key figures, the yearly trend and the comparison of the wijken
(gemeente) or gemeenten (region) per 1.000 inwoners. Nothing here counts reports itself. The
factchecker's top facts come from ``knowledge`` through a registered source (``register_fact_source``):
areas and knowledge are siblings in the layers and do not import each other; ``zicht.site`` wires
them in its ``ready()``.

The SVG uses only local fonts (DejaVu Sans, then the generic sans-serif) and no external asset; it
has a ``<title>`` and ``<desc>`` and the page that shows it has a table of the same figures.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .disclosure import Cell, Policy
from .figures import gemeente_figures

WIDTH, HEIGHT = 1080, 1350  # 4:5, the portrait size social media show uncropped
BLUE, LIGHT, DARK, GREY = "#08519c", "#deebf7", "#1a1a1a", "#555555"
FONT = "DejaVu Sans, Verdana, sans-serif"
VERDICT_COLOURS = {"waar": "#1b7837", "niet waar": "#b2182b", "genuanceerd": "#8c6d00"}
MAX_COMPARE = 6


@dataclass(frozen=True)
class Fact:
    statement: str
    verdict: str  # waar | niet waar | genuanceerd
    source: str  # publisher and title
    year: int | None
    url: str


_fact_source: Callable[[int], list[Fact]] | None = None


def register_fact_source(source: Callable[[int], list[Fact]] | None) -> None:
    """``source(n)``: the factchecker's first ``n`` top facts (registered by ``zicht.site``)."""
    global _fact_source
    _fact_source = source


def top_facts(n: int = 3) -> list[Fact]:
    return _fact_source(n) if _fact_source is not None else []


@dataclass
class Infographic:
    kind: str  # gemeente | regio
    code: str
    naam: str
    period: str
    tiles: list[tuple[str, Cell]]  # (label, published cell)
    trend: list[tuple[str, Cell]]  # (year, published total)
    compare_title: str
    compare: list[tuple[str, Cell, bool]]  # (area name, rate per 1.000, is the reference row)
    facts: list[Fact] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == "regio":
            return _("Huiselijk geweld en kindermishandeling in regio %(naam)s") % {"naam": self.naam}
        return _("Huiselijk geweld en kindermishandeling in %(naam)s") % {"naam": self.naam}

    @property
    def filename(self) -> str:
        return f"infographic-{slugify(self.naam)}-{self.code.lower()}"

    def description(self) -> str:
        """The figures as one text (the SVG's ``<desc>``): a screen reader hears what the image shows."""
        parts = [f"{label}: {cell.display}" for label, cell in self.tiles]
        if self.trend:
            parts.append(_("Meldingen per jaar") + ": " + ", ".join(f"{y} {c.display}" for y, c in self.trend))
        if self.compare:
            parts.append(self.compare_title + ": " + ", ".join(f"{n} {c.display}" for n, c, _ref in self.compare))
        for fact in self.facts:
            parts.append(f"{fact.statement} {fact.verdict.capitalize()} ({fact.source}{', ' + str(fact.year) if fact.year else ''})")
        return ". ".join(parts) + "."


def _compare_rows(rows, reference: tuple[str, Cell]) -> list[tuple[str, Cell, bool]]:
    """The highest published rates first (at most MAX_COMPARE), suppressed ones after, then the reference."""
    ranked = sorted(rows, key=lambda r: (r[1].value is None, -(r[1].value or 0), r[0]))
    return [(name, cell, False) for name, cell in ranked[:MAX_COMPARE]] + [(reference[0], reference[1], True)]


def gemeente_infographic(gemeente, year: int | None, policy: Policy) -> Infographic:
    fig = gemeente_figures(gemeente, year, policy)
    h = fig.headline
    rate_table = fig.table("per1000")
    return Infographic(
        "gemeente",
        gemeente.code,
        gemeente.naam,
        fig.period.label,
        [
            (_("meldingen in het register"), h["meldingen"]),
            (_("per 1.000 inwoners"), h["per1000"]),
            (_("herhaalde meldingen (zelfde adres, 12 maanden)"), h["herhaald"]),
            (_("inwoners (CBS)"), h["inwoners"]),
        ],
        list(zip(fig.years_trend["x"], fig.years_trend["series"][0]["cells"], strict=True)),
        _("Wijken vergeleken: meldingen per 1.000 inwoners"),
        _compare_rows([(r.label, r.cells[2]) for r in rate_table.rows], (_("Gemeente %(naam)s") % {"naam": gemeente.naam}, h["per1000"])),
        top_facts(3),
    )


def region_infographic(figures) -> Infographic:
    """From ``regional.RegionFigures`` (the region page's own cells)."""
    h = figures.headline
    rate_table = figures.table("per1000")
    trend = figures.table("jaren")
    return Infographic(
        "regio",
        figures.code,
        figures.naam,
        str(figures.year),
        [
            (_("meldingen in de regio"), h["meldingen"]),
            (_("per 1.000 inwoners"), h["per1000"]),
            (_("inwoners (CBS)"), h["inwoners"]),
        ],
        list(zip(trend.columns, trend.totals.cells, strict=True)),
        _("Gemeenten vergeleken: meldingen per 1.000 inwoners"),
        _compare_rows([(r.label, r.cells[2]) for r in rate_table.rows], (_("Regio %(naam)s") % {"naam": figures.naam}, h["per1000"])),
        top_facts(3),
    )


# --- rendering -------------------------------------------------------------------------------


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` that fit ``width`` px at font ``size`` (DejaVu Sans averages ~0.56 em a character)."""
    return textwrap.wrap(text, max(8, int(width / (size * 0.56)))) or [""]


def _text(x, y, text, size, *, weight="normal", fill=DARK, anchor="start", style="") -> str:
    extra = f' font-style="{style}"' if style else ""
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
        f'text-anchor="{anchor}"{extra}>{escape(text)}</text>'
    )


def _lines(x, y, lines, size, gap=1.25, **kw) -> tuple[list[str], float]:
    out = [_text(x, y + i * size * gap, line, size, **kw) for i, line in enumerate(lines)]
    return out, y + len(lines) * size * gap


def render_svg(info: Infographic, today: date | None = None) -> str:
    today = today or date.today()
    m = 56  # margin
    inner = WIDTH - 2 * m
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="ig-title ig-desc" font-family="{FONT}">',
        f'<title id="ig-title">{escape(info.title)}, {escape(info.period)}</title>',
        f'<desc id="ig-desc">{escape(info.description())}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<rect width="{WIDTH}" height="190" fill="{BLUE}"/>',
    ]
    lines, y = _lines(m, 78, _wrap(info.title, 40, inner), 40, weight="bold", fill="#ffffff")
    out += lines
    out.append(_text(m, y + 4, _("Periode %(periode)s") % {"periode": info.period}, 24, fill="#ffffff"))

    # Key figures
    y = 230
    n = max(len(info.tiles), 1)
    gap = 20
    tile_w = (inner - gap * (n - 1)) / n
    for i, (label, cell) in enumerate(info.tiles):
        x = m + i * (tile_w + gap)
        out.append(f'<rect x="{x:.0f}" y="{y}" width="{tile_w:.0f}" height="190" rx="10" fill="{LIGHT}" stroke="{BLUE}"/>')
        size = min(46, int((tile_w - 36) / (0.62 * max(len(cell.display), 1))))
        out.append(_text(x + 18, y + 64, cell.display, size, weight="bold", fill=BLUE))
        out += _lines(x + 18, y + 100, _wrap(label, 18, tile_w - 30), 18)[0]

    # Trend: one bar per year
    y = 450
    out.append(_text(m, y + 28, _("Meldingen per jaar"), 28, weight="bold", fill=BLUE))
    chart_top, chart_h = y + 60, 120
    values = [c.value for _y, c in info.trend if c.value is not None]
    vmax = max(values) if values else 1
    k = max(len(info.trend), 1)
    slot = inner / k
    bar_w = min(120, slot * 0.6)
    base = chart_top + chart_h
    for i, (year, cell) in enumerate(info.trend):
        cx = m + slot * i + slot / 2
        if cell.value is None:
            h = 24
            out.append(
                f'<rect x="{cx - bar_w / 2:.0f}" y="{base - h:.0f}" width="{bar_w:.0f}" height="{h}" fill="none" '
                f'stroke="{GREY}" stroke-dasharray="6 4"/>'
            )
        else:
            h = max(2, chart_h * cell.value / vmax if vmax else 0)
            out.append(f'<rect x="{cx - bar_w / 2:.0f}" y="{base - h:.0f}" width="{bar_w:.0f}" height="{h:.0f}" fill="{BLUE}"/>')
        out.append(_text(cx, base - h - 8, cell.display, 20, weight="bold", anchor="middle"))
        out.append(_text(cx, base + 26, year, 20, anchor="middle", fill=GREY))

    # Comparison
    y = base + 70
    out.append(_text(m, y, info.compare_title, 28, weight="bold", fill=BLUE))
    label_w, row_h = 330, 32
    bar_space = inner - label_w - 110
    rates = [c.value for _n, c, _r in info.compare if c.value is not None]
    rmax = max(rates) if rates else 1
    y += 24
    for name, cell, ref in info.compare:
        label = _wrap(name, 19, label_w - 10)[0]
        if label != name:
            label = label.rstrip(" ,") + "…"
        out.append(_text(m, y + 23, label, 19, weight="bold" if ref else "normal"))
        if cell.value is None:
            out.append(f'<rect x="{m + label_w}" y="{y + 6}" width="40" height="22" fill="none" stroke="{GREY}" stroke-dasharray="6 4"/>')
            w = 40
        else:
            w = max(2, bar_space * cell.value / rmax if rmax else 0)
            colour = DARK if ref else BLUE
            out.append(f'<rect x="{m + label_w}" y="{y + 6}" width="{w:.0f}" height="22" fill="{colour}"/>')
        out.append(_text(m + label_w + w + 10, y + 24, cell.display, 19, weight="bold"))
        y += row_h

    # Facts
    if info.facts:
        y += 40
        out.append(_text(m, y, _("Feiten uit de feitencheck"), 28, weight="bold", fill=BLUE))
        y += 12
        for fact in info.facts:
            if y > HEIGHT - 170:
                break
            colour = VERDICT_COLOURS.get(fact.verdict, GREY)
            badge = fact.verdict.upper()
            bw = 22 + len(badge) * 11
            out.append(f'<rect x="{m}" y="{y + 8}" width="{bw}" height="28" rx="6" fill="{colour}"/>')
            out.append(_text(m + bw / 2, y + 28, badge, 16, weight="bold", fill="#ffffff", anchor="middle"))
            lines, y2 = _lines(m + bw + 14, y + 29, _wrap(fact.statement, 20, inner - bw - 14), 20)
            out += lines
            source = f"{fact.source}{', ' + str(fact.year) if fact.year else ''}"
            out += _lines(m + bw + 14, y2, _wrap(_("Bron: %(bron)s") % {"bron": source}, 15, inner - bw - 14), 15, fill=GREY)[0]
            y = y2 + 24

    # Footer: how the figures were protected
    foot = _(
        "Zicht-register: aantallen afgerond op 5, minder dan 10 niet getoond (<10), × weggelaten om terugrekenen te "
        "voorkomen. Inwoners: CBS. Beschrijft gebieden, nooit personen. Gemaakt op %(datum)s."
    ) % {"datum": today.strftime("%d-%m-%Y")}
    out.append(f'<rect y="{HEIGHT - 86}" width="{WIDTH}" height="86" fill="{LIGHT}"/>')
    out += _lines(m, HEIGHT - 54, _wrap(foot, 16, inner), 16, fill=DARK)[0]
    out.append("</svg>")
    return "\n".join(out)


def render_png(svg: str) -> bytes:
    """The SVG as PNG (cairosvg on the system's libcairo; fonts from the local fontconfig)."""
    import cairosvg  # noqa: PLC0415 -- loads libcairo; only the PNG download and the PDF need it

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=WIDTH, output_height=HEIGHT)


def add_to_sheet(sheet: dict, info: Infographic) -> None:
    """Put ``info`` in a factsheet (``factsheet.render_pdf`` adds it as its last page)."""
    sheet["infographic_png"] = render_png(render_svg(info))
    sheet["infographic_title"] = f"{info.title}, {info.period}"
