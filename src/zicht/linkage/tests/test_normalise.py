"""Dutch name and date normalisation for comparison (table-driven)."""

import pytest

from zicht.linkage import features, normalise


@pytest.mark.parametrize(
    "achternaam, tussenvoegsel, expected",
    [
        ("de Vries", "", ("de", "vries")),
        ("Vries", "de", ("de", "vries")),
        ("Vries, de", "", ("de", "vries")),
        ("Vries, P. de", "", ("de", "vries")),
        ("van der Berg", "", ("van der", "berg")),
        ("Berg, van den", "", ("van den", "berg")),
        ("vd Berg", "", ("vd", "berg")),
        ("Berg", "v.d.", ("v d", "berg")),
        ("van 't Hof", "", ("van 't", "hof")),
        ("Jansen-de Boer", "", ("", "jansen-de boer")),
        ("El Amrani", "", ("el", "amrani")),
        ("Śmiałek", "", ("", "smialek")),
        ("De", "", ("", "de")),  # a prefix alone is the surname
        ("", "van", ("van", "")),
    ],
)
def test_split_surname(achternaam, tussenvoegsel, expected):
    assert normalise.split_surname(achternaam, tussenvoegsel) == expected


@pytest.mark.parametrize(
    "variants",
    [
        ["Meijer", "Meyer", "Mijer", "Meier"],
        ["Jansen", "Janssen", "Janszen"],
        ["Pieterse", "Pietersze"],
        ["Visser", "Fisser"],
        ["Dijkstra", "Dykstra"],
        ["Bakker", "Backer"],
        ["Claassen", "Klaassen"],
        ["Huisman", "Huysman"],
        ["Hendriks", "Hendrikx", "Hendricks"],
        ["Smit", "Smid", "Smith"],
        ["Mohammed", "Mohamed"],
        ["Schouten", "Schoutten"],
    ],
)
def test_phonetic_variants_agree(variants):
    keys = {normalise.phonetic_nl(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("a, b", [("Jansen", "Jacobs"), ("Bakker", "Visser"), ("Smit", "Smits"), ("Jan", "Johan")])
def test_phonetic_keeps_different_names_apart(a, b):
    assert normalise.phonetic_nl(a) != normalise.phonetic_nl(b)


@pytest.mark.parametrize(
    "voornamen, first, initials",
    [
        ("Pieter Jan", "pieter", "pj"),
        ("P.J.", "", "pj"),
        ("P. J.", "", "pj"),
        ("Anne-Marie", "anne", "am"),
        ("Zoë", "zoe", "z"),
        ("van de Wouter", "wouter", "w"),  # "Molendam, van de, Wouter": the prefix is the surname's
        ("de W.", "", "w"),
        ("V. J.", "", "vj"),  # a one-letter V is an initial, not "v(an)"
        ("Van", "van", "v"),  # a lone word stays a given name
        ("", "", ""),
        (None, "", ""),
    ],
)
def test_given_names(voornamen, first, initials):
    assert normalise.first_given(voornamen) == first
    assert normalise.initials(voornamen) == initials


@pytest.mark.parametrize(
    "text, iso",
    [
        ("1985-03-12", "1985-03-12"),
        ("12-03-1985", "1985-03-12"),
        ("12/3/1985", "1985-03-12"),
        ("19850312", "1985-03-12"),
        ("1985-02-30", ""),  # impossible date
        ("onbekend", ""),
        ("", ""),
    ],
)
def test_parse_dob(text, iso):
    assert normalise.parse_dob(text) == iso


@pytest.mark.parametrize(
    "left, right, kind",
    [
        ("1985-03-12", "1985-03-12", "exact"),
        ("1985-03-12", "1985-12-03", "swap"),
        ("1985-03-12", "1986-03-12", "one_part"),
        ("1985-03-12", "1985-03-21", "one_part"),
        ("1985-03-12", "1958-12-03", "different"),
        ("1985-03-12", "1985-07-21", "year"),
        ("1985-03-12", "", "null"),
    ],
)
def test_dob_variant(left, right, kind):
    assert normalise.dob_variant(left, right) == kind


@pytest.mark.parametrize(
    "a, b, ok",
    [("abc", "abc", True), ("abc", "acb", True), ("abc", "ab", True), ("abc", "abd", True), ("abc", "cba", False), ("abc", "a", False)],
)
def test_damerau_le1(a, b, ok):
    assert normalise.damerau_le1(a, b) is ok


@pytest.mark.parametrize(
    "record, expected",
    [
        ({"voornamen": "Jan", "achternaam": "Jansen"}, "jan|jansen"),
        ({"voornamen": "Jansen", "achternaam": "Jan"}, "jan|jansen"),  # swapped: same key
        ({"voornamen": "J.", "achternaam": "Jansen"}, None),
    ],
)
def test_nameset_is_order_free(record, expected):
    assert features.record_features(record)["nameset"] == expected


def test_postcode_and_gender():
    assert normalise.normalise_postcode("5038 ab") == "5038AB"
    assert [normalise.normalise_gender(g) for g in ("M", "V", "F", "O", "", None)] == ["m", "v", "v", "", "", ""]
