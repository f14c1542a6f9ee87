"""The additions for noisy sources: e-mail and date features, new levels, budgeted blocking, one record per file."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.linkage import comparisons, features
from zicht.linkage.clustering import cluster
from zicht.linkage.engine import features_frame


@pytest.mark.parametrize(
    "xid, local",
    [
        ("Roberta25@smith.net", "roberta25"),
        ("  ll.s14@thomas.info ", "ll.s14"),
        ("ab@x.nl", None),  # too short to say anything about a person
        ("4086030", None),  # not an e-mail address
        ("", None),
    ],
)
def test_email_local_part(xid, local):
    assert features.xid_features(xid)["xid_local"] == local


@pytest.mark.parametrize(
    "left, right, level",
    [
        ("1971-06-24", "1971-06-24", "gelijk"),
        ("1971-06-24", "1971-06-23", "één deel anders (tikfout)"),
        ("2002-10-13", "2002-09-12", "hooguit een maand verschil"),  # day and month both one off
        ("1999-12-31", "2000-01-01", "hooguit een maand verschil"),  # across a year boundary
        ("1998-09-28", "1999-10-28", "geboortejaar hooguit 2 verschil"),
        ("1989-01-11", "1999-02-09", "ander decennium, verder bijna gelijk"),
        ("1980-11-29", "1990-11-28", "ander decennium, verder bijna gelijk"),
        ("1950-01-01", "1990-11-28", "anders"),
    ],
)
def test_birth_date_levels(left, right, level):
    a, b = features.dob_features(left), features.dob_features(right)
    gamma = comparisons.DOB.gamma(a, b)
    labels = [lv.label for lv in comparisons.DOB.levels if not lv.is_null]
    assert labels[len(labels) - 1 - gamma] == level


@pytest.mark.parametrize(
    "left, right, level",
    [
        (("Harley", "Gregory"), ("Gregory", "Harley"), "voornaam en achternaam verwisseld"),
        (("Harley", "Gregory"), ("Harley", "Gregory"), "gelijk (met tussenvoegsel)"),
        (("Harley", "Gregory"), ("Jan", "Smit"), "anders"),
    ],
)
def test_surname_swapped_level(left, right, level):
    def feat(given, surname):
        return {**features.given_features(given), **features.surname_features(surname, None)}

    gamma = comparisons.SURNAME.gamma(feat(*left), feat(*right))
    labels = [lv.label for lv in comparisons.SURNAME.levels if not lv.is_null]
    assert labels[len(labels) - 1 - gamma] == level


def test_city_typo_level_between_same_town_and_else():
    def feat(city):
        return features.address_features(None, None, None, city)

    labels = [lv.label for lv in comparisons.ADDRESS.restricted({"city", "pc4"}).levels if not lv.is_null]
    comp = comparisons.ADDRESS.restricted({"city", "pc4"})
    assert labels[len(labels) - 1 - comp.gamma(feat("Glasgow"), feat("Glassgow"))] == "woonplaats bijna gelijk (tikfout)"
    assert labels[len(labels) - 1 - comp.gamma(feat("Leeds"), feat("Leeds"))] == "zelfde woonplaats of postcodegebied"
    assert labels[len(labels) - 1 - comp.gamma(feat("Leeds"), feat("Bristol"))] == "anders"


@pytest.mark.parametrize(
    "codes, pairs",
    [
        ([], 0),
        ([0, 0, 0], 3),
        ([0, 1, 0, 1, 1], 1 + 3),
        ([-1, -1, -1, 0], 0),  # missing keys never join
    ],
)
def test_block_pairs(codes, pairs):
    assert comparisons.block_pairs(np.array(codes, dtype=np.int64)) == pairs


def test_extra_rules_only_within_budget():
    """A rule whose blocks are big here is left out; a selective one is kept."""
    from zicht.linkage.engine import Engine

    def word(i):  # distinct letter strings: digits would vanish from the phonetic key
        return "n" + chr(97 + i // 26 % 26) + "o" + chr(97 + i % 26) + "a"

    n = 400
    rows = pd.DataFrame(
        {
            "unique_id": [str(i) for i in range(n)],
            "voornamen": [word(i % 200) for i in range(n)],  # two per given name
            "achternaam": [word(1000 + i) for i in range(n)],
            "geboortedatum": ["1980-01-01"] * n,  # everyone on one date: 'date alone' is quadratic
            "woonplaats": ["Tilburg"] * n,
        }
    )
    engine = Engine(features_frame(rows))
    chosen = engine.select_extra_rules(1.0)
    engine.con.close()
    assert ("dob",) not in chosen  # 79,800 pairs for 400 records
    assert ("dob", "init1") not in chosen  # every given name starts with an n
    assert ("given_ph", "dob_y") in chosen  # 200 blocks of two: 200 pairs
    assert ("nameset",) in chosen  # full names are unique: no pairs


@st.composite
def linked_files(draw):
    n = draw(st.integers(min_value=2, max_value=20))
    m = draw(st.integers(min_value=0, max_value=50))
    left = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    right = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    weight = draw(st.lists(st.floats(-5, 30, allow_nan=False), min_size=m, max_size=m))
    source = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    return n, left, right, weight, source


@settings(max_examples=200, deadline=None)
@given(linked_files())
def test_one_record_per_file_in_link_only_clusters(g):
    n, left, right, weight, source = g
    labels = cluster(n, np.array(left), np.array(right), np.array(weight), [None] * n, source=np.array(source, dtype=object))
    frame = pd.DataFrame({"label": labels, "source": source})
    assert (frame.groupby("label")["source"].agg(lambda s: s.duplicated().any()) == False).all()  # noqa: E712


def test_one_record_per_file_keeps_the_strongest_link():
    # a1-b1 strong, a2-b1 weaker: b1 goes with a1, a2 stays alone
    labels = cluster(
        3, np.array([0, 2]), np.array([1, 1]), np.array([20.0, 3.0]), [None] * 3, source=np.array(["a", "b", "a"], dtype=object)
    )
    assert labels[0] == labels[1] != labels[2]
