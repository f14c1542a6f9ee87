"""Clusters from scored pairs, never joining two different valid BSNs (pure, numpy/scipy only).

Why not plain connected components: one wrong link between two families would
chain them into one "person". Components are computed first (fast, scipy);
only components that hold more than one BSN hash are rebuilt greedily from
their strongest links (Kruskal), skipping any link that would join two BSNs —
which is the same as breaking the weakest links that cause the conflict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    bsn: list | np.ndarray,
    cannot_link: list[tuple[int, int]] | None = None,
    source: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster label per node 0..n-1 from links (left[i], right[i], weight[i]).

    ``bsn`` holds a hash or None/'' per node: two nodes with different non-empty
    hashes never share a cluster. ``cannot_link`` lists node pairs a person
    rejected: they never share a cluster either, whatever links lie between them.
    ``source`` (linking between deduplicated files only): a file label per node;
    two records of one file never share a cluster.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    weight = np.asarray(weight, dtype=float)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)

    bsn_arr = np.array([b if b else "" for b in bsn], dtype=object)
    # per node: its BSN hash (or '') and, per rejected pair k, which side (0/1) it is
    sides: dict[int, dict[int, int]] = {}
    for k, (a, b) in enumerate(cannot_link or []):
        sides.setdefault(int(a), {})[k] = 0
        sides.setdefault(int(b), {})[k] = 1
    conflicted = _conflicted_components(labels, bsn_arr, sides)
    if source is not None:
        source = np.asarray(source, dtype=object)
        per = pd.DataFrame({"c": labels, "s": source}).groupby("c")["s"].agg(["size", "nunique"])
        conflicted = sorted(set(conflicted) | {int(c) for c in per.index[per["size"] > per["nunique"]]})
    if not conflicted:
        return labels

    edge_mask = np.isin(labels[left], conflicted)
    nodes = np.nonzero(np.isin(labels, conflicted))[0]
    parent = {int(v): int(v) for v in nodes}
    comp_bsn = {int(v): bsn_arr[v] for v in nodes}
    comp_sides = {int(v): dict(sides.get(int(v), {})) for v in nodes}
    size = {int(v): 1 for v in nodes}
    comp_src = {int(v): frozenset((source[v],)) for v in nodes} if source is not None else None

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    idx = np.nonzero(edge_mask)[0]
    # strongest first; ties go to the lowest node numbers, as in the incremental matcher
    lo, hi = np.minimum(left[idx], right[idx]), np.maximum(left[idx], right[idx])
    order = idx[np.lexsort((hi, lo, -weight[idx]))]
    for e in order:
        a, b = find(int(left[e])), find(int(right[e]))
        if a == b:
            continue
        ba, bb = comp_bsn[a], comp_bsn[b]
        if ba and bb and ba != bb:
            continue  # the link that would join two BSNs is the one we break
        small, large = (a, b) if len(comp_sides[a]) <= len(comp_sides[b]) else (b, a)
        if any(comp_sides[large].get(k, side) != side for k, side in comp_sides[small].items()):
            continue  # ... or the one that would join a rejected pair
        if comp_src is not None:
            if comp_src[a] & comp_src[b]:
                continue  # ... or two records of one (deduplicated) file
            comp_src[a] = comp_src[b] = comp_src[a] | comp_src[b]
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        comp_bsn[a] = ba or bb
        merged = comp_sides[large]
        merged.update(comp_sides[small])
        comp_sides[a] = merged
    next_label = int(labels.max()) + 1
    root_label: dict[int, int] = {}
    for v in nodes:
        root = find(int(v))
        if root not in root_label:
            root_label[root] = next_label
            next_label += 1
        labels[v] = root_label[root]
    return labels


def _conflicted_components(labels: np.ndarray, bsn_arr: np.ndarray, sides: dict) -> list[int]:
    """Components holding two different BSN hashes or both ends of a rejected pair."""
    has = np.nonzero(bsn_arr != "")[0]
    out = set()
    if len(has):
        frame = pd.DataFrame({"c": labels[has], "b": bsn_arr[has]})
        n = frame.groupby("c")["b"].nunique()
        out.update(int(c) for c in n.index[n > 1])
    ends: dict[int, dict[int, int]] = {}
    for node, ks in sides.items():
        for k in ks:
            ends.setdefault(k, {})[ks[k]] = int(labels[node])
    for pair in ends.values():
        if len(pair) == 2 and pair[0] == pair[1]:
            out.add(pair[0])
    return sorted(out)


def pairs_from_labels(labels) -> set[tuple[int, int]]:
    """All within-cluster pairs (i < j) of a labelling: what pairwise precision/recall count."""
    groups: dict = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    out = set()
    for members in groups.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                out.add((members[x], members[y]))
    return out
