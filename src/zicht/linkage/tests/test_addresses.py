"""Addresses end to end: partner strings → canonical key → buurt and wijk → the linkage address level.

Parsing is the registry's (zicht.registry.domain.address); this checks linkage sees what it makes.
"""

import pytest

from zicht.core.testing import make_gemeente
from zicht.geo.models import Buurt, Wijk
from zicht.linkage import features
from zicht.linkage.comparisons import ADDRESS
from zicht.registry.domain.address import make_address_key, normalise_postcode, parse_address
from zicht.registry.models import AddressRegisterEntry


@pytest.mark.parametrize(
    "text, postcode, key",
    [
        ("Korvelseweg 12 a", "5038 ab", "5038AB|12|A"),
        ("korvelse weg 12-A", "5038AB", "5038AB|12|A"),
        ("Korvelseweg 12A", "5038ab", "5038AB|12|A"),
        ("Korvelseweg 12A bis", "5038 AB", "5038AB|12|ABIS"),
        ("Korvelseweg 12", "5038 AB", "5038AB|12|"),
    ],
)
def test_partner_strings_to_canonical_key(text, postcode, key):
    parsed = parse_address(text)
    assert make_address_key(postcode, parsed.huisnummer, parsed.toevoeging) == key


def _features(text, postcode):
    parsed = parse_address(text)
    return features.address_features(normalise_postcode(postcode), f"{parsed.huisnummer}{parsed.toevoeging}", parsed.straat, "Tilburg")


@pytest.mark.parametrize(
    "a, b, level",
    [
        (("Korvelseweg 12 a", "5038 ab"), ("korvelse weg 12-A", "5038AB"), "zelfde adres"),
        (("Korvelseweg 12 a", "5038 ab"), ("Korvelseweg 12A bis", "5038AB"), "zelfde postcode of straat en huisnummer"),
        (("Korvelseweg 12 a", "5038 ab"), ("Piusstraat 4", "5038 CD"), "zelfde woonplaats of postcodegebied"),
    ],
)
def test_linkage_address_level_follows_the_key(a, b, level):
    g = ADDRESS.gamma(_features(*a), _features(*b))
    n = len(ADDRESS.levels)
    assert ADDRESS.levels[n - 1 - g].label == level


@pytest.mark.django_db
def test_key_maps_to_buurt_and_wijk():
    gm = make_gemeente(code="GM0855", naam="Tilburg", indeling_jaar=2024, regio="Midden-Brabant")
    wk = Wijk.objects.create(code="WK085517", naam="Oud-Zuid", gemeente=gm, indeling_jaar=2024)
    bu = Buurt.objects.create(code="BU08551700", naam="Korvel", wijk=wk, gemeente=gm, indeling_jaar=2024)
    AddressRegisterEntry.objects.create(
        postcode="5038AB", huisnummer=12, toevoeging="A", straat="Korvelseweg", woonplaats="Tilburg", buurt=bu, jaar=2024
    )
    for text in ("Korvelseweg 12 a", "korvelse weg 12-A"):
        parsed = parse_address(text)
        entry = AddressRegisterEntry.objects.select_related("buurt__wijk").get(
            postcode=normalise_postcode("5038 ab"), huisnummer=parsed.huisnummer, toevoeging=parsed.toevoeging
        )
        assert (entry.buurt.code, entry.buurt.wijk.code, entry.buurt.gemeente_id) == ("BU08551700", "WK085517", "GM0855")
