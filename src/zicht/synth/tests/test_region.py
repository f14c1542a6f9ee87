"""A region as one synthetic population: address stocks side by side, moves across gemeente borders."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date

import pytest

from zicht.synth.generate import generate
from zicht.synth.region import OTHER_GEMEENTE_MOVE, RegionCaseBuilder, gemeente_code_of, load_region

SMALL = ("GM0785", "GM0798")  # Goirle and Hilvarenbeek, neighbours in VT Midden-Brabant


@pytest.fixture(scope="module")
def region(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("region")
    manifest = generate(list(SMALL), 4, 2, out, data_dir, end_date=date(2026, 12, 6), progress=False, log=lambda *_: None)
    return out, manifest


def test_region_book_keeps_each_gemeente_and_numbers_addresses_across_the_region(data_dir):
    geo, book = load_region(data_dir, SMALL, random.Random(1))
    assert geo.code == "GM0785,GM0798" and len(book.buurten) == sum(len(b.buurten) for b in book.books)
    addresses = list(book.iter_all())
    assert [a.aid for a in addresses] == list(range(1, book.total + 1))  # adresregister row i is address i
    assert {gemeente_code_of(a) for a in addresses} == set(SMALL)
    assert {a.woonplaats for a in addresses if gemeente_code_of(a) == "GM0798"} <= {
        "Hilvarenbeek",
        "Diessen",
        "Biest-Houtakker",
        "Haghorst",
        "Esbeek",
    }
    # an address of a buurt is in that buurt's gemeente
    for bi in (0, len(book.buurten) - 1):
        assert book.address(bi, 0).buurtcode == book.buurten[bi].code


def test_moves_cross_the_border_at_the_documented_share(data_dir):
    _, book = load_region(data_dir, SMALL, random.Random(1))
    builder = RegionCaseBuilder(random.Random(3), None, book, date(2023, 1, 1), date(2026, 12, 31))
    home = 0  # a buurt of Goirle
    moves = [builder.move_address(home) for _ in range(4000)]
    crossed = sum(gemeente_code_of(a) != "GM0785" for a in moves) / len(moves)
    assert abs(crossed - OTHER_GEMEENTE_MOVE) < 0.03
    assert 0.37 < sum(a.buurtcode == book.buurten[home].code for a in moves) / len(moves) < 0.45


def test_region_exports_have_movers_seen_by_politie_in_one_gemeente_and_veilig_thuis_in_another(region):
    out, manifest = region
    assert manifest["parameters"]["gemeenten"] == list(SMALL)
    achieved = manifest["achieved"]
    assert achieved["households_moved_between_gemeenten"] > 10
    # cases follow population: Goirle has ~1.5× Hilvarenbeek's inhabitants (KWB 2017)
    per = achieved["cases_per_gemeente"]
    assert 1.1 < per["GM0785"] / per["GM0798"] < 2.2
    with open(out / "adresregister.csv", encoding="utf-8") as fh:
        gemeente_of_address = {i: "GM" + row["buurtcode"][2:6] for i, row in enumerate(csv.DictReader(fh), start=1)}
    seen = defaultdict(lambda: defaultdict(set))  # person → source → gemeenten
    with open(out / "truth.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["address_id"]:
                seen[row["person_id"]][row["source"]].add(gemeente_of_address[int(row["address_id"])])
    crossing = [p for p, by in seen.items() if by.get("politie") and by.get("veilig_thuis") and by["politie"] != by["veilig_thuis"]]
    assert crossing  # a handful in two small gemeenten over 4 years (2 with seed 2)
