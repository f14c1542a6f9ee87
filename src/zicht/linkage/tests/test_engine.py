"""The engine on a small fixed Dutch data set: Python twins equal Splink, incremental equals batch."""

import json
import logging

import numpy as np
import pandas as pd
import pytest

from zicht.linkage import config
from zicht.linkage.engine import ModelParams, cluster_pairs, features_frame, input_frame, link
from zicht.linkage.matcher import ArrayIndex, Matcher
from zicht.linkage.services import DEFAULT_MODEL
from zicht.registry.domain.bsn import is_valid_bsn
from zicht.synth.people import person_records

logging.getLogger("splink").setLevel(logging.ERROR)


def _data(hard: bool, reports: bool = True):
    df = person_records(1200, seed=5, noise=1.0, hard=hard)
    # a BSN hash stand-in: equal BSN, equal value (the test needs no key); a BSN failing the
    # 11-proef (a transposed one) is dropped, as the import does
    std = input_frame(df, "record_id", lambda b: b if is_valid_bsn(b) else None)
    if not reports:  # the set as before session 14: no report ids, so no co-parties and no report rule
        std = std.drop(columns=["melding"])
    return df, std, features_frame(std)


@pytest.fixture(scope="module")
def data():
    """Ordinary records: no twins beyond the population's, no BSN errors (``person_records(hard=False)``)."""
    return _data(hard=False)


@pytest.fixture(scope="module")
def hard_data():
    """With the hard negatives: twins, jr./sr., namesakes, a parent's BSN on a child's registration."""
    return _data(hard=True)


@pytest.fixture(scope="module")
def params():
    return ModelParams.from_dict(json.loads(DEFAULT_MODEL.read_text()))


