"""Postcode, address key, free address strings and free full names (pure, table-driven)."""

import pytest

from zicht.registry.domain.address import (
    AddressError,
    StreetAddress,
    address_key,
    make_address_key,
    normalise_postcode,
    normalise_toevoeging,
    parse_address,
    split_huisnummer,
)
from zicht.registry.domain.names import PersonName, initials_of, normalise_voorletters, split_name


@pytest.mark.parametrize(
    "text, expected",
    [("5021 ab", "5021AB"), ("5021AB", "5021AB"), (" 5021  Ab ", "5021AB"), ("1000aa", "1000AA"), ("9999 ZZ", "9999ZZ")],
)
def test_postcode_normalised(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize("text", ["0123 AB", "123 AB", "12345 AB", "5021 A", "5021 A1", "5021-AB", "5021 SS", "5021 sa", "SD", ""])
def test_invalid_postcode_is_an_error_without_the_value(text):
    with pytest.raises(AddressError) as exc:
        normalise_postcode(text)
    assert "postcode" in str(exc.value)
    assert not text.strip() or text.strip() not in str(exc.value)


@pytest.mark.parametrize(
    "text, expected",
    [("a", "A"), ("-II", "II"), ("A bis", "ABIS"), (" hs", "HS"), ("1/2", "12"), ("", ""), ("3.hg", "3HG")],
)
def test_toevoeging_normalised(text, expected):
    assert normalise_toevoeging(text) == expected


@pytest.mark.parametrize("text", ["a&b", "ABCDEFGHIJK"])
def test_toevoeging_refused(text):
    with pytest.raises(AddressError):
        normalise_toevoeging(text)


@pytest.mark.parametrize(
    "text, expected",
    [("12", (12, "")), ("12a", (12, "A")), ("12-II", (12, "II")), ("12 hs", (12, "HS")), ("12 A bis", (12, "ABIS"))],
)
def test_huisnummer_split(text, expected):
    assert split_huisnummer(text) == expected


@pytest.mark.parametrize("text", ["", "a12", "0", "123456", "twaalf"])
def test_huisnummer_refused(text):
    with pytest.raises(AddressError):
        split_huisnummer(text)


@pytest.mark.parametrize(
    "postcode, huisnummer, toevoeging, expected",
    [
        ("5021 ab", "12", "a", "5021AB|12|A"),
        ("5021AB", "12a", "", "5021AB|12|A"),
        ("5021ab", "12-A", "A", "5021AB|12|A"),
        ("5021 AB", 12, "", "5021AB|12|"),
        ("5021 AB", "3", "-II", "5021AB|3|II"),
    ],
)
def test_address_key_is_canonical(postcode, huisnummer, toevoeging, expected):
    assert make_address_key(postcode, huisnummer, toevoeging) == expected
    pc, number, tv = expected.split("|")
    assert address_key(pc, int(number), tv) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Korvelseweg 12 a", StreetAddress("Korvelseweg", 12, "A")),
        ("korvelse weg 12-A", StreetAddress("korvelse weg", 12, "A")),
        ("Korvelseweg 12A bis", StreetAddress("Korvelseweg", 12, "ABIS")),
        ("Korvelseweg 12 hs", StreetAddress("Korvelseweg", 12, "HS")),
        ("1e Jacob van Campenstraat 3-II", StreetAddress("1e Jacob van Campenstraat", 3, "II")),
        ("Ringbaan-West 101", StreetAddress("Ringbaan-West", 101, "")),
        ("  Hoefstraat   7 , ", StreetAddress("Hoefstraat", 7, "")),
        ("Laan 12 - 3", StreetAddress("Laan", 12, "3")),
        ("Kerkstraat 5 2 hoog", StreetAddress("Kerkstraat", 5, "2HOOG")),
        ("St. Josephstraat 140", StreetAddress("St. Josephstraat", 140, "")),
    ],
)
def test_free_address_parsed(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["", "Korvelseweg", "12 a", "Postbus", "Korvelseweg twaalf"])
def test_free_address_unparseable(text):
    with pytest.raises(AddressError) as exc:
        parse_address(text)
    assert not text or text not in str(exc.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jansen, Pieter", PersonName("Pieter", "P.", "", "Jansen")),
        ("P. de Vries", PersonName("", "P.", "de", "Vries")),
        ("Vries, P. de", PersonName("", "P.", "de", "Vries")),
        ("Vries, de, Pieter", PersonName("Pieter", "P.", "de", "Vries")),  # linkage: tussenvoegsel moved after
        ("OOSTGRAAF, TER, J.", PersonName("", "J.", "ter", "OOSTGRAAF")),
        ("Klaverhoek, van de, Quinten", PersonName("Quinten", "Q.", "van de", "Klaverhoek")),
        ("Pieter Vries, de", PersonName("Pieter", "P.", "de", "Vries")),  # fields 'voornaam' + 'Vries, de' joined
        ("Vries, de", PersonName("", "", "de", "Vries")),
        ("Pieter van der Berg", PersonName("Pieter", "P.", "van der", "Berg")),
        ("Mohamed el Amrani", PersonName("Mohamed", "M.", "el", "Amrani")),
        ("El Amrani, Mohamed", PersonName("Mohamed", "M.", "el", "Amrani")),
        ("Jan van 't Hof", PersonName("Jan", "J.", "van 't", "Hof")),
        ("van ’t Hof, Jan", PersonName("Jan", "J.", "van 't", "Hof")),
        ("P.J. de Vries", PersonName("", "P.J.", "de", "Vries")),
        ("PJ de Vries", PersonName("", "P.J.", "de", "Vries")),
        ("Anne-Marie Pieter Jansen-de Vries", PersonName("Anne-Marie Pieter", "A.P.", "", "Jansen-de Vries")),
        ("Jan Over", PersonName("Jan", "J.", "", "Over")),
        ("Over, Jan", PersonName("Jan", "J.", "", "Over")),
        ("de Vries", PersonName("", "", "de", "Vries")),
        ("Jansen", PersonName("", "", "", "Jansen")),
        ("  Sanne   de  Vries ", PersonName("Sanne", "S.", "de", "Vries")),
        ("Jo Voor de Berg", PersonName("Jo", "J.", "voor de", "Berg")),
        ("", PersonName()),
        (" , ", PersonName()),
    ],
)
def test_full_name_split(text, expected):
    assert split_name(text) == expected


@pytest.mark.parametrize("text, expected", [("p.j", "P.J."), ("P J", "P.J."), ("PJ.", "P.J."), ("", "")])
def test_voorletters_normalised(text, expected):
    assert normalise_voorletters(text) == expected


def test_initials_of_given_names():
    assert initials_of("Anne-Marie Pieter") == "A.P."
    assert initials_of("") == ""
