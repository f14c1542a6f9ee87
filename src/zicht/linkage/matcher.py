"""Incremental matching of one new record against everything already linked (no Django).

Why not a Splink run per record: starting DuckDB and planning a query costs more than the
20 ms budget. The trained model is just a table of per-level weights, the blocking rules
are equi-joins, so a sorted array of key digests per rule finds the same candidates the
batch would compare, and the comparisons' Python twins score them. Same features, same
candidates, same weights, same decision rule: the batch and the matcher agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import features, hard_negatives, veto
from .comparisons import Comparison, model_comparisons, rule_columns, rule_holds
from .engine import LINK, REVIEW, ModelParams, pair_decisions


def rule_key(feat: dict, rule) -> tuple | None:
    """The blocking key of a record under one rule, or None when a part is missing (SQL NULL never joins)."""
    parts = tuple(feat.get(c) for c in rule_columns(rule))
    if any(p is None or p == "" for p in parts):
        return None
    return parts


def shares_block(left: dict, right: dict, rules) -> bool:
    """Whether the batch compares these two records: equal key under some rule that also meets its conditions."""
    for rule in rules:
        key = rule_key(left, rule)
        if key is not None and key == rule_key(right, rule) and rule_holds(rule, left, right):
            return True
    return False


class ArrayIndex:
    """Per rule: sorted 64-bit key digests and the row each belongs to. ~16 bytes per row per rule."""

    def __init__(self, feats: pd.DataFrame, clusters: np.ndarray, rules, digests: dict, orders: dict):
        self.feats = feats.reset_index(drop=True)
        self.clusters = np.asarray(clusters)
        self.rules = [tuple(r) for r in rules]
        self.digests = digests
        self.orders = orders
        self._cols = {}
        for c in self.feats.columns:
            arr = self.feats[c].to_numpy(dtype=object)
            missing = pd.isna(arr)
            if missing.any():
                arr = arr.copy()
                arr[missing] = None
            self._cols[c] = arr
        self._items = list(self._cols.items())

    @classmethod
    def build(cls, feats: pd.DataFrame, clusters, rules) -> ArrayIndex:
        digests, orders = {}, {}
        for rule in rules:
            rule = tuple(rule)
            cols = [feats[c].to_numpy(dtype=object) for c in rule_columns(rule)]
            valid = np.ones(len(feats), dtype=bool)
            for arr in cols:
                valid &= pd.notna(arr)
            rows = np.nonzero(valid)[0]
            text = pd.Series(cols[0][rows]).astype(str)
            for arr in cols[1:]:
                text = text + "\x1f" + pd.Series(arr[rows]).astype(str)
            keys = features.key_digests(text.to_numpy(dtype=object))
            order = np.argsort(keys, kind="stable")
            digests[rule] = keys[order]
            orders[rule] = rows[order]
        return cls(feats, clusters, rules, digests, orders)

    def candidates(self, feat: dict) -> np.ndarray:
        found = []
        for rule in self.rules:
            key = rule_key(feat, rule)
            if key is None:
                continue
            d = features.key_digest(key)
            keys = self.digests[rule]
            lo = np.searchsorted(keys, d, side="left")
            hi = np.searchsorted(keys, d, side="right")
            if hi > lo:
                rows = self.orders[rule][lo:hi]
                # digests can collide: keep rows whose key really is equal (and that meet the rule's conditions)
                cols = rule_columns(rule)
                found.extend(
                    int(r)
                    for r in rows
                    if all(self._cols[c][r] == v for c, v in zip(cols, key))
                    and (cols == rule or rule_holds(rule, feat, self.record(int(r))))
                )
        return np.unique(np.asarray(found, dtype=np.int64))

    def record(self, row: int) -> dict:
        return {c: arr[row] for c, arr in self._items}

    def cluster_of(self, row: int):
        return self.clusters[row]


@dataclass
class Scored:
    other: object  # index row or id of the candidate
    weight: float
    contributions: dict = field(default_factory=dict)  # comparison → (label, weight)


@dataclass
class MatchResult:
    links: list[Scored]  # at or above the link threshold (equal BSN always)
    review: list[Scored]  # between the thresholds
    compared: int


class Matcher:
    def __init__(self, params: ModelParams, index, *, link_threshold: float, review_threshold: float):
        self.params = params
        self.index = index
        self.link_threshold = link_threshold
        self.review_threshold = review_threshold
        # the levels the trained model has (same labels, same order)
        self.comparisons: list[Comparison] = list(model_comparisons(params))

    def score(self, left: dict, right: dict) -> Scored:
        total = self.params.prior_weight
        parts = {}
        for comp in self.comparisons:
            g = comp.gamma(left, right)
            w = self.params.weights[comp.name][g]
            parts[comp.name] = (self.params.labels[comp.name][g], w)
            total += w
        return Scored(None, total, parts)

    def match(self, record_features: dict) -> MatchResult:
        rows = self.index.candidates(record_features)
        scored, other_bsn = [], []
        for row in rows:
            other = self.index.record(int(row))
            if other.get("unique_id") == record_features.get("unique_id"):
                continue
            s = self.score(record_features, other)
            s.other = int(row)
            scored.append(s)
            other_bsn.append(other.get("bsn_hash"))
        links, review = [], []
        if scored:  # the batch's decision per pair (engine.pair_decisions), then the cluster check
            decided = pair_decisions(
                [s.weight for s in scored],
                [record_features.get("bsn_hash")] * len(scored),
                other_bsn,
                self.link_threshold,
                self.review_threshold,
            )
            for s, d in zip(scored, decided):
                if d >= LINK:
                    links.append(s)
                elif d == REVIEW:
                    review.append(s)
        # strongest first, ties to the lowest row/id: the batch's clustering breaks ties the same way
        links.sort(key=lambda s: (-s.weight, s.other))
        review.sort(key=lambda s: (-s.weight, s.other))
        return MatchResult(links, review, len(rows))


def choose_cluster(links: list[Scored], cluster_of, fits, joinable, margin: float | None = None, anchored: bool = False, could_be=None):
    """The cluster a new record joins, the clusters it merges into it, and whether it is ambiguous.

    As the batch decides (strongest link first, conflicts kept apart, then ambiguity):
    clusters reached by a link are taken by their best link weight, strongest first; one is
    added to the group when the record ``fits`` it (no other BSN, no veto against a member)
    and it is ``joinable`` with every cluster already in the group. The first is the
    record's cluster, the rest are merges. With ``margin``, a record that also links to a
    cluster left out of the group with a best weight within ``margin`` of its own is
    ambiguous: it joins nothing (``(None, [], True)``) and its pairs go to review, unless
    it is ``anchored`` (it carries a BSN). With ``could_be`` (a predicate per cluster), only the
    clusters the record could be (no member conflicts with it: ``veto.fits_elsewhere`` in the
    batch) count: a "sr." registration linked strongly to the son's records is not ambiguous.
    """
    best: dict = {}
    first: dict = {}
    for s in links:
        c = cluster_of(s.other)
        if c not in best or s.weight > best[c]:
            best[c] = s.weight
        first[c] = min(first.get(c, s.other), s.other)
    order = sorted(best, key=lambda c: (-best[c], first[c]))
    group: list = []
    for c in order:
        if fits(c) and all(joinable(c, g) for g in group):
            group.append(c)
    if not group:
        return None, [], False
    if margin is not None and not anchored:
        own = best[group[0]]
        if any(best[c] >= own - margin for c in order if c not in group and (could_be is None or could_be(c))):
            return None, [], True
    return group[0], group[1:], False


def without_borrowed_bsns(records: list[dict]) -> list[dict]:
    """The records with a BSN that is someone else's (``hard_negatives.borrowed_among``: a parent's
    on a child's registration) read as absent, as ``engine.effective_bsn`` reads them in the batch.
    ``records`` should hold every registration sharing those BSNs; the others are returned as given."""
    borrowed = hard_negatives.borrowed_among(records)
    return [dict(r, bsn_hash=None) if i in borrowed else r for i, r in enumerate(records)]


def arrival_cluster(
    new: dict,
    links: list[Scored],
    cluster_of,
    members: dict,
    comps,
    levels: dict,
    *,
    margin: float | None = None,
    household_conflict=None,
    neighbours: list[dict] = (),
    blind_links: dict | None = None,
):
    """The cluster decision for one registration on arrival (``services.link_person``), with the rules
    the batch applies in ``engine.cluster_pairs``: ``(target, merges, ambiguous)`` as ``choose_cluster``.

    ``new`` and ``members`` (cluster -> feature dicts of its registrations) carry effective BSNs
    (``without_borrowed_bsns``). A cluster fits when no other BSN is in it, the household rule
    (``household_conflict(cluster)``, optional) does not say two people, and no member conflicts
    with the new registration (``veto.conflicts``, unless an equal BSN says one person). A
    registration without date of birth, marker or child role at an address where its name is
    known as two generations (``hard_negatives.generation_ambiguous`` over ``neighbours``, the
    other registrations at its address) fits the father and the son alike: linked to neither.
    The batch also drops every link of such a registration already linked (``veto.generation_unsure``):
    ``blind_links`` maps a linked registration without date of birth, marker or child role to
    (its features, the other registrations at its address, the new one included when it lives
    there); a link to one that fits two generations is not followed, unless the BSN is equal.
    """
    own_bsn = new.get("bsn_hash") or None
    rules = levels.get(veto.HARD) or ()
    if blind_links and margin is not None and hard_negatives.GENERATION_AMBIGUITY in rules:
        links = [
            s
            for s in links
            if s.other not in blind_links
            or (own_bsn and blind_links[s.other][0].get("bsn_hash") == own_bsn)
            or not hard_negatives.generation_ambiguous(*blind_links[s.other])
        ]

    def bsns(c):
        return {m["bsn_hash"] for m in members[c] if m.get("bsn_hash")}

    def fits(c):
        if own_bsn and bsns(c) and own_bsn not in bsns(c):
            return False
        if household_conflict is not None and household_conflict(c):
            return False
        return not any(veto.conflicts(new, m, comps, levels) for m in members[c] if not hard_negatives.same_person_by_bsn(new, m))

    def joinable(c1, c2):
        if len(bsns(c1) | bsns(c2)) > 1:
            return False
        return not any(
            veto.conflicts(a, b, comps, levels) for a in members[c1] for b in members[c2] if not hard_negatives.same_person_by_bsn(a, b)
        )

    def could_be(c):  # as veto.fits_elsewhere: no member conflicts with the new registration
        return not any(veto.conflicts(new, m, comps, levels) for m in members[c] if not hard_negatives.same_person_by_bsn(new, m))

    target, merges, unsure = choose_cluster(links, cluster_of, fits, joinable, margin, bool(own_bsn), could_be)
    if target is not None and margin is not None and hard_negatives.GENERATION_AMBIGUITY in rules:
        same_bsn = bool(own_bsn) and any(own_bsn in bsns(c) for c in [target, *merges])
        if not same_bsn and hard_negatives.generation_ambiguous(new, list(neighbours)):
            return None, [], True
    return target, merges, unsure
