"""Hard negatives: twins, jr./sr., namesakes, a parent's BSN — merge, no merge or review."""

import numpy as np
import pandas as pd
import pytest

from zicht.bench.linkage import hard_negative_merged
from zicht.linkage import comparisons, features, hard_negatives, normalise, veto
from zicht.linkage.engine import ModelParams, cluster_pairs
from zicht.linkage.matcher import Scored, arrival_cluster, without_borrowed_bsns
from zicht.linkage.reasons import REASONS, review_reason


def rec(
    voornamen=None,
    achternaam=None,
    dob=None,
    gender=None,
    pc=None,
    hnr=None,
    bsn=None,
    uid="x",
    datum="2023-03-01",
    kind_op=None,
    melding=None,
):
    return features.record_features(
        {
            "unique_id": uid,
            "voornamen": voornamen,
            "achternaam": achternaam,
            "geboortedatum": dob,
            "geslacht": gender,
            "postcode": pc,
            "huisnummer": hnr,
            "bsn_hash": bsn,
            "datum": datum,
            "kind_op": kind_op,
            "melding": melding,
        }
    )


@pytest.mark.parametrize(
    "a, b, explained",
    [
        ("1984-12-29", "1984-12-29", True),
        ("1980-03-12", "1980-12-03", True),  # day and month swapped
        ("1980-03-12", "1980-03-13", True),  # one digit
        ("1980-03-12", "1908-03-12", True),  # two adjacent digits transposed
        ("1980-03-12", "1980-03-29", True),  # a wrong day within a month
        ("1980-03-12", None, True),  # unknown: nothing to disagree on
        ("1984-12-29", "2012-05-01", False),  # mother and daughter
        ("1975-06-01", "2001-06-01", False),  # father and son, same birthday: two digits
        ("1980-03-12", "1980-07-25", False),
    ],
)
def test_dob_explained(a, b, explained):
    assert hard_negatives.dob_explained(a, b) is explained
    assert hard_negatives.dob_explained(b, a) is explained


@pytest.mark.parametrize(
    "voornamen, achternaam, marker, given, core",
    [
        ("Jan jr.", "Smit", "jr", "jan", "smit"),
        ("Jan", "Smit sr.", "sr", "jan", "smit"),
        ("Jan", "Smit, Sr", "sr", "jan", "smit"),
        ("J. Junior", "de Vries", "jr", "", "vries"),
        ("Jan", "de Jonge", "", "jan", "jonge"),  # a surname, not a marker
        ("Srikanth", "Jrasek", "", "srikanth", "jrasek"),
    ],
)
def test_generation_marker_read_off_and_kept_out_of_names(voornamen, achternaam, marker, given, core):
    assert normalise.generation_marker(voornamen, achternaam) == marker
    r = rec(voornamen, achternaam)
    assert (r["given1"] or "") == given and r["sn_core"] == core
    assert hard_negatives.generation(r) == marker


@pytest.mark.parametrize(
    "a, b, reason",
    [
        # twins: same surname, date of birth, address; another given name
        (rec("Joost", "Bos", "2010-04-01", "M", "1234AB", "5"), rec("Julian", "Bos", "2010-04-01", "M", "1234AB", "5"), "voornaam"),
        (rec("Emma", "Bos", "2010-04-01", "V"), rec("Thijs", "Bos", "2010-04-01", "M"), "geslacht"),
        (rec("P.", "Bos", "2010-04-01"), rec("Joost Pieter", "Bos", "2010-04-01"), None),  # initials fit (second name)
        (rec("K.", "Bos", "2010-04-01"), rec("Joost", "Bos", "2010-04-01"), "voornaam"),  # initials do not fit
        # jr./sr.: same names and address, another date of birth or a generation marker
        (rec("Jan", "Smit", "1975-06-01", "M", "1234AB", "5"), rec("Jan", "Smit", "2001-06-01", "M", "1234AB", "5"), "geboortedatum"),
        (rec("Jan jr.", "Smit", None, "M"), rec("Jan", "Smit sr.", None, "M"), "generatie"),
        (rec("Jan jr.", "Smit", "2001-06-01", "M"), rec("Jan", "Smit", "2001-06-01", "M"), None),  # one marker: no conflict
        # one person written otherwise: never a conflict
        (rec("Kees", "Smit", "1960-02-03", "M"), rec("Cornelis", "Smit", "1960-02-03", "M"), None),  # roepnaam
        (rec("Wil", "Smit", "1960-02-03"), rec("Willem", "Smit", "1960-02-03"), None),  # short form
        (rec("Mhike", "Vlierbroek", "2019-04-25"), rec("Meike", "Vlierbroek", "2019-04-25"), None),  # typo
        (rec("Pieter Jan", "Smit", "1960-02-03"), rec("Jan", "Smit", "1960-02-03"), None),  # second given name used
        (rec("Geest", "Lindsey", "2022-08-19"), rec("L.", "Geets", "2022-08-19"), None),  # names swapped on one side
        (rec("Pieter", "Vries", "1980-03-12", "M"), rec("Pieter", "Vries", "1980-12-03", "M"), None),  # day/month swap
        (rec(None, "Smit", None), rec("Jan", "Smit", "1975-06-01", "M"), None),  # nothing to disagree on
    ],
)
def test_conflict_table(a, b, reason):
    assert hard_negatives.conflict(a, b) == reason
    assert hard_negatives.conflict(b, a) == reason