@pytest.fixture(scope="module")
def batch(data, params):
    _, _, feats = data
    cfg = config.load()
    return link(feats, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"], params=params)


@pytest.fixture(scope="module")
def hard_data_without_reports():
    return _data(hard=True, reports=False)


@pytest.fixture(scope="module")
def hard_batch_without_reports(hard_data_without_reports, params):
    _, _, feats = hard_data_without_reports
    cfg = config.load()
    return link(feats, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"], params=params)


@pytest.fixture(scope="module")
def hard_batch(hard_data, params):
    _, _, feats = hard_data
    cfg = config.load()
    return link(feats, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"], params=params)


def test_python_comparisons_equal_splink(data, params, batch):
    """Every scored pair: the Python twin gives Splink's per-comparison weight and total."""
    _, _, feats = data
    matcher = Matcher(params, None, link_threshold=0, review_threshold=0)
    by_id = {r["unique_id"]: r for r in feats.astype(object).where(feats.notna(), None).to_dict("records")}
    assert len(batch.pairs) > 500
    for row in batch.pairs.to_dict("records"):
        scored = matcher.score(by_id[row["unique_id_l"]], by_id[row["unique_id_r"]])
        for name, (_, w) in scored.contributions.items():
            assert w == pytest.approx(row[f"mw_{name}"], abs=1e-6), name
        assert scored.weight == pytest.approx(row["match_weight"], abs=1e-6)


def test_quality_on_fixed_set(data, batch):
    df, std, _ = data
    from zicht.bench.linkage import pairwise_scores

    scores = pairwise_scores(df["cluster_id"], batch.labels.reindex(std["unique_id"]).to_numpy())
    assert scores["f1"] >= 0.95, scores


def _held_out(feats, pairs, cfg, model, seed: int, **cluster_options):
    """60 records held out at random; the rest clustered as the batch would, indexed, and a matcher on it."""
    rng = np.random.default_rng(seed)
    held_pos = sorted(rng.choice(len(feats), size=60, replace=False).tolist())
    held_ids = set(feats.iloc[held_pos]["unique_id"])
    rest = feats[~feats["unique_id"].isin(held_ids)].reset_index(drop=True)
    rest_pairs = pairs[~pairs["unique_id_l"].isin(held_ids) & ~pairs["unique_id_r"].isin(held_ids)]
    rest_labels = cluster_pairs(rest, rest_pairs, cfg["link_threshold"], {}, **cluster_options)
    index = ArrayIndex.build(rest, rest_labels.reindex(rest["unique_id"]).to_numpy(), model.rules)
    matcher = Matcher(model, index, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"])
    return held_pos, rest, rest_labels, index, matcher


def _arrival(feats, rest, pairs, pos: int, cfg, **cluster_options):
    """Held-out record ``pos`` as it arrives, its id, and its cluster-mates in the batch over (rest + it)."""
    rec = feats.iloc[pos].astype(object).where(feats.iloc[pos].notna(), None).to_dict()
    x = rec["unique_id"]
    sub = pd.concat([rest, feats.iloc[[pos]]], ignore_index=True)
    sub_pairs = pairs[pairs["unique_id_l"].isin(sub["unique_id"]) & pairs["unique_id_r"].isin(sub["unique_id"])]
    labels = cluster_pairs(sub, sub_pairs, cfg["link_threshold"], {}, **cluster_options)
    return rec, x, set(labels.index[labels == labels[x]]) - {x}


def test_incremental_equals_batch(data, params, batch):
    """Hold out records, index the rest, link each held-out record on arrival.

    The batch decision for a held-out record x is the batch over (rest + x): the same
    scored pairs restricted to those records, clustered by the same rule. The matcher
    must put x with exactly the batch's cluster-mates (or alone when the batch does).
    """
    _, std, feats = data
    cfg = config.load()
    held_pos, rest, rest_labels, index, matcher = _held_out(feats, batch.pairs, cfg, params, seed=3)
    checked_links = 0
    for pos in held_pos:
        rec, x, batch_mates = _arrival(feats, rest, batch.pairs, pos, cfg)
        result = matcher.match(rec)
        incremental_mates = set()
        for s in result.links:
            incremental_mates |= set(rest_labels.index[rest_labels == index.cluster_of(s.other)])
        assert incremental_mates == batch_mates, x
        checked_links += bool(batch_mates)
    assert checked_links > 20  # most held-out records do have a match: the test is not vacuous


def test_different_bsns_never_linked(data, batch):
    _, std, _ = data
    frame = pd.DataFrame({"label": batch.labels.reindex(std["unique_id"]).to_numpy(), "bsn": std["bsn_hash"].to_numpy()})
    per_cluster = frame.dropna().groupby("label")["bsn"].nunique()
    assert (per_cluster <= 1).all()


def _pair_set(pairs: pd.DataFrame) -> dict:
    return {
        frozenset((str(a), str(b))): round(float(w), 9)
        for a, b, w in zip(pairs["unique_id_l"], pairs["unique_id_r"], pairs["match_weight"])
    }


def test_predict_in_slices_scores_every_pair_once(data, params, batch):
    """Scoring the blocked pairs in slices (as on a large registry) gives exactly the one-slice result."""
    from zicht.linkage.engine import Engine

    _, _, feats = data
    engine = Engine(feats, params=params)
    try:
        sliced, compared = engine.predict(config.load()["review_threshold"], chunks=3)
    finally:
        engine.con.close()
    assert compared == batch.pairs_compared
    assert len(sliced) == len(batch.pairs)
    assert _pair_set(sliced) == _pair_set(batch.pairs)
    # compact columns: ids and BSN hashes are codes into the input's values, not strings per pair
    assert isinstance(sliced["unique_id_l"].dtype, pd.CategoricalDtype)
    assert sliced["bsn_hash_l"].notna().sum() > 0


def test_large_registry_trains_on_a_sample(data):
    """Above ``max_records`` the model is estimated on a sample and still links the whole set."""
    df, _, feats = data
    cfg = config.load()
    training = {**cfg["training"], "max_records": 800, "max_u_pairs": 1e5, "max_em_pairs": 1e5}
    result = link(feats, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"], train_kwargs=training)
    assert result.labels.index.size == len(feats)
    truth = df.set_index(df["record_id"].astype(str))["cluster_id"]
    lab = result.labels
    same_truth = (
        truth.reindex(result.pairs["unique_id_l"].astype(str)).to_numpy()
        == truth.reindex(result.pairs["unique_id_r"].astype(str)).to_numpy()
    )
    linked = result.pairs["match_weight"].to_numpy() >= cfg["link_threshold"]
    assert linked.sum() > 100
    assert same_truth[linked].mean() > 0.9  # links made with the sample-trained model are mostly true
    assert lab.nunique() < len(feats)


@pytest.mark.parametrize(
    "which",
    [
        "ordinary",
        "hard negatives",
        pytest.param(
            "hard negatives with reports",
            marks=pytest.mark.xfail(
                strict=False,
                reason="session 14, open: one of 60 held-out records differs. A 'sr.' registration without date of birth "
                "links equally to the father's and the son's records; the batch reads the ambiguity while the son's "
                "records are still in one cluster with a registration named in the same report (report rule: cannot "
                "be), arrival reads the final clusters where the son stands alone (could be): the batch links, arrival "
                "holds back. See docs/linkage.md, Session 14.",
            ),
        ),
    ],
)
def test_incremental_equals_batch_with_cluster_check(
    which, data, hard_data, hard_data_without_reports, params, batch, hard_batch, hard_batch_without_reports
):
    """As above, with the cluster check on both sides: veto between members, ambiguity margin.

    The batch over (rest + x) keeps vetoed records apart and leaves ambiguous records alone;
    ``choose_cluster`` must give x the same cluster-mates from the rest's clusters.
    """
    from zicht.linkage import hard_negatives, veto
    from zicht.linkage.comparisons import model_comparisons
    from zicht.linkage.matcher import arrival_cluster, without_borrowed_bsns

    _, _, feats = {"ordinary": data, "hard negatives": hard_data_without_reports}.get(which, hard_data)
    batch = {"ordinary": batch, "hard negatives": hard_batch_without_reports}.get(which, hard_batch)
    cfg = config.load()
    kw = {"params": params, "veto_weight": cfg["veto_weight"], "ambiguity_margin": cfg["ambiguity_margin"]}
    levels, comps = veto.veto_levels(params, cfg["veto_weight"]), model_comparisons(params)
    assert levels, "the shipped model has veto levels (a wholly different birth date, another gender)"
    held_pos, rest, rest_labels, index, matcher = _held_out(feats, batch.pairs, cfg, params, seed=4, **kw)
    recs = rest.astype(object).where(rest.notna(), None).to_dict("records")
    members: dict = {}
    occupants: dict = {}  # address -> clusters with a record there (the household rule's co-residents)
    parties: dict = {}  # report id -> clusters named in it (the co-parties)
    for rec, lab in zip(recs, rest_labels.reindex(rest["unique_id"]).to_numpy()):
        members.setdefault(lab, []).append(rec)
        if rec["pc"] and rec["hnr"]:
            occupants.setdefault((rec["pc"], rec["hnr"]), set()).add(lab)
        for rid in hard_negatives.report_ids(rec.get("reports")):
            parties.setdefault(rid, set()).add(lab)
    checked = 0
    rec_labels = rest_labels.reindex(rest["unique_id"]).to_numpy()

    def household_conflict(rec, c):
        """As services._Households: the new registration's address against the cluster's other addresses."""
        here = (rec["pc"], rec["hnr"]) if rec["pc"] and rec["hnr"] else None
        sides: dict = {}
        reports: dict = {}
        for m in members[c]:
            if m["pc"] and m["hnr"]:
                side = sides.setdefault((m["pc"], m["hnr"]), (set(), []))
                side[0].update({m["bsn_hash"]} - {None})
                if m["seen"] is not None:
                    side[1].append(m["seen"])
                reports.setdefault((m["pc"], m["hnr"]), []).append(m.get("reports"))
        if here is None or here in sides:
            return False
        own = (rec["seen"], rec["seen"]) if rec["seen"] is not None else None
        return any(
            hard_negatives.household_conflict(
                occupants.get(here, set()) - {c},
                occupants[a] - {c},
                {rec["bsn_hash"]} - {None},
                b,
                span_a=own,
                span_b=(min(days), max(days)) if days else None,
                party_a=hard_negatives.co_parties([rec.get("reports")], parties, c),
                party_b=hard_negatives.co_parties(reports.get(a, []), parties, c),
                parent=any(
                    hard_negatives.parent_among(
                        members[c] + [rec], [r for r, lab in zip(recs, rec_labels) if (r["pc"], r["hnr"]) == x and lab != c]
                    )
                    for x in (here, a)
                ),
            )
            for a, (b, days) in sides.items()
        )

    for pos in held_pos:
        rec, x, batch_mates = _arrival(feats, rest, batch.pairs, pos, cfg, **kw)
        # as services.link_person: BSNs read over every registration sharing them, one cluster decision (matcher.arrival_cluster)
        effective = without_borrowed_bsns([rec, *recs])
        new, by_id = effective[0], {r["unique_id"]: r for r in effective[1:]}
        eff_members = {c: [by_id[m["unique_id"]] for m in ms] for c, ms in members.items()}
        here = (rec["pc"], rec["hnr"]) if rec["pc"] and rec["hnr"] else None
        neighbours = [by_id[r["unique_id"]] for r in recs if here and (r["pc"], r["hnr"]) == here]
        result = matcher.match(new)
        blind_links = {}
        for s in result.links:
            other = by_id[index.record(int(s.other))["unique_id"]]
            if hard_negatives.generation_blind(other) and other["pc"] and other["hnr"]:
                at = (other["pc"], other["hnr"])
                around = [by_id[r["unique_id"]] for r in recs if (r["pc"], r["hnr"]) == at and r["unique_id"] != other["unique_id"]]
                blind_links[s.other] = (other, around + ([new] if at == here else []))
        target, merges, _ = arrival_cluster(
            new,
            result.links,
            index.cluster_of,
            eff_members,
            comps,
            levels,
            margin=cfg["ambiguity_margin"],
            household_conflict=lambda c, rec=rec: household_conflict(rec, c),
            neighbours=neighbours,
            blind_links=blind_links,
        )
        incremental_mates = set()
        for c in [target, *merges] if target is not None else []:
            incremental_mates |= set(rest_labels.index[rest_labels == c])
        assert incremental_mates == batch_mates, x
        checked += bool(batch_mates)
    assert checked > 20
