"""The regional meldcode organisation map: the pure rules (table tests), the import through a
profile (CSV and XLSX, all or nothing, errors naming file/row/column, idempotent re-import), the
page with its filters, counts, map and gaps at the Zuid-Limburg scale (1,600 synthetic organisations)."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zicht.access import roles
from zicht.core.testing import make_gemeente, make_region, make_user
from zicht.prevention import orgimport
from zicht.prevention.domain import meldcode_map as mm
from zicht.prevention.models import MeldcodeStatus
from zicht.registry.models import Organisation
from zicht.synth.organisations import COLUMNS, organisation_rows


def profile():
    return orgimport.load_profile("meldcodekaart")


# --- pure rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ja", "ja"),
        ("Ja", "ja"),
        ("J", "ja"),
        ("1", "ja"),
        ("x", "ja"),
        ("nee", "nee"),
        ("N", "nee"),
        ("", "onbekend"),
        (None, "onbekend"),
        ("n.v.t.", "onbekend"),
        ("misschien", None),
    ],
)
def test_ja_nee(value, expected):
    assert mm.ja_nee(value) == expected


def _rec(gemeente="GM1", sector="onderwijs", meldcode="ja", af="ja", af_t="ja", stoplicht="groen"):
    return {
        "gemeente": gemeente,
        "sector": sector,
        "meldcode": meldcode,
        "aandachtsfunctionaris": af,
        "af_getraind": af_t,
        "medewerkers_getraind": "nee",
        "stoplicht": stoplicht,
    }


@pytest.mark.parametrize(
    "record, level",
    [
        (_rec(meldcode="onbekend", af="onbekend", af_t="onbekend"), "onbekend"),
        (_rec(meldcode="nee", af="nee", af_t="nee"), "geen_meldcode"),
        (_rec(af="nee", af_t="nee"), "meldcode"),
        (_rec(af_t="onbekend"), "aandachtsfunctionaris"),
        (_rec(), "getraind"),
    ],
)
def test_level(record, level):
    assert mm.level(record) == level


def test_gaps_name_gemeenten_sectors_and_cells_without_a_trained_aandachtsfunctionaris():
    records = [
        _rec("GM1", "onderwijs"),
        _rec("GM1", "kinderopvang", af_t="nee"),
        _rec("GM2", "onderwijs", af="nee", af_t="nee"),
        _rec("GM2", "onderwijs", meldcode="nee", af="nee", af_t="nee"),
        _rec("GM2", "kinderopvang", meldcode="onbekend", af="onbekend", af_t="onbekend"),
    ]
    gaps = mm.find_gaps(records, ["GM1", "GM2", "GM3"])
    assert gaps.gemeenten_zonder_getrainde_af == ["GM2", "GM3"]  # GM3 has no organisation at all
    assert gaps.sectoren_zonder_getrainde_af == ["kinderopvang"]
    assert gaps.gemeente_sector_zonder_getrainde_af == [("GM1", "kinderopvang", 1), ("GM2", "kinderopvang", 1), ("GM2", "onderwijs", 2)]
    assert gaps.zonder_meldcode == [("GM2", "onderwijs", 1)]
    assert gaps.niet_in_kaart == 1
    counts = mm.counts_per_gemeente(records)
    assert counts["GM1"]["n"] == 2 and counts["GM1"]["getraind"] == 1 and counts["GM1"]["aandeel_getraind"] == 0.5
    assert counts["GM2"]["levels"]["geen_meldcode"] == 1


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, True),
        ({"sector": "onderwijs"}, True),
        ({"sector": "kinderopvang"}, False),
        ({"gemeente": "GM2"}, False),
        ({"status": "getraind"}, True),
        ({"status": "meldcode"}, False),
        ({"status": "af_getraind:ja"}, True),
        ({"status": "af_getraind:nee"}, False),
        ({"status": "bogus:ja"}, False),
        ({"stoplicht": "rood"}, False),
    ],
)
def test_filters(filters, expected):
    assert mm.matches(_rec(), **filters) is expected


def test_a_row_with_errors_names_file_row_and_column():
    p = profile()
    raw = {
        "organisatie_id": "Bad Code!",
        "naam": "",
        "sector": "ruimtevaart",
        "gemeente": "Atlantis",
        "stoplicht": "paars",
        "meldcode": "misschien",
        "aandachtsfunctionaris": "nee",
        "aandachtsfunctionaris_getraind": "ja",
        "medewerkers_getraind": "",
        "peildatum": "1-1-2026",
    }
    _, errors = mm.clean_row(raw, 7, p, "kaart.csv", {"gm0935": "GM0935"})
    columns = {e.column if hasattr(e, "column") else e.field for e in errors}
    assert columns == {
        "organisatie_id",
        "naam",
        "sector",
        "gemeente",
        "stoplicht",
        "meldcode",
        "aandachtsfunctionaris_getraind",
        "peildatum",
    }
    assert all(e.row == 7 and e.file == "kaart.csv" for e in errors)
    assert str(errors[0]).startswith("kaart.csv, rij 7, kolom 'organisatie_id'")


# --- import -----------------------------------------------------------------------------------------


@pytest.fixture
def zuid_limburg(db):
    codes = [("GM0935", "Maastricht"), ("GM0917", "Heerlen"), ("GM1883", "Sittard-Geleen"), ("GM0888", "Beek")]
    gemeenten = [
        make_gemeente(
            c,
            n,
            geometry={
                "type": "Polygon",
                "coordinates": [[[5.6 + i * 0.1, 50.8], [5.7 + i * 0.1, 50.8], [5.7 + i * 0.1, 50.9], [5.6 + i * 0.1, 50.8]]],
            },
        )
        for i, (c, n) in enumerate(codes)
    ]
    region = make_region("Zuid-Limburg", gemeenten)
    make_gemeente("GM0855", "Tilburg", regio="Midden-Brabant")
    return region, [c for c, _ in codes]


def _csv(rows) -> io.BytesIO:
    out = io.StringIO()
    w = csv.DictWriter(out, COLUMNS, delimiter=";")
    w.writeheader()
    w.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def _xlsx(rows) -> io.BytesIO:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r[c] for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_import_csv_then_reimport_adds_nothing_and_a_changed_row_updates_only_that(zuid_limburg):
    _, codes = zuid_limburg
    rows = organisation_rows(codes, n=120, seed=4)
    result = orgimport.import_organisations(_csv(rows), "kaart.csv", profile(), None)
    assert result.ok and (result.created, result.updated, result.unchanged) == (120, 0, 0)
    assert MeldcodeStatus.objects.count() == 120
    org = Organisation.objects.get(code="syn-org-00001")
    assert org.gemeente_id == codes[0] and org.regio_id == "zuid-limburg"

    again = orgimport.import_organisations(_csv(rows), "kaart.csv", profile(), None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 120)
    assert Organisation.objects.filter(code__startswith="syn-org-").count() == 120

    flipped = "nee" if rows[5]["medewerkers_getraind"] == "ja" else "ja"
    rows[5] = {**rows[5], "medewerkers_getraind": flipped}
    rows[9] = {**rows[9], "naam": "Nieuwe naam 10", "stoplicht": "rood"}
    changed = orgimport.import_organisations(_csv(rows), "kaart.csv", profile(), None)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 118)
    assert MeldcodeStatus.objects.get(organisation__code="syn-org-00006").medewerkers_getraind == flipped
    assert Organisation.objects.get(code="syn-org-00010").meldcode_stoplicht == "rood"


def test_import_xlsx_through_the_same_profile(zuid_limburg):
    _, codes = zuid_limburg
    rows = organisation_rows(codes, n=30, seed=5)
    result = orgimport.import_organisations(_xlsx(rows), "kaart.xlsx", profile(), None)
    assert result.ok and result.created == 30
    status = MeldcodeStatus.objects.get(organisation__code="syn-org-00003")
    assert status.sector in mm.SECTOR_CODES and status.peildatum is not None


def test_one_bad_row_imports_nothing_and_names_file_row_and_column(zuid_limburg):
    _, codes = zuid_limburg
    rows = organisation_rows(codes, n=50, seed=6)
    rows[20] = {**rows[20], "meldcode": "misschien"}
    rows[30] = {**rows[30], "organisatie_id": rows[2]["organisatie_id"]}
    result = orgimport.import_organisations(_csv(rows), "kaart.csv", profile(), None)
    assert not result.ok and Organisation.objects.filter(code__startswith="syn-org-").count() == 0
    text = [str(e) for e in result.errors]
    assert "kaart.csv, rij 22, kolom 'meldcode': verwacht ja, nee of onbekend" in text
    assert any(t.startswith("kaart.csv, rij 32, kolom 'organisatie_id': code komt al voor in rij 4") for t in text)


def test_missing_column_and_unreadable_file(zuid_limburg):
    bad = io.BytesIO(b"organisatie_id;naam\nx;y\n")
    errors = orgimport.import_organisations(bad, "kaart.csv", profile(), None).errors
    assert {e.field for e in errors} >= {"sector", "gemeente"} and all(e.row == 1 for e in errors)
    errors = orgimport.import_organisations(io.BytesIO(b"\xff\xfe\x00bad"), "kaart.csv", profile(), None).errors
    assert errors[0].field == "bestand"


def test_a_beleidsmedewerker_imports_only_for_gemeenten_they_may_change(zuid_limburg):
    _, codes = zuid_limburg
    rows = organisation_rows(codes, n=8, seed=7)
    result = orgimport.import_organisations(_csv(rows), "kaart.csv", profile(), frozenset({codes[0]}))
    assert not result.ok
    assert all(e.field == "gemeente" for e in result.errors) and len(result.errors) == 6  # rows 2.. in other gemeenten


# --- the page at the Zuid-Limburg scale --------------------------------------------------------------


def test_the_region_map_with_1600_organisations(zuid_limburg, client):
    region, codes = zuid_limburg
    rows = organisation_rows(codes, n=1600, seed=1)
    started = time.perf_counter()
    assert orgimport.import_organisations(_csv(rows), "kaart.csv", profile(), None).ok
    import_seconds = time.perf_counter() - started
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, username="zl", gemeente_id="GM0935", regio=region))
    url = reverse("prevention:meldcode_map")
    client.get(url)  # templates compiled
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr><th scope="row">') >= 1600 and "syn-org" not in html  # names shown, codes not needed
    assert "<svg" in html and 'data-code="GM0935"' in html and 'id="per-gemeente"' in html
    assert len(queries) < 25  # no query per organisation
    print(f"\n1,600 organisations: import {import_seconds:.2f} s, page {seconds * 1000:.0f} ms, {len(queries)} queries")

    filtered = client.get(url, {"gemeente": "GM0917", "sector": "kinderopvang", "status": "af_getraind:ja"}).content.decode()
    expected = sum(
        1 for r in rows if r["gemeente"] == "GM0917" and r["sector"] == "kinderopvang" and r["aandachtsfunctionaris_getraind"] == "ja"
    )
    assert f"Organisaties ({expected})" in filtered


def test_another_region_is_not_found(zuid_limburg, client):
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, username="tb", gemeente_id="GM0855"))
    assert client.get(reverse("prevention:meldcode_map"), {"regio": "zuid-limburg"}).status_code == 404
    assert client.get(reverse("prevention:meldcode_map")).status_code == 200  # their own region


def test_the_import_page(zuid_limburg, client):
    _, codes = zuid_limburg
    client.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER, username="fb"))
    url = reverse("prevention:meldcode_import")
    upload = _csv(organisation_rows(codes, n=10, seed=8))
    upload.name = "kaart.csv"
    response = client.post(url, {"profiel": "meldcodekaart", "bestand": upload})
    assert response.status_code == 302 and MeldcodeStatus.objects.count() == 10
    bad = _csv([{**organisation_rows(codes, n=1)[0], "gemeente": "Atlantis"}])
    bad.name = "fout.csv"
    response = client.post(url, {"profiel": "meldcodekaart", "bestand": bad})
    assert response.status_code == 200 and "fout.csv, rij 2, kolom &#x27;gemeente&#x27;" in response.content.decode()


def test_the_command_writes_a_synthetic_file_and_imports_it(zuid_limburg, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "kaart.csv"
    call_command("organisations", synth=path, regio="zuid-limburg", n=40, seed=2)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ";".join(COLUMNS) and len(text.splitlines()) == 41
    call_command("organisations", import_file=path)
    assert MeldcodeStatus.objects.count() == 40
    call_command("organisations", import_file=path)  # again: nothing new
    assert Organisation.objects.filter(code__startswith="syn-org-").count() == 40
    path.write_text(text.replace("zuid", "zuid").replace(";GM0935;", ";GM9999;", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="niets geïmporteerd"):
        call_command("organisations", import_file=path)