@pytest.mark.parametrize(
    "a, b, same",
    [
        (rec("Anna", "Smit", "1970-01-01", bsn="h1"), rec("Anna", "Smit", "1971-01-01", bsn="h1"), True),  # a typo
        (rec("Anna", "Smit", "1970-01-01", bsn="h1"), rec("Anna", "Smit", "1970-05-07", bsn="h1"), True),  # wrong, same generation
        (rec("Anna", "Smit", "1970-01-01", bsn="h1"), rec("Lisa", "Smit", "2005-03-09", bsn="h1"), False),  # the mother's BSN
        (rec("Anna", "Smit", "1970-01-01", bsn="h1"), rec("Anna", "Smit", "1970-01-01", bsn="h2"), False),
        (rec("Anna", "Smit", "1970-01-01", bsn="h1"), rec("Anna", "Smit", "1970-01-01"), False),
    ],
)
def test_same_person_by_bsn(a, b, same):
    assert hard_negatives.same_person_by_bsn(a, b) is same


@pytest.mark.parametrize(
    "dob_else, given_else, rules",
    [
        (
            -6.9,
            -7.1,
            {"melding", "generatie", "leeftijd", "geslacht", "huishouden", "geboortedatum", "generatie_onbekend", "voornaam"},
        ),  # Dutch registrations with BSNs
        (
            -5.29,
            -5.50,
            {"melding", "generatie", "leeftijd", "geslacht", "huishouden", "geboortedatum", "generatie_onbekend", "voornaam"},
        ),  # a small Dutch registry (issue 19)
        (-3.0, -2.8, {"melding", "generatie", "leeftijd", "geslacht", "huishouden"}),  # FEBRL: dates and names mistyped by design
        (-1.9, -4.1, {"melding", "generatie", "leeftijd", "geslacht", "huishouden"}),  # Splink's fake_20000
        (-6.9, -4.1, {"melding", "generatie", "leeftijd", "geslacht", "huishouden", "geboortedatum", "generatie_onbekend"}),
    ],
)
def test_rules_switch_on_by_the_trained_weights(dob_else, given_else, rules):
    weights = {"geboortedatum": {-1: 0.0, 1: 5.0, 0: dob_else}, "voornaam": {-1: 0.0, 1: 5.0, 0: given_else}}
    assert hard_negatives.active_rules(weights) == rules


@pytest.mark.parametrize("shift", [-0.2, -0.05, 0.0, 0.05, 0.1, 0.2])
def test_a_few_missing_values_do_not_switch_a_rule(shift):
    """Issue 19: the small registry of the set-aside test trained the given-name weight at −5.50; its
    typos set aside (the values missing, as they should be) moved it to −5.45 and, with the gate at
    −5.5, the given-name rule went off (pairwise F1 0.976 → 0.957). Noise of that size must not switch a rule."""
    weights = {"geboortedatum": {-1: 0.0, 1: 5.0, 0: -5.29 + shift}, "voornaam": {-1: 0.0, 1: 5.0, 0: -5.50 + shift}}
    assert hard_negatives.active_rules(weights) == {
        "melding",
        "generatie",
        "leeftijd",
        "geslacht",
        "huishouden",
        "geboortedatum",
        "generatie_onbekend",
        "voornaam",
    }


# --------------------------------------------------------------------------- batch and arrival decide alike

COMPS = ("voornaam", "achternaam", "geboortedatum", "geslacht", "adres")


def _params() -> ModelParams:
    comps = [c for c in comparisons.ALL_COMPARISONS if c.name in COMPS]
    weights = {c.name: {-1: 0.0, **{g: 4.0 for g in range(1, len(c.levels) - 1)}, 0: -7.0} for c in comps}
    labels = {c.name: {(-1 if lv.is_null else len(c.levels) - 1 - i): lv.label for i, lv in enumerate(c.levels)} for c in comps}
    return ModelParams(-10.0, [c.name for c in comps], weights, labels, [])


