"""The rules added for the registry path: m from BSN pairs, veto, ambiguity, one-word names, review order."""

import numpy as np
import pandas as pd
import pytest

from zicht.bench.linkage import excluded_summary, identifiable
from zicht.linkage import comparisons, features, labelled, priority, veto
from zicht.linkage.engine import ModelParams, rule_sql
from zicht.linkage.matcher import ArrayIndex, Scored, choose_cluster, shares_block


def rec(voornamen=None, achternaam=None, dob=None, gender=None, pc=None, hnr=None, bsn=None, uid="x"):
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
        }
    )


# --------------------------------------------------------------------------- m from equal-BSN pairs


@pytest.mark.parametrize(
    "counts, gammas, expected",
    [
        ({2: 98, 1: 2}, [2, 1, 0], {2: 98.5 / 101.5, 1: 2.5 / 101.5, 0: 0.5 / 101.5}),  # unseen level: pseudo-count
        ({}, [1, 0], {1: 0.5, 0: 0.5}),  # no pairs at all: uniform
        ({1: 10, 0: 10}, [1, 0], {1: 0.5, 0: 0.5}),
    ],
)
def test_smoothed_m(counts, gammas, expected):
    m = labelled.smoothed_m(counts, gammas)
    assert m == pytest.approx(expected)
    assert sum(m.values()) == pytest.approx(1.0)


def test_bsn_pairs_are_all_and_only_equal_bsn_pairs():
    bsn = ["a", None, "a", "b", "", "a", "c", "b"]
    left, right = labelled.bsn_pairs(bsn, max_pairs=100)
    assert sorted(zip(left.tolist(), right.tolist())) == [(0, 2), (0, 5), (2, 5), (3, 7)]
    left, right = labelled.bsn_pairs(bsn, max_pairs=2, seed=3)
    assert len(left) == 2 and all(bsn[a] == bsn[b] for a, b in zip(left, right))


def test_level_counts_skip_null_pairs():
    recs = [rec(dob="1980-03-12"), rec(dob="1980-12-03"), rec(), rec(dob="1980-03-12")]
    counts, n = labelled.level_counts(comparisons.DOB, recs, [0, 0, 0], [1, 2, 3])
    assert n == 2  # the pair with a missing date says nothing about m
    labels = [lv.label for lv in comparisons.DOB.levels if not lv.is_null]
    names = {labels[len(labels) - 1 - g]: k for g, k in counts.items()}
    assert names == {"gelijk": 1, "dag en maand verwisseld": 1}


# --------------------------------------------------------------------------- veto


def params_for(weights: dict[str, dict[int, float]]) -> ModelParams:
    comps = [c for c in comparisons.ALL_COMPARISONS if c.name in weights]
    labels = {c.name: {(-1 if lv.is_null else len(c.levels) - 1 - i): lv.label for i, lv in enumerate(c.levels)} for c in comps}
    return ModelParams(-10.0, [c.name for c in comps], weights, labels, [])


DOB_ELSE, GENDER_ELSE = 0, 0
PARAMS = params_for(
    {
        "geboortedatum": {-1: 0.0, **{g: 1.0 for g in range(1, 7)}, DOB_ELSE: -13.0},
        "geslacht": {-1: 0.0, 1: 1.0, GENDER_ELSE: -12.0},
        "voornaam": {-1: 0.0, **{g: 1.0 for g in range(1, 7)}, 0: -7.8},
    }
)


def test_veto_levels_are_learned_weights_below_the_veto():
    hard = {
        "melding",  # two parties of one report: always (no weight gates it)
        "generatie",
        "leeftijd",
        "geslacht",
        "geboortedatum",
        "voornaam",
        "huishouden",
        "generatie_onbekend",  # with the date rule: a registration that fits two generations of its name
    }  # dates and given names: weights at or below -5.5
    assert veto.veto_levels(PARAMS, -10.0) == {"geboortedatum": {DOB_ELSE}, "geslacht": {GENDER_ELSE}, veto.HARD: hard}
    assert veto.veto_levels(PARAMS, -15.0) == {veto.HARD: hard}


@pytest.mark.parametrize(
    "a, b, conflict",
    [
        (rec("Nicole", "Hammeberg", "1984-12-29", "V"), rec("Lisa", "Hammeberg", "2012-05-01", "V"), True),  # mother, daughter
        (rec("Ivan", "Vlierburg", "1988-09-06", "M"), rec("Iva", "Vlierburg", "1988-09-06", "V"), True),  # another gender
        (rec("Pieter", "Vries", "1980-03-12", "M"), rec("P.", "Vries", "1980-12-03", "M"), False),  # day/month swapped
        (rec(None, "Hammeberg", None, "V"), rec("Lisa", "Hammeberg", "2012-05-01", "V"), False),  # nothing to disagree on
        # twins: the learned weight (-7.8) is no veto, but it switches the given-name rule on (hard_negatives)
        (rec("Joost", "Hammestein", "2023-01-14", "M"), rec("Julian", "Hammestein", "2023-01-14", "M"), True),
        (rec("Joost", "Hammestein", "2023-01-14", "M"), rec("Jost", "Hammestein", "2023-01-14", "M"), False),  # a typo
    ],
)
def test_conflicts(a, b, conflict):
    levels = veto.veto_levels(PARAMS, -10.0)
    assert veto.conflicts(a, b, comparisons.model_comparisons(PARAMS), levels) is conflict


