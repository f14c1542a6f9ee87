"""'Similar wijken': z-scores and Euclidean distance (pure part, table-driven)."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.areas.similar import zscore_nearest

CODES = ["WK1", "WK2", "WK3", "WK4"]
M = np.array([[10.0, 100.0], [11.0, 110.0], [30.0, 100.0], [10.0, 400.0]])


@pytest.mark.parametrize(
    "target, n, allowed, expected",
    [
        ("WK1", 1, None, ["WK2"]),
        ("WK1", 3, None, ["WK2", "WK4", "WK3"]),
        ("WK1", 2, {"WK3", "WK4"}, ["WK4", "WK3"]),
        ("WK9", 2, None, []),
    ],
)
def test_nearest(target, n, allowed, expected):
    assert [c for c, _ in zscore_nearest(CODES, M, target, n, allowed)] == expected


def test_scale_does_not_dominate():
    # Column 2 is 10× larger in raw units; after z-scoring WK3 (far in column 1) and WK4 (far in
    # column 2) are about equally far from WK1.
    near = dict(zscore_nearest(CODES, M, "WK1", 3))
    assert near["WK3"] == pytest.approx(near["WK4"], rel=0.3)