# (records, scored links as (i, j, weight)) -> expected batch clusters as sets of record indices,
# and for the last record as an arrival: "join", "alone" or "review"
CASES = {
    "twins kept apart": (
        [rec("Joost", "Bos", "2010-04-01", "M", "1234AB", "5", uid="0"), rec("Julian", "Bos", "2010-04-01", "M", "1234AB", "5", uid="1")],
        [(0, 1, 12.0)],
        [{0}, {1}],
        "alone",
    ),
    "twin known by initial only: review": (
        [
            rec("Joost", "Bos", "2010-04-01", "M", "1234AB", "5", uid="0"),
            rec("Julian", "Bos", "2010-04-01", "M", "1234AB", "5", uid="1"),
            rec("J.", "Bos", "2010-04-01", "M", "1234AB", "5", uid="2"),
        ],
        [(0, 1, 12.0), (0, 2, 14.0), (1, 2, 14.0)],
        [{0}, {1}, {2}],
        "review",
    ),
    "jr. and sr. kept apart": (
        [
            rec("Jan", "Smit", "1975-06-01", "M", "1234AB", "5", uid="0"),
            rec("Jan", "Smit", "2001-06-01", "M", "1234AB", "5", uid="1"),
            rec("Jan jr.", "Smit", "2001-06-01", "M", "1234AB", "5", uid="2"),
        ],
        [(0, 1, 15.0), (0, 2, 10.0), (1, 2, 20.0)],
        [{0}, {1, 2}],
        "join",
    ),
    "parent's BSN on a child's registration": (
        [
            rec("Anna", "Smit", "1970-01-01", "V", "1234AB", "5", bsn="h1", uid="0"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", uid="1"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", bsn="h1", uid="2"),
        ],
        [(1, 2, 20.0), (0, 1, 2.0)],
        [{0}, {1, 2}],
        "join",
    ),
    "a parent's BSN on one of a child's registrations that also carry her own: one child": (
        [
            rec("Anna", "Smit", "1970-01-01", "V", "1234AB", "5", bsn="h1", uid="0"),
            rec("Anna", "Smit", "1970-01-01", "V", "1234AB", "5", bsn="h1", uid="1"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", bsn="h2", uid="2"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", bsn="h1", uid="3"),  # the mother's BSN
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", uid="4"),  # before: fitted two Lisas, linked to neither
        ],
        [(0, 1, 20.0), (2, 3, 20.0), (2, 4, 20.0), (3, 4, 20.0), (0, 3, 2.0)],
        [{0, 1}, {2, 3, 4}],
        "join",
    ),
    "namesake at another address with another household: kept apart": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1"),
            rec("Kees", "Bos", "2012-01-09", "M", "1234AB", "5", uid="2"),
            rec("Anna", "de Wit", "1979-11-30", "V", "5678CD", "9", uid="3"),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", uid="4"),
        ],
        [(0, 4, 14.0)],
        [{0}, {1}, {2}, {3}, {4}],
        "alone",
    ),
    "namesake living alone, named with an ex-partner; the other with his partner: two people (co-parties, review)": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0", datum="2023-01-10", melding="r1"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1", datum="2023-01-10", melding="r1"),
            rec("Ellen", "Kok", "1981-04-04", "V", "4444XX", "2", uid="2", datum="2023-06-01", melding="r2"),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", uid="3", datum="2023-06-01", melding="r2"),
        ],
        [(0, 3, 14.0)],
        [{0}, {1}, {2}, {3}],
        "alone",
    ),
    "moved in with someone new, named again with the former partner: one person (a shared co-party)": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0", datum="2023-01-10", melding="r1"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1", datum="2023-01-10", melding="r1"),
            rec("Sandra", "de Wit", "1983-02-02", "V", "5678CD", "9", uid="2", datum="2022-05-01", melding="r0"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="3", datum="2023-06-01", melding="r2"),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", uid="4", datum="2023-06-01", melding="r2"),
        ],
        [(0, 4, 14.0), (1, 3, 14.0)],
        [{0, 4}, {1, 3}, {2}],
        "join",
    ),
    "father and son of one name in one report, the son without date of birth: not the father": (
        [
            rec("Hans", "Klaverberg", "1963-02-20", "M", "5395BN", "2", uid="0", melding="r1"),
            rec("Hans", "Klaverberg", "1963-02-20", "M", "5395BN", "2", uid="1", melding="r2"),
            rec("Hans", "Klaverberg", None, "M", "5395BN", "2", bsn="h5", uid="2", melding="r2"),
        ],
        [(0, 1, 20.0), (0, 2, 12.0), (1, 2, 12.0)],
        [{0, 1}, {2}],
        "alone",
    ),
    "a family that moved together: one person": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0", datum="2023-01-10"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1", datum="2023-01-10"),
            rec("Marie", "Bos", "1982-07-01", "V", "5678CD", "9", uid="2", datum="2023-06-01"),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", uid="3", datum="2023-06-01"),
        ],
        [(0, 3, 14.0), (1, 2, 14.0)],
        [{0, 3}, {1, 2}],
        "join",
    ),
    "left the household to live alone: one person": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0", datum="2023-01-10"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1", datum="2023-01-10"),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", uid="2", datum="2023-06-01"),
        ],
        [(0, 2, 14.0)],
        [{0, 2}, {1}],
        "join",
    ),
    "one address after the other, other people at both, nobody at both: two people (review)": (
        [
            rec("Anna", "Bos", "1982-07-01", "V", "1234AB", "5", uid="0", datum="2023-01-10"),
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="1", datum="2023-01-10"),
            rec("Gerrit", "Smit", "1950-02-03", "M", "5678CD", "9", uid="2", datum="2022-05-01"),
            rec("Anna", "Bos", "1982-07-01", "V", "5678CD", "9", uid="3", datum="2023-06-01"),
        ],
        [(0, 3, 14.0)],
        [{0}, {1}, {2}, {3}],
        "alone",
    ),
    "moved in with her parents, after the last registration at the old address: one person": (
        [
            rec("Anna", "Bos", "1982-07-01", "V", "1234AB", "5", uid="0", datum="2023-01-10"),
            rec("Piet", "de Wit", "1980-02-03", "M", "1234AB", "5", uid="1", datum="2023-01-10"),
            rec("Gerrit", "Bos", "1950-02-03", "M", "5678CD", "9", uid="2", datum="2022-05-01"),
            rec("Anna", "Bos", "1982-07-01", "V", "5678CD", "9", uid="3", datum="2023-06-01"),
        ],
        [(0, 3, 14.0)],
        [{0, 3}, {1}, {2}],
        "join",
    ),
    "left her parents' home for a partner: one person": (
        [
            rec("Gerrit", "Bos", "1950-02-03", "M", "1234AB", "5", uid="0", datum="2022-05-01"),
            rec("Anna", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1", datum="2022-06-10"),
            rec("Piet", "de Wit", "1980-02-03", "M", "5678CD", "9", uid="2", datum="2023-01-10"),
            rec("Anna", "Bos", "1982-07-01", "V", "5678CD", "9", uid="3", datum="2023-06-01"),
        ],
        [(1, 3, 14.0)],
        [{0}, {1, 3}, {2}],
        "join",
    ),
    "other co-residents but no dates: one person": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0", datum=None),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1", datum=None),
            rec("Anna", "de Wit", "1979-11-30", "V", "5678CD", "9", uid="2", datum=None),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", uid="3", datum=None),
        ],
        [(0, 3, 14.0)],
        [{0, 3}, {1}, {2}],
        "join",
    ),
    "two households but the same BSN: one person": (
        [
            rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", bsn="h7", uid="0"),
            rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1"),
            rec("Anna", "de Wit", "1979-11-30", "V", "5678CD", "9", uid="2"),
            rec("Piet", "Bos", "1980-02-03", "M", "5678CD", "9", bsn="h7", uid="3"),
        ],
        [(0, 3, 14.0)],
        [{0, 3}, {1}, {2}],
        "join",
    ),
    "a son named as a child, no date of birth, no marker: not the father": (
        [
            rec("Jan", "Smit", "1975-06-01", "M", "1234AB", "5", uid="0"),
            rec("Jan", "Smit", None, "M", "1234AB", "5", uid="1", kind_op="2023-03-01"),
        ],
        [(0, 1, 12.0)],
        [{0}, {1}],
        "alone",
    ),
    "a child named as a child, born 2012: one person": (
        [
            rec("Jan", "Smit", "2012-06-01", "M", "1234AB", "5", uid="0"),
            rec("Jan", "Smit", None, "M", "1234AB", "5", uid="1", kind_op="2023-03-01"),
        ],
        [(0, 1, 12.0)],
        [{0, 1}],
        "join",
    ),
    "a child's registration with the mother's BSN arriving: it joins the child, as in the batch": (
        [
            rec("Anna", "Smit", "1970-01-01", "V", "1234AB", "5", bsn="h1", uid="0"),
            rec("Anna", "Smit", "1970-01-01", "V", "1234AB", "5", bsn="h1", uid="1"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", bsn="h2", uid="2"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", uid="3"),
            rec("Lisa", "Smit", "2005-03-09", "V", "1234AB", "5", bsn="h1", uid="4"),  # the mother's BSN, arriving last
        ],
        [(0, 1, 20.0), (2, 3, 20.0), (2, 4, 20.0), (3, 4, 20.0), (0, 4, 2.0)],
        [{0, 1}, {2, 3, 4}],
        "join",
    ),
    "no date of birth beside a father written sr. and his son named as a child: review": (
        [
            rec("B. sr.", "Bos", "1999-04-20", "M", "3871RZ", "140", uid="0"),
            rec("Bryan", "Bos", "2021-07-20", "M", "3871RZ", "140", uid="1", kind_op="2023-02-07"),
            rec("Bryan", "Bos", None, "M", "3871RZ", "140", uid="2"),  # the father or the son: nothing says which
        ],
        [(0, 1, 6.0), (0, 2, 8.0), (1, 2, 12.0)],
        [{0}, {1}, {2}],
        "review",
    ),
    "no date of birth beside a father and a son born a generation apart: review": (
        [
            rec("Hugo", "Noordbrugge", "1991-12-05", "M", "8350XL", "138", uid="0"),
            rec("Hugo", "Noordbrugge", "2022-05-30", "M", "8350XL", "138", uid="1"),
            rec("Hjugo", "Noordbrugge", None, "M", "8350XL", "138", uid="2"),
        ],
        [(0, 1, 9.0), (0, 2, 12.0), (1, 2, 8.0)],
        [{0}, {1}, {2}],
        "review",
    ),
    "no date of birth beside a father written sr. (a son of the name exists): review": (
        [
            rec("Robert", "Houtberg sr.", "1974-03-04", "M", "2560HW", "66", uid="0"),
            rec("Robert", "Houtberg", None, "M", "2560HW", "66", uid="1"),
        ],
        [(0, 1, 12.0)],
        [{0}, {1}],
        "review",
    ),
    "no date of birth, but the father's BSN, beside the father and the son: the father": (
        [
            rec("Jan", "Smit", "1975-06-01", "M", "1234AB", "5", bsn="h1", uid="0"),
            rec("Jan jr.", "Smit", "2001-06-01", "M", "1234AB", "5", uid="1"),
            rec("Jan", "Smit", None, "M", "1234AB", "5", bsn="h1", uid="2"),
        ],
        [(0, 1, 6.0), (0, 2, 12.0), (1, 2, 12.0)],
        [{0, 2}, {1}],
        "join",
    ),
    "no date of birth beside one person of the name: linked": (
        [
            rec("Jan", "Smit", "1975-06-01", "M", "1234AB", "5", uid="0"),
            rec("Marie", "Smit", "2001-06-01", "V", "1234AB", "5", uid="1"),
            rec("Jan", "Smit", None, "M", "1234AB", "5", uid="2"),
        ],
        [(0, 2, 12.0)],
        [{0, 2}, {1}],
        "join",
    ),
    "twins with a mistyped surname, one known by initial: kept apart": (
        [
            rec("Sofie", "Schouen", "2012-04-04", "V", "8030SL", "62", uid="0"),
            rec("I.", "Schouten", "2012-04-04", "V", "8030SL", "62", uid="1"),
        ],
        [(0, 1, 12.0)],
        [{0}, {1}],
        "alone",
    ),
    "sr. without date of birth, linked more strongly to the son it conflicts with: the father": (
        [
            rec("Luka", "Heidehout", "1999-11-11", "M", "7651ER", "39", uid="0"),
            rec("Luka", "Heidehout", "2020-03-02", "M", "7651ER", "39", uid="1", kind_op="2023-05-01"),
            rec("Luka sr.", "Heidehout", None, "M", "7651ER", "39", uid="2"),
        ],
        [(0, 1, 5.0), (0, 2, 10.0), (1, 2, 12.0)],
        [{0, 2}, {1}],
        "join",
    ),
    "a typo is one person": (
        [rec("Meike", "Bos", "2019-04-25", "V", uid="0"), rec("Mhike", "Bos", "2019-04-25", "V", uid="1")],
        [(0, 1, 12.0)],
        [{0, 1}],
        "join",
    ),
}


