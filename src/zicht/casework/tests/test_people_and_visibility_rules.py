"""Table tests of the rules the casework pages apply: names, who counts as a child, who sees which
matches, which subject a help form is for, when a Meldcode step is overdue."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.casework.domain import people
from zicht.casework.domain.meldcode import is_overdue
from zicht.casework.domain.visibility import OrganisationScope, help_subject, match_organisations


@pytest.mark.parametrize(
    "parts, pk, name, initials",
    [
        (("Anna Maria", "van der", "Berg"), 1, "Anna Maria van der Berg", "A.M. vdB"),
        (("Tim", "", "Jansen"), 2, "Tim Jansen", "T. J"),
        (("Jan Piet Klaas", None, "Vries"), 3, "Jan Piet Klaas Vries", "J.P. V"),
        ((None, None, None), 4, "Persoon #4", "#4"),
        (("", "", "Bakker"), 5, "Bakker", "B"),
    ],
)
def test_names(parts, pk, name, initials):
    assert people.full_name(*parts, pk) == name
    assert people.initials(*parts, pk) == initials


@pytest.mark.parametrize(
    "age, roles, child",
    [
        (6, {"slachtoffer"}, True),
        (17, set(), True),
        (18, set(), False),  # the 18th birthday makes an adult
        (None, {"kind"}, True),  # reported as betrokken kind, birth date unknown
        (25, {"kind"}, True),  # the role wins over an age on record
        (None, {"pleger", "slachtoffer"}, False),
        (None, set(), False),
    ],
)
def test_who_counts_as_a_child(age, roles, child):
    assert people.is_child(age, roles) is child


def test_oldest_first_unknown_last():
    assert sorted([None, 6, 40, 17], key=people.oldest_first) == [40, 17, 6, None]


@pytest.mark.parametrize(
    "kind, codes, region, expected",
    [
        ("region", {"GM0855"}, "Midden-Brabant", OrganisationScope(frozenset({"GM0855"}), "Midden-Brabant")),
        ("region", {"GM0855", "GM0784"}, None, OrganisationScope(frozenset({"GM0855", "GM0784"}), None)),
        ("region", set(), "", OrganisationScope(frozenset(), None)),
        ("organisation", {"GM0855"}, "Midden-Brabant", None),  # a professional sees no inbox matches
        ("none", set(), None, None),
    ],
)
def test_which_organisations_make_a_match_visible(kind, codes, region, expected):
    assert match_organisations(kind, "region", codes, region) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"adres": "12"}, ("address", 12)),
        ({"huishouden": "7"}, ("household", 7)),
        ({"adres": "12", "huishouden": "7"}, ("address", 12)),
        ({"adres": "x1", "huishouden": "7"}, ("household", 7)),
        ({"adres": "-3"}, None),
        ({}, None),
    ],
)
def test_help_subject(params, expected):
    assert help_subject(params) == expected


@pytest.mark.parametrize(
    "vervolgdatum, overdue",
    [(None, False), (date(2026, 6, 14), True), (date(2026, 6, 15), False), (date(2026, 6, 16), False)],
)
def test_meldcode_follow_up_overdue(vervolgdatum, overdue):
    assert is_overdue(vervolgdatum, date(2026, 6, 15)) is overdue
