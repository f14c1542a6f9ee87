"""Walk every page and export of the gebiedscan and check each figure came through disclosure control.

HTML: every cell of every ``table.data`` and every headline card carries ``data-dc`` (only the
``dc`` filter writes it, and it refuses anything but a ``disclosure.Cell``); published counts are
multiples of 5 and at least 10. CSV/XLSX: count columns hold only '<10', '×' or multiples of 5.
PDF: built from the same cells. The walk fails when a route of the app is not visited.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from zicht.access import roles
from zicht.areas import urls as area_urls
from zicht.core.testing import make_user

NON_COUNT_HEADERS = ("per 1.000", "aandeel", "inwoners", "afstand")
CBS_TABLES = {"risicoprofiel", "kenmerken"}


class FigureParser(HTMLParser):
    """Collects the text of table cells and cards and whether a data-dc span was inside."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.cells: list[dict] = []
        self.spans: list[dict] = []
        self.in_data_table = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data" in (a.get("class") or "").split():
            self.in_data_table += 1
        if (tag == "td" and self.in_data_table and "label" not in (a.get("class") or "").split()) or (
            tag == "div" and a.get("class") == "card__value"
        ):
            self.stack.append({"tag": tag, "text": "", "dc": []})
        if tag == "span" and "data-dc" in a:
            span = {"dc": a["data-dc"], "kind": a.get("data-kind"), "text": ""}
            self.spans.append(span)
            if self.stack:
                self.stack[-1]["dc"].append(span)

    def handle_endtag(self, tag):
        if tag == "table" and self.in_data_table:
            self.in_data_table -= 1
        if self.stack and tag == self.stack[-1]["tag"]:
            self.cells.append(self.stack.pop())

    def handle_data(self, text):
        if self.stack:
            self.stack[-1]["text"] += text
        if self.spans and self.spans[-1]["text"] == "":
            self.spans[-1]["text"] = text.strip()


def check_html(html: str, url: str):
    parser = FigureParser()
    parser.feed(html)
    figure_cells = [c for c in parser.cells if re.search(r"\d", c["text"]) or c["text"].strip() in ("<10", "×", "–")]
    assert figure_cells, f"{url}: no figures found"
    for cell in figure_cells:
        assert cell["dc"], f"{url}: figure {cell['text'].strip()!r} did not come through the dc filter"
    for span in parser.spans:
        assert span["dc"] != "error", f"{url}: a raw value reached the dc filter"
        if span["kind"] == "count" and span["dc"] == "ok":
            value = int(span["text"].replace(".", ""))
            assert value % 5 == 0 and value >= 10, f"{url}: published count {span['text']}"
    return parser


def check_count_value(value, where):
    if value in ("<10", "×", "–", None, ""):
        return
    number = int(str(value).replace(".", "")) if isinstance(value, str) else value
    assert number % 5 == 0 and number >= 10, f"{where}: count {value}"


def check_csv(text: str, table_id: str):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = rows[1]
    for row in rows[2:]:
        if not row or len(row) != len(header):
            continue  # notes below the table
        for head, value in zip(header[1:], row[1:]):
            if table_id in CBS_TABLES or any(h in head.lower() for h in NON_COUNT_HEADERS):
                continue
            check_count_value(value, f"{table_id}.csv {head}")


