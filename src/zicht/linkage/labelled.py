"""m-probabilities from the pairs the registry itself knows to be one person: equal BSN hashes (no Django).

Why: EM on a registry of families cannot tell "same person" from "same household". Parents,
children and twins share surname, address and often a first initial, so EM's match class
absorbs them and learns that a true match has a completely different date of birth in
8 % of pairs (weight −3.5 where the truth is below −12). Registrations that carry the same
valid BSN are certain matches that the registry holds anyway — no external labels — so the
share of those pairs at each comparison level is a direct estimate of m. u stays from
random sampling. Levels never seen among the BSN pairs get a small pseudo-count rather than
m = 0 (which would be an absolute veto no finite evidence could outweigh).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PSEUDO_COUNT = 0.5  # per level: Jeffreys' prior for a multinomial share
MIN_PAIRS = 500  # fewer BSN pairs than this: keep EM's m (too little evidence per level)
MAX_PAIRS = 20_000  # a random sample of this many pairs is plenty for shares down to 1e-4


def smoothed_m(counts: dict[int, int], gammas: list[int], pseudo: float = PSEUDO_COUNT) -> dict[int, float]:
    """Share of pairs per comparison level with a pseudo-count per level (sums to 1 over ``gammas``)."""
    total = sum(counts.get(g, 0) for g in gammas) + pseudo * len(gammas)
    return {g: (counts.get(g, 0) + pseudo) / total for g in gammas}


def bsn_pairs(bsn, max_pairs: int = MAX_PAIRS, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (left, right) of record pairs with the same non-empty BSN hash, at most ``max_pairs``.

    Pairs are drawn uniformly from all equal-BSN pairs, so a person with many
    registrations weighs as much as their pairs do, as in the scored data.
    """
    values = pd.Series(np.asarray(bsn, dtype=object))
    has = values.notna() & (values.astype(str) != "")
    codes = pd.factorize(values[has])[0]
    rows = np.nonzero(has.to_numpy())[0]
    frame = pd.DataFrame({"c": codes, "row": rows})
    sizes = frame.groupby("c")["row"].transform("size")
    frame = frame[sizes > 1]
    if frame.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    both = frame.merge(frame, on="c", suffixes=("_l", "_r"))
    both = both[both["row_l"] < both["row_r"]]
    if len(both) > max_pairs:
        both = both.sample(n=max_pairs, random_state=seed)
    return both["row_l"].to_numpy(dtype=np.int64), both["row_r"].to_numpy(dtype=np.int64)


def level_counts(comparison, records: list[dict], left, right) -> tuple[dict[int, int], int]:
    """Pairs per non-null level of one comparison (its Python twin) and how many pairs were not null."""
    counts: dict[int, int] = {}
    n = 0
    for a, b in zip(left, right):
        g = comparison.gamma(records[a], records[b])
        if g < 0:
            continue
        counts[g] = counts.get(g, 0) + 1
        n += 1
    return counts, n
