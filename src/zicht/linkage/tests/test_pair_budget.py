"""Memory bounded by pairs (issue 16): pairs per blocking rule counted before predicting, rules within a budget."""

import pandas as pd
import pytest

from zicht.linkage.engine import rule_pairs, rules_within_budget
from zicht.synth.density import CITY, CITY_PC4, CITY_TAIL, city_pools
from zicht.synth.names import COMMON_SURNAMES, NamePools
from zicht.synth.people import person_records


def test_rule_pairs_counts_the_equi_join_without_forming_pairs():
    feats = pd.DataFrame(
        {
            "sn_ph": ["jong", "jong", "jong", "fris", None],
            "dob": ["1980-01-01", "1980-01-01", "1990-01-01", "1980-01-01", "1980-01-01"],
            "init1": ["j", "j", "j", "p", "j"],
        }
    )
    assert rule_pairs(feats, ("sn_ph",)) == 3  # three 'jong': 3 pairs; a missing value never joins
    assert rule_pairs(feats, ("sn_ph", "dob")) == 1
    assert rule_pairs(feats, ("dob",)) == 6  # four on one date
    assert rule_pairs(feats, ("sn_ph", "?one_without_given")) == 3  # conditions not read: an upper bound


@pytest.mark.parametrize(
    "counts, n, per_record, kept, dropped",
    [
        ({("a",): 50, ("b",): 40, ("c",): 30}, 10, 10.0, [("a",), ("b",)], [("c",)]),  # 50 + 40 ≤ 100 < 120
        ({("a",): 50, ("b",): 80, ("c",): 30}, 10, 10.0, [("a",), ("c",)], [("b",)]),  # a later, smaller rule still fits
        ({("a",): 500, ("b",): 1}, 10, 10.0, [("a",)], [("b",)]),  # the first rule is always kept, even over the budget
        ({("a",): 50, ("b",): 40}, 10, 0, [("a",), ("b",)], []),  # no budget: every rule
    ],
)
def test_rules_within_budget(counts, n, per_record, kept, dropped):
    got_kept, got_dropped = rules_within_budget(counts, n, per_record)
    assert list(got_kept) == kept and list(got_dropped) == dropped


def test_city_density_concentrates_surnames_and_postcodes():
    country = person_records(3000, seed=5)
    city = person_records(3000, seed=5, density="city")
    assert set(city["woonplaats"].dropna()) == {CITY}
    assert city["postcode"].str[:4].isin([str(p) for p in CITY_PC4]).all()
    assert country["postcode"].str[:4].nunique() > 4 * city["postcode"].str[:4].nunique()
    # the surname tail is cut to CITY_TAIL names; the common surnames keep their weights, the total stays 1
    pools = NamePools.build(5)
    dense = city_pools(pools).dutch_surnames
    assert len(dense.items) == len(COMMON_SURNAMES) + CITY_TAIL < len(pools.dutch_surnames.items)
    assert dense.cum_weights[len(COMMON_SURNAMES) - 1] == pytest.approx(pools.dutch_surnames.cum_weights[len(COMMON_SURNAMES) - 1])
    assert dense.cum_weights[-1] == pytest.approx(pools.dutch_surnames.cum_weights[-1])