def _batch(records, links):
    feats = pd.DataFrame(records)
    ids = feats["unique_id"].tolist()
    pairs = pd.DataFrame(
        {
            "unique_id_l": [ids[i] for i, _, _ in links],
            "unique_id_r": [ids[j] for _, j, _ in links],
            "match_weight": [w for *_, w in links],
            "bsn_hash_l": [records[i]["bsn_hash"] for i, _, _ in links],
            "bsn_hash_r": [records[j]["bsn_hash"] for _, j, _ in links],
        }
    )
    labels = cluster_pairs(feats, pairs, 0.0, {}, params=_params(), veto_weight=-10.0, ambiguity_margin=3.0)
    out: dict = {}
    for k, uid in enumerate(ids):
        out.setdefault(labels[uid], set()).add(k)
    return sorted(out.values(), key=min)


def _arrival(records, links):
    """The last record arriving after the others were linked as the batch links them (services.link_person's rule)."""
    *before, new = records
    n = len(records) - 1
    old_links = [(i, j, w) for i, j, w in links if j < n]
    clusters = _batch(before, old_links) if before else []
    cluster_of = {k: ci for ci, members in enumerate(clusters) for k in members}
    params = _params()
    levels = veto.veto_levels(params, -10.0)
    comps = comparisons.model_comparisons(params)
    scored = [Scored(i, w, {}) for i, j, w in links if j == n]

    def address(r):
        return (r["pc"], r["hnr"]) if r["pc"] and r["hnr"] else None

    occupants: dict = {}
    parties: dict = {}  # report id -> clusters named in it (the co-parties, as services._Households reads them)
    for k, r in enumerate(before):
        if address(r):
            occupants.setdefault(address(r), set()).add(cluster_of[k])
        for rid in hard_negatives.report_ids(r["reports"]):
            parties.setdefault(rid, set()).add(cluster_of[k])

    def household_conflict(c):
        """As services._Households: the new address against the cluster's other addresses."""
        seen: dict = {}
        days: dict = {}
        for m in clusters[c]:
            if address(before[m]):
                seen.setdefault(address(before[m]), set()).update({before[m]["bsn_hash"]} - {None})
                if before[m]["seen"] is not None:
                    days.setdefault(address(before[m]), []).append(before[m]["seen"])
        here = address(new)
        if here is None or here in seen:
            return False
        mine = {new["bsn_hash"]} - {None}
        own = (new["seen"], new["seen"]) if new["seen"] is not None else None
        return any(
            hard_negatives.household_conflict(
                occupants.get(here, set()) - {c},
                occupants[a] - {c},
                mine,
                b,
                span_a=own,
                span_b=(min(days[a]), max(days[a])) if days.get(a) else None,
                party_a=hard_negatives.co_parties([new["reports"]], parties, c),
                party_b=hard_negatives.co_parties([before[m]["reports"] for m in clusters[c] if address(before[m]) == a], parties, c),
                parent=any(
                    hard_negatives.parent_among(
                        [before[m] for m in clusters[c]] + [new],
                        [r for k, r in enumerate(before) if address(r) == x and cluster_of[k] != c],
                    )
                    for x in (here, a)
                ),
            )
            for a, b in seen.items()
        )

    # as services.link_person: BSNs read over every registration sharing them, then the one cluster decision
    effective = without_borrowed_bsns(list(records))
    new_eff, before_eff = effective[-1], effective[:-1]
    members = {c: [before_eff[m] for m in ms] for c, ms in enumerate(clusters)}
    neighbours = [before_eff[k] for k, r in enumerate(before) if address(r) and address(r) == address(new)]
    target, _merges, ambiguous = arrival_cluster(
        new_eff, scored, cluster_of.get, members, comps, levels, margin=3.0, household_conflict=household_conflict, neighbours=neighbours
    )
    return "review" if ambiguous else ("alone" if target is None else "join")


