"""VT region membership by year: the pure rule, the data file, and load-geo loading it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zicht.geo.models import VtRegio, VtRegioGemeente
from zicht.geo.regiodata import gemeenten_in_regio, load_regions, read_region_file, regio_van_gemeente
from zicht.geo.regions import Membership, conflicts, gemeenten_of, regio_of, region_code

# A merger moves gemeenten: Brielle, Hellevoetsluis and Westvoorne → Voorne aan Zee (2023);
# Weesp (Gooi en Vechtstreek) merged into Amsterdam in 2022.
TABLE = [
    Membership("rotterdam-rijnmond", "GM0501", 2022, 2022),
    Membership("rotterdam-rijnmond", "GM0530", 2022, 2022),
    Membership("rotterdam-rijnmond", "GM1992", 2023, None),
    Membership("gooi-en-vechtstreek", "GM0457", 2022, 2022),
    Membership("amsterdam-amstelland", "GM0363", 2022, None),
]


@pytest.mark.parametrize(
    ("regio", "jaar", "expected"),
    [
        ("rotterdam-rijnmond", 2022, {"GM0501", "GM0530"}),
        ("rotterdam-rijnmond", 2023, {"GM1992"}),
        ("rotterdam-rijnmond", 2030, {"GM1992"}),
        ("rotterdam-rijnmond", 2021, set()),
        ("gooi-en-vechtstreek", 2022, {"GM0457"}),
        ("gooi-en-vechtstreek", 2023, set()),
        ("onbekend", 2023, set()),
    ],
)
def test_gemeenten_of_region_by_year(regio, jaar, expected):
    assert gemeenten_of(TABLE, regio, jaar) == expected


@pytest.mark.parametrize(
    ("gemeente", "jaar", "expected"),
    [("GM0501", 2022, "rotterdam-rijnmond"), ("GM0501", 2023, None), ("GM1992", 2022, None), ("GM1992", 2024, "rotterdam-rijnmond")],
)
def test_region_of_gemeente_by_year(gemeente, jaar, expected):
    assert regio_of(TABLE, gemeente, jaar) == expected


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (TABLE, None),
        ([Membership("a", "GM0001", 2022, None), Membership("b", "GM0001", 2024, None)], "in a en b tegelijk vanaf 2024"),
        ([Membership("a", "GM0001", 2022, 2023), Membership("b", "GM0001", 2024, None)], None),  # moved in 2024
        ([Membership("a", "GM0001", 2024, 2022)], "ligt voor van_jaar"),
    ],
)
def test_conflicts(rows, problem):
    found = conflicts(rows)
    assert (problem is None and found == []) or (problem is not None and any(problem in p for p in found))


@pytest.mark.parametrize(
    ("naam", "code"),
    [
        ("Midden-Brabant", "midden-brabant"),
        (" midden brabant ", "midden-brabant"),
        ("Noord- en Oost-Gelderland", "noord-en-oost-gelderland"),
        ("", ""),
    ],
)
def test_region_code(naam, code):
    assert region_code(naam) == code


def test_data_file_has_26_regions_one_region_per_gemeente_per_year():
    rows = read_region_file()
    assert len({r["regio_code"] for r in rows}) == 26
    members = [
        Membership(r["regio_code"], r["gemeentecode"], int(r["van_jaar"]), int(r["tot_jaar"]) if r["tot_jaar"] else None) for r in rows
    ]
    assert conflicts(members) == []
    for jaar, count in ((2022, 345), (2023, 342), (2024, 342)):  # CBS indeling (without 'Buitenland')
        assert sum(1 for m in members if m.valid_in(jaar)) == count
    assert all(r["bron"] for r in rows) and {r["bevestigd"] for r in rows} <= {"ja", "nee"}
    assert gemeenten_of(members, "midden-brabant", 2024) == {
        "GM0766",
        "GM0784",
        "GM0785",
        "GM0797",
        "GM0798",
        "GM0809",
        "GM0824",
        "GM0855",
        "GM0867",
    }


@pytest.mark.django_db
def test_load_geo_loads_the_region_table_and_keeps_manual_edits():
    load_regions()
    assert VtRegio.objects.count() == 26
    assert "GM0855" in gemeenten_in_regio("midden-brabant", 2024)
    assert regio_van_gemeente("GM0501", 2022) == "rotterdam-rijnmond" and regio_van_gemeente("GM0501", 2023) is None
    # the functioneel beheerder moves Eemnes (file: Utrecht) to Gooi en Vechtstreek; a reload keeps it
    VtRegioGemeente.objects.filter(gemeente_code="GM0317").update(regio_id="gooi-en-vechtstreek", handmatig=True, bevestigd=True)
    out = io.StringIO()
    call_command("load-geo", "--gemeente", "GM0855", stdout=out)
    assert "26 regio's" in out.getvalue()
    assert regio_van_gemeente("GM0317", 2024) == "gooi-en-vechtstreek"
    assert VtRegioGemeente.objects.filter(gemeente_code="GM0317").count() == 1
