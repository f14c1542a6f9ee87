"""``register.address_for``: one address entered by hand (a verwijsindex signal) becomes the
canonical address of its key, with street, place and buurt from the address register."""

from __future__ import annotations

import pytest

from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.registry.models import Address, AddressRegisterEntry
from zicht.registry.register import address_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def buurt():
    gm = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    wk = Wijk.objects.create(code="WK085501", naam="Centrum", gemeente=gm, indeling_jaar=2024)
    return Buurt.objects.create(code="BU08550101", naam="Binnenstad", wijk=wk, gemeente=gm, indeling_jaar=2024)


def test_a_new_address_takes_the_register_entry(buurt):
    AddressRegisterEntry.objects.create(
        postcode="5021AB", huisnummer=12, toevoeging="A", straat="Heuvelstraat", woonplaats="Tilburg", buurt=buurt, jaar=2024
    )
    a = address_for("5021 ab", 12, "a")
    assert (a.key, a.straat, a.woonplaats, a.buurt_id) == ("5021AB|12|A", "Heuvelstraat", "Tilburg", buurt.code)
    assert address_for("5021AB", "12", "A") == a  # found again, not created twice
    assert Address.objects.count() == 1


def test_an_address_outside_the_register_is_created_without_buurt():
    a = address_for("4811AA", 3)
    assert (a.key, a.straat, a.buurt_id) == ("4811AA|3|", "", None)


@pytest.mark.parametrize("postcode, huisnummer", [("", 12), ("5021AB", None), ("5021AB", 0)])
def test_no_address_without_postcode_and_number(postcode, huisnummer):
    assert address_for(postcode, huisnummer) is None
    assert not Address.objects.exists()
