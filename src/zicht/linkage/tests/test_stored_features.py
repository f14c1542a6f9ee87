"""Persisted features (issue 13 item 6): the fast path (digests, NumPy) against the reference (decrypted
records, ``Comparison.gamma``) on fixed data.

Every level the digests decide gives the reference's gamma; where a text similarity leaves a level
open, the reference's weight lies within the bounds. Then a candidate dropped by the fast path
(highest possible weight below the review threshold) is one the reference drops too.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from zicht.linkage import features, stored_features
from zicht.linkage.comparisons import ALL_COMPARISONS, model_comparisons
from zicht.linkage.engine import ModelParams, features_frame, input_frame
from zicht.linkage.matcher import Matcher, shares_block
from zicht.linkage.services import DEFAULT_MODEL
from zicht.synth.people import person_records

SECRET = b"test-key"


@pytest.fixture(scope="module")
def data():
    people = person_records(600, seed=3)
    frame = input_frame(people, "record_id", lambda b: f"h{b}")
    frame["unique_id"] = frame["unique_id"].astype(int)
    frame["straat"] = None
    feats = features_frame(frame)
    recs = [features.record_features(r) for r in frame.astype(object).where(frame.notna(), None).to_dict("records")]
    params = ModelParams.from_dict(json.loads(DEFAULT_MODEL.read_text()))
    # the pairs the batch compares (sharing a block) and as many random pairs (mostly 'anders')
    rng = np.random.default_rng(5)
    pairs = [(i, j) for i in range(len(recs)) for j in range(i + 1, len(recs)) if shares_block(recs[i], recs[j], params.rules)]
    pairs += [tuple(sorted(p)) for p in rng.integers(0, len(recs), size=(len(pairs), 2)) if p[0] != p[1]]
    rows = stored_features.rows_from_frame(feats, SECRET)
    idx = np.asarray(pairs)
    left = stored_features.frame_arrays(rows, idx[:, 0])
    right = stored_features.frame_arrays(rows, idx[:, 1])
    return recs, pairs, params, left, right


def test_every_level_has_a_vectorised_twin():
    for comp in ALL_COMPARISONS:
        assert {lv.label for lv in comp.levels} <= set(stored_features.LEVELS[comp.name]), comp.name


def test_decided_levels_equal_the_reference_and_open_ones_bound_it(data):
    recs, pairs, params, left, right = data
    assert len(pairs) > 1500
    for comp in model_comparisons(params):
        # a model of this comparison alone whose weight is the level's gamma: the bounds are gammas
        one = ModelParams(0.0, [comp.name], {comp.name: {g: float(g) for g in params.weights[comp.name]}}, params.labels, params.rules)
        lo, hi, exact = stored_features.bounds(left, right, one)
        truth = np.array([comp.gamma(recs[i], recs[j]) for i, j in pairs], dtype=float)
        assert np.all(lo <= truth) and np.all(truth <= hi), comp.name
        assert np.array_equal(truth[exact], lo[exact]), comp.name
        # decided without any text: at least 40 % (given names differ in most random pairs, and
        # Jaro-Winkler between two different names is what the digests cannot decide)
        assert exact.mean() > 0.4, comp.name
        if comp.name in ("geboortedatum", "geslacht"):
            assert exact.all()  # no text similarity in these: every pair decided


def test_total_weights_lie_within_the_bounds_and_drop_only_what_the_reference_drops(data):
    recs, pairs, params, left, right = data
    lo, hi, exact = stored_features.bounds(left, right, params)
    matcher = Matcher(params, None, link_threshold=8.0, review_threshold=0.0)
    truth = np.array([matcher.score(recs[i], recs[j]).weight for i, j in pairs])
    assert np.all(lo <= truth + 1e-9) and np.all(truth <= hi + 1e-9)
    assert np.allclose(truth[exact], lo[exact], rtol=0, atol=1e-9)
    review = 0.0
    dropped = hi < review
    assert dropped.any() and (truth >= review).any()
    assert not np.any(truth[dropped] >= review)  # nothing the reference keeps is dropped


def test_stored_rows_hold_no_readable_value(data):
    people = person_records(50, seed=4)
    frame = input_frame(people, "record_id", lambda b: f"h{b}")
    frame["unique_id"] = frame["unique_id"].astype(int)
    rows = stored_features.rows_from_frame(features_frame(frame), SECRET)
    assert list(rows.columns) == ["person_id", *stored_features.COLUMNS]
    assert all(str(dt) == "int64" for dt in rows.dtypes)
    years = pd.to_numeric(frame["geboortedatum"].str[:4], errors="coerce")
    present = years.notna().to_numpy()
    assert not np.any(rows["dob_yi"].to_numpy()[present] == years.to_numpy()[present])  # shifted, not the year
    other = stored_features.rows_from_frame(features_frame(frame), b"another-key")
    assert not np.any((rows["given1"] == other["given1"]) & (rows["given1"] != 0))  # keyed: another key, other digests


def test_the_sketch_bound_is_never_below_jaro_winkler():
    """``jw_upper`` over real and garbled names (the generator's typos): never below rapidfuzz's value,
    and below 0.8 for most unrelated pairs (what makes it worth storing)."""
    from zicht.linkage.comparisons import jw

    people = person_records(400, seed=9)
    names = [n.lower() for n in pd.concat([people["voornamen"], people["achternaam"], people["woonplaats"]]).dropna() if n]
    rng = np.random.default_rng(2)
    a = [names[i] for i in rng.integers(0, len(names), 4000)]
    b = [names[i] for i in rng.integers(0, len(names), 4000)]
    b[:1000] = [x[:-1] + "q" if len(x) > 2 else x for x in a[:1000]]  # near pairs too
    key = stored_features._secret(SECRET, b"sketch")
    la, lp = stored_features._sketches(np.array(a, dtype=object), key)
    ra, rp = stored_features._sketches(np.array(b, dtype=object), key)
    upper = stored_features.jw_upper(la, lp, ra, rp)
    truth = np.array([jw(x, y) for x, y in zip(a, b)])
    assert np.all(upper >= truth - 1e-12)
    assert (upper[1000:] < 0.8).mean() > 0.5
