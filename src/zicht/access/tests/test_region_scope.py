"""Scoping by VT region membership of the year: a ketenregisseur sees the addresses of every gemeente
of their region, and a gemeente that left the region leaves their scope; the figure scope per role
(pure rule, table-tested)."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.access import roles
from zicht.access.domain.figure_scope import figure_gemeenten, figure_regions
from zicht.access.scoping import figure_gemeente_codes, figure_region_codes, scope_for, visible_addresses
from zicht.core.testing import make_gemeente, make_organisation, make_region, make_user
from zicht.geo.models import Buurt, VtRegioGemeente, Wijk
from zicht.registry.models import Address, Report

THIS_YEAR = date.today().year


@pytest.mark.parametrize(
    ("role", "kwargs", "expected"),
    [
        ("beleidsmedewerker", {"profile_gemeente": "GM0855", "region_gemeenten": frozenset({"GM0855", "GM0785"})}, {"GM0855"}),
        ("beleidsmedewerker", {"region_gemeenten": frozenset({"GM0855", "GM0785"})}, {"GM0855", "GM0785"}),
        ("beleidsmedewerker", {"installation_gemeente": "GM0855"}, {"GM0855"}),
        ("beleidsmedewerker", {}, set()),
        ("ketenregisseur", {"region_gemeenten": frozenset({"GM0855", "GM0785"}), "profile_gemeente": "GM0855"}, {"GM0855", "GM0785"}),
        ("ketenregisseur", {"organisation_gemeente": "GM0796", "installation_gemeente": "GM0855"}, {"GM0796"}),
        ("professional", {"profile_gemeente": "GM0855", "installation_gemeente": "GM0855"}, set()),
        ("functioneel_beheerder", {"installation_gemeente": "GM0855"}, set()),
        (None, {"installation_gemeente": "GM0855"}, set()),
    ],
)
def test_figure_gemeenten(role, kwargs, expected):
    assert figure_gemeenten(role, **kwargs) == expected


@pytest.mark.parametrize(
    ("role", "kwargs", "expected"),
    [
        ("beleidsmedewerker", {"home_gemeente_region": "midden-brabant"}, {"midden-brabant"}),
        ("ketenregisseur", {"profile_region": "west-brabant", "home_gemeente_region": "midden-brabant"}, {"west-brabant"}),
        ("ketenregisseur", {"organisation_region": "west-brabant"}, {"west-brabant"}),
        ("professional", {"profile_region": "west-brabant"}, set()),
        ("beleidsmedewerker", {}, set()),
    ],
)
def test_figure_regions(role, kwargs, expected):
    assert figure_regions(role, **kwargs) == expected


@pytest.fixture
def region(db):
    out = {}
    for code, naam in (("GM0855", "Tilburg"), ("GM0785", "Goirle"), ("GM0758", "Breda")):
        gm = make_gemeente(code, naam, regio="West-Brabant" if code == "GM0758" else "Midden-Brabant")
        wk = Wijk.objects.create(code=f"WK{code[2:]}01", naam="W", gemeente=gm, indeling_jaar=2024)
        bu = Buurt.objects.create(code=f"BU{code[2:]}0101", naam="B", wijk=wk, gemeente=gm, indeling_jaar=2024)
        out[code] = Address.objects.create(key=f"k{code}", postcode="5000AA", huisnummer=int(code[2:]), buurt=bu)
    return out


def test_ketenregisseur_sees_the_addresses_of_all_gemeenten_of_the_region(region):
    keten = make_user(roles.KETENREGISSEUR, username="k", regio=make_region("Midden-Brabant"))
    assert scope_for(keten).gemeente_codes == {"GM0855", "GM0785"}
    assert set(visible_addresses(keten).values_list("key", flat=True)) == {"kGM0855", "kGM0785"}
    # Goirle leaves the region last year: out of the scope now (membership of the current year)
    VtRegioGemeente.objects.filter(gemeente_code="GM0785").update(tot_jaar=THIS_YEAR - 1)
    VtRegioGemeente.objects.create(
        regio=make_region("West-Brabant"), gemeente_code="GM0785", gemeente_naam="Goirle", van_jaar=THIS_YEAR, bron="test"
    )
    assert scope_for(keten).gemeente_codes == {"GM0855"}
    assert set(visible_addresses(keten).values_list("key", flat=True)) == {"kGM0855"}
    west = make_user(roles.KETENREGISSEUR, username="kw", regio=make_region("West-Brabant"))
    assert set(visible_addresses(west).values_list("key", flat=True)) == {"kGM0758", "kGM0785"}


def test_a_professional_sees_only_the_own_organisations_records_across_gemeenten(region):
    org = make_organisation("wt-goirle", gemeente_id="GM0785", regio=make_region("Midden-Brabant"))
    other = make_organisation("wt-tilburg", gemeente_id="GM0855", regio=make_region("Midden-Brabant"))
    Report.objects.create(source=org, source_record_id="r1", soort="signaal", datum=date(2026, 1, 1), address=region["GM0855"])
    Report.objects.create(source=other, source_record_id="r2", soort="signaal", datum=date(2026, 1, 1), address=region["GM0785"])
    pro = make_user(roles.PROFESSIONAL, username="p", organisation=org)
    assert set(visible_addresses(pro).values_list("key", flat=True)) == {"kGM0855"}  # where it reported, not its gemeente


def test_figure_scope_from_the_profile(region):
    beleid = make_user(roles.BELEIDSMEDEWERKER, username="b", gemeente_id="GM0785")
    assert figure_gemeente_codes(beleid) == {"GM0785"} and figure_region_codes(beleid) == {"midden-brabant"}
    coord = make_user(roles.BELEIDSMEDEWERKER, username="c", regio=make_region("West-Brabant"))
    assert figure_gemeente_codes(coord) == {"GM0758"} and figure_region_codes(coord) == {"west-brabant"}
