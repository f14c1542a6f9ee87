"""Region pages: the gemeenten of a VT region side by side, disclosure-controlled with the gemeente
pages, and only for the region's own users."""

from __future__ import annotations

import pytest
from django.test import Client

from zicht.access import roles
from zicht.areas.audit import audit_stacked
from zicht.areas.disclosure import OK, Policy, control_stacked, control_table, published_cell
from zicht.areas.figures import gemeente_figures
from zicht.areas.policy import default_policy
from zicht.areas.region_views import move_gemeente
from zicht.areas.regional import recidive_table, region_figures
from zicht.core.testing import make_user
from zicht.geo.loaders import load_geo
from zicht.geo.models import Buurt, Gemeente, VtRegio, VtRegioGemeente
from zicht.geo.regiodata import gemeenten_in_regio, load_regions

from .helpers import make_reports

TILBURG, GOIRLE, HILVARENBEEK, DEN_BOSCH = "GM0855", "GM0785", "GM0798", "GM0796"


def test_a_region_total_never_gives_back_a_lonely_suppressed_gemeente():
    policy = Policy()
    cells = {
        ("a", "n"): published_cell(900, OK, policy),
        ("b", "n"): published_cell(200, OK, policy),
        ("c", "n"): published_cell(4, "primary", policy),
    }
    table = control_stacked(
        {("a", "n"): 900, ("b", "n"): 200, ("c", "n"): 4}, "abc", ["n"], cells, {k[0]: v for k, v in cells.items()}, policy
    )
    assert table.col_total("n").suppressed and table.total.suppressed
    assert [table.cell(r, "n") for r in "abc"] == [cells[(r, "n")] for r in "abc"]  # the gemeente cells unchanged
    # two suppressed gemeenten protect each other: the region total can be published
    two = {**cells, ("b", "n"): published_cell(6, "primary", policy)}
    table = control_stacked({("a", "n"): 900, ("b", "n"): 6, ("c", "n"): 4}, "abc", ["n"], two, {k[0]: v for k, v in two.items()}, policy)
    assert table.col_total("n").status == OK and table.col_total("n").value == 910


def test_stacked_breakdown_protects_its_totals_like_control_table():
    """Gemeenten × bron, with the gemeente cells taken from each gemeente's own controlled table."""
    policy = Policy()
    raw = {("a", "politie"): 40, ("a", "vt"): 3, ("a", "wt"): 30, ("b", "politie"): 50, ("b", "vt"): 20, ("b", "wt"): 25}
    own = {g: control_table({(g, c): n for (r, c), n in raw.items() if r == g}, [g], ["politie", "vt", "wt"], policy) for g in "ab"}
    published = {(g, c): own[g].cell(g, c) for g in "ab" for c in ("politie", "vt", "wt")}
    totals = {g: own[g].row_total(g) for g in "ab"}
    table = control_stacked(raw, "ab", ["politie", "vt", "wt"], published, totals, policy)
    assert published[("a", "vt")].suppressed and table.col_total("vt").suppressed
    assert [table.cell(g, c) for g in "ab" for c in ("politie", "vt", "wt")] == list(published.values())
    # no line (a gemeente row with its total, a column with the region total, the totals row)
    # holds exactly one suppressed entry: nothing is given back by subtraction
    cols = ("politie", "vt", "wt")
    lines = [[table.cell(g, c) for c in cols] + [table.row_total(g)] for g in "ab"]
    lines += [[table.cell(g, c) for g in "ab"] + [table.col_total(c)] for c in cols]
    lines.append([table.col_total(c) for c in cols] + [table.total])
    assert all(sum(cell.suppressed for cell in line) != 1 for line in lines)