def test_arrival_blocks_on_exactly_the_rules_the_batch_kept():
    """A rule left out for the pair budget is left out on arrival too: the stored model carries the
    rules kept (``ModelParams.rules``) beside all it was trained with (``trained_rules``), and the
    matcher's block test (``shares_block``) holds for exactly the pairs the batch compared."""
    from zicht.bench.linkage import load
    from zicht.linkage import config
    from zicht.linkage.engine import ModelParams, features_frame, link
    from zicht.linkage.matcher import shares_block

    df, _ = load("synthetic", size=1500, seed=2, noise=1.0, exports=None, hard=True, density="city")
    feats = features_frame(df)
    cfg = config.load()
    kwargs = dict(link_threshold=cfg["link_threshold"], review_threshold=-1e9, veto_weight=cfg.get("veto_weight"))
    full = link(feats, train_kwargs=cfg.get("training"), pair_budget_per_record=None, **kwargs)
    assert full.rules["left_out"] == []
    result = link(feats, params=full.params, pair_budget_per_record=3.0, **kwargs)
    dropped = result.rules["left_out"]
    assert dropped  # the budget leaves rules out at this density
    kept = ["+".join(r) for r in result.params.rules]
    assert not set(dropped) & set(kept)
    assert result.params.trained_rules == full.params.rules
    stored = ModelParams.from_dict(result.params.to_dict())
    assert stored.rules == result.params.rules and stored.trained_rules == full.params.rules
    # a later batch with the stored model budgets again from every trained rule
    assert link(feats, params=stored, pair_budget_per_record=None, **kwargs).params.rules == full.params.rules
    # every pair the batch compared (review threshold -1e9: all of them), and no other, shares a kept block
    recs = feats.astype(object).where(feats.notna(), None).to_dict("records")
    pos = {r["unique_id"]: k for k, r in enumerate(recs)}
    compared = {
        tuple(sorted((pos[a], pos[b]))) for a, b in zip(result.pairs["unique_id_l"].astype(str), result.pairs["unique_id_r"].astype(str))
    }
    assert len(compared) == result.pairs_compared
    n = len(recs)
    blocked = {(i, j) for i in range(n) for j in range(i + 1, n) if shares_block(recs[i], recs[j], result.params.rules)}
    assert blocked == compared
    # with every trained rule arrival would find more pairs than this batch compared
    assert any(shares_block(recs[i], recs[j], full.params.rules) for i in range(n) for j in range(i + 1, n) if (i, j) not in compared)


@pytest.mark.parametrize("per_slice", [True, False])
def test_predict_in_slices_scores_every_pair_once(per_slice, monkeypatch):
    """Blocking per slice of left-hand records (or once, then slicing the pairs) gives exactly the
    pairs and weights of one predict over everything."""
    import json

    import numpy as np

    from zicht.linkage import engine
    from zicht.linkage.default_model import PATH
    from zicht.linkage.engine import Engine, ModelParams, features_frame, input_frame

    feats = features_frame(input_frame(person_records(1200, seed=4, density="city"), "record_id", lambda b: f"h{b}"))
    params = ModelParams.from_dict(json.loads(PATH.read_text()))
    monkeypatch.setattr(engine, "BLOCK_PER_SLICE", per_slice)

    def scored(chunks):
        e = Engine(feats, params=params)
        try:
            pairs, total = e.predict(-5.0, chunks=chunks)
        finally:
            e.con.close()
        key = pairs["unique_id_l"].astype(str) + "|" + pairs["unique_id_r"].astype(str)
        return total, pairs.assign(key=key.to_numpy()).sort_values("key").reset_index(drop=True)

    total_1, one = scored(1)
    total_3, three = scored(3)
    assert total_3 == total_1 > 0
    assert len(one) == len(three) > 0
    assert one["key"].tolist() == three["key"].tolist()
    assert np.allclose(one["match_weight"].to_numpy(), three["match_weight"].to_numpy())


def test_column_input_equals_the_record_input():
    """The benchmark's column input (generated in a child process, text as categoricals) holds the
    values of the record input, the same hard-negative pairs, and gives the same features."""
    from zicht.bench.linkage import load, load_columns
    from zicht.linkage.engine import features_frame

    cols, harness = load_columns(1500, seed=2, density="city")
    recs, _ = load("synthetic", size=1500, seed=2, noise=1.0, exports=None, hard=True, density="city")
    assert isinstance(cols["voornamen"].dtype, pd.CategoricalDtype)
    assert harness["child_cpu_seconds"] > 0 and harness["input_frame_mb"] > 0

    def plain(frame):
        return frame.astype(object).where(frame.notna(), None)

    pd.testing.assert_frame_equal(plain(cols), plain(recs), check_dtype=False)
    assert cols.attrs == recs.attrs and cols.attrs["hard_negatives"]
    pd.testing.assert_frame_equal(plain(features_frame(cols)), plain(features_frame(recs)), check_dtype=False)