@pytest.mark.parametrize("name", sorted(CASES))
def test_hard_negative_cases_batch_and_arrival(name):
    records, links, clusters, arrival = CASES[name]
    assert _batch(records, links) == clusters
    assert _arrival(records, links) == arrival
    # incremental equals batch: the arrival joins a cluster exactly when the batch puts the last record with others
    last = len(records) - 1
    with_others = any(last in c and len(c) > 1 for c in clusters)
    assert (arrival == "join") == with_others


def test_different_valid_bsns_never_share_a_cluster():
    rng = np.random.default_rng(4)
    for _ in range(30):
        n = 8
        bsn = [f"h{k}" if k is not None else None for k in rng.choice([0, 1, 2, None], size=n)]
        records = [rec("Jan", "Smit", "1975-06-01", "M", "1234AB", "5", bsn=b, uid=str(i)) for i, b in enumerate(bsn)]
        links = [(i, j, float(rng.uniform(-2, 30))) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.6]
        for members in _batch(records, links):
            assert len({bsn[m] for m in members if bsn[m]}) <= 1


def test_hard_negative_merged_share():
    truth = [1, 1, 2, 3, 4]
    labels = [10, 10, 10, 11, 12]  # person 2 put on person 1's record; 3 and 4 apart
    out = hard_negative_merged(truth, labels, [(1, 2, "twin"), (3, 4, "twin"), (1, 9, "namesake_dob")])
    assert out == {"twin": {"pairs": 2, "merged": 1, "share_merged": 0.5}}