def test_conflicting_pairs_only_inside_clusters_and_never_on_equal_bsn():
    feats = pd.DataFrame(
        [
            rec("Nicole", "Hammeberg", "1984-12-29", "V", uid="m"),
            rec(None, "Hammeberg", None, "V", uid="advies"),
            rec("Lisa", "Hammeberg", "2012-05-01", "V", uid="d"),
            rec("Anna", "Smit", "1970-01-01", "V", bsn="h1", uid="a1"),
            rec("Anna", "Smit", "1971-01-01", "V", bsn="h1", uid="a2"),  # same BSN: the same woman, a typo
            rec("Kees", "Smit", "1930-01-01", "M", uid="other"),  # another cluster
        ]
    )
    labels = np.array([0, 0, 0, 1, 1, 2])
    found = veto.conflicting_pairs(feats, labels, comparisons.model_comparisons(PARAMS), veto.veto_levels(PARAMS, -10.0))
    assert found == [(0, 2)]


@pytest.mark.parametrize(
    "links, identified, expected",
    [
        # advies (0) links to the mother (1, own cluster) at 8.2 and the daughter (2) at 8.2: ambiguous
        ([(0, 1, 8.2), (0, 2, 8.2)], None, [0]),
        # ... but 8.2 against 2.0 is clear (margin 3)
        ([(0, 1, 8.2), (0, 2, 2.0)], None, []),
        # a record with a BSN is who its BSN says
        ([(0, 1, 8.2), (0, 2, 8.2)], [True, False, False], []),
        # an equal-BSN (infinite) link anchors it as well
        ([(0, 1, np.inf), (0, 2, 8.2)], None, []),
    ],
)
def test_ambiguous(links, identified, expected):
    labels = np.array([0, 0, 1])  # node 0 was put with node 1; node 2 kept apart
    left, right, w = (np.array(x) for x in zip(*links))
    assert veto.ambiguous(labels, left, right, w, 3.0, identified).tolist() == expected


@pytest.mark.parametrize(
    "weights, fits, joinable, anchored, expected",
    [
        ({"a": 9.0, "b": 8.5}, {"a", "b"}, False, False, (None, [], True)),  # two people, cannot tell: nobody
        ({"a": 9.0, "b": 3.0}, {"a", "b"}, False, False, ("a", [], False)),  # clear winner
        ({"a": 9.0, "b": 8.5}, {"a", "b"}, True, False, ("a", ["b"], False)),  # the batch would merge them too
        ({"a": 9.0, "b": 8.5}, {"b"}, False, False, (None, [], True)),  # vetoed from a, nearly as close to a as to b
        ({"a": 9.0, "b": 8.5}, {"a", "b"}, False, True, ("a", [], False)),  # a BSN: never ambiguous
        ({"a": 9.0}, set(), False, False, (None, [], False)),  # the only cluster holds another BSN
    ],
)
def test_choose_cluster(weights, fits, joinable, anchored, expected):
    links = [Scored(other, w) for other, w in sorted(weights.items(), key=lambda kv: -kv[1])]
    got = choose_cluster(links, lambda o: o, lambda c: c in fits, lambda c1, c2: joinable, 3.0, anchored)
    assert got == expected


@pytest.mark.parametrize(
    "could_be, expected",
    [
        ({"a", "b"}, (None, [], True)),  # it could be either: nobody
        ({"b"}, ("b", [], False)),  # it conflicts with a (a "sr." and the son's records): it is b's
        (None, (None, [], True)),  # no predicate: every other cluster counts, as before
    ],
)
def test_choose_cluster_counts_only_clusters_the_record_could_be(could_be, expected):
    links = [Scored("a", 9.0), Scored("b", 8.5)]
    pred = None if could_be is None else (lambda c: c in could_be)
    assert choose_cluster(links, lambda o: o, lambda c: c == "b", lambda c1, c2: False, 3.0, False, pred) == expected


# --------------------------------------------------------------------------- one-word names and conditional rules


@pytest.mark.parametrize(
    "voornamen, achternaam, key",
    [
        ("Beau", "Westersloot", "beau"),  # the given name's key
        (None, "Beau", "beau"),  # an advies with one word, parsed as the surname
        ("B.", "Westersloot", None),  # an initial: the surname is a surname
        (None, None, None),
    ],
)
def test_word_key(voornamen, achternaam, key):
    assert rec(voornamen, achternaam)["word_ph"] == key