@pytest.fixture
def region(db):
    for code in (TILBURG, GOIRLE, HILVARENBEEK, DEN_BOSCH):
        load_geo(gemeente=code)
    load_regions()

    def buurten(gm, n):
        return list(Buurt.objects.filter(gemeente_id=gm).order_by("code").values_list("code", flat=True)[:n])

    make_reports(buurten(TILBURG, 6), 600, seed=3)
    make_reports(buurten(GOIRLE, 3), 150, seed=4)
    make_reports(buurten(HILVARENBEEK, 1), 4, seed=5, addresses_per_buurt=2)  # a gemeente total under 10
    make_reports(buurten(DEN_BOSCH, 3), 120, seed=6)


def test_region_table_cells_are_the_gemeente_pages_cells(region):
    policy = default_policy()
    regio = VtRegio.objects.get(code="midden-brabant")
    members = list(Gemeente.objects.filter(code__in=gemeenten_in_regio("midden-brabant", 2024)).order_by("naam"))
    assert {g.code for g in members} == {TILBURG, GOIRLE, HILVARENBEEK}  # Den Bosch is Brabant Noordoost
    figures = region_figures(regio, members, [], 2024, policy)
    per1000 = figures.table("per1000")
    for row in per1000.rows:
        own = gemeente_figures(Gemeente.objects.get(code=row.code), 2024, policy)
        assert row.cells[0] == own.headline["meldingen"]
    hilvarenbeek = next(r for r in per1000.rows if r.code == HILVARENBEEK)
    assert hilvarenbeek.cells[0].suppressed
    # the region total would give Hilvarenbeek back (total − Tilburg − Goirle): suppressed with it
    assert per1000.totals.cells[0].suppressed
    for t in figures.tables:
        for cell in t.all_cells():
            assert cell.value is None or cell.kind != "count" or cell.value % policy.rounding_base == 0


def test_region_page_and_scoping_per_role(region):
    beleid_tilburg = Client()
    beleid_tilburg.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b-tilburg", gemeente_id=TILBURG))
    page = beleid_tilburg.get("/gebied/regio/midden-brabant/?jaar=2024")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Goirle" in html and "Hilvarenbeek" in html and "choropleth" in html
    assert "?gemeente=GM0855" in html and "?gemeente=GM0785" not in html  # links only to the own gemeente
    assert beleid_tilburg.get("/gebied/regio/").url == "/gebied/regio/midden-brabant/"
    # another gemeente's detail, another region: refused
    assert beleid_tilburg.get(f"/gebied/?gemeente={GOIRLE}").status_code == 403
    assert beleid_tilburg.get("/gebied/wijk/WK078500/").status_code == 403
    assert beleid_tilburg.get(f"/gebied/export/{DEN_BOSCH}.csv").status_code == 403
    assert beleid_tilburg.get("/gebied/regio/brabant-noordoost/").status_code == 403
    assert beleid_tilburg.get("/gebied/regio/midden-brabant.csv?tabel=bron").status_code == 200
    xlsx = beleid_tilburg.get("/gebied/regio/midden-brabant.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    # the ketenregisseur of the region opens every gemeente of it, not Den Bosch
    keten = Client()
    keten.force_login(make_user(roles.KETENREGISSEUR, username="k-mb", regio=VtRegio.objects.get(code="midden-brabant")))
    assert keten.get(f"/gebied/?gemeente={GOIRLE}").status_code == 200
    assert keten.get(f"/gebied/?gemeente={DEN_BOSCH}").status_code == 403
    # a regional policy coordinator (region, no gemeente) compares and opens the region's gemeenten
    coord = Client()
    coord.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b-mb", regio=VtRegio.objects.get(code="midden-brabant")))
    assert coord.get(f"/gebied/?gemeente={HILVARENBEEK}").status_code == 200
    assert coord.get("/gebied/regio/brabant-noordoost/").status_code == 403


def test_the_functioneel_beheerder_moves_a_gemeente_from_a_year(region):
    admin = Client()
    admin.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER, username="fb"))
    assert admin.get("/gebied/regios/beheer/?jaar=2024").status_code == 200
    response = admin.post(
        "/gebied/regios/beheer/",
        {"gemeente_code": GOIRLE, "regio": "brabant-noordoost", "van_jaar": 2025, "bevestigd": "on", "bron": "besluit (test)"},
    )
    assert response.status_code == 302
    assert GOIRLE in gemeenten_in_regio("midden-brabant", 2024) and GOIRLE not in gemeenten_in_regio("midden-brabant", 2025)
    assert GOIRLE in gemeenten_in_regio("brabant-noordoost", 2025)
    beleid = Client()
    beleid.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b2", gemeente_id=TILBURG))
    assert beleid.get("/gebied/regios/beheer/").status_code == 403
    # an inconsistent table (a gemeente in two regions at once) is refused and nothing is written
    VtRegioGemeente.objects.create(regio_id="utrecht", gemeente_code="GM0344", gemeente_naam="Utrecht", van_jaar=2023, bron="x")
    with pytest.raises(ValueError, match="GM0344"):
        move_gemeente(GOIRLE, VtRegio.objects.get(code="midden-brabant"), 2026, False, "x")
    assert GOIRLE in gemeenten_in_regio("brabant-noordoost", 2026)