@pytest.mark.parametrize(
    "co_a, co_b, bsn_a, bsn_b, conflict",
    [
        ({1, 2}, {3}, set(), set(), True),  # a family at one address, another household at the other: a namesake
        ({1, 2}, {2, 5}, set(), set(), False),  # the partner seen at both addresses: the family moved
        ({1, 2}, set(), set(), set(), True),  # alone at one address, but seen at both in one period: two people
        (set(), set(), set(), set(), True),  # nobody else known anywhere, seen at both in one period: two people
        ({1, 2}, {3}, {"h1"}, {"h1"}, False),  # the same BSN on both sides: one person
        ({1, 2}, {3}, {"h1"}, set(), True),  # a BSN on one side only says nothing
        (set(range(1, 12)), {3}, set(), set(), False),  # eleven others at one address: no household (a shelter)
    ],
)
def test_household_conflict(co_a, co_b, bsn_a, bsn_b, conflict):
    assert hard_negatives.household_conflict(co_a, co_b, bsn_a, bsn_b, span_a=(1, 9), span_b=(5, 5)) is conflict


@pytest.mark.parametrize(
    "span_a, span_b, conflict",
    [
        ((100, 200), (150, 300), True),  # seen at both addresses in one period: two people
        ((100, 200), (200, 200), True),  # one day shared
        ((100, 200), (201, 400), False),  # all of one address before the other: a move (here to her parents)
        ((300, 400), (100, 120), False),
        (None, (100, 120), False),  # no dates on one side: nothing shows two households at one time
    ],
)
def test_household_conflict_reads_the_periods(span_a, span_b, conflict):
    assert hard_negatives.household_conflict({1, 2}, {3}, span_a=span_a, span_b=span_b, parent=True) is conflict


@pytest.mark.parametrize(
    "co_a, co_b, move_to_others, conflict",
    [
        ({1, 2}, set(), True, False),  # left the household to live alone (or the first of a family seen at the new address)
        ({1, 2}, set(), False, False),
        (set(), set(), False, False),  # alone at both: a move
        ({1, 2}, {3}, True, False),  # moved in with other people: a move (MOVE_TO_OTHERS, the default)
        ({1, 2}, {3}, False, True),  # ... or two people
        ({1, 2}, {2, 3}, False, False),  # a co-resident seen at both: a family that moved together
    ],
)
def test_household_conflict_one_address_after_the_other(co_a, co_b, move_to_others, conflict, monkeypatch):
    monkeypatch.setattr(hard_negatives, "MOVE_TO_OTHERS", move_to_others)
    assert hard_negatives.household_conflict(co_a, co_b, span_a=(100, 200), span_b=(201, 400)) is conflict
    # a parent at one of the addresses (a child leaving home, a victim back with her parents): always a move
    assert not hard_negatives.household_conflict(co_a, co_b, span_a=(100, 200), span_b=(201, 400), parent=True)