@pytest.mark.django_db
def test_walk_every_figure_page_and_export(client, tilburg_reports, settings):
    from reportlab import rl_config

    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    quiet = tilburg_reports["quiet_wijk"]
    visited = set()
    pages = [
        ("areas:gemeente", "/gebied/?gemeente=GM0855&jaar=2024"),
        ("areas:gemeente", "/gebied/?jaar=2023"),
        ("areas:wijk", "/gebied/wijk/WK085517/?jaar=2024"),
        ("areas:wijk", f"/gebied/wijk/{quiet}/?jaar=2024"),
        ("areas:wijk", "/gebied/wijk/WK085517/?vergelijk=gemeente"),
        ("areas:map", "/gebied/kaart/?gemeente=GM0855"),
        ("areas:map", "/gebied/kaart/?gemeente=GM0855&indicator=pct_rond_sociaal_min"),
        ("areas:factsheet", "/gebied/factsheet/WK085517/?jaar=2024"),
        ("areas:factsheet", "/gebied/factsheet/GM0855/"),
        ("areas:recidive", "/gebied/recidive/?gemeente=GM0855"),
        ("areas:recidive", "/gebied/recidive/?gemeente=GM0855&wijk=WK085517"),
        ("areas:effect", "/gebied/effect/?gemeente=GM0855&wijk=WK085517&start=2024-01-01&vergelijk=WK085539&vergelijk=WK085510"),
    ]
    for name, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = check_html(response.content.decode(), url)
        visited.add(name)
        if quiet in url:
            # Three reports in the whole wijk: every count of this wijk is suppressed.
            counts = [s for s in parser.spans if s["kind"] == "count"]
            assert counts and not any(s["dc"] == "ok" and s["text"] == "3" for s in counts)
            assert "<10" in [c["text"].strip().split(" ")[0] for c in parser.cells if c["tag"] == "div"]

    for code in ("GM0855", "WK085517", quiet):
        response = client.get(f"/gebied/export/{code}.xlsx?jaar=2024")
        assert response.status_code == 200
        visited.add("areas:export_xlsx")
        wb = load_workbook(io.BytesIO(response.content))
        for ws in wb.worksheets:
            header = [c.value for c in ws[2]]
            for row in ws.iter_rows(min_row=3, values_only=True):
                if row[0] in (None, "") or ws.title in CBS_TABLES:
                    continue
                for head, value in zip(header[1:], row[1:]):
                    if head and not any(h in str(head).lower() for h in NON_COUNT_HEADERS):
                        check_count_value(value, f"{code}.xlsx {ws.title} {head}")
            # Each sheet also exists as CSV.
            csv_response = client.get(f"/gebied/export/{code}.csv?tabel={ws.title}&jaar=2024")
            assert csv_response.status_code == 200
            visited.add("areas:export_csv")
            check_csv(csv_response.content.decode("utf-8"), ws.title)

    old = rl_config.pageCompression
    rl_config.pageCompression = 0
    try:
        for code in ("WK085517", quiet, "GM0855"):
            response = client.get(f"/gebied/factsheet/{code}.pdf?jaar=2024")
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
            visited.add("areas:factsheet_pdf")
            if code == quiet:
                assert b"(<10)" in response.content
    finally:
        rl_config.pageCompression = old

    # The region page and its exports (Midden-Brabant; only Tilburg is loaded here).
    from zicht.geo.regiodata import load_regions

    load_regions()
    assert client.get("/gebied/regio/").url == "/gebied/regio/midden-brabant/"
    visited.add("areas:own_region")
    response = client.get("/gebied/regio/midden-brabant/?jaar=2024")
    assert response.status_code == 200
    check_html(response.content.decode(), "region")
    visited.add("areas:region")
    response = client.get("/gebied/regio/midden-brabant.xlsx?jaar=2024")
    assert response.status_code == 200
    visited.add("areas:region_xlsx")
    rl_config.pageCompression = 0
    try:
        pdf = client.get("/gebied/regio/midden-brabant.pdf?jaar=2024")
    finally:
        rl_config.pageCompression = old
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"Recidive binnen 12 maanden" in pdf.content and b"Tilburg" in pdf.content
    visited.add("areas:region_pdf")
    for ws in load_workbook(io.BytesIO(response.content)).worksheets:
        csv_response = client.get(f"/gebied/regio/midden-brabant.csv?tabel={ws.title}&jaar=2024")
        assert csv_response.status_code == 200
        visited.add("areas:region_csv")
        if ws.title not in CBS_TABLES and ws.title != "risico":
            check_csv(csv_response.content.decode("utf-8"), ws.title)
    # The infographics (issue 18): their page tables carry data-dc like every figure; the SVG's
    # numbers are the same cells' displays (areas/tests/test_infographic.py).
    for name, page_url, download in [
        ("infographic", "/gebied/infographic/GM0855/?jaar=2024", "/gebied/infographic/GM0855.{}?jaar=2024"),
        (
            "region_infographic",
            "/gebied/regio/midden-brabant/infographic/?jaar=2024",
            "/gebied/regio/midden-brabant/infographic.{}?jaar=2024",
        ),
    ]:
        response = client.get(page_url)
        assert response.status_code == 200, page_url
        check_html(response.content.decode(), page_url)
        visited.add(f"areas:{name}")
        for fmt in ("svg", "png"):
            assert client.get(download.format(fmt)).status_code == 200
        visited.add(f"areas:{name}_download")
    beheer = type(client)()
    beheer.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    assert beheer.get("/gebied/regios/beheer/").status_code == 200
    visited.add("areas:regions_manage")

    named = {f"areas:{p.name}" for p in area_urls.urlpatterns}
    assert named <= visited, f"routes not walked: {named - visited}"


@pytest.mark.django_db
def test_same_figure_same_fate_across_pages(client, tilburg_reports):
    """Linked tables: the wijk total on the gemeente page is the one on the wijk page."""
    from zicht.areas.figures import gemeente_figures, wijk_figures
    from zicht.areas.policy import default_policy
    from zicht.geo.models import Gemeente, Wijk

    policy = default_policy()
    gm = gemeente_figures(Gemeente.objects.get(code="GM0855"), 2024, policy)
    for code in ("WK085517", tilburg_reports["quiet_wijk"], "WK085539"):
        wk = wijk_figures(Wijk.objects.get(code=code), 2024, policy)
        row = next(r for r in gm.table("per1000").rows if r.code == code)
        assert wk.headline["meldingen"] == row.cells[0]
        aard_row = next(r for r in gm.table("aard").rows if r.code == code)
        assert [c for _, c, _ in wk.headline["aard"]] == aard_row.cells