@pytest.mark.parametrize("budget, slices", [(None, 1), (None, 3), (3.0, 2)])
def test_integer_blocking_finds_splinks_pairs(budget, slices):
    """Blocking on integer key codes (``engine.blocking_sql``) gives exactly the pairs of Splink's
    blocking SQL on the feature strings, each once, in the same orientation, under the same rule;
    with all rules and with rules left out for a pair budget, in one slice or several."""
    from zicht.bench.linkage import load
    from zicht.linkage import config
    from zicht.linkage import engine as eng
    from zicht.linkage.engine import Engine, features_frame, link, rule_pairs

    df, _ = load("synthetic", size=1500, seed=2, noise=1.0, exports=None, hard=True, density="city")
    feats = features_frame(df)
    cfg = config.load()
    params = link(feats, link_threshold=0.0, review_threshold=-1e9, train_kwargs=cfg.get("training"), pair_budget_per_record=None).params
    engine = Engine(feats, params=params)
    counts = {tuple(r): rule_pairs(feats, r) for r in engine.rules}
    kept, dropped = eng.rules_within_budget(counts, len(feats), budget)
    assert bool(dropped) == (budget is not None)
    engine.keep_rules(kept)
    splink = engine.linker.inference.compute_blocked_pairs_for_predict()
    expected = engine.con.execute(f"SELECT match_key, join_key_l, join_key_r FROM {splink.physical_name}").df()
    # the per-slice tables predict builds, read back instead of scored
    engine.con.execute(
        "CREATE TABLE keys_all AS SELECT unique_id, rid, CAST((abs(hash(unique_id)) % "
        + str(slices)
        + ") + 1 AS INTEGER) AS slice, "
        + ", ".join(f"k{engine._keys[tuple(r)]} AS k{j}" for j, r in enumerate(engine.rules))
        + ", init1 FROM zicht_block_keys"
    )
    got = pd.concat(
        [engine.con.execute(eng.blocking_sql(engine.rules, "keys_all", i + 1 if slices > 1 else None)).df() for i in range(slices)]
    )
    assert len(expected) > 1000
    key = ["match_key", "join_key_l", "join_key_r"]
    assert not got.duplicated(["join_key_l", "join_key_r"]).any()
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True), expected.sort_values(key).reset_index(drop=True), check_dtype=False
    )


@pytest.mark.parametrize("chunks", [1, 3])
def test_predict_on_integer_keys_equals_splinks_blocking(chunks, monkeypatch):
    """Predict with the integer-key blocking and the positions looked up in DuckDB gives exactly the
    scored pairs (ids, BSN hashes, weights) of predict with Splink's own blocking and a lookup in Python."""
    import json

    import numpy as np

    from zicht.linkage import engine
    from zicht.linkage.default_model import PATH
    from zicht.linkage.engine import Engine, ModelParams, features_frame, input_frame

    people = person_records(1200, seed=4, density="city")
    feats = features_frame(input_frame(people, "record_id", lambda b: f"h{b}"))
    params = ModelParams.from_dict(json.loads(PATH.read_text()))

    def scored(integer):
        monkeypatch.setattr(engine, "INTEGER_BLOCKING", integer)
        e = Engine(feats, params=params)
        assert (e._keys is not None) == integer
        try:
            pairs, total = e.predict(-5.0, chunks=chunks)
        finally:
            e.con.close()
        frame = pd.DataFrame({c: pairs[c].astype(object) for c in ("unique_id_l", "unique_id_r", "bsn_hash_l", "bsn_hash_r")})
        frame["match_weight"] = pairs["match_weight"].to_numpy()
        key = ["unique_id_l", "unique_id_r"]
        return total, frame.sort_values(key).reset_index(drop=True)

    total_int, ours = scored(True)
    total_splink, theirs = scored(False)
    assert total_int == total_splink > 0
    assert len(ours) == len(theirs) > 100 and ours["bsn_hash_l"].notna().any()
    pd.testing.assert_frame_equal(ours.drop(columns="match_weight"), theirs.drop(columns="match_weight"))
    assert np.allclose(ours["match_weight"].to_numpy(), theirs["match_weight"].to_numpy())