def test_household_conflict_default_reads_other_people_at_both_as_two():
    """Issue 16's decision (docs/linkage.md): one address after the other, other people at both and nobody at
    both is two people (the link waits in review with reason huishouden), unless one address holds a parent."""
    assert hard_negatives.MOVE_TO_OTHERS is False
    assert hard_negatives.household_conflict({1, 2}, {3}, span_a=(100, 200), span_b=(201, 400))
    assert not hard_negatives.household_conflict({1, 2}, {3}, span_a=(100, 200), span_b=(201, 400), parent=True)


@pytest.mark.parametrize(
    "person, others, parent",
    [
        ([rec("Anna", "Bos", "1982-07-01")], [rec("Gerrit", "Bos", "1950-02-03")], True),  # her father
        ([rec("Anna", "Bos", "1982-07-01")], [rec("Gerrit", "Smit", "1950-02-03")], False),  # another surname
        ([rec("Anna", "Bos", "1982-07-01")], [rec("Gerrit", "Bos", "1975-02-03")], False),  # seven years older: a partner or sibling
        ([rec("Anna", "Bos", None)], [rec("Gerrit", "Bos", "1950-02-03")], False),  # her date of birth unknown
        ([rec("Anna", "Bos", None), rec("A.", "Bos", "1982-07-01")], [rec("Gerrit", "Bos", "1950-02-03")], True),
        ([rec("Anna", "Bos", "1982-07-01")], [], False),
    ],
)
def test_parent_among(person, others, parent):
    assert hard_negatives.parent_among(person, others) is parent


def test_household_conflict_well_populated_threshold(monkeypatch):
    monkeypatch.setattr(hard_negatives, "MOVE_TO_OTHERS", False)
    one = {"span_a": (1, 9), "span_b": (10, 12)}
    assert hard_negatives.household_conflict({1}, {2}, min_each=1, **one)
    assert not hard_negatives.household_conflict({1}, {2}, min_each=2, **one)
    assert hard_negatives.household_conflict({1, 4}, {2, 3}, min_each=2, **one)


def test_household_pairs_reads_co_residents_per_cluster():
    records = [
        rec("Piet", "Bos", "1980-02-03", "M", "1234AB", "5", uid="0"),
        rec("Marie", "Bos", "1982-07-01", "V", "1234AB", "5", uid="1"),
        rec("Anna", "de Wit", "1979-11-30", "V", "5678CD", "9", uid="2"),
        rec("Piet", "Bos", "1980-02-03", "M", "5678 cd", "9", uid="3"),
    ]
    feats = pd.DataFrame(records)
    assert veto.household_pairs(feats, np.array([0, 1, 2, 0])) == [(0, 3)]  # Piet's two records: two households
    assert veto.household_pairs(feats, np.array([0, 1, 1, 0])) == []  # Marie and Anna one person: she moved with him
    assert veto.household_pairs(feats, np.array([0, 1, 2, 3])) == []  # nobody at two addresses


@pytest.mark.parametrize(
    "a, b, weight, household, reason",
    [
        (rec("Jan", "Smit", "1975-06-01", "M"), rec("Jan", "Smit", "1975-06-01", "M"), -2.0, False, "onzeker"),  # a weak match
        (rec("Jan sr.", "Smit", "1975-06-01", "M"), rec("Jan jr.", "Smit", None, "M"), 9.0, False, "generatie"),
        (rec("Anna", "Smit", "1970-01-01", "V"), rec("Anna", "Smit", "2001-09-30", "V"), 9.0, False, "geboortedatum"),
        (rec("Piet", "Bos", "1980-02-03", "M"), rec("Piet", "Bos", "1980-02-03", "M"), 14.0, True, "huishouden"),  # a namesake
        (rec("J.", "Bos", "2010-04-01", "M"), rec("Joost", "Bos", "2010-04-01", "M"), 14.0, False, "tegengehouden"),  # fits two
    ],
)
def test_review_reason(a, b, weight, household, reason):
    assert review_reason(a, b, weight, 0.0, hard_negatives.RULES, household=household) == reason
    assert REASONS[reason]  # every code has its Dutch text


@pytest.mark.parametrize(
    "dob, kind_op, conflict",
    [
        ("1975-06-01", "2023-03-01", True),  # named as a child at 47: the father of the same name
        ("2012-06-01", "2023-03-01", False),  # a child of ten
        ("2003-06-01", "2023-03-01", False),  # nineteen: an adult child named "kind", within the slack
        ("2000-06-01", "2023-03-01", True),  # twenty-two
        (None, "2023-03-01", False),  # no date of birth: nothing to compare
        ("1975-06-01", None, False),  # not named as a child
    ],
)
def test_age_conflict(dob, kind_op, conflict):
    child = rec("Jan", "Smit", None, "M", kind_op=kind_op)
    other = rec("Jan", "Smit", dob, "M")
    assert hard_negatives.age_conflict(child, other) is conflict
    assert hard_negatives.age_conflict(other, child) is conflict  # either order
    assert (hard_negatives.conflict(child, other) == "leeftijd") is conflict


