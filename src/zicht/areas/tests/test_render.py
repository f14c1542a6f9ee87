"""Maps, charts, exports and the template filter: accessible, escaped, through disclosure only."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from zicht.areas import charts, maps
from zicht.areas.disclosure import control_series, control_total
from zicht.areas.tables import FigureRow, FigureTable, cbs_cell, escape_formula, to_csv, to_xlsx
from zicht.areas.templatetags.disclosure import dc

SQUARE = {"type": "Polygon", "coordinates": [[[5.0, 51.5], [5.1, 51.5], [5.1, 51.6], [5.0, 51.6], [5.0, 51.5]]]}
SQUARE2 = {"type": "MultiPolygon", "coordinates": [[[[5.1, 51.5], [5.2, 51.5], [5.2, 51.6], [5.1, 51.5]]]]}


@pytest.mark.parametrize(
    "values, breaks",
    [
        ([1, 2, 3, 4], [1, 2, 3]),
        ([5, 5, 5, 5], [5]),
        ([], []),
        ([1.5, 9.0], [1.5, 9.0]),
    ],
)
def test_quantile_breaks(values, breaks):
    assert maps.quantile_breaks(values) == breaks


@pytest.mark.parametrize("value, expected", [(None, None), (0.5, 0), (1, 0), (2.5, 2), (99, 3)])
def test_class_of(value, expected):
    assert maps.class_of(value, [1, 2, 3]) == expected


def test_projection_keeps_aspect_with_cos_lat():
    proj = maps.Projection((5.0, 51.5, 5.1, 51.6), width=100, pad=0)
    x1, y1 = proj(5.1, 51.5)
    assert x1 == pytest.approx(100) and y1 == pytest.approx(proj.height)
    assert proj.height > 100  # 0.1° of latitude is longer than 0.1° of longitude at 51.5°N


def test_choropleth_links_titles_and_patterns():
    areas = [
        maps.MapArea("WK1", "Korvel <&>", SQUARE, control_total(50), "/gebied/wijk/WK1/"),
        maps.MapArea("WK2", "Oerle", SQUARE2, control_total(3), "/gebied/wijk/WK2/"),
    ]
    svg, legend = maps.choropleth_svg(areas, "Titel", "Beschrijving", "meldingen")
    assert svg.count("<a ") == 2 and "Korvel &lt;&amp;&gt;: 50 meldingen" in svg
    assert "Oerle: &lt;10" in svg and "url(#p-nodata)" in svg
    # a group of links, not an image: role="img" would make the links inside it nested interactive
    # controls that assistive technology cannot reach (axe nested-interactive, WCAG 4.1.2)
    assert 'role="group"' in svg and 'role="img"' not in svg and 'aria-describedby="map-desc"' in svg and "<desc" in svg
    assert legend[-1]["text"].startswith("Onderdrukt") and all(e["pattern_label"] for e in legend)


def test_line_chart_gaps_for_suppressed_points():
    cells = [control_total(20), control_total(4), control_total(30)]
    svg = charts.line_chart(["jan", "feb", "mrt"], [{"label": "Totaal", "cells": cells}], "Trend")
    assert "<polyline" not in svg  # the gap splits the line into two single points
    assert svg.count('r="2.5"') == 2 and "feb" in svg


def test_bar_chart_marks_suppressed():
    svg = charts.bar_chart([("A", control_total(40)), ("B", control_total(2))], "Aard")
    assert "&lt;10" in svg and "stroke-dasharray" in svg


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+31", "'+31"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("Korvel", "Korvel"),
        ("<10", "<10"),
    ],
)
def test_formula_injection_escaped(text, expected):
    assert escape_formula(text) == expected


def _table():
    series = control_series({"a": 42, "b": 3, "c": 20}, keys=["a", "b", "c"])
    rows = [FigureRow("=HYPERLINK(evil)", [series.cell("a")]), FigureRow("B", [series.cell("b")]), FigureRow("C", [series.cell("c")])]
    return FigureTable("t1", "Titel", "Wijk", ["Aantal"], rows, FigureRow("Totaal", [series.total]), note="Noot")


def test_csv_export_shows_marks_and_escapes():
    rows = list(csv.reader(io.StringIO(to_csv(_table(), "Bron")), delimiter=";"))
    assert rows[1] == ["Wijk", "Aantal"]
    assert rows[2] == ["'=HYPERLINK(evil)", "40"]
    assert rows[3] == ["B", "<10"] and rows[4] == ["C", "×"] and rows[5] == ["Totaal", "65"]


def test_xlsx_export_numbers_and_reasons():
    wb = load_workbook(io.BytesIO(to_xlsx([_table()], "Bron")))
    ws = wb["t1"]
    assert ws["B3"].value == 40 and ws["B4"].value == "<10" and ws["B4"].comment is not None
    assert ws["A3"].value == "'=HYPERLINK(evil)"


def test_dc_filter_renders_reason_for_hover_and_screen_readers():
    html = dc(control_total(4))
    assert 'class="suppressed"' in html and 'data-dc="primary"' in html and "title=" in html
    assert 'class="visually-hidden"' in html and "&lt;10" in html
    assert 'data-dc="ok"' in dc(control_total(12)) and ">10<" in dc(control_total(12))
    assert 'data-dc="error"' in dc(12)  # a raw number never renders


def test_cbs_cell_missing_is_not_zero():
    assert cbs_cell(None).display == "–" and cbs_cell(None).value is None
    assert cbs_cell(12.0, "%").display == "12,0%"
    assert cbs_cell(229836, "aantal").display == "229.836"
