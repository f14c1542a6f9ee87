"""The cluster check over arrays (``veto_fast``) finds exactly the pairs of the reference (``veto``)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.linkage import comparisons, features, veto, veto_fast
from zicht.linkage.engine import ModelParams, features_frame
from zicht.linkage.tests.test_hard_negatives import CASES, _params, rec


def test_the_fast_path_was_checked_against_these_rules():
    """Fails when a rule of hard_negatives (or veto.conflicts) changed: check veto_fast.RULES and
    SAME_PERSON against the new rules, then re-pin (python -m zicht.linkage.veto_fast). Until
    then the batch runs the reference, so nothing diverges silently."""
    assert veto_fast.source_hashes() == veto_fast.PINNED
    assert set(veto_fast.RULES) == set(veto_fast.hard_negatives.RULES)
    assert veto_fast.is_current()


def _both(feats, labels, params=None, veto_weight=-10.0, max_component=400):
    params = params or _params()
    levels = veto.veto_levels(params, veto_weight)
    comps = comparisons.model_comparisons(params)
    ref = veto.conflicting_pairs(feats, np.asarray(labels), comps, levels, max_component)
    fast = veto_fast.conflicting_pairs(feats, np.asarray(labels), comps, levels, max_component)
    return ref, fast


def test_group_pairs_in_the_reference_order():
    groups = [[3, 1, 7], [0], [2, 5], [4, 6, 8, 9]]
    a, b = veto_fast.group_pairs(groups)
    expected = [(g[x], g[y]) for g in groups for x in range(len(g)) for y in range(x + 1, len(g))]
    assert list(zip(a.tolist(), b.tolist())) == expected
    assert veto_fast.group_pairs([]) == (pytest.approx(np.zeros(0)), pytest.approx(np.zeros(0)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_hard_cases_in_one_cluster(name):
    """Each hard case with all its records put in one cluster (every pair is read)."""
    records = CASES[name][0]
    feats = pd.DataFrame(records)
    ref, fast = _both(feats, np.zeros(len(records), dtype=int))
    assert fast == ref


def test_all_hard_cases_together_in_one_cluster():
    records = [dict(r, unique_id=f"{k}") for k, r in enumerate(r for case in CASES.values() for r in case[0])]
    feats = pd.DataFrame(records)
    ref, fast = _both(feats, np.zeros(len(records), dtype=int))
    assert ref  # the hard cases hold conflicts: the test reads something
    assert fast == ref
    # and cut short at a few records per cluster, as the reference cuts a pathological chain
    ref, fast = _both(feats, np.zeros(len(records), dtype=int), max_component=5)
    assert fast == ref


GIVEN = [None, "Jan", "Johannes", "J.", "Jan jr.", "Jan sr.", "Joost", "J. P.", "Piet", "Pieter Jan", "Kees", "Cornelis", "Jaap"]
SURNAME = [None, "Jansen", "de Jong", "Jong", "Bakker", "Jansen sr.", "Visser"]
DOB = [None, "1980-03-12", "1980-12-03", "1980-03-13", "1908-03-12", "2010-03-12", "1955-07-01", "2010-04-01", "1980-03-29"]
DATUM = [None, "2023-03-01", "2012-01-01", "2019-06-15"]


@st.composite
def dense_registry(draw):
    n = draw(st.integers(2, 24))
    records = []
    for k in range(n):
        records.append(
            rec(
                draw(st.sampled_from(GIVEN)),
                draw(st.sampled_from(SURNAME)),
                draw(st.sampled_from(DOB)),
                draw(st.sampled_from([None, "M", "V"])),
                draw(st.sampled_from([None, "1234AB", "1234AC"])),
                draw(st.sampled_from([None, "5", "7"])),
                bsn=draw(st.sampled_from([None, None, "h1", "h2"])),
                uid=str(k),
                datum=draw(st.sampled_from(DATUM)),
                kind_op=draw(st.sampled_from([None, None, "2015-05-01", "2023-03-01"])),
                melding=draw(st.sampled_from([None, "r1", "r2", "r1;r3", "r3"])),  # one report or several
            )
        )
    labels = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return pd.DataFrame(records), labels


def _mild_params() -> ModelParams:
    """Weights where the learned levels veto too (not only the hard-negative rules)."""
    p = _params()
    weights = {name: {g: (-12.0 if g == 0 else w) for g, w in levels.items()} for name, levels in p.weights.items()}
    return ModelParams(p.prior_weight, p.comparisons, weights, p.labels, p.rules)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dense_registry(), st.booleans(), st.sampled_from([400, 3]))
def test_random_dense_clusters(registry, learned, max_component):
    feats, labels = registry
    ref, fast = _both(feats, labels, params=_mild_params() if learned else None, max_component=max_component)
    assert fast == ref


def test_dense_synthetic_registry_as_categorical_features():
    """The engine's own feature frame (categoricals) of a dense synthetic registry, clustered by
    the truth with some persons merged: the hard cases of zicht.synth (twins, jr./sr., namesakes)."""
    from zicht.bench.linkage import load

    df, _ = load("synthetic", size=3000, seed=3, noise=1.0, exports=None, hard=True, density="city")
    feats = features_frame(df)
    truth = pd.factorize(df["truth"])[0]
    rng = np.random.default_rng(1)
    merged = rng.integers(0, truth.max() + 1, size=truth.max() + 1)  # each person into one of ~n/3 clusters
    labels = merged[truth] % max(1, truth.max() // 3)
    ref, fast = _both(feats, labels)
    assert len(ref) > 100
    assert fast == ref
    ref, fast = _both(feats, labels, params=_mild_params())
    assert fast == ref


@pytest.mark.parametrize("max_component", [400, 3])
def test_only_some_clusters_equals_the_reference_filtered_to_them(max_component):
    """``only=`` (whole clusters): exactly the reference's pairs within those clusters, in its order,
    plus the household rule's pairs over every cluster (suspects selected among those clusters alone)."""
    from zicht.bench.linkage import load

    df, _ = load("synthetic", size=3000, seed=3, noise=1.0, exports=None, hard=True, density="city")
    feats = features_frame(df)
    truth = pd.factorize(df["truth"])[0]
    rng = np.random.default_rng(2)
    merged = rng.integers(0, truth.max() + 1, size=truth.max() + 1)
    labels = merged[truth] % max(1, truth.max() // 3)
    params = _params()
    levels = veto.veto_levels(params, -10.0)
    comps = comparisons.model_comparisons(params)
    chosen = rng.choice(np.unique(labels), size=len(np.unique(labels)) // 4, replace=False)
    only = np.isin(labels, chosen)
    household = veto.household_pairs(feats, labels) if veto_fast.hard_negatives.HOUSEHOLD in levels.get(veto.HARD, ()) else []
    every = veto.conflicting_pairs(feats, labels, comps, levels, max_component)  # the household pairs come first
    ref = every[: len(household)] + [p for p in every[len(household) :] if only[p[0]]]
    fast = veto_fast.conflicting_pairs(feats, labels, comps, levels, max_component, only=only)
    assert len(ref) > 20
    assert fast == ref


def test_falls_back_to_the_reference_when_a_rule_changed(monkeypatch):
    records = CASES["twins kept apart"][0]
    feats = pd.DataFrame(records)
    called = []
    monkeypatch.setitem(veto_fast.PINNED, "conflict", "changed")
    monkeypatch.setattr(veto, "conflicting_pairs", lambda *a, **k: called.append(1) or [(0, 1)])
    params = _params()
    out = veto_fast.conflicting_pairs(feats, np.zeros(2, dtype=int), comparisons.model_comparisons(params), veto.veto_levels(params, -10.0))
    assert called and out == [(0, 1)]


def test_record_features_and_frame_columns_agree():
    """The fast path reads the columns of hard_negatives.COLUMNS: every one is a feature."""
    assert set(veto_fast.hard_negatives.COLUMNS) <= set(features.FEATURE_COLUMNS)
    for _, names, *_ in veto_fast.RULES.values():
        assert set(names) <= set(veto_fast.hard_negatives.COLUMNS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_clusters_equal_with_the_reference_check(seed, monkeypatch):
    """engine.cluster_pairs with the fast check (later passes reading only the clusters formed
    again) gives the clusters of the reference check reading every cluster in every pass."""
    from zicht.linkage import engine

    records = [dict(r, unique_id=f"{k}") for k, r in enumerate(r for case in CASES.values() for r in case[0])]
    feats = pd.DataFrame(records)
    rng = np.random.default_rng(seed)
    n = len(records)
    links = [(i, j, float(rng.uniform(-2, 25))) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.08]
    pairs = pd.DataFrame(
        {
            "unique_id_l": [records[i]["unique_id"] for i, _, _ in links],
            "unique_id_r": [records[j]["unique_id"] for _, j, _ in links],
            "match_weight": [w for *_, w in links],
            "bsn_hash_l": [records[i]["bsn_hash"] for i, _, _ in links],
            "bsn_hash_r": [records[j]["bsn_hash"] for _, j, _ in links],
        }
    )

    def partition():
        labels = engine.cluster_pairs(feats, pairs, 0.0, {}, params=_params(), veto_weight=-10.0, ambiguity_margin=3.0)
        out: dict = {}
        for uid, lab in labels.items():
            out.setdefault(lab, set()).add(uid)
        return sorted(map(sorted, out.values()))

    fast = partition()
    monkeypatch.setattr(
        veto_fast, "conflicting_pairs", lambda feats, labels, comps, levels, only=None: veto.conflicting_pairs(feats, labels, comps, levels)
    )
    assert fast == partition()


@pytest.mark.parametrize("chunk", [1, 7, 2_000])
def test_borrowed_in_chunks_equals_one_call(chunk):
    """``engine.borrowed_in_chunks`` (the borrowed-BSN step per chunk of BSNs) marks exactly the
    records ``hard_negatives.borrowed_bsn`` marks over the whole registry in one call."""
    from zicht.bench.linkage import load
    from zicht.linkage.engine import borrowed_in_chunks

    df, _ = load("synthetic", size=4000, seed=2, noise=2.0, exports=None, hard=True, density="city")
    feats = features_frame(df)
    bsn, dob = feats["bsn_hash"].to_numpy(dtype=object), feats["dob"].to_numpy(dtype=object)
    rng = np.random.default_rng(chunk)
    # more borrowed BSNs than the data hold: a parent's BSN and date of birth put on random records
    parents = rng.choice(np.nonzero(pd.notna(bsn))[0], size=200)
    children = rng.choice(len(bsn), size=200)
    bsn[children] = bsn[parents]
    dob[children[: len(children) // 2]] = "2015-06-01"
    ref = veto_fast.hard_negatives.borrowed_bsn(bsn, dob)
    assert ref.sum() > 20
    assert (borrowed_in_chunks(bsn, dob, chunk=chunk) == ref).all()