@pytest.mark.parametrize(
    "bsn, dob, borrowed",
    [
        (["h1", "h1", "h1"], ["1980-01-01", "1980-01-01", "2015-05-05"], [False, False, True]),  # a parent's BSN on the child's record
        (["h1", "h1"], ["1980-01-01", "2015-05-05"], [False, True]),  # one each: the oldest owns it
        (["h1", "h1"], ["1980-01-01", "1980-10-01"], [False, False]),  # a typo, not a generation
        (["h1", "h1", "h2"], ["1980-01-01", None, "2015-05-05"], [False, False, False]),  # no date of birth: kept
        (["h1", "h1", "h1"], ["2015-05-05", "2015-05-05", "1980-01-01"], [False, False, True]),  # the majority owns it
        ([None, None], ["1980-01-01", "2015-05-05"], [False, False]),
    ],
)
def test_borrowed_bsn(bsn, dob, borrowed):
    assert hard_negatives.borrowed_bsn(bsn, dob).tolist() == borrowed


@pytest.mark.parametrize(
    "a, b, conflict",
    [
        ({"gen_given": "sr"}, {"gen_sn": "jr"}, True),  # jr. against sr.
        ({"gen_given": "sr"}, {"gen_given": "sr"}, False),
        ({"gen_given": "sr"}, {"kind_on": 738000}, True),  # sr. (a parent) against a registration naming a child
        ({"gen_given": "jr"}, {"kind_on": 738000}, False),  # jr. may well be the child
        ({"gen_sn": "sr", "seen": 738900}, {"dob": "2019-05-25"}, True),  # sr. on a day the other was four years old
        ({"gen_sn": "sr", "seen": 738900}, {"dob": "1985-05-25"}, False),
        ({"gen_sn": "sr"}, {"dob": "2019-05-25"}, False),  # no registration date: nothing to read
        ({}, {"dob": "2019-05-25", "kind_on": 738000}, False),
    ],
)
def test_generation_conflict(a, b, conflict):
    assert hard_negatives.generation_conflict(a, b) is conflict
    assert hard_negatives.generation_conflict(b, a) is conflict


@pytest.mark.parametrize(
    "party_a, party_b, evidence",
    [
        ({1, 2}, {2, 3}, "shared"),  # the same partner (or perpetrator, or child) named at both addresses: a move
        ({1}, {3}, "different"),  # both named with others, nobody in common: two people's lives
        ({1}, set(), None),  # a report naming only this person: no evidence
        (None, {3}, None),
    ],
)
def test_co_party_evidence(party_a, party_b, evidence):
    assert hard_negatives.co_party_evidence(party_a, party_b) == evidence
    assert hard_negatives.co_party_evidence(party_b, party_a) == evidence


@pytest.mark.parametrize(
    "co_a, co_b, party_a, party_b, span_b, parent, conflict",
    [
        # one address after the other, nobody else registered at the new one (a namesake living alone) ...
        ({1}, set(), {1}, {7}, (201, 400), False, True),  # ... named with someone else there: two people
        ({1}, set(), {1}, {1}, (201, 400), False, False),  # ... named with the same partner: a move
        ({1}, set(), {1}, set(), (201, 400), False, False),  # ... named alone: no evidence, a move as before
        ({1}, set(), {1}, {7}, (201, 400), True, False),  # ... a parent at one of the addresses: a move
        # other people at both, one period: two people, unless a co-party is shared
        ({1}, {3}, {1}, {3}, (150, 400), False, True),
        ({1}, {3}, {1, 5}, {3, 5}, (150, 400), False, False),
        # other people at both, one after the other: a shared co-party keeps the move (MOVE_TO_OTHERS False)
        ({1}, {3}, {1, 5}, {3, 5}, (201, 400), False, False),
        ({1}, {3}, {1}, {3}, (201, 400), False, True),
    ],
)
def test_household_conflict_reads_the_co_parties(co_a, co_b, party_a, party_b, span_b, parent, conflict):
    assert (
        hard_negatives.household_conflict(co_a, co_b, span_a=(100, 200), span_b=span_b, parent=parent, party_a=party_a, party_b=party_b)
        is conflict
    )


def test_co_parties_reads_every_report_of_the_group():
    parties = {"r1": {"p", "x"}, "r2": {"p", "y"}, "r3": {"z"}}
    assert hard_negatives.co_parties(["r1;r2", None, ""], parties, "p") == {"x", "y"}
    assert hard_negatives.report_ids("r2;r1") == {"r1", "r2"}
    assert features.report_key(" r2; r1;r1 ") == "r1;r2"
    assert features.report_key(None) is None


@pytest.mark.parametrize(
    "ra, rb, conflict",
    [
        ("r1", "r1", True),  # two parties of one report: two people
        ("r1;r2", "r2;r3", True),
        ("r1", "r2", False),
        (None, "r1", False),  # unknown: nothing to read
        ("", "", False),
    ],
)
def test_report_conflict(ra, rb, conflict):
    assert hard_negatives.report_conflict({"reports": ra}, {"reports": rb}) is conflict
    assert hard_negatives.conflict({"reports": ra}, {"reports": rb}) == ("melding" if conflict else None)