def test_api_region_figures_and_gemeente_scope(region):
    from rest_framework.authtoken.models import Token

    user = make_user(roles.BELEIDSMEDEWERKER, username="api-b", gemeente_id=TILBURG)
    api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    body = api.get("/api/v1/regios/midden-brabant/cijfers?jaar=2024").json()
    assert body["jaar"] == 2024 and {g["code"] for g in body["gemeenten"]} == {TILBURG, GOIRLE, HILVARENBEEK}
    per1000 = next(t for t in body["tabellen"] if t["id"] == "per1000")
    assert per1000["totalen"]["cellen"][0]["weergave"] == "×"  # would give Hilvarenbeek's <10 back
    assert api.get("/api/v1/regios/brabant-noordoost/cijfers").status_code == 403
    assert api.get("/api/v1/regios/bestaat-niet/cijfers").status_code == 404
    assert api.get(f"/api/v1/gebieden/{TILBURG}/cijfers").status_code == 200
    assert api.get(f"/api/v1/gebieden/{GOIRLE}/cijfers").status_code == 403
    assert api.get("/api/v1/gebieden/WK079600/cijfers").status_code in (403, 404)


def test_aggregate_region_by_year_json(region):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("aggregate", "--regio", "midden-brabant", "--level", "gemeente", "--by", "year", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["regio"] == "midden-brabant" and set(body["columns"]) >= {"2023", "2024"}
    rows = {r["key"]["gemeente"]: r for r in body["rows"]}
    assert set(rows) == {TILBURG, GOIRLE, HILVARENBEEK}
    assert rows[HILVARENBEEK]["cells"]["2024"]["display"] == "<10"
    assert body["column_totals"]["2024"]["status"] != "ok"  # the region total of 2024 would give Hilvarenbeek back


def test_region_recidive_is_the_gemeente_cells_with_protected_totals(region):
    from zicht.areas.recidive import load_episodes, recidive_figures
    from zicht.areas.regional import recidive_stack

    policy = default_policy()
    regio = VtRegio.objects.get(code="midden-brabant")
    members = list(Gemeente.objects.filter(code__in=gemeenten_in_regio("midden-brabant", 2024)).order_by("naam"))
    table = region_figures(regio, members, [], 2024, policy).table("recidive")
    twelve = list(recidive_figures(load_episodes(TILBURG), policy)["windows"]).index(12)
    for row in table.rows:
        own = recidive_figures(load_episodes(row.code), policy)["overview"]
        adres = next(r for r in own if r.key == ("adres", "eerste"))
        assert row.cells == [adres.eligible[twelve], adres.shares[twelve]]  # what the gemeente's recidive page shows
    hilvarenbeek = next(r for r in table.rows if r.code == HILVARENBEEK)
    assert hilvarenbeek.cells[0].suppressed and hilvarenbeek.cells[1].suppressed
    # the region totals never give Hilvarenbeek back: the attacker's interval keeps the rounding base
    controlled, _, raw = recidive_stack([g.code for g in members], policy)
    report = audit_stacked(controlled, raw, policy, "recidive", "test")
    assert report.ok and any(HILVARENBEEK in f.label for f in report.findings)
    # the region page and its export show the table
    beleid = Client()
    beleid.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b-rec", gemeente_id=TILBURG))
    assert "nieuwe registratie binnen 12 maanden" in beleid.get("/gebied/regio/midden-brabant/?jaar=2024").content.decode()
    csv = beleid.get("/gebied/regio/midden-brabant.csv?tabel=recidive&jaar=2024").content.decode()
    assert "Hilvarenbeek" in csv and "<10" in csv


def test_recidive_command_for_a_region_json(region):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("recidive", "--regio", "midden-brabant", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["regio"] == "midden-brabant" and {g["code"] for g in body["gemeenten"]} == {TILBURG, GOIRLE, HILVARENBEEK}
    assert set(body["vensters_maanden"]) == {"6", "12", "24"}
    twelve = body["vensters_maanden"]["12"]
    assert twelve["gemeenten"][HILVARENBEEK]["gevolgd"]["display"] == "<10"
    # the same cells as the region page's recidive table
    members = list(Gemeente.objects.filter(code__in=gemeenten_in_regio("midden-brabant", 2024)).order_by("naam"))
    page = recidive_table(members, default_policy())
    assert twelve["regio"]["gevolgd"]["display"] == page.totals.cells[0].display
    assert twelve["regio"]["aandeel"]["display"] == page.totals.cells[1].display
    text = io.StringIO()
    call_command("recidive", "--regio", "midden-brabant", stdout=text)
    assert "Regio" in text.getvalue() and "Goirle" in text.getvalue()


def test_disclosure_audit_of_a_region_attacks_region_and_gemeente_figures_together(region):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("disclosure-audit", "--regio", "midden-brabant", "--json", "--quiet", stdout=out)
    body = json.loads(out.getvalue())
    assert body["regio"] == "midden-brabant" and set(body["gemeenten"]) == {TILBURG, GOIRLE, HILVARENBEEK}
    assert body["oordeel"] == "ok" and body["lekken"] == 0 and body["fouten"] == []
    cells = [c["cel"] for c in body["cellen"]]
    # Hilvarenbeek's suppressed gemeente figures are attacked with the region totals published beside them
    assert any("gemeente=GM0798" in c for c in cells)
    assert any(c.startswith("recidive 12 mnd") for c in cells)
    assert any("gemeente=GM0785+GM0798+GM0855" in c for c in cells)  # a suppressed region total


def test_region_page_and_pdf_in_english(region):
    """Issue 18: the region's Python-built text (table titles, headers, the PDF) follows the language."""
    import io

    from django.conf import settings
    from pypdf import PdfReader

    client = Client()
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b-tilburg-en", gemeente_id=TILBURG))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/gebied/regio/midden-brabant/?jaar=2024").content.decode()
    assert "Reports per 1,000 inhabitants per municipality, 2024" in html and "Reports by source per municipality, 2024" in html
    assert "Meldingen per 1.000 inwoners per gemeente" not in html
    pdf = client.get("/gebied/regio/midden-brabant.pdf?jaar=2024").content
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "The municipalities side by side" in text and "Recidivism within 12 months" in text and "Onthullingsbeveiliging" not in text
    csv_en = client.get("/gebied/regio/midden-brabant.csv?tabel=bron&jaar=2024").content.decode("utf-8-sig")
    assert csv_en.splitlines()[1].startswith("Municipality;") and "Sources: Zicht registry" in csv_en.splitlines()[-1]
    dutch = Client()
    dutch.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b-tilburg-nl", gemeente_id=TILBURG))
    assert "Meldingen per 1.000 inwoners per gemeente, 2024" in dutch.get("/gebied/regio/midden-brabant/?jaar=2024").content.decode()
