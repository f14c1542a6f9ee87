"""Table-driven tests of the pure rules of the access app: scope, retention terms, log scrubbing."""

from __future__ import annotations

import datetime as dt

import pytest

from zicht.access.domain.retention import add_years, casus_anchor, is_expired, registry_term
from zicht.access.domain.scope import NONE, ORGANISATION, REGION, decide_scope
from zicht.core.logging import REMOVED, TEXT, safe_arg, safe_message, scrub

D = dt.date


@pytest.mark.parametrize(
    "role, kwargs, kind",
    [
        ("professional", {"organisation_id": 7}, ORGANISATION),
        ("professional", {}, NONE),  # no organisation: fails closed
        ("ketenregisseur", {"profile_region": "Midden-Brabant"}, REGION),
        ("ketenregisseur", {"organisation_region": "Midden-Brabant"}, REGION),
        ("ketenregisseur", {"gemeente_codes": frozenset({"GM0855"})}, REGION),
        ("ketenregisseur", {}, NONE),
        ("beleidsmedewerker", {"organisation_id": 7, "profile_region": "X"}, NONE),
        ("functioneel_beheerder", {"organisation_id": 7}, NONE),
        ("privacy_officer", {}, NONE),
        (None, {"organisation_id": 7}, NONE),
        ("onbekend", {"organisation_id": 7}, NONE),
    ],
)
def test_decide_scope(role, kwargs, kind):
    assert decide_scope(role, **kwargs).kind == kind


def test_region_of_profile_wins_over_organisation():
    scope = decide_scope("ketenregisseur", profile_region="Noord", organisation_region="Zuid")
    assert scope.region == "Noord"


@pytest.mark.parametrize(
    "day, years, expected",
    [
        (D(2020, 1, 31), 2, D(2022, 1, 31)),
        (D(2020, 2, 29), 2, D(2022, 2, 28)),
        (D(2020, 2, 29), 4, D(2024, 2, 29)),
        (D(2024, 6, 1), -2, D(2022, 6, 1)),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    "anchor, years, today, expired",
    [
        (D(2022, 3, 1), 2, D(2024, 2, 29), False),  # one day before the term runs
        (D(2022, 3, 1), 2, D(2024, 3, 1), True),  # exactly two years: expired (Jeugdwet: at most 2 years)
        (D(2022, 3, 1), 2, D(2030, 1, 1), True),
        (D(2006, 1, 1), 20, D(2025, 12, 31), False),
        (D(2006, 1, 1), 20, D(2026, 1, 1), True),
        (None, 2, D(2030, 1, 1), False),
        (D(2024, 1, 1), 0, D(2024, 1, 1), True),
    ],
)
def test_is_expired(anchor, years, today, expired):
    assert is_expired(anchor, years, today) is expired


def test_negative_term_is_an_error():
    with pytest.raises(ValueError):
        is_expired(D(2020, 1, 1), -1, D(2024, 1, 1))


@pytest.mark.parametrize(
    "region, per_region, years",
    [
        ("Midden-Brabant", {"Midden-Brabant": 15}, 15),
        ("midden-brabant ", {"Midden-Brabant": 15}, 15),
        ("Zeeland", {"Midden-Brabant": 15}, 20),
        (None, {"Midden-Brabant": 15}, 20),
        ("", {}, 20),
    ],
)
def test_registry_term(region, per_region, years):
    assert registry_term(region, 20, per_region) == years


@pytest.mark.parametrize(
    "own, last, anchor",
    [(D(2010, 1, 1), None, D(2010, 1, 1)), (D(2010, 1, 1), D(2019, 5, 1), D(2019, 5, 1)), (D(2019, 5, 1), D(2019, 5, 1), D(2019, 5, 1))],
)
def test_casus_anchor_is_the_last_report_at_the_address(own, last, anchor):
    assert casus_anchor(own, last) == anchor


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BSN 123456782 onbekend", f"BSN {REMOVED} onbekend"),
        ("geboren 03-11-1984", f"geboren {REMOVED}"),
        ("geboren 1984-11-03", f"geboren {REMOVED}"),
        ("adres 5021 AB 12", f"adres {REMOVED} 12"),
        ("adres 5021ab", f"adres {REMOVED}"),
        ("mail p.jansen@example.nl", f"mail {REMOVED}"),
        ("rij 12, veld achternaam", "rij 12, veld achternaam"),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (12, 12),
        (None, None),
        (True, True),
        ("VT-2024-0001", "VT-2024-0001"),
        ("GM0855", "GM0855"),
        ("Jansen", TEXT),
        ("Pieter de Vries", TEXT),
        ("/casus/adres/12/", "/casus/adres/12/"),
        ("/registratie/?q=Jansen", "/registratie/?[…]"),
        ("GET /registratie/?q=Jansen HTTP/1.1", "GET /registratie/?[…] HTTP/1.1"),
        ("123456782", REMOVED),
    ],
)
def test_safe_arg(value, expected):
    assert safe_arg(value) == expected


def test_safe_message_keeps_ids_and_drops_names():
    assert safe_message("rij %s: %s ongeldig (%s)", (3, "Jansen", "geboortedatum")) == f"rij 3: {TEXT} ongeldig ({TEXT})"
    assert safe_message("%(row)s %(name)s", {"row": 4, "name": "Pieter"}) == f"4 {TEXT}"
    assert safe_message("geen argumenten", ()) == "geen argumenten"


@pytest.mark.parametrize(
    "value, known, expected",
    [
        ("/casus/adres/12/", True, "/casus/adres/12/"),
        ("/bestaat-niet/Jansen/", False, "[onbekend pad]"),
        ("GET /bestaat-niet/Jansen/?q=1 HTTP/1.1", False, "GET [onbekend pad] HTTP/1.1"),
    ],
)
def test_safe_arg_drops_unknown_paths(value, known, expected):
    assert safe_arg(value, lambda path: known) == expected