@pytest.mark.parametrize(
    "a, b, swapped",
    [
        (rec(None, "Beau"), rec("Beau", "Westersloot"), True),  # the one word is the other's given name
        (rec("Laagkamp", "Jan Albertus"), rec("Jan Albertus", "Laagkamp"), True),  # swapped, double given name
        (rec(None, "Hammeberg"), rec("Nicole", "Hammeberg"), False),  # a surname word is just the surname
        (rec("Anna", "Smit"), rec("Piet", "Jansen"), False),
    ],
)
def test_surname_swap_level(a, b, swapped):
    level = comparisons.SURNAME.levels[[lv.label for lv in comparisons.SURNAME.levels].index("voornaam en achternaam verwisseld")]
    assert level.py(a, b) is swapped and level.py(b, a) is swapped


ADDRESS_RULE = ("pc", "hnr", "sn_ph", "?one_without_given")


def test_conditional_rule_sql_and_python_agree():
    assert rule_sql(ADDRESS_RULE) == 'l.pc = r.pc AND l.hnr = r.hnr AND l.sn_ph = r.sn_ph AND (l."init1" IS NULL OR r."init1" IS NULL)'
    advies = rec(None, "Hammeberg", pc="5032BH", hnr="14", uid="advies")
    mother = rec("Nicole", "Hammeberg", "1984-12-29", "V", "5032BH", "14", uid="m")
    father = rec("Kees", "Hammeberg", "1980-01-01", "M", "5032BH", "14", uid="f")
    assert shares_block(advies, mother, [ADDRESS_RULE])
    assert not shares_block(father, mother, [ADDRESS_RULE])  # both have a given name: not this rule's pair
    feats = pd.DataFrame([mother, father])
    index = ArrayIndex.build(feats, np.array([0, 1]), [ADDRESS_RULE])
    assert index.candidates(advies).tolist() == [0, 1]
    assert index.candidates(rec("Nicole", "Hammeberg", None, "V", "5032BH", "14")).tolist() == []


# --------------------------------------------------------------------------- scoring the exports fairly


@pytest.mark.parametrize(
    "row, ok",
    [
        ({}, False),  # an anonymous advies
        ({"achternaam": "Rouwenhorst"}, False),  # one name word and nothing else
        ({"achternaam": "Jack", "geslacht": "M"}, False),
        ({"achternaam": "Hammeberg", "postcode": "5032BH", "huisnummer": "14"}, True),  # a word at an address
        ({"voornamen": "Jack", "achternaam": "Verheij"}, True),  # two names
        ({"achternaam": "Verheij", "geboortedatum": "2016-06-25"}, True),
        ({"bsn_hash": "h"}, True),
        ({"achternaam": "Verheij", "postcode": "5017AW"}, False),  # a postcode without a number is no address
    ],
)
def test_identifiable(row, ok):
    cols = ["voornamen", "achternaam", "geboortedatum", "geslacht", "bsn_hash", "postcode", "huisnummer"]
    df = pd.DataFrame([{c: row.get(c) for c in cols}])
    assert identifiable(df).tolist() == [ok]


def test_excluded_summary_counts_what_scoring_leaves_out():
    truth = [1, 1, 1, 2, 2]
    predicted = [10, 10, 11, 12, 12]
    keep = np.array([True, True, False, True, False])
    # true pairs 3 + 1 = 4, of which (0,1) kept: 3 left out; predicted pairs (0,1), (3,4): (3,4) left out, correct
    assert excluded_summary(truth, predicted, keep) == {"records": 2, "true_pairs": 3, "pairs_linked_by_method": 1, "of_which_correct": 1}


# --------------------------------------------------------------------------- review order


@pytest.mark.parametrize(
    "weight, hot_a, hot_b, tier",
    [
        (-0.5, False, False, priority.BAND),
        (8.0, False, False, priority.CLUSTER_CHECK),  # linked by the model, kept apart by the cluster check
        (-0.5, True, False, priority.URGENT),
        (8.0, False, True, priority.URGENT),
    ],
)
def test_review_tier(weight, hot_a, hot_b, tier):
    assert priority.tier(weight, 0.0, hot_a, hot_b) == tier


def test_review_order():
    pairs = [  # (id, tier, weight)
        (1, priority.BAND, -0.9),
        (2, priority.BAND, -0.1),
        (3, priority.URGENT, -0.8),
        (4, priority.CLUSTER_CHECK, 12.0),
        (5, priority.CLUSTER_CHECK, 1.0),
    ]
    order = sorted(pairs, key=lambda p: priority.sort_key(p[1], priority.boundary_distance(p[2], 0.0), p[0]))
    assert [p[0] for p in order] == [3, 5, 4, 2, 1]
