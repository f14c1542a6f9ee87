"""Catalogue rules: erkenning dates and age flag, row validation, search — and the shipped data."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from zicht.prevention.domain import catalogue as cat
from zicht.prevention.services import PACKAGE_CATALOGUE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", None),
        ("2015", cat.ErkenningDate(2015)),
        ("2019-04-08", cat.ErkenningDate(2019, 4, 8)),
        ("8-4-2019", cat.ErkenningDate(2019, 4, 8)),
        ("14-09-2017", cat.ErkenningDate(2017, 9, 14)),
    ],
)
def test_parse_erkenningsdatum(text, expected):
    assert cat.parse_erkenningsdatum(text) == expected


@pytest.mark.parametrize("text", ["2019/04/08", "april 2019", "2019-02-30", "19-4"])
def test_parse_erkenningsdatum_rejects(text):
    with pytest.raises(ValueError):
        cat.parse_erkenningsdatum(text)


@pytest.mark.parametrize(
    "erkend, today, outdated",
    [
        ("2019-04-08", date(2024, 4, 8), False),  # exactly five years: still valid
        ("2019-04-08", date(2024, 4, 9), True),
        ("2021-01-01", date(2025, 12, 31), False),
        ("2015", date(2020, 12, 31), False),  # year only: counted from 31 December
        ("2015", date(2021, 1, 1), True),
        ("2016-02-29", date(2021, 2, 28), False),  # leap day
        ("2016-02-29", date(2021, 3, 1), True),
        ("", date(2040, 1, 1), False),  # no date: shown as onbekend, not as outdated
        ("2021-09-30", date(2026, 9, 30), False),  # an erkenning of 30-09-2021 (VoorZorg per issue 18) …
        ("2021-09-30", date(2026, 10, 1), True),  # … is more than five years old from 1 October 2026
    ],
)
def test_erkenning_outdated(erkend, today, outdated):
    assert cat.erkenning_outdated(cat.parse_erkenningsdatum(erkend), today) is outdated


@pytest.mark.parametrize(
    "niveau, erkend, status",
    [
        ("onbekend", "", "onbekend"),
        ("goed_onderbouwd", "", "geen datum"),
        ("goed_onderbouwd", "2023-05-01", "actueel"),
        ("goede_aanwijzingen", "2015", "verouderd"),
        ("niet_van_toepassing", "", "n.v.t."),
    ],
)
def test_erkenning_status(niveau, erkend, status):
    assert cat.erkenning_status(niveau, cat.parse_erkenningsdatum(erkend), date(2026, 1, 1)) == status


GOOD = {"naam": "Proef", "soort": "interventie", "beschrijving": "Iets", "bron": "https://example.org"}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"naam": ""}, "naam"),
        ({"bron": ""}, "bron"),
        ({"soort": "cursus"}, "soort"),
        ({"preventietypes": "universeel|primair"}, "preventietypes"),
        ({"risicofactoren": "armoede|geluk"}, "risicofactoren"),
        ({"bouwstenen": "hoofdstuk9"}, "bouwstenen"),
        ({"setting": "strand"}, "setting"),
        ({"leeftijd_min": "twee"}, "leeftijd_min"),
        ({"leeftijd_min": "12", "leeftijd_max": "4"}, "leeftijd_max"),
        ({"erkenningsniveau": "heel_goed"}, "erkenningsniveau"),
        ({"erkenningsdatum": "gisteren"}, "erkenningsdatum"),
    ],
)
def test_validate_row_names_row_and_field(changes, field):
    values, errors = cat.validate_row({**GOOD, **changes}, 7)
    assert values is None
    assert [(e.row, e.field) for e in errors] == [(7, field)]
    assert str(errors[0]).startswith(f"rij 7, veld '{field}'")


def test_validate_row_cleans_lists_and_dates():
    values, errors = cat.validate_row(
        {**GOOD, "preventietypes": "Selectief; geindiceerd", "erkenningsdatum": "8-4-2019", "leeftijd_max": "6"}, 2
    )
    assert errors == []
    assert values["slug"] == "proef"
    assert values["preventietypes"] == ["selectief", "geindiceerd"]
    assert values["erkenningsdatum"] == "2019-04-08"
    assert values["leeftijd_max"] == 6 and values["leeftijd_min"] is None


def test_validate_rows_rejects_duplicates_in_file():
    clean, errors = cat.validate_rows([GOOD, {**GOOD, "naam": "proef"}])
    assert len(clean) == 1
    assert [(e.row, e.field) for e in errors] == [(3, "naam")]


ENTRY = {
    "slug": "x",
    "naam": "Stevig Ouderschap",
    "soort": "interventie",
    "beschrijving": "Huisbezoeken JGZ",
    "preventietypes": ["selectief"],
    "doelgroep": "Ouders met risicofactoren",
    "leeftijd_min": 0,
    "leeftijd_max": 2,
    "setting": ["thuis"],
    "risicofactoren": ["opvoedingsbelasting"],
    "bouwstenen": ["opvoeden"],
    "erkenningsniveau": "eerste_aanwijzingen",
    "erkenningsdatum": "2017-09-14",
    "toelichting": "",
}


@pytest.mark.parametrize(
    "query, hit",
    [
        (cat.CatalogueQuery(), True),
        (cat.CatalogueQuery(tekst="stevig huisbezoeken"), True),
        (cat.CatalogueQuery(tekst="stevig school"), False),
        (cat.CatalogueQuery(preventietype="selectief"), True),
        (cat.CatalogueQuery(preventietype="universeel"), False),
        (cat.CatalogueQuery(doelgroep="ouders"), True),
        (cat.CatalogueQuery(leeftijd=2), True),
        (cat.CatalogueQuery(leeftijd=3), False),
        (cat.CatalogueQuery(setting="thuis"), True),
        (cat.CatalogueQuery(setting="school"), False),
        (cat.CatalogueQuery(risicofactor="opvoedingsbelasting"), True),
        (cat.CatalogueQuery(risicofactor="armoede"), False),
        (cat.CatalogueQuery(bouwsteen="opvoeden"), True),
        (cat.CatalogueQuery(erkenning="erkend"), True),
        (cat.CatalogueQuery(erkenning="actueel"), False),  # 2017 is more than five years before 2026
        (cat.CatalogueQuery(erkenning="eerste_aanwijzingen"), True),
        (cat.CatalogueQuery(erkenning="goed_onderbouwd"), False),
    ],
)
def test_matches(query, hit):
    assert cat.matches(ENTRY, query, date(2026, 1, 1)) is hit


def test_age_filter_excludes_entries_without_age():
    assert not cat.matches({**ENTRY, "leeftijd_min": None, "leeftijd_max": None}, cat.CatalogueQuery(leeftijd=4), date(2026, 1, 1))


# --- the shipped catalogue -------------------------------------------------------------------------------


def _package_rows():
    with open(PACKAGE_CATALOGUE, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_package_catalogue_is_valid_and_large_enough():
    clean, errors = cat.validate_rows(_package_rows())
    assert errors == []
    assert len(clean) >= 40
    assert all(row["bron"] for row in clean)
    assert {r["soort"] for r in clean} == {"interventie", "instrument"}


REQUIRED_NAMES = [
    "Triple P niveau 4/5",
    "VoorZorg",
    "Stevig Ouderschap",
    "Home-Start",
    "Opstapje",
    "Signs of Safety",
    "Families First",
    "SAVE – Samenwerken aan Veiligheid",
    "Krachtwerk",
    "Relatiewijs",
    "Vlaggensysteem",
    "Marietje Kessels Project",
    "We Can Young",
    "Girls' Talk+",
    "Kindcheck",
    "No Kidding",
    "Als ik haar was",
    "Aan de goede kant van de eer",
    "Mannen kom op!",
]


def test_package_catalogue_names_the_seed_interventions():
    names = {r["naam"] for r in _package_rows()}
    assert [n for n in REQUIRED_NAMES if n not in names] == []
    assert any(n.startswith("SCIL") for n in names)
    assert "NIKA" in names


# Domain brief §9: level and date exactly as stated; ❓ levels stay 'onbekend'.
BRIEF = [
    ("voorzorg", "goede_aanwijzingen", "2015"),
    ("stevig-ouderschap", "eerste_aanwijzingen", "2017-09-14"),
    ("home-start", "goede_aanwijzingen", "2019-04-08"),
    ("triple-p-4-5", "eerste_aanwijzingen", "2018-12-14"),
    ("vlaggensysteem", "goed_onderbouwd", "2015-12-01"),
    ("girls-talk-plus", "goed_onderbouwd", "2016-11-24"),
    ("krachtwerk", "goed_onderbouwd", "2016"),
    ("julia", "goed_onderbouwd", "2015"),
    ("samenstarten", "goed_onderbouwd", "2018-11-29"),
    ("marietje-kessels-project", "onbekend", ""),
    ("opstapje", "onbekend", ""),
    ("signs-of-safety", "goed_onderbouwd", ""),  # nji.nl/interventies/signs-of-safety: no date on the page
    ("families-first", "eerste_aanwijzingen", "2014-04-14"),
    ("no-kidding", "onbekend", ""),
    ("als-ik-haar-was", "onbekend", ""),
    ("mannen-kom-op", "onbekend", ""),
]


@pytest.mark.parametrize("slug, niveau, datum", BRIEF)
def test_package_catalogue_follows_the_domain_brief(slug, niveau, datum):
    row = next(r for r in _package_rows() if r["slug"] == slug)
    assert (row["erkenningsniveau"], row["erkenningsdatum"]) == (niveau, datum)


def test_unknown_type_stays_unknown():
    row = next(r for r in _package_rows() if r["slug"] == "als-ik-haar-was")
    assert row["preventietypes"] == ""  # the brief has ❓; never invented


# Issue 18: every level comes with where it was found, every 'onbekend' says where it was looked for.


def test_every_unknown_level_says_where_no_source_was_found():
    unknown = [r for r in _package_rows() if r["erkenningsniveau"] == "onbekend"]
    assert unknown
    for row in unknown:
        assert "geen bron gevonden in" in row["erkenning_toelichting"], row["slug"]
        assert row["erkenningsdatum"] == "" and row["erkenning_bron"] == "", row["slug"]


def test_every_known_level_names_its_source():
    for row in _package_rows():
        if row["erkenningsniveau"] in ("onbekend", "niet_van_toepassing"):
            continue
        has_url = any(part.strip().startswith("https://") for part in row["erkenning_bron"].split(";"))
        assert has_url or row["slug"] == "samenstarten", row["slug"]  # SamenStarten: NJi description, no URL in the brief


def test_not_applicable_only_for_what_is_no_intervention():
    for row in _package_rows():
        if row["erkenningsniveau"] == "niet_van_toepassing":
            assert row["soort"] == "instrument" or row["slug"] == "voor-een-veilig-thuis", row["slug"]
            assert "Niet van toepassing" in row["erkenning_toelichting"], row["slug"]


def test_voorzorg_keeps_the_sourced_date_and_says_why():
    """Issue 18 names a re-recognition on 30-09-2021; no page states it, so the sourced 2015 stays."""
    row = next(r for r in _package_rows() if r["slug"] == "voorzorg")
    assert row["erkenningsdatum"] == "2015" and "30-09-2021" in row["erkenning_toelichting"]


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("slaan-is-uit-de-tijd", "universeel"),
        ("kinderrechtennu", "universeel"),
        ("halt-voorlichting", "universeel"),
        ("voorkom", "universeel"),
        ("ouderenbonden-financieel-misbruik", "universeel"),
        ("conflictscheidingen", "selectief"),
    ],
)
def test_prevention_types_assigned_from_the_target_group(slug, expected):
    row = next(r for r in _package_rows() if r["slug"] == slug)
    assert row["preventietypes"] == expected and "docs/prevention.md" in row["toelichting"]
